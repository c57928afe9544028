"""The default faces shipped with aac-avatar (painted, of nobody): which exist, and their files.

Plain data: each face is a folder `bundled/faces/<id>/` holding `photo.jpg`, `rig.npz` (built
from that photo) and `face.yaml` (description, origin, licence). The caregiver screen lists them;
a profile without a photo names one in `avatar.default_face`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

FACES_DIR = Path(__file__).resolve().parent / "bundled" / "faces"
DEFAULT_FACE_ID = "hazel"
PHOTO_NAME = "photo.jpg"
RIG_NAME = "rig.npz"


@dataclass(frozen=True)
class DefaultFace:
    """One shipped face: its id (as a profile names it), what it looks like, and its files."""

    id: str
    description: str  # e.g. "woman, 30s, dark skin, curly black hair"
    photo_path: Path
    rig_path: Path


def default_face_ids(faces_dir: Path = FACES_DIR) -> list[str]:
    """The ids of the shipped faces, sorted: folders that hold a photo."""
    if not faces_dir.is_dir():
        return []
    return sorted(d.name for d in faces_dir.iterdir() if (d / PHOTO_NAME).is_file())


def list_default_faces(faces_dir: Path = FACES_DIR) -> list[DefaultFace]:
    """Every shipped face with its description and files, sorted by id, the default first."""
    faces = []
    for face_id in default_face_ids(faces_dir):
        folder = faces_dir / face_id
        about = {}
        try:
            about = yaml.safe_load((folder / "face.yaml").read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            pass  # a face without its description still works: show its id
        description = str(about.get("description", face_id)) if isinstance(about, dict) else face_id
        faces.append(DefaultFace(face_id, description, folder / PHOTO_NAME, folder / RIG_NAME))
    faces.sort(key=lambda f: (f.id != DEFAULT_FACE_ID, f.id))
    return faces


def default_face(face_id: str, faces_dir: Path = FACES_DIR) -> DefaultFace:
    """The shipped face `face_id`; ValueError naming the shipped faces when there is none by that id."""
    for face in list_default_faces(faces_dir):
        if face.id == face_id:
            return face
    raise ValueError(unknown_face_message(face_id, faces_dir))


def unknown_face_message(face_id: str, faces_dir: Path = FACES_DIR) -> str:
    """What to tell a person who named a face that is not shipped."""
    ids = default_face_ids(faces_dir)
    return f"{face_id!r} is not a shipped default face; choose one of: {', '.join(ids) or '(none installed)'}"
