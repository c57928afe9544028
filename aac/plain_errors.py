"""Known kinds of failure told in words: a full disk, a read-only folder, a damaged archive, a
picture too large to open, a file nested too deeply, the reader of our output gone away.

The command line's last line of defence asks here first, so that these never reach people as
"unexpected error ... please report it": they are not bugs, and each says what to do.
"""

from __future__ import annotations

import errno
import os
import select
import stat
import sys
import zipfile
import zlib

_OS_ERRORS = {
    errno.ENOSPC: ("the disk is full", "free some space, or choose another folder"),
    errno.EDQUOT: ("the disk quota is used up", "free some space, or choose another folder"),
    errno.EFBIG: ("the file grew larger than this system allows", "choose another disk or a shorter text"),
    errno.EROFS: ("it is on a read-only disk", "choose a folder that can be written (e.g. --profiles-dir)"),
    errno.EACCES: ("permission denied", "check the file's and its folder's permissions"),
    errno.EPERM: ("not permitted", "check the file's and its folder's permissions"),
    errno.EISDIR: ("it is a folder, not a file", "give a file name"),
    errno.ENOTDIR: ("part of the path is a file, not a folder", "check the path"),
    errno.EEXIST: ("something of that name is in the way (a file where a folder is needed?)",
                   "move it, or choose another path"),
    errno.ENOENT: ("no such file or folder", "check the path"),
    errno.ENAMETOOLONG: ("the file name is too long", "use a shorter name"),
    errno.EIO: ("the disk reported an input/output error", "check the disk, or use another one"),
}


def stdout_reader_gone() -> bool:
    """Whether standard output is a pipe whose reader has closed it (`aac-avatar voices | head -1`)."""
    try:
        fd = sys.__stdout__.fileno()
        if not stat.S_ISFIFO(os.fstat(fd).st_mode) and not stat.S_ISSOCK(os.fstat(fd).st_mode):
            return False
        poller = select.poll()
        poller.register(fd, select.POLLOUT)
        return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))
    except (OSError, ValueError, AttributeError):
        return False


def silence_stdout() -> None:
    """Point standard output at the null device, so the interpreter's last flush cannot fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def explain(exc: BaseException) -> str | None:
    """A sentence (what went wrong, where, what to do) for a known kind of failure; None if unknown."""
    try:
        from PIL.Image import DecompressionBombError
    except ImportError:  # no PIL, no such error
        DecompressionBombError = ()  # noqa: N806

    if isinstance(exc, BrokenPipeError):
        return "a program we were writing to stopped reading (broken pipe); the output is incomplete"
    if isinstance(exc, OSError) and exc.errno in _OS_ERRORS:
        what, fix = _OS_ERRORS[exc.errno]
        where = _where(exc)
        return f"{where}{what}. Fix: {fix}"
    if isinstance(exc, DecompressionBombError):
        return f"a picture is far too large to open safely ({exc}). Fix: use a photo under 50 megapixels"
    if isinstance(exc, zipfile.BadZipFile | zlib.error):
        return f"an archive is damaged ({exc}). Fix: copy or export it again"
    if isinstance(exc, RecursionError):
        return "a file is nested far too deeply to be read (thousands of levels). Fix: check the file"
    if isinstance(exc, UnicodeDecodeError):
        return f"a file is not UTF-8 text ({exc.reason} at byte {exc.start}). Fix: save it as UTF-8"
    if isinstance(exc, MemoryError):
        return "this computer ran out of memory. Fix: close other programs, or give a shorter text"
    if isinstance(exc, OSError) and exc.strerror:
        return f"{_where(exc)}{exc.strerror.lower()}. Fix: check the path, the disk and the permissions"
    return None


def _where(exc: OSError) -> str:
    names = [n for n in (exc.filename, exc.filename2) if n]
    if not names:
        return ""
    return " -> ".join(str(os.fsdecode(n)) for n in names) + ": "
