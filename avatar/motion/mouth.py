"""Viseme weights -> the rig's mouth parameters, through `avatar.params.VISEME_SHAPES`."""

from __future__ import annotations

import numpy as np

from avatar.params import PARAM_INDEX, PARAM_NAMES, VISEME_SHAPES
from speech.visemes import VISEMES

# 15 x params: each viseme's mouth at full strength.
SHAPE_MATRIX = np.zeros((len(VISEMES), len(PARAM_NAMES)), dtype=np.float32)
for _i, _v in enumerate(VISEMES):
    for _name, _value in VISEME_SHAPES[_v].items():
        SHAPE_MATRIX[_i, PARAM_INDEX[_name]] = _value

MOUTH_PARAMS: tuple[str, ...] = tuple(sorted({n for shape in VISEME_SHAPES.values() for n in shape}))
_JAW = PARAM_INDEX["jaw_open"]
_LIPS = PARAM_INDEX["lips_together"]
_PP = VISEMES.index("PP")


def mouth_params(weights: np.ndarray, jaw_scale: np.ndarray | None = None) -> np.ndarray:
    """Frames x params (only the mouth columns non-zero) from frames x 15 viseme weights.

    `jaw_scale` (one value a frame, about 0.5..1.5) lets loud or stressed speech open wider.
    Closed lips win over everything else: when PP dominates, the jaw cannot hold the lips apart.
    """
    w = np.asarray(weights, dtype=np.float32)
    out = w @ SHAPE_MATRIX
    if jaw_scale is not None:
        out[:, _JAW] *= np.asarray(jaw_scale, dtype=np.float32)
    closed = w[:, _PP]
    out[:, _JAW] *= 1.0 - closed
    out[:, _LIPS] = np.maximum(out[:, _LIPS], closed)
    return out
