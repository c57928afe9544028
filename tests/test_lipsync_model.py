"""The shipped audio-to-viseme model on voices it never trained on, its lookahead and streaming."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest

from avatar.lipsync.evaluate import LipsyncScore
from avatar.lipsync.heldout import eval_sentences, heldout_utterance
from avatar.lipsync.loudness import loudness_mouth
from avatar.lipsync.model import DEFAULT_MODEL_PATH, LipsyncModel
from speech.registry import get_voice

needs_flite = pytest.mark.skipif(shutil.which("flite") is None, reason="flite is not installed (scripts/setup.sh)")


def _festival_has(voice: str) -> bool:
    if shutil.which("festival") is None:
        return False
    out = subprocess.run(["festival", "-b", "(print (voice.list))"], capture_output=True, text=True, timeout=60)
    return voice in out.stdout


@pytest.fixture(scope="module")
def model():
    return LipsyncModel()


def test_model_is_small_and_looks_at_most_100_ms_ahead(model):
    assert DEFAULT_MODEL_PATH.stat().st_size < 5e6  # the issue: ONNX under 5 MB
    assert model.lookahead_s <= 0.1


@needs_flite
def test_future_audio_beyond_the_lookahead_changes_nothing(model):
    utt = heldout_utterance("flite:rms", "Please bring me a cup of warm milk before bed.")
    a = utt.audio.copy()
    cut_s = 1.0
    b = a.copy()
    b[int(cut_s * utt.sample_rate_hz) :] = np.random.default_rng(0).standard_normal(len(b) - int(cut_s * 16000)) * 0.3
    pa = model.predict(a, utt.sample_rate_hz)
    pb = model.predict(b, utt.sample_rate_hz)
    # frame i is decided once audio up to (i + 1) * 10 ms + lookahead has arrived
    decided = int(round((cut_s - model.lookahead_s) * 100)) - 1
    np.testing.assert_allclose(pa.probs[:decided], pb.probs[:decided], atol=1e-5)
    assert not np.allclose(pa.probs[decided + 20 :], pb.probs[decided + 20 :], atol=1e-3)


@needs_flite
def test_streaming_in_any_chunks_equals_the_whole_clip(model):
    utt = heldout_utterance("flite:awb", "Maybe we can meet for lunch on Friday afternoon.")
    whole = model.predict(utt.audio, utt.sample_rate_hz)
    stream = model.stream(utt.sample_rate_hz)
    rng = np.random.default_rng(1)
    parts, i = [], 0
    while i < len(utt.audio):
        n = int(rng.integers(1, 3000))
        parts.append(stream.push(utt.audio[i : i + n]))
        i += n
    parts.append(stream.flush())
    probs = np.concatenate([p.probs for p in parts])
    assert probs.shape == whole.probs.shape == (len(utt.audio) * 100 // utt.sample_rate_hz, 15)
    np.testing.assert_allclose(probs, whole.probs, atol=1e-5)
    loud = np.concatenate([p.loudness_db for p in parts])  # the closure rule's loudness streams alike
    assert whole.loudness_db is not None and loud.shape == (whole.n_frames,)
    np.testing.assert_allclose(loud, whole.loudness_db, atol=1e-3)
    assert loud.max() - np.percentile(loud, 5) > 30  # speech against its pauses


@needs_flite
def test_the_openness_shown_rests_in_silence_and_halves_on_closed_lips(model):
    from speech.visemes import VISEMES

    utt = heldout_utterance("flite:rms", "Bob bought a big bag of apples at the market.")
    quiet = np.zeros(utt.sample_rate_hz // 2, dtype=np.float32)
    out = model.predict(np.concatenate([quiet, utt.audio, quiet]), utt.sample_rate_hz)
    shown = out.shown_openness()
    assert shown.shape == out.openness.shape and shown.min() >= 0.0 and shown.max() <= 1.0
    assert shown[:40].max() < 0.05 and shown[-30:].max() < 0.05  # the half seconds of silence
    assert shown[60:-60].max() > 0.5  # the vowels open it
    # where the decoder shows closed lips the shown mouth is nearly shut, and shut where the closure rule adds one
    closed = out.visemes() == VISEMES.index("PP")
    assert closed.sum() >= 5
    assert shown[closed].mean() < 0.5 * out.openness[closed].mean()
    from avatar.lipsync.decoding import decode_weights

    added = decode_weights(out.probs, out.loudness_db)[:, VISEMES.index("PP")] == 1.0
    assert np.all(shown[added] == 0.0)


def _score(model, voices, n):
    ours, base = LipsyncScore(), LipsyncScore()
    for voice in voices:
        for text in eval_sentences()[:n]:
            utt = heldout_utterance(voice, text, get_voice)
            out = model.predict(utt.audio, utt.sample_rate_hz)
            ours.add(utt.phones, out.shapes(), out.shown_openness())
            base.add(utt.phones, *loudness_mouth(utt.audio, utt.sample_rate_hz))
    return ours, base


FAMILIES = {
    "espeak-klatt": ["espeak:en-us+klatt", "espeak:en-gb+klatt2"],
    "flite": ["flite:rms", "flite:awb"],
    "festival": ["festival:ked_diphone"],
}


def _missing(family: str) -> str | None:
    if family == "flite" and not shutil.which("flite"):
        return "flite is not installed (scripts/setup.sh installs it)"
    if family == "festival" and not _festival_has("ked_diphone"):
        return "festival or its ked_diphone voice is not installed (scripts/setup.sh installs festvox-kdlpc16k)"
    return None


@pytest.fixture(scope="module")
def family_scores(model):
    """Scores of the model and of the loudness baseline for each held-out family available here."""
    return {f: _score(model, voices, 8) for f, voices in FAMILIES.items() if _missing(f) is None}


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_each_held_out_family_is_far_above_loudness(family_scores, family):
    if _missing(family):
        pytest.skip(_missing(family))
    ours, base = family_scores[family]
    o, b = ours.figures(), base.figures()
    assert o["speech_frame_accuracy"] > b["speech_frame_accuracy"] + 0.2, (o, b)
    # the festival diphone voice ked hides its closures best (0.64 on these 8 sentences, 0.76 on all 30)
    assert o["closures_shown"] >= 0.6, o
    assert o["openness_r"] >= 0.75, o
    assert o["false_closures"] <= 0.07, o


def test_held_out_voices_together_reach_the_targets(family_scores):
    """The issue's figures for the audio path, over every held-out family available here."""
    total_ours, total_base = LipsyncScore(), LipsyncScore()
    for ours, base in family_scores.values():
        for attr in ("frames", "correct", "speech_frames", "speech_correct", "closures", "closures_shown",
                     "open_frames", "false_closures", "ref_open", "pred_open"):
            setattr(total_ours, attr, getattr(total_ours, attr) + getattr(ours, attr))
            setattr(total_base, attr, getattr(total_base, attr) + getattr(base, attr))
    o, b = total_ours.figures(), total_base.figures()
    assert o["frame_accuracy"] >= 0.7 and o["frame_accuracy"] > b["frame_accuracy"] + 0.2, (o, b)
    assert o["closures_shown"] >= 0.8, o
    assert o["openness_r"] >= 0.8, o
    assert o["false_closures"] <= 0.05, o


@needs_flite
def test_audio_path_drives_the_track_when_the_voice_has_no_timing(model):
    from dataclasses import replace

    from avatar.motion.generator import track_for_utterance
    from avatar.motion.speech_motion import speech_motion

    timed = heldout_utterance("flite:rms", "Bob bought a big bag of apples at the market.")
    untimed = replace(timed, phones=(), words=(), has_timing=False)
    assert speech_motion(untimed, 30.0, lipsync=model).source == "audio"
    track = track_for_utterance(untimed, 30.0, lipsync=model)
    jaw, lips = track.param("jaw_open"), track.param("lips_together")
    assert jaw.max() > 0.4
    closed = 0
    bilabials = [p for p in timed.phones if p.viseme == "PP"]
    for p in bilabials:
        a, b = max(0, int(p.start_s * 30) - 1), int(np.ceil(p.end_s * 30)) + 1
        closed += bool((lips[a:b] > 0.5).any())
    assert closed >= 0.8 * len(bilabials)
    # silence at the start and end: mouth closed
    assert jaw[:3].max() < 0.1 and jaw[-3:].max() < 0.1
