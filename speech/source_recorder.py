"""Recording a PulseAudio source (the virtual microphone, a sink's monitor) as a meeting app would.

Used to measure what really reaches the microphone: by the latency benchmark (when each 10 ms
fragment arrived) and by the tests (what was heard).
"""

from __future__ import annotations

import threading
import time

import numpy as np


class SourceRecorder:
    """Reads `source` in 10 ms fragments on its own thread, noting when each arrived.

    Construct, wait for `started` (a recorder's first connection can stall for a while), make
    the sound, then `stop()` and read `audio()`.
    """

    def __init__(self, source: str, sample_rate_hz: int, app_name: str = "aac-avatar") -> None:
        self.source, self.rate = source, sample_rate_hz
        self.app_name = app_name
        self.chunks: list[tuple[float, np.ndarray]] = []
        self.lock = threading.Lock()
        self.started = threading.Event()
        self.error: Exception | None = None
        self._running = True
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import pasimple

        frag = (self.rate // 100) * 4  # 10 ms of float32 samples, in bytes
        try:
            with pasimple.PaSimple(pasimple.PA_STREAM_RECORD, pasimple.PA_SAMPLE_FLOAT32LE, 1, self.rate,
                                   self.app_name, "record", device_name=self.source, fragsize=frag) as rec:
                rec.read(frag)  # the first data: the connection is up
                self.started.set()
                while self._running:
                    data = np.frombuffer(rec.read(frag), "<f4")
                    with self.lock:
                        self.chunks.append((time.monotonic(), data))
        except Exception as exc:  # reported to whoever waits, not lost in the thread
            self.error = exc
            self.started.set()

    def audio(self) -> np.ndarray:
        """Everything recorded since `started`, as one float32 array."""
        with self.lock:
            parts = [c for _, c in self.chunks]
        return np.concatenate(parts) if parts else np.zeros(0, np.float32)

    def onset_after(self, t0: float, threshold: float = 0.01) -> float | None:
        """Monotonic time at which audio louder than `threshold` first arrived after `t0`."""
        with self.lock:
            chunks = [(t, c) for t, c in self.chunks if t >= t0]
        for t, c in chunks:
            loud = np.nonzero(np.abs(c) > threshold)[0]
            if len(loud):
                # the chunk arrived when its last sample did; its loud sample came that much earlier
                return t - (len(c) - loud[0]) / self.rate
        return None

    def stop(self) -> None:
        """Stop recording."""
        self._running = False
        self._thread.join(timeout=2)

    def __enter__(self) -> SourceRecorder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
