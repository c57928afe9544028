"""A recorded sound (a board button's, a banked message) as an utterance the live engine can play:
decoded, mono, at the voice's rate and the aid's common loudness. The face follows its audio (no phones)."""

from __future__ import annotations

import io

import numpy as np

from speech.utterance import Utterance

MAX_DURATION_S = 120.0  # a button's sound; anything longer is not a message


def recording_utterance(data: bytes, text: str, sample_rate_hz: int) -> Utterance:
    """The sound in `data` (WAV, FLAC, OGG, MP3) as an Utterance at `sample_rate_hz`; ValueError when it is not one."""
    import soundfile as sf

    from avatar.lipsync.resample import resample
    from speech.loudness import level

    try:
        audio, rate = sf.read(io.BytesIO(data), dtype="float32", always_2d=True)
    except (RuntimeError, sf.LibsndfileError, TypeError) as exc:
        raise ValueError(f"the sound could not be decoded ({exc})") from None
    if audio.size == 0:
        raise ValueError("the sound holds no samples")
    if audio.shape[0] / rate > MAX_DURATION_S:
        seconds = audio.shape[0] / rate
        raise ValueError(f"the sound lasts {seconds:.0f} s; a button's sound may last {MAX_DURATION_S:g} s")
    mono = audio.mean(axis=1)
    if not np.isfinite(mono).all():
        raise ValueError("the sound holds invalid samples")
    mono = resample(mono, int(rate), sample_rate_hz)
    return Utterance(text=text, audio=level(mono, sample_rate_hz), sample_rate_hz=sample_rate_hz,
                     voice_id="recording")
