"""Errors of the speech package that are meant for the person using the aid."""

from __future__ import annotations


class SpeechError(Exception):
    """A problem a user or caregiver can act on; the message says what to do."""

    is_user_error = True


class VoiceNotFoundError(SpeechError):
    """No installed backend has a voice of that name."""


class BackendUnavailableError(SpeechError):
    """The voice's backend (a library, a model file, a system service) is not installed."""


class AudioDeviceError(SpeechError):
    """An audio output or the virtual microphone could not be opened."""
