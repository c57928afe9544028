"""The board's avatar preview is scaled once per frame it shows, not once per paint of the window."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")  # before pygame is imported

import cv2
import numpy as np
import pygame

from aac.ui.draw import Painter


def test_the_preview_is_scaled_once_per_frame_and_painted_the_same(monkeypatch):
    pygame.display.init()
    try:
        surface = pygame.display.set_mode((640, 400))
        painter = Painter(surface)
        calls = []
        resize = cv2.resize
        monkeypatch.setattr(cv2, "resize", lambda *a, **k: calls.append(1) or resize(*a, **k))
        rect = (20, 30, 320, 180)
        y, x = np.mgrid[0:720, 0:1280]
        frame = np.stack([x % 256, y % 256, (x + y) % 256], axis=2).astype(np.uint8)
        painter._preview(rect, frame, "")
        first, scalings = pygame.surfarray.array3d(surface).copy(), len(calls)
        painter._preview(rect, frame, "")  # the next paint, the same frame: no scaling again
        assert len(calls) == scalings
        assert np.array_equal(pygame.surfarray.array3d(surface), first)
        painter._preview(rect, frame.copy(), "")  # a new frame object: scaled again, the same picture
        assert len(calls) == 2 * scalings
        assert np.array_equal(pygame.surfarray.array3d(surface), first)
        painter._preview(rect, frame[::-1].copy(), "")
        assert not np.array_equal(pygame.surfarray.array3d(surface), first)
        # by way of halves, the preview is what scaling straight to its size gives, within a level or two
        shown = pygame.surfarray.array3d(surface).transpose(1, 0, 2)[30:210, 20:340]
        straight = resize(frame[::-1], (320, 180), interpolation=cv2.INTER_AREA)
        assert np.abs(shown.astype(int) - straight).max() <= 2
    finally:
        pygame.display.quit()
