"""Never caption the person's own voice: silence what was captured while the aid was speaking.

The aid knows when it speaks (the live engine's player is busy from the moment a message is queued
until its last block is written). Sound captured then, and for `tail_s` after (what was still in the
sound buffers, the room's echo, the meeting's round trip), is replaced by silence before the
voice-activity detector hears it. A partner talking over the person is lost for that time: captions
of the person's own words would be worse.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np


class OwnVoiceGate:
    """`speaking()` says whether the aid's voice is playing; `apply(chunk)` silences the chunk when it is."""

    def __init__(self, speaking: Callable[[], bool], tail_s: float = 0.6) -> None:
        self.speaking = speaking
        self.tail_s = tail_s
        self._spoke_at = -1e9
        self.silenced_s = 0.0  # how much sound was silenced (a figure for tests and benches)

    def closed(self, now_s: float | None = None) -> bool:
        """Whether sound captured now may hold the aid's own voice."""
        now_s = time.monotonic() if now_s is None else now_s
        if self.speaking():
            self._spoke_at = now_s
        return now_s - self._spoke_at < self.tail_s

    def apply(self, chunk: np.ndarray, sample_rate_hz: int, now_s: float | None = None) -> np.ndarray:
        """`chunk` as captured, or silence of its length while the aid's voice may be in it."""
        if not self.closed(now_s):
            return chunk
        self.silenced_s += len(chunk) / sample_rate_hz
        return np.zeros_like(chunk)
