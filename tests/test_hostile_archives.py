"""Hostile profile archives (issue 17): refused with a message naming the archive, nothing written."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.hostile import assert_clear_refusal, run_cli

PROFILE = "name: ada\n"


def _zip(path: Path, members: dict[str, bytes | str], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _refused(tmp_path: Path, archive: Path, *expected: str) -> None:
    store = tmp_path / "store"
    result = run_cli(store, "profile", "import", str(archive))
    assert_clear_refusal(result, str(archive), *expected)
    assert not (store / "ada").exists()
    assert not any(p.name.startswith(".import-") for p in store.glob(".*")), "staging left behind"


def test_a_bad_crc_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "crc.zip", {"profile.yaml": PROFILE, "notes.txt": "x" * 5000},
                   compression=zipfile.ZIP_STORED)
    data = bytearray(archive.read_bytes())
    at = data.index(b"x" * 100)
    data[at] = ord("y")  # one byte of the stored member changed: its CRC no longer matches
    archive.write_bytes(bytes(data))
    _refused(tmp_path, archive, "damaged", "notes.txt")


def test_a_bad_local_header_is_refused(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "header.zip", {"profile.yaml": PROFILE, "notes.txt": "hello"})
    data = bytearray(archive.read_bytes())
    second = data.index(b"PK\x03\x04", 4)
    data[second:second + 4] = b"XX\x03\x04"  # the second member's local header signature broken
    archive.write_bytes(bytes(data))
    _refused(tmp_path, archive, "notes.txt")


def test_a_300_character_member_name_is_refused(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "long.zip", {"profile.yaml": PROFILE, "a" * 300 + ".png": b"x"})
    _refused(tmp_path, archive, "longer than 255 bytes")


def test_many_small_members_expanding_a_thousandfold_are_refused(tmp_path: Path) -> None:
    members = {"profile.yaml": PROFILE, **{f"board{i}.obf": b"\0" * 900_000 for i in range(150)}}
    archive = _zip(tmp_path / "bomb.zip", members)
    assert archive.stat().st_size * 500 < 150 * 900_000  # each member is under 1 MiB, the whole over 500x
    _refused(tmp_path, archive, "expands", "zip bomb")


@pytest.mark.parametrize("planted", ["profile.yaml.bak", ".hidden", "boards/.cache/x", ".profile.yaml.abc.tmp"])
def test_planted_backup_and_hidden_files_are_refused(tmp_path: Path, planted: str) -> None:
    archive = _zip(tmp_path / "plant.zip", {"profile.yaml": PROFILE, planted: "name: evil\n"})
    _refused(tmp_path, archive, planted.split("/")[0] if planted.startswith(".") else planted)


def test_mac_metadata_is_skipped_not_refused(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "mac.zip", {"profile.yaml": PROFILE, "__MACOSX/._profile.yaml": b"\0\5\26\7"})
    result = run_cli(tmp_path / "store", "profile", "import", str(archive))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "store" / "ada").iterdir()) == ["profile.yaml"]
