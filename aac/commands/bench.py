"""`aac-avatar bench NAME [--json]`: speed and memory figures, discovered from `aac.benches`."""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil

import aac.benches


def print_figures(figures: dict[str, float | int | str], as_json: bool) -> None:
    """Print a benchmark's figures: one flat JSON object, or one `name: value` line each."""
    if as_json:
        print(json.dumps(figures))
        return
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        shown = f"{value:.4g}" if isinstance(value, float) else str(value)
        print(f"{key:<{width}}  {shown}")


def frame_size(text: str) -> tuple[int, int]:
    """An argparse type for WIDTHxHEIGHT, e.g. "1280x720"."""
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a frame size; write WIDTHxHEIGHT, e.g. 1280x720") from None
    if not (16 <= width <= 7680 and 16 <= height <= 4320):
        raise argparse.ArgumentTypeError(f"{text!r} is out of range (16x16 to 7680x4320)")
    return width, height


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("bench", help="measure speed and memory (figures, not pass/fail)")
    benches = parser.add_subparsers(dest="bench", metavar="NAME")
    for info in sorted(pkgutil.iter_modules(aac.benches.__path__), key=lambda m: m.name):
        importlib.import_module(f"aac.benches.{info.name}").register(benches)
    parser.set_defaults(func=lambda args: parser.print_help() or 2)
