"""One photo file to a rig: read, check, find the face, build; and the rig cache next to it."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from avatar.rig import Rig, RigFileError, load_rig

if TYPE_CHECKING:
    from avatar.landmarks import LandmarkDetector


def rig_from_photo(photo_path: str | Path, detector: LandmarkDetector | None = None) -> Rig:
    """Build a rig from a photo file; PhotoProblem (a message for the caregiver) if the photo will not do."""
    # imported here: a cached rig (every start but the first) needs none of them, and scipy's
    # Delaunay alone would cost the live process about 30 MB
    from avatar.photo_check import check_photo, load_photo
    from avatar.rig_build import build_rig

    photo_path = Path(photo_path)
    image = load_photo(photo_path)
    checked = check_photo(image, str(photo_path), detector)
    rig = build_rig(checked.image, checked.landmarks)
    return dataclasses.replace(rig, photo_sha256=file_sha256(photo_path))


def file_sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def cached_rig(photo_path: str | Path, rig_path: str | Path) -> Rig | None:
    """The cached rig if it reads and was built from this very photo; None when it must be rebuilt."""
    photo_path, rig_path = Path(photo_path), Path(rig_path)
    if not rig_path.is_file():
        return None
    try:
        rig = load_rig(rig_path)
    except RigFileError:
        return None
    if photo_path.is_file() and rig.photo_sha256 != file_sha256(photo_path):
        return None
    return rig
