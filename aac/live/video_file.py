"""Video files the aid writes (live recordings, rendered messages): never half-written, never lost, private.

Both are made by ffmpeg. It writes to a temporary name beside the target, which replaces the
target only when the file is whole (a failure leaves what was at the target untouched); the file
is owner-only, like the profile, since it shows a person's face and words. ffmpeg runs in its own
session, so closing the terminal or Ctrl-C reaches only the aid, which then finishes the file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from profiles.atomic import make_private_dir
from profiles.recovery import process_gone

FILE_MODE = 0o600


class VideoFileError(RuntimeError):
    """The video file could not be written; the message names it and gives ffmpeg's reason (shown as is)."""

    is_user_error = True


# ffmpeg exits 0 even when the disk filled while writing: with -xerror it fails, and the old file is kept.
STRICT = ["-xerror"]


def even_size_filter(width: int, height: int) -> list[str]:
    """H.264 in yuv420p needs even sizes: an odd width or height gets one black line (1279 -> 1280)."""
    return ["-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2"] if width % 2 or height % 2 else []


# Fragments as it goes: a video of a killed session is still playable up to its last fragment.
FRAGMENTED = ["-movflags", "frag_keyframe+empty_moov"]


def temp_beside(target: Path) -> Path:
    """A new, empty, owner-only file next to `target` with its extension (ffmpeg picks the format by it); the
    folders made for it are owner-only too."""
    make_private_dir(target.parent)
    suffix = target.suffix or ".mp4"
    _remove_abandoned_temps(target, suffix)
    fd, name = tempfile.mkstemp(prefix=f".{target.stem}.{os.getpid()}-", suffix=suffix, dir=target.parent)
    os.close(fd)
    return Path(name)


def _remove_abandoned_temps(target: Path, suffix: str) -> None:
    """Half-written temporaries for `target` whose writer was killed outright (kill -9, power cut)."""
    prefix = f".{target.stem}."
    with contextlib.suppress(OSError):
        for entry in target.parent.iterdir():
            name = entry.name
            if not (name.startswith(prefix) and name.endswith(suffix)):
                continue
            pid_text = name[len(prefix):].partition("-")[0]
            if pid_text.isdigit() and process_gone(int(pid_text)):
                with contextlib.suppress(OSError):
                    entry.unlink()


def put_in_place(temp: Path, target: Path) -> None:
    """Make the finished `temp` the file at `target` (owner-only), in one rename."""
    os.chmod(temp, FILE_MODE)
    os.replace(temp, target)
    if os.name == "posix":
        with contextlib.suppress(OSError):
            fd = os.open(target.parent, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def discard(temp: Path) -> None:
    """Remove a temporary file that will not become the target."""
    with contextlib.suppress(OSError):
        temp.unlink()
