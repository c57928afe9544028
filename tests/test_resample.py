"""speech.resample: the samples of scipy's resample_poly (which the lip-sync model was trained on),
without importing scipy; streamed chunk by chunk, the same as one call on the whole."""

from math import gcd

import numpy as np
import pytest
from scipy.signal import resample_poly

from speech.resample import StreamResampler, resample

RATES = [(22050, 16000), (24000, 16000), (44100, 16000), (48000, 16000), (8000, 16000), (16000, 48000),
         (16000, 22050), (11025, 16000), (96000, 16000), (32000, 16000), (16000, 16000)]


def _reference(x: np.ndarray, in_rate: int, out_rate: int) -> np.ndarray:
    g = gcd(in_rate, out_rate)
    return resample_poly(x, out_rate // g, in_rate // g).astype(np.float32)


@pytest.mark.parametrize(("in_rate", "out_rate"), RATES)
def test_matches_scipy_resample_poly(in_rate, out_rate):
    rng = np.random.default_rng(in_rate + out_rate)
    for n in (0, 1, 2, 7, 37, 1000, 3 * in_rate):
        x = (0.5 * rng.standard_normal(n)).astype(np.float32)
        ours, theirs = resample(x, in_rate, out_rate), _reference(x, in_rate, out_rate)
        assert ours.dtype == np.float32 and ours.shape == theirs.shape == (-(-n * out_rate // in_rate),)
        # scipy filters in float32, we in float64: they differ only by float32 rounding
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-6)


def test_a_tone_keeps_its_level_and_a_tone_above_the_new_nyquist_is_removed():
    t = np.arange(22050) / 22050
    low = resample(np.sin(2 * np.pi * 1000 * t).astype(np.float32), 22050, 16000)
    high = resample(np.sin(2 * np.pi * 10000 * t).astype(np.float32), 22050, 16000)
    middle = slice(1000, -1000)
    assert np.sqrt(np.mean(low[middle] ** 2)) == pytest.approx(np.sqrt(0.5), rel=2e-3)
    assert np.sqrt(np.mean(high[middle] ** 2)) < 2e-3  # 2 kHz above the new Nyquist: not folded back


@pytest.mark.parametrize(("in_rate", "out_rate"), RATES)
def test_streaming_in_any_chunks_equals_the_whole(in_rate, out_rate):
    rng = np.random.default_rng(7)
    x = (0.5 * rng.standard_normal(2 * in_rate + 123)).astype(np.float32)
    whole = resample(x, in_rate, out_rate)
    for max_chunk in (1, 50, 3000):
        stream = StreamResampler(in_rate, out_rate)
        parts, i = [], 0
        while i < x.size:
            n = int(rng.integers(1, max_chunk + 1))
            parts.append(stream.push(x[i : i + n]))
            i += n
        parts.append(stream.flush())
        streamed = np.concatenate(parts)
        assert streamed.shape == whole.shape
        np.testing.assert_allclose(streamed, whole, rtol=0, atol=1e-7)


def test_a_stream_holds_back_little_and_keeps_little():
    stream = StreamResampler(22050, 16000)
    out = 0
    for _ in range(200):  # 20 s in 100 ms chunks
        out += stream.push(np.zeros(2205, np.float32)).size
        assert stream._buf.size < 100  # only the filter's reach is kept, not the whole input
    # all but the filter's reach (10 samples at 16 kHz) is out before the end
    assert 200 * 1600 - out <= 11


def test_long_audio_crosses_blocks_unchanged():
    x = (0.3 * np.random.default_rng(3).standard_normal(48000 * 20)).astype(np.float32)  # > one block of output
    np.testing.assert_allclose(resample(x, 48000, 16000), _reference(x, 48000, 16000), rtol=0, atol=1e-6)


@pytest.mark.parametrize("rates", [(0, 16000), (16000, -1)])
def test_rates_must_be_positive(rates):
    with pytest.raises(ValueError, match="sample rates must be positive"):
        resample(np.zeros(10, np.float32), *rates)
    with pytest.raises(ValueError, match="sample rates must be positive"):
        StreamResampler(*rates)
