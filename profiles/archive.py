"""Moving a profile between computers as one zip file, refusing archives that could do harm.

An archive from elsewhere is untrusted: it is checked member by member (no absolute
paths, no `..`, no links, no devices, bounded sizes and counts, bounded compression
ratio) before anything is written, unpacked into a hidden staging folder, validated as
a profile, and only then renamed into place.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from profiles.atomic import DIR_MODE, fsync_dir, make_private_dir, write_atomic
from profiles.consent import PHOTO_STEM
from profiles.errors import ProfileError, ProfileProblemsError
from profiles.recovery import REPLACED_PREFIX, STAGING_PREFIX, work_prefix
from profiles.schema import Profile, check_profile_name
from profiles.store import BACKUP_FILE, PROFILE_FILE, ProfileStore, profile_to_yaml
from profiles.validate import parse_profile


@dataclass(frozen=True)
class ArchiveLimits:
    """How much an imported archive may hold. A photo and a rig are a few MB."""

    max_members: int = 5000  # a message bank holds hundreds, for some people thousands, of recordings
    max_member_bytes: int = 64 << 20
    max_total_bytes: int = 1 << 30  # a banked phrase is about 130 kB: 5,000 of them fit
    max_ratio: float = 200.0  # uncompressed / compressed; zip bombs reach thousands


def travels(relative: str, profile: Profile) -> bool:
    """Whether a profile's file goes into (or comes out of) an archive. The rig does not: it is
    rebuilt from the photo, so an archive cannot bring a rig of another face, or a broken one, under
    a photo's name. Nor does any photo but the profile's own (a replaced one, a kept previous one)."""
    if relative == profile.avatar.rig:
        return False
    name = PurePosixPath(relative)
    is_photo = len(name.parts) == 1 and name.name.startswith(PHOTO_STEM + ".")
    return not is_photo or relative == profile.avatar.photo


def export_profile(store: ProfileStore, name: str, target: Path) -> list[str]:
    """Write profile `name` and its files into the zip `target` (owner-only); return the member names.

    The backup and leftover temporary files stay behind; links are not followed.
    """
    loaded = store.open(name)
    folder = loaded.directory
    members: list[tuple[str, Path]] = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_symlink() or not path.is_file():
            continue
        if path.name == BACKUP_FILE or any(part.startswith(".") for part in PurePosixPath(relative).parts):
            continue
        if not travels(relative, loaded.profile):
            continue
        members.append((relative, path))
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(temp_name, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for relative, path in members:
                if relative == PROFILE_FILE:
                    # The name inside follows the folder, as loading does.
                    archive.writestr(PROFILE_FILE, profile_to_yaml(loaded.profile))
                else:
                    archive.write(path, relative)
        os.chmod(temp_name, 0o600)
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    fsync_dir(target.parent)
    return [relative for relative, _ in members]


# Longest file name (one path part) most file systems take, and a whole path well within PATH_MAX.
MAX_NAME_BYTES = 255
MAX_PATH_BYTES = 1024
MAC_METADATA = "__MACOSX/"


def _check_name(archive_path: Path, name: str) -> None:
    """Refuse names no file system here can hold, and files a profile never has (hidden ones, the backup)."""
    parts = [p for p in PurePosixPath(name).parts if p not in ("/", "")]
    shown = name if len(name) <= 80 else name[:60] + "..." + name[-10:]
    if len(name.encode("utf-8")) > MAX_PATH_BYTES or any(len(p.encode("utf-8")) > MAX_NAME_BYTES for p in parts):
        raise _unsafe(archive_path, shown, f"has a name longer than {MAX_NAME_BYTES} bytes")
    if any(p.startswith(".") and p not in (".", "..") for p in parts):
        raise _unsafe(archive_path, shown, "is a hidden file, which a profile never holds")
    if parts and parts[-1] == BACKUP_FILE:
        raise _unsafe(archive_path, shown, "would replace the profile's backup copy, which export never includes")


def _check_contents(archive_path: Path, archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Read every member once (the sizes are already bounded): a bad checksum or header is told now,
    before anything is written, not as a half-unpacked folder."""
    for info in infos:
        try:
            with archive.open(info) as member:
                while member.read(1 << 20):
                    pass
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise ProfileError(
                f"{archive_path}: damaged, member {info.filename!r} cannot be read ({exc}). "
                "Fix: copy the archive again, or export the profile again"
            ) from None
        except (NotImplementedError, RuntimeError) as exc:  # an unknown compression, a password
            raise ProfileError(
                f"{archive_path}: member {info.filename!r} cannot be unpacked here ({exc}). "
                "Fix: give an archive made by `aac-avatar profile export` (plain zip, no password)"
            ) from None


