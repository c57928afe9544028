"""`aac-avatar bench NAME [--json]`: speed and memory figures, discovered from `aac.benches`."""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil

import aac.benches
from aac.arguments import frame_size  # noqa: F401  (the benches' WIDTHxHEIGHT type, checked once)


def print_figures(figures: dict[str, float | int | str], as_json: bool) -> None:
    """Print a benchmark's figures: one flat JSON object, or one `name: value` line each."""
    if as_json:
        print(json.dumps(figures))
        return
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        shown = f"{value:.4g}" if isinstance(value, float) else str(value)
        print(f"{key:<{width}}  {shown}")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("bench", help="measure speed and memory (figures, not pass/fail)")
    benches = parser.add_subparsers(dest="bench", metavar="NAME")
    for info in sorted(pkgutil.iter_modules(aac.benches.__path__), key=lambda m: m.name):
        importlib.import_module(f"aac.benches.{info.name}").register(benches)
    parser.set_defaults(func=lambda args: parser.print_help() or 2)
