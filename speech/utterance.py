"""The data a voice hands to the rest of the aid: audio with its timed words and phones."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class TimedWord:
    """One word and where it sits in the utterance's audio."""

    text: str
    start_s: float
    end_s: float


@dataclass(frozen=True)
class TimedPhone:
    """One phone (in the voice's phone set) and its viseme, timed against the audio."""

    phone: str
    viseme: str
    start_s: float
    end_s: float


@dataclass(frozen=True)
class Utterance:
    """Mono float32 audio in [-1, 1] plus, when the voice knows them, timed words and phones.

    `has_timing` says whether `words` and `phones` come from the synthesizer itself (exact),
    so that the avatar can choose between phone-timed lips and lips from the audio.
    """

    text: str
    audio: np.ndarray
    sample_rate_hz: int
    voice_id: str
    words: tuple[TimedWord, ...] = ()
    phones: tuple[TimedPhone, ...] = ()
    has_timing: bool = False
    phone_set: str = "ipa"
    meta: dict = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        if self.audio.ndim != 1 or self.audio.dtype != np.float32:
            raise ValueError("Utterance audio must be a 1-D float32 array")
        if self.sample_rate_hz <= 0:
            raise ValueError("sample_rate_hz must be positive")

    @property
    def duration_s(self) -> float:
        """Length of the audio in seconds."""
        return len(self.audio) / self.sample_rate_hz

    def to_json_dict(self) -> dict:
        """The timings as plain data (for `--timings out.json`)."""
        return {
            "text": self.text,
            "voice": self.voice_id,
            "sample_rate_hz": self.sample_rate_hz,
            "duration_s": round(self.duration_s, 6),
            "has_timing": self.has_timing,
            "phone_set": self.phone_set,
            "words": [
                {"text": w.text, "start_s": round(w.start_s, 6), "end_s": round(w.end_s, 6)} for w in self.words
            ],
            "phones": [
                {"phone": p.phone, "viseme": p.viseme, "start_s": round(p.start_s, 6), "end_s": round(p.end_s, 6)}
                for p in self.phones
            ],
        }


def concatenate(parts: Iterable[Utterance], text: str | None = None) -> Utterance:
    """Join utterances (sentences of one message) end to end, shifting their timings."""
    parts = list(parts)
    if not parts:
        raise ValueError("nothing to concatenate")
    rate = parts[0].sample_rate_hz
    if any(p.sample_rate_hz != rate for p in parts):
        raise ValueError("cannot join utterances of different sample rates")
    words: list[TimedWord] = []
    phones: list[TimedPhone] = []
    offset_s = 0.0
    for p in parts:
        words += [TimedWord(w.text, w.start_s + offset_s, w.end_s + offset_s) for w in p.words]
        phones += [TimedPhone(ph.phone, ph.viseme, ph.start_s + offset_s, ph.end_s + offset_s) for ph in p.phones]
        offset_s += p.duration_s
    return Utterance(
        text=text if text is not None else " ".join(p.text for p in parts),
        audio=np.concatenate([p.audio for p in parts]).astype(np.float32, copy=False),
        sample_rate_hz=rate,
        voice_id=parts[0].voice_id,
        words=tuple(words),
        phones=tuple(phones),
        has_timing=all(p.has_timing for p in parts),
        phone_set=parts[0].phone_set,
    )
