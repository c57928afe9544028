"""Speech ready before Speak: the background cache with a real voice."""

from __future__ import annotations

import time

import pytest

from speech.prepare import SpeechPreparer
from speech.registry import get_voice


def _wait_until(condition, timeout_s=30.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


@pytest.fixture(params=["espeak:en-us", "piper:en_US-joe-medium"])
def preparer(request):
    p = SpeechPreparer(get_voice(request.param))
    yield p
    p.close()


def test_composed_text_is_ready_before_speak_and_is_a_hit(preparer):
    text = "I would like a cup of tea. With milk, please."
    preparer.compose(text)
    assert _wait_until(lambda: preparer.is_ready(text))
    parts = list(preparer.take(text))
    assert preparer.stats["hits"] == 2 and preparer.stats["misses"] == 0
    assert [p.text for p in parts] == ["I would like a cup of tea.", "With milk, please."]
    again = list(preparer.take(text))  # the same prepared audio, not a new synthesis (Piper's varies)
    assert all(a.audio is b.audio for a, b in zip(parts, again, strict=True))
    assert parts[1].duration_s > 0.5


def test_text_never_composed_is_a_miss_and_still_spoken(preparer):
    parts = list(preparer.take("Good night."))
    assert preparer.stats["misses"] == 1 and parts[0].duration_s > 0.3


def test_an_edit_invalidates_only_the_changed_sentence(preparer):
    preparer.compose("Hello there. I want water.")
    assert _wait_until(lambda: preparer.is_ready("Hello there. I want water."))
    assert not preparer.is_ready("Hello there. I want juice.")  # the edit is not prepared
    parts = list(preparer.take("Hello there. I want juice."))
    assert preparer.stats["hits"] == 1 and preparer.stats["misses"] == 1
    assert parts[1].text == "I want juice."


def test_superseded_text_is_not_prepared(preparer):
    long_text = " ".join(f"This is sentence {i} of a long story." for i in range(40))
    preparer.compose(long_text)
    time.sleep(0.05)
    preparer.compose("Stop.")  # the user deleted it all and typed something else
    assert _wait_until(lambda: preparer.is_ready("Stop."))
    time.sleep(0.3)
    assert preparer.stats["prepared"] < 40
    assert not preparer.is_ready(long_text)


def test_voice_settings_are_part_of_the_key():
    from speech.voice import VoiceSettings

    a = SpeechPreparer(get_voice("espeak:en-us"))
    b = SpeechPreparer(get_voice("espeak:en-us", VoiceSettings(rate=1.5)))
    try:
        a.compose("Same words.")
        assert _wait_until(lambda: a.is_ready("Same words."))
        assert a._key("Same words.") != b._key("Same words.")
    finally:
        a.close()
        b.close()


def test_kept_speech_is_bounded_in_bytes_and_a_long_message_is_kept_whole():
    from speech.prepare import utterance_bytes

    voice = get_voice("espeak:en-us")
    one = voice.synthesize_sentence("Sentence number one of the story.")
    budget = 3 * utterance_bytes(one)  # room for about three sentences
    p = SpeechPreparer(voice, max_bytes=budget)
    try:
        for i in range(8):  # messages said one after another: the oldest are forgotten
            text = f"Sentence number {i} of the story."
            p.compose(text)
            assert _wait_until(lambda t=text: p.is_ready(t))
        assert p.kept_bytes() <= budget * 1.2
        assert p.is_ready("Sentence number 7 of the story.") and not p.is_ready("Sentence number 0 of the story.")
        # one message longer than the budget: all of it stays prepared (and is not prepared over and over)
        long_text = " ".join(f"This is part {i} of a longer message." for i in range(6))
        p.compose(long_text)
        assert _wait_until(lambda: p.is_ready(long_text))
        prepared = p.stats["prepared"]
        time.sleep(0.5)
        assert p.stats["prepared"] == prepared and p.is_ready(long_text)
        assert p.kept_bytes() > budget
    finally:
        p.close()


def test_quick_phrases_kept_ready_start_at_once_and_are_never_forgotten():
    from speech.prepare import utterance_bytes

    voice = get_voice("espeak:en-us")
    one = voice.synthesize_sentence("Sentence number one of the story.")
    p = SpeechPreparer(voice, max_bytes=2 * utterance_bytes(one))
    try:
        p.keep_ready(["Yes.", "No, thank you.", "Please wait a moment."])
        assert _wait_until(lambda: all(p.is_ready(t) for t in ("Yes.", "No, thank you.", "Please wait a moment.")))
        for i in range(6):  # messages said since: the kept-ready phrases stay prepared
            text = f"Sentence number {i} of the story."
            p.compose(text)
            assert _wait_until(lambda t=text: p.is_ready(t))
            list(p.take(text))
        hits = p.stats["hits"]
        assert [u.text for u in p.take("No, thank you.")] == ["No, thank you."] and p.stats["hits"] == hits + 1
        p.keep_ready(["Stop."])  # the phrases edited: the old ones may go, the new one is prepared
        assert _wait_until(lambda: p.is_ready("Stop."))
        list(p.take("Another sentence to say now."))
        assert not p.is_ready("Please wait a moment.")
    finally:
        p.close()
