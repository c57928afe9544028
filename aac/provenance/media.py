"""Reading what verify is given: video (any container FFmpeg knows), pictures, sounds, a folder of frames.

Frames come back grey (the mark lives in brightness), sound mono at the audio mark's rate.
Every failure is a MediaError with a sentence a person understands.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff"}
AUDIO_SUFFIXES = {".wav", ".flac", ".ogg", ".opus", ".mp3", ".m4a", ".aac"}
MAX_FRAMES = 150  # evenly spread over the video: enough for the mark, quick to read
MAX_FOLDER_FRAMES = 300
MAX_AUDIO_S = 120.0


class MediaError(ValueError):
    """The file cannot be read as media."""

    is_user_error = True


@dataclass(frozen=True)
class Media:
    """What was read: grey frames (may be empty), mono sound (may be empty), and its kind."""

    kind: str  # "video", "image", "audio", "frames"
    frames: tuple[np.ndarray, ...]
    audio: np.ndarray
    sample_rate_hz: int
    notes: tuple[str, ...] = ()


def _grey(image) -> np.ndarray:
    return np.asarray(image.convert("L"))


def read_image(path: Path) -> np.ndarray:
    """A picture as a grey array; MediaError when it is not one."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image.load()
            return _grey(image)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise MediaError(f"{path}: not a picture that can be read ({exc.__class__.__name__})") from None


def read_folder(path: Path) -> Media:
    """The pictures in a folder (sorted by name) as the frames of one video."""
    files = sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
    if not files:
        raise MediaError(f"{path}: the folder holds no pictures (PNG or JPEG frames)")
    step = max(1, len(files) // MAX_FOLDER_FRAMES)
    frames, skipped = [], 0
    for file in files[::step]:
        try:
            frames.append(read_image(file))
        except MediaError:
            skipped += 1
    if not frames:
        raise MediaError(f"{path}: none of its {len(files)} pictures could be read")
    notes = (f"{skipped} of the pictures could not be read and were left out",) if skipped else ()
    return Media("frames", tuple(frames), np.zeros(0, np.float32), 0, notes)


def read_sound(path: Path, sample_rate_hz: int) -> Media:
    """A sound file, mono at `sample_rate_hz`."""
    import soundfile as sf

    from avatar.lipsync.resample import resample

    try:
        audio, rate = sf.read(str(path), dtype="float32", always_2d=True, frames=-1)
    except (RuntimeError, sf.LibsndfileError, TypeError) as exc:
        raise MediaError(f"{path}: not a sound that can be read ({str(exc)[:120]})") from None
    if audio.size == 0:
        raise MediaError(f"{path}: the sound holds no samples")
    mono = audio[: int(MAX_AUDIO_S * rate)].mean(axis=1)
    return Media("audio", (), resample(mono, int(rate), sample_rate_hz), sample_rate_hz)


def _video_frames(container, stream) -> Iterator[np.ndarray]:
    total = stream.frames or 0
    step = max(1, total // MAX_FRAMES) if total else 1
    for index, frame in enumerate(container.decode(stream)):
        if index % step == 0:
            yield frame.to_ndarray(format="gray")


def _audio_of(container, stream, sample_rate_hz: int) -> np.ndarray:
    import av

    resampler = av.AudioResampler(format="flt", layout="mono", rate=sample_rate_hz)
    pieces = []
    for frame in container.decode(stream):
        for out in resampler.resample(frame):
            pieces.append(out.to_ndarray().reshape(-1))
        if sum(len(p) for p in pieces) > MAX_AUDIO_S * sample_rate_hz:
            break
    return np.concatenate(pieces).astype(np.float32) if pieces else np.zeros(0, np.float32)


def read_video(path: Path, sample_rate_hz: int) -> Media:
    """The frames (grey, up to MAX_FRAMES spread over it) and the sound of a video file."""
    import av

    notes: list[str] = []
    try:
        with av.open(str(path)) as container:
            video = container.streams.video[0] if container.streams.video else None
            frames: list[np.ndarray] = []
            if video is not None:
                try:
                    frames = list(_video_frames(container, video))
                except av.error.FFmpegError as exc:  # a truncated file: keep what was read
                    notes.append(f"the video stops early ({exc.__class__.__name__}); {len(frames)} frames read")
        audio = np.zeros(0, np.float32)
        with av.open(str(path)) as container:
            if container.streams.audio:
                try:
                    audio = _audio_of(container, container.streams.audio[0], sample_rate_hz)
                except av.error.FFmpegError:
                    notes.append("its sound could not be read to the end")
    except av.error.FFmpegError as exc:
        raise MediaError(f"{path}: not a video, picture or sound that can be read: damaged, cut short, "
                         f"or another kind of file ({exc.__class__.__name__})") from None
    if not frames and audio.size == 0:
        raise MediaError(f"{path}: holds neither pictures nor sound that can be read (truncated or damaged?)")
    kind = "video" if frames else "audio"
    return Media(kind, tuple(frames), audio, sample_rate_hz, tuple(notes))


def read_media(path: Path, sample_rate_hz: int) -> Media:
    """Whatever `path` is (video, picture, sound, folder of frames), read for verification."""
    path = Path(path)
    if path.is_dir():
        return read_folder(path)
    if not path.exists():
        raise MediaError(f"{path}: no such file or folder")
    if not path.is_file():
        raise MediaError(f"{path}: not a file")
    if path.stat().st_size == 0:
        raise MediaError(f"{path}: the file is empty")
    suffix = path.suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        return Media("image", (read_image(path),), np.zeros(0, np.float32), 0)
    if suffix in {".wav", ".flac", ".ogg"}:
        try:
            return read_sound(path, sample_rate_hz)
        except MediaError:
            pass  # an Opus-in-Ogg or odd WAV: FFmpeg reads more
    return read_video(path, sample_rate_hz)
