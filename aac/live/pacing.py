"""When the render loop starts a frame: early by about what drawing one takes, so it reaches the
camera at the time it shows.

A frame shows the face at its own time on the clock (frame k at k / fps). Started at that time,
a drawn frame reaches the camera as late as drawing it took (on a 2-core laptop 5-15 ms, more
when the machine is busy), and the face trails its voice by that much on top of the lead it has
on purpose (`aac.live.face.VISUAL_LEAD_S`). The pacer starts a frame that early: the median of
the last drawn frames' times, at most half a frame. A frame that turns out not to need drawing
(nothing moved: the previous one is sent again) is held back to its own time, so it is not early.
"""

from __future__ import annotations

import collections
import statistics

KEPT = 31  # drawn frames the estimate looks back over: about a second at 30 fps
MAX_SHARE_OF_FRAME = 0.5  # never earlier than half a frame: a frame shows its own time, not the next one's


class FramePacer:
    """`ahead_s`: how early to start the next frame; `drawn(took_s)` after each frame drawn."""

    def __init__(self, fps: float) -> None:
        self.max_ahead_s = MAX_SHARE_OF_FRAME / fps
        self._took_s: collections.deque[float] = collections.deque(maxlen=KEPT)
        self.ahead_s = 0.0

    def drawn(self, took_s: float) -> None:
        """Note how long (on the clock) a drawn frame took from its start to its outputs."""
        self._took_s.append(max(0.0, took_s))
        self.ahead_s = min(self.max_ahead_s, statistics.median(self._took_s))
