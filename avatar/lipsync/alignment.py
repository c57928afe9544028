"""Exact phone alignments -> per-frame viseme labels and mouth openness at 100 frames a second."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from avatar.motion.rhubarb import VISEME_OPENNESS
from speech.utterance import TimedPhone
from speech.visemes import VISEMES

_SIL = VISEMES.index("sil")


def frame_visemes(phones: Sequence[TimedPhone], n_frames: int, fps: float = 100.0) -> np.ndarray:
    """Viseme index of each frame (frame i covers [i/fps, (i+1)/fps); its centre decides).

    Time no phone covers counts as silence.
    """
    labels = np.full(n_frames, _SIL, dtype=np.int64)
    centres = (np.arange(n_frames) + 0.5) / fps
    for p in phones:
        v = VISEMES.index(p.viseme) if p.viseme in VISEMES else VISEMES.index("DD")
        a = int(np.searchsorted(centres, p.start_s, side="left"))
        b = int(np.searchsorted(centres, p.end_s, side="left"))
        labels[a:b] = v
    return labels


def smooth_openness(openness: np.ndarray, fps: float = 100.0, window_s: float = 0.03) -> np.ndarray:
    """Openness averaged over a centred window (30 ms by default), as lip sync is judged."""
    k = max(1, int(round(window_s * fps)))
    if k == 1 or openness.size == 0:
        return openness.astype(np.float32)
    kernel = np.ones(k) / k
    padded = np.pad(openness.astype(np.float64), (k // 2, k - 1 - k // 2), mode="edge")
    return np.convolve(padded, kernel, mode="valid").astype(np.float32)


def frame_openness(labels: np.ndarray, fps: float = 100.0) -> np.ndarray:
    """Mouth openness of each frame from its viseme's Rhubarb shape, smoothed over 30 ms."""
    return smooth_openness(VISEME_OPENNESS[labels], fps)


def rest_in_pauses(
    labels: np.ndarray,
    audio: np.ndarray,
    sample_rate_hz: int,
    fps: float = 100.0,
    below_peak_db: float = 45.0,
    min_pause_s: float = 0.12,
    keep_before_s: float = 0.02,
    keep_after_s: float = 0.04,
) -> np.ndarray:
    """Frame labels with the mouth at rest where the audio pauses inside a phone.

    Neural voices (Kokoro above all) time their phones by predicted durations and put a pause the
    text has no punctuation for into a phone: a "d" lasting 300 ms, 250 of them silence. Taught on
    such labels, a model keeps the mouth open through real people's pauses. Each run of at least
    `min_pause_s` whose frames all lie `below_peak_db` under the utterance's loud frames becomes
    silence, less `keep_before_s` after the sound stops and `keep_after_s` before it starts again
    (a p/b/m closure, or a stop's silent closure, is shorter than the run and keeps its label there).
    """
    hop = sample_rate_hz / fps
    n = min(len(labels), int(len(audio) // hop))
    if n == 0:
        return labels.copy()
    frames = audio[: int(n * hop)].astype(np.float64)
    edges = (np.arange(n + 1) * hop).astype(int)
    energy = np.add.reduceat(frames**2, edges[:-1]) / np.diff(edges)
    level_db = 10 * np.log10(energy + 1e-12)
    loud_db = float(np.percentile(level_db, 99))
    quiet = level_db < loud_db - below_peak_db
    out = labels.copy()
    keep_before, keep_after = int(round(keep_before_s * fps)), int(round(keep_after_s * fps))
    min_run = int(round(min_pause_s * fps))
    start = None
    for i in range(n + 1):
        if i < n and quiet[i]:
            start = i if start is None else start
            continue
        if start is not None and i - start >= min_run:
            a, b = start + keep_before if start > 0 else start, i - keep_after if i < n else i
            out[a:b] = _SIL
        start = None
    return out
