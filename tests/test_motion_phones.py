"""The phone-timed mouth on real espeak-ng utterances and real flite alignments.

Every p, b, m shows closed lips within one video frame; every silence longer than 150 ms
shows a closed mouth; lips anticipate rounded vowels; tongue sounds take their neighbours'
lip shape.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from avatar.motion.coarticulation import long_silences, viseme_weights
from avatar.motion.controls import MotionControls
from avatar.motion.generator import track_for_utterance
from avatar.motion.rhubarb import shapes_from_visemes
from speech.registry import get_voice
from speech.utterance import TimedPhone, Utterance
from speech.visemes import VISEMES

TEXTS = [
    "Bob made a map of the big moon. Maybe Pam bumped the bamboo.",
    "Please bring me a cup of warm milk... then, wait a moment; I am thinking.",
    "Hmm. Mm. A pup. Happy birthday, Mum!",
]


@pytest.fixture(scope="module")
def espeak_utterances():
    voice = get_voice("espeak:en-us")
    fast = get_voice("espeak:en-gb+f3", settings=__import__("speech.voice").voice.VoiceSettings(rate=1.8))
    return [voice.synthesize(t) for t in TEXTS] + [fast.synthesize(t) for t in TEXTS]


def _flite(text: str) -> Utterance:
    from avatar.lipsync.reference_voices import flite_utterance

    return flite_utterance(text, "slt")


def _check_closures(utt: Utterance, fps: float) -> None:
    track = track_for_utterance(utt, fps, MotionControls(emotion="happy", intensity=1.0, seed=5))
    lips = track.param("lips_together")
    jaw = track.param("jaw_open")
    bilabials = [p for p in utt.phones if p.viseme == "PP"]
    assert bilabials, "the text must hold p, b or m"
    for p in bilabials:
        a = max(0, int(np.floor(p.start_s * fps)) - 1)
        b = min(track.n_frames, int(np.ceil(p.end_s * fps)) + 2)
        closed = (lips[a:b] >= 0.99) & (jaw[a:b] <= 0.16)  # the surprised/emotion offset may part the jaw a bit
        assert closed.any(), f"{p.phone} at {p.start_s:.3f}-{p.end_s:.3f}s never closes the lips at {fps} fps"


def _check_silences(utt: Utterance, fps: float) -> None:
    track = track_for_utterance(utt, fps, MotionControls(seed=2))
    times = track.times_s()
    spans = long_silences(utt.phones, utt.duration_s)
    for a, b in spans:
        inside = (times >= a + 0.05) & (times <= b - 0.05)
        assert track.param("jaw_open")[inside].max(initial=0) <= 0.02, f"mouth open in silence {a:.2f}-{b:.2f}s"
        for name in ("mouth_funnel", "mouth_pucker", "mouth_stretch", "tongue_up"):
            assert track.param(name)[inside].max(initial=0) <= 0.02


@pytest.mark.parametrize("fps", [25.0, 30.0, 60.0])
def test_espeak_bilabials_all_close_within_one_frame(espeak_utterances, fps):
    for utt in espeak_utterances:
        assert utt.has_timing
        _check_closures(utt, fps)


def test_espeak_long_silences_close_the_mouth(espeak_utterances):
    found = 0
    for utt in espeak_utterances:
        found += len(long_silences(utt.phones, utt.duration_s))
        _check_silences(utt, 30.0)
    assert found >= 2, "the texts should hold pauses longer than 150 ms"


@pytest.mark.skipif(shutil.which("flite") is None, reason="flite is not installed (scripts/setup.sh installs it)")
def test_flite_alignments_close_lips_and_rest_in_silence():
    for text in TEXTS:
        utt = _flite(text)
        _check_closures(utt, 30.0)
        _check_silences(utt, 30.0)


def test_lips_anticipate_a_rounded_vowel_and_tongue_sounds_take_neighbours_shape():
    phones = (
        TimedPhone("_", "sil", 0.0, 0.3),
        TimedPhone("s", "SS", 0.3, 0.42),
        TimedPhone("t", "DD", 0.42, 0.48),
        TimedPhone("u", "ou", 0.48, 0.7),
        TimedPhone("_", "sil", 0.7, 1.1),
    )
    w = viseme_weights(phones, 100.0, 110)
    ou = VISEMES.index("ou")
    # during the "t", before the vowel starts, the lips already round
    assert w[45, ou] > 0.25
    assert w[45].argmax() == ou  # a weak tongue sound does not own the lips
    # the rounding fades into the pause after the vowel, then the mouth rests
    assert w[71, ou] > 0.05
    assert w[100].argmax() == VISEMES.index("sil")
    assert np.allclose(w.sum(axis=1), 1.0, atol=1e-5)


def test_a_closure_shorter_than_a_frame_still_shows():
    phones = (
        TimedPhone("a", "aa", 0.0, 0.2),
        TimedPhone("b", "PP", 0.2, 0.215),  # 15 ms: between two 30 fps frames
        TimedPhone("a", "aa", 0.215, 0.4),
    )
    w = viseme_weights(phones, 30.0, 12)
    assert (shapes_from_visemes(w.argmax(axis=1)) == 0).any()


def test_phone_path_is_used_when_timing_exists_and_head_moves(espeak_utterances):
    from avatar.motion.speech_motion import speech_motion

    utt = espeak_utterances[0]
    layer = speech_motion(utt, 30.0, seed=1)
    assert layer.source == "phones"
    track = track_for_utterance(utt, 30.0, MotionControls(seed=1))
    assert track.n_frames == int(np.ceil(utt.duration_s * 30))
    assert track.param("head_pitch_deg").std() > 0.3


def test_piper_natural_voice_closes_lips_and_rests_in_silence():
    voice = get_voice("piper:en_US-joe-medium")
    for text in TEXTS[:2]:
        utt = voice.synthesize(text)
        assert utt.has_timing
        _check_closures(utt, 30.0)
        _check_silences(utt, 30.0)
