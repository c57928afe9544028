"""Profiles on disk: where they live, owner-only files, backups, and saves killed part-way."""

from __future__ import annotations

import os
import random
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from profiles.errors import ProfileError
from profiles.schema import Profile
from profiles.store import BUNDLED_DIR, ENV_VAR, ProfileStore, default_root

REPO = Path(__file__).resolve().parents[1]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_root_from_argument_then_environment_then_user_data_dir(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "from-env"))
    assert ProfileStore().root == tmp_path / "from-env"
    assert ProfileStore(tmp_path / "given").root == tmp_path / "given"
    monkeypatch.delenv(ENV_VAR)
    assert default_root().parts[-2:] == ("aac-avatar", "profiles")


@pytest.mark.skipif(os.name != "posix", reason="owner-only modes 0600/0700 are POSIX permissions")
def test_files_and_folders_are_owner_only_even_with_an_open_umask(tmp_path: Path) -> None:
    old_umask = os.umask(0)
    try:
        store = ProfileStore(tmp_path / "data" / "profiles")
        store.save(Profile(name="kim"), {"photo.png": b"not checked here"})
        store.save(Profile(name="kim", phrases=["second"]))
        store.write_file("kim", "history/words.txt", b"hello\n")
    finally:
        os.umask(old_umask)
    folder = store.root / "kim"
    for directory in (tmp_path / "data", store.root, folder, folder / "history"):
        assert mode(directory) == 0o700, directory
    for file in (
        folder / "profile.yaml",
        folder / "profile.yaml.bak",
        folder / "photo.png",
        folder / "history/words.txt",
    ):
        assert mode(file) == 0o600, file


