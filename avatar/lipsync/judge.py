"""Judge the audio-to-viseme model on held-out voices, beside a loudness-only baseline."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

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
) -> dict[str, float | int | str]:
    """The lip-sync figures of the model and of the loudness baseline on the same utterances.

    Keys: `model_*` and `loudness_*` (frame_accuracy, speech_frame_accuracy, closures_shown,
    openness_r, false_closures), `audio_s`, `model_x_realtime` (one thread), and with
    `per_voice` a `model_frame_accuracy@VOICE` for each voice.
    """
    model = LipsyncModel(model_path, threads=1)
    ours, base = LipsyncScore(), LipsyncScore()
    by_voice: dict[str, LipsyncScore] = {}
    audio_s = 0.0
    model_s = 0.0
    for utt in heldout_set(voices, n_sentences, espeak_voice):
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
