"""A loudness-only mouth: the baseline every lip-sync figure is compared with."""

from __future__ import annotations

import numpy as np

from avatar.lipsync.features import HOP, to_model_rate
from avatar.motion.rhubarb import SHAPES


def loudness_mouth(audio: np.ndarray, sample_rate_hz: int) -> tuple[np.ndarray, np.ndarray]:
    """Rhubarb shape indices and openness at 100 fps from loudness alone.

    Loudness relative to the clip's loudest frame picks the shape: quiet is closed (X after a
    long quiet, A for a short dip), louder opens through B, C to D.
    """
    x = to_model_rate(audio, sample_rate_hz)
    n = len(x) // HOP
    frames = x[: n * HOP].reshape(n, HOP) if n else np.zeros((0, HOP), np.float32)
    db = 10 * np.log10((frames.astype(np.float64) ** 2).mean(axis=1) + 1e-10)
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    rel = db - db.max()
    openness = np.clip((rel + 40.0) / 35.0, 0.0, 1.0).astype(np.float32)
    shapes = np.full(n, SHAPES.index("B"), dtype=np.int64)
    shapes[openness > 0.45] = SHAPES.index("C")
    shapes[openness > 0.8] = SHAPES.index("D")
    quiet = openness <= 0.05
    shapes[quiet] = SHAPES.index("A")
    # quiet for longer than 150 ms is rest, not a closure
    run_start = None
    for i in range(n + 1):
        q = i < n and quiet[i]
        if q and run_start is None:
            run_start = i
        elif not q and run_start is not None:
            if i - run_start > 15:
                shapes[run_start:i] = SHAPES.index("X")
            run_start = None
    return shapes, openness
