"""Moving profiles: export/import round trip, and every kind of unsafe archive refused."""

from __future__ import annotations

import io
import os
import stat
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from profiles.archive import ArchiveLimits, export_profile, import_profile
from profiles.errors import ProfileError, ProfileProblemsError
from profiles.schema import ConsentSection, Profile
from profiles.store import ProfileStore, profile_to_yaml


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (128, 128), (90, 120, 200)).save(out, "PNG")
    return out.getvalue()


def saved_store(root: Path) -> ProfileStore:
    store = ProfileStore(root)
    profile = Profile(
        name="ada",
        phrases=["Hello", "Thank you"],
        avatar={"photo": "photo.png"},
        consent=ConsentSection(pictured="Ada", agreed=True, agreed_by="self"),
    )
    store.save(profile, {"photo.png": png_bytes()})
    store.write_file("ada", "history/words.txt", b"hello\nthank you\n")
    store.save(profile)  # leaves a backup, which is not exported
    return store


def test_export_import_round_trip(tmp_path: Path) -> None:
    store = saved_store(tmp_path / "laptop1")
    archive = tmp_path / "out" / "ada.zip"
    members = export_profile(store, "ada", archive)
    assert sorted(members) == ["history/words.txt", "photo.png", "profile.yaml"]
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    new_store = ProfileStore(tmp_path / "laptop2")
    assert import_profile(new_store, archive) == "ada"
    assert new_store.load("ada") == store.load("ada")
    for name in ("photo.png", "history/words.txt"):
        copied = new_store.root / "ada" / name
        assert copied.read_bytes() == (store.root / "ada" / name).read_bytes()
        assert stat.S_IMODE(copied.stat().st_mode) == 0o600
    assert stat.S_IMODE((new_store.root / "ada" / "history").stat().st_mode) == 0o700
    # Under another name; the name inside follows.
    assert import_profile(new_store, archive, name="ada-copy") == "ada-copy"
    assert new_store.load("ada-copy").name == "ada-copy"
    assert not [p for p in new_store.root.iterdir() if p.name.startswith(".")]


def test_import_never_overwrites_without_force(tmp_path: Path) -> None:
    store = saved_store(tmp_path / "a")
    archive = tmp_path / "ada.zip"
    export_profile(store, "ada", archive)
    other = ProfileStore(tmp_path / "b")
    other.save(Profile(name="ada", phrases=["mine"]))
    with pytest.raises(ProfileError, match="already exists.*--name.*--force"):
        import_profile(other, archive)
    assert other.load("ada").phrases == ["mine"]
    import_profile(other, archive, force=True)
    assert other.load("ada").phrases == ["Hello", "Thank you"]
    assert (other.root / "ada" / "photo.png").is_file()
    assert not [p for p in other.root.iterdir() if p.name.startswith(".")]


def test_a_zip_of_the_profile_folder_itself_is_accepted(tmp_path: Path) -> None:
    archive = tmp_path / "folder.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("ada/profile.yaml", profile_to_yaml(Profile(name="ada")))
        z.writestr("ada/notes.txt", "x")
    store = ProfileStore(tmp_path / "s")
    assert import_profile(store, archive) == "ada"
    assert (store.root / "ada" / "notes.txt").read_text() == "x"


GOOD_YAML = profile_to_yaml(Profile(name="ada"))


def build_zip(path: Path, members: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for info, data in members:
            z.writestr(info, data)
    return path


def symlink_member(name: str) -> zipfile.ZipInfo:
    """A member that unzip tools would create as a symbolic link (its data is the link target)."""
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


UNSAFE = {
    "absolute path": ([("/tmp/evil.txt", b"x")], "absolute"),
    "windows drive": ([("C:/evil.txt", b"x")], "absolute"),
    "backslashes": ([("..\\evil.txt", b"x")], "Windows-style"),
    "dot-dot": ([("../evil.txt", b"x")], "outside the profile folder"),
    "dot-dot inside": ([("photos/../../evil.txt", b"x")], "outside the profile folder"),
    "symlink": ([(symlink_member("photo.png"), b"/etc/passwd")], "link"),
    "duplicate": ([("notes.txt", b"a"), ("notes.txt", b"b")], "twice"),
    "no profile": ([("notes.txt", b"a")], "has no profile.yaml"),
}


@pytest.mark.filterwarnings("ignore:Duplicate name")  # the duplicate case is made on purpose
@pytest.mark.parametrize("case", list(UNSAFE))
def test_unsafe_archives_are_refused_and_nothing_is_written(tmp_path: Path, case: str) -> None:
    members, expected = UNSAFE[case]
    if case != "no profile":
        members = [("profile.yaml", GOOD_YAML.encode()), *members]
    archive = build_zip(tmp_path / "bad.zip", members)
    store = ProfileStore(tmp_path / "store")
    with pytest.raises(ProfileError, match=expected) as caught:
        import_profile(store, archive)
    assert "\n" not in str(caught.value) and str(archive) in str(caught.value)
    assert not store.root.exists() or not list(store.root.iterdir())
    assert not (tmp_path / "evil.txt").exists() and not Path("/tmp/evil.txt").exists()


def test_oversized_members_total_and_counts_are_refused(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path / "store")
    profile = ("profile.yaml", GOOD_YAML.encode())
    big = build_zip(tmp_path / "big.zip", [profile, ("photo.png", os.urandom(5000))])
    with pytest.raises(ProfileError, match="is 5000 bytes"):
        import_profile(store, big, limits=ArchiveLimits(max_member_bytes=4000))
    with pytest.raises(ProfileError, match="more than 5500 bytes unpacked"):
        import_profile(store, big, limits=ArchiveLimits(max_total_bytes=5500))
    many = build_zip(tmp_path / "many.zip", [profile, *[(f"f{i}.txt", b"x") for i in range(10)]])
    with pytest.raises(ProfileError, match="11 members"):
        import_profile(store, many, limits=ArchiveLimits(max_members=5))
    assert not store.root.exists() or not list(store.root.iterdir())


def test_a_zip_bomb_is_refused_by_its_compression_ratio(tmp_path: Path) -> None:
    bomb = build_zip(tmp_path / "bomb.zip", [("profile.yaml", GOOD_YAML.encode()), ("rig.npz", bytes(48 << 20))])
    assert bomb.stat().st_size < 200_000
    store = ProfileStore(tmp_path / "store")
    with pytest.raises(ProfileError, match="zip bomb"):
        import_profile(store, bomb)
    assert not store.root.exists() or not list(store.root.iterdir())


def test_a_broken_profile_inside_is_reported_and_not_imported(tmp_path: Path) -> None:
    bad = GOOD_YAML.replace("rate: 1.0", "rate: 7")
    archive = build_zip(tmp_path / "bad.zip", [("profile.yaml", bad.encode())])
    store = ProfileStore(tmp_path / "store")
    with pytest.raises(ProfileProblemsError, match=r"bad\.zip/profile\.yaml:\d+: voice\.rate: 7 is out of range"):
        import_profile(store, archive)
    assert not store.root.exists() or not list(store.root.iterdir())


def test_not_a_zip_and_missing_file(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path / "store")
    (tmp_path / "x.zip").write_text("not a zip")
    with pytest.raises(ProfileError, match="not a zip archive"):
        import_profile(store, tmp_path / "x.zip")
    with pytest.raises(ProfileError, match="no such file"):
        import_profile(store, tmp_path / "missing.zip")
