"""Where the live avatar's frames go: the virtual camera, a preview window, an mp4 recording.

Every output reports its status; one that fails (no driver, a device unplugged mid-call)
records why and stops taking frames, and the others keep running.
"""

from __future__ import annotations

import abc
import subprocess
import sys
import tempfile
import threading
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np


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
        try:
            self._camera = pyvirtualcam.Camera(width, height, fps, device=device, backend=backend)
        except Exception as exc:
            self._camera = None
            # pyvirtualcam's own words for "there is no device" only repeat what the hint says better
            missing = any(w in str(exc) for w in ("loopback device found", "OBS", "not installed", "No camera"))
            self.error = camera_missing_hint() if missing else f"{exc}. {camera_missing_hint()}"
            return
        self.device = self._camera.device

    def _send(self, frame: np.ndarray) -> None:
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

    Video goes to ffmpeg as it comes; audio is written, aligned to the frames' clock, to a WAV
    beside it, and the two are muxed when the recording closes.
    """

    name = "recording"

    def __init__(self, path: Path, width: int, height: int, fps: float, sample_rate_hz: int) -> None:
        super().__init__()
        self.path = Path(path)
        self.fps = fps
        self.sample_rate_hz = sample_rate_hz
        self._tmp = Path(tempfile.mkdtemp(prefix="aac-record-"))
        self._video = self._tmp / "video.mp4"
        self._wav = wave.open(str(self._tmp / "audio.wav"), "wb")  # noqa: SIM115 - open for the recording's life
        self._wav.setnchannels(1)
        self._wav.setsampwidth(2)
        self._wav.setframerate(sample_rate_hz)
        self._audio_samples = 0
        self._audio_lock = threading.Lock()  # speech arrives on the audio thread, frames on the render thread
        try:
            self._ffmpeg = subprocess.Popen(
                ["ffmpeg", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24",
                 "-s", f"{width}x{height}", "-r", f"{fps}", "-i", "-",
                 "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(self._video)],
                stdin=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        except FileNotFoundError:
            self._ffmpeg = None
            self.error = "ffmpeg is not installed (Debian/Ubuntu: sudo apt-get install ffmpeg)"

    def _send(self, frame: np.ndarray) -> None:
        self._ffmpeg.stdin.write(np.ascontiguousarray(frame).tobytes())
        # Keep the audio track as long as the video: silence where nothing was said.
        due = int(round((self.frames_sent + 1) * self.sample_rate_hz / self.fps))
        with self._audio_lock:
            if due > self._audio_samples:
                self._write_pcm(np.zeros(due - self._audio_samples, np.float32))

    def add_audio(self, audio: np.ndarray, at_s: float) -> None:
        """Place speech so that its first sample plays at `at_s` (frame k shows at k / fps)."""
        start = int(round(at_s * self.sample_rate_hz))
        with self._audio_lock:
            if self._ffmpeg is None:
                return
            if start > self._audio_samples:
                self._write_pcm(np.zeros(start - self._audio_samples, np.float32))
            elif start < self._audio_samples:  # the clock placed it a little in the past: drop the overlap
                audio = audio[self._audio_samples - start :]
            self._write_pcm(audio)

    def _write_pcm(self, audio: np.ndarray) -> None:
        pcm = (np.clip(audio, -1.0, 1.0) * 32767.0).astype("<i2")
        self._wav.writeframes(pcm.tobytes())
        self._audio_samples += len(pcm)

    def close(self) -> None:
        if self._ffmpeg is None:
            return
        ffmpeg, self._ffmpeg = self._ffmpeg, None
        ffmpeg.stdin.close()
        ffmpeg.wait()
        self._wav.close()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            ["ffmpeg", "-loglevel", "error", "-y", "-i", str(self._video), "-i", str(self._tmp / "audio.wav"),
             "-c:v", "copy", "-c:a", "aac", "-b:a", "128k", "-shortest", str(self.path)],
            capture_output=True, text=True,
        )
        for f in self._tmp.iterdir():
            f.unlink()
        self._tmp.rmdir()
        if done.returncode != 0:
            raise RuntimeError(f"could not write {self.path}: {done.stderr.strip()[-300:]}")


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
