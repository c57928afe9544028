"""Hostile profile files (issue 17): each a clear problem naming the file, and the rest still usable."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from profiles.store import ProfileStore
from profiles.wizard import claim_name
from tests.hostile import assert_clear_refusal, run_cli, text


def _profile(root: Path, name: str, body: str) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    path = folder / "profile.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_check_of_an_endless_device_and_of_a_fifo_ends_at_once(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo.yaml")
    for target in ("/dev/zero", str(tmp_path / "fifo.yaml")):
        result = run_cli(tmp_path / "p", "profile", "check", target, timeout=30)
        out, _ = text(result)
        assert result.returncode == 1 and f"{target}: is not a plain file" in out


def test_a_profile_nested_50000_deep_is_a_problem_and_list_goes_on(tmp_path: Path) -> None:
    root = tmp_path / "p"
    deep = _profile(root, "aaa", "name: aaa\nphrases: " + "[" * 50_000 + "]" * 50_000 + "\n")
    _profile(root, "zed", "name: zed\n")
    result = run_cli(root, "profile", "check", str(deep))
    out, err = text(result)
    assert result.returncode == 1 and "nested far too deeply" in out and "Traceback" not in err
    listed = run_cli(root, "profile", "list")
    out, err = text(listed)
    assert listed.returncode == 0 and "aaa  (has problems" in out and "zed  en-US" in out, out + err
    assert_clear_refusal(run_cli(root, "profile", "show", "aaa"), "nested far too deeply")


def test_volume_no_is_not_silence(tmp_path: Path) -> None:
    path = _profile(tmp_path, "ada", "name: ada\nvoice:\n  volume: no\n")
    result = run_cli(tmp_path, "profile", "check", str(path))
    out, _ = text(result)
    assert result.returncode == 1
    assert f"{path}:3: voice.volume: false (YAML's reading of yes/no/on/off) is not a number" in out


def test_a_consent_date_in_2999_is_refused(tmp_path: Path) -> None:
    path = _profile(tmp_path, "ada", "name: ada\nconsent:\n  date: 2999-01-01\n")
    out, _ = text(run_cli(tmp_path, "profile", "check", str(path)))
    assert f"{path}:3: consent.date: the consent date 2999-01-01 is in the future" in out
    today = _profile(tmp_path, "bob", f"name: bob\nconsent:\n  date: {dt.date.today()}\n")
    assert run_cli(tmp_path, "profile", "check", str(today)).returncode == 0


def test_check_reports_every_problem_past_a_value_yaml_cannot_build(tmp_path: Path) -> None:
    path = _profile(tmp_path, "ada", "name: ada\nconsent:\n  date: 2024-13-45\nvoice:\n  rate: 9\n"
                    "outputs:\n  fps: 0\nconsent2: 1\n")
    result = run_cli(tmp_path, "profile", "check", str(path))
    out, err = text(result)
    lines = out.splitlines()
    assert result.returncode == 1 and "4 problems" in err, out + err
    assert lines[0].startswith(f"{path}:3: has a value YAML cannot read ('2024-13-45'")
    assert lines[1].startswith(f"{path}:5: voice.rate: 9 is out of range")
    assert lines[2].startswith(f"{path}:7: outputs.fps: 0 is out of range")
    assert lines[3].startswith(f"{path}:8: consent2: unknown setting")


def test_two_setups_of_one_name_keep_both(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    assert claim_name(store, "ada") == "ada"
    assert claim_name(store, "ada") == "ada-2"  # the second setup, which asked while "ada" was free


def test_two_wizards_racing_for_one_name_both_kept(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.hostile import REPO

    answers = "ada\n" + "\n" * 40
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("AAC_AVATAR_PROFILES_DIR", None)
    runs = [subprocess.Popen([sys.executable, "-m", "aac", "--profiles-dir", str(tmp_path), "profile", "new"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=REPO)
            for _ in range(2)]
    outs = [p.communicate(answers.encode(), timeout=120) for p in runs]
    said = [o.decode() + e.decode() for o, e in outs]
    saved = [s for s in said if "Saved: " in s]
    # Whoever says "Saved" has a profile of their own; one that came second is told, never silently lost.
    names = sorted(ProfileStore(tmp_path).list())
    assert len(names) == 1 + len(saved), (names, said)
    assert saved and all("Saved: " in s or "a profile named 'ada' already exists" in s for s in said), said
    if len(saved) == 2:
        assert names == ["ada", "ada-2", "default"]
        assert sum("saved as 'ada-2' instead" in s for s in said) == 1


def test_a_fifth_switch_key_is_refused_not_dropped(tmp_path: Path) -> None:
    answers = "ada\nen-US\nnone\nself\n\n\n\nno\nswitch_scan\n1.0\na b c d e\n"
    result = run_cli(tmp_path, "profile", "new", stdin=answers)
    out, err = text(result)
    assert result.returncode != 0 and "at most 4 switch keys (5 given)" in out + err
    assert not (tmp_path / "ada").exists()


def test_the_wizard_closing_hint_names_commands_that_work(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "profile", "new", stdin="ada\nen-US\n" + "\n" * 30)
    out, _ = text(result)
    assert result.returncode == 0
    hint = next(line for line in out.splitlines() if "Start the board with" in line)
    command = hint.split("`")[1].split()
    assert command[:3] == ["aac-avatar", "--profiles-dir", str(tmp_path)] and command[3:] == ["app", "--profile", "ada"]
    # the same options parse as the real command line's
    from aac.cli import build_parser

    parsed = build_parser().parse_args(command[1:])
    assert parsed.profile == "ada" and parsed.profiles_dir == tmp_path


def test_en_gb_offers_a_british_voice_first(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "profile", "new", stdin="ada\nen-GB\n" + "\n" * 30)
    out, _ = text(result)
    assert result.returncode == 0, out
    first = next(line for line in out.splitlines() if line.strip().startswith("1. "))
    assert "en-gb" in first.lower().replace("_", "-"), first
    saved = ProfileStore(tmp_path).load("ada")
    assert "gb" in saved.voice.id.lower(), saved.voice.id


def test_an_imported_profile_naming_a_missing_photo_is_warned_of(tmp_path: Path) -> None:
    import zipfile

    archive = tmp_path / "ada.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("profile.yaml", "name: ada\navatar:\n  photo: photo.png\nconsent:\n  agreed: true\n"
                                   "  agreed_by: self\n")
    result = run_cli(tmp_path / "p", "profile", "import", str(archive))
    out, err = text(result)
    assert result.returncode == 0 and "imported profile 'ada'" in out
    assert "warning: the photo file 'photo.png' is not in the profile folder" in err


def test_the_wizard_refuses_a_consent_date_in_2999_at_the_question(tmp_path: Path) -> None:
    from tests.test_profiles_wizard import photo

    face = photo(tmp_path)
    answers = f"ada\nen-US\n{face}\nada\nyes\nself\nself\n2999-01-01\n"
    result = run_cli(tmp_path / "p", "profile", "new", stdin=answers)
    assert_clear_refusal(result, "Date of the agreement", "the consent date 2999-01-01 is in the future")
    assert not (tmp_path / "p" / "ada").exists()
