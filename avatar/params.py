"""The rig's parameters: the one contract between motion (which sets them) and the renderer.

Every frame of the avatar is a vector of these values in this order. Weights run 0..1
(0 = rest), signed controls -1..1, angles in degrees. Neutral is all zeros.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Param:
    """One rig control: its name, range and what it does."""

    name: str
    low: float
    high: float
    doc: str


PARAMS: tuple[Param, ...] = (
    # mouth and jaw: the shapes visemes are composed of
    Param("jaw_open", 0.0, 1.0, "jaw drops, lips part (1 = wide open, about 40% of the mouth width)"),
    Param("lips_together", 0.0, 1.0, "lips close whatever the jaw does (p, b, m)"),
    Param("lips_pressed", 0.0, 1.0, "closed lips pressed and thinned"),
    Param("mouth_pucker", 0.0, 1.0, "lips pushed forward and narrowed (u, w)"),
    Param("mouth_funnel", 0.0, 1.0, "lips rounded open (o, sh)"),
    Param("mouth_stretch", 0.0, 1.0, "corners pulled sideways (i, s)"),
    Param("mouth_smile", 0.0, 1.0, "corners up and out"),
    Param("mouth_frown", 0.0, 1.0, "corners down"),
    Param("upper_lip_up", 0.0, 1.0, "upper lip raised, upper teeth show (f, v, r)"),
    Param("lower_lip_down", 0.0, 1.0, "lower lip lowered, lower teeth show"),
    Param("tongue_up", 0.0, 1.0, "tongue tip raised to the teeth (t, d, n, l, th)"),
    # eyes
    Param("blink_left", 0.0, 1.0, "left eye (the person's left) closes"),
    Param("blink_right", 0.0, 1.0, "right eye closes"),
    Param("squint_left", 0.0, 1.0, "lower lid of the left eye rises"),
    Param("squint_right", 0.0, 1.0, "lower lid of the right eye rises"),
    Param("eye_wide", 0.0, 1.0, "both upper lids raised (surprise)"),
    Param("gaze_x", -1.0, 1.0, "irises look to the image's right (+) or left (-)"),
    Param("gaze_y", -1.0, 1.0, "irises look up (+) or down (-)"),
    # brows and cheeks
    Param("brow_inner_up", 0.0, 1.0, "inner ends of both brows rise (sad, concerned)"),
    Param("brow_outer_up", 0.0, 1.0, "outer ends rise (surprise, emphasis)"),
    Param("brow_down", 0.0, 1.0, "brows lower and draw together (angry, focused)"),
    Param("cheek_raise", 0.0, 1.0, "cheeks lift (a real smile)"),
    # head (the whole head and neck move, the background stays)
    Param("head_yaw_deg", -30.0, 30.0, "turn to the image's right (+) or left (-)"),
    Param("head_pitch_deg", -25.0, 25.0, "nod up (+) or down (-)"),
    Param("head_roll_deg", -25.0, 25.0, "tilt, clockwise in the image (+)"),
    Param("head_x", -1.0, 1.0, "shift sideways, in tenths of the face width"),
    Param("head_y", -1.0, 1.0, "shift up (+) or down (-), in tenths of the face height"),
    Param("head_z", -1.0, 1.0, "lean toward (+) or away from (-) the camera, up to 10% larger or smaller"),
)

PARAM_NAMES: tuple[str, ...] = tuple(p.name for p in PARAMS)
PARAM_INDEX: dict[str, int] = {name: i for i, name in enumerate(PARAM_NAMES)}
LOW = np.array([p.low for p in PARAMS], dtype=np.float32)
HIGH = np.array([p.high for p in PARAMS], dtype=np.float32)


def neutral() -> np.ndarray:
    """A parameter vector at rest (all zeros)."""
    return np.zeros(len(PARAMS), dtype=np.float32)


def from_dict(values: dict[str, float]) -> np.ndarray:
    """A parameter vector from names; unknown names raise ValueError naming the closest known one."""
    vec = neutral()
    for name, value in values.items():
        if name not in PARAM_INDEX:
            import difflib

            close = difflib.get_close_matches(name, PARAM_NAMES, n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise ValueError(f"unknown avatar parameter {name!r}{hint}")
        vec[PARAM_INDEX[name]] = value
    return clip(vec)


def to_dict(vec: np.ndarray) -> dict[str, float]:
    """Names and values of a parameter vector."""
    return {name: float(v) for name, v in zip(PARAM_NAMES, vec, strict=True)}


def clip(vec: np.ndarray) -> np.ndarray:
    """The vector (or a frames x params array) limited to each parameter's range."""
    return np.clip(vec, LOW, HIGH).astype(np.float32, copy=False)


# How each viseme (speech.visemes) is composed of mouth parameters, at full strength.
VISEME_SHAPES: dict[str, dict[str, float]] = {
    "sil": {},
    "PP": {"lips_together": 1.0, "lips_pressed": 0.4},
    "FF": {"jaw_open": 0.12, "upper_lip_up": 0.3, "lower_lip_down": 0.0, "lips_together": 0.5},
    "TH": {"jaw_open": 0.2, "tongue_up": 1.0, "mouth_stretch": 0.2},
    "DD": {"jaw_open": 0.22, "tongue_up": 0.7, "mouth_stretch": 0.2},
    "kk": {"jaw_open": 0.3, "mouth_stretch": 0.15},
    "CH": {"jaw_open": 0.15, "mouth_funnel": 0.6, "mouth_pucker": 0.2},
    "SS": {"jaw_open": 0.1, "mouth_stretch": 0.6},
    "nn": {"jaw_open": 0.2, "tongue_up": 0.8},
    "RR": {"jaw_open": 0.2, "mouth_funnel": 0.4, "mouth_pucker": 0.3},
    "aa": {"jaw_open": 0.85, "lower_lip_down": 0.2},
    "E": {"jaw_open": 0.5, "mouth_stretch": 0.4},
    "ih": {"jaw_open": 0.3, "mouth_stretch": 0.7},
    "oh": {"jaw_open": 0.55, "mouth_funnel": 0.8},
    "ou": {"jaw_open": 0.2, "mouth_pucker": 1.0},
}
