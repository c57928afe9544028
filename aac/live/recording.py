"""A recorded sound (a board button's, a banked message) as an utterance the live engine can play:
decoded, mono, at the voice's rate and the aid's common loudness. The face follows its audio (no phones)."""

from __future__ import annotations

from speech.utterance import Utterance


def recording_utterance(data: bytes, text: str, sample_rate_hz: int) -> Utterance:
    """The sound in `data` (WAV, FLAC, OGG, MP3) as an Utterance at `sample_rate_hz`; ValueError when it is not
    one (`speech.banked` checks it as it checks a banked clip: its length before it is decoded)."""
    from avatar.lipsync.resample import resample
    from speech.banked import decode_mono
    from speech.loudness import level

    mono, rate = decode_mono(data, "the sound")
    mono = resample(mono, rate, sample_rate_hz)
    return Utterance(text=text, audio=level(mono, sample_rate_hz), sample_rate_hz=sample_rate_hz,
                     voice_id="recording")
