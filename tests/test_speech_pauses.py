"""Pauses a neural voice hides inside a phone become silence (speech.pauses)."""

from __future__ import annotations

import numpy as np
import pytest

from speech.pauses import quiet_runs, rest_in_pauses
from speech.utterance import TimedPhone

RATE = 24000


def _tone(seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (0.3 * np.sin(2 * np.pi * 180 * t)).astype(np.float32)


def _gap(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE), np.float32)


def test_a_pause_inside_a_phone_is_cut_out_of_it():
    # "a" 0.3 s, "d" 0.05 s of sound then a 0.3 s pause, "a" 0.3 s, a 60 ms silent "p" closure, "a" 0.3 s
    audio = np.concatenate([_tone(0.3), _tone(0.05), _gap(0.3), _tone(0.3), _gap(0.06), _tone(0.3)])
    phones = (TimedPhone("a", "aa", 0.0, 0.3), TimedPhone("d", "DD", 0.3, 0.65), TimedPhone("a", "aa", 0.65, 0.95),
              TimedPhone("p", "PP", 0.95, 1.01), TimedPhone("a", "aa", 1.01, 1.31))
    rested = rest_in_pauses(phones, audio, RATE)
    got = [(p.phone, p.viseme, round(p.start_s, 3), round(p.end_s, 3)) for p in rested]
    assert got == [("a", "aa", 0.0, 0.3), ("d", "DD", 0.3, 0.37), ("_", "sil", 0.37, 0.61), ("d", "DD", 0.61, 0.65),
                   ("a", "aa", 0.65, 0.95), ("p", "PP", 0.95, 1.01), ("a", "aa", 1.01, 1.31)]
    assert rest_in_pauses(rested, audio, RATE) == rested  # once is enough


def test_a_pause_joins_the_silence_beside_it_and_speech_without_pauses_is_unchanged():
    audio = np.concatenate([_tone(0.3), _gap(0.5), _tone(0.3)])
    # the voice ended its pause phone early and gave the rest to the next word's first phone
    phones = (TimedPhone("a", "aa", 0.0, 0.3), TimedPhone("_", "sil", 0.3, 0.45), TimedPhone("m", "PP", 0.45, 0.85),
              TimedPhone("a", "aa", 0.85, 1.1))
    got = [(p.phone, round(p.start_s, 3), round(p.end_s, 3)) for p in rest_in_pauses(phones, audio, RATE)]
    assert got == [("a", 0.0, 0.3), ("_", 0.3, 0.76), ("m", 0.76, 0.85), ("a", 0.85, 1.1)]
    plain = (TimedPhone("a", "aa", 0.0, 0.6),)
    assert rest_in_pauses(plain, _tone(0.6), RATE) is plain


@pytest.mark.parametrize("audio", [np.zeros(0, np.float32), np.zeros(RATE, np.float32), _tone(0.005)])
def test_silence_and_too_short_audio(audio):
    n, runs = quiet_runs(audio, RATE)
    assert n == len(audio) * 100 // RATE and runs == []  # all silence has nothing louder to pause from
