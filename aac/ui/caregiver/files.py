"""The files a caregiver can choose from, listed as plain data: pictures for buttons, board files to import.

Only a few well-known folders are looked in (no file dialog: everything is chosen from cells), and only
their top level, so listing never wanders through a whole disk.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from aac.board.model import Image

PICTURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".svg")
BOARD_SUFFIXES = (".obf", ".obz", ".zip", ".obfset", ".json")  # .json: Cboard's own export
MAX_LISTED = 200
MAX_PICTURE_BYTES = 16 * 1024 * 1024
# A photo on a button needs no more; a phone photo would make the saved boards tens of megabytes.
BUTTON_PICTURE_PX = 400


@dataclass(frozen=True)
class FoundFile:
    """A file found in one of the folders looked in."""

    path: Path
    folder_label: str  # "Pictures", "profile", "Downloads"...

    @property
    def label(self) -> str:
        """What its cell shows."""
        return f"{self.path.name} ({self.folder_label})"


def _listed(folders: list[tuple[Path, str]], suffixes: tuple[str, ...]) -> list[FoundFile]:
    found: list[FoundFile] = []
    seen: set[Path] = set()
    for folder, label in folders:
        try:
            entries = sorted(folder.iterdir(), key=lambda p: p.name.casefold())
        except OSError:
            continue  # a folder that is not there (no Downloads) is simply not looked in
        for entry in entries:
            if entry.name.startswith(".") or not entry.name.lower().endswith(suffixes):
                continue
            try:
                resolved = entry.resolve()
                if not entry.is_file() or resolved in seen:
                    continue
            except OSError:
                continue
            seen.add(resolved)
            found.append(FoundFile(entry, label))
            if len(found) >= MAX_LISTED:
                return found
    return found


def picture_files(home: Path, profile_dir: Path) -> list[FoundFile]:
    """Pictures in ~/Pictures and the profile's folder (its top level)."""
    return _listed([(home / "Pictures", "Pictures"), (profile_dir, "profile")], PICTURE_SUFFIXES)


def board_files(home: Path, current: Path) -> list[FoundFile]:
    """`.obf`, `.obz` and `.zip` files in ~/Downloads, ~/Documents, ~/ and the current folder."""
    folders = [(home / "Downloads", "Downloads"), (home / "Documents", "Documents"), (home, "home"),
               (current, "this folder")]
    return _listed(folders, BOARD_SUFFIXES)


def picture_image(path: Path, image_id: str) -> Image:
    """A board Image from a picture file (a big photo made small enough for a button, as PNG or JPEG);
    ValueError naming the file when it is not a picture this app can show."""
    from PIL import Image as PILImage
    from PIL import ImageOps, UnidentifiedImageError

    from aac.board.media_check import check_image

    try:
        data = path.read_bytes() if path.stat().st_size <= MAX_PICTURE_BYTES else None
    except OSError as exc:
        raise ValueError(f"{path}: cannot be read ({exc.strerror})") from None
    if data is None:
        raise ValueError(f"{path}: too big for a button picture (over {MAX_PICTURE_BYTES // 2**20} MB)")
    checked = check_image(data)
    if checked.problem:
        raise ValueError(f"{path}: {checked.problem}")
    if checked.content_type == "image/svg+xml":
        return Image(id=image_id, content_type="image/svg+xml", data=data)
    try:
        with PILImage.open(io.BytesIO(data)) as picture:
            picture = ImageOps.exif_transpose(picture)
            picture.thumbnail((BUTTON_PICTURE_PX, BUTTON_PICTURE_PX))
            opaque = picture.mode in ("RGB", "L", "CMYK", "YCbCr")
            out = io.BytesIO()
            if opaque:
                picture.convert("RGB").save(out, "JPEG", quality=88)
            else:
                picture.convert("RGBA").save(out, "PNG", optimize=True)
            width, height = picture.size
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ValueError(f"{path}: not a picture this app can show ({exc})") from None
    return Image(id=image_id, content_type="image/jpeg" if opaque else "image/png", data=out.getvalue(),
                 width=width, height=height)
