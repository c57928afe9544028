"""Colours as board files write them (`rgb(...)`, `rgba(...)`, `#hex`, names), in one spelling.

The app and the Open Board Format both read CSS colours; every colour is kept as
`rgb(r, g, b)` or `rgba(r, g, b, a)` so that drawing code parses one form and export writes
what other AAC apps read.
"""

from __future__ import annotations

import re

from PIL import ImageColor

_FUNCTION = re.compile(r"^(rgba?)\(\s*([^)]*?)\s*\)$", re.I)


def _channel(text: str) -> int:
    text = text.strip()
    if text.endswith("%"):
        return round(float(text[:-1]) * 2.55)
    return round(float(text))


def parse_colour(text: str) -> tuple[int, int, int, float]:
    """(red, green, blue, alpha 0-1) of a CSS colour; ValueError when it is not one."""
    value = text.strip().lower()
    match = _FUNCTION.match(value)
    if match:
        parts = [p for p in re.split(r"[,\s/]+", match[2]) if p]
        if len(parts) not in (3, 4):
            raise ValueError(f"{text!r} is not a colour")
        red, green, blue = (_channel(p) for p in parts[:3])
        alpha = 1.0
        if len(parts) == 4:
            alpha = float(parts[3][:-1]) / 100 if parts[3].endswith("%") else float(parts[3])
        if not all(0 <= c <= 255 for c in (red, green, blue)) or not 0.0 <= alpha <= 1.0:
            raise ValueError(f"{text!r} is out of range")
        return red, green, blue, alpha
    try:
        rgba = ImageColor.getrgb(value)
    except ValueError:
        raise ValueError(f"{text!r} is not a colour") from None
    alpha = rgba[3] / 255 if len(rgba) == 4 else 1.0
    return rgba[0], rgba[1], rgba[2], alpha


def normalise_colour(text: str) -> str:
    """The colour in the one spelling the app keeps; ValueError when `text` is not a colour."""
    red, green, blue, alpha = parse_colour(text)
    if alpha >= 1.0:
        return f"rgb({red}, {green}, {blue})"
    return f"rgba({red}, {green}, {blue}, {round(alpha, 3):g})"
