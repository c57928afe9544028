"""Finishing what a killed profile import left behind, on the next start.

`profile import` unpacks into a hidden staging folder `.import-<pid>-*` and, when it replaces a
profile, first moves the old one aside into `.replaced-<pid>-*/<name>`. A kill (or power cut) can
stop it between any two steps. Whichever process opens the store next, once the importer is
gone: an old profile whose place is empty is moved back (the import did not finish, the person
keeps what they had); a staging folder, or an old copy whose replacement is in place, is removed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

STAGING_PREFIX = ".import-"
REPLACED_PREFIX = ".replaced-"


def work_prefix(prefix: str) -> str:
    """The `tempfile.mkdtemp` prefix of a work folder of this process (its pid tells when it is abandoned)."""
    return f"{prefix}{os.getpid()}-"


def process_gone(pid: int) -> bool:
    """Whether no process `pid` runs on this computer (this one runs)."""
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # alive, someone else's
    return False


def _abandoned(name: str, prefix: str) -> bool:
    """Whether the process that made work folder `name` is gone (names without a pid: made by an older
    version, whose import is long over)."""
    pid_text = name[len(prefix):].partition("-")[0]
    return not pid_text.isdigit() or process_gone(int(pid_text))


def recover_interrupted_imports(root: Path) -> list[str]:
    """Restore profiles a killed import moved aside and remove its leftovers; returns what was done, in words.

    Never raises: a store that cannot be changed (read-only) is left as it is.
    """
    done: list[str] = []
    with contextlib.suppress(OSError):
        if not root.is_dir():
            return done
        entries = sorted(root.iterdir())
        for entry in entries:
            with contextlib.suppress(OSError):
                if entry.name.startswith(REPLACED_PREFIX) and entry.is_dir() and not entry.is_symlink():
                    if not _abandoned(entry.name, REPLACED_PREFIX):
                        continue
                    for kept in entry.iterdir():
                        home = root / kept.name
                        if kept.is_dir() and not kept.name.startswith(".") and not home.exists():
                            os.replace(kept, home)
                            done.append(f"profile {kept.name!r} restored: an import that replaced it was stopped")
                    shutil.rmtree(entry)
                    done.append(f"removed {entry.name}")
                elif (entry.name.startswith(STAGING_PREFIX) and entry.is_dir() and not entry.is_symlink()
                      and _abandoned(entry.name, STAGING_PREFIX)):
                    shutil.rmtree(entry)
                    done.append(f"removed the unfinished import {entry.name}")
    return done
