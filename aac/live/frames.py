"""The live engine's frames: the cached avatar frame with its overlays, drawn only when they change.

A frame is drawn when the face moved visibly (`avatar.frame_cache.FrameCache.changed`) or the
overlays show something new (a caption word, a typing dot); otherwise the previous frame object
is sent again, and every output can tell by identity that it already has it (its conversion is
done once for all the times it is sent).
"""

from __future__ import annotations

import numpy as np

from aac.live.frame_formats import as_frame
from aac.live.overlays import OverlaySettings, OverlayState, draw
from avatar.frame_cache import FrameCache


def overlay_key(state: OverlayState, settings: OverlaySettings) -> tuple:
    """What the overlays of `state` show, as `aac.live.overlays.draw` draws them: equal keys, equal pixels."""
    caption = state.caption if settings.captions else ""
    dots = 1 + int(state.time_s * 3) % 3 if settings.typing_indicator and state.typing else 0
    return caption, dots


class LiveFrames:
    """Frames for the render loop: `frame(params, state)` -> (frame, whether it is new)."""

    def __init__(self, renderer, overlays: OverlaySettings) -> None:
        self.cache = FrameCache(renderer)
        self.overlays = overlays
        self._frame: np.ndarray | None = None
        self._key: tuple | None = None
        self.reused = 0

    def frame(self, params: np.ndarray, state: OverlayState) -> tuple[np.ndarray, bool]:
        """The frame to show for `params` with the overlays of `state`; False when it is the previous one."""
        key = overlay_key(state, self.overlays)
        if self._frame is not None and key == self._key and not self.cache.changed(params):
            self.reused += 1
            return self._frame, False
        frame = as_frame(self.cache.render(params))
        draw(frame, state, self.overlays)
        self._frame, self._key = frame, key
        return frame, True

    def release(self) -> None:
        """Release the renderer."""
        self.cache.release()
