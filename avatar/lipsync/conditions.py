"""What the world does to speech before the lip-sync model hears it: breaths and room noise in
the pauses, microphones' colouring, and the codecs calls use (Opus, AAC through ffmpeg).

Synthetic training speech has digital silence between phrases; real recordings have breaths
and room noise there, and a model that never heard them opens the mouth on them (DESIGN.md,
"What real voices do to a lip-sync model"). The training data and the evaluation draw these
conditions from here, seeded. All audio is mono float32; labels are 100 fps viseme indices.
"""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
from scipy.signal import butter, lfilter, sosfilt

from avatar.lipsync.features import HOP, SAMPLE_RATE_HZ
from speech.visemes import VISEMES

_SIL = VISEMES.index("sil")
CODECS: tuple[str, ...] = ("opus", "aac")


class CodecUnavailable(RuntimeError):
    """ffmpeg (or its encoder) is not installed here."""


def breath(rng: np.random.Generator, duration_s: float, rate: int = SAMPLE_RATE_HZ) -> np.ndarray:
    """An inhalation: noise shaped like a breath (broad band around 0.5-3 kHz, rising and falling)."""
    n = max(1, int(duration_s * rate))
    noise = rng.standard_normal(n)
    lo = rng.uniform(300, 900)
    hi = min(rng.uniform(2500, 6000), rate / 2 - 100)
    sos = butter(2, [lo, hi], btype="band", fs=rate, output="sos")
    shaped = sosfilt(sos, noise)
    t = np.linspace(0, 1, n)
    envelope = np.sin(np.pi * t) ** rng.uniform(0.7, 2.0)
    x = shaped * envelope
    return (x / max(np.abs(x).max(), 1e-9)).astype(np.float32)


def room_noise(rng: np.random.Generator, n: int) -> np.ndarray:
    """Unit-RMS background noise: white, pink-ish, or low hum-and-fan rumble."""
    kind = rng.integers(3)
    x = rng.standard_normal(n)
    if kind == 1:
        x = lfilter([1.0], [1.0, -0.95], x)
    elif kind == 2:
        x = lfilter([1.0], [1.0, -0.995], x) + 0.3 * rng.standard_normal(n)
    return (x / np.sqrt(np.mean(x**2) + 1e-12)).astype(np.float32)


