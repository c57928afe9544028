"""The person is never silenced: a voice that cannot load or cannot speak is replaced by the fallback voice.

Every place that opens a voice for speaking goes through `open_with_fallback` (the commands through
`aac.voice_setup`, the app and the live engine through them). It returns a `FallbackVoice`: the voice
asked for, wrapped so that any sentence it fails to speak is spoken by the fallback (espeak-ng by
default) instead, at the same sample rate, and the failure is kept in `problems` for the engine's
status and the app's message line. A voice that cannot load at all leaves the fallback speaking
everything, with that failure as the first problem.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

from speech.errors import SpeechError
from speech.resample import resample
from speech.utterance import Utterance
from speech.voice import Voice, VoiceSettings

_MAX_PROBLEMS = 50  # a voice failing on every sentence of an hour-long call must not grow without end


def _resampled(utterance: Utterance, rate_hz: int) -> Utterance:
    """The same speech at `rate_hz` (timings are in seconds, so they stay as they are)."""
    if utterance.sample_rate_hz == rate_hz:
        return utterance
    from dataclasses import replace

    audio = resample(utterance.audio, utterance.sample_rate_hz, rate_hz)
    return replace(utterance, audio=np.clip(audio, -1.0, 1.0), sample_rate_hz=rate_hz)


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


class FallbackVoice(Voice):
    """`primary` (None when it could not load) with `make_fallback` speaking whatever it cannot.

    Audio always comes at one sample rate (the primary's, else the fallback's), so the players and
    outputs opened for this voice never need to change.
    """

    def __init__(
        self,
        primary: Voice | None,
        make_fallback: Callable[[], Voice],
        load_problem: str = "",
        on_problem: Callable[[str], None] | None = None,
    ) -> None:
        self.primary = primary
        self._make_fallback = make_fallback
        self._fallback: Voice | None = None
        self._lock = threading.Lock()  # the preparer's thread and the speech thread may both speak
        self._on_problem = on_problem
        self.problems: list[str] = []
        if primary is None:
            self._fallback = make_fallback()  # nothing else can speak: load it now, so its errors show now
        shown = primary or self._fallback
        assert shown is not None
        self.info = shown.info
        self.settings = shown.settings
        self.split_first_clause = shown.split_first_clause
        self._rate_hz = shown.sample_rate_hz
        if load_problem:
            self._report(load_problem)
        for note in getattr(primary, "notes", ()):  # loaded, with a caveat (a language it does not speak)
            self._report(note)

    @property
    def sample_rate_hz(self) -> int:
        return self._rate_hz

    @property
    def fallback(self) -> Voice:
        """The fallback voice, loaded on first need."""
        with self._lock:
            if self._fallback is None:
                self._fallback = self._make_fallback()
            return self._fallback

    def _report(self, problem: str) -> None:
        self.problems.append(problem)
        del self.problems[:-_MAX_PROBLEMS]
        if self._on_problem is not None:
            self._on_problem(problem)

    def sentences(self, text: str) -> list[str]:
        return (self.primary or self.fallback).sentences(text)

    def _synthesize_sentence(self, sentence: str) -> Utterance:  # pragma: no cover - synthesize_sentence is used
        return self.synthesize_sentence(sentence)

    def synthesize_sentence(self, sentence: str) -> Utterance:
        """The sentence from the primary voice; from the fallback when the primary fails on it."""
        if self.primary is not None:
            try:
                return _resampled(self.primary.synthesize_sentence(sentence), self._rate_hz)
            except Exception as exc:  # any failure of any backend: the person must still be heard
                fallback = self.fallback
                self._report(
                    f"{self.primary.info.id} could not speak {_short(sentence)!r} ({exc}); "
                    f"spoken by {fallback.info.id} instead"
                )
                return _resampled(fallback.synthesize_sentence(sentence), self._rate_hz)
        return _resampled(self.fallback.synthesize_sentence(sentence), self._rate_hz)

    def close(self) -> None:
        for voice in (self.primary, self._fallback):
            if voice is not None:
                voice.close()


def open_with_fallback(
    voice_id: str,
    fallback_id: str,
    settings: VoiceSettings | None = None,
    threads: int = 1,
    reference_clips: tuple = (),
    on_problem: Callable[[str], None] | None = None,
    must_load: bool = False,
) -> FallbackVoice:
    """The voice `voice_id`, backed by `fallback_id` for whatever it cannot say.

    When `voice_id` cannot load, the fallback speaks everything and the failure is the first of
    `problems` (unless `must_load`: then the error is raised, for a voice named on the command line).
    A fallback that cannot load either raises: then there is no voice at all to speak with.
    """
    from speech.registry import get_voice

    def make_fallback() -> Voice:
        return get_voice(fallback_id, settings, threads)

    try:
        primary = get_voice(voice_id, settings, threads, reference_clips=reference_clips)
    except Exception as exc:  # a model loader may raise anything (torch, onnxruntime): fall back all the same
        if must_load:
            raise
        reason = str(exc) if isinstance(exc, SpeechError) else f"{type(exc).__name__}: {exc}"
        problem = f"the voice {voice_id} could not load ({reason}) -- speaking with {fallback_id} instead"
        return FallbackVoice(None, make_fallback, problem, on_problem)
    return FallbackVoice(primary, make_fallback, on_problem=on_problem)
