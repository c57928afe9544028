"""Full and read-only disks, and a reader that goes away (issue 17): a clear message naming the
file, never a traceback; a rig cache that cannot be written does not stop the face being used.

The disks are real: a small tmpfs mounted inside a private user and mount namespace
(`unshare -rm`), filled up or remounted read-only. Nothing outside the namespace sees them.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.hostile import REPO, assert_clear_refusal, run_cli, text


def _namespaces_work() -> bool:
    if shutil.which("unshare") is None:
        return False
    done = subprocess.run(["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt 2>/dev/null || "
                           "mount -t tmpfs -o size=64k tmpfs /tmp"], capture_output=True)
    return done.returncode == 0


needs_namespaces = pytest.mark.skipif(
    not _namespaces_work(), reason="user and mount namespaces (unshare -rm) are not permitted here: no private tmpfs"
)


def _on_small_disk(mount: Path, size: str, prepare: str = "", read_only: bool = False) -> list[str]:
    """A wrapper that mounts a tmpfs of `size` on `mount`, runs `prepare` in it, optionally makes it read-only."""
    mount.mkdir(parents=True, exist_ok=True)
    steps = [f"mount -t tmpfs -o size={size},mode=0755 tmpfs {shlex.quote(str(mount))}"]
    if prepare:
        steps.append(prepare)
    if read_only:
        steps.append(f"mount -o remount,ro {shlex.quote(str(mount))}")
    return ["unshare", "-rm", "sh", "-c", " && ".join(steps) + ' && exec "$@"', "sh"]


def _face_photo(path: Path) -> Path:
    from skimage import data

    face = Image.fromarray(data.astronaut()[0:300, 100:350]).resize((650, 780), Image.LANCZOS)
    face.save(path)
    return path


@needs_namespaces
def test_a_full_disk_is_told_in_words(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    fill = f"head -c 200000 /dev/zero > {shlex.quote(str(disk))}/filler || true"
    wrap = _on_small_disk(disk, "256k", fill)
    long_text = "This sentence is spoken again and again to fill the disk. " * 60
    result = run_cli(disk / "profiles", "say", long_text, "--voice", "espeak:en-us", "-o", str(disk / "long.wav"),
                     wrap=wrap)
    err = assert_clear_refusal(result, f"{disk / 'long.wav'}: the speech could not be saved", "the disk is full")
    assert "Fix:" in err
    # The default profile exports as its profile file alone (no rig, no painted photo): a few kB, so the disk is full.
    full = _on_small_disk(disk, "256k", f"head -c 300000 /dev/zero > {shlex.quote(str(disk))}/filler || true")
    result = run_cli(disk / "profiles", "profile", "export", "default", "-o", str(disk / "default.zip"), wrap=full)
    assert_clear_refusal(result, "the disk is full")
    photo = _face_photo(tmp_path / "face.png")  # about 1 MB with its rig: more than the disk has left
    result = run_cli(disk / "profiles", "avatar", "build", str(photo), "--profile", "ada", wrap=wrap, timeout=180)
    assert_clear_refusal(result, str(disk / "profiles" / "ada"), "the disk is full")
    listed = run_cli(disk / "profiles", "profile", "list", wrap=wrap)
    assert listed.returncode == 0 and b"ada" not in listed.stdout  # no half-saved profile


@needs_namespaces
def test_a_read_only_profiles_folder_is_told_in_words(tmp_path: Path) -> None:
    disk = tmp_path / "ro"
    wrap = _on_small_disk(disk, "1m", read_only=True)
    result = run_cli(disk / "profiles", "profile", "new", stdin="ada\n" + "\n" * 30, wrap=wrap)
    assert_clear_refusal(result, "read-only")
    result = run_cli(tmp_path / "p", "say", "hello", "--voice", "espeak:en-us", "-o", str(disk / "x.wav"), wrap=wrap)
    assert_clear_refusal(result, "is on a read-only disk")


@needs_namespaces
def test_a_rig_cache_that_cannot_be_written_does_not_stop_the_face(tmp_path: Path) -> None:
    staged = tmp_path / "staged" / "ada"
    staged.mkdir(parents=True)
    _face_photo(staged / "photo.png")
    (staged / "profile.yaml").write_text(
        "name: ada\navatar:\n  photo: photo.png\nconsent:\n  agreed: true\n  agreed_by: self\n"
    )
    disk = tmp_path / "ro"
    copy = f"cp -r {shlex.quote(str(staged))} {shlex.quote(str(disk))}/ada"
    wrap = _on_small_disk(disk, "8m", copy, read_only=True)
    out_png = tmp_path / "pose.png"
    result = run_cli(disk, "avatar", "pose", "--profile", "ada", "-o", str(out_png), wrap=wrap, timeout=180)
    out, err = text(result)
    assert result.returncode == 0, err
    assert "the face could not be cached" in err and "read-only" in err
    assert "Traceback" not in err
    assert np.asarray(Image.open(out_png)).std() > 10  # a face was rendered, not a blank frame


def test_output_piped_into_a_reader_that_has_gone(tmp_path: Path) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # `| head -1` after head has exited
    env = {k: v for k, v in os.environ.items() if k != "AAC_AVATAR_PROFILES_DIR"}
    env["PYTHONPATH"] = str(REPO)
    done = subprocess.run([sys.executable, "-m", "aac", "--profiles-dir", str(tmp_path), "voices"],
                          stdout=write_end, stderr=subprocess.PIPE, env=env, cwd=REPO, timeout=60)
    os.close(write_end)
    err = done.stderr.decode()
    assert done.returncode == 0 and err == "", err


def test_voices_into_head_prints_one_line_quietly(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "AAC_AVATAR_PROFILES_DIR"}
    env["PYTHONPATH"] = str(REPO)
    aac = f"{shlex.quote(sys.executable)} -m aac --profiles-dir {shlex.quote(str(tmp_path))}"
    command = f"{aac} voices --variants | head -1"
    done = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, env=env, cwd=REPO,
                          timeout=60)
    assert done.stdout.decode().startswith("== ") and done.stderr.decode() == ""
