"""`aac-avatar voices`: the voices of every installed backend."""

from __future__ import annotations

import argparse
import sys

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


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("voices", help="list the voices of every installed backend")
    parser.add_argument("--backend", choices=sorted(BACKENDS), help="only this backend (piper, espeak, kokoro, system)")
    parser.add_argument("--language", help='only voices of this language, e.g. "en" or "en-gb"')
    parser.add_argument("--variants", action="store_true", help="also list espeak-ng's voice variants")
    parser.set_defaults(func=run)