def _unsafe(archive_path: Path, member: str, why: str) -> ProfileError:
    return ProfileError(
        f"{archive_path}: refused, member {member!r} {why}. Fix: export the profile again with "
        "`aac-avatar profile export`, or unpack the archive yourself and check it"
    )


def _safe_members(
    archive_path: Path, archive: zipfile.ZipFile, limits: ArchiveLimits
) -> list[tuple[zipfile.ZipInfo, str]]:
    """Check every member before anything is written; return (member, path inside the profile) for files."""
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise ProfileError(
            f"{archive_path}: refused, {len(infos)} members (at most {limits.max_members}). "
            "Fix: this is not a profile archive made by aac-avatar"
        )
    seen: set[str] = set()
    files: list[tuple[zipfile.ZipInfo, str]] = []
    total = 0
    packed = 0
    for info in infos:
        name = info.filename
        if name.startswith(MAC_METADATA):
            continue  # Finder's "Compress" adds these; never unpacked
        if "\\" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
            raise _unsafe(archive_path, name, "has an absolute or Windows-style path")
        parts = PurePosixPath(name).parts
        if ".." in parts:
            raise _unsafe(archive_path, name, "points outside the profile folder ('..')")
        if "\x00" in name or any(ord(c) < 32 for c in name):
            raise _unsafe(archive_path, name, "has control characters in its name")
        _check_name(archive_path, name)
        kind = stat.S_IFMT(info.external_attr >> 16) if info.create_system == 3 else 0
        if kind and kind not in (stat.S_IFREG, stat.S_IFDIR):
            raise _unsafe(archive_path, name, "is a link or a special file")
        if info.is_dir():
            continue
        key = PurePosixPath(*parts).as_posix().casefold()
        if key in seen:
            raise _unsafe(archive_path, name, "appears twice")
        seen.add(key)
        if info.file_size > limits.max_member_bytes:
            raise _unsafe(archive_path, name, f"is {info.file_size} bytes (at most {limits.max_member_bytes})")
        if info.file_size > 1 << 20 and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise _unsafe(archive_path, name, "is compressed suspiciously well (a zip bomb?)")
        total += info.file_size
        packed += info.compress_size
        if total > limits.max_total_bytes:
            raise ProfileError(
                f"{archive_path}: refused, more than {limits.max_total_bytes} bytes unpacked. "
                "Fix: this is not a profile archive made by aac-avatar"
            )
        files.append((info, PurePosixPath(*parts).as_posix()))
    if total > 1 << 20 and total > limits.max_ratio * max(packed, 1):
        # many small members each under the per-member check can still expand a thousandfold together
        raise ProfileError(
            f"{archive_path}: refused, it expands {total // max(packed, 1)} times ({packed} bytes to {total}): "
            "a zip bomb? Fix: this is not a profile archive made by aac-avatar"
        )
    _check_contents(archive_path, archive, [info for info, _ in files])
    names = {inside for _, inside in files}
    if PROFILE_FILE not in names:
        # Accept a zip of the profile folder itself: everything under one top folder.
        tops = {inside.split("/", 1)[0] for inside in names}
        if len(tops) == 1 and f"{next(iter(tops))}/{PROFILE_FILE}" in names:
            prefix = next(iter(tops)) + "/"
            return [(info, inside[len(prefix) :]) for info, inside in files]
        raise ProfileError(
            f"{archive_path}: has no {PROFILE_FILE}. Fix: give an archive made by `aac-avatar profile export`"
        )
    return files


def _extract(
    archive_path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, limits: ArchiveLimits
) -> None:
    """Copy one member out, counting real bytes: a member's declared size may lie."""
    written = 0
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "wb") as out, archive.open(info) as source:
        while chunk := source.read(1 << 16):
            written += len(chunk)
            if written > min(info.file_size, limits.max_member_bytes):
                raise _unsafe(archive_path, info.filename, "unpacks to more than it declares")
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())


