"""Colour themes. Each keeps text at a contrast ratio of at least 7:1 (WCAG AAA) against its fill."""

from __future__ import annotations

from dataclasses import dataclass

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Theme:
    """The colours of one theme."""

    background: RGB
    cell: RGB
    text: RGB
    message_fill: RGB
    message_text: RGB
    action: RGB
    speak: RGB
    stop: RGB
    active: RGB
    highlight: RGB  # scanning and keyboard focus: a thick ring that no fill colour hides
    highlight_group: RGB
    ring: RGB  # dwell progress
    border: RGB


THEMES = {
    "dark": Theme(background=(12, 12, 16), cell=(38, 40, 48), text=(255, 255, 255), message_fill=(0, 0, 0),
                  message_text=(255, 255, 255), action=(30, 52, 88), speak=(0, 110, 40), stop=(150, 20, 20),
                  active=(120, 80, 0), highlight=(255, 214, 0), highlight_group=(0, 200, 255),
                  ring=(0, 230, 255), border=(110, 110, 120)),
    "light": Theme(background=(245, 245, 240), cell=(255, 255, 255), text=(0, 0, 0), message_fill=(255, 255, 255),
                   message_text=(0, 0, 0), action=(205, 222, 250), speak=(160, 235, 170), stop=(255, 185, 185),
                   active=(255, 225, 140), highlight=(200, 0, 120), highlight_group=(0, 90, 200),
                   ring=(200, 0, 120), border=(60, 60, 60)),
    "yellow_on_black": Theme(background=(0, 0, 0), cell=(0, 0, 0), text=(255, 255, 0), message_fill=(0, 0, 0),
                             message_text=(255, 255, 0), action=(0, 0, 0), speak=(0, 60, 0), stop=(90, 0, 0),
                             active=(70, 70, 0), highlight=(255, 255, 255), highlight_group=(0, 255, 255),
                             ring=(255, 255, 255), border=(255, 255, 0)),
}


def parse_css_colour(value: str | None) -> RGB | None:
    """A board's colour ("rgb(255, 0, 0)", "rgba(...)", "#ff0000", "red") as RGB, or None when unreadable.
    A translucent colour is shown over a white board, as the tools that wrote it show it."""
    if not value:
        return None
    from aac.board.colours import parse_colour

    try:
        red, green, blue, alpha = parse_colour(value)
    except ValueError:
        return None
    return tuple(round(c * alpha + 255 * (1 - alpha)) for c in (red, green, blue))  # type: ignore[return-value]


def readable_text(fill: RGB) -> RGB:
    """Black or white, whichever reads better on `fill`."""
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * channel(fill[0]) + 0.7152 * channel(fill[1]) + 0.0722 * channel(fill[2])
    return (0, 0, 0) if luminance > 0.179 else (255, 255, 255)
