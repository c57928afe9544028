"""Facial expression of each emotion, as offsets of the rig's parameters at full intensity."""

from __future__ import annotations

import numpy as np

from avatar.motion.controls import EMOTIONS
from avatar.motion.errors import MotionError
from avatar.params import from_dict

# Based on the facial action units of each expression (Ekman's FACS): happy AU6+12,
# sad AU1+4+15, surprised AU1+2+5+26, angry AU4+5+7+23, concerned AU1+4 (softer).
EXPRESSIONS: dict[str, dict[str, float]] = {
    "neutral": {},
    "happy": {"mouth_smile": 0.8, "cheek_raise": 0.7, "squint_left": 0.3, "squint_right": 0.3,
              "brow_outer_up": 0.1, "head_pitch_deg": 2.0},
    "sad": {"brow_inner_up": 0.8, "brow_down": 0.2, "mouth_frown": 0.7, "head_pitch_deg": -5.0,
            "gaze_y": -0.25, "blink_left": 0.15, "blink_right": 0.15},
    "surprised": {"brow_inner_up": 0.6, "brow_outer_up": 0.9, "eye_wide": 0.9, "jaw_open": 0.15,
                  "head_pitch_deg": 3.0, "head_z": -0.2},
    "concerned": {"brow_inner_up": 0.6, "brow_down": 0.35, "mouth_frown": 0.25, "lips_pressed": 0.2,
                  "head_roll_deg": 4.0, "head_z": 0.15},
    "angry": {"brow_down": 0.9, "squint_left": 0.4, "squint_right": 0.4, "lips_pressed": 0.5,
              "mouth_frown": 0.3, "eye_wide": 0.2, "head_pitch_deg": -3.0, "head_z": 0.2},
}
assert set(EXPRESSIONS) == set(EMOTIONS)

# How each emotion changes the amount of head motion (sad people move less, surprised more).
MOTION_ENERGY: dict[str, float] = {
    "neutral": 1.0, "happy": 1.2, "sad": 0.6, "surprised": 1.3, "concerned": 0.9, "angry": 1.15,
}

_VECTORS = {name: from_dict(shape) if shape else from_dict({}) for name, shape in EXPRESSIONS.items()}


def expression(emotion: str, intensity: float) -> np.ndarray:
    """The parameter offsets of an emotion at an intensity 0..1 (add them to the other layers)."""
    if emotion not in _VECTORS:
        raise MotionError(f"unknown emotion {emotion!r}; choose one of: {', '.join(EMOTIONS)}")
    return (_VECTORS[emotion] * float(np.clip(intensity, 0.0, 1.0))).astype(np.float32)


def motion_energy(emotion: str, intensity: float) -> float:
    """Scale on head motion for an emotion (1 for neutral), blended by intensity."""
    return 1.0 + (MOTION_ENERGY.get(emotion, 1.0) - 1.0) * float(np.clip(intensity, 0.0, 1.0))
