"""One conversion per frame for all outputs, made only where the frame changed.

Virtual cameras (v4l2loopback natively, OBS through a cheap I420 -> NV12 step) and the mp4
recording all carry 4:2:0 video. Each used to convert the RGB frame itself, every time it was
sent, also when the frame had not changed. A `Frame` keeps its I420 planes once made, so every
output that needs them shares one conversion, and a frame sent again (nothing moved) costs none.

A new frame that knows where it differs from the frame before it (`Frame.changed_from`: the
face's rectangle, an overlay that changed) copies that frame's planes and converts only those
rectangles. 4:2:0 keeps one chroma sample per 2x2 pixels, computed from those four pixels alone,
so a rectangle widened to even rows and columns converts to exactly the planes the whole frame
would (`tests/test_frame_formats.py` checks it).
"""

from __future__ import annotations

import numpy as np


class Frame(np.ndarray):
    """An RGB frame (height, width, 3, uint8) that keeps its I420 conversion. Do not change it once sent."""

    _i420: np.ndarray | None = None
    _base: tuple | None = None  # (the previous Frame, rectangles outside which the two are equal)

    def changed_from(self, previous: Frame, rects) -> None:
        """Note that this frame equals `previous` outside `rects` (each with x0, y0, x1, y1)."""
        previous._base = None  # one step back only: a chain of frames would never be freed
        self._base = (previous, [(int(r.x0), int(r.y0), int(r.x1), int(r.y1)) for r in rects])


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

    base = getattr(frame, "_base", None)
    height, width = frame.shape[:2]
    if base is not None and base[0]._i420 is not None and height % 2 == 0 and width % 2 == 0:
        planes = _patched(base[0]._i420, frame, base[1])
    else:
        planes = cv2.cvtColor(np.ascontiguousarray(frame), cv2.COLOR_RGB2YUV_I420)
    if isinstance(frame, Frame):
        frame._i420, frame._base = planes, None
    return planes


def _patched(previous: np.ndarray, frame: np.ndarray, rects: list[tuple[int, int, int, int]]) -> np.ndarray:
    """`previous` planes with `rects` of `frame` converted anew (each widened to even rows and columns)."""
    import cv2

    height, width = frame.shape[:2]
    planes = previous.copy()
    flat = planes.reshape(-1)
    y_plane = flat[: height * width].reshape(height, width)
    u_plane = flat[height * width : height * width * 5 // 4].reshape(height // 2, width // 2)
    v_plane = flat[height * width * 5 // 4 :].reshape(height // 2, width // 2)
    for x0, y0, x1, y1 in rects:
        x0, y0 = max(0, x0 - x0 % 2), max(0, y0 - y0 % 2)
        x1, y1 = min(width, x1 + x1 % 2), min(height, y1 + y1 % 2)
        if x1 <= x0 or y1 <= y0:
            continue
        h, w = y1 - y0, x1 - x0
        part = cv2.cvtColor(np.ascontiguousarray(frame[y0:y1, x0:x1]), cv2.COLOR_RGB2YUV_I420).reshape(-1)
        y_plane[y0:y1, x0:x1] = part[: h * w].reshape(h, w)
        u_plane[y0 // 2 : y1 // 2, x0 // 2 : x1 // 2] = part[h * w : h * w * 5 // 4].reshape(h // 2, w // 2)
        v_plane[y0 // 2 : y1 // 2, x0 // 2 : x1 // 2] = part[h * w * 5 // 4 :].reshape(h // 2, w // 2)
    return planes
