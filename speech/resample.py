"""Polyphase resampling of mono audio: whole (`resample`), or chunk by chunk with the same samples as
one call on the whole (`StreamResampler`).

The filter and the sample positions are those of `scipy.signal.resample_poly` with its defaults
(a Kaiser-windowed sinc, beta 5, 10 zero crossings of the slower rate each side, zeros beyond the
ends), so the lip-sync model's features are the ones it was trained on; tests hold the two to
1e-6. It is written with numpy because importing scipy.signal costs the live process about 76 MB
of memory for this one function.
"""

from __future__ import annotations

from functools import lru_cache
from math import gcd

import numpy as np

_BLOCK = 1 << 18  # outputs computed at a time: memory stays a few MB for audio of any length


@lru_cache(maxsize=16)
def _filter_bank(up: int, down: int) -> tuple[np.ndarray, int]:
    """The filter split into its `up` phases (taps x up, float64) and its half length."""
    half_len = 10 * max(up, down)
    m = np.arange(2 * half_len + 1) - half_len
    cutoff = 1.0 / max(up, down)  # of the upsampled rate's Nyquist: the slower rate's Nyquist
    h = cutoff * np.sinc(cutoff * m) * np.kaiser(2 * half_len + 1, 5.0)
    h *= up / h.sum()  # unit gain at DC, times `up` for the zeros stuffed between input samples
    taps = 2 * half_len // up + 1
    # output m needs inputs q0(m) .. q0(m) + taps - 1, with q0(m) = ceil((m*down - half_len) / up),
    # weighted by h[half_len + m*down - q*up]; that weight depends only on the phase m % up
    bank = np.zeros((taps, up))
    for phase in range(up):
        t = phase * down + half_len
        q0 = -((2 * half_len - t) // up)
        idx = t - (q0 + np.arange(taps)) * up
        ok = (idx >= 0) & (idx <= 2 * half_len)
        bank[ok, phase] = h[idx[ok]]
    bank.setflags(write=False)
    return bank, half_len


def _first_input(m: np.ndarray | int, up: int, down: int, half_len: int):
    """The first input sample output `m` weighs: ceil((m*down - half_len) / up)."""
    return -((half_len - np.asarray(m) * down) // up)


def _outputs(x: np.ndarray, x_start: int, m_from: int, m_to: int, up: int, down: int) -> np.ndarray:
    """Output samples m_from .. m_to - 1 from input `x`, whose first sample is input number `x_start`;
    input outside `x` counts as zero."""
    bank, half_len = _filter_bank(up, down)
    taps = bank.shape[0]
    out = np.empty(max(0, m_to - m_from), dtype=np.float32)
    for a in range(m_from, m_to, _BLOCK):
        b = min(a + _BLOCK, m_to)
        lo = int(_first_input(a, up, down, half_len)) - x_start
        hi = int(_first_input(b - 1, up, down, half_len)) - x_start + taps
        # the inputs this block reaches, zero where `x` has none
        window = np.zeros(hi - lo, dtype=np.float64)
        src_lo, src_hi = max(lo, 0), min(hi, x.size)
        if src_hi > src_lo:
            window[src_lo - lo : src_hi - lo] = x[src_lo:src_hi]
        spans = np.lib.stride_tricks.sliding_window_view(window, taps)  # spans[i] = window[i : i + taps]
        # outputs of one phase (m, m + up, m + 2 up ...) start `down` inputs apart: one product each
        for m in range(a, min(a + up, b)):
            first = int(_first_input(m, up, down, half_len)) - x_start - lo
            count = (b - m + up - 1) // up
            out[m - m_from : b - m_from : up] = spans[first :: down][:count] @ bank[:, m % up]
    return out


def _rates(in_rate_hz: int, out_rate_hz: int) -> tuple[int, int]:
    in_rate_hz, out_rate_hz = int(in_rate_hz), int(out_rate_hz)
    if in_rate_hz <= 0 or out_rate_hz <= 0:
        raise ValueError(f"sample rates must be positive (got {in_rate_hz} Hz -> {out_rate_hz} Hz)")
    g = gcd(in_rate_hz, out_rate_hz)
    return out_rate_hz // g, in_rate_hz // g


def resample(audio: np.ndarray, in_rate_hz: int, out_rate_hz: int) -> np.ndarray:
    """Mono float32 `audio` at `out_rate_hz` (any pair of integer rates): ceil(n * out / in) samples."""
    audio = np.asarray(audio, dtype=np.float32)
    up, down = _rates(in_rate_hz, out_rate_hz)
    if up == down:
        return audio
    n_out = -(-audio.size * up // down)
    return _outputs(audio, 0, 0, n_out, up, down)


class StreamResampler:
    """Resamples pushed chunks of mono audio from `in_rate_hz` to `out_rate_hz`.

    Output near the end of what has arrived would need samples not yet seen, so it is held
    back until the next push (10 input samples at the slower rate, under 1 ms at 16 kHz) or `flush()`.
    """

    def __init__(self, in_rate_hz: int, out_rate_hz: int) -> None:
        self.up, self.down = _rates(in_rate_hz, out_rate_hz)
        self._half_len = 10 * max(self.up, self.down)
        self._buf = np.zeros(0, dtype=np.float32)
        self._buf_start = 0  # input index of _buf[0]
        self._out_done = 0  # output samples already returned
        self._total_in = 0

    def _emit(self, upto: int) -> np.ndarray:
        if upto <= self._out_done:
            return np.zeros(0, dtype=np.float32)
        out = _outputs(self._buf, self._buf_start, self._out_done, upto, self.up, self.down)
        self._out_done = upto
        # forget input the next outputs no longer need
        keep_from = max(self._buf_start, int(_first_input(self._out_done, self.up, self.down, self._half_len)))
        self._buf = self._buf[keep_from - self._buf_start :]
        self._buf_start = keep_from
        return out

    def push(self, chunk: np.ndarray) -> np.ndarray:
        """Add input samples; return the output samples now final."""
        chunk = np.asarray(chunk, dtype=np.float32)
        self._total_in += chunk.size
        if self.up == self.down:
            self._out_done += chunk.size
            return chunk
        self._buf = np.concatenate([self._buf, chunk])
        # output m is final once its last input, floor((m*down + half_len) / up), has arrived
        ready = -(-(self._total_in * self.up - self._half_len) // self.down)
        return self._emit(max(0, ready))

    def flush(self) -> np.ndarray:
        """Return the rest of the output (the input is over)."""
        if self.up == self.down:
            return np.zeros(0, dtype=np.float32)
        return self._emit(-(-self._total_in * self.up // self.down))
