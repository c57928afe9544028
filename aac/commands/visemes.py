"""`aac-avatar visemes IN.wav [--text ...] [--format json|rhubarb-json] -o cues.json`: mouth cues for any audio."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from aac.arguments import input_file, not_special, output_file


def text_visemes(text: str, language: str = "en-us") -> list[str]:
    # the words' phones in order, from espeak-ng in the text's language (its timing is not used:
    # the audio decides it)
    from speech.text_visemes import text_visemes as read

    return read(text, language) or []


def _language(value: str) -> str:
    """An argparse type: a language espeak-ng can read ("en-us", "de", "pt-BR")."""
    from speech.text_visemes import espeak_language

    found = espeak_language(value)
    if found is None:
        raise argparse.ArgumentTypeError(
            f"no espeak-ng voice reads language {value!r}; see `aac-avatar voices --backend espeak`")
    return found


def run(args: argparse.Namespace) -> int:
    from avatar.lipsync.audio_file import audio_info, read_blocks
    from avatar.lipsync.cues import mouth_cues_streamed
    from avatar.lipsync.model import LipsyncModel

    info = audio_info(args.input)
    model = load_model(args.model) if args.model else LipsyncModel()
    known = text_visemes(args.text, args.language) if args.text else None
    # read in blocks: an hour of 48 kHz stereo is never in memory whole
    cues = mouth_cues_streamed(read_blocks(args.input), info.sample_rate_hz, model, known)
    doc = cues.rhubarb(str(args.input)) if args.format == "rhubarb-json" else cues.as_json(str(args.input))
    text = json.dumps(doc, indent=2)
    if args.output is None or str(args.output) == "-":
        sys.stdout.write(text + "\n")
    else:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
        print(f"wrote {len(doc.get('mouthCues', doc.get('cues', [])))} cues ({cues.method}) to {args.output}",
              file=sys.stderr)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "visemes", help="mouth cues for an audio file (Rhubarb Lip Sync JSON or ours)",
        description="Turn any speech audio into mouth cues with the audio-to-viseme model. "
        "--text aligns the words' visemes to the audio, which is more exact.",
    )
    parser.add_argument("input", type=not_special, help="audio file (WAV, FLAC or OGG; any rate, mono or stereo)")
    parser.add_argument("--text", help="what is said in the audio, to follow its sounds in order")
    parser.add_argument("--language", type=_language, default="en-us",
                        help="the language of --text (an espeak-ng language, default en-us)")
    parser.add_argument("--format", choices=("json", "rhubarb-json"), default="json",
                        help="json: our 15 visemes and openness at 100 fps; rhubarb-json: shapes A-H and X")
    parser.add_argument("-o", "--output", type=output_file(".json", stdout_ok=True), default=None,
                        help="output file (default: standard output)")
    parser.add_argument("--model", type=input_file, default=None, help="another ONNX lip-sync model")
    parser.set_defaults(func=run)


class ModelFileError(ValueError):
    """A --model file that is not a lip-sync model this aid can run."""

    is_user_error = True


def load_model(path: Path):
    """The lip-sync model in `path`, or a clear error naming the file when it is not one."""
    from avatar.lipsync.model import LipsyncModel

    try:
        return LipsyncModel(path)
    except Exception as exc:  # onnxruntime raises its own classes (InvalidProtobuf, Fail, ...) per kind of damage
        detail = str(exc).split(":")[-1].strip() or type(exc).__name__
        raise ModelFileError(
            f"{path}: not a lip-sync model this aid can run ({detail}). "
            "Fix: give an .onnx file made by scripts/train_visemes.py (or leave out --model for the shipped one)"
        ) from None
