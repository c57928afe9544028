"""The live engine's frames: the cached avatar frame with its overlays, drawn only when they change.

A frame is drawn when the face moved visibly (`avatar.frame_cache.FrameCache.changed`) or the
overlays show something new (a caption word, a typing dot); otherwise the previous frame object
is sent again, and every output can tell by identity that it already has it (its conversion is
done once for all the times it is sent).

Frames are drawn into two buffers used in turn (`BUFFERS`), not each into a new copy of the
picture: a buffer used again is brought up to date only where it is behind (the face's rectangles
drawn since it was last used, and its overlays when they are not the frame's), and its I420 planes
only there too. A new copy of the picture and of its planes each frame had cost a 720p speech
frame about 0.7 ms of the render thread's 4. A frame stays as it was until the next is made (at 30 fps, 33 ms):
whoever keeps one longer keeps a copy (the app's preview does).

Overlays showing what they showed before, away from the face (the caption band below it, the
label in a corner), are copied from the previous frame rather than blended again: a caption
costs its blending once per word, not once per frame.
"""

from __future__ import annotations

import numpy as np

from aac.live.frame_formats import Frame, Planes, as_frame
from aac.live.overlays import OverlaySettings, OverlayState, draw
from avatar.frame_cache import FrameCache
from avatar.region import Region, outermost

# Two: the frame being made, and the one before it, which overlays are copied from and which the outputs
# (they take what they need while it is sent) and the app's preview (it copies it) may still be reading.
BUFFERS = 2


class _Buffer:
    """A frame buffer: the faces drawn since it was last used (where it is behind the cached picture), and
    the overlays it holds (their key and rectangles)."""

    def __init__(self, picture: np.ndarray) -> None:
        self.rgb = picture.copy()
        self.faces: list[Region] = []
        self.key: tuple | None = None
        self.overlay_rects: list[Region] = []
        self.planes = Planes()


def overlay_key(state: OverlayState, settings: OverlaySettings) -> tuple:
    """What the overlays of `state` show, as `aac.live.overlays.draw` draws them: equal keys, equal pixels."""
    caption = state.caption if settings.captions else ""
    dots = 1 + int(state.time_s * 3) % 3 if settings.typing_indicator and state.typing else 0
    return caption, dots


class LiveFrames:
    """Frames for the render loop: `frame(params, state)` -> (frame, whether it is new).

    `marker` (`aac.provenance.frame_mark.FrameMarker`) puts the invisible AI mark on every frame:
    on the cached picture once and then on each redrawn rectangle, which gives the pixels marking
    the whole frame gives. A frame is valid until the next one is made (see the module).
    """

    def __init__(self, renderer, overlays: OverlaySettings, marker=None) -> None:
        finish = None
        if marker is not None:
            width, height = renderer.width, renderer.height

            def finish(pixels: np.ndarray, x0: int, y0: int) -> None:
                marker.mark_part(pixels, x0, y0, width, height)

        self.cache = FrameCache(renderer, finish=finish)
        self._buffers = [_Buffer(self.cache.picture) for _ in range(BUFFERS)]
        self._next = 0
        self.overlays = overlays
        self._frame: Frame | None = None
        self._key: tuple | None = None
        self._overlay_rects: list[Region] = []  # where the overlays of `_key` change the picture
        self._decided: tuple | None = None  # (params, overlay key, draws) of the last `will_draw`
        self.reused = 0

    def will_draw(self, params: np.ndarray, state: OverlayState) -> bool:
        """Whether `frame(params, state)` draws a new frame (False: it gives the previous one again)."""
        key = overlay_key(state, self.overlays)
        draws = self._frame is None or key != self._key or self.cache.changed(params)
        self._decided = (params, key, draws)  # `frame` of the same params and overlays decides no more
        return draws

    def frame(self, params: np.ndarray, state: OverlayState) -> tuple[np.ndarray, bool]:
        """The frame to show for `params` with the overlays of `state`; False when it is the previous one."""
        key = overlay_key(state, self.overlays)
        decided, self._decided = self._decided, None
        if decided is not None and decided[0] is params and decided[1] == key:
            draws = decided[2]
        else:
            draws = self._frame is None or key != self._key or self.cache.changed(params)
        if not draws:
            self.reused += 1
            return self._frame, False
        region = self.cache.draw(params)  # the picture, marked when there is a marker
        if region.area_px:
            for other in self._buffers:
                other.faces.append(region)
        buffer = self._buffers[self._next]
        self._next = (self._next + 1) % len(self._buffers)
        # the buffer as the picture now where faces were drawn since it was last used (in speech, mostly the
        # same head's rectangle each frame), and its planes to convert there
        changes = outermost(buffer.faces)
        buffer.faces = []
        picture = self.cache.picture
        for r in changes:
            buffer.rgb[r.y0 : r.y1, r.x0 : r.x1] = picture[r.y0 : r.y1, r.x0 : r.x1]
        frame = as_frame(buffer.rgb)
        if buffer.key != key or any(_overlap(r, f) for r in buffer.overlay_rects for f in changes):
            # its overlays are not these, or a face was drawn under them: the picture back there, then these
            for r in buffer.overlay_rects:
                buffer.rgb[r.y0 : r.y1, r.x0 : r.x1] = picture[r.y0 : r.y1, r.x0 : r.x1]
            changes += buffer.overlay_rects
            if key == self._key and self._frame is not None and \
                    not any(_overlap(r, region) for r in self._overlay_rects):
                # the same overlays over the same picture as the previous frame: copied from it
                for r in self._overlay_rects:
                    frame[r.y0 : r.y1, r.x0 : r.x1] = self._frame[r.y0 : r.y1, r.x0 : r.x1]
            elif key != self._key:
                touched: list = []
                draw(frame, state, self.overlays, touched)
                self._overlay_rects = [Region(*r) for r in touched]
            else:
                # the same overlays blended over a face that moved under them
                draw(frame, state, self.overlays)
            buffer.key, buffer.overlay_rects = key, list(self._overlay_rects)
            changes += buffer.overlay_rects
        # else: it holds these overlays already, over a picture that did not change beneath them
        buffer.planes.changed(changes)
        frame.converts_into(buffer.planes)
        self._frame, self._key = frame, key
        return frame, True

    def release(self) -> None:
        """Release the renderer."""
        self.cache.release()


def _overlap(a: Region, b: Region) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1

