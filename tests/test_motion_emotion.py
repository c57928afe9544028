"""Emotion, gaze and head-motion controls change the parameters they should, smoothly."""

from __future__ import annotations

import numpy as np
import pytest

from avatar.motion.controls import EMOTIONS, MotionControls
from avatar.motion.emotion import expression
from avatar.motion.errors import MotionError
from avatar.motion.generator import MotionGenerator
from avatar.params import PARAM_INDEX

EXPECTED = {
    "happy": ["mouth_smile", "cheek_raise"],
    "sad": ["brow_inner_up", "mouth_frown"],
    "surprised": ["eye_wide", "brow_outer_up", "brow_inner_up"],
    "concerned": ["brow_inner_up", "brow_down"],
    "angry": ["brow_down", "lips_pressed"],
}


def _mean_face(controls: MotionControls, seconds: float = 10.0) -> np.ndarray:
    gen = MotionGenerator(30.0, controls)
    return gen.frames(np.arange(0, seconds, 1 / 30)).mean(axis=0)


@pytest.mark.parametrize("emotion", sorted(EXPECTED))
def test_each_emotion_raises_its_action_units(emotion):
    neutral = _mean_face(MotionControls(seed=1))
    face = _mean_face(MotionControls(emotion=emotion, intensity=1.0, seed=1))
    for name in EXPECTED[emotion]:
        assert face[PARAM_INDEX[name]] > neutral[PARAM_INDEX[name]] + 0.15, name
    # and not the opposite ones
    if emotion == "happy":
        assert face[PARAM_INDEX["mouth_frown"]] <= neutral[PARAM_INDEX["mouth_frown"]] + 1e-6
    if emotion == "sad":
        assert face[PARAM_INDEX["mouth_smile"]] <= neutral[PARAM_INDEX["mouth_smile"]] + 1e-6


def test_intensity_scales_the_expression_and_neutral_is_nothing():
    assert not expression("neutral", 1.0).any()
    half, full = expression("happy", 0.5), expression("happy", 1.0)
    assert np.allclose(half * 2, full)
    assert set(EMOTIONS) == {"neutral", *EXPECTED}


def test_bad_controls_raise_clear_errors():
    with pytest.raises(MotionError, match="unknown emotion 'joyful'"):
        MotionControls(emotion="joyful")
    with pytest.raises(MotionError, match="intensity"):
        MotionControls(emotion="happy", intensity=1.5)
    with pytest.raises(MotionError, match="gaze"):
        MotionControls(gaze_x=2.0)
    with pytest.raises(MotionError, match="head motion"):
        MotionControls(head_motion=-1)


def test_emotion_change_cross_fades_without_a_jump():
    gen = MotionGenerator(30.0, MotionControls(seed=2))
    gen.next_frames(30)
    gen.set_controls(MotionControls(emotion="happy", intensity=1.0, seed=2), at_s=1.0)
    smile = gen.next_frames(60)[:, PARAM_INDEX["mouth_smile"]]
    assert smile[0] < 0.05 and smile[-1] == pytest.approx(0.8, abs=0.01)
    assert np.abs(np.diff(smile)).max() < 0.1


def test_gaze_control_moves_where_the_eyes_rest():
    left = _mean_face(MotionControls(gaze_x=-0.6, seed=3), 20)
    right = _mean_face(MotionControls(gaze_x=0.6, seed=3), 20)
    assert right[PARAM_INDEX["gaze_x"]] - left[PARAM_INDEX["gaze_x"]] > 0.9


def test_head_motion_amount_scales_head_movement_and_sad_moves_less():
    def head_travel(controls):
        gen = MotionGenerator(30.0, controls)
        f = gen.frames(np.arange(0, 30, 1 / 30))
        return np.abs(np.diff(f[:, PARAM_INDEX["head_yaw_deg"]])).sum()

    still = head_travel(MotionControls(head_motion=0.0, seed=4))
    natural = head_travel(MotionControls(head_motion=1.0, seed=4))
    lively = head_travel(MotionControls(head_motion=2.0, seed=4))
    assert still < 0.05 * natural and lively > 1.8 * natural
    assert head_travel(MotionControls(emotion="sad", intensity=1.0, seed=4)) < 0.8 * natural
