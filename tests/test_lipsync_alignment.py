"""Training labels from exact phones, and the mouth at rest where a voice pauses inside a phone."""

from __future__ import annotations

import numpy as np

from avatar.lipsync.alignment import frame_visemes, rest_in_pauses
from speech.utterance import TimedPhone
from speech.visemes import VISEMES

RATE = 16000


def _tone(seconds: float, db: float = -12.0) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (10 ** (db / 20) * np.sqrt(2) * np.sin(2 * np.pi * 180 * t)).astype(np.float32)


def test_a_pause_inside_a_phone_rests_but_a_short_closure_keeps_its_label():
    rng = np.random.default_rng(0)
    # "ah" 0.3 s, then a "d" whose last 0.3 s are silence (a pause the voice put in the phone), "ah"
    # 0.3 s, a 60 ms silent "p" closure, "ah" 0.3 s; room noise 70 dB under the speech throughout
    audio = np.concatenate([_tone(0.3), _tone(0.05), np.zeros(int(0.3 * RATE), np.float32), _tone(0.3),
                            np.zeros(int(0.06 * RATE), np.float32), _tone(0.3)])
    audio += rng.standard_normal(len(audio)).astype(np.float32) * 10 ** (-82 / 20)
    phones = [TimedPhone("a", "aa", 0.0, 0.3), TimedPhone("d", "DD", 0.3, 0.65), TimedPhone("a", "aa", 0.65, 0.95),
              TimedPhone("p", "PP", 0.95, 1.01), TimedPhone("a", "aa", 1.01, 1.31)]
    labels = frame_visemes(phones, 131)
    rested = rest_in_pauses(labels, audio, RATE)
    names = [VISEMES[i] for i in rested]
    assert names[:30] == ["aa"] * 30
    assert names[30:37] == ["DD"] * 7  # the sounding part, and 20 ms after it
    assert set(names[37:61]) == {"sil"}  # the pause, less 40 ms before "ah" begins again
    assert names[61:65] == ["DD"] * 4
    assert names[95:101] == ["PP"] * 6  # a 60 ms closure is no pause
    assert np.array_equal(rest_in_pauses(rested, audio, RATE), rested)  # once is enough


def test_leading_and_trailing_silence_rest_whole_and_silence_alone_is_left_alone():
    audio = np.concatenate([np.zeros(int(0.2 * RATE), np.float32), _tone(0.3), np.zeros(int(0.2 * RATE), np.float32)])
    labels = frame_visemes([TimedPhone("a", "aa", 0.0, 0.7)], 70)
    names = [VISEMES[i] for i in rest_in_pauses(labels, audio, RATE)]
    # the silence before and after rests, but for the same margins around the sound
    assert names == ["sil"] * 16 + ["aa"] * 36 + ["sil"] * 18
    silent = np.zeros(RATE, np.float32)
    assert np.array_equal(rest_in_pauses(frame_visemes([], 100), silent, RATE), frame_visemes([], 100))
    assert len(rest_in_pauses(np.zeros(0, np.int64), np.zeros(0, np.float32), RATE)) == 0
