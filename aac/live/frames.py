"""The live engine's frames: the cached avatar frame with its overlays, drawn only when they change.

A frame is drawn when the face moved visibly (`avatar.frame_cache.FrameCache.changed`) or the
overlays show something new (a caption word, a typing dot); otherwise the previous frame object
is sent again, and every output can tell by identity that it already has it (its conversion is
done once for all the times it is sent).

Overlays showing what they showed before, away from the face (the caption band below it, the
label in a corner), are copied from the previous frame rather than blended again: a caption
costs its blending once per word, not once per frame.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from aac.live.frame_formats import as_frame
from aac.live.overlays import OverlaySettings, OverlayState, draw
from avatar.frame_cache import FrameCache, Region


def overlay_key(state: OverlayState, settings: OverlaySettings) -> tuple:
    """What the overlays of `state` show, as `aac.live.overlays.draw` draws them: equal keys, equal pixels."""
    caption = state.caption if settings.captions else ""
    dots = 1 + int(state.time_s * 3) % 3 if settings.typing_indicator and state.typing else 0
    return caption, dots


class LiveFrames:
    """Frames for the render loop: `frame(params, state)` -> (frame, whether it is new)."""

    def __init__(self, renderer, overlays: OverlaySettings,
                 mark: Callable[[np.ndarray], np.ndarray] | None = None) -> None:
        self.cache = FrameCache(renderer)
        self.overlays = overlays
        self._mark = mark  # the invisible AI mark (aac.provenance), added to each frame drawn
        self._frame: np.ndarray | None = None
        self._key: tuple | None = None
        self._region: Region | None = None  # what the previous frame drew of the face
        self._overlay_rects: list[Region] = []  # where the overlays of `_key` change the picture
        self.reused = 0

    def frame(self, params: np.ndarray, state: OverlayState) -> tuple[np.ndarray, bool]:
        """The frame to show for `params` with the overlays of `state`; False when it is the previous one."""
        key = overlay_key(state, self.overlays)
        if self._frame is not None and key == self._key and not self.cache.changed(params):
            self.reused += 1
            return self._frame, False
        frame = as_frame(self.cache.render(params))
        if self._mark is not None:
            # before the overlays, so that overlays copied from the previous frame match it exactly
            self._mark(frame)
        region = self.cache.last_region
        if key == self._key and self._frame is not None and not any(
                _overlap(r, region) or _overlap(r, self._region) for r in self._overlay_rects):
            # the same overlays over the same (fixed) background as last time: copy them over
            for r in self._overlay_rects:
                frame[r.y0 : r.y1, r.x0 : r.x1] = self._frame[r.y0 : r.y1, r.x0 : r.x1]
        elif key != self._key:
            clean = frame.copy()
            draw(frame, state, self.overlays)
            self._overlay_rects = _changed_rects(clean, frame)
        else:
            draw(frame, state, self.overlays)
        self._frame, self._key, self._region = frame, key, region
        return frame, True

    def release(self) -> None:
        """Release the renderer."""
        self.cache.release()


def _overlap(a: Region, b: Region) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def _changed_rects(before: np.ndarray, after: np.ndarray) -> list[Region]:
    """Rectangles around the pixels that differ, one per run of changed rows (the label and the
    caption band are apart)."""
    changed = np.any(before != after, axis=2)
    rows = np.flatnonzero(changed.any(axis=1))
    if not len(rows):
        return []
    breaks = np.flatnonzero(np.diff(rows) > 1)
    rects = []
    for run in np.split(rows, breaks + 1):
        y0, y1 = int(run[0]), int(run[-1]) + 1
        cols = np.flatnonzero(changed[y0:y1].any(axis=0))
        rects.append(Region(int(cols[0]), y0, int(cols[-1]) + 1, y1))
    return rects
