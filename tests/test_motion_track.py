"""MotionTrack: shape checks, frame lookup with interpolation, resampling; Rhubarb shape maps."""

from __future__ import annotations

import numpy as np
import pytest

from avatar.motion.rhubarb import OPENNESS, SHAPES, VISEME_TO_SHAPE, cues_from_shapes, rhubarb_json
from avatar.motion.track import MotionTrack
from avatar.params import PARAM_NAMES
from speech.visemes import VISEMES


def _ramp(n: int = 10) -> MotionTrack:
    values = np.zeros((n, len(PARAM_NAMES)), np.float32)
    values[:, 0] = np.arange(n) / 10
    return MotionTrack(10.0, values, start_s=1.0)


def test_track_rejects_wrong_shapes_and_types():
    with pytest.raises(ValueError):
        MotionTrack(30.0, np.zeros((5, 3), np.float32))
    with pytest.raises(ValueError):
        MotionTrack(30.0, np.zeros((5, len(PARAM_NAMES)), np.float64))
    with pytest.raises(ValueError):
        MotionTrack(0.0, np.zeros((5, len(PARAM_NAMES)), np.float32))


def test_frame_at_interpolates_and_clamps():
    track = _ramp()
    assert track.duration_s == pytest.approx(1.0)
    assert track.end_s == pytest.approx(2.0)
    assert track.frame_at(1.25)[0] == pytest.approx(0.25)
    assert track.frame_at(0.0)[0] == 0.0
    assert track.frame_at(5.0)[0] == pytest.approx(0.9)
    assert track.index_at(1.31) == 3
    assert track.param("jaw_open")[4] == pytest.approx(0.4)


def test_resampled_keeps_duration_and_values():
    track = _ramp().resampled(30.0)
    assert track.n_frames == 30
    assert track.frame_at(1.5)[0] == pytest.approx(0.5, abs=1e-5)


def test_every_viseme_has_a_rhubarb_shape_and_openness():
    assert set(VISEME_TO_SHAPE) == set(VISEMES)
    assert set(VISEME_TO_SHAPE.values()) <= set(SHAPES)
    assert VISEME_TO_SHAPE["PP"] == "A" and VISEME_TO_SHAPE["sil"] == "X" and VISEME_TO_SHAPE["aa"] == "D"
    assert OPENNESS == {"A": 0.0, "X": 0.0, "B": 0.2, "G": 0.2, "F": 0.3, "H": 0.3, "E": 0.4, "C": 0.6, "D": 1.0}


def test_cues_merge_runs_and_the_document_is_rhubarbs_format():
    ids = [SHAPES.index(s) for s in "XXXAABBBDX"]
    cues = cues_from_shapes(ids, fps=100.0)
    assert [c["value"] for c in cues] == ["X", "A", "B", "D", "X"]
    assert cues[0] == {"start": 0.0, "end": 0.03, "value": "X"}
    assert cues[-1]["end"] == 0.1
    doc = rhubarb_json(cues, "a.wav")
    assert set(doc) == {"metadata", "mouthCues"}
    assert doc["metadata"] == {"soundFile": "a.wav", "duration": 0.1}
    for a, b in zip(cues, cues[1:], strict=False):
        assert a["end"] == b["start"]
