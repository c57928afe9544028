"""The user's voice folder: personal voices added with `aac-avatar voices add` or fetched once.

`$AAC_AVATAR_VOICES_DIR`, else the platform's user data folder (`aac-avatar/voices`), with one
folder per backend (`piper/`, `coqui/`). A voice trained on someone's own recordings is personal
data: every folder is owner-only (0700) and every file owner-only (0600), and files are copied in
whole or not at all (a copy under a temporary name, renamed when complete).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

ENV_DIR = "AAC_AVATAR_VOICES_DIR"
DIR_MODE = 0o700
FILE_MODE = 0o600


def user_voices_dir() -> Path:
    """Where personal voices live: $AAC_AVATAR_VOICES_DIR, else the user data folder."""
    override = os.environ.get(ENV_DIR)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("aac-avatar", appauthor=False)) / "voices"


def backend_dir(backend: str) -> Path:
    """The folder of one backend's personal voices, e.g. `.../voices/piper`."""
    return user_voices_dir() / backend


def make_private_dir(folder: Path) -> None:
    """Create `folder` and its missing parents owner-only (chmod: mkdir's mode passes the umask)."""
    missing = []
    probe = folder
    while not probe.exists() and probe.parent != probe:
        missing.append(probe)
        probe = probe.parent
    folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    for created in [*missing, folder]:
        os.chmod(created, DIR_MODE)


def copy_private(source: Path, target: Path) -> None:
    """Copy `source` to `target` owner-only; `target` is never seen half-written."""
    make_private_dir(target.parent)
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            if os.name == "posix":
                os.fchmod(out.fileno(), FILE_MODE)
            shutil.copyfileobj(src, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise


def copy_tree_private(source: Path, target: Path) -> None:
    """Copy the folder `source` to `target` owner-only: into a temporary folder, renamed when complete."""
    make_private_dir(target.parent)
    temp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent))
    try:
        for path in sorted(source.rglob("*")):
            if path.is_symlink() or not (path.is_file() or path.is_dir()):
                continue
            relative = path.relative_to(source)
            if path.is_dir():
                make_private_dir(temp / relative)
            else:
                copy_private(path, temp / relative)
        os.chmod(temp, DIR_MODE)
        os.replace(temp, target)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
