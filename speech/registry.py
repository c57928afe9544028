"""Finding voices by name across backends: "backend:name", e.g. "espeak:en-gb+f3"."""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Callable
from dataclasses import dataclass

from speech.errors import BackendUnavailableError, SpeechError, VoiceNotFoundError
from speech.voice import Voice, VoiceInfo, VoiceSettings


@dataclass(frozen=True)
class Backend:
    """A voice backend: how to list its voices and make one. Imported only when used."""

    name: str
    module: str
    list_function: str
    voice_class: str
    summary: str
    threaded: bool = False  # its model runs on onnxruntime threads (`intra_op_threads`)
    takes_references: bool = False  # it clones a voice from reference recordings (`reference_clips`)

    def _module(self) -> object:
        try:
            return importlib.import_module(self.module)
        except ImportError as exc:
            raise BackendUnavailableError(f"the {self.name} voices are not installed ({exc.name} is missing)") from exc

    def list_voices(self) -> list[VoiceInfo]:
        """The backend's voices; raises BackendUnavailableError when it is not installed."""
        return getattr(self._module(), self.list_function)()

    def make(self, name: str, settings: VoiceSettings, threads: int = 1, reference_clips: tuple = ()) -> Voice:
        """A voice of this backend by its name without the "backend:" prefix."""
        cls: Callable[..., Voice] = getattr(self._module(), self.voice_class)
        options: dict = {}
        if self.threaded:
            options["intra_op_threads"] = threads
        if self.takes_references:
            options["reference_clips"] = tuple(reference_clips)
        return cls(name, settings, **options)


BACKENDS: dict[str, Backend] = {
    b.name: b
    for b in (
        Backend("piper", "speech.piper_tts", "list_piper_voices", "PiperVoice", "natural neural voices (Piper)", True),
        Backend("espeak", "speech.espeak", "list_espeak_voices", "EspeakVoice", "espeak-ng, 130 languages"),
        Backend("kokoro", "speech.kokoro", "list_kokoro_voices", "KokoroVoice", "Kokoro-82M neural voices", True),
        Backend("system", "speech.system", "list_system_voices", "SystemVoice", "the system's voices (pyttsx3)"),
        Backend("coqui", "speech.coqui_tts", "list_coqui_voices", "CoquiVoice",
                "coqui-tts neural and cloned voices (the neural extra)", threaded=True, takes_references=True),
    )
}


@dataclass(frozen=True)
class BackendListing:
    """What one backend offers here: its voices, or why it has none."""

    backend: str
    voices: tuple[VoiceInfo, ...]
    problem: str = ""


def list_all() -> list[BackendListing]:
    """Every backend's voices; a backend that cannot run here is listed with its reason."""
    listings = []
    for backend in BACKENDS.values():
        try:
            listings.append(BackendListing(backend.name, tuple(backend.list_voices())))
        except SpeechError as exc:
            listings.append(BackendListing(backend.name, (), str(exc)))
    return listings


def list_voices() -> list[VoiceInfo]:
    """The voices of every installed backend."""
    return [v for listing in list_all() for v in listing.voices]


def split_voice_id(voice_id: str) -> tuple[str, str]:
    """("espeak", "en-gb+f3") from "espeak:en-gb+f3"; a bare name is taken as espeak."""
    backend, sep, name = voice_id.strip().partition(":")
    if not sep:
        return "espeak", backend
    return backend.lower(), name


def get_voice(
    voice_id: str, settings: VoiceSettings | None = None, threads: int = 1, reference_clips: tuple = ()
) -> Voice:
    """The voice named "backend:name"; unknown names raise VoiceNotFoundError listing the closest.

    `threads` is how many cores a neural voice may use: 1 (the default) leaves the other core to
    the live renderer; a command that renders nothing (`say`) may give it every core.
    `reference_clips`: recordings of the person a cloning voice (coqui XTTS) speaks like.
    """
    backend_name, name = split_voice_id(voice_id)
    backend = BACKENDS.get(backend_name)
    if backend is None:
        close = difflib.get_close_matches(backend_name, list(BACKENDS), n=3)
        hint = f" Did you mean {', '.join(c + ':' for c in close)}?" if close else ""
        raise VoiceNotFoundError(
            f"unknown voice backend {backend_name!r} in {voice_id!r}.{hint} Backends: {', '.join(BACKENDS)}."
        )
    if not name:
        raise VoiceNotFoundError(f"voice {voice_id!r} names no voice after {backend_name!r}: see `aac-avatar voices`")
    return backend.make(name, settings or VoiceSettings(), threads, reference_clips)


@dataclass(frozen=True)
class VoiceChoice:
    """The voice that will speak, and why it is not the one asked for (empty when it is)."""

    voice: Voice
    problem: str = ""


def get_voice_or_fallback(
    voice_id: str, fallback_id: str, settings: VoiceSettings | None = None, threads: int = 1,
    reference_clips: tuple = (),
) -> VoiceChoice:
    """The voice asked for, backed by the fallback (espeak-ng) for whatever it cannot load or say.

    A person must never be left without a voice because a model file broke (see `speech.fallback`).
    """
    from speech.fallback import open_with_fallback

    voice = open_with_fallback(voice_id, fallback_id, settings, threads, reference_clips)
    return VoiceChoice(voice, voice.problems[0] if voice.primary is None else "")
