"""What the call partner sees on top of the avatar: captions, a typing indicator, the "AI avatar" label.

Text is drawn with the first installed font that has its glyphs, shaped where the script needs it
(`aac.fonts`, as the board draws its labels), so a Hindi or Arabic caption reads as typed; each
distinct text is rendered once and cached, and only its rectangle of the frame is blended.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from aac.fonts import font_for


@dataclass(frozen=True)
class OverlaySettings:
    """Which overlays are on (from the profile's avatar.overlays)."""

    captions: bool = True
    typing_indicator: bool = True
    ai_label: bool = True


@dataclass(frozen=True)
class OverlayState:
    """What to show on one frame."""

    caption: str = ""
    typing: bool = False
    time_s: float = 0.0


# A full caption line at 1280x720 is about 0.4 MB here (RGB and float alpha); captions appear word by
# word, each partial line a new entry, so 256 entries grew the live engine by about 50 MB over its
# first minutes. A frame uses at most four (label, two caption lines, typing dots): 32 keep them all.
@lru_cache(maxsize=32)
def _text_image(text: str, size_px: int) -> tuple[np.ndarray, np.ndarray]:
    """RGB and alpha (0..1) of white `text` at `size_px`."""
    import pygame

    surface = font_for(text, size_px).render(text, True, (255, 255, 255))
    rgb = pygame.surfarray.array3d(surface).swapaxes(0, 1)
    alpha = pygame.surfarray.array_alpha(surface).swapaxes(0, 1).astype(np.float32) / 255.0
    return rgb, alpha


def _box(frame: np.ndarray, x0: int, y0: int, x1: int, y1: int, opacity: float = 0.6,
         touched: list | None = None) -> None:
    h, w = frame.shape[:2]
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
    if x1 > x0 and y1 > y0:
        region = frame[y0:y1, x0:x1]
        region[:] = (region.astype(np.float32) * (1.0 - opacity)).astype(np.uint8)
        if touched is not None:
            touched.append((x0, y0, x1, y1))


def _text(frame: np.ndarray, text: str, x: int, y: int, size_px: int, touched: list | None = None) -> tuple[int, int]:
    rgb, alpha = _text_image(text, size_px)
    h, w = frame.shape[:2]
    # Text wider or taller than a small frame starts off its edge: only the part inside is drawn
    sx, sy = max(0, -x), max(0, -y)
    x, y = max(0, x), max(0, y)
    th, tw = min(alpha.shape[0] - sy, h - y), min(alpha.shape[1] - sx, w - x)
    if th <= 0 or tw <= 0:
        return 0, 0
    region = frame[y : y + th, x : x + tw].astype(np.float32)
    a = alpha[sy : sy + th, sx : sx + tw, None]
    frame[y : y + th, x : x + tw] = (region * (1 - a) + rgb[sy : sy + th, sx : sx + tw] * a).astype(np.uint8)
    if touched is not None:
        touched.append((x, y, x + tw, y + th))
    return tw, th


def _wrap(caption: str, size_px: int, width_px: int) -> list[str]:
    lines, line = [], ""
    for word in caption.split():
        trial = f"{line} {word}"
        if line and font_for(trial, size_px).size(trial)[0] > width_px:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return lines[-2:]  # the newest two lines: captions follow the voice


def draw(frame: np.ndarray, state: OverlayState, settings: OverlaySettings,
         touched: list | None = None) -> np.ndarray:
    """Draw the overlays that are on onto `frame` (in place) and return it; `touched`, when given,
    gets the rectangles (x0, y0, x1, y1) drawn in: the frame is unchanged outside them."""
    h, w = frame.shape[:2]
    unit = max(12, h // 24)
    if settings.ai_label:
        label = "AI avatar"
        rgb, _ = _text_image(label, unit)
        tw, th = rgb.shape[1], rgb.shape[0]
        x, y = w - tw - unit, unit // 2
        _box(frame, x - unit // 3, y - unit // 6, x + tw + unit // 3, y + th + unit // 6, 0.55, touched)
        _text(frame, label, x, y, unit, touched)
    if settings.captions and state.caption:
        size = int(unit * 1.3)
        lines = _wrap(state.caption, size, w - 2 * unit)
        heights = [_text_image(line, size)[0].shape[0] for line in lines]  # tall scripts take more room
        y = h - sum(heights) - unit
        _box(frame, 0, y - unit // 3, w, h - unit // 2, 0.6, touched)
        for line, line_h in zip(lines, heights, strict=True):
            rgb, _ = _text_image(line, size)
            _text(frame, line, max(0, (w - rgb.shape[1]) // 2), y, size, touched)
            y += line_h
    if settings.typing_indicator and state.typing:
        dots = "." * (1 + int(state.time_s * 3) % 3)
        text = f"typing{dots}"
        _box(frame, unit // 2, unit // 2, unit // 2 + unit * 6, unit // 2 + int(unit * 1.6), 0.55, touched)
        _text(frame, text, unit, unit // 2 + unit // 4, unit, touched)
    return frame
