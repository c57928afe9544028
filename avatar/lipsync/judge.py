"""Judge the audio-to-viseme model on held-out voices, beside a loudness-only baseline."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
from scipy.signal import fftconvolve, lfilter

from avatar.lipsync.evaluate import LipsyncScore
from avatar.lipsync.heldout import HELD_OUT_VOICES, heldout_set
from avatar.lipsync.loudness import loudness_mouth
from avatar.lipsync.model import DEFAULT_MODEL_PATH, LipsyncModel


def judge(
    model_path: str | Path = DEFAULT_MODEL_PATH,
    voices: tuple[str, ...] = HELD_OUT_VOICES,
    n_sentences: int | None = None,
    espeak_voice: Callable[[str], object] | None = None,
    per_voice: bool = False,
    snr_db: float | None = None,
    reverb_s: float | None = None,
) -> dict[str, float | int | str]:
    """The lip-sync figures of the model and of the loudness baseline on the same utterances.

    Keys: `model_*` and `loudness_*` (frame_accuracy, speech_frame_accuracy, closures_shown,
    openness_r, false_closures), `audio_s`, `model_x_realtime` (one thread), and with
    `per_voice` a `model_frame_accuracy@VOICE` for each voice. `snr_db` adds pink noise that
    far below the speech and `reverb_s` a room with that reverberation time (RT60), both
    seeded, to see how the figures hold up in a real room.
    """
    model = LipsyncModel(model_path, threads=1)
    ours, base = LipsyncScore(), LipsyncScore()
    by_voice: dict[str, LipsyncScore] = {}
    audio_s = 0.0
    model_s = 0.0
    rng = np.random.default_rng(0)
    for utt in heldout_set(voices, n_sentences, espeak_voice):
        if snr_db is not None or reverb_s is not None:
            utt = replace(utt, audio=degrade(utt.audio, utt.sample_rate_hz, snr_db, reverb_s, rng))
        t = time.perf_counter()
        out = model.predict(utt.audio, utt.sample_rate_hz)
        model_s += time.perf_counter() - t
        audio_s += utt.duration_s
        shapes = out.shapes()
        ours.add(utt.phones, shapes, out.openness)
        if per_voice:
            by_voice.setdefault(utt.voice_id, LipsyncScore()).add(utt.phones, shapes, out.openness)
        b_shapes, b_open = loudness_mouth(utt.audio, utt.sample_rate_hz)
        base.add(utt.phones, b_shapes, b_open)
    figures: dict[str, float | int | str] = {}
    figures.update(ours.figures("model_"))
    figures.update(base.figures("loudness_"))
    figures["audio_s"] = audio_s
    figures["utterances"] = len(ours.ref_open)
    figures["model_x_realtime"] = audio_s / max(model_s, 1e-9)
    for voice, score in by_voice.items():
        f = score.figures()
        figures[f"model_frame_accuracy@{voice}"] = f["frame_accuracy"]
        figures[f"model_closures_shown@{voice}"] = f["closures_shown"]
    return figures


def degrade(audio: np.ndarray, rate: int, snr_db: float | None, reverb_s: float | None,
            rng: np.random.Generator) -> np.ndarray:
    """The audio in a reverberant room (exponential noise tail of RT60 `reverb_s`) with pink-ish
    noise `snr_db` below the speech."""
    x = audio.astype(np.float32)
    if reverb_s:
        n = int(reverb_s * rate)
        t = np.arange(n) / rate
        rir = rng.standard_normal(n) * np.exp(-6.9 * t / reverb_s) * 0.3
        rir[0] = 1.0
        y = fftconvolve(x, rir)[: len(x)]
        x = (y * np.abs(x).max() / max(np.abs(y).max(), 1e-9)).astype(np.float32)
    if snr_db is not None:
        noise = lfilter([1.0], [1.0, -0.95], rng.standard_normal(len(x))).astype(np.float32)
        speech_rms = np.sqrt(np.mean(x**2) + 1e-12)
        noise *= speech_rms / np.sqrt(np.mean(noise**2) + 1e-12) * 10 ** (-snr_db / 20)
        x = np.clip(x + noise, -1, 1).astype(np.float32)
    return x
