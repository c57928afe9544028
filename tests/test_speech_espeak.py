"""The espeak-ng voice, run for real: timing against the audio, streaming, settings, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from speech.errors import VoiceNotFoundError
from speech.registry import get_voice, list_all
from speech.utterance import concatenate
from speech.voice import VoiceSettings
from tests.speech_checks import last_spoken_end_s, pause_to_speech_ratio_db, speech_end_s

TEXT = "Can you pass me the water, please? Thank you. I would like some bread, butter and milk."


@pytest.fixture(scope="module")
def voice():
    return get_voice("espeak:en-us")


def test_phones_are_contiguous_and_cover_the_audio(voice):
    u = voice.synthesize(TEXT)
    assert u.has_timing and u.sample_rate_hz == 22050
    assert u.phones[0].start_s == 0.0
    for a, b in zip(u.phones, u.phones[1:], strict=False):
        assert a.end_s == pytest.approx(b.start_s, abs=1e-9)
        assert a.end_s > a.start_s
    assert u.phones[-1].end_s == pytest.approx(u.duration_s, abs=1e-6)


def test_last_phone_ends_with_the_speech(voice):
    for text in ("Can you pass me the water, please?", "Hello.", TEXT):
        u = voice.synthesize(text)
        assert abs(last_spoken_end_s(u) - speech_end_s(u)) <= 0.020, text


def test_pauses_are_silent(voice):
    u = voice.synthesize(TEXT)
    ratios = pause_to_speech_ratio_db(u)
    assert len(ratios) >= 2  # the comma and sentence pauses
    assert max(ratios) < -30.0


def test_bilabials_and_words_are_where_the_text_says(voice):
    u = voice.synthesize("Please bring my bag.")
    assert [w.text for w in u.words] == ["Please", "bring", "my", "bag."]
    bilabials = [p for p in u.phones if p.viseme == "PP"]
    assert len(bilabials) == 4  # p, b, m, b
    for w in u.words:
        assert w.end_s > w.start_s
        inside = [p for p in u.phones if w.start_s <= p.start_s < w.end_s]
        assert inside, w


def test_stream_yields_first_sentence_before_the_rest_are_made(voice):
    text = " ".join(f"This is sentence number {i}, spoken in order." for i in range(12))
    made = []
    real = voice._synthesize_sentence

    def counting(sentence):
        made.append(sentence)
        return real(sentence)

    voice._synthesize_sentence = counting
    try:
        stream = voice.stream(text)
        first = next(stream)
        assert len(made) == 1  # the first chunk is ready before the last sentence is synthesized
        rest = list(stream)
    finally:
        del voice._synthesize_sentence
    assert len(made) == 12 and len(rest) == 11
    assert "number 0" in first.text and "number 11" in rest[-1].text
    joined = concatenate([first, *rest])
    assert joined.duration_s == pytest.approx(first.duration_s + sum(r.duration_s for r in rest))
    last_offset_s = joined.duration_s - rest[-1].duration_s
    assert joined.words[-1].start_s == pytest.approx(rest[-1].words[-1].start_s + last_offset_s)


def test_rate_and_pitch_change_the_speech(voice):
    slow = get_voice("espeak:en-us", VoiceSettings(rate=0.6)).synthesize("Good morning everyone.")
    fast = get_voice("espeak:en-us", VoiceSettings(rate=1.8)).synthesize("Good morning everyone.")
    assert slow.duration_s > 1.6 * fast.duration_s
    low = get_voice("espeak:en-us", VoiceSettings(pitch_semitones=-8)).synthesize("aaah")
    high = get_voice("espeak:en-us", VoiceSettings(pitch_semitones=8)).synthesize("aaah")

    def f0(u):
        # median over voiced 40 ms frames of a YIN-style period estimate (60-400 Hz)
        rate = u.sample_rate_hz
        n, lo, hi = int(0.04 * rate), rate // 400, rate // 60
        estimates = []
        for start in range(0, len(u.audio) - n - hi, n):
            x = u.audio[start : start + n + hi].astype(np.float64)
            if np.sqrt(np.mean(x**2)) < 0.02:
                continue
            d = np.array([np.sum((x[:n] - x[lag : lag + n]) ** 2) for lag in range(1, hi)])
            cmnd = d * np.arange(1, hi) / np.maximum(np.cumsum(d), 1e-12)
            search = cmnd[lo - 1 :]
            below = np.nonzero(search < 0.2)[0]
            estimates.append(rate / (lo + (below[0] if len(below) else int(np.argmin(search)))))
        return float(np.median(estimates))

    assert f0(high) > 1.3 * f0(low)


def test_variant_and_language_voices():
    female = get_voice("espeak:en-gb+f3")
    assert female.info.id == "espeak:en-gb+f3" and female.info.gender == "female"
    french = get_voice("espeak:fr-fr").synthesize("Bonjour, comment allez-vous ?")
    assert french.duration_s > 0.5 and french.phones


def test_unknown_voice_lists_the_closest_names():
    with pytest.raises(VoiceNotFoundError, match="espeak:en-gb"):
        get_voice("espeak:en-gx")
    with pytest.raises(VoiceNotFoundError, match="f3"):
        get_voice("espeak:en-us+f33")
    with pytest.raises(VoiceNotFoundError, match="Did you mean espeak:"):
        get_voice("espeek:en-us")


def test_listing_has_many_languages():
    espeak = next(listing for listing in list_all() if listing.backend == "espeak")
    assert len(espeak.voices) >= 100
    assert any(v.id == "espeak:en-gb" for v in espeak.voices)


@pytest.mark.parametrize(
    "text",
    ["", "   \n\t ", "\x00\x07\x1b[31m", "<speak><break time='3s'/>hello</speak>", "[[h@loU]] hi",
     "Hello 😀👍🏽 there", "Hello Привет 你好 مرحبا", "a\u200b\u200bb"],
)
def test_bad_text_gives_a_result_not_an_error(voice, text):
    u = voice.synthesize(text)
    assert u.audio.dtype == np.float32
    assert np.all(np.abs(u.audio) <= 1.0)
    assert "<" not in u.text and "[[" not in u.text


def test_markup_is_spoken_not_obeyed(voice):
    plain = voice.synthesize("hello")
    marked = voice.synthesize("<speak><break time='3s'/>hello</speak>")
    # A <break time='3s'/> obeyed would add three seconds of silence; spoken words add far less.
    longest_pause = max((p.end_s - p.start_s for p in marked.phones if p.viseme == "sil"), default=0)
    assert longest_pause < 1.0
    assert marked.duration_s > plain.duration_s  # the tag's words were spoken


def test_very_long_text_streams_in_bounded_pieces(voice):
    text = ("word " * 20000).strip()  # 100,000 characters, no punctuation
    stream = voice.stream(text)
    first = next(stream)
    assert first.duration_s < 60
    assert len(first.text) <= 300
    stream.close()
