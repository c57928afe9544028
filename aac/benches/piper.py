"""`aac-avatar bench piper`: Piper's CPU and memory per sentence, whole graph against windowed decoding.

Each way of running the default voice (`speech.piper_tts.PiperRunSettings`) is measured in a fresh
process, so its peak RSS (VmHWM, reset after the warm-up) is its own: one warm-up sentence, then the same
sentences of varied length (0.5 to about 9 s of speech), the heap handed back after each as the live
engine does after each message. The windowed audio is compared with the whole decoder's for the same
latent (Piper's front draws random noise, so the two are fed one z), and the whole pipeline with the
noise scales at 0.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

from aac.arguments import COUNT

SENTENCES = (
    "Yes.",
    "Thank you.",
    "Not now, please.",
    "Could you open the window?",
    "I would like a cup of tea with milk.",
    "Please call my sister and put her on speaker.",
    "Can you pass me the water, please?",
    "I am tired, I would like to lie down for a while before dinner.",
    "Good morning.",
    "The light is nice today, could we sit outside in the garden for half an hour after lunch?",
    "Where are my glasses?",
    "I did not understand that, could you say it again more slowly?",
    "My back hurts a little.",
    "When the doctor comes this afternoon, please tell her that the new tablets make me dizzy in the "
    "morning and that I sleep badly since we changed the dose last week.",
    "Turn the music down.",
    "I want to watch the news at six.",
    "Please remind me to take my medicine after breakfast tomorrow.",
    "No.",
    "We should invite the neighbours for coffee on Sunday, they were very kind to us when I was in hospital.",
    "See you later.",
)
# (label, window_frames or None for the whole graph, memory arena: the whole graph's or the windowed decoder's)
WAYS = (
    ("whole_no_arena", None, False),
    ("whole_arena", None, True),
    ("w64_no_arena", 64, False),
    ("w64_arena", 64, True),
    ("w128_no_arena", 128, False),
    ("w128_arena", 128, True),
)


def _status_mb(field: str) -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def _one_way(window_frames: int | None, arena: bool, repeats: int) -> dict[str, float]:
    """In its own process: CPU per sentence, RSS at rest and peak for one way of running Piper."""
    import ctypes

    from speech.piper_tts import PiperRunSettings, PiperVoice

    trim = ctypes.CDLL("libc.so.6").malloc_trim
    voice = PiperVoice(run=PiperRunSettings(window_frames, arena))
    voice.synthesize_sentence("Warm up, please.")
    trim(0)
    with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
        refs.write("5")  # VmHWM from here: a first start also splits the graph, which takes memory
    rest_mb = _status_mb("VmRSS")
    cpu_s: list[float] = []
    speech_s = 0.0
    for _ in range(repeats):
        for sentence in SENTENCES:
            start = time.process_time()
            utterance = voice.synthesize_sentence(sentence)
            cpu_s.append(time.process_time() - start)
            speech_s += utterance.duration_s
            trim(0)
    return {
        "cpu_ms_per_sentence_median": round(1000 * statistics.median(cpu_s), 1),
        "cpu_ms_per_speech_s": round(1000 * sum(cpu_s) / speech_s, 1),
        "rss_mb_rest": round(rest_mb, 1),
        "rss_mb_after": round(_status_mb("VmRSS"), 1),
        "rss_mb_peak": round(_status_mb("VmHWM"), 1),
        "rss_mb_peak_over_rest": round(_status_mb("VmHWM") - rest_mb, 1),
    }


def _snr_db(reference, other) -> float:
    import numpy as np

    noise = float(np.sum((reference.astype(np.float64) - other) ** 2))
    return 300.0 if noise == 0 else round(10 * np.log10(float(np.sum(reference.astype(np.float64) ** 2)) / noise), 1)


def _equality(window_frames: int) -> dict[str, float]:
    """Windowed against whole: the decoder fed one z, and the whole pipeline with no noise."""
    import numpy as np

    from speech.piper_chunks import decode_in_chunks
    from speech.piper_tts import PiperRunSettings, PiperVoice

    chunked = PiperVoice(run=PiperRunSettings(window_frames, True))._voice
    whole = PiperVoice(run=PiperRunSettings(None, True))._voice
    session = chunked.session
    decoder_snr, pipeline_snr, longest_s = [], [], 0.0
    for sentence in SENTENCES:
        ids = chunked.phonemes_to_ids([p for part in chunked.phonemize(sentence) for p in part])
        feed = {
            "input": np.array([ids], dtype=np.int64),
            "input_lengths": np.array([len(ids)], dtype=np.int64),
            "scales": np.array([0.667, 1.0, 0.8], dtype=np.float32),
        }
        latent, _ = session.latent(feed)
        one_run = session.decoder.run(None, {session.split.latent_name: latent})[0].reshape(-1)
        windowed = np.concatenate(list(decode_in_chunks(session.decoder, latent, session.split, {}, window_frames)))
        decoder_snr.append(_snr_db(one_run, windowed))
        longest_s = max(longest_s, len(one_run) / chunked.config.sample_rate)
        quiet = {**feed, "scales": np.array([0.0, 1.0, 0.0], dtype=np.float32)}
        reference = whole.session.run(None, quiet)[0].reshape(-1)
        pipeline_snr.append(_snr_db(reference, session.run(None, quiet)[0].reshape(-1)))
    return {
        "snr_db_min_same_latent": min(decoder_snr),
        "snr_db_min_pipeline_no_noise": min(pipeline_snr),
        "longest_sentence_s": round(longest_s, 2),
    }


def _child(request: str) -> None:
    kind, *rest = json.loads(request)
    figures = _equality(*rest) if kind == "equality" else _one_way(*rest)
    print(json.dumps(figures))


def _in_fresh_process(request: list) -> dict[str, float]:
    code = "import sys; from aac.benches.piper import _child; _child(sys.argv[1])"
    command = [sys.executable, "-c", code, json.dumps(request)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"bench piper: a measuring process failed: {done.stderr.strip().splitlines()[-1:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(repeats: int) -> dict[str, float | int | str]:
    """Every way's figures, each from a fresh process, flat."""
    from speech.piper_chunks import WINDOW_FRAMES

    figures: dict[str, float | int | str] = {
        "sentences": len(SENTENCES) * repeats,
        "window_frames_default": WINDOW_FRAMES,
    }
    for label, window_frames, arena in WAYS:
        for key, value in _in_fresh_process(["way", window_frames, arena, repeats]).items():
            figures[f"{label}_{key}"] = value
    for window_frames in sorted({way[1] for way in WAYS if way[1] is not None}):
        for key, value in _in_fresh_process(["equality", window_frames]).items():
            figures[f"w{window_frames}_{key}"] = value
    return figures


def run(args: argparse.Namespace) -> int:
    from aac.commands.bench import print_figures

    print_figures(measure(args.repeats), args.json)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("piper", help="Piper's CPU and memory per sentence: whole graph or windowed decoder")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--repeats", type=COUNT, default=2, help="times through the 20 sentences per way")
    parser.set_defaults(func=run)
