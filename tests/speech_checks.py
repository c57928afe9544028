"""Measurements of utterances against their own audio, shared by the voice tests."""

from __future__ import annotations

import numpy as np

from speech.utterance import Utterance


def speech_end_s(u: Utterance, floor_db: float = -40.0) -> float:
    """Time of the last 5 ms frame louder than `floor_db` below the loudest frame."""
    frame = int(u.sample_rate_hz * 0.005)
    n = len(u.audio) // frame
    rms = np.sqrt(np.mean(u.audio[: n * frame].reshape(n, frame) ** 2, axis=1))
    loud = np.nonzero(rms > rms.max() * 10 ** (floor_db / 20))[0]
    return float((loud[-1] + 1) * frame / u.sample_rate_hz)


def pause_to_speech_ratio_db(u: Utterance, min_pause_s: float = 0.06) -> list[float]:
    """For each interior pause: its RMS (edges trimmed 15 ms) relative to the speech RMS, in dB."""
    rate = u.sample_rate_hz
    speech = np.concatenate(
        [u.audio[int(p.start_s * rate) : int(p.end_s * rate)] for p in u.phones if p.viseme != "sil"]
    )
    speech_rms = float(np.sqrt(np.mean(speech**2)))
    ratios = []
    for p in u.phones[1:-1]:
        if p.viseme == "sil" and p.end_s - p.start_s >= min_pause_s:
            seg = u.audio[int((p.start_s + 0.015) * rate) : int((p.end_s - 0.015) * rate)]
            ratios.append(20 * np.log10(max(float(np.sqrt(np.mean(seg**2))), 1e-9) / speech_rms))
    return ratios


def last_spoken_end_s(u: Utterance) -> float:
    """End of the last phone that is not a pause."""
    return max(p.end_s for p in u.phones if p.viseme != "sil")


def aligned_correlation(heard: np.ndarray, sent: np.ndarray) -> float:
    """Pearson r of `sent` and the stretch of `heard` it best lines up with (cross-correlation)."""
    from scipy.signal import correlate

    lag = int(np.argmax(correlate(heard, sent, mode="valid", method="fft")))
    segment = heard[lag : lag + len(sent)]
    return float(np.corrcoef(segment, sent)[0, 1])
