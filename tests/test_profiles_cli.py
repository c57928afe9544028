"""`aac-avatar profile list|show|check|export|import` through the real command line."""

from __future__ import annotations

import zipfile
from pathlib import Path

import yaml

from profiles.schema import Profile
from profiles.store import BUNDLED_DIR, ProfileStore
from tests.test_profiles_wizard import run_cli


def test_list_show_and_check_the_shipped_default(tmp_path: Path) -> None:
    listed = run_cli(tmp_path, "profile", "list")
    assert listed.returncode == 0 and "default  en-US  piper:en_US-joe-medium  touch  (built in)" in listed.stdout
    shown = run_cli(tmp_path, "profile", "show", "default")
    assert shown.returncode == 0
    assert yaml.safe_load(shown.stdout)["voice"]["fallback_id"] == "espeak:en-us"
    checked = run_cli(tmp_path, "profile", "check", "default")
    if (BUNDLED_DIR / "default" / "photo.png").exists():
        assert checked.returncode == 0, checked.stdout
    else:  # the default face comes from the avatar work; until then the check says so
        assert checked.returncode == 1 and ":15: avatar.photo: the photo file 'photo.png'" in checked.stdout


def test_check_reports_every_problem_with_file_line_and_fix(tmp_path: Path) -> None:
    folder = tmp_path / "ada"
    folder.mkdir()
    (folder / "profile.yaml").write_text(
        "schema_version: 1\nname: ada\nvoice:\n  id: espeak:en-gbb\n  rat: 2\noutputs:\n  fps: 500\n"
    )
    result = run_cli(tmp_path, "profile", "check", str(folder / "profile.yaml"))
    assert result.returncode == 1
    out = result.stdout.splitlines()
    path = folder / "profile.yaml"
    assert out[0] == f"{path}:5: voice.rat: unknown setting 'rat'. Fix: did you mean 'rate'?"
    assert out[1].startswith(f"{path}:7: outputs.fps: 500 is out of range (1 to 60). Fix: ")
    assert "3 problems" not in result.stderr and "2 problems" in result.stderr
    # Once those are fixed, the unknown voice is found (by the real speech registry).
    (folder / "profile.yaml").write_text("schema_version: 1\nname: ada\nvoice:\n  id: espeak:en-gbb\n")
    result = run_cli(tmp_path, "profile", "check", str(folder))
    assert result.returncode == 1
    assert result.stdout.startswith(f"{path}:4: voice.id: unknown voice 'espeak:en-gbb'. Fix: did you mean")
    assert "Traceback" not in result.stderr


def test_a_broken_profile_gives_a_one_line_error_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "ada").mkdir()
    (tmp_path / "ada" / "profile.yaml").write_text("name: ada\nvoice: [\n")
    result = run_cli(tmp_path, "profile", "show", "ada")
    assert result.returncode == 2
    assert result.stderr.startswith("aac-avatar: ") and "profile.yaml:3: is not valid YAML" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    listed = run_cli(tmp_path, "profile", "list")
    assert listed.returncode == 0 and "ada  (has problems" in listed.stdout


def test_export_then_import_on_another_store(tmp_path: Path) -> None:
    ProfileStore(tmp_path / "one").save(Profile(name="ada", phrases=["Hi"]))
    archive = tmp_path / "ada.zip"
    exported = run_cli(tmp_path / "one", "profile", "export", "ada", "-o", str(archive))
    assert exported.returncode == 0, exported.stderr
    assert zipfile.ZipFile(archive).namelist() == ["profile.yaml"]
    imported = run_cli(tmp_path / "two", "profile", "import", str(archive), "--name", "ada2")
    assert imported.returncode == 0, imported.stderr
    assert ProfileStore(tmp_path / "two").load("ada2").phrases == ["Hi"]
    refused = run_cli(tmp_path / "two", "profile", "import", str(archive), "--name", "ada2")
    assert refused.returncode == 2 and "already exists" in refused.stderr
    forced = run_cli(tmp_path / "two", "profile", "import", str(archive), "--name", "ada2", "--force")
    assert forced.returncode == 0
