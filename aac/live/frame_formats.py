"""One conversion per frame for all outputs, made only where the frame changed.

Virtual cameras (v4l2loopback natively, OBS through a cheap I420 -> NV12 step) and the mp4
recording all carry 4:2:0 video. Each used to convert the RGB frame itself, every time it was
sent, also when the frame had not changed. A `Frame` keeps its I420 planes once made, so every
output that needs them shares one conversion, and a frame sent again (nothing moved) costs none.

The live engine draws its frames into a few buffers it reuses in turn (`aac.live.frames`); each
buffer keeps its planes (`Planes`) with the rectangles where its pixels changed since they were
converted, and a frame made in it converts only those (each widened to even rows and columns).
4:2:0 keeps one chroma sample per 2x2 pixels, computed from those four pixels alone, so the planes
are exactly those of converting the whole frame (`tests/test_frame_formats.py` checks it).
"""

from __future__ import annotations

import numpy as np

from avatar.region import Region, outermost


class Planes:
    """The I420 planes of a reused frame buffer, and where its pixels changed since they were made."""

    def __init__(self) -> None:
        self.planes: np.ndarray | None = None  # none made yet
        self.pending: list[Region] = []  # not converted yet

    def changed(self, rects) -> None:
        """Note that the buffer's pixels changed in `rects` (each with x0, y0, x1, y1)."""
        self.pending.extend(Region(int(r.x0), int(r.y0), int(r.x1), int(r.y1)) for r in rects)


class Frame(np.ndarray):
    """An RGB frame (height, width, 3, uint8) that keeps its I420 conversion. Do not change it once sent."""

    _i420: np.ndarray | None = None
    _planes: Planes | None = None  # the planes of the buffer it was drawn in, to bring up to date

    def converts_into(self, planes: Planes) -> None:
        """Make this frame's I420 by updating `planes`, its buffer's, where they are behind its pixels."""
        self._planes = planes


def as_frame(rgb: np.ndarray) -> Frame:
    """`rgb` as a `Frame` (a view: no copy)."""
    return rgb.view(Frame)


def i420(frame: np.ndarray) -> np.ndarray:
    """The frame as I420 planes, (height * 3 / 2, width) uint8, BT.601 limited range (as libyuv and ffmpeg make it).

    Made once per `Frame`; a plain array is converted every time.
    """
    cached = getattr(frame, "_i420", None)
    if cached is not None:
        return cached
    import cv2

    buffer = getattr(frame, "_planes", None)
    height, width = frame.shape[:2]
    if buffer is not None and buffer.planes is not None and height % 2 == 0 and width % 2 == 0:
        planes = _patched(buffer.planes, frame, buffer.pending)
    else:
        planes = cv2.cvtColor(np.ascontiguousarray(frame), cv2.COLOR_RGB2YUV_I420)
    if buffer is not None:
        buffer.planes, buffer.pending = planes, []
    if isinstance(frame, Frame):
        frame._i420, frame._planes = planes, None
    return planes


def _patched(planes: np.ndarray, frame: np.ndarray, rects: list[Region]) -> np.ndarray:
    """`planes` with `rects` of `frame` converted anew (each widened to even rows and columns), in place."""
    import cv2

    height, width = frame.shape[:2]
    flat = planes.reshape(-1)
    # a buffer used again after a few frames is behind where each of them drew: often the same head's rectangle
    rects = outermost(rects)
    y_plane = flat[: height * width].reshape(height, width)
    u_plane = flat[height * width : height * width * 5 // 4].reshape(height // 2, width // 2)
    v_plane = flat[height * width * 5 // 4 :].reshape(height // 2, width // 2)
    for r in rects:
        x0, y0, x1, y1 = r.x0, r.y0, r.x1, r.y1
        x0, y0 = max(0, x0 - x0 % 2), max(0, y0 - y0 % 2)
        x1, y1 = min(width, x1 + x1 % 2), min(height, y1 + y1 % 2)
        if x1 <= x0 or y1 <= y0:
            continue
        h, w = y1 - y0, x1 - x0
        part = cv2.cvtColor(frame[y0:y1, x0:x1], cv2.COLOR_RGB2YUV_I420).reshape(-1)  # OpenCV reads the view's rows
        y_plane[y0:y1, x0:x1] = part[: h * w].reshape(h, w)
        u_plane[y0 // 2 : y1 // 2, x0 // 2 : x1 // 2] = part[h * w : h * w * 5 // 4].reshape(h // 2, w // 2)
        v_plane[y0 // 2 : y1 // 2, x0 // 2 : x1 // 2] = part[h * w * 5 // 4 :].reshape(h // 2, w // 2)
    return planes

