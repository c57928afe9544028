"""Peaks of a signal with a minimum height, spacing and prominence: the peaks and prominences that
`scipy.signal.find_peaks(x, height=, distance=, prominence=)` gives, in numpy and plain Python
(importing scipy.signal would cost the live process about 76 MB for it). Signals here are a few
hundred frames (100 a second of speech), so the loops cost well under a millisecond."""

from __future__ import annotations

import math

import numpy as np


def _local_maxima(values: np.ndarray) -> np.ndarray:
    """Samples higher than both neighbours; a flat top counts once, at its middle (left of two)."""
    x = values.tolist()  # a list indexes several times faster than an array, one sample at a time
    peaks = []
    i, last = 1, len(x) - 1
    while i < last:
        if x[i - 1] < x[i]:
            ahead = i + 1
            while ahead < last and x[ahead] == x[i]:
                ahead += 1
            if x[ahead] < x[i]:
                peaks.append((i + ahead - 1) // 2)
                i = ahead
        i += 1
    return np.array(peaks, dtype=np.intp)


def _far_apart(peaks: np.ndarray, heights: np.ndarray, distance: int) -> np.ndarray:
    """Which peaks to keep so none is closer than `distance` samples to a higher kept one."""
    keep = np.ones(peaks.size, dtype=bool)
    for j in np.argsort(heights)[::-1]:  # highest first
        if not keep[j]:
            continue
        k = j - 1
        while k >= 0 and peaks[j] - peaks[k] < distance:
            keep[k] = False
            k -= 1
        k = j + 1
        while k < peaks.size and peaks[k] - peaks[j] < distance:
            keep[k] = False
            k += 1
    return keep


def _prominence(x: np.ndarray, peak: int) -> float:
    """How far the peak stands above the higher of the lowest points reached on each side before
    the signal rises above the peak (or ends)."""
    top = x[peak]
    higher_left = np.flatnonzero(x[:peak] > top)
    higher_right = np.flatnonzero(x[peak + 1 :] > top)
    left_from = higher_left[-1] + 1 if higher_left.size else 0
    right_to = peak + 1 + higher_right[0] if higher_right.size else x.size
    return float(top - max(x[left_from : peak + 1].min(), x[peak:right_to].min()))


def find_peaks(x: np.ndarray, height: float, distance: float, prominence: float) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the peaks of `x` at least `height` high, `distance` samples apart (the higher
    peak wins) and `prominence` prominent; and their prominences."""
    x = np.asarray(x, dtype=np.float64)
    if distance < 1:
        raise ValueError(f"find_peaks needs a distance of at least 1 sample (got {distance})")
    peaks = _local_maxima(x)
    peaks = peaks[x[peaks] >= height]
    peaks = peaks[_far_apart(peaks, x[peaks], math.ceil(distance))]
    prominences = np.array([_prominence(x, int(p)) for p in peaks], dtype=np.float64)
    keep = prominences >= prominence
    return peaks[keep], prominences[keep]