def import_profile(
    store: ProfileStore,
    archive_path: Path,
    name: str | None = None,
    force: bool = False,
    limits: ArchiveLimits | None = None,
) -> str:
    """Unpack a profile archive into the store as `name` (default: the name inside); return the name.

    Refuses to replace an existing profile unless `force`. Nothing in the store changes
    when the archive is refused or its profile has problems.
    """
    limits = limits or ArchiveLimits()
    archive_path = Path(archive_path)
    try:
        archive = zipfile.ZipFile(archive_path)
    except FileNotFoundError:
        raise ProfileError(f"{archive_path}: no such file. Fix: check the path") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise ProfileError(
            f"{archive_path}: not a zip archive ({exc}). Fix: give a file made by `aac-avatar profile export`"
        ) from None
    with archive:
        files = _safe_members(archive_path, archive, limits)
        _check_bank(archive_path, archive, files)
        profile_info = next(info for info, inside in files if inside == PROFILE_FILE)
        raw = archive.read(profile_info)
        profile, _, problems = parse_profile(archive_path / PROFILE_FILE, raw)
        if profile is None:
            raise ProfileProblemsError(problems, "Nothing was imported.")
        target_name = name or profile.name
        try:
            check_profile_name(target_name)
        except ValueError as exc:
            raise ProfileError(str(exc).replace("; ", ". Fix: ", 1)) from None
        # Any folder of that name counts (even one without a profile.yaml): it may hold files. So does the
        # shipped default: the store's copy would silently take its place.
        shipped = store.exists(target_name)  # first: it finishes what a killed import left
        folder_there = (store.root / target_name).exists()
        if (shipped or folder_there) and not force:
            where = f"exists in {store.root}" if folder_there else "is shipped with aac-avatar"
            raise ProfileError(
                f"a profile named {target_name!r} already {where}. Fix: import "
                "it under another name with --name NEW, or replace it with --force"
            )
        make_private_dir(store.root)
        staging = Path(tempfile.mkdtemp(prefix=work_prefix(STAGING_PREFIX), dir=store.root))
        try:
            os.chmod(staging, DIR_MODE)
            for info, inside in files:
                if inside == PROFILE_FILE or not travels(inside, profile):
                    continue
                target = staging / inside
                if target.parent != staging:
                    make_private_dir(target.parent)
                _extract(archive_path, archive, info, target, limits)
            profile = profile.model_copy(update={"name": target_name})
            write_atomic(staging / PROFILE_FILE, profile_to_yaml(profile).encode("utf-8"))
            _move_into_place(store, staging, target_name)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return target_name


def _check_bank(archive_path: Path, archive: zipfile.ZipFile, files: list[tuple[zipfile.ZipInfo, str]]) -> None:
    """The banked phrases' index must be readable and name only recordings the archive holds."""
    import json

    from profiles.bank import INDEX_FILE, parse_index

    index = next((info for info, inside in files if inside == INDEX_FILE), None)
    if index is None:
        return
    names = {inside for _, inside in files}
    try:
        entries = parse_index(json.loads(archive.read(index).decode("utf-8")))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{archive_path}: {INDEX_FILE} is damaged ({exc}). Fix: export the profile again with "
                           "`aac-avatar profile export`") from None
    for entry in entries:
        if entry.file not in names:
            raise ProfileError(f"{archive_path}: {INDEX_FILE} names {entry.file} (the recording of "
                               f"{entry.phrase!r}), which is not in the archive. Fix: export the profile again "
                               "with `aac-avatar profile export`")


def _move_into_place(store: ProfileStore, staging: Path, name: str) -> None:
    folder = store.root / name
    if folder.exists():
        # Swap, so that the old profile is whole until the new one is in its place.
        # killed between the two renames, the next start moves the old one back (profiles.recovery)
        old = Path(tempfile.mkdtemp(prefix=work_prefix(REPLACED_PREFIX), dir=store.root))
        os.replace(folder, old / name)
        os.replace(staging, folder)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staging, folder)
    fsync_dir(store.root)