def pause_life(
    audio: np.ndarray, labels: np.ndarray, rng: np.random.Generator, breath_prob: float = 0.6,
    pad_frames: tuple[int, int] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The utterance with real-room pauses: silence added before and after (0.1-0.8 s, or
    `pad_frames`), breaths in the longer pauses, and room noise throughout; the pauses stay
    labelled silence.

    `audio` is 16 kHz and `labels` 100 fps; the labels grow with the padding.
    """
    spf = HOP
    if pad_frames is None:
        pad_frames = (int(rng.uniform(0.1, 0.8) * 100), int(rng.uniform(0.1, 0.8) * 100))
    before, after = pad_frames
    x = np.concatenate([np.zeros(before * spf, np.float32), audio, np.zeros(after * spf, np.float32)])
    lab = np.concatenate([np.full(before, _SIL), labels, np.full(after, _SIL)]).astype(labels.dtype)
    speech_rms = float(np.sqrt(np.mean(audio**2) + 1e-12))
    # breaths only where the pause is long enough to breathe in (>= 250 ms), never over speech
    sil = lab == _SIL
    edges = np.flatnonzero(np.diff(np.concatenate([[0], sil.astype(np.int8), [0]])))
    for a, b in zip(edges[::2], edges[1::2], strict=True):
        if b - a < 25 or rng.random() > breath_prob:
            continue
        dur = int(min(b - a - 6, rng.uniform(15, 45)))
        if dur < 8:
            continue
        start = int(rng.integers(a + 3, b - dur - 2))
        level = speech_rms * 10 ** (-rng.uniform(6, 30) / 20)
        seg = breath(rng, dur / 100) * level
        x[start * spf : start * spf + len(seg)] += seg[: len(x) - start * spf]
    noise_db = rng.uniform(25, 60)  # below the speech
    x = x + room_noise(rng, len(x)) * speech_rms * 10 ** (-noise_db / 20)
    n = min(len(x) // spf, len(lab))
    return np.clip(x[: n * spf + len(x) % spf], -1, 1).astype(np.float32), lab[:n]


def microphone(audio: np.ndarray, rng: np.random.Generator, rate: int = SAMPLE_RATE_HZ) -> np.ndarray:
    """The audio through a random cheap microphone and preamp: a high-pass (50-300 Hz), a roll-off
    (3.4-7.5 kHz) and one presence or boom peak of +-8 dB."""
    x = audio.astype(np.float64)
    sos = butter(2, rng.uniform(50, 300), btype="high", fs=rate, output="sos")
    x = sosfilt(sos, x)
    if rng.random() < 0.7:
        cut = min(rng.uniform(3400, 7500), rate / 2 - 200)
        x = sosfilt(butter(int(rng.integers(2, 6)), cut, btype="low", fs=rate, output="sos"), x)
    # a peaking filter (RBJ cookbook)
    f0, gain_db, q = rng.uniform(150, 5000), rng.uniform(-8, 8), rng.uniform(0.5, 2.5)
    a_lin = 10 ** (gain_db / 40)
    w0 = 2 * np.pi * f0 / rate
    alpha = np.sin(w0) / (2 * q)
    b = [1 + alpha * a_lin, -2 * np.cos(w0), 1 - alpha * a_lin]
    a = [1 + alpha / a_lin, -2 * np.cos(w0), 1 - alpha / a_lin]
    x = lfilter(b, a, x)
    peak_in = max(float(np.abs(audio).max()), 1e-6)
    return (x * peak_in / max(float(np.abs(x).max()), 1e-9)).astype(np.float32)


def _ffmpeg(args: list[str], data: bytes) -> bytes:
    run = subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", *args], input=data,
                         capture_output=True, timeout=120)
    if run.returncode != 0:
        raise CodecUnavailable(f"ffmpeg failed: {run.stderr.decode(errors='replace').strip()[:200]}")
    return run.stdout


def codec_roundtrip(audio: np.ndarray, codec: str, kbps: int, rate: int = SAMPLE_RATE_HZ) -> np.ndarray:
    """The audio encoded as a call would send it (Opus or AAC at `kbps`) and decoded again,
    re-aligned to the input (the codecs' priming delay removed) and of the same length."""
    if shutil.which("ffmpeg") is None:
        raise CodecUnavailable("ffmpeg is not installed (Debian: apt-get install ffmpeg)")
    if codec == "opus":
        enc = ["-c:a", "libopus", "-b:a", f"{kbps}k", "-application", "voip", "-f", "ogg"]
    elif codec == "aac":
        enc = ["-c:a", "aac", "-b:a", f"{kbps}k", "-f", "adts"]
    else:
        raise ValueError(f"unknown codec {codec!r}; known: {', '.join(CODECS)}")
    raw = ["-f", "f32le", "-ar", str(rate), "-ac", "1"]
    coded = _ffmpeg([*raw, "-i", "pipe:0", *enc, "pipe:1"], audio.astype("<f4").tobytes())
    back = np.frombuffer(_ffmpeg(["-i", "pipe:0", *raw, "pipe:1"], coded), dtype="<f4").astype(np.float32)
    return _realign(audio, back)


def _realign(ref: np.ndarray, out: np.ndarray, max_lag: int = 4096) -> np.ndarray:
    """`out` shifted so it lines up with `ref` (found by cross-correlation), cut or padded to its length."""
    n = min(len(ref), len(out), SAMPLE_RATE_HZ * 4)
    if n > 2 * max_lag:
        a = ref[:n].astype(np.float64)
        b = out[: n + max_lag].astype(np.float64)
        corr = np.correlate(b, a[: n - max_lag], mode="valid")[: max_lag + 1]
        lag = int(np.argmax(corr))
    else:
        lag = 0
    shifted = out[lag:]
    if len(shifted) < len(ref):
        shifted = np.concatenate([shifted, np.zeros(len(ref) - len(shifted), np.float32)])
    return shifted[: len(ref)].astype(np.float32)
