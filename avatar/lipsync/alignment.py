"""Exact phone alignments -> per-frame viseme labels and mouth openness at 100 frames a second."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from avatar.motion.rhubarb import VISEME_OPENNESS
from speech.pauses import pause_spans
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


def rest_in_pauses(labels: np.ndarray, audio: np.ndarray, sample_rate_hz: int, fps: float = 100.0) -> np.ndarray:
    """Frame labels with the mouth at rest where the audio pauses inside a phone.

    Taught on labels that hold a neural voice's pauses inside phones (speech.pauses), a model keeps
    the mouth open through real people's pauses. Each pause speech.pauses finds in the audio becomes
    silence; a p/b/m or a stop's silent closure is shorter and keeps its label.
    """
    out = labels.copy()
    for a, b in pause_spans(audio, sample_rate_hz, fps):
        out[a : min(b, len(out))] = _SIL
    return out
