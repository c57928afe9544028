"""Reading a small file that may be anything: a device that never ends (/dev/zero), a FIFO nobody
writes to, a folder, a file of gigabytes. The size and kind are checked before a byte is read, and
the read itself is bounded, so none of them can hang or exhaust memory.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class NotASmallFile(OSError):
    """`path` is not a plain file of at most the allowed size; the message says which and why."""


def read_small_file(path: Path, limit_bytes: int) -> bytes:
    """The bytes of the plain file `path`, refusing anything else or anything over `limit_bytes`.

    Raises FileNotFoundError / PermissionError / OSError as opening does, and NotASmallFile.
    """
    # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb", buffering=0) as handle:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise NotASmallFile(f"{path} is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise NotASmallFile(f"{path} is not a plain file (a device, a pipe or a socket)")
        if info.st_size > limit_bytes:
            raise NotASmallFile(f"{path} is {info.st_size} bytes, far too large (at most {limit_bytes})")
        data = handle.read(limit_bytes + 1)  # the file may have grown since fstat
    if len(data) > limit_bytes:
        raise NotASmallFile(f"{path} is far too large (more than {limit_bytes} bytes)")
    return data
