"""Painting a `Screen` with pygame. This module only draws: what goes where is `aac.ui.layout`'s,
what is highlighted is the access method's.

The still parts (cells, pictures, labels) are painted once per change into a cached surface; each
frame then copies it and adds what moves: the avatar's preview, the highlight, the dwell ring.
"""

from __future__ import annotations

import math

import numpy as np

from aac.fonts import font_for
from aac.ui.layout import Cell, Rect, Screen
from aac.ui.themes import THEMES, Theme, parse_css_colour, readable_text


def wrap(text: str, size_px: int, width: int) -> list[str]:
    """`text` broken into lines no wider than `width` at `size_px` (a word too long is kept whole)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            trial = f"{line} {word}" if line else word
            if line and font_for(trial, size_px).size(trial)[0] > width:
                lines.append(line)
                line = word
            else:
                line = trial
        lines.append(line)
    return lines


def fit_text(text: str, width: int, height: int, max_px: int, min_px: int = 12) -> tuple[int, list[str]]:
    """The largest size (up to `max_px`) at which `text` wraps into the box, and its lines."""
    size = max_px
    while True:
        lines = wrap(text, size, width)
        too_wide = any(font_for(ln, size).size(ln)[0] > width for ln in lines)
        if size <= min_px or (len(lines) * font_for(text, size).get_linesize() <= height and not too_wide):
            return size, lines
        size = max(min_px, int(size * 0.88))


class Painter:
    """Draws screens on a pygame surface in one theme, with the profile's text size."""

    def __init__(self, surface, theme: str = "dark", font_scale: float = 1.0) -> None:
        import pygame

        self._pg = pygame
        self.surface = surface
        self.theme: Theme = THEMES[theme]
        self.font_scale = font_scale
        self._static = None
        self._static_key: object = None
        self._pictures: dict[tuple[str, int, int], object] = {}
        # the preview as last scaled: (the frame it was made from, the rectangle, the image, where it goes)
        self._scaled_preview: tuple | None = None

    # -- the still screen ----------------------------------------------------------------------
    def paint_static(self, screen: Screen, key: object) -> None:
        """Paint every cell into the cached background (only when `key` changed)."""
        if key == self._static_key and self._static is not None:
            return
        pg = self._pg
        static = pg.Surface(self.surface.get_size())
        static.fill(self.theme.background)
        for cell in screen.cells:
            self._cell(static, cell)
        self._static, self._static_key = static, key

    def _fill_of(self, cell: Cell) -> tuple[int, int, int]:
        t = self.theme
        if cell.kind == "message":
            return t.message_fill
        if cell.active:
            return t.active
        if cell.target_id == "action:speak":
            return t.speak
        if cell.target_id == "action:stop":
            return t.stop
        if cell.kind in ("action", "digit", "emotion", "pause"):
            return t.action
        if cell.kind == "text":
            return t.background
        return parse_css_colour(cell.fill) or t.cell

    def _cell(self, target, cell: Cell) -> None:
        pg = self._pg
        x, y, w, h = cell.rect
        fill = self._fill_of(cell)
        radius = max(4, min(w, h) // 10)
        if cell.kind != "text":
            pg.draw.rect(target, fill, cell.rect, border_radius=radius)
            border = parse_css_colour(cell.border) or self.theme.border
            pg.draw.rect(target, border, cell.rect, width=2 if cell.kind != "message" else 3, border_radius=radius)
        text_rgb = self.theme.message_text if cell.kind == "message" else (
            self.theme.text if fill in (self.theme.cell, self.theme.background, self.theme.action)
            else readable_text(fill))
        if cell.folder:  # a folder tab in the corner: this cell opens a page
            tab = max(10, min(w, h) // 6)
            pg.draw.polygon(target, text_rgb, [(x + w - tab - 6, y + 6), (x + w - 6, y + 6), (x + w - 6, y + 6 + tab)])
        pad = max(4, min(w, h) // 14)
        label_box = (x + pad, y + pad, w - 2 * pad, h - 2 * pad)
        # one text size per kind of cell (a grid of words reads evenly), shrunk only where a label does not fit
        max_px = int(self.font_scale * (h * 0.24 if cell.kind == "symbol" else min(h * 0.34, 40)))
        if cell.image is not None:
            label_h = min(h - 3 * pad - 8, int(max_px * 1.25))
            picture = self._picture(cell, w - 2 * pad, h - 3 * pad - label_h)
            if picture is not None:
                target.blit(picture, picture.get_rect(center=(x + w // 2, y + pad + (h - 3 * pad - label_h) // 2)))
                label_box = (x + pad, y + h - pad - label_h, w - 2 * pad, label_h)
        if cell.level is not None:  # a level meter (recording a phrase): its bar under the label
            bar_h = max(12, h // 4)
            self._meter(target, (x + pad, y + h - pad - bar_h, w - 2 * pad, bar_h), cell.level, text_rgb)
            label_box = (x + pad, y + pad, w - 2 * pad, h - 3 * pad - bar_h)
        if cell.kind == "message":
            self._message(target, cell, text_rgb)
            return
        self._label(target, cell.label, label_box, text_rgb, align_left=cell.kind in ("history", "text"), max_px=max_px)

    def _meter(self, target, rect: Rect, fraction: float, rgb) -> None:
        """A level meter: green where speech should sit, amber when loud, red near clipping."""
        pg = self._pg
        x, y, w, h = rect
        fill = max(0.0, min(1.0, fraction))
        colour = (0, 170, 60) if fill < 0.8 else (230, 160, 0) if fill < 0.95 else (220, 30, 30)
        if fill > 0:
            pg.draw.rect(target, colour, (x, y, max(1, int(w * fill)), h))
        pg.draw.rect(target, rgb, rect, width=2)

    def _message(self, target, cell: Cell, rgb) -> None:
        x, y, w, h = cell.rect
        pad = max(8, h // 10)
        text = cell.label or ""
        if not text:
            hint = "Choose symbols or letters; then Speak."
            size, lines = fit_text(hint, w - 2 * pad, h - 2 * pad, int(h * 0.3 * self.font_scale))
            self._lines(target, lines, size, (x + pad, y + pad), tuple(c // 2 + 40 for c in rgb), left=True)
            return
        size, lines = fit_text(text + "|", w - 2 * pad, h - 2 * pad, int(h * 0.42 * self.font_scale), 14)
        # the end of a long message matters most: show its last lines
        line_h = font_for(text, size).get_linesize()
        lines = lines[-max(1, (h - 2 * pad) // line_h):]
        self._lines(target, lines, size, (x + pad, y + pad), rgb, left=True)

    def _label(self, target, text: str, box: Rect, rgb, align_left: bool = False, max_px: int = 0) -> None:
        if not text:
            return
        x, y, w, h = box
        max_px = max_px or int(min(h * 0.8, 40) * self.font_scale)
        size, lines = fit_text(text, w, h, max(14, max_px), 12)
        line_h = font_for(text, size).get_linesize()
        top = y + max(0, (h - line_h * len(lines)) // 2)
        self._lines(target, lines, size, (x, top), rgb, left=align_left, width=w)

    def _lines(self, target, lines: list[str], size: int, at: tuple[int, int], rgb, left: bool, width: int = 0):
        x, y = at
        for line in lines:
            font = font_for(line, size)
            image = font.render(line, True, rgb)
            lx = x if left or not width else x + (width - image.get_width()) // 2
            target.blit(image, (lx, y))
            y += font.get_linesize()

    def _picture(self, cell: Cell, width: int, height: int):
        size = max(8, min(width, height))
        key = (cell.image.id, hash(cell.image.data), size)
        if key not in self._pictures:
            from aac.board.pictures import decode_picture

            rgba = decode_picture(cell.image, size)
            surface = None
            if rgba is not None:
                surface = self._pg.image.frombuffer(np.ascontiguousarray(rgba).tobytes(), rgba.shape[1::-1], "RGBA")
                surface = surface.convert_alpha() if self._pg.display.get_surface() else surface
            if len(self._pictures) > 512:
                self._pictures.clear()
            self._pictures[key] = surface
        return self._pictures[key]

    # -- what moves, each frame ----------------------------------------------------------------
    def frame(self, screen: Screen, highlighted: tuple[str, ...], focus_level: str, dwell: tuple[str, float] | None,
              preview: np.ndarray | None, preview_status: str, status_line: str) -> None:
        """One frame: the cached screen, the preview, the highlight, the dwell ring, the status line."""
        pg = self._pg
        self.surface.blit(self._static, (0, 0))
        self._preview(screen.preview, preview, preview_status)
        ids = set(highlighted)
        colour = self.theme.highlight if focus_level == "item" else self.theme.highlight_group
        thick = max(5, min(screen.size) // 110)
        chosen = [cell.rect for cell in screen.cells if cell.target_id in ids]
        if focus_level != "item" and len(chosen) > 1:
            # a row or an area: one frame around all of it reads as one thing to choose
            box = pg.Rect(chosen[0]).unionall([pg.Rect(r) for r in chosen[1:]]).inflate(thick, thick)
            pg.draw.rect(self.surface, colour, box, width=thick, border_radius=thick * 2)
        else:
            for rect in chosen:
                pg.draw.rect(self.surface, colour, rect, width=thick, border_radius=max(4, min(rect[2:]) // 10))
        if dwell is not None:
            cell = screen.cell(dwell[0])
            if cell is not None:
                self._ring(cell.rect, dwell[1])
        x, y, w, h = screen.status
        pg.draw.rect(self.surface, self.theme.background, screen.status)
        if status_line:
            self._label(self.surface, status_line, (x, y, w, h), self.theme.text, align_left=True)

    def back_item(self, rect: Rect | None) -> None:
        """The scanner's "go back" item, drawn where the scanner put it."""
        if rect is None:
            return
        pg = self._pg
        pg.draw.rect(self.surface, self.theme.action, rect, border_radius=8)
        self._label(self.surface, "Go back", rect, self.theme.text)

    def _ring(self, rect: Rect, fraction: float) -> None:
        """Dwell progress: a ring around the cell's middle that closes as the dwell completes."""
        pg = self._pg
        x, y, w, h = rect
        r = max(16, int(min(w, h) * 0.42))
        width = max(7, r // 4)
        box = pg.Rect(x + w // 2 - r, y + h // 2 - r, 2 * r, 2 * r)
        end = math.pi / 2
        start = end - 2 * math.pi * max(0.0, min(1.0, fraction))
        if fraction > 0:
            pg.draw.rect(self.surface, self.theme.ring, rect, width=3, border_radius=max(4, min(w, h) // 10))
            pg.draw.arc(self.surface, (0, 0, 0), box.inflate(4, 4), start, end, width=width + 4)
            pg.draw.arc(self.surface, self.theme.ring, box, start, end, width=width)

    def _preview(self, rect: Rect, frame: np.ndarray | None, status: str) -> None:
        pg = self._pg
        x, y, w, h = rect
        pg.draw.rect(self.surface, (0, 0, 0), rect)
        if frame is not None:
            cached = self._scaled_preview
            if cached is None or cached[0] is not frame or cached[1] != rect:
                # scaled once per preview frame, not once per paint: the window paints at 30 fps, the
                # preview changes at its own modest rate, and scaling a 720p frame costs about a millisecond
                import cv2

                fh, fw = frame.shape[:2]
                scale = min(w / fw, h / fh)
                size = (max(1, int(fw * scale)), max(1, int(fh * scale)))
                small = frame
                while small.shape[1] >= 2 * size[0] and small.shape[0] >= 2 * size[1]:
                    # halving first: OpenCV's area scaling is fast at exactly half, slow at other ratios
                    # (2.6 ms for 720p to a 360-pixel preview, 1.3 ms by way of half)
                    small = cv2.resize(small, (small.shape[1] // 2, small.shape[0] // 2), interpolation=cv2.INTER_AREA)
                small = cv2.resize(small, size, interpolation=cv2.INTER_AREA)
                image = pg.image.frombuffer(np.ascontiguousarray(small).tobytes(), size, "RGB")
                cached = self._scaled_preview = (frame, rect, image, (x + (w - size[0]) // 2, y + (h - size[1]) // 2))
            self.surface.blit(cached[2], cached[3])
        else:
            self._label(self.surface, "avatar starting...", rect, (200, 200, 200))
        if status:
            font = font_for(status, max(12, h // 9))
            image = font.render(status, True, (255, 255, 255), (0, 0, 0))
            self.surface.blit(image, (x + 4, y + h - image.get_height() - 2))
