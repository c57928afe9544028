"""The prosody's numpy stand-ins for scipy (moving average, peaks with prominence) give scipy's values."""

import numpy as np
import pytest
from scipy.ndimage import uniform_filter1d
from scipy.signal import find_peaks as scipy_find_peaks

from avatar.motion.moving_average import moving_average
from avatar.motion.peaks import find_peaks


@pytest.mark.parametrize("size", [1, 2, 5, 8, 10, 12, 15, 40])
def test_moving_average_is_uniform_filter1d(size):
    rng = np.random.default_rng(size)
    for n in (1, 2, 3, 7, 15, 30, 1000):  # shorter than the window too: mirrored again and again
        x = rng.standard_normal(n)
        np.testing.assert_allclose(moving_average(x, size), uniform_filter1d(x, size), rtol=0, atol=1e-12)
        x2 = rng.standard_normal((n, 2))
        np.testing.assert_allclose(moving_average(x2, size, axis=0), uniform_filter1d(x2, size, axis=0),
                                   rtol=0, atol=1e-12)


def test_moving_average_of_nothing_and_a_bad_window():
    assert moving_average(np.zeros(0), 5).shape == (0,)
    with pytest.raises(ValueError, match="at least 1 sample"):
        moving_average(np.zeros(4), 0)


def test_peaks_and_prominences_are_scipys():
    rng = np.random.default_rng(0)
    found = 0
    for trial in range(1500):
        n = int(rng.integers(0, 600))
        if trial % 2:  # smooth, like the prosody's accent curve
            x = moving_average(rng.random(n), 10) if n else np.zeros(0)
        else:  # coarse steps: flat tops, ties and equal neighbours
            x = np.round(rng.random(n) * rng.integers(2, 20)) / 10
        expected, props = scipy_find_peaks(x, height=0.45, distance=35, prominence=0.12)
        peaks, prominences = find_peaks(x, height=0.45, distance=35, prominence=0.12)
        np.testing.assert_array_equal(peaks, expected)
        np.testing.assert_allclose(prominences, props["prominences"], rtol=0, atol=1e-12)
        found += peaks.size
    assert found > 1000  # the comparison saw many peaks, not empty answers


def test_a_flat_top_counts_once_at_its_middle():
    x = np.array([0, 1, 3, 3, 3, 3, 1, 0, 2, 0], float)
    peaks, prominences = find_peaks(x, height=0.5, distance=1, prominence=0.5)
    assert peaks.tolist() == [3, 8] and prominences.tolist() == [3.0, 2.0]
