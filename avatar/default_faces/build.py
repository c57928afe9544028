"""Paint the default faces and build their rigs: `python -m avatar.default_faces.build [--only ID ...] FOLDER`.

FOLDER is the bundled faces folder (profiles/bundled/faces). Each face gets `<id>/photo.jpg`,
`<id>/rig.npz` and `<id>/face.yaml` (its description, where it came from, its licence).
With --default-profile, the default face is also written there as photo.png with its rig: the
benches and tests read those. (That profile names no photo: it shows its `avatar.default_face`.)
"""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml

from avatar.default_faces.catalogue import FACES
from avatar.default_faces.painter import FaceSpec, paint_face
from profiles.bundled_faces import DEFAULT_FACE_ID, PHOTO_NAME, RIG_NAME

ORIGIN = ("painted by aac-avatar's own code (avatar/default_faces/painter.py) from shapes and light: "
          "no photo, no real person")
LICENCE = "GPL-3.0-or-later (as aac-avatar)"


def build_face(spec: FaceSpec, folder: Path) -> Path:
    """Paint `spec` into folder/<id>/ with its rig and description; return that folder."""
    from PIL import Image

    from avatar.from_photo import rig_from_photo
    from avatar.rig import save_rig

    out = folder / spec.face_id
    out.mkdir(parents=True, exist_ok=True)
    photo = out / PHOTO_NAME
    # JPEG at high quality: a tenth of the PNG's size, and the painting's soft gradients hide its blocks
    Image.fromarray(paint_face(spec)).save(photo, quality=93, subsampling=0, optimize=True)
    save_rig(rig_from_photo(photo), out / RIG_NAME)
    about = {"id": spec.face_id, "description": spec.description, "origin": ORIGIN, "licence": LICENCE}
    (out / "face.yaml").write_text(yaml.safe_dump(about, sort_keys=False), encoding="utf-8")
    return out


def write_default_profile_face(folder: Path, default_profile: Path) -> None:
    """The default face as default_profile/photo.png with its rig (cached from those very bytes)."""
    from PIL import Image

    from avatar.from_photo import rig_from_photo
    from avatar.rig import save_rig

    photo = default_profile / "photo.png"
    Image.open(folder / DEFAULT_FACE_ID / PHOTO_NAME).save(photo, optimize=True)
    save_rig(rig_from_photo(photo), default_profile / RIG_NAME)


def main(argv: list[str] | None = None) -> int:
    """Build every default face (or those named with --only) into FOLDER."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path, help="the bundled faces folder, e.g. profiles/bundled/faces")
    parser.add_argument("--only", nargs="*", help="face ids to build (default: all)")
    parser.add_argument("--default-profile", type=Path, help="also write the default face's photo and rig here")
    args = parser.parse_args(argv)
    for spec in FACES:
        if args.only and spec.face_id not in args.only:
            continue
        out = build_face(spec, args.folder)
        print(f"{out}: {spec.description}")
    if args.default_profile:
        write_default_profile_face(args.folder, args.default_profile)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
