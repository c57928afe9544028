"""`aac-avatar voices [add|remove|fetch|use]`: the voices of every installed backend, and personal voices."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from aac.arguments import input_file
from speech.registry import BACKENDS, list_all


def run(args: argparse.Namespace) -> int:
    shown = 0
    for listing in list_all():
        if args.backend and listing.backend != args.backend:
            continue
        wanted = (args.language or "").lower()
        voices = [v for v in listing.voices if v.language.lower().startswith(wanted)]
        shown += len(voices)
        print(f"== {listing.backend}: {len(voices)} voices" + (f" ({listing.problem})" if listing.problem else ""))
        for v in voices:
            timing = "exact timing" if v.has_timing else "timing from audio"
            print(f"  {v.id:<36} {v.language:<14} {v.gender:<8} {v.description}  [{timing}]")
        if listing.backend == "coqui" and listing.voices:
            from speech.coqui_models import find_models

            for problem in find_models()[1]:  # incomplete folders beside complete ones
                print(f"  not usable: {problem}")
        if listing.backend == "espeak" and listing.voices and args.variants:
            from speech.espeak import list_espeak_variants

            print("  variants (add to any espeak voice, e.g. espeak:en-gb+f3):")
            for name, gender in list_espeak_variants():
                print(f"    +{name:<14} {gender}")
    if not shown and args.language:
        print(f"aac-avatar: no installed voice speaks {args.language!r}. Fix: `aac-avatar voices` lists them all",
              file=sys.stderr)
        return 1
    return 0


def voice_source(text: str) -> Path:
    """An argparse type: a Piper model file or a coqui model folder that exists (never a pipe or a device)."""
    path = Path(text).expanduser()
    if not path.exists():
        raise argparse.ArgumentTypeError(f"{text}: no such file or folder")
    if not (path.is_file() or path.is_dir()):
        raise argparse.ArgumentTypeError(f"{text}: not a plain file or folder (a pipe or a device)")
    return path


def run_add(args: argparse.Namespace) -> int:
    path = args.path
    if path.is_dir():
        from speech.coqui_models import add_model_folder

        model = add_model_folder(path, args.name, args.replace)
        voice_id, where = f"coqui:{model.name}", model.folder
    else:
        from speech.piper_custom import add_piper_voice

        added = add_piper_voice(path, args.config, args.name, args.replace)
        voice_id, where = added.voice_id, added.model_path.parent
    print(f"added {voice_id} (in {where}, readable only by you)")
    print(f"speak with it: aac-avatar voices use {voice_id} [--profile NAME]")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    from speech.registry import split_voice_id

    backend, name = split_voice_id(args.voice)
    if backend == "piper":
        from speech.piper_custom import remove_piper_voice

        remove_piper_voice(name)
    elif backend == "coqui":
        import shutil

        from speech.coqui_models import CoquiModelError, coqui_voices_dir

        folder = coqui_voices_dir() / name
        if not name or "/" in name or not folder.is_dir():
            raise CoquiModelError(f"no coqui voice {name!r} in {coqui_voices_dir()}")
        shutil.rmtree(folder)
    else:
        from speech.errors import SpeechError

        raise SpeechError(f"only personal piper: and coqui: voices can be removed, not {args.voice}")
    print(f"removed {args.voice}")
    return 0


def run_fetch(args: argparse.Namespace) -> int:
    from speech.coqui_models import catalogue, catalogue_names, fetch

    if args.list or not args.name:
        for name in catalogue_names(catalogue()):
            print(name)
        return 0
    model = fetch(args.name, args.replace)
    print(f"fetched coqui:{model.name} ({model.kind}, {model.sample_rate_hz} Hz) into {model.folder}")
    print(f"speak with it: aac-avatar voices use coqui:{model.name}"
          + (" --reference CLIP.wav" if model.clones else "") + " [--profile NAME]")
    return 0


def run_use(args: argparse.Namespace) -> int:
    from aac.voice_references import use_voice

    path, problems = use_voice(args.profiles_dir, args.profile, args.voice, list(args.reference or []))
    for problem in problems:
        print(f"aac-avatar: {problem}")
    print(f"profile {args.profile!r} now speaks with {args.voice} (saved {path})")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("voices", help="list the voices; add, fetch and choose personal voices")
    parser.add_argument("--backend", choices=sorted(BACKENDS),
                        help="only this backend (piper, espeak, kokoro, system, coqui)")
    parser.add_argument("--language", help='only voices of this language, e.g. "en" or "en-gb"')
    parser.add_argument("--variants", action="store_true", help="also list espeak-ng's voice variants")
    parser.set_defaults(func=run)
    actions = parser.add_subparsers(dest="action", metavar="ACTION")

    add = actions.add_parser("add", help="add a Piper voice (MODEL.onnx + MODEL.onnx.json) or a coqui model folder")
    add.add_argument("path", type=voice_source, help="the Piper .onnx file, or the coqui model folder")
    add.add_argument("--config", type=input_file,
                     help="the Piper config, when it is not MODEL.onnx.json beside the model")
    add.add_argument("--name", help="the voice's name (default: the file or folder name)")
    add.add_argument("--replace", action="store_true", help="overwrite your own voice of that name")
    add.set_defaults(func=run_add)

    remove = actions.add_parser("remove", help="remove a personal voice, e.g. piper:mum-medium")
    remove.add_argument("voice")
    remove.set_defaults(func=run_remove)

    fetch = actions.add_parser("fetch", help="download a coqui-tts model once (needs the internet, once)")
    fetch.add_argument("name", nargs="?", help='e.g. "tts_models/en/ljspeech/vits" or "xtts_v2"')
    fetch.add_argument("--list", action="store_true", help="list the models coqui-tts can fetch")
    fetch.add_argument("--replace", action="store_true", help="fetch again a model already fetched")
    fetch.set_defaults(func=run_fetch, downloads=True)

    from profiles.store import DEFAULT_NAME

    use = actions.add_parser("use", help="make a voice the profile's voice (it is loaded first, to check it)")
    use.add_argument("voice", help="a voice id from `aac-avatar voices`, e.g. piper:mum-medium")
    use.add_argument("--profile", default=DEFAULT_NAME, help="whose voice (default: the default profile)")
    use.add_argument("--reference", action="append", metavar="CLIP", type=input_file,
                     help="a recording of the person for a cloning voice (XTTS); repeat for more. Files outside "
                          "the profile are copied into it")
    use.set_defaults(func=run_use)
