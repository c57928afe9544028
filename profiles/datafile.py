"""A profile's own data files (boards, history, learned words): saved atomically with the previous
version kept, and read back from that previous version when the newest is damaged.

A crash at any moment leaves either the old file or the new one (`profiles.atomic`); a file damaged
some other way (a disk error, a hand edit) costs at most the last change, and the caller is told.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from profiles.atomic import write_atomic
from profiles.store import ProfileStore

T = TypeVar("T")
BACKUP_SUFFIX = ".bak"


@dataclass(frozen=True)
class Loaded:
    """What a data file held, and a sentence for the person when it came from the backup or not at all."""

    value: Any
    note: str | None = None


def backup_path(path: Path) -> Path:
    """Where the previous version of `path` is kept."""
    return path.with_name(path.name + BACKUP_SUFFIX)


def save_bytes(store: ProfileStore, profile_name: str, relative: str, data: bytes) -> Path:
    """Store `data` as the profile's file `relative`; the version it replaces becomes `relative.bak`."""
    target = store.profile_dir(profile_name) / relative
    if target.is_file() and store.in_user_store(profile_name):
        write_atomic(backup_path(target), target.read_bytes())
    return store.write_file(profile_name, relative, data)


def save_json(store: ProfileStore, profile_name: str, relative: str, value: Any) -> Path:
    """Store `value` as JSON (UTF-8, readable) in the profile's file `relative`, keeping the previous version."""
    data = json.dumps(value, ensure_ascii=False, indent=1).encode("utf-8")
    return save_bytes(store, profile_name, relative, data)


def load_with_backup(path: Path, parse: Callable[[bytes], T], default: Callable[[], T]) -> Loaded:
    """Parse `path`; when it is damaged, the previous version; when both are, `default()`.

    `parse` raises any exception on bad content. A missing file is not a problem (a new profile).
    """
    problems = []
    for candidate in (path, backup_path(path)):
        if not candidate.is_file():
            continue
        try:
            value = parse(candidate.read_bytes())
        except Exception as exc:
            problems.append(f"{candidate}: {exc}")
            continue
        if candidate == path:
            return Loaded(value)
        return Loaded(value, f"{path} was damaged ({problems[0]}); the previous version was used")
    if problems:
        return Loaded(default(), f"{path} could not be read ({'; '.join(problems)}); started empty")
    return Loaded(default())


def load_json(path: Path, default: Callable[[], T]) -> Loaded:
    """`load_with_backup` for JSON files."""
    return load_with_backup(path, lambda data: json.loads(data.decode("utf-8")), default)
