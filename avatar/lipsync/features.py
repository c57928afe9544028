"""Log-mel features of speech at 100 frames a second, the audio-to-viseme model's input.

The same code makes the features for training (scripts/train_visemes.py) and at run time,
so the two cannot drift apart. Frame i summarises the 25 ms of audio that end at
(i + 1) * 10 ms: it uses no audio from after its own 10 ms slot.
"""

from __future__ import annotations

import numpy as np

from avatar.lipsync.resample import resample

SAMPLE_RATE_HZ = 16_000
HOP = 160  # 10 ms
WINDOW = 400  # 25 ms
N_FFT = 512
N_MELS = 40
FPS = SAMPLE_RATE_HZ / HOP
_FMIN_HZ, _FMAX_HZ = 60.0, 7_600.0


def _hz_to_mel(f: np.ndarray) -> np.ndarray:
    return 2595.0 * np.log10(1.0 + f / 700.0)


def _mel_to_hz(m: np.ndarray) -> np.ndarray:
    return 700.0 * (10.0 ** (m / 2595.0) - 1.0)


def mel_filterbank(warp: float = 1.0) -> np.ndarray:
    """The 40 mel filters over the FFT bins; `warp` != 1 moves every filter edge by that factor.

    Training draws a warp near 1 (vocal-tract-length perturbation): a shorter vocal tract moves
    the formants up, which looks like the filters moving down. Run time always uses 1.
    """
    mels = np.linspace(_hz_to_mel(np.array(_FMIN_HZ)), _hz_to_mel(np.array(_FMAX_HZ)), N_MELS + 2)
    edges = _mel_to_hz(mels) * warp
    bins = np.fft.rfftfreq(N_FFT, 1.0 / SAMPLE_RATE_HZ)
    fb = np.zeros((N_MELS, bins.size), dtype=np.float32)
    for i in range(N_MELS):
        lo, mid, hi = edges[i], edges[i + 1], edges[i + 2]
        up = (bins - lo) / (mid - lo)
        down = (hi - bins) / (hi - mid)
        fb[i] = np.clip(np.minimum(up, down), 0.0, None)
    return fb


MEL_FILTERBANK = mel_filterbank()
_WINDOW_FN = np.hanning(WINDOW).astype(np.float32)


def to_model_rate(audio: np.ndarray, sample_rate_hz: int) -> np.ndarray:
    """Mono float32 audio resampled to 16 kHz (polyphase, so any integer rate works)."""
    return resample(audio, sample_rate_hz, SAMPLE_RATE_HZ)


def log_mel(
    audio_16k: np.ndarray, history: np.ndarray | None = None, filterbank: np.ndarray = MEL_FILTERBANK
) -> tuple[np.ndarray, np.ndarray]:
    """Log-mel frames (frames x 40) of 16 kHz audio, and the tail to pass as `history` next time.

    Only whole 10 ms hops are turned into frames; leftover samples stay in the returned tail,
    so calling this chunk by chunk gives exactly the frames of one call on the whole audio.
    """
    audio_16k = np.asarray(audio_16k, dtype=np.float32)
    if history is None:
        history = np.zeros(WINDOW - HOP, dtype=np.float32)
    buf = np.concatenate([history, audio_16k])
    n = (buf.size - (WINDOW - HOP)) // HOP
    if n <= 0:
        return np.zeros((0, N_MELS), dtype=np.float32), buf
    frames = np.lib.stride_tricks.sliding_window_view(buf[: (n - 1) * HOP + WINDOW], WINDOW)[::HOP] * _WINDOW_FN
    # numpy's pocketfft, as scipy.fft's, in float32 (scipy.fft alone would cost the live process ~27 MB)
    spec = np.fft.rfft(frames, n=N_FFT, axis=1)
    power = spec.real**2 + spec.imag**2
    mel = power.astype(np.float32) @ filterbank.T
    feats = np.log(mel + 1e-8).astype(np.float32)
    return feats, buf[n * HOP :]
