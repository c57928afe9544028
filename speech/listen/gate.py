"""Never caption the person's own voice: silence what was captured while the aid was speaking.

The aid knows when it speaks (the live engine's player is busy from the moment a message is queued
until its last block is written; a scanning cue knows how long it sounds). A watcher at normal
priority notes those spells as they happen, so a capture thread held up on a busy machine cannot miss
them. Sound recorded during a spell, and for `tail_s` after (what was still in the sound buffers, the
room's echo, the meeting's round trip), is replaced by silence before the voice-activity detector
hears it. A partner talking over the person is lost for that time: captions of the person's own words
would be worse.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

import numpy as np

SPELLS_KEPT = 64  # spells of the aid's voice remembered: far more than a capture backlog can span


class OwnVoiceGate:
    """`speaking()` says whether the aid's voice is playing; `apply(chunk, ...)` silences a chunk recorded
    while it was (or within `tail_s` after)."""

    def __init__(self, speaking: Callable[[], bool], tail_s: float = 0.6, watch_every_s: float = 0.02) -> None:
        self.speaking = speaking
        self.tail_s = tail_s
        self.watch_every_s = watch_every_s
        self._spells: deque[list[float]] = deque(maxlen=SPELLS_KEPT)  # [start_s, end_s] on the monotonic clock
        self._lock = threading.Lock()
        self._watching = threading.Event()
        self.silenced_s = 0.0  # how much sound was silenced (a figure for tests and benches)

    def watch(self) -> None:
        """Note the aid's spells from a thread of the caller's priority until `stop_watching()`."""
        if self._watching.is_set():
            return
        self._watching.set()
        threading.Thread(target=self._watch, name="own-voice", daemon=True).start()

    def stop_watching(self) -> None:
        """End the watcher."""
        self._watching.clear()

    def _watch(self) -> None:
        while self._watching.is_set():
            self.note()
            time.sleep(self.watch_every_s)

    def note(self, now_s: float | None = None) -> None:
        """Ask `speaking()` now and remember the answer."""
        now_s = time.monotonic() if now_s is None else now_s
        if not self.speaking():
            return
        with self._lock:
            if self._spells and now_s - self._spells[-1][1] <= 2 * self.watch_every_s + 0.05:
                self._spells[-1][1] = max(self._spells[-1][1], now_s)
            else:
                self._spells.append([now_s, now_s])

    def closed(self, now_s: float | None = None, recorded_from_s: float | None = None) -> bool:
        """Whether sound recorded from `recorded_from_s` to `now_s` may hold the aid's own voice."""
        self.note()  # the aid speaking now is noted at the clock's now, not at the chunk's (earlier) time
        now_s = time.monotonic() if now_s is None else now_s
        start_s = now_s if recorded_from_s is None else recorded_from_s
        with self._lock:
            return any(begin <= now_s and end + self.tail_s > start_s for begin, end in self._spells)

    def apply(self, chunk: np.ndarray, sample_rate_hz: int, now_s: float | None = None,
              recorded_from_s: float | None = None) -> np.ndarray:
        """`chunk` as captured, or silence of its length while the aid's voice may be in it. `now_s` is when
        the chunk's last sample was recorded, `recorded_from_s` its first (default: `now_s` less its length)."""
        now_s = time.monotonic() if now_s is None else now_s
        if recorded_from_s is None:
            recorded_from_s = now_s - len(chunk) / sample_rate_hz
        if not self.closed(now_s, recorded_from_s):
            return chunk
        self.silenced_s += len(chunk) / sample_rate_hz
        return np.zeros_like(chunk)
