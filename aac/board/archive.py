"""Reading a board package (a zip someone sent) safely: into memory, within limits, no path leaves it.

A package is untrusted. Nothing in it is ever extracted to disk: members are read into memory
one at a time, only when asked for, with caps on each member, on the total, on the number of
entries and on the compression ratio, so a zip bomb ends in a clear error instead of a full
disk or a hang. Entries with absolute paths, `..`, or that are symbolic links are never read;
macOS resource forks (`__MACOSX/`, `._name`) are ignored.
"""

from __future__ import annotations

import io
import posixpath
import stat
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from aac.board.errors import BoardFileError, PackageTooBigError

_CHUNK_BYTES = 1 << 20


@dataclass(frozen=True)
class ZipLimits:
    """What a package may hold. Real board packages are a few MB; the largest seen are about 100 MB."""

    member_bytes: int = 50 * 1024 * 1024
    total_bytes: int = 300 * 1024 * 1024
    entries: int = 20_000
    # Board JSON compresses about 10:1, pictures hardly at all; bombs reach 1000:1 and more.
    ratio: float = 200.0
    # Below this size a member's ratio is not judged (a small blank file can compress very well).
    ratio_floor_bytes: int = 1024 * 1024


DEFAULT_LIMITS = ZipLimits()


def normalise_member_path(name: str) -> str | None:
    """A member name as a clean relative path ("boards/a.obf"), or None when it could leave the package."""
    text = name.replace("\\", "/")
    if text.startswith("/") or (len(text) > 1 and text[1] == ":"):
        return None
    parts = [p for p in text.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        return None
    return "/".join(parts)


def join_member_path(base_dir: str, relative: str) -> str | None:
    """`relative` (a path written in a board) against `base_dir` inside the package; None if it leaves it."""
    text = relative.replace("\\", "/").strip()
    if text.startswith("/") or not text:
        return normalise_member_path(text.lstrip("/")) if text else None
    joined = posixpath.normpath(posixpath.join(base_dir, text)) if base_dir else posixpath.normpath(text)
    return normalise_member_path(joined)


def _is_macos_junk(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return bool(parts) and (parts[0] == "__MACOSX" or parts[-1].startswith("._") or parts[-1] == ".DS_Store")


class SafeZip:
    """The readable members of a package, read into memory on demand within `limits`.

    `skipped` holds a sentence for each entry that was refused (unsafe path, symbolic link).
    Raises BoardFileError when the file is not a zip or is too big to be a board package.
    """

    def __init__(self, data: bytes, source: str, limits: ZipLimits = DEFAULT_LIMITS) -> None:
        self.source = source
        self.limits = limits
        self.skipped: list[str] = []
        self._read_total = 0
        self._cache: dict[str, bytes] = {}
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise BoardFileError(
                f"{source}: not a readable zip package ({exc}). Fix: export the boards again as .obz"
            ) from None
        infos = self._zip.infolist()
        if len(infos) > limits.entries:
            raise PackageTooBigError(
                f"{source}: the package holds {len(infos):,} entries (more than {limits.entries:,}); "
                "it is not a board package or it is damaged"
            )
        declared = sum(i.file_size for i in infos)
        if declared > limits.total_bytes:
            raise PackageTooBigError(
                f"{source}: the package would expand to {declared / 1e6:,.1f} MB (more than "
                f"{limits.total_bytes / 1e6:,.1f} MB); it looks like a zip bomb and was not opened"
            )
        self._members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            if info.is_dir():
                continue
            clean = normalise_member_path(info.filename)
            if clean is None:
                self.skipped.append(f"{source}: ignored {info.filename!r}, a path outside the package")
                continue
            if stat.S_ISLNK(info.external_attr >> 16):
                self.skipped.append(f"{source}: ignored {info.filename!r}, a symbolic link")
                continue
            if _is_macos_junk(clean) or clean in self._members:
                continue
            self._members[clean] = info

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Close the underlying zip file."""
        self._zip.close()

    def names(self) -> list[str]:
        """The readable members (clean relative paths), in the package's order."""
        return list(self._members)

    def find(self, path: str) -> str | None:
        """The member named `path`, matched exactly, then ignoring case (packages made on Windows)."""
        if path in self._members:
            return path
        folded = path.casefold()
        return next((name for name in self._members if name.casefold() == folded), None)

    def read(self, path: str) -> bytes:
        """The bytes of member `path`; BoardFileError when it breaks the limits or is damaged."""
        if path in self._cache:
            return self._cache[path]
        info = self._members[path]
        where = f"{self.source}: {path}"
        limits = self.limits
        if info.file_size > limits.member_bytes:
            raise PackageTooBigError(
                f"{where} would expand to {info.file_size / 1e6:,.1f} MB (more than "
                f"{limits.member_bytes / 1e6:,.1f} MB for one file); the package was not imported"
            )
        if info.file_size > limits.ratio_floor_bytes and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise PackageTooBigError(
                f"{where} is compressed {info.file_size / max(info.compress_size, 1):,.0f} times; "
                "that is a zip bomb, not a board package, and it was not imported"
            )
        chunks = []
        size = 0
        try:
            with self._zip.open(info) as member:
                # zipfile stops at the declared size, but count anyway: the limit must hold whatever the header says.
                while chunk := member.read(_CHUNK_BYTES):
                    size += len(chunk)
                    if size > limits.member_bytes or self._read_total + size > limits.total_bytes:
                        raise PackageTooBigError(
                            f"{where}: the package expands beyond {limits.total_bytes / 1e6:,.1f} MB "
                            "in all; it was not imported"
                        )
                    chunks.append(chunk)
        except PackageTooBigError:
            raise
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
            raise BoardFileError(f"{where}: damaged inside the package ({exc}). Fix: export it again") from None
        self._read_total += size
        self._cache[path] = b"".join(chunks)
        return self._cache[path]
