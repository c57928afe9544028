"""Finding the spoken phrases in a stream of sound by its loudness (an energy voice-activity detector).

Frames of 20 ms are called speech when they are well above the noise floor: the quietest frame of
the last `floor_window_s` (a voice always pauses within that, a fan or hum never does, so the floor
learns the room and not the voice). A phrase starts at the first loud frame (with a little sound
before it, so a soft first consonant is kept) and ends after `end_silence_s` without a loud frame:
that pause is what a caption waits for after the partner stops. Phrases shorter than `min_speech_s`
of loud frames (a click, a cough, a door) are dropped, and so is a steady sound (a fan switched on:
speech rises and falls with its syllables, by far more than `min_swing_db`); a phrase longer than
`max_phrase_s` is cut at its next quiet frame.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass

import numpy as np

FRAME_S = 0.02


@dataclass(frozen=True)
class PhraseAudio:
    """One phrase cut from the stream: its mono float32 audio and where it lies (seconds from the start)."""

    audio: np.ndarray
    sample_rate_hz: int
    start_s: float
    end_s: float


@dataclass(frozen=True)
class VadSettings:
    """How phrases are found. Defaults suit speech at ordinary levels (-40 to -10 dBFS)."""

    above_floor_db: float = 12.0  # how far above the noise floor a frame must be to count as speech
    min_threshold_dbfs: float = -50.0  # never call anything quieter speech (digital silence, faint hiss)
    floor_window_s: float = 2.0  # the floor is the quietest frame of this long
    end_silence_s: float = 0.4  # this long without a loud frame ends the phrase
    pre_roll_s: float = 0.2  # sound kept from before the first loud frame
    tail_s: float = 0.15  # quiet kept after the last loud frame
    min_speech_s: float = 0.2  # fewer loud frames than this is not speech
    min_swing_db: float = 6.0  # between its quieter and louder frames (10th and 90th percentile)
    max_phrase_s: float = 12.0  # a longer phrase is cut at its next quiet frame
    hard_max_phrase_s: float = 20.0  # and here even without one


class EnergySegmenter:
    """Cuts a stream into phrases. `feed(chunk, rate)` returns the phrases it completed."""

    def __init__(self, settings: VadSettings | None = None) -> None:
        self.settings = settings or VadSettings()
        self.rate = 0
        self._frame = 0
        self._rest = np.zeros(0, np.float32)
        self._frames_seen = 0  # frames since the stream started: the clock
        self._levels: collections.deque[float] = collections.deque()
        self._before: collections.deque[np.ndarray] = collections.deque()
        self._phrase: list[np.ndarray] | None = None
        self._phrase_start = 0  # frame index of the phrase's first frame
        self._first_loud = self._last_loud = 0
        self._loud_frames = 0
        self._phrase_levels: list[float] = []

    @property
    def in_phrase(self) -> bool:
        """Whether a phrase is being heard now."""
        return self._phrase is not None

    def feed(self, audio: np.ndarray, sample_rate_hz: int) -> list[PhraseAudio]:
        """Hear `audio` (mono float32 at `sample_rate_hz`, the same rate for the whole stream)."""
        if self.rate == 0:
            self.rate = int(sample_rate_hz)
            self._frame = max(1, int(round(self.rate * FRAME_S)))
            self._before = collections.deque(maxlen=max(1, int(round(self.settings.pre_roll_s / FRAME_S))))
            self._levels = collections.deque(maxlen=max(1, int(round(self.settings.floor_window_s / FRAME_S))))
        elif sample_rate_hz != self.rate:
            raise ValueError(f"the stream changed its sample rate from {self.rate} to {sample_rate_hz} Hz")
        samples = np.concatenate([self._rest, np.asarray(audio, np.float32).reshape(-1)])
        whole = len(samples) // self._frame * self._frame
        self._rest = samples[whole:]
        phrases = []
        for frame in samples[:whole].reshape(-1, self._frame):
            phrase = self._step(frame)
            if phrase is not None:
                phrases.append(phrase)
        return phrases

    def flush(self) -> list[PhraseAudio]:
        """End of the stream: the phrase being heard, if it is speech."""
        phrase = self._end() if self._phrase is not None else None
        return [phrase] if phrase is not None else []

    def _step(self, frame: np.ndarray) -> PhraseAudio | None:
        s = self.settings
        level_db = 10.0 * np.log10(float(np.mean(frame * frame)) + 1e-10)
        self._levels.append(level_db)
        floor_db = max(-70.0, min(self._levels))  # not below -70 dBFS: after digital silence a breath is not speech
        loud = level_db > max(floor_db + s.above_floor_db, s.min_threshold_dbfs)
        index = self._frames_seen
        self._frames_seen += 1
        if self._phrase is None:
            if not loud:
                self._before.append(frame)
                return None
            self._phrase = [*self._before, frame]
            self._phrase_levels = [level_db]
            self._phrase_start = index - len(self._before)
            self._before.clear()
            self._first_loud = self._last_loud = index
            self._loud_frames = 1
            return None
        self._phrase.append(frame)
        self._phrase_levels.append(level_db)
        if loud:
            self._last_loud = index
            self._loud_frames += 1
        quiet_s = (index - self._last_loud) * FRAME_S
        length_s = len(self._phrase) * FRAME_S
        if (quiet_s >= s.end_silence_s or (length_s >= s.max_phrase_s and not loud)
                or length_s >= s.hard_max_phrase_s):
            return self._end()
        return None

    def _end(self) -> PhraseAudio | None:
        s = self.settings
        frames, self._phrase = self._phrase, None
        if self._loud_frames * FRAME_S < s.min_speech_s:
            return None
        heard = self._phrase_levels[: self._last_loud - self._first_loud + 1]
        low, high = np.percentile(heard, [10, 90])  # up to its last loud frame: not the quiet that ended it
        if high - low < s.min_swing_db:
            return None
        keep = min(len(frames), self._last_loud - self._phrase_start + 1 + int(round(s.tail_s / FRAME_S)))
        audio = np.concatenate(frames[:keep])
        start_s = self._phrase_start * self._frame / self.rate
        return PhraseAudio(audio, self.rate, start_s, start_s + len(audio) / self.rate)
