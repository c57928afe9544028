"""The lip-sync decoder (avatar.lipsync.decoding) on the shipped model's real output: what it shows,
that it reads no further ahead than 100 ms of audio, and a closed mouth in silence."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from avatar.lipsync.closures import closure_frames
from avatar.lipsync.decoding import (
    DECODERS,
    PLAIN,
    STEADY,
    DecoderSettings,
    decode_shapes,
    decode_visemes,
    decode_weights,
    resting,
    window_max,
)
from avatar.lipsync.evaluate import LipsyncScore
from avatar.lipsync.heldout import eval_sentences
from avatar.lipsync.model import LipsyncModel
from avatar.motion.rhubarb import SHAPES, VISEME_SHAPE_INDEX
from speech.registry import get_voice
from speech.visemes import VISEMES

PP, SIL = VISEMES.index("PP"), VISEMES.index("sil")
AT_REST = (SHAPES.index("A"), SHAPES.index("X"))
# espeak-ng's Klatt voices: a family the model never trained on, made here by the test
VOICES = ("espeak:en-us+klatt", "espeak:en-gb+klatt2")


@pytest.fixture(scope="module")
def model():
    return LipsyncModel()


@pytest.fixture(scope="module")
def spoken(model):
    """(utterance, model output) for 4 held-out sentences in each Klatt voice."""
    out = []
    for voice_id in VOICES:
        voice = get_voice(voice_id)
        for text in eval_sentences()[:4]:
            utt = voice.synthesize(text)
            out.append((utt, model.predict(utt.audio, utt.sample_rate_hz)))
    return out


def test_the_plain_decoder_is_the_shipped_per_frame_choice(spoken):
    for _, out in spoken:
        # what LipsyncFrames.shapes() computed before the decoder had its own module
        scores = out.probs.astype(np.float64).copy()
        scores[:, PP] *= 1.2
        by_shape = np.zeros((out.n_frames, len(SHAPES)))
        np.add.at(by_shape.T, VISEME_SHAPE_INDEX, scores.T)
        before = by_shape.argmax(axis=1)
        before[closure_frames(out.probs, before == 0, out.loudness_db)] = 0
        assert np.array_equal(out.shapes(decoder=PLAIN), before)
        assert np.array_equal(decode_shapes(out.probs, out.loudness_db, PLAIN), before)
        # and what ships by default is the steady decoder
        assert np.array_equal(out.shapes(), decode_shapes(out.probs, out.loudness_db, STEADY))


@pytest.mark.parametrize("name", sorted(DECODERS))
def test_each_decoder_follows_the_speech_of_voices_it_never_heard(spoken, name):
    score = LipsyncScore()
    for utt, out in spoken:
        shapes = out.shapes(decoder=DECODERS[name])
        assert shapes.shape == (out.n_frames,)
        assert out.visemes(decoder=DECODERS[name]).shape == (out.n_frames,)
        score.add(utt.phones, shapes, out.openness)
    f = score.figures()
    # floors well under what either decoder reaches here (about 0.8 and 1.0), far over chance
    assert f["frame_accuracy"] >= 0.7, f
    assert f["closures_shown"] >= 0.9, f
    assert f["false_closures"] <= 0.06, f


def test_the_steady_decoder_keeps_the_plain_ones_closures_and_resting_pauses(spoken):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    from train_visemes import LABEL_LEAD, lead_phones

    # judged against espeak-ng's phones as the model was taught them: 7-10 ms earlier than espeak-ng puts them
    # (scripts/label_timing.py), where blending with the next frame belongs
    plain, steady = LipsyncScore(), LipsyncScore()
    for utt, out in spoken:
        phones = lead_phones(utt.phones, LABEL_LEAD.get("espeak", 0))
        plain.add(phones, out.shapes(decoder=PLAIN), out.openness)
        steady.add(phones, out.shapes(decoder=STEADY), out.openness)
    p, s = plain.figures(), steady.figures()
    assert s["closures_shown"] >= p["closures_shown"], (p, s)
    assert s["pauses_closed"] >= p["pauses_closed"], (p, s)
    assert s["frame_accuracy"] >= p["frame_accuracy"] - 0.01, (p, s)


@pytest.mark.parametrize("name", sorted(DECODERS))
def test_other_audio_after_a_moment_changes_no_decision_made_before_it(model, name):
    """Decisions read at most 100 ms of audio ahead: replace everything after `cut_s` and nothing
    decided by then may change."""
    utt = get_voice("espeak:en-us+klatt").synthesize("Bob bought a map, and my mum paid for the bread.")
    rate = utt.sample_rate_hz
    rng = np.random.default_rng(4)
    decoder = DECODERS[name]
    for cut_s in (0.6, 1.3, 2.0):
        cut = int(cut_s * rate)
        other = utt.audio.copy()
        other[cut:] = rng.standard_normal(len(other) - cut).astype(np.float32) * 0.3
        a, b = model.predict(utt.audio, rate), model.predict(other, rate)
        decided = int(round((cut_s - model.lookahead_s) * 100)) - 1
        for decode in (decode_shapes, decode_visemes):
            da, db = decode(a.probs, a.loudness_db, decoder), decode(b.probs, b.loudness_db, decoder)
            assert np.array_equal(da[:decided], db[:decided]), (name, cut_s, decode.__name__)
            assert not np.array_equal(da, db)  # the change is seen, just not early
        wa, wb = decode_weights(a.probs, a.loudness_db, decoder), decode_weights(b.probs, b.loudness_db, decoder)
        np.testing.assert_allclose(wa[:decided], wb[:decided], atol=1e-5)


@pytest.mark.parametrize("name", sorted(DECODERS))
def test_silence_and_quiet_after_speech_rest_the_mouth(model, name):
    decoder = DECODERS[name]
    silent = model.predict(np.zeros(32000, np.float32), 16000)
    assert np.isin(silent.shapes(decoder=decoder), AT_REST).all()
    assert (silent.visemes(decoder=decoder) == SIL).mean() > 0.95
    utt = get_voice("espeak:en-us+klatt").synthesize("Good morning.")
    rate = utt.sample_rate_hz
    tail = np.zeros(rate, np.float32)
    out = model.predict(np.concatenate([utt.audio, tail]), rate)
    last = out.shapes(decoder=decoder)[-60:]  # the last 0.6 s: a whole second after the speech
    assert np.isin(last, AT_REST).all(), last


def test_room_noise_after_speech_is_at_rest_with_the_steady_decoder(model):
    utt = get_voice("espeak:en-us+klatt").synthesize("Thank you for your help.")
    rate = utt.sample_rate_hz
    noise = np.random.default_rng(2).standard_normal(rate).astype(np.float32)
    speech_rms = float(np.sqrt(np.mean(utt.audio**2)))
    tail = noise * speech_rms * 10 ** (-55 / 20)  # a quiet room, 55 dB under the voice
    out = model.predict(np.concatenate([utt.audio, tail]), rate)
    rest = resting(out.loudness_db, STEADY)
    assert rest[-80:].all()  # the room after the voice rests once its loudness is known
    assert not rest[: out.n_frames - rate // 160 - 40].all()  # the speech does not
    assert np.isin(out.shapes(decoder=STEADY)[-80:], AT_REST).all()


def test_weights_for_the_live_mouth_are_a_blend_with_closures_written_in(spoken):
    for _, out in spoken:
        for decoder in DECODERS.values():
            w = decode_weights(out.probs, out.loudness_db, decoder)
            assert w.shape == out.probs.shape
            np.testing.assert_allclose(w.sum(axis=1), 1.0, atol=1e-4)
            assert (w.argmax(axis=1) == PP).sum() >= (out.visemes(decoder=decoder) == PP).sum() * 0.5
            frames = out.with_closures(decoder)
            np.testing.assert_allclose(frames.probs, w, atol=1e-6)


def test_window_max_is_the_max_over_the_window():
    rng = np.random.default_rng(0)
    for n in (1, 7, 300):
        x = rng.normal(size=n)
        for before, after in ((0, 8), (300, 8), (2, 0), (3, 4)):
            want = np.array([x[max(0, t - before) : t + after + 1].max() for t in range(n)])
            np.testing.assert_array_equal(window_max(x, before, after), want)


def test_bad_settings_are_refused_and_the_eval_names_every_decoder():
    with pytest.raises(ValueError):
        DecoderSettings(next_weight=-1.0)
    from aac.cli import build_parser

    args = build_parser().parse_args(["eval", "lipsync", "--decoder", "steady"])
    assert DECODERS[args.decoder] is STEADY
    assert set(DECODERS) == {"plain", "steady"}
