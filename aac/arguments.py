"""Checked argument types for the command line: every number, size and output path is validated
once, where it is parsed, so a bad value is one clear line from argparse and never reaches the
engine (a NaN frame rate, a zero tile, a folder given as the output file).
"""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Callable
from pathlib import Path

# Video encoders (libx264, yuv420p) need even frame sizes; these bounds are what a camera takes.
MIN_FRAME_PX = 16
MAX_FRAME_WIDTH_PX = 7680
MAX_FRAME_HEIGHT_PX = 4320
MIN_FPS = 1.0
MAX_FPS = 60.0  # the profile schema's limit: meeting apps take 30


def number(lo: float | None = None, hi: float | None = None, what: str = "value") -> Callable[[str], float]:
    """An argparse type: a finite number within [lo, hi] (None: unbounded on that side)."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{text!r} is not a finite number; give the {what} as e.g. 1.5")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise argparse.ArgumentTypeError(f"{what} {value} is out of range ({_range(lo, hi)})")
        return value

    return parse


def whole_number(lo: int | None = None, hi: int | None = None, what: str = "value") -> Callable[[str], int]:
    """An argparse type: a whole number within [lo, hi]."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise argparse.ArgumentTypeError(f"{what} {value} is out of range ({_range(lo, hi)})")
        return value

    return parse


def _range(lo: float | None, hi: float | None) -> str:
    if lo is not None and hi is not None:
        return f"{lo:g} to {hi:g}"
    return f"at least {lo:g}" if lo is not None else f"at most {hi:g}"


FPS = number(MIN_FPS, MAX_FPS, "frame rate")
SECONDS = number(0.0, 24 * 3600.0, "time")  # zero allowed: "at once"
DURATION_S = number(0.01, 7 * 24 * 3600.0, "time")  # how long to run: more than zero
MINUTES = number(0.01, 7 * 24 * 60.0, "minutes")
COUNT = whole_number(1, 10_000, "count")


def frame_dimension(limit: int) -> Callable[[str], int]:
    """An argparse type: one even frame side from MIN_FRAME_PX to `limit` pixels."""
    within = whole_number(MIN_FRAME_PX, limit, "frame size")

    def parse(text: str) -> int:
        value = within(text)
        if value % 2:
            raise argparse.ArgumentTypeError(
                f"{value} is odd; video needs even frame sizes (try {value - 1} or {value + 1})"
            )
        return value

    return parse


FRAME_WIDTH = frame_dimension(MAX_FRAME_WIDTH_PX)
FRAME_HEIGHT = frame_dimension(MAX_FRAME_HEIGHT_PX)


def frame_size(text: str) -> tuple[int, int]:
    """An argparse type for WIDTHxHEIGHT, e.g. "1280x720": even sides within the camera bounds."""
    width, sep, height = text.lower().partition("x")
    if not sep:
        raise argparse.ArgumentTypeError(f"{text!r} is not a frame size; write WIDTHxHEIGHT, e.g. 1280x720")
    return FRAME_WIDTH(width.strip()), FRAME_HEIGHT(height.strip())


def output_file(*suffixes: str, stdout_ok: bool = False) -> Callable[[str], Path]:
    """An argparse type: a file that can be written, with one of `suffixes` (".wav", ...).

    Refused here, before any work: a folder, a name with another extension, and a place that
    cannot be written (its nearest existing folder is not writable, or is a file). Missing
    folders on the way are made.
    """
    shown = ", ".join(suffixes)

    def parse(text: str) -> Path:
        if stdout_ok and text == "-":
            return Path("-")
        if not text.strip():
            raise argparse.ArgumentTypeError("the output file name is empty")
        path = Path(text).expanduser()
        if path.is_dir() or text.endswith(("/", os.sep)):
            example = path / ("out" + suffixes[0])
            raise argparse.ArgumentTypeError(f"{text} is a folder; give a file name in it, e.g. {example}")
        if path.suffix.lower() not in suffixes:
            raise argparse.ArgumentTypeError(
                f"{text}: the file name must end in {shown} (it says which kind of file to write)"
            )
        problem = unwritable_reason(path)
        if problem:
            raise argparse.ArgumentTypeError(f"{text}: {problem}")
        try:  # every command then writes into a folder that is there, as `say` and `render` always did
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise argparse.ArgumentTypeError(f"{text}: the folder cannot be made ({exc.strerror})") from None
        return path

    return parse


def unwritable_reason(path: Path) -> str | None:
    """Why `path` cannot be created or replaced here, or None when it can (as far as can be told now)."""
    if path.exists() and not path.is_file():
        return "is not a plain file (a device or a pipe?); give a file name"
    if path.exists() and not os.access(path, os.W_OK):
        return "cannot be replaced (permission denied)"
    folder = path.parent
    while not folder.exists():
        if folder.parent == folder:
            break
        folder = folder.parent
    if not folder.is_dir():
        return f"{folder} is a file, not a folder"
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return f"the folder {folder} is on a read-only disk"
    except OSError:
        pass
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"the folder {folder} cannot be written (permission denied)"
    return None


def not_special(text: str) -> Path:
    """An argparse type: a path that, when it exists, is a plain file (a FIFO would block, a device
    never end). A missing file is left to the command, which says what kind of file it wanted."""
    path = Path(text).expanduser()
    if path.exists() and not path.is_file():
        raise argparse.ArgumentTypeError(f"{text}: not a plain file (a folder, a pipe or a device)")
    return path


def input_file(text: str) -> Path:
    """An argparse type: a plain file that exists (not a folder, a pipe or a device)."""
    path = Path(text).expanduser()
    if not path.exists():
        raise argparse.ArgumentTypeError(f"{text}: no such file")
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"{text}: not a plain file (a folder, a pipe or a device)")
    return path
