"""`aac-avatar listen FILE [--json]`: what a recording says, the way partner captions would show it;
`aac-avatar listen --live`: captions of a sound source printed as they come (to try a profile's settings)."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from pathlib import Path


def _settings(args: argparse.Namespace):
    """The profile's listening settings (the shipped default's when none is named), with the options' changes."""
    from aac.ui.listening import listen_settings
    from profiles.store import ProfileStore

    store = ProfileStore(args.profiles_dir) if args.profiles_dir else ProfileStore()
    loaded = store.open(args.profile or "default")
    settings = listen_settings(loaded.profile, None if loaded.bundled else loaded.directory)
    changes = {key: value for key, value in (("source", args.source), ("language", args.language),
                                               ("vosk_model", args.vosk_model)) if value is not None}
    if args.vosk_model is not None and args.engine is None:
        changes["engine"] = "vosk"
    if args.engine is not None:
        changes["engine"] = args.engine
    return dataclasses.replace(settings, **changes)


def _caption_json(caption) -> dict:
    return {"text": caption.text, "start_s": round(caption.start_s, 3), "end_s": round(caption.end_s, 3),
            "words": [{"text": w.text, "start_s": w.start_s, "end_s": w.end_s} for w in caption.words]}


def _clock(seconds: float) -> str:
    return f"{int(seconds // 60)}:{seconds % 60:04.1f}"


def _file(args: argparse.Namespace) -> int:
    from avatar.lipsync.audio_file import load_audio
    from speech.listen.recognizer import open_recognizer

    settings = _settings(args)
    audio, rate = load_audio(args.input)
    recognizer = open_recognizer(settings.engine, settings.language, settings.vosk_model, words=args.json,
                                 threads=os.cpu_count() or 1)  # nothing else runs: every core
    step = rate // 2
    captions = []
    for i in range(0, len(audio), step):
        captions += recognizer.feed(audio[i:i + step], rate)
    captions += recognizer.flush()
    recognizer.close()
    if args.json:
        print(json.dumps({"file": str(args.input), "engine": settings.engine,
                          "captions": [_caption_json(c) for c in captions]}, ensure_ascii=False))
    else:
        for caption in captions:
            print(f"{_clock(caption.start_s)}-{_clock(caption.end_s)}  {caption.text}")
        if not captions:
            print(f"aac-avatar: {args.input}: no speech heard", file=sys.stderr)
    return 0


def _live(args: argparse.Namespace) -> int:
    from speech.listen.listener import Listener

    problems: list[str] = []
    started = time.monotonic()

    def show(caption) -> None:
        print(f"{_clock(time.monotonic() - started)}  {caption.text}", flush=True)

    listener = Listener(_settings(args), show, problems.append)
    listener.start()
    listener.ready.wait(60)
    if not problems:
        print(f"aac-avatar: listening to {listener.source} (Ctrl+C stops)", file=sys.stderr)
    try:
        while not problems and (args.seconds is None or time.monotonic() - started < args.seconds):
            time.sleep(0.1)
    finally:
        listener.stop()
    for problem in problems:
        print(f"aac-avatar: {problem}", file=sys.stderr)
    return 2 if problems else 0


def run(args: argparse.Namespace) -> int:
    if args.live:
        return _live(args)
    if args.input is None:
        print("aac-avatar: give an audio file to listen to, or --live", file=sys.stderr)
        return 2
    return _file(args)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "listen", help="what a recording (or, with --live, the meeting or microphone) says, as captions",
        description="Recognize speech offline, as partner captions do: Whisper tiny.en for English (shipped), "
        "or a vosk model folder. Settings come from the profile's listening section; options override them.",
    )
    parser.add_argument("input", type=Path, nargs="?", help="audio file (WAV, FLAC or OGG; any rate)")
    parser.add_argument("--json", action="store_true", help="one JSON object: captions with timed words")
    parser.add_argument("--live", action="store_true", help="listen to the profile's source and print captions")
    parser.add_argument("--seconds", type=float, default=None, help="with --live: stop after this long")
    parser.add_argument("--profile", help="whose listening settings (default: the shipped default profile's)")
    parser.add_argument("--engine", choices=("whisper", "vosk"), default=None, help="the recognizer")
    parser.add_argument("--vosk-model", type=Path, default=None, help="an unpacked vosk model folder")
    parser.add_argument("--language", default=None, help="what is spoken (Whisper tiny.en: English only)")
    parser.add_argument("--source", default=None, help="with --live: meeting, microphone, or a source's name")
    parser.set_defaults(func=run)
