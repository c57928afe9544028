"""Idle life over simulated minutes: blink rate and durations, breathing and sway that never loop,
listening nods, incremental generation, and speaking moving the head more than idling."""

from __future__ import annotations

import numpy as np
import pytest

from avatar.motion.controls import MotionControls
from avatar.motion.generator import MotionGenerator
from avatar.motion.idle import IdleMotion
from avatar.params import PARAM_INDEX

FPS = 100.0  # fine enough to measure blink durations to 10 ms


def _blinks(closure: np.ndarray, fps: float) -> list[float]:
    """Durations (s) of each blink: lids more than 5% closed."""
    closed = closure > 0.05
    edges = np.diff(closed.astype(int))
    starts = np.flatnonzero(edges == 1) + 1
    ends = np.flatnonzero(edges == -1) + 1
    if closed[0]:
        ends = ends[1:]
    return [(e - s) / fps for s, e in zip(starts, ends, strict=False)]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_blinks_at_rest_are_15_to_20_a_minute_lasting_100_to_400_ms(seed):
    idle = IdleMotion(seed=seed, fps=FPS)
    frames = np.concatenate([idle.next_frames(int(FPS)) for _ in range(10 * 60)])  # ten minutes, second by second
    closure = frames[:, PARAM_INDEX["blink_left"]]
    durations = _blinks(closure, FPS)
    per_minute = [len(_blinks(closure[i * 6000 : (i + 1) * 6000], FPS)) for i in range(10)]
    assert 15 <= len(durations) / 10 <= 20, per_minute
    assert min(per_minute) >= 8 and max(per_minute) <= 28  # natural variation, never a metronome
    # the lids are fully shut for a moment inside each 100-400 ms blink
    assert all(0.06 <= d <= 0.4 for d in durations), sorted(durations)[:3] + sorted(durations)[-3:]
    gaps = np.diff([i for i in range(1, len(closure)) if closure[i] > 0.05 >= closure[i - 1]]) / FPS
    assert gaps.std() > 0.8  # intervals vary


def test_more_blinks_while_speaking():
    rest = IdleMotion(seed=4, fps=FPS)
    talk = IdleMotion(seed=4, fps=FPS)
    talk.set_speaking(0.0, 600.0)
    n_rest = len(_blinks(rest.frames(np.arange(0, 600, 1 / FPS))[:, PARAM_INDEX["blink_left"]], FPS))
    n_talk = len(_blinks(talk.frames(np.arange(0, 600, 1 / FPS))[:, PARAM_INDEX["blink_left"]], FPS))
    assert n_talk > n_rest * 1.15


def test_breathing_sway_and_gaze_move_and_never_repeat():
    idle = IdleMotion(seed=3, fps=30.0)
    frames = idle.frames(np.arange(0, 120, 1 / 30))
    yaw = frames[:, PARAM_INDEX["head_yaw_deg"]]
    assert 0.3 < yaw.std() < 4.0
    assert np.abs(np.diff(yaw)).max() < 0.5  # smooth: no jumps between frames
    # the second minute is not a copy of the first
    assert np.corrcoef(yaw[:1800], yaw[1800:])[0, 1] < 0.9
    gaze = frames[:, PARAM_INDEX["gaze_x"]]
    shifts = np.flatnonzero(np.abs(np.diff(gaze)) > 0.01)
    assert len(shifts) > 10
    assert frames[:, PARAM_INDEX["head_y"]].std() > 0.005  # breathing


def test_same_seed_same_motion_chunked_or_not():
    a = IdleMotion(seed=9, fps=30.0)
    b = IdleMotion(seed=9, fps=30.0)
    one = a.next_frames(900)
    many = np.concatenate([b.next_frames(1) for _ in range(900)])
    np.testing.assert_allclose(one, many, atol=1e-5)
    assert not np.allclose(one, IdleMotion(seed=10, fps=30.0).next_frames(900))


def test_listening_nod_moves_the_head_down_and_back():
    gen = MotionGenerator(30.0, MotionControls(seed=1))
    quiet = MotionGenerator(30.0, MotionControls(seed=1))
    gen.nod(at_s=1.0, strength=1.0)
    t = np.arange(0, 3, 1 / 30)
    diff = gen.frames(t)[:, PARAM_INDEX["head_pitch_deg"]] - quiet.frames(t)[:, PARAM_INDEX["head_pitch_deg"]]
    assert diff.min() < -3.0
    assert abs(diff[-1]) < 0.1 and abs(diff[:29]).max() < 1e-6


def test_live_generator_runs_forever_in_small_steps():
    gen = MotionGenerator(30.0, MotionControls(seed=2))
    for _ in range(20):
        block = gen.next_frames(90)
        assert block.shape == (90, len(PARAM_INDEX)) and np.isfinite(block).all()
    assert gen.idle._blinks.__len__() < 20  # old events are forgotten: memory stays flat


def test_speaking_moves_the_head_more_than_idle():
    from speech.registry import get_voice

    utt = get_voice("espeak:en-us").synthesize(
        "Well, I really think we should go to the beach tomorrow! What do you say? It will be sunny and warm."
    )
    n = int(utt.duration_s * 30)
    speaking, idle = MotionGenerator(30.0, MotionControls(seed=5)), MotionGenerator(30.0, MotionControls(seed=5))
    speaking.speak(utt, 0.0)
    t = np.arange(n) / 30
    s, i = speaking.frames(t), idle.frames(t)
    for name in ("head_pitch_deg", "head_yaw_deg", "head_roll_deg"):
        col = PARAM_INDEX[name]
        assert np.abs(np.diff(s[:, col])).sum() > 1.5 * np.abs(np.diff(i[:, col])).sum(), name
    assert s[:, PARAM_INDEX["jaw_open"]].max() > 0.4 and i[:, PARAM_INDEX["jaw_open"]].max() == 0.0


def test_speech_brings_gaze_aversion_and_blinks_at_phrase_boundaries():
    from avatar.motion.prosody import analyse, phrases, speech_gestures
    from speech.registry import get_voice

    # Piper (the default voice) makes the same audio every time; espeak-ng's differs from run to run,
    # and its phrase boundaries with it (once in a whole suite, one blink in six seeds)
    utt = get_voice("piper:en_US-joe-medium").synthesize(
        "Well, I think so. What do you say? It will be sunny, and we can swim.")
    p = analyse(utt.audio, utt.sample_rate_hz)
    spans = phrases(p)
    assert len(spans) >= 3
    t = np.arange(int(utt.duration_s * 30)) / 30
    looks, blinks = 0, 0
    for seed in range(6):
        g = speech_gestures(p, t, seed=seed)
        looks += int(np.abs(g[:, PARAM_INDEX["gaze_x"]]).max() > 0.1)
        blinks += int(g[:, PARAM_INDEX["blink_left"]].max() > 0.9)
        # varied: no two seeds give the same head motion
        assert not np.allclose(g[:, PARAM_INDEX["head_pitch_deg"]],
                               speech_gestures(p, t, seed=seed + 100)[:, PARAM_INDEX["head_pitch_deg"]])
    assert looks >= 3 and blinks >= 2
