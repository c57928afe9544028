"""Reading any audio file for lip sync: mono float32 at its own rate, or a one-line error."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from avatar.motion.errors import MotionError

MAX_DURATION_S = 60 * 60  # a longer file would need gigabytes of memory


def load_audio(path: str | Path) -> tuple[np.ndarray, int]:
    """(mono float32 samples, sample rate) of a WAV, FLAC or OGG file; stereo is averaged.

    Raises MotionError naming the file when it is missing, not audio, empty or absurdly long.
    """
    import soundfile as sf

    path = Path(path)
    if not path.is_file():
        raise MotionError(f"{path}: no such audio file")
    try:
        info = sf.info(str(path))
    except (RuntimeError, sf.LibsndfileError) as exc:
        raise MotionError(f"{path}: not a readable audio file (WAV, FLAC or OGG expected): {exc}") from None
    if info.frames == 0:
        raise MotionError(f"{path}: the audio file holds no samples")
    if info.frames / info.samplerate > MAX_DURATION_S:
        raise MotionError(f"{path}: audio longer than an hour; split it into parts of an hour or less")
    try:
        audio, rate = sf.read(str(path), dtype="float32", always_2d=True)
    except (RuntimeError, sf.LibsndfileError) as exc:
        raise MotionError(f"{path}: the audio could not be decoded: {exc}") from None
    mono = audio.mean(axis=1).astype(np.float32)
    if not np.isfinite(mono).all():
        raise MotionError(f"{path}: the audio holds invalid (NaN or infinite) samples")
    return mono, int(rate)
