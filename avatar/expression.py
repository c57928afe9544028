"""From a parameter vector (avatar.params) to what the renderer uploads: basis weights, head pose, gaze.

Most rig parameters drive one blendshape linearly. A few need products (lips that close
whatever the jaw does, a tongue that stays at the teeth as the jaw drops); those are extra
basis shapes whose weight is the product, so the vertex shader stays a plain weighted sum.
"""

from __future__ import annotations

import math

import numpy as np

from avatar.params import PARAM_INDEX, PARAMS

# Blendshape bases in the rig, in order. Each is either a parameter name (weight = that
# parameter) or "a*b" (weight = the product of two parameters).
BASIS_NAMES: tuple[str, ...] = (
    "jaw_open",
    "jaw_open*lips_together",
    "lips_together",
    "lips_pressed",
    "mouth_pucker",
    "mouth_funnel",
    "mouth_funnel*lips_together",
    "mouth_stretch",
    "mouth_smile",
    "mouth_frown",
    "upper_lip_up",
    "lower_lip_down",
    "tongue_up",
    "jaw_open*tongue_up",
    "blink_left",
    "blink_right",
    "squint_left",
    "squint_right",
    "eye_wide",
    "brow_inner_up",
    "brow_outer_up",
    "brow_down",
    "cheek_raise",
)

_FACTORS = [tuple(PARAM_INDEX[p] for p in name.split("*")) for name in BASIS_NAMES]
_SINGLE = np.array([f[0] for f in _FACTORS], dtype=np.int64)
_SECOND = np.array([f[1] if len(f) > 1 else -1 for f in _FACTORS], dtype=np.int64)
_NEGATED = {"mouth_funnel*lips_together"}  # products that undo part of a shape rather than add one
_SIGN = np.array([-1.0 if name in _NEGATED else 1.0 for name in BASIS_NAMES], dtype=np.float32)

_LOW = np.array([q.low for q in PARAMS])  # float64: the weights keep their float64 precision
_HIGH = np.array([q.high for q in PARAMS])

HEAD_PARAMS = ("head_yaw_deg", "head_pitch_deg", "head_roll_deg", "head_x", "head_y", "head_z")


_EYE_WIDE = BASIS_NAMES.index("eye_wide")
_BLINKS = np.array([BASIS_NAMES.index("blink_left"), BASIS_NAMES.index("blink_right")])
_SQUINTS = np.array([BASIS_NAMES.index("squint_left"), BASIS_NAMES.index("squint_right")])
_BLINK_PARAMS = np.array([PARAM_INDEX["blink_left"], PARAM_INDEX["blink_right"]])
_GAZE_Y = PARAM_INDEX["gaze_y"]
_HAS_SECOND = _SECOND >= 0
_SECOND_PARAMS = _SECOND[_HAS_SECOND]
_HEAD_INDEX = [PARAM_INDEX[n] for n in HEAD_PARAMS]


def basis_weights(params: np.ndarray) -> np.ndarray:
    """Weights of BASIS_NAMES for one parameter vector (clipped to the parameters' ranges)."""
    # indices worked out once: the live engine asks this twice a frame
    p = np.clip(np.asarray(params, dtype=np.float32), _LOW, _HIGH)
    w = p[_SINGLE]
    w[_HAS_SECOND] *= p[_SECOND_PARAMS]
    # The lids follow the eyes: looking up lifts the upper lids, looking down lowers them
    # (and hides what a shift of the iris alone would get wrong at the lid's edge).
    gaze_y = float(p[_GAZE_Y])
    w[_EYE_WIDE] = min(1.0, w[_EYE_WIDE] + 0.35 * max(gaze_y, 0.0))
    w[_BLINKS] = np.minimum(1.0, w[_BLINKS] + 0.3 * max(-gaze_y, 0.0))
    # Lids cannot pass each other: a full blink already brings the lower lid up.
    w[_SQUINTS] *= 1.0 - p[_BLINK_PARAMS]
    return w * _SIGN


def head_pose(params: np.ndarray, face_width_px: float, face_height_px: float) -> tuple[np.ndarray, np.ndarray, float]:
    """Rotation matrix (3x3), translation (3,) in canvas pixels and scale of the head for one parameter vector.

    Canvas axes: x right, y down, z away from the camera. Positive yaw turns the face to the
    image's right, positive pitch nods it up, positive roll tilts it clockwise.
    """
    yaw, pitch, roll, hx, hy, hz = (float(params[i]) for i in _HEAD_INDEX)
    # scalars through math, not numpy: the live engine asks this three times a frame
    ca, sa = math.cos(math.radians(yaw)), math.sin(math.radians(yaw))
    cb, sb = math.cos(math.radians(pitch)), math.sin(math.radians(pitch))
    cc, sc = math.cos(math.radians(roll)), math.sin(math.radians(roll))
    ry = np.array([[ca, 0, -sa], [0, 1, 0], [sa, 0, ca]])
    # nodding up moves the nose (in front, z < 0) up (y decreases)
    rx = np.array([[1, 0, 0], [0, cb, sb], [0, -sb, cb]])
    rz = np.array([[cc, -sc, 0], [sc, cc, 0], [0, 0, 1]])
    rot = (rz @ ry @ rx).astype(np.float32)
    shift = np.array([hx * 0.1 * face_width_px, -hy * 0.1 * face_height_px, 0.0], dtype=np.float32)
    return rot, shift, 1.0 + 0.1 * min(1.0, max(-1.0, hz))


def gaze_shift(params: np.ndarray, iris_radius_px: float) -> np.ndarray:
    """Iris displacement (x, y) in canvas pixels: up to 0.8 iris radii sideways and 0.35 up or down."""
    gx = float(np.clip(params[PARAM_INDEX["gaze_x"]], -1, 1))
    gy = float(np.clip(params[PARAM_INDEX["gaze_y"]], -1, 1))
    return np.array([gx * 0.8 * iris_radius_px, -gy * 0.35 * iris_radius_px], dtype=np.float32)
