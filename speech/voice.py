"""What every voice backend offers: a description, settings, and text -> `Utterance`."""

from __future__ import annotations

import abc
import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

from speech.loudness import level
from speech.sentences import split_first_clause, split_sentences
from speech.text import clean_text
from speech.utterance import Utterance, concatenate


@dataclass(frozen=True)
class VoiceInfo:
    """One voice as `aac-avatar voices` lists it. `id` is "backend:name", e.g. "espeak:en-gb+f3"."""

    id: str
    backend: str
    name: str
    language: str
    gender: str = "unknown"
    description: str = ""
    has_timing: bool = False


@dataclass(frozen=True)
class VoiceSettings:
    """How a voice speaks. `rate` is relative speed (1.0 normal), `pitch_semitones` a shift. `language` (a BCP-47
    tag, the profile's) chooses among the languages of a voice that speaks several (coqui XTTS and other
    multilingual models); None leaves the voice its own."""

    rate: float = 1.0
    pitch_semitones: float = 0.0
    volume: float = 1.0
    language: str | None = None

    def __post_init__(self) -> None:
        if not 0.3 <= self.rate <= 3.0:
            raise ValueError(f"rate {self.rate} is out of range (0.3 to 3.0, 1.0 is normal)")
        if not -12.0 <= self.pitch_semitones <= 12.0:
            raise ValueError(f"pitch {self.pitch_semitones} is out of range (-12 to +12 semitones)")
        if not 0.0 <= self.volume <= 2.0:
            raise ValueError(f"volume {self.volume} is out of range (0.0 to 2.0, 1.0 is normal)")


class Voice(abc.ABC):
    """A voice: turns plain text into `Utterance`s, whole or sentence by sentence.

    Text is always plain text: backends must never interpret markup (SSML tags, espeak's
    `[[phonemes]]`) found in what the user typed.
    """

    info: VoiceInfo
    settings: VoiceSettings
    # Voices slow to start (neural ones) speak a long first sentence's first clause on its own.
    split_first_clause: bool = False

    @abc.abstractmethod
    def _synthesize_sentence(self, sentence: str) -> Utterance:
        """Synthesize one cleaned, non-empty sentence."""

    def stream(self, text: str) -> Iterator[Utterance]:
        """Yield one `Utterance` per sentence, each as soon as it is made.

        The first sentence can play while later ones are still being synthesized.
        Empty or whitespace-only text yields nothing.
        """
        for sentence in self.sentences(text):
            yield self.synthesize_sentence(sentence)

    def sentences(self, text: str) -> list[str]:
        """The pieces this voice speaks `text` in, one `Utterance` each, in order."""
        pieces = split_sentences(clean_text(text))
        if self.split_first_clause and pieces:
            pieces = [*split_first_clause(pieces[0]), *pieces[1:]]
        return pieces

    def synthesize_sentence(self, sentence: str) -> Utterance:
        """One already split sentence (see `speech.sentences`), at the common loudness."""
        utterance = self._synthesize_sentence(sentence)
        # Backends make audio at their own levels; every voice leaves here equally loud.
        audio = level(utterance.audio, utterance.sample_rate_hz, self.settings.volume)
        return dataclasses.replace(utterance, audio=audio)

    def synthesize(self, text: str) -> Utterance:
        """The whole message as one `Utterance` (silent and empty when there is nothing to say)."""
        parts = list(self.stream(text))
        if not parts:
            return self.silence(clean_text(text))
        return concatenate(parts, text=clean_text(text))

    def silence(self, text: str = "") -> Utterance:
        """An empty utterance of this voice (what empty text becomes)."""
        import numpy as np

        return Utterance(
            text=text,
            audio=np.zeros(0, dtype=np.float32),
            sample_rate_hz=self.sample_rate_hz,
            voice_id=self.info.id,
            has_timing=self.info.has_timing,
        )

    @property
    @abc.abstractmethod
    def sample_rate_hz(self) -> int:
        """The sample rate of the audio this voice makes."""

    def close(self) -> None:  # noqa: B027 - most backends hold nothing to release
        """Release what the backend holds (libraries, models)."""
