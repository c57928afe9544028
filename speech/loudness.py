"""One loudness for every voice: switching voices must not jump in volume, and nothing clips.

Each sentence is scaled so its speech (frames above a silence floor) has the same RMS level,
then held under a peak ceiling; the user's volume setting scales the level, never past the ceiling.
"""

from __future__ import annotations

import numpy as np

TARGET_RMS_DBFS = -20.0
PEAK_CEILING_DBFS = -1.0
_FRAME_S = 0.02
_SILENCE_DBFS = -45.0


def _db_to_gain(db: float) -> float:
    return float(10.0 ** (db / 20.0))


def speech_rms(audio: np.ndarray, sample_rate_hz: int) -> float:
    """RMS over the frames that hold speech (louder than the silence floor); 0.0 for silence."""
    frame = max(1, int(sample_rate_hz * _FRAME_S))
    n = len(audio) // frame
    if n == 0:
        return float(np.sqrt(np.mean(np.square(audio, dtype=np.float64)))) if len(audio) else 0.0
    frames = audio[: n * frame].astype(np.float64).reshape(n, frame)
    energy = np.mean(frames * frames, axis=1)
    active = energy > _db_to_gain(_SILENCE_DBFS) ** 2
    if not active.any():
        return 0.0
    return float(np.sqrt(energy[active].mean()))


def level(audio: np.ndarray, sample_rate_hz: int, volume: float = 1.0) -> np.ndarray:
    """The audio at the common speech level times `volume`, its peak under the ceiling."""
    rms = speech_rms(audio, sample_rate_hz)
    if rms <= 0.0 or len(audio) == 0:
        return audio.astype(np.float32, copy=True)
    gain = _db_to_gain(TARGET_RMS_DBFS) / rms * volume
    peak = float(np.max(np.abs(audio)))
    ceiling = _db_to_gain(PEAK_CEILING_DBFS)
    if peak * gain > ceiling:
        gain = ceiling / peak
    return (audio * np.float32(gain)).astype(np.float32)
