"""`aac-avatar say TEXT`: speak typed text, or save its audio and timings."""

from __future__ import annotations

import argparse
import os
import sys

from aac.arguments import output_file
from aac.voice_setup import add_voice_options, open_voice, voice_request
from speech.errors import AudioDeviceError

AUDIO_SUFFIXES = (".wav", ".flac", ".ogg")


def run(args: argparse.Namespace) -> int:
    from aac.message_text import message_from

    text = message_from(args.text)
    # nothing renders while `say` speaks: a neural voice may use every core
    voice = open_voice(voice_request(args), explicit=bool(args.voice), threads=os.cpu_count() or 1)
    try:
        if args.output or args.timings:
            from aac.speech_file import save_speech

            saved = save_speech(voice, text, args.output, args.timings)
            if args.output:
                print(f"saved {saved.duration_s:.2f} s of speech to {args.output}")
            if args.timings:
                print(f"saved {saved.words} words and {saved.phones} phones to {args.timings}")
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
    parser.add_argument("-o", "--output", type=output_file(*AUDIO_SUFFIXES),
                        help="save the speech as a WAV (or .flac, .ogg) file instead of playing it")
    parser.add_argument("--timings", type=output_file(".json"), help="save the timed words and phones as JSON")
    parser.add_argument("--play", action="store_true", help="play as well as save")
    parser.add_argument("--device", help="play to this output device (default: the speakers)")
    parser.set_defaults(func=run)
