"""Where the live avatar's frames go: the virtual camera, a preview window, an mp4 recording.

Every output reports its status; one that fails (no driver, a device unplugged mid-call)
records why and stops taking frames, and the others keep running.
"""

from __future__ import annotations

import abc
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from aac.live.frame_formats import i420
from aac.live.recording_recovery import recover_unfinished, unfinished_prefix
from aac.live.video_file import (
    FRAGMENTED,
    STRICT,
    VideoFileError,
    discard,
    even_size_filter,
    put_in_place,
    temp_beside,
)
from profiles.atomic import make_private_dir


@dataclass(frozen=True)
class OutputStatus:
    """What the app knows of one output: its name, whether it runs, and why not."""

    name: str
    running: bool
    detail: str = ""


class VideoOutput(abc.ABC):
    """A consumer of RGB frames (height x width x 3, uint8)."""

    name = "output"

    def __init__(self) -> None:
        self.error = ""
        self.frames_sent = 0

    @abc.abstractmethod
    def _send(self, frame: np.ndarray) -> None:
        """Deliver one frame; raise on failure."""

    def send(self, frame: np.ndarray) -> None:
        """Deliver one frame unless the output has failed; a failure is recorded, never raised."""
        if self.error:
            return
        try:
            self._send(frame)
            self.frames_sent += 1
        except Exception as exc:  # a broken output must not stop the avatar
            self.error = f"{type(exc).__name__}: {exc}"
            self._close_quietly()

    def _close_quietly(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    def close(self) -> None:  # noqa: B027 - most outputs hold nothing
        """Release the output."""

    def status(self) -> OutputStatus:
        """Running, or failed with the reason."""
        return OutputStatus(self.name, not self.error, self.error or f"{self.frames_sent} frames")


def camera_missing_hint() -> str:
    """What to install for a virtual camera on this platform."""
    if sys.platform.startswith("linux"):
        return (
            "no virtual camera device: install v4l2loopback and load it for meeting apps with "
            "`sudo modprobe v4l2loopback devices=1 exclusive_caps=1 card_label=\"AAC Avatar Camera\"` "
            "(Debian/Ubuntu: sudo apt-get install v4l2loopback-dkms)"
        )
    return "no virtual camera: install OBS Studio and start its Virtual Camera once (it registers the device)"


class VirtualCameraOutput(VideoOutput):
    """The avatar as a webcam for Zoom, Teams and Meet, through pyvirtualcam."""

    name = "camera"

    def __init__(self, width: int, height: int, fps: float, device: str | None = None, backend: str | None = None):
        super().__init__()
        import pyvirtualcam
        from pyvirtualcam.camera import BACKENDS

        if backend is not None and backend not in BACKENDS:
            # refused before pyvirtualcam, whose half-made Camera prints a traceback when collected
            self._camera = None
            self.error = f"unknown camera backend {backend!r} (this computer has: {', '.join(BACKENDS) or 'none'})"
            return
        # v4l2loopback's yuv420p and Chrome need an even width and height: an odd one gets a repeated edge line
        self._pad = (height % 2, width % 2)
        self._i420 = False
        try:
            self._camera = pyvirtualcam.Camera(width + width % 2, height + height % 2, fps, device=device,
                                               backend=backend)
            if not any(self._pad) and self._camera.native_fmt in (pyvirtualcam.PixelFormat.I420,
                                                                  pyvirtualcam.PixelFormat.NV12):
                # a 4:2:0 device: hand it the frame's one I420 conversion (shared with the recording,
                # made once however often the frame is sent) instead of its own RGB conversion per send
                self._camera.close()
                self._camera = pyvirtualcam.Camera(width, height, fps, fmt=pyvirtualcam.PixelFormat.I420,
                                                   device=device, backend=backend)
                self._i420 = True
        except Exception as exc:
            self._camera = None
            # pyvirtualcam's own words for "there is no device" only repeat what the hint says better
            missing = any(w in str(exc) for w in ("loopback device found", "OBS", "not installed", "No camera"))
            self.error = camera_missing_hint() if missing else f"{exc}. {camera_missing_hint()}"
            return
        self.device = self._camera.device

    def _send(self, frame: np.ndarray) -> None:
        if self._i420:
            self._camera.send(i420(frame))
            return
        if any(self._pad):
            frame = np.pad(frame, ((0, self._pad[0]), (0, self._pad[1]), (0, 0)), mode="edge")
        self._camera.send(frame)

    def close(self) -> None:
        if self._camera is not None:
            self._camera.close()
            self._camera = None


class PreviewWindow(VideoOutput):
    """A pygame window showing what the camera sends (Esc or closing it hides it)."""

    name = "preview"

    def __init__(self, width: int, height: int, title: str = "AAC Avatar preview") -> None:
        super().__init__()
        import pygame

        self._pygame = pygame
        try:
            pygame.display.init()
            self._screen = pygame.display.set_mode((width, height))
            pygame.display.set_caption(title)
        except Exception as exc:
            self.error = f"no preview window: {exc}"

    def _send(self, frame: np.ndarray) -> None:
        pg = self._pygame
        for event in pg.event.get():
            if event.type == pg.QUIT or (event.type == pg.KEYDOWN and event.key == pg.K_ESCAPE):
                raise RuntimeError("preview closed by the user")
        pg.surfarray.blit_array(self._screen, frame.swapaxes(0, 1))
        pg.display.flip()

    def close(self) -> None:
        self._pygame.display.quit()


class Mp4Recorder(VideoOutput):
    """Records frames and the speech heard with them into an mp4 (H.264 + AAC) with ffmpeg.

    Video goes to ffmpeg as it comes; audio is written, aligned to the frames' clock, as raw PCM
    beside it, and the two are muxed when the recording closes. Both are kept while recording in a
    folder `<name>.unfinished-<pid>-*` next to the target: a session killed outright (kill -9, power
    cut) leaves a playable video and its sound there, made whole by the next recording into that
    folder (`aac.live.recording_recovery`); a finished one leaves only the owner-only mp4.
    """

    name = "recording"

    def __init__(self, path: Path, width: int, height: int, fps: float, sample_rate_hz: int) -> None:
        super().__init__()
        self.path = Path(path)
        self.fps = fps
        self.sample_rate_hz = sample_rate_hz
        self._audio_samples = 0
        self._pending: list[tuple[int, np.ndarray]] = []  # (first sample, speech) not yet written
        self._audio_lock = threading.Lock()  # speech arrives on the audio thread, frames on the render thread
        self._ffmpeg = None
        self.recovered: list[str] = []  # sentences: recordings of killed sessions made whole
        try:  # a target that cannot be written is said now, not when the session ends
            make_private_dir(self.path.parent)  # a recordings folder made here is the person's only
            # a recording an earlier session left unfinished (killed outright) is made whole first
            self.recovered = recover_unfinished(self.path.parent)
            self._tmp = Path(tempfile.mkdtemp(prefix=unfinished_prefix(self.path, os.getpid()), dir=self.path.parent))
        except OSError as exc:
            self.error = f"cannot record into {self.path.parent}: {exc.strerror or exc}"
            return
        self._video = self._tmp / "video.mp4"
        self._audio_path = self._tmp / f"audio-{sample_rate_hz}hz-s16le-mono.pcm"
        self._audio = open(self._audio_path, "wb")  # noqa: SIM115 - open for the recording's life
        # I420 in: the frame's one conversion, shared with the camera (see aac.live.frame_formats);
        # 4:2:0 needs even sides, so an odd size goes in as RGB for ffmpeg to pad and convert
        self._i420 = width % 2 == 0 and height % 2 == 0
        try:
            self._ffmpeg = subprocess.Popen(
                ["ffmpeg", *STRICT, "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt",
                 "yuv420p" if self._i420 else "rgb24",
                 "-s", f"{width}x{height}", "-r", f"{fps}", "-i", "-", *even_size_filter(width, height), *FRAGMENTED,
                 "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(self._video)],
                stdin=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,  # the terminal's hang-up and Ctrl-C are the aid's to handle
            )
        except FileNotFoundError:
            self._audio.close()
            shutil.rmtree(self._tmp, ignore_errors=True)
            self.error = "ffmpeg is not installed (Debian/Ubuntu: sudo apt-get install ffmpeg)"

    def _send(self, frame: np.ndarray) -> None:
        self._ffmpeg.stdin.write(memoryview(i420(frame)) if self._i420 else np.ascontiguousarray(frame).tobytes())
        # Keep the audio track as long as the video: speech where it was placed, silence elsewhere.
        due = int(round((self.frames_sent + 1) * self.sample_rate_hz / self.fps))
        with self._audio_lock:
            self._write_due(due)

    def add_audio(self, audio: np.ndarray, at_s: float) -> None:
        """Place speech so that its first sample plays at `at_s` (frame k shows at k / fps). It is written as
        the frames reach it, so a `cut_audio` (stop, skip) still removes what was not heard."""
        start = int(round(at_s * self.sample_rate_hz))
        with self._audio_lock:
            if self._ffmpeg is None:
                return
            self._pending.append((start, np.asarray(audio, np.float32)))

    def cut_audio(self, at_s: float) -> None:
        """Drop the placed speech from `at_s` on: the person stopped it."""
        end = int(round(at_s * self.sample_rate_hz))
        with self._audio_lock:
            self._pending = [(start, audio[: end - start]) for start, audio in self._pending if end > start]

    def _write_due(self, due: int) -> None:
        """Write the audio track up to sample `due`: placed speech, silence around it. Speech placed a little
        in the past (the clock's jitter) loses the overlap."""
        n = due - self._audio_samples
        if n <= 0:
            return
        chunk = np.zeros(n, np.float32)
        kept = []
        for start, audio in self._pending:
            lo, hi = max(start, self._audio_samples), min(start + len(audio), due)
            if hi > lo:
                chunk[lo - self._audio_samples : hi - self._audio_samples] += audio[lo - start : hi - start]
            if start + len(audio) > due:
                kept.append((start, audio))
        self._pending = kept
        self._write_pcm(chunk)

    def _write_pcm(self, audio: np.ndarray) -> None:
        pcm = (np.clip(audio, -1.0, 1.0) * 32767.0).astype("<i2")
        self._audio.write(pcm.tobytes())
        self._audio_samples += len(pcm)

    def close(self) -> None:
        """Finish the mp4 (whole or not at all: what was at the path stays until it is); raise when it cannot be."""
        if self._ffmpeg is None:
            return
        ffmpeg, self._ffmpeg = self._ffmpeg, None
        with contextlib.suppress(BrokenPipeError):
            ffmpeg.stdin.close()
        ffmpeg.wait()
        with self._audio_lock:
            self._audio.close()
        problem = ffmpeg.stderr.read().decode(errors="replace").strip()
        temp = temp_beside(self.path)
        done = subprocess.run(
            ["ffmpeg", *STRICT, "-loglevel", "error", "-y", "-i", str(self._video),
             "-f", "s16le", "-ar", str(self.sample_rate_hz), "-ac", "1", "-i", str(self._audio_path),
             "-c:v", "copy", "-c:a", "aac", "-b:a", "128k", "-shortest", str(temp)],
            capture_output=True, text=True, start_new_session=True,
        )
        if done.returncode != 0:
            discard(temp)
            why = (problem or done.stderr.strip())[-300:]
            self.error = f"could not write {self.path} ({why}); what was recorded is kept in {self._tmp}"
            raise VideoFileError(self.error)
        from aac.provenance.manifest import sign_file

        sign_file(temp, title=self.path.name)  # C2PA credentials (synthetic, by aac-avatar), before it is in place
        put_in_place(temp, self.path)
        shutil.rmtree(self._tmp, ignore_errors=True)


class FrameCollector(VideoOutput):
    """Keeps frames with their send times in memory (tests, benchmarks)."""

    name = "collector"

    def __init__(self, keep: int = 0) -> None:
        super().__init__()
        self.keep = keep
        self.frames: list[np.ndarray] = []

    def _send(self, frame: np.ndarray) -> None:
        if self.keep:
            self.frames.append(frame.copy())
            del self.frames[: -self.keep]
