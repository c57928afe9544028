"""Polyphase resampling of mono audio: whole (`resample`), or streaming chunk by chunk, the same samples as
one call on the whole (`StreamResampler`)."""

from __future__ import annotations

from math import gcd

import numpy as np
from scipy.signal import resample_poly

_MARGIN = 128  # input samples held back: more than scipy's filter reaches ahead at any rate here


def resample(audio: np.ndarray, in_rate_hz: int, out_rate_hz: int) -> np.ndarray:
    """Mono float32 `audio` at `out_rate_hz` (any pair of integer rates)."""
    audio = np.asarray(audio, dtype=np.float32)
    if in_rate_hz == out_rate_hz:
        return audio
    g = gcd(int(in_rate_hz), int(out_rate_hz))
    return resample_poly(audio, int(out_rate_hz) // g, int(in_rate_hz) // g).astype(np.float32)


class StreamResampler:
    """Resamples pushed chunks of mono audio from `in_rate_hz` to `out_rate_hz`.

    Output near the end of what has arrived would need samples not yet seen, so it is held
    back until the next push (at most about 8 ms at 16 kHz) or `flush()`.
    """

    def __init__(self, in_rate_hz: int, out_rate_hz: int) -> None:
        g = gcd(int(in_rate_hz), int(out_rate_hz))
        self.up, self.down = int(out_rate_hz) // g, int(in_rate_hz) // g
        self._buf = np.zeros(0, dtype=np.float32)
        self._buf_start = 0  # absolute input index of _buf[0], always a multiple of `down`
        self._out_done = 0  # output samples already returned
        self._total_in = 0

    def _emit(self, upto: int, final: bool) -> np.ndarray:
        if upto <= self._out_done:
            return np.zeros(0, dtype=np.float32)
        y = resample_poly(self._buf, self.up, self.down).astype(np.float32)
        off = self._buf_start * self.up // self.down
        out = y[self._out_done - off : upto - off]
        self._out_done += out.size
        # forget input the next outputs no longer need
        need_from = self._out_done * self.down // self.up - 2 * _MARGIN
        new_start = max(self._buf_start, (need_from // self.down) * self.down)
        if not final and new_start > self._buf_start:
            self._buf = self._buf[new_start - self._buf_start :]
            self._buf_start = new_start
        return out

    def push(self, chunk: np.ndarray) -> np.ndarray:
        """Add input samples; return the output samples now final."""
        chunk = np.asarray(chunk, dtype=np.float32)
        self._buf = np.concatenate([self._buf, chunk])
        self._total_in += chunk.size
        if self.up == self.down:
            out = self._buf
            self._buf = np.zeros(0, dtype=np.float32)
            self._out_done += out.size
            return out
        ready = max(0, (self._total_in - _MARGIN) * self.up // self.down)
        return self._emit(ready, final=False)

    def flush(self) -> np.ndarray:
        """Return the rest of the output (the input is over)."""
        if self.up == self.down:
            return np.zeros(0, dtype=np.float32)
        total_out = -(-self._total_in * self.up // self.down)
        return self._emit(total_out, final=True)
