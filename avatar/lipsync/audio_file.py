"""Reading any audio file for lip sync: mono float32 at its own rate, block by block, or a one-line error.

Files are read in blocks (soundfile), so an hour of 48 kHz stereo never sits in memory whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from avatar.motion.errors import MotionError

MAX_DURATION_S = 60 * 60  # cues for longer files grow large; split them into parts
BLOCK_FRAMES = 1 << 16  # about 1.4 s at 48 kHz


@dataclass(frozen=True)
class AudioFileInfo:
    """What a readable audio file holds."""

    path: Path
    sample_rate_hz: int
    frames: int
    channels: int

    @property
    def duration_s(self) -> float:
        return self.frames / self.sample_rate_hz


def audio_info(path: str | Path) -> AudioFileInfo:
    """Check that `path` is audio lip sync can read (WAV, FLAC, OGG, MP3...); MotionError naming it if not."""
    import soundfile as sf

    path = Path(path)
    if not path.is_file():
        raise MotionError(f"{path}: no such audio file")
    try:
        info = sf.info(str(path))
    except (RuntimeError, sf.LibsndfileError) as exc:
        raise MotionError(f"{path}: not a readable audio file (WAV, FLAC or OGG expected): {exc}") from None
    if info.frames <= 0:
        raise MotionError(f"{path}: the audio file holds no samples")
    if info.samplerate < 4000:
        raise MotionError(f"{path}: sample rate {info.samplerate} Hz is too low for lip sync (need 4000 Hz or more)")
    if info.frames / info.samplerate > MAX_DURATION_S:
        raise MotionError(f"{path}: audio longer than an hour; split it into parts of an hour or less")
    return AudioFileInfo(path, int(info.samplerate), int(info.frames), int(info.channels))


def read_blocks(path: str | Path, block_frames: int = BLOCK_FRAMES) -> Iterator[np.ndarray]:
    """The file's audio as mono float32 blocks (channels averaged), in order; MotionError naming the
    file if it cannot be decoded part way or holds NaN or infinite samples."""
    import soundfile as sf

    info = audio_info(path)
    try:
        for block in sf.blocks(str(info.path), blocksize=block_frames, dtype="float32", always_2d=True):
            mono = block.mean(axis=1).astype(np.float32)
            if not np.isfinite(mono).all():
                raise MotionError(f"{info.path}: the audio holds invalid (NaN or infinite) samples")
            yield mono
    except (RuntimeError, sf.LibsndfileError) as exc:
        raise MotionError(f"{info.path}: the audio could not be decoded: {exc}") from None


def load_audio(path: str | Path) -> tuple[np.ndarray, int]:
    """(mono float32 samples, sample rate) of a whole audio file; stereo is averaged.

    Raises MotionError naming the file when it is missing, not audio, empty or absurdly long.
    """
    info = audio_info(path)
    blocks = list(read_blocks(path))
    return (np.concatenate(blocks) if blocks else np.zeros(0, np.float32)), info.sample_rate_hz
