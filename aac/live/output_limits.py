"""Frame sizes and rates the video outputs can take, checked before anything starts.

Virtual cameras (v4l2loopback, OBS) and the mp4 recording carry 4:2:0 video (I420 / yuv420p):
colour is stored once per 2x2 pixels, so width and height must be even. The profile's own
limits bound the rest: 160x120 to 3840x2160 (what meeting apps accept from a camera), 1 to 60
frames a second (meeting apps send at most 30 or 60; more is work nobody sees).
"""

from __future__ import annotations

from aac.arguments import MAX_FPS  # the one frame-rate bound, the command line's and the profile's

MIN_SIZE = (160, 120)
MAX_SIZE = (3840, 2160)


def video_format_problem(width: int, height: int, fps: float) -> str:
    """Why the outputs cannot take frames of this size and rate, or "" when they can."""
    if not (MIN_SIZE[0] <= width <= MAX_SIZE[0] and MIN_SIZE[1] <= height <= MAX_SIZE[1]):
        return (f"frame size {width}x{height} is outside what cameras and meeting apps take "
                f"({MIN_SIZE[0]}x{MIN_SIZE[1]} to {MAX_SIZE[0]}x{MAX_SIZE[1]}); 1280x720 is the usual")
    odd = odd_size_problem(width, height)
    if odd:
        return odd
    if not (1.0 <= fps <= MAX_FPS):
        return (f"frame rate {fps:g} fps is outside 1 to {MAX_FPS:g} "
                "(meeting apps take at most 30 or 60; 30 is the usual)")
    return ""


def odd_size_problem(width: int, height: int) -> str:
    """Why a 4:2:0 output (camera, recording) cannot take this size, or "" when both sides are even."""
    if width % 2 or height % 2:
        even = f"{width + width % 2}x{height + height % 2}"
        return (f"frame size {width}x{height} has an odd side: virtual cameras and recordings store colour "
                f"per 2x2 pixels (4:2:0), so width and height must be even, e.g. {even}")
    return ""
