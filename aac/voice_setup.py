"""The voice a command speaks with: the profile's, unless the command line says otherwise."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from aac.arguments import number
from profiles.store import DEFAULT_NAME, ProfileStore
from speech.errors import SpeechError
from speech.fallback import FallbackVoice, open_with_fallback
from speech.voice import VoiceSettings


@dataclass(frozen=True)
class VoiceRequest:
    """Which voice and settings to use, with the fallback for when it cannot load."""

    voice_id: str
    fallback_id: str
    settings: VoiceSettings
    reference_clips: tuple[Path, ...] = ()  # the person's recordings a cloning voice copies


def add_voice_options(parser: argparse.ArgumentParser) -> None:
    """The voice options shared by every command that speaks (each overrides the profile)."""
    parser.add_argument(
        "--profile", default=DEFAULT_NAME, help="whose voice and settings (default: the default profile)"
    )
    parser.add_argument("--voice", help="voice id from `aac-avatar voices`, e.g. espeak:en-gb+f3")
    parser.add_argument("--rate", type=number(0.3, 3.0, "rate"), help="speed, 1.0 normal (0.3 to 3.0)")
    parser.add_argument("--pitch", type=number(-12.0, 12.0, "pitch"), help="pitch shift in semitones (-12 to 12)")
    parser.add_argument("--volume", type=number(0.0, 2.0, "volume"), help="loudness, 1.0 normal (0 to 2)")


def voice_request(args: argparse.Namespace) -> VoiceRequest:
    """The profile's voice settings with the command line's overrides applied."""
    loaded = ProfileStore(args.profiles_dir).open(args.profile)
    section = loaded.profile.voice
    try:
        settings = VoiceSettings(
            rate=section.rate if args.rate is None else args.rate,
            pitch_semitones=section.pitch_semitones if args.pitch is None else args.pitch,
            volume=section.volume if args.volume is None else args.volume,
            language=loaded.profile.language,  # a multilingual voice speaks the profile's language
        )
    except ValueError as exc:
        raise SpeechError(str(exc)) from exc
    clips = tuple(loaded.resolve(c) for c in section.reference_clips)
    return VoiceRequest(args.voice or section.id, section.fallback_id, settings, clips)


def _show(problem: str) -> None:
    print(f"aac-avatar: {problem}", file=sys.stderr)


def open_voice(request: VoiceRequest, explicit: bool, threads: int = 1) -> FallbackVoice:
    """The voice to speak with, backed by the fallback voice for any sentence it cannot say.

    A voice named on the command line must load (its error is shown); the profile's voice falls back
    to its fallback. Every failure is reported on stderr as it happens (and kept in `problems`).
    `threads`: cores a neural voice may use (1 while the avatar renders on the other)."""
    return open_with_fallback(request.voice_id, request.fallback_id, request.settings, threads,
                              request.reference_clips, on_problem=_show, must_load=explicit)