def test_save_keeps_the_previous_version_as_backup(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    store.save(Profile(name="kim", phrases=["one"]))
    first = (tmp_path / "kim" / "profile.yaml").read_bytes()
    store.save(Profile(name="kim", phrases=["two"]))
    assert (tmp_path / "kim" / "profile.yaml.bak").read_bytes() == first
    assert store.load("kim").phrases == ["two"]
    assert store.list() == ["default", "kim"]
    assert sorted(p.name for p in (tmp_path / "kim").iterdir()) == ["profile.yaml", "profile.yaml.bak"]


def test_changing_the_default_copies_it_into_the_store_and_never_writes_the_shipped_one(tmp_path: Path) -> None:
    shipped = {p.name: p.read_bytes() for p in (BUNDLED_DIR / "default").iterdir() if p.is_file()}
    store = ProfileStore(tmp_path)
    profile = store.load("default")
    profile.voice.rate = 1.3
    store.save(profile)
    assert {p.name: p.read_bytes() for p in (BUNDLED_DIR / "default").iterdir() if p.is_file()} == shipped
    loaded = store.open("default")
    assert not loaded.bundled and loaded.directory == tmp_path / "default"
    assert loaded.profile.voice.rate == 1.3
    for name, data in shipped.items():  # its photo and rig come along, when they are shipped
        if name != "profile.yaml":
            assert (tmp_path / "default" / name).read_bytes() == data


def test_names_that_are_not_folder_names_are_refused(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    for bad in ("../escape", "a/b", "", ".hidden", "con", "trailing."):
        with pytest.raises(ProfileError):
            store.load(bad)
    with pytest.raises(ValueError):
        Profile(name="../escape")
    with pytest.raises(ProfileError):
        store.write_file("kim", "../outside.txt", b"x")
    assert not (tmp_path / "outside.txt").exists()


def test_a_missing_profile_says_how_to_find_or_make_one(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="profile list.*profile new"):
        ProfileStore(tmp_path).load("nobody")


# The child saves profile "big" once with new content. `os.fsync`/`os.replace` are wrapped
# (in the child only) so that it stops at one chosen point of the save and waits to be
# killed; everything else is the real code.
KILL_CHILD = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from profiles.store import ProfileStore

    root, kill_at = Path(sys.argv[1]), sys.argv[2]
    store = ProfileStore(root)
    profile = store.load("big")
    profile.phrases = [f"new phrase number {i}, written by the killed save" for i in range(3000)]
    calls = {"fsync": 0, "replace": 0}
    real_fsync, real_replace = os.fsync, os.replace

    def stop_here():
        print("stopped", flush=True)
        time.sleep(120)

    def fsync(fd):
        calls["fsync"] += 1
        real_fsync(fd)
        if kill_at == f"after_fsync{calls['fsync']}":
            stop_here()

    def replace(src, dst):
        calls["replace"] += 1
        if kill_at == f"before_replace{calls['replace']}":
            stop_here()
        real_replace(src, dst)
        if kill_at == f"after_replace{calls['replace']}":
            stop_here()

    os.fsync, os.replace = fsync, replace
    store.save(profile)
    print("finished", flush=True)
    """
)


def big_profile() -> Profile:
    return Profile(name="big", phrases=[f"old phrase number {i}" for i in range(3000)])


# Save order: backup temp written+fsynced (fsync1), renamed (replace1), folder fsynced
# (fsync2); new profile temp written+fsynced (fsync3), renamed (replace2), folder (fsync4).
@pytest.mark.parametrize(
    ("kill_at", "new_visible"),
    [
        ("after_fsync1", False),
        ("after_replace1", False),
        ("after_fsync3", False),
        ("before_replace2", False),
        ("after_replace2", True),
    ],
)
def test_a_save_killed_part_way_leaves_a_loadable_profile(tmp_path: Path, kill_at: str, new_visible: bool) -> None:
    store = ProfileStore(tmp_path)
    old = big_profile()
    store.save(old)
    child = subprocess.Popen(
        [sys.executable, "-c", KILL_CHILD, str(tmp_path), kill_at],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "stopped"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    loaded = ProfileStore(tmp_path).load("big")
    if new_visible:
        assert loaded.phrases[0].startswith("new phrase")
    else:
        assert loaded == old
    if kill_at in ("after_fsync1", "after_fsync3", "before_replace2"):
        # The kill really landed mid-save: a written temp file was left behind, unused.
        assert [p for p in (tmp_path / "big").iterdir() if p.name.endswith(".tmp")]
    # And the next save works and cleans nothing it should not.
    store.save(Profile(name="big", phrases=["after the crash"]))
    assert ProfileStore(tmp_path).load("big").phrases == ["after the crash"]


# The child saves two versions in turn, each with a 16 MB file beside the profile; the
# parent kills it with no help from the child, at moments it picks by watching the folder
# for the temporary files of a write under way (and counts the kills that hit one).
RANDOM_CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from profiles.schema import Profile
    from profiles.store import ProfileStore

    store = ProfileStore(Path(sys.argv[1]))
    versions = [
        (Profile(name="big", phrases=[f"version {v} phrase {i}" for i in range(3000)]), v.encode() * (16 << 20))
        for v in ("A", "B")
    ]
    store.save(versions[0][0], {"history.bin": versions[0][1]})
    print("ready", flush=True)
    n = 0
    while True:
        n += 1
        profile, history = versions[n % 2]
        store.save(profile, {"history.bin": history})
    """
)


@pytest.mark.slow
def test_saves_killed_at_random_moments_always_leave_whole_files(tmp_path: Path) -> None:
    rng = random.Random(3)
    kills_mid_write = 0
    folder = tmp_path / "big"
    for _ in range(8):
        child = subprocess.Popen(
            [sys.executable, "-c", RANDOM_CHILD, str(tmp_path)], cwd=REPO, stdout=subprocess.PIPE, text=True
        )
        try:
            assert child.stdout.readline().strip() == "ready"
            time.sleep(rng.uniform(0.0, 0.2))  # somewhere in its save loop
            # then the moment a temporary file shows that a write is under way, give or take
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and not any(n.endswith(".tmp") for n in os.listdir(folder)):
                pass
            time.sleep(rng.uniform(0.0, 0.01))
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
        phrases = ProfileStore(tmp_path).load("big").phrases
        assert len(phrases) == 3000 and phrases[0] in ("version A phrase 0", "version B phrase 0")
        assert all(p.startswith(phrases[0][:9]) for p in phrases)
        history = (tmp_path / "big" / "history.bin").read_bytes()
        assert len(history) == 16 << 20 and history.count(history[:1]) == len(history)
        temps = [p for p in (tmp_path / "big").iterdir() if p.name.endswith(".tmp")]
        kills_mid_write += bool(temps)
        for temp in temps:
            temp.unlink()
    # Most kills land mid-write; none at all would mean this test tested nothing.
    assert kills_mid_write >= 1, kills_mid_write
    print(f"{kills_mid_write} of 8 kills landed mid-write")
