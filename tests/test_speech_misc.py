"""The viseme maps, the system-voice backend (pyttsx3 in its worker process), text cleaning, sentences."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from speech.errors import BackendUnavailableError, VoiceNotFoundError
from speech.sentences import split_sentences
from speech.text import clean_text
from speech.visemes import PHONE_SETS, VISEMES, viseme_for


@pytest.mark.parametrize(
    ("phone", "phone_set", "viseme"),
    [("p", "ipa", "PP"), ("m", "ipa", "PP"), ("ˈæ", "ipa", "aa"), ("tʃ", "ipa", "CH"), ("aɪə", "ipa", "aa"),
     ("uː", "ipa", "ou"), ("", "ipa", "sil"), ("B", "cmu", "PP"), ("AY1", "cmu", "aa"), ("pau", "cmu", "sil")],
)
def test_phones_map_to_the_one_viseme_set(phone, phone_set, viseme):
    assert viseme_for(phone, phone_set) == viseme


def test_every_map_lands_in_the_set():
    for table in PHONE_SETS.values():
        assert set(table.values()) <= set(VISEMES)
    with pytest.raises(ValueError, match="unknown phone set"):
        viseme_for("p", "sampa")


def test_text_is_made_plain_and_speakable():
    assert clean_text("  hi\x00 there\x1b[31m ") == "hi there 31m"
    assert clean_text("<speak>yes</speak>") == "speak yes /speak"
    assert clean_text("tea & cake 😀") == "tea and cake grinning face"
    assert clean_text("line one\n\n\nline two") == "line one\nline two"
    assert clean_text("\u200b\ufeff") == ""


def test_sentences_split_and_long_runs_are_bounded():
    assert split_sentences("Hi. How are you? Fine!") == ["Hi.", "How are you?", "Fine!"]
    pieces = split_sentences("word " * 1000)
    assert all(len(p) <= 300 for p in pieces) and " ".join(pieces).split() == ["word"] * 1000


def test_system_voices_are_not_listed_on_linux_but_work():
    from speech.system import SystemVoice, list_system_voices

    if sys.platform.startswith("linux"):
        with pytest.raises(BackendUnavailableError, match="espeak"):
            list_system_voices()
    voice = SystemVoice("English (America)")  # pyttsx3's own driver, in its worker process
    try:
        u = voice.synthesize("Hello there. How are you?")
        assert not u.has_timing and not u.phones and u.duration_s > 0.8
        assert np.abs(u.audio).max() > 0.05
    finally:
        voice.close()
    with pytest.raises(VoiceNotFoundError, match="no system voice"):
        SystemVoice("Klingon (Qo'noS)")


def test_a_long_first_sentence_is_spoken_clause_first_by_slow_voices():
    from speech.registry import get_voice
    from speech.sentences import split_first_clause

    text = "I would like a cup of tea, please, with a little milk. And some bread, please."
    assert split_first_clause("Can you pass me the water, please?") == ["Can you pass me the water, please?"]
    assert split_first_clause("I would like a cup of tea, please, with milk.") == [
        "I would like a cup of tea,", "please, with milk."]
    piper = get_voice("piper:en_US-joe-medium")
    assert piper.sentences(text) == ["I would like a cup of tea,", "please, with a little milk.",
                                     "And some bread, please."]
    espeak = get_voice("espeak:en-us")  # instant anyway: keeps its sentences whole
    assert espeak.sentences(text) == [
        "I would like a cup of tea, please, with a little milk.", "And some bread, please."]
    first = next(piper.stream(text))
    assert first.text == "I would like a cup of tea," and [w.text for w in first.words][-1] == "tea,"
