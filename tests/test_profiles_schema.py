"""Profiles: round trip, every kind of bad input located by file/line/field with a fix, migration."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from PIL import Image

from profiles.consent import photo_digest
from profiles.errors import ProfileError, ProfileProblemsError
from profiles.schema import SCHEMA_VERSION, Profile
from profiles.store import BUNDLED_DIR, ProfileStore, read_profile_file
from profiles.validate import check_file

DATA = Path(__file__).parent / "data" / "profiles"

GOOD = """\
schema_version: 1
name: ada
language: en-GB
voice:
  id: espeak:en-gb
  rate: 1.2
  pitch_semitones: -2
avatar:
  photo: face.png
  default_emotion: happy
outputs:
  width: 640
  height: 480
  fps: 25
access:
  method: switch_scan
  scan_interval_s: 1.5
phrases:
  - Hello
  - "Yes"
consent:
  pictured: Ada
  agreed: true
  agreed_by: self
  set_up_by: Ben
  date: 2026-11-01
"""


def write_photo(path: Path, size: int = 256) -> Path:
    """A small made-up picture (not a real face: these tests check files, not faces)."""
    image = Image.new("RGB", (size, size), (200, 160, 140))
    for x in range(size // 4, 3 * size // 4):
        image.putpixel((x, size // 2), (40, 20, 20))
    image.save(path)
    return path


def make_folder(tmp_path: Path, text: str, photo: bool = True) -> Path:
    folder = tmp_path / "ada"
    folder.mkdir()
    (folder / "profile.yaml").write_text(text)
    if photo:
        write_photo(folder / "face.png")
        if "  date: 2026-11-01\n" in text:  # the consent record names the photo it was given for
            digest = photo_digest(folder / "face.png")
            (folder / "profile.yaml").write_text(text.replace("  date: 2026-11-01\n",
                                                              f"  date: 2026-11-01\n  photo_sha256: {digest}\n"))
    return folder


def test_round_trip_through_the_store_keeps_every_setting(tmp_path: Path) -> None:
    folder = make_folder(tmp_path, GOOD)
    profile = read_profile_file(folder / "profile.yaml")
    assert profile.voice.rate == 1.2 and profile.access.method == "switch_scan"
    assert profile.consent.date == dt.date(2026, 11, 1)
    store = ProfileStore(tmp_path / "store")
    path = store.save(profile, {"face.png": folder / "face.png"})
    again = store.load("ada")
    assert again == profile
    assert again.model_dump() == profile.model_dump()
    # And the file it wrote passes the full check, photo included.
    loaded, problems = check_file(path)
    assert problems == [] and loaded == profile


def test_the_shipped_default_profile_loads(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    loaded = store.open("default")
    assert loaded.bundled and loaded.directory == BUNDLED_DIR / "default"
    assert loaded.profile.voice.id == "piper:en_US-joe-medium"
    assert loaded.profile.voice.fallback_id == "espeak:en-us"
    assert loaded.photo_path is None  # it shows a shipped face of nobody: avatar.default_face
    assert store.list() == ["default"]


def problems_of(tmp_path: Path, text: str, photo: bool = True, voice_problem=None):
    folder = make_folder(tmp_path, text, photo)
    before = (folder / "profile.yaml").read_bytes()
    profile, problems = check_file(folder / "profile.yaml", voice_problem)
    # A failed load through the store must not touch the stored file either.
    store = ProfileStore(tmp_path)
    if problems and profile is None:
        with pytest.raises(ProfileError):
            store.load("ada")
    assert (folder / "profile.yaml").read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == sorted(["profile.yaml", *(["face.png"] if photo else [])])
    return folder / "profile.yaml", problems


def one_problem(tmp_path: Path, text: str, **kwargs):
    path, problems = problems_of(tmp_path, text, **kwargs)
    assert len(problems) == 1, problems
    problem = problems[0]
    assert problem.file == path
    message = str(problem)
    assert message.startswith(f"{path}:{problem.line}: ") and "Fix: " in message
    return problem


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    text = GOOD.replace("  rate: 1.2\n", "  rate: [1.2\n")
    problem = one_problem(tmp_path, text)
    assert "not valid YAML" in problem.message
    assert problem.line is not None and 6 <= problem.line <= 8


def test_wrong_type_names_line_and_field(tmp_path: Path) -> None:
    problem = one_problem(tmp_path, GOOD.replace("fps: 25", "fps: fast"))
    assert (problem.line, problem.field) == (14, "outputs.fps")
    assert "whole number" in problem.fix


def test_unknown_key_suggests_the_right_one(tmp_path: Path) -> None:
    problem = one_problem(tmp_path, GOOD.replace("  rate: 1.2", "  rat: 1.2"))
    assert (problem.line, problem.field) == (6, "voice.rat")
    assert problem.fix == "did you mean 'rate'?"


def test_unknown_key_without_a_close_match_lists_the_known_ones(tmp_path: Path) -> None:
    problem = one_problem(tmp_path, GOOD + "colour: blue\n")
    assert problem.field == "colour" and "access" in problem.fix and "voice" in problem.fix


def test_out_of_range_number_gives_the_range(tmp_path: Path) -> None:
    problem = one_problem(tmp_path, GOOD.replace("pitch_semitones: -2", "pitch_semitones: -30"))
    assert (problem.line, problem.field) == (7, "voice.pitch_semitones")
    assert "-12.0 to 12.0" in problem.fix


def test_missing_photo_file(tmp_path: Path) -> None:
    problem = one_problem(tmp_path, GOOD, photo=False)
    assert (problem.line, problem.field) == (9, "avatar.photo")
    assert "face.png" in problem.message and "not in the profile folder" in problem.message


def test_photo_that_is_not_an_image(tmp_path: Path) -> None:
    folder = tmp_path / "ada"
    folder.mkdir()
    (folder / "profile.yaml").write_text(GOOD)
    (folder / "face.png").write_text("this is text, not a picture")
    profile, problems = check_file(folder / "profile.yaml")
    assert len(problems) == 1
    assert (problems[0].line, problems[0].field) == (9, "avatar.photo")
    assert "not an image" in problems[0].message and "PNG or JPEG" in problems[0].fix


def test_a_truncated_photo_is_not_an_image(tmp_path: Path) -> None:
    folder = make_folder(tmp_path, GOOD)
    whole = (folder / "face.png").read_bytes()
    (folder / "face.png").write_bytes(whole[: len(whole) // 2])
    _, problems = check_file(folder / "profile.yaml")
    assert [p.field for p in problems] == ["avatar.photo"]


def test_unknown_voice_is_reported_through_the_checker_given(tmp_path: Path) -> None:
    installed = {"espeak:en-us", "espeak:en-gb"}

    def voice_problem(voice_id: str) -> str | None:
        return None if voice_id in installed else f"unknown voice {voice_id!r}; pick one from the list"

    text = GOOD.replace("id: espeak:en-gb", "id: espeak:en-zz")
    problem = one_problem(tmp_path, text, voice_problem=voice_problem)
    assert (problem.line, problem.field) == (5, "voice.id")
    assert problem.fix == "pick one from the list"


def test_unknown_voice_with_the_real_speech_registry(tmp_path: Path) -> None:
    from aac.commands.profile import voice_checker

    checker = voice_checker()
    assert checker is not None, "speech.registry should be importable in this project"
    assert checker("espeak:en-us") is None
    text = GOOD.replace("id: espeak:en-gb", "id: espeak:en-gbb")
    problem = one_problem(tmp_path, text, voice_problem=checker)
    assert problem.field == "voice.id" and "espeak:en-gb" in problem.fix


def test_newer_schema_version_says_update(tmp_path: Path) -> None:
    text = GOOD.replace("schema_version: 1", f"schema_version: {SCHEMA_VERSION + 1}") + "hologram: true\n"
    problem = one_problem(tmp_path, text)
    assert (problem.line, problem.field) == (1, "schema_version")
    assert "newer aac-avatar" in problem.message and "update aac-avatar" in problem.fix


def test_every_problem_is_reported_at_once_in_file_order(tmp_path: Path) -> None:
    text = (
        GOOD.replace("language: en-GB", "language: english")
        .replace("  rate: 1.2", "  rate: 9")
        .replace("default_emotion: happy", "default_emotion: joyful")
        .replace("method: switch_scan", "method: scan")
        .replace("  - Hello", "  - 42")
    )
    _, problems = problems_of(tmp_path, text, photo=False)
    # Schema problems stop the folder checks, so the missing photo is not among them yet.
    assert [(p.line, p.field) for p in problems] == [
        (3, "language"),
        (6, "voice.rate"),
        (10, "avatar.default_emotion"),
        (16, "access.method"),
        (19, "phrases[0]"),
    ]
    assert all(p.fix for p in problems)


def test_the_store_error_is_one_line_naming_file_line_field(tmp_path: Path) -> None:
    make_folder(tmp_path, GOOD.replace("  rate: 1.2", "  rate: 9").replace("fps: 25", "fps: 0"))
    with pytest.raises(ProfileProblemsError) as caught:
        ProfileStore(tmp_path).load("ada")
    message = str(caught.value)
    assert "\n" not in message
    assert f"{tmp_path / 'ada' / 'profile.yaml'}:6: voice.rate: 9 is out of range" in message
    assert "and 1 more problem" in message and "profile check" in message
    assert len(caught.value.problems) == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "is empty"),
        ("- a\n- b\n", "not a mapping"),
        ("name: a\nname: b\n", "set twice"),
        ("name: &x a\nlanguage: *x\n", "anchor"),
        ("schema_version: 1\nname: a\nvoice: en-us\n", "wrong type"),
        ("name: ../../etc\n", "cannot name a profile"),
        ("name: a\navatar:\n  photo: /etc/passwd\n", "absolute"),
        ("name: a\navatar:\n  photo: ../x.png\n", "leaves the profile folder"),
    ],
)
def test_other_bad_files_are_located_and_never_crash(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "profile.yaml"
    path.write_text(text)
    _, problems = check_file(path)
    assert problems and expected in str(problems[0]), problems
    assert all(p.file == path and p.fix for p in problems)


def test_non_utf8_and_oversized_files(tmp_path: Path) -> None:
    path = tmp_path / "profile.yaml"
    path.write_bytes(b"name: caf\xe9\n")
    assert "UTF-8" in check_file(path)[1][0].message
    path.write_bytes(b"# " + b"x" * (2 << 20))
    assert "too large" in check_file(path)[1][0].message
    assert "cannot be read" in check_file(tmp_path / "missing.yaml")[1][0].message


def test_migration_from_the_version_0_sample(tmp_path: Path) -> None:
    folder = tmp_path / "Sam"
    shutil.copytree(DATA / "v0", folder)
    before = (folder / "profile.yaml").read_bytes()
    profile = ProfileStore(tmp_path).load("Sam")
    assert profile.schema_version == SCHEMA_VERSION
    assert profile.name == "Sam" and profile.language == "en-GB"
    assert profile.voice.id == "espeak:en-gb+f3"
    assert profile.voice.rate == pytest.approx(1.2)
    assert profile.voice.pitch_semitones == pytest.approx(2.0)
    assert profile.avatar.photo == "sam.jpg"
    assert (profile.outputs.width, profile.outputs.height, profile.outputs.fps) == (640, 480, 25)
    assert profile.access.method == "switch_scan" and profile.access.scan_interval_s == 1.5
    assert profile.phrases == ["Hello, I'm Sam.", "Give me a moment to type."]
    # Loading upgrades in memory only; saving writes the new layout and keeps the old as backup.
    assert (folder / "profile.yaml").read_bytes() == before
    ProfileStore(tmp_path).save(profile)
    assert (folder / "profile.yaml.bak").read_bytes() == before
    assert ProfileStore(tmp_path).load("Sam") == profile
    assert "schema_version: 1" in (folder / "profile.yaml").read_text()


def test_a_bad_value_in_a_version_0_file_points_at_its_old_line(tmp_path: Path) -> None:
    path = tmp_path / "profile.yaml"
    path.write_text((DATA / "v0" / "profile.yaml").read_text().replace("speed: 210", "speed: 900"))
    _, problems = check_file(path)
    assert len(problems) == 1
    assert problems[0].line == 6 and problems[0].field.startswith("speed (read as voice.rate")


def test_profile_model_refuses_bad_assignments() -> None:
    profile = Profile(name="x")
    with pytest.raises(ValueError):
        profile.voice.rate = 10
    with pytest.raises(ValueError):
        Profile(name="x", voice={"id": "no backend"})


def test_an_impossible_date_is_located(tmp_path: Path) -> None:
    path = tmp_path / "profile.yaml"
    path.write_text("schema_version: 1\nname: a\nconsent:\n  date: 2024-13-45\n")
    _, problems = check_file(path)
    assert len(problems) == 1 and problems[0].line == 4 and "month must be in 1..12" in problems[0].message
