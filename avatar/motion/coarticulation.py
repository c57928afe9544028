"""The phone-timed mouth: visemes blended with their neighbours, as lips really move.

Each phone pulls the mouth towards its viseme with a dominance that peaks over the phone and
falls off with distance (Cohen and Massaro's model of coarticulation). The fall-off is slower
before a phone than after it, because lips anticipate what comes next. Sounds made with the
tongue (t, d, n, k) have weak dominance, so the lips take the shape of the vowels around
them; lip closures (p, b, m) and f, v dominate. Two hard rules follow: lips close on every
p, b, m, in at least one frame, and the mouth is closed in every silence longer than 150 ms.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from speech.utterance import TimedPhone
from speech.visemes import VISEMES

_SIL = VISEMES.index("sil")
_PP = VISEMES.index("PP")

# How strongly each viseme holds the lips against its neighbours.
DOMINANCE: dict[str, float] = {
    "sil": 0.5, "PP": 0.7, "FF": 0.7, "TH": 0.45, "DD": 0.3, "kk": 0.25, "CH": 0.8, "SS": 0.6,
    "nn": 0.3, "RR": 0.6, "aa": 0.75, "E": 0.65, "ih": 0.65, "oh": 0.8, "ou": 0.85,
}
_ALPHA = np.array([DOMINANCE[v] for v in VISEMES], dtype=np.float32)

ANTICIPATION_S = 0.09  # the fall-off before a phone (lips move early)
CARRYOVER_S = 0.05  # the fall-off after it
LONG_SILENCE_S = 0.15  # silences longer than this close the mouth
SILENCE_EDGE_S = 0.05  # time the mouth takes to close into or open out of a long silence
_SHORT_SILENCE_ALPHA = 0.15  # a short pause between words barely moves the mouth


def _segments(phones: Sequence[TimedPhone]) -> list[tuple[int, float, float]]:
    """(viseme index, start, end), with touching silences merged and empty phones dropped."""
    out: list[tuple[int, float, float]] = []
    for p in phones:
        if p.end_s <= p.start_s:
            continue
        v = VISEMES.index(p.viseme) if p.viseme in VISEMES else VISEMES.index("DD")
        if out and v == _SIL and out[-1][0] == _SIL and abs(out[-1][2] - p.start_s) < 1e-3:
            out[-1] = (_SIL, out[-1][1], p.end_s)
        else:
            out.append((v, p.start_s, p.end_s))
    return out


def long_silences(phones: Sequence[TimedPhone], duration_s: float) -> list[tuple[float, float]]:
    """Stretches longer than 150 ms with no speech sound (silence phones, gaps, lead-in, tail)."""
    spans: list[tuple[float, float]] = []
    t = 0.0
    for v, a, b in _segments(phones):
        if v == _SIL:
            continue
        if a - t > LONG_SILENCE_S:
            spans.append((t, a))
        t = max(t, b)
    if duration_s - t > LONG_SILENCE_S:
        spans.append((t, duration_s))
    return spans


def viseme_weights(
    phones: Sequence[TimedPhone], fps: float, n_frames: int, start_s: float = 0.0
) -> np.ndarray:
    """Frames x 15 viseme weights (rows sum to 1) at `fps`, frame i showing `start_s + i / fps`."""
    times = start_s + np.arange(n_frames, dtype=np.float64) / fps
    weights = np.zeros((n_frames, len(VISEMES)), dtype=np.float64)
    segs = _segments(phones)
    if not segs or n_frames == 0:
        weights[:, _SIL] = 1.0
        return weights.astype(np.float32)
    duration_s = times[-1] + 1.0 / fps if n_frames else 0.0
    silences = long_silences(phones, max(duration_s, segs[-1][2]))

    for v, a, b in segs:
        alpha = _ALPHA[v]
        if v == _SIL and b - a <= LONG_SILENCE_S:
            alpha = _SHORT_SILENCE_ALPHA
        # dominance is flat over the middle of the phone and decays exponentially outside it
        core_a = a + 0.25 * (b - a)
        core_b = b - 0.25 * (b - a)
        before = np.clip(core_a - times, 0.0, None)
        after = np.clip(times - core_b, 0.0, None)
        d = alpha * np.exp(-before / ANTICIPATION_S) * np.exp(-after / CARRYOVER_S)
        weights[:, v] += d
    # long silences: the mouth rests, reached within a short edge
    for a, b in silences:
        inner = (times >= a + SILENCE_EDGE_S) & (times <= b - SILENCE_EDGE_S)
        weights[inner] = 0.0
        weights[inner, _SIL] = 1.0
        edge = ((times >= a) & (times < a + SILENCE_EDGE_S)) | ((times > b - SILENCE_EDGE_S) & (times < b))
        weights[edge, _SIL] += 2.0
    total = weights.sum(axis=1, keepdims=True)
    empty = total[:, 0] < 1e-6
    weights[empty, _SIL] = 1.0
    total[empty] = 1.0
    weights /= total

    # every p, b, m closes the lips: the frames inside it and the frame nearest its middle
    for v, a, b in segs:
        if v != _PP:
            continue
        inside = (times >= a) & (times < b)
        nearest = int(np.clip(round(((a + b) / 2 - start_s) * fps), 0, n_frames - 1))
        inside[nearest] = True
        weights[inside] = 0.0
        weights[inside, _PP] = 1.0
    return weights.astype(np.float32)
