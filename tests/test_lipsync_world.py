"""Lip sync on recordings as the world makes them: breaths and room noise in the pauses, microphones,
call codecs; and the leave-one-family-out report of `aac-avatar eval lipsync`."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from aac.cli import main
from avatar.lipsync.alignment import frame_visemes
from avatar.lipsync.conditions import codec_roundtrip, microphone, pause_life
from avatar.lipsync.evaluate import LipsyncScore
from avatar.lipsync.features import to_model_rate
from avatar.lipsync.heldout import eval_sentences, heldout_utterance
from avatar.lipsync.judge import in_the_world
from avatar.lipsync.model import LipsyncModel
from speech.registry import get_voice
from speech.visemes import VISEMES

needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed (scripts/setup.sh)")
needs_flite = pytest.mark.skipif(shutil.which("flite") is None, reason="flite is not installed (scripts/setup.sh)")
SIL = VISEMES.index("sil")


@pytest.fixture(scope="module")
def speech():
    utt = get_voice("espeak:en-us").synthesize("Maybe Bob and Pam will bring more apples home.")
    x = to_model_rate(utt.audio, utt.sample_rate_hz)
    return x, frame_visemes(utt.phones, len(x) // 160)


@needs_ffmpeg
@pytest.mark.parametrize("codec,kbps", [("opus", 16), ("opus", 32), ("aac", 32)])
def test_call_codecs_keep_the_speech_in_time(speech, codec, kbps):
    x, _ = speech
    y = codec_roundtrip(x, codec, kbps)
    assert y.shape == x.shape and y.dtype == np.float32
    assert np.corrcoef(x, y)[0, 1] > 0.85  # in time: a 1 ms slip would drop this far lower
    assert not np.allclose(x, y, atol=1e-3)  # and really coded


def test_pauses_get_breaths_and_noise_but_stay_silence(speech):
    x, labels = speech
    y, lab = pause_life(x, labels, np.random.default_rng(3), breath_prob=1.0, pad_frames=(60, 60))
    assert len(lab) == len(labels) + 120 and len(y) // 160 == len(lab)
    assert (lab[:60] == SIL).all() and (lab[-60:] == SIL).all()
    np.testing.assert_array_equal(lab[60:-60], labels)
    lead = y[: 60 * 160]
    assert np.sqrt(np.mean(lead**2)) > 1e-4  # no digital silence left: noise, and a breath
    speech_rms = np.sqrt(np.mean(x**2))
    assert np.abs(lead).max() < speech_rms * 2  # nothing as loud as speech
    coloured = microphone(y, np.random.default_rng(4))
    assert coloured.shape == y.shape and np.isfinite(coloured).all()


FAMILIES = {
    "espeak-klatt": ["espeak:en-us+klatt", "espeak:en-gb+klatt2"],
    "flite-unseen-speakers": ["flite:rms", "flite:awb"],
}


@needs_flite
@needs_ffmpeg
def test_in_a_real_room_the_mouth_rests_in_pauses_and_closes_for_bilabials():
    """Held-out voices made here, recorded as the world does (breaths and noise in the pauses,
    microphones, Opus and AAC), judged family by family; the worst family must hold.

    Thresholds are the issue's benchmark figures where the model reaches them, otherwise the
    figure `aac-avatar eval lipsync --world` printed for the shipped model, less a margin
    for these 6 sentences (README, lip sync)."""
    model = LipsyncModel()
    worst: dict[str, float] = {}
    for voices in FAMILIES.values():
        score = LipsyncScore()
        i = 0
        for voice in voices:
            for text in eval_sentences()[:3]:
                utt = heldout_utterance(voice, text, get_voice)
                utt = in_the_world(utt, np.random.default_rng([7, i]), codec=("opus", "aac", None)[i % 3])
                i += 1
                out = model.predict(utt.audio, utt.sample_rate_hz)
                score.add(utt.phones, out.shapes(), out.openness)
        for key, value in score.figures().items():
            pick = max if key == "false_closures" else min
            worst[key] = pick(worst.get(key, value), value)
    # measured here: the shipped model 0.97 of pauses at rest, r 0.87; the model before issue 15
    # 0.67 and 0.69 (it opened on breaths), so these two fail on it
    assert worst["pauses_closed"] >= 0.85, worst
    assert worst["closures_shown"] >= 0.65, worst  # 0.69 here (both models); 0.76 on all 30 sentences
    assert worst["false_closures"] <= 0.07, worst
    assert worst["openness_r"] >= 0.70, worst
    assert worst["speech_frame_accuracy"] >= 0.55, worst


@needs_flite
def test_eval_reports_each_family_and_the_worst(capsys):
    args = ["eval", "lipsync", "--voice", "flite:awb", "--voice", "espeak:en-us+klatt", "--sentences", "2",
            "--text", "--json"]
    assert main(args) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["families"] == 2
    for key in ("frame_accuracy", "closures_shown", "openness_r", "pauses_closed"):
        per = [figures[f"model_{key}@family:{f}"] for f in ("flite-unseen-speakers", "espeak-klatt")]
        assert figures[f"worst_family_{key}"] == min(per)
        assert figures[f"family_mean_{key}"] == pytest.approx(np.mean(per))
    per = [figures[f"model_false_closures@family:{f}"] for f in ("flite-unseen-speakers", "espeak-klatt")]
    assert figures["worst_family_false_closures"] == max(per)
    # knowing the words, every p/b/m is placed in order: more closures shown than from audio alone
    assert figures["text_closures_shown"] >= figures["model_closures_shown"]
