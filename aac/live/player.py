"""The live loop's one clock: the playback position of the audio the person hears.

A thread writes speech to every sound output in 20 ms blocks, paced by the output device.
While speech plays, the clock is the number of samples the device has played (written minus
still buffered), so the video, which shows the frame for the clock's time, cannot drift from
the sound however long the speech lasts. Between messages nothing is written (the next
message then starts without waiting behind buffered silence) and the wall clock keeps time:
the thread sleeps until speech is queued (no waking every few milliseconds while idle), and
the clock reads the wall clock meanwhile.
"""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from speech.audio_out import AudioOutput, PacedOutput

BLOCK_S = 0.02
# In silence the thread waits for speech to be queued (it is woken at once); this bounds the
# wait only so that a stop is seen without being told.
SILENT_WAIT_S = 0.5


@dataclass
class Segment:
    """One utterance placed on the clock: heard from `start_s` for `duration_s`."""

    key: object
    audio: np.ndarray
    sample_rate_hz: int
    start_s: float = -1.0
    played: int = 0
    finished: bool = False
    cut: bool = False
    on_start: Callable[[Segment], None] | None = None

    @property
    def duration_s(self) -> float:
        """Length of the speech in seconds."""
        return len(self.audio) / self.sample_rate_hz


class ClockPlayer:
    """Plays segments back to back to its outputs and keeps the clock. `start()`, then `queue(...)`."""

    def __init__(self, outputs: list[AudioOutput], sample_rate_hz: int) -> None:
        if not outputs:
            raise ValueError("the player needs at least one output (PacedOutput when there is no device)")
        self.outputs = outputs
        self.sample_rate_hz = sample_rate_hz
        self._block = int(sample_rate_hz * BLOCK_S)
        self._pending: collections.deque[Segment] = collections.deque()
        self._current: Segment | None = None
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)  # speech queued, finished or cut; stop
        self._silent = False  # nothing is being written: the clock runs on past the last sample written
        self._written = 0
        self._written_at = time.monotonic()
        self._latency_s = 0.0
        self._running = False
        self._thread: threading.Thread | None = None
        self.errors: list[str] = []

    # -- the clock -----------------------------------------------------------------
    def position_s(self) -> float:
        """Seconds of audio heard since the player started (advances smoothly between writes)."""
        with self._lock:
            heard_at_write = self._written / self.sample_rate_hz - self._latency_s
            since = time.monotonic() - self._written_at
            if self._silent:  # once the buffer has played out, silence is heard as time passes
                return max(0.0, heard_at_write + since)
            return max(0.0, min(heard_at_write + since, self._written / self.sample_rate_hz))

    # -- what plays ------------------------------------------------------------------
    def queue(self, key: object, audio: np.ndarray, on_start: Callable[[Segment], None] | None = None) -> Segment:
        """Append speech; it plays right after what is queued before it. Returns its segment,
        whose `start_s` is set (on the clock) once its first block is written; `on_start` is
        then called with it, on the audio thread (keep it short)."""
        segment = Segment(key, np.asarray(audio, dtype=np.float32), self.sample_rate_hz, on_start=on_start)
        with self._lock:
            self._pending.append(segment)
            self._changed.notify_all()
        return segment

    def playing_key(self) -> object:
        """The key of the segment being written now (the outputs' `write` runs on it), None in silence."""
        with self._lock:
            return None if self._current is None else self._current.key

    def busy(self) -> bool:
        """Whether speech is playing or waiting."""
        with self._lock:
            return self._current is not None or bool(self._pending)

    def cut(self, keys: set | None = None) -> None:
        """Stop segments now: those whose key is in `keys`, or all of them."""
        with self._lock:
            self._pending = collections.deque(s for s in self._pending if keys is not None and s.key not in keys)
            if self._current is not None and (keys is None or self._current.key in keys):
                self._current.cut = True
            self._changed.notify_all()

    def wait_until_played(self, give_up: Callable[[], bool], poll_s: float = 0.1) -> None:
        """Wait until nothing is playing or queued, or `give_up()` (asked at each change, and every
        `poll_s` for what the player is not told of): a sleep, not a poll every few milliseconds."""
        with self._lock:
            while (self._current is not None or self._pending) and not give_up():
                self._changed.wait(poll_s)

    def start(self) -> None:
        """Start the writing thread."""
        self._running = True
        self._written_at = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="audio-clock", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread (what is buffered in the devices still plays out)."""
        with self._lock:
            self._running = False
            self._changed.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def _next_block(self) -> tuple[np.ndarray, Segment | None]:
        with self._lock:
            seg = self._current
            if seg is not None and (seg.cut or seg.played >= len(seg.audio)):
                seg.finished = True
                seg = self._current = None
                self._changed.notify_all()
            if seg is None and self._pending:
                if self._silent:
                    self._catch_up(time.monotonic())
                seg = self._current = self._pending.popleft()
                # heard when the samples written so far have played: the clock time of this block
                seg.start_s = self._written / self.sample_rate_hz
                started = seg
            else:
                started = None
            if seg is None:
                return np.zeros(self._block, np.float32), None
            block = seg.audio[seg.played : seg.played + self._block]
            seg.played += len(block)
        if started is not None and started.on_start is not None:
            started.on_start(started)
        if len(block) < self._block:
            block = np.concatenate([block, np.zeros(self._block - len(block), np.float32)])
        return block, seg

    def _run(self) -> None:
        while self._running:
            block, segment = self._next_block()
            if segment is None:
                self._keep_time_in_silence()
                continue
            for out in self.outputs:
                try:
                    out.write(block)
                except Exception as exc:  # a sound device gone mid-call: the others go on
                    self.errors.append(f"{getattr(out, 'device', None) or 'speakers'}: {exc}")
                    # keep the clock running at real-time pace even with no device left
                    self.outputs = [o for o in self.outputs if o is not out] or [PacedOutput(self.sample_rate_hz)]
            latency = self.outputs[0].latency_s()
            with self._lock:
                self._written += len(block)
                self._written_at = time.monotonic()
                self._latency_s = latency

    def _catch_up(self, now: float) -> None:
        """Leave silence: count the silence heard since the buffer played out as written, so the
        next speech is placed at the clock's time (or after what is still buffered)."""
        drained_at = self._written_at + self._latency_s
        if now > drained_at:
            self._written += int(round((now - drained_at) * self.sample_rate_hz))
            self._written_at = now
            self._latency_s = 0.0
        self._silent = False

    def _keep_time_in_silence(self) -> None:
        """Nothing to say: write nothing, so the devices' buffers run empty and the next speech is
        heard at once rather than after a buffer of silence. Until the buffer has played out the
        clock follows the device (`position_s`); after that the wall clock keeps time, as if
        silence were being played. Sleeps until speech is queued (or a stop)."""
        with self._lock:
            self._silent = True
            if not self._pending and self._running:
                self._changed.wait(SILENT_WAIT_S)
