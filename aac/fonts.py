"""Fonts for text in any script the voices speak: the board's labels and the captions on the video.

A text is drawn with the first installed font that has every one of its glyphs (so Devanagari or
Chinese is not a row of boxes), and text that must be shaped and ordered (Arabic, Hebrew, Indic,
Thai, stacked marks) goes through Pillow's libraqm layout (HarfBuzz shaping, FriBiDi order).
The fonts returned have the pygame `Font` methods both painters use: `size`, `get_linesize`, `render`.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

NOTO_DIR = Path("/usr/share/fonts/truetype/noto")
# Bold sans fonts that together cover the scripts boards are written in, in order of preference;
# any other Noto Sans bold font installed (fonts-noto-core has about 40 scripts) is tried after them.
FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    f"{NOTO_DIR}/NotoSans-Bold.ttf",
    f"{NOTO_DIR}/NotoSansDevanagari-Bold.ttf",
    f"{NOTO_DIR}/NotoSansBengali-Bold.ttf",
    f"{NOTO_DIR}/NotoSansArabic-Bold.ttf",
    f"{NOTO_DIR}/NotoSansHebrew-Bold.ttf",
    f"{NOTO_DIR}/NotoSansThai-Bold.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)
# Scripts whose letters change shape with their neighbours even without marks: Indic to Tibetan,
# Myanmar, Khmer, Mongolian.
_SHAPED_RANGES = ((0x0900, 0x0FFF), (0x1000, 0x109F), (0x1780, 0x18AF))


def needs_layout(text: str) -> bool:
    """True for text that must be shaped and ordered (right-to-left, Indic, Thai, combining marks), which
    pygame's font cannot do."""
    for ch in text:
        code = ord(ch)
        if unicodedata.bidirectional(ch) in ("R", "AL") or unicodedata.category(ch) in ("Mn", "Mc", "Me"):
            return True
        if any(lo <= code <= hi for lo, hi in _SHAPED_RANGES):
            return True
    return False


class LaidOutFont:
    """A font drawn through Pillow's libraqm layout, with the pygame Font methods the painters use."""

    def __init__(self, path: str, size_px: int) -> None:
        from PIL import ImageFont

        self.path = path
        self._font = ImageFont.truetype(path, size_px, layout_engine=ImageFont.Layout.RAQM)
        ascent, descent = self._font.getmetrics()
        self._line = ascent + descent

    def size(self, text: str) -> tuple[int, int]:
        return int(self._font.getlength(text)) + 1, self._line

    def get_linesize(self) -> int:
        return self._line

    def render(self, text: str, antialias: bool, colour, background=None):
        import pygame
        from PIL import Image, ImageDraw

        width, height = self.size(text)
        image = Image.new("RGBA", (max(1, width), height), (*background, 255) if background else (0, 0, 0, 0))
        ImageDraw.Draw(image).text((0, 0), text, font=self._font, fill=(*colour, 255))
        return pygame.image.frombuffer(image.tobytes(), image.size, "RGBA")


@lru_cache(maxsize=64)
def _font(path: str | None, size_px: int, laid_out: bool = False):
    import pygame

    if laid_out and path is not None:
        return LaidOutFont(path, size_px)
    if not pygame.font.get_init():
        pygame.font.init()
    return pygame.font.Font(path, size_px)


@lru_cache(maxsize=1)
def installed_fonts() -> tuple[str | None, ...]:
    """The font files to try, in order (None, pygame's own font, when none is installed)."""
    preferred = [p for p in FONT_FILES if Path(p).is_file()]
    others = sorted(str(p) for p in NOTO_DIR.glob("NotoSans*-Bold.ttf") if str(p) not in FONT_FILES) \
        if NOTO_DIR.is_dir() else []
    return tuple(preferred + others) or (None,)


@lru_cache(maxsize=64)
def _coverage(path: str | None):
    """A font for asking which glyphs `path` has (pygame.font answers with the missing-glyph box's metrics)."""
    import pygame.freetype

    if not pygame.freetype.get_init():
        pygame.freetype.init()
    return pygame.freetype.Font(path, 16)


def _covers(path: str | None, letters: str) -> bool:
    # joiners have no glyph of their own in some fonts that still shape with them
    needed = "".join(ch for ch in letters if unicodedata.category(ch) != "Cf")
    return all(m is not None for m in _coverage(path).get_metrics(needed))


@lru_cache(maxsize=4096)
def font_for(text: str, size_px: int):
    """The first installed font that has every glyph of `text` (the first font when none does)."""
    fonts = installed_fonts()
    letters = "".join(ch for ch in text if not ch.isspace())
    laid_out = needs_layout(letters)
    for path in fonts:
        if not letters or _covers(path, letters):
            return _font(path, size_px, laid_out)
    return _font(fonts[0], size_px, laid_out)
