"""A loudness-only mouth: the baseline every lip-sync figure is compared with."""

from __future__ import annotations

import numpy as np

from avatar.lipsync.features import HOP, to_model_rate
from avatar.motion.rhubarb import SHAPES

# Thresholds chosen for the best frame accuracy on training voices (flite slt, espeak-ng en-us+f2,
# Piper joe) speaking the evaluation sentences, so the baseline is as good as loudness allows.
_SHAPE_FLOOR_DB, _SHAPE_SPAN_DB = 30.0, 45.0
_C_ABOVE, _D_ABOVE, _QUIET_BELOW = 0.6, 0.9, 0.02
_OPEN_FLOOR_DB, _OPEN_SPAN_DB = 40.0, 35.0
_LONG_QUIET_FRAMES = 15  # 150 ms


def loudness_mouth(audio: np.ndarray, sample_rate_hz: int) -> tuple[np.ndarray, np.ndarray]:
    """Rhubarb shape indices and openness at 100 fps from loudness alone.

    Loudness relative to the clip's loudest frame picks the shape: louder opens through B, C
    to D; quiet is rest (X) at the edges and after 150 ms, a closure (A) for a short dip.
    """
    x = to_model_rate(audio, sample_rate_hz)
    n = len(x) // HOP
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    frames = x[: n * HOP].reshape(n, HOP).astype(np.float64)
    rel = 10 * np.log10((frames**2).mean(axis=1) + 1e-10)
    rel -= rel.max()
    level = np.clip((rel + _SHAPE_FLOOR_DB) / _SHAPE_SPAN_DB, 0.0, 1.0)
    openness = np.clip((rel + _OPEN_FLOOR_DB) / _OPEN_SPAN_DB, 0.0, 1.0).astype(np.float32)
    shapes = np.full(n, SHAPES.index("B"), dtype=np.int64)
    shapes[level > _C_ABOVE] = SHAPES.index("C")
    shapes[level > _D_ABOVE] = SHAPES.index("D")
    quiet = level <= _QUIET_BELOW
    shapes[quiet] = SHAPES.index("X")
    i = 0
    while i < n:
        if not quiet[i]:
            i += 1
            continue
        j = i
        while j < n and quiet[j]:
            j += 1
        if j - i <= _LONG_QUIET_FRAMES and i > 0 and j < n:
            shapes[i:j] = SHAPES.index("A")
        i = j
    return shapes, openness
