"""`aac-avatar bench motion`: speed of the audio-to-viseme model and of motion generation."""

from __future__ import annotations

import argparse
import time

import numpy as np

TEXT = (
    "Good morning. I slept well, thank you. Could you open the curtains? The light is nice today. "
    "I would like some tea with milk. Not too hot, please. Then I want to call my sister. "
    "Her number is in my phone. Please put it on speaker. Thank you for your help."
)


def _best(fn, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def run(args: argparse.Namespace) -> int:
    from aac.commands.bench import print_figures
    from avatar.lipsync.decoding import DECODERS
    from avatar.lipsync.model import DEFAULT_MODEL_PATH, LipsyncModel
    from avatar.motion.controls import MotionControls
    from avatar.motion.generator import MotionGenerator, track_for_utterance
    from speech.registry import get_voice

    voice = get_voice("espeak:en-us")
    utt = voice.synthesize(TEXT)
    model = LipsyncModel(threads=1)
    model.predict(utt.audio[: utt.sample_rate_hz], utt.sample_rate_hz)  # warm up

    audio_s = utt.duration_s
    predict_s = _best(lambda: model.predict(utt.audio, utt.sample_rate_hz))
    # the decoder turning the model's frames into shapes (the default one and the optional steady one)
    frames = model.predict(utt.audio, utt.sample_rate_hz)
    decode_s = {name: _best(lambda d=d: frames.shapes(decoder=d)) for name, d in DECODERS.items()}

    # live: 20 ms chunks, as an audio callback would deliver them
    stream = model.stream(utt.sample_rate_hz)
    step = utt.sample_rate_hz // 50
    chunk_ms = []
    for i in range(0, len(utt.audio), step):
        t = time.perf_counter()
        stream.push(utt.audio[i : i + step])
        chunk_ms.append((time.perf_counter() - t) * 1000)
    stream.flush()

    controls = MotionControls(emotion="happy", intensity=0.5, seed=1)
    phones_s = _best(lambda: track_for_utterance(utt, 30.0, controls, model))
    audio_track_s = _best(lambda: track_for_utterance(utt, 30.0, controls, model, prefer_audio=True))

    gen = MotionGenerator(30.0, controls, model)
    gen.next_frames(30)
    t = time.perf_counter()
    for _ in range(900):
        gen.next_frames(1)
    idle_us = (time.perf_counter() - t) / 900 * 1e6

    figures = {
        "audio_s": round(audio_s, 2),
        "lipsync_x_realtime_1thread": round(audio_s / predict_s, 1),
        "lipsync_lookahead_ms": round(model.lookahead_s * 1000, 1),
        **{f"lipsync_decode_{name}_x_realtime": round(audio_s / max(t, 1e-9), 1) for name, t in decode_s.items()},
        "lipsync_chunk20ms_p50_ms": round(float(np.median(chunk_ms)), 3),
        "lipsync_chunk20ms_p99_ms": round(float(np.percentile(chunk_ms, 99)), 3),
        "track_phones_x_realtime": round(audio_s / phones_s, 1),
        "track_audio_x_realtime": round(audio_s / audio_track_s, 1),
        "live_frame_us": round(idle_us, 1),
        "model_size_mb": round(DEFAULT_MODEL_PATH.stat().st_size / 1e6, 3),
    }
    print_figures(figures, args.json)
    return 0


def register(benches: argparse._SubParsersAction) -> None:
    parser = benches.add_parser("motion", help="lip-sync model speed (x real time, one core), motion generation")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run)
