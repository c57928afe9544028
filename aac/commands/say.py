"""`aac-avatar say TEXT`: speak typed text, or save its audio and timings."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from aac.voice_setup import add_voice_options, open_voice, voice_request
from speech.errors import AudioDeviceError


def _write_wav(path: Path, audio, sample_rate_hz: int) -> None:
    import soundfile

    path.parent.mkdir(parents=True, exist_ok=True)
    soundfile.write(path, audio, sample_rate_hz, subtype="PCM_16")


def run(args: argparse.Namespace) -> int:
    text = sys.stdin.read() if args.text == "-" else args.text
    # nothing renders while `say` speaks: a neural voice may use every core
    voice = open_voice(voice_request(args), explicit=bool(args.voice), threads=os.cpu_count() or 1)
    try:
        if args.output or args.timings:
            utterance = voice.synthesize(text)
            if not utterance.text:
                print("aac-avatar: nothing to say (the text is empty).", file=sys.stderr)
                return 1
            if args.output:
                _write_wav(args.output, utterance.audio, utterance.sample_rate_hz)
                print(f"saved {utterance.duration_s:.2f} s of speech to {args.output}")
            if args.timings:
                args.timings.parent.mkdir(parents=True, exist_ok=True)
                args.timings.write_text(json.dumps(utterance.to_json_dict(), ensure_ascii=False, indent=1))
                print(f"saved {len(utterance.words)} words and {len(utterance.phones)} phones to {args.timings}")
            if not args.play:
                return 0
        from speech.audio_out import open_output, play

        stream = voice.stream(text)
        first = next(stream, None)
        if first is None:
            print("aac-avatar: nothing to say (the text is empty).", file=sys.stderr)
            return 1
        try:
            out = open_output(first.sample_rate_hz, args.device)
        except AudioDeviceError as exc:
            if args.output:  # the speech is saved: not being able to play it too is no failure
                print(f"aac-avatar: not played: {exc}", file=sys.stderr)
                return 0
            raise
        with out:
            play(_prepend(first, stream), [out])
        return 0
    finally:
        voice.close()


def _prepend(first, rest):
    yield first
    yield from rest


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("say", help="speak text through the speakers, or save it to a file")
    parser.add_argument("text", help='the message (use "-" to read it from standard input)')
    add_voice_options(parser)
    parser.add_argument("-o", "--output", type=Path, help="save the speech as a WAV file instead of playing it")
    parser.add_argument("--timings", type=Path, help="save the timed words and phones as JSON")
    parser.add_argument("--play", action="store_true", help="play as well as save")
    parser.add_argument("--device", help="play to this output device (default: the speakers)")
    parser.set_defaults(func=run)
