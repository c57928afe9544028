"""The avatar photo from a webcam: each frame checked as `avatar build` checks a photo, turned into short
advice for the person in front of the camera ("move closer", "face the camera", "good: take the photo").

The frames come from a frame source (a callable giving an RGB frame or None), so the flow runs the same
on a webcam (`webcam_source`) and on frames a test makes. A watcher thread checks a few frames a second
while the photo screen is open; nothing is kept until the caregiver takes the photo and records consent.
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

FrameSource = Callable[[], "np.ndarray | None"]
CHECKS_PER_S = 3.0
PREVIEW_PX = 320

# The face check's refusals (avatar.photo_check), as advice for someone looking into a camera.
_ADVICE = (
    ("faces found", "Only one face in view, please"),
    ("no face found", "No face seen: face the camera"),
    ("px across", "Move closer to the camera"),
    ("sideways", "Turn the camera upright"),
    ("upside down", "Turn the camera upright"),
    ("tilted", "Hold the head upright"),
    ("turned", "Face the camera"),
    ("eyes look closed", "Eyes open, please"),
    ("too dark", "More light on the face, please"),
    ("blurred", "Hold still: the picture is blurred"),
)
GOOD = "Good: take the photo"


@dataclass(frozen=True)
class FrameCheck:
    """What the face check said about one frame."""

    ok: bool
    advice: str
    detail: str = ""  # the check's own sentence, for the caregiver


def advice_for(problem: str) -> str:
    """Short camera advice for a face-check refusal (its own sentence when no advice fits)."""
    lowered = problem.lower()
    for words, advice in _ADVICE:
        if words in lowered:
            return advice
    return problem.split(": ", 1)[-1]


def check_frame(frame: np.ndarray, detector=None) -> FrameCheck:
    """Check one RGB frame with the face check of `avatar build`."""
    from avatar.photo_check import PhotoProblem, check_photo

    try:
        check_photo(frame, "the camera", detector)
    except PhotoProblem as problem:
        return FrameCheck(False, advice_for(str(problem)), str(problem))
    return FrameCheck(True, GOOD)


def png_bytes(frame: np.ndarray, max_px: int | None = None) -> bytes:
    """A frame as PNG (made smaller first when `max_px` is given)."""
    from PIL import Image

    image = Image.fromarray(np.ascontiguousarray(frame[..., :3], dtype=np.uint8))
    if max_px is not None:
        image.thumbnail((max_px, max_px))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def webcam_source(index: int = 0) -> tuple[FrameSource, Callable[[], None], str]:
    """The first webcam as a frame source, a function that releases it, and a problem sentence ("" when open)."""
    import cv2

    capture = cv2.VideoCapture(index)
    if not capture.isOpened():
        capture.release()
        return (lambda: None), (lambda: None), "No webcam found: plug one in, then choose Avatar photo again"

    def read() -> np.ndarray | None:
        ok, frame = capture.read()
        return cv2.cvtColor(frame, cv2.COLOR_BGR2RGB) if ok and frame is not None else None

    return read, capture.release, ""


class CameraWatch:
    """Frames from a source, each checked; `poll()` checks one now, `start()` keeps checking in a thread."""

    def __init__(self, source: FrameSource, on_change: Callable[[], None], detector_factory=None) -> None:
        self.source = source
        self.on_change = on_change
        self.frame: np.ndarray | None = None
        self.check: FrameCheck | None = None
        self._detector_factory = detector_factory
        self._detector = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def poll(self) -> FrameCheck | None:
        """Take one frame from the source and check it (None when the source gave none)."""
        frame = self.source()
        if frame is None:
            return None
        if self._detector is None:
            from avatar.landmarks import LandmarkDetector

            self._detector = (self._detector_factory or (lambda: LandmarkDetector(max_faces=2)))()
        checked = check_frame(frame, self._detector)
        with self._lock:
            self.frame, self.check = frame, checked
        self.on_change()
        return checked

    def latest(self) -> tuple[np.ndarray | None, FrameCheck | None]:
        """The last frame checked and what the check said."""
        with self._lock:
            return self.frame, self.check

    def start(self) -> None:
        """Check frames in a background thread, a few a second, until `stop()`."""
        if self._thread is not None:
            return
        self._stop.clear()

        def run() -> None:
            while not self._stop.is_set():
                started = time.monotonic()
                try:
                    self.poll()
                except Exception as exc:  # a camera unplugged mid-way: say so rather than die silently
                    with self._lock:
                        self.check = FrameCheck(False, "The camera stopped", str(exc))
                    self.on_change()
                    return
                self._stop.wait(max(0.0, 1.0 / CHECKS_PER_S - (time.monotonic() - started)))

        self._thread = threading.Thread(target=run, name="caregiver-camera", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop checking and free the detector."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
            self._thread = None
        if self._detector is not None:
            self._detector.close()
            self._detector = None
