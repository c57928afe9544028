"""A message rendered to a video file, faster than real time: the same face as live, no clock to wait for."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
from tqdm import tqdm

from aac.live.engine import EngineSettings
from aac.live.face import LiveFace, SpokenPart
from aac.live.overlays import OverlayState, draw
from aac.live.video_file import STRICT, VideoFileError, discard, even_size_filter, put_in_place, temp_beside
from aac.provenance.audio_mark import mark_audio
from aac.provenance.frame_mark import FrameMarker
from aac.provenance.manifest import sign_file
from avatar.motion.emotion import motion_energy
from avatar.motion.speech_motion import speech_motion
from speech.voice import Voice

LEAD_IN_S = 0.5
TAIL_S = 0.7


PROGRESS_FROM_FRAMES = 300


def render_message(
    renderer, voice: Voice, text: str, settings: EngineSettings, path: Path,
    emotion: str | None = None, intensity: float | None = None,
) -> dict:
    """Write `text` spoken by `voice` with the avatar to an mp4 at `path`; returns figures."""
    import time

    t_start = time.perf_counter()
    controls = settings.controls
    emotion = emotion or controls.emotion
    intensity = controls.intensity if intensity is None else intensity
    face = LiveFace(controls, settings.fps)
    rate = voice.sample_rate_hz
    pieces: list[np.ndarray] = [np.zeros(int(LEAD_IN_S * rate), np.float32)]
    at_s = LEAD_IN_S
    head = controls.head_motion * motion_energy(emotion, intensity)
    for i, utterance in enumerate(voice.stream(text)):
        motion = speech_motion(utterance, settings.fps, seed=controls.seed + i, head_amount=head)
        face.place(at_s, SpokenPart(motion, utterance.text, utterance.words, emotion, intensity))
        pieces.append(utterance.audio)
        at_s += utterance.duration_s
    if len(pieces) == 1:
        raise ValueError("nothing to say: the text is empty")
    pieces.append(np.zeros(int(TAIL_S * rate), np.float32))
    audio = mark_audio(np.concatenate(pieces), rate)  # the voice says it is the avatar's too
    duration_s = len(audio) / rate
    n_frames = int(np.ceil(duration_s * settings.fps))
    path = Path(path)
    temp = temp_beside(path)  # what is at `path` stays until the new video is whole
    try:
        _encode(renderer, face, settings, n_frames, pcm16(audio), rate, temp, path)
        sign_file(temp, title=path.name)  # C2PA credentials (synthetic, by aac-avatar), before it is in place
        put_in_place(temp, path)
    except BaseException:
        discard(temp)
        raise
    elapsed = time.perf_counter() - t_start
    return {"duration_s": round(duration_s, 3), "frames": n_frames, "seconds_taken": round(elapsed, 3),
            "x_real_time": round(duration_s / elapsed, 2)}


def pcm16(audio: np.ndarray) -> bytes:
    """Mono float audio as 16-bit little-endian samples, clipped."""
    return (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()


def _feed(fd: int, data: bytes) -> None:
    """Write all of `data` to the pipe `fd`, then close it (ffmpeg then knows the speech has ended)."""
    with contextlib.suppress(BrokenPipeError), os.fdopen(fd, "wb") as pipe:
        pipe.write(data)


def _encode(renderer, face: LiveFace, settings: EngineSettings, n_frames: int, speech: bytes, rate_hz: int,
            out: Path, path: Path) -> None:
    """Frames drawn for each time, piped to ffmpeg with the speech into `out`; VideoFileError naming `path`
    with ffmpeg's reason.

    The speech reaches ffmpeg through a second pipe, never a file: a render killed outright leaves none of
    the person's words behind in a temporary folder."""
    audio_read, audio_write = os.pipe()
    ffmpeg = subprocess.Popen(
        ["ffmpeg", *STRICT, "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24",
         "-s", f"{settings.width}x{settings.height}", "-r", f"{settings.fps}", "-i", "-",
         "-f", "s16le", "-ar", str(rate_hz), "-ac", "1", "-i", f"pipe:{audio_read}",
         *even_size_filter(settings.width, settings.height),
         "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-b:a", "128k", "-shortest", str(out)],
        stdin=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, pass_fds=(audio_read,),
    )
    os.close(audio_read)
    # ffmpeg reads both pipes as it needs them: the speech is fed by its own thread so neither pipe can stall
    # the other
    feeder = threading.Thread(target=_feed, args=(audio_write, speech), name="render-speech", daemon=True)
    feeder.start()
    stopped_early = False
    # a bar on long work only (over about ten seconds of video): short renders stay one line
    bar = tqdm(total=n_frames, unit="frame", desc="rendering", file=sys.stderr, leave=False,
               disable=n_frames < PROGRESS_FROM_FRAMES)
    marker = FrameMarker()
    try:
        for k in range(n_frames):
            t = k / settings.fps
            frame = renderer.render(face.params(t))
            draw(frame, OverlayState(caption=face.caption(t), time_s=t), settings.overlays)
            marker.mark(frame)  # the invisible AI mark (issue 16)
            ffmpeg.stdin.write(np.ascontiguousarray(frame).tobytes())
            bar.update(1)
    except BrokenPipeError:
        stopped_early = True  # ffmpeg stopped: its own words, read below, say why
    finally:
        bar.close()
        with contextlib.suppress(BrokenPipeError):
            ffmpeg.stdin.close()
        err = ffmpeg.stderr.read().decode(errors="replace")
        ffmpeg.wait()
        feeder.join()
    if ffmpeg.returncode != 0 or stopped_early:
        raise VideoFileError(f"{path}: the video could not be written (ffmpeg: {err.strip()[-300:] or 'stopped'})")
