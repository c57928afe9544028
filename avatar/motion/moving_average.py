"""A running mean of a signal, mirrored at its ends: `scipy.ndimage.uniform_filter1d`'s values with
its default mode, in numpy (importing scipy would cost the live process about 30 MB for it)."""

from __future__ import annotations

import numpy as np


def moving_average(x: np.ndarray, size: int, axis: int = -1) -> np.ndarray:
    """The mean of `size` samples around each sample of `x` along `axis` (float64).

    The window of sample i is i - size // 2 .. i + (size - 1) // 2; beyond the ends the signal is
    mirrored (d c b a | a b c d | d c b a), as scipy's "reflect" mode.
    """
    size = int(size)
    if size < 1:
        raise ValueError(f"moving_average needs a window of at least 1 sample (got {size})")
    x = np.moveaxis(np.asarray(x, dtype=np.float64), axis, -1)
    if x.shape[-1] == 0:
        return np.moveaxis(x.copy(), -1, axis)
    pad = [(0, 0)] * (x.ndim - 1) + [(size // 2, (size - 1) // 2)]
    padded = np.pad(x, pad, mode="symmetric")
    sums = np.cumsum(padded, axis=-1)
    sums = np.concatenate([np.zeros(sums.shape[:-1] + (1,)), sums], axis=-1)
    out = (sums[..., size:] - sums[..., :-size]) / size
    return np.moveaxis(out, -1, axis)
