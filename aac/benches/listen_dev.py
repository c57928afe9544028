"""Tuning partner captions without tuning on the figures reported: a DEV set of sentences, never the test set.

`aac-avatar bench listen` reports word error rates on its READ_SENTENCES (the test set). Choices of how
Whisper decodes and how phrases are cut are made here, on other sentences written for this purpose, said
by the same voices. The audio is synthesized once and kept in a cache folder, so that every variant hears
exactly the same sound (the voices vary a little from one synthesis to the next).

    aac-avatar bench listen-dev [--json] [--cache DIR] [--variants NAME,...] [--set dev|test] [--model DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

# Written for tuning only; none of these is in the bench's test set or its partner phrases.
DEV_SENTENCES = (
    "The postman left a parcel with the people next door.",
    "Would you like tea or coffee with your breakfast?",
    "My sister is coming to visit at the end of the month.",
    "The lights in the kitchen keep flickering at night.",
    "We should leave soon if we want to catch the bus.",
    "The soup needs a little more salt and some pepper.",
    "I could not sleep last night because of the storm.",
    "The nurse will check my blood pressure this afternoon.",
    "Can you turn the television down a little, please?",
    "The shop on the corner sells fresh fish on Fridays.",
    "He forgot his umbrella and got wet on the way home.",
    "The birds were singing in the trees outside my window.",
    "Please put the letters on the table by the door.",
    "The film was longer than I expected but very good.",
    "I would like to sit in the garden for a while.",
    "They are building a new bridge across the river.",
)
VOICES = ("piper:en_US-joe-medium", "espeak:en-us", "espeak:en-gb+f3", "espeak:en-us+m3")
PAUSE_S = 0.8


def _streams(sentences: tuple[str, ...], cache: Path, name: str) -> dict[str, tuple[np.ndarray, int]]:
    """Each voice saying the sentences with pauses between, from the cache when it is there."""
    from speech.registry import get_voice

    cache.mkdir(parents=True, exist_ok=True)
    streams = {}
    for voice_id in VOICES:
        path = cache / f"{name}-{voice_id.replace(':', '_').replace('+', '_')}.npz"
        if path.exists():
            saved = np.load(path)
            streams[voice_id] = (saved["audio"], int(saved["rate"]))
            continue
        voice = get_voice(voice_id)
        rate = voice.sample_rate_hz
        pause = np.zeros(int(PAUSE_S * rate), np.float32)
        audio = np.concatenate([pause] + [p for text in sentences for p in (voice.synthesize(text).audio, pause)])
        voice.close()
        np.savez(path, audio=audio.astype(np.float32), rate=rate)
        streams[voice_id] = (audio.astype(np.float32), rate)
    return streams


def variants() -> dict[str, tuple]:
    """Named (DecodeOptions, VadSettings) to compare; "now" is what the product does."""
    from speech.listen.vad import VadSettings
    from speech.listen.whisper import DecodeOptions

    now, vad = DecodeOptions(), VadSettings()
    fallback = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
    return {
        "now": (now, vad),
        "beam1": (replace(now, beam_size=1), vad),
        "beam8": (replace(now, beam_size=8), vad),
        "fallback": (replace(now, temperature=fallback), vad),
        "prompt": (replace(now, initial_prompt="Hello. How are you? I'm fine, thank you."), vad),
        "end0.6": (now, replace(vad, end_silence_s=0.6)),
        "end0.3": (now, replace(vad, end_silence_s=0.3)),
        "tail0.3": (now, replace(vad, tail_s=0.3, pre_roll_s=0.3)),
        "patience2": (replace(now, patience=2.0), vad),
        "float32": (replace(now, compute_type="float32"), vad),
        "int8_float32": (replace(now, compute_type="int8_float32"), vad),
    }


def evaluate(streams: dict, sentences: tuple[str, ...], options, vad, model_path: Path | None = None) -> dict:
    """Word error rate per voice and overall, and the CPU a phrase costs, for one variant."""
    from speech.listen.vad import EnergySegmenter
    from speech.listen.wer import word_error_rate, words_of
    from speech.listen.whisper import WhisperRecognizer

    reference = " ".join(sentences)
    words = len(words_of(reference))
    result, errors, phrase_cpu = {}, 0.0, []
    for voice_id, (audio, rate) in streams.items():
        recognizer = WhisperRecognizer("en", model_path=model_path, threads=1, segmenter=EnergySegmenter(vad),
                                       options=options)
        captions, step = [], rate // 50
        for i in range(0, len(audio), step):
            t0 = time.process_time()
            new = recognizer.feed(audio[i:i + step], rate)
            if new:
                phrase_cpu.append(time.process_time() - t0)
            captions += new
        captions += recognizer.flush()
        wer = word_error_rate(reference, " ".join(c.text for c in captions))
        errors += wer * words
        result[voice_id] = round(wer, 4)
    result["all"] = round(errors / (words * len(streams)), 4)
    result["cpu_s_per_phrase_median"] = round(float(np.median(phrase_cpu)), 3) if phrase_cpu else None
    return result


def run(args: argparse.Namespace) -> int:
    """Compare the variants on the dev set (or, once choices are made, the test set): one flat object,
    `<variant>_wer...` keys (a fraction of words) and `<variant>_cpu_s_per_phrase_median`; progress on stderr."""
    from aac.benches.listen import READ_SENTENCES
    from aac.commands.bench import print_figures
    from speech.listen.recognizer import ListenError

    sentences = DEV_SENTENCES if args.set == "dev" else READ_SENTENCES
    chosen = variants()
    names = [n for n in args.variants.split(",") if n] or list(chosen)
    unknown = [n for n in names if n not in chosen]
    if unknown:
        print(f"aac-avatar: unknown variant(s) {', '.join(unknown)}; known: {', '.join(chosen)}", file=sys.stderr)
        return 2
    try:
        streams = _streams(sentences, args.cache, args.set)
    except (OSError, ValueError) as exc:  # an unwritable folder, a damaged cache file
        print(f"aac-avatar: cannot keep the voices' audio in {args.cache}: {exc}", file=sys.stderr)
        return 2
    figures: dict = {"set": args.set, "sentences_per_voice": len(sentences)}
    for name in names:
        options, vad = chosen[name]
        try:
            result = evaluate(streams, sentences, options, vad, args.model)
        except ListenError as exc:  # --model is not a Whisper model folder
            print(f"aac-avatar: {exc}", file=sys.stderr)
            return 2
        print(json.dumps({"variant": name, **result}), file=sys.stderr, flush=True)
        for key, value in result.items():
            key = key.replace(":", "_").replace("+", "_").replace("-", "_")
            figures[f"{name}_{key}" if key.startswith("cpu") else f"{name}_wer_{key}"] = value
    print_figures(figures, args.json)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("listen-dev", help="partner captions: compare decoding choices on the DEV sentences")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "aac-listen-dev",
                        help="where the voices' audio is kept between runs")
    parser.add_argument("--variants", default="", help="comma-separated names (default: all)")
    parser.add_argument("--set", choices=("dev", "test"), default="dev",
                        help="test: the bench's READ_SENTENCES, only to confirm a choice made on dev")
    parser.add_argument("--model", type=Path, default=None, help="another CTranslate2 Whisper model folder")
    parser.set_defaults(func=run)
