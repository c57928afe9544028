"""One conversion per frame for all outputs.

Virtual cameras (v4l2loopback natively, OBS through a cheap I420 -> NV12 step) and the mp4
recording all carry 4:2:0 video. Each used to convert the RGB frame itself, every time it was
sent, also when the frame had not changed. A `Frame` keeps its I420 planes once made, so every
output that needs them shares one conversion, and a frame sent again (nothing moved) costs none.
"""

from __future__ import annotations

import numpy as np


class Frame(np.ndarray):
    """An RGB frame (height, width, 3, uint8) that keeps its I420 conversion. Do not change it once sent."""

    _i420: np.ndarray | None = None


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

    planes = cv2.cvtColor(np.ascontiguousarray(frame), cv2.COLOR_RGB2YUV_I420)
    if isinstance(frame, Frame):
        frame._i420 = planes
    return planes
