"""The one interface every recognizer has: audio chunks in, `Caption`s out.

A recognizer hears a stream: `feed(chunk, rate)` as the sound arrives, `flush()` at its end. Captions
are timed in seconds from the first sample fed. Both recognizers here work phrase by phrase: an energy
voice-activity detector (`vad`) finds each phrase and the model runs only on it, so a quiet call costs
nothing and a caption is made as soon as the partner pauses.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from speech.errors import SpeechError
from speech.listen.vad import EnergySegmenter, PhraseAudio

MODEL_RATE_HZ = 16_000  # both Whisper and the vosk models we know hear 16 kHz


class ListenError(SpeechError):
    """Listening cannot start or go on (no model, no package, no sound source); the message says what to do."""


@dataclass(frozen=True)
class HeardWord:
    """One recognized word and when it was said (seconds from the stream's start)."""

    text: str
    start_s: float
    end_s: float


@dataclass(frozen=True)
class Caption:
    """What the partner said in one phrase. `final` is False for a guess that may still change."""

    text: str
    start_s: float
    end_s: float
    final: bool = True
    words: tuple[HeardWord, ...] = ()


class Recognizer(Protocol):
    """Speech to captions. Feed mono float32 chunks (any rate, the same for the whole stream)."""

    def feed(self, audio: np.ndarray, sample_rate_hz: int) -> list[Caption]:
        """Hear `audio`; return the captions of the phrases it completed."""

    def flush(self) -> list[Caption]:
        """The stream ended: the caption of a phrase still open."""

    def close(self) -> None:
        """Release the model."""


class PhraseRecognizer(abc.ABC):
    """A recognizer that runs its model once per phrase found by the voice-activity detector."""

    def __init__(self, segmenter: EnergySegmenter | None = None, words: bool = False) -> None:
        self.segmenter = segmenter or EnergySegmenter()
        self.words = words  # timed words wanted (`aac-avatar listen --json`); costs a little more

    def feed(self, audio: np.ndarray, sample_rate_hz: int) -> list[Caption]:
        """Hear `audio`; return the captions of the phrases it completed."""
        return self._captions(self.segmenter.feed(audio, sample_rate_hz))

    def flush(self) -> list[Caption]:
        """The stream ended: the caption of a phrase still open."""
        return self._captions(self.segmenter.flush())

    def _captions(self, phrases: list[PhraseAudio]) -> list[Caption]:
        captions = []
        for phrase in phrases:
            caption = self.transcribe(phrase)
            if caption is not None and caption.text:
                captions.append(caption)
        return captions

    @abc.abstractmethod
    def transcribe(self, phrase: PhraseAudio) -> Caption | None:
        """The caption of one phrase (None when nothing was understood)."""

    def close(self) -> None:  # noqa: B027 - most models need nothing done; one that does overrides it
        """Release the model."""


def open_recognizer(engine: str, language: str, vosk_model: Path | None = None, words: bool = False,
                    threads: int = 1) -> Recognizer:
    """The recognizer a profile asks for: "whisper" (English, shipped) or "vosk" (the model folder given).
    Raises ListenError saying what to install or set when it cannot run."""
    if engine == "vosk":
        from speech.listen.vosk import VoskRecognizer

        if vosk_model is None:
            raise ListenError("listening.engine is vosk but no listening.vosk_model_path is set; give the folder "
                              "of an unpacked vosk model, or use engine: whisper for English")
        return VoskRecognizer(vosk_model, words=words)
    if engine == "whisper":
        from speech.listen.whisper import WhisperRecognizer

        return WhisperRecognizer(language, words=words, threads=threads)
    raise ListenError(f"unknown listening engine {engine!r}; use whisper or vosk")
