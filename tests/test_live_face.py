"""The live face works frames out ahead, a few at a time: what it shows must be what one frame at a time shows."""

from __future__ import annotations

import numpy as np

from aac.live.face import AHEAD_FRAMES, LiveFace, SpokenPart
from avatar.motion.controls import MotionControls
from avatar.motion.speech_motion import speech_motion
from speech.registry import get_voice


def _part(text: str, fps: float, emotion: str | None = None) -> SpokenPart:
    """A sentence's part, in the profile's own emotion unless one is given."""
    utterance = get_voice("espeak:en-us").synthesize(text)
    controls = MotionControls()
    return SpokenPart(speech_motion(utterance, fps, seed=3), utterance.text, utterance.words,
                      emotion or controls.emotion, 0.9 if emotion else controls.intensity)


def _one_frame(face: LiveFace, t: float) -> np.ndarray:
    """`LiveFace.params` as it was before frames were worked out ahead: the generator asked for one frame."""
    with face._lock:
        face._parts = [p for p in face._parts if p.end_s > t - 1.0]
        if not face._parts:
            face._set_emotion(face.controls.emotion, face.controls.intensity, t)
        return face.generator.frame(t)


def test_frames_worked_out_ahead_are_the_frames_worked_out_one_at_a_time():
    fps = 30.0
    ahead, single = LiveFace(MotionControls(seed=5), fps), LiveFace(MotionControls(seed=5), fps)
    first, second = _part("Hello there, how are you?", fps), _part("Pass me the map, please.", fps, "happy")
    shown, expected = [], []
    for index in range(150):
        t = index / fps
        # speech placed and cut while frames after it were already worked out ahead
        if index == 17:  # frames 16 to 23 were worked out at frame 16, before this speech was placed
            for face in (ahead, single):
                face.place(t, first)
        if index == 60:
            for face in (ahead, single):
                face.cut(t + 0.02)
        if index == 70:
            for face in (ahead, single):
                face.place(t + 0.1, second)
        shown.append(ahead.params(t))
        expected.append(_one_frame(single, t))
    shown, expected = np.array(shown), np.array(expected)
    np.testing.assert_allclose(shown, expected, atol=1e-5)
    assert np.ptp(shown, axis=0).max() > 0.1  # it moved: speech, blinks, the head


def test_a_time_off_the_frame_grid_and_a_jump_back_are_shown_as_asked():
    fps = 25.0
    face, reference = LiveFace(MotionControls(seed=1), fps), LiveFace(MotionControls(seed=1), fps)
    for t in (1.0, 1.013, 3.0, 1.04 + AHEAD_FRAMES / fps):
        np.testing.assert_allclose(face.params(t), _one_frame(reference, t), atol=1e-5)
