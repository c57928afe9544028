"""Writing files so that a crash or kill at any moment leaves either the old file or the new one.

The new contents go to a temporary file in the same folder, are flushed to the disk, and
replace the old file in one rename; the folder is then flushed so the rename itself
survives a power cut. Everything is owner-only: files 0600, folders 0700.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700
_TEMP_SUFFIX = ".tmp"


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries (new names, renames) to the disk, where the OS allows it."""
    if os.name != "posix":  # Windows cannot open a folder; its renames are journaled by NTFS
        return
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def make_private_dir(folder: Path) -> None:
    """Create `folder` (and missing parents) owner-only.

    Only what is created here is made owner-only: a folder that already exists keeps its mode (a
    shared `--profiles-dir` of mode 1777 keeps its sticky bit); the profiles inside it are private.
    """
    missing = []
    probe = folder
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    for created in missing:
        # mkdir's mode is filtered by the umask; chmod is not.
        os.chmod(created, DIR_MODE)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` (owner-only) so that it is never seen half-written."""
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=_TEMP_SUFFIX, dir=path.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            if os.name == "posix":
                os.fchmod(handle.fileno(), FILE_MODE)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        if isinstance(exc, OSError) and exc.filename is None:
            exc.filename = str(path)  # a failed write (a full disk) names no file by itself
        raise
    fsync_dir(path.parent)


def remove_stale_temps(folder: Path, older_than_s: float = 60.0) -> None:
    """Delete temporary files an interrupted save left behind (never the real files).

    Only old ones: a young one may belong to a save still running in another process.
    """
    if not folder.is_dir():
        return
    now = time.time()
    for entry in folder.iterdir():
        if not (entry.name.startswith(".") and entry.name.endswith(_TEMP_SUFFIX)):
            continue
        with contextlib.suppress(OSError):
            if entry.is_file() and now - entry.stat().st_mtime > older_than_s:
                entry.unlink()
