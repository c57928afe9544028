"""The setup wizard, driven end to end through the real command line with answers on stdin."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from profiles.consent import photo_digest
from profiles.store import ProfileStore

REPO = Path(__file__).resolve().parents[1]


def run_cli(profiles_dir: Path, *args: str, answers: str | None = None) -> subprocess.CompletedProcess:
    """`python -m aac --profiles-dir DIR ARGS...`, stdin from `answers` (a pipe, never a terminal)."""
    env = {k: v for k, v in os.environ.items() if k != "AAC_AVATAR_PROFILES_DIR"}
    return subprocess.run(
        [sys.executable, "-m", "aac", "--profiles-dir", str(profiles_dir), *args],
        input=answers if answers is not None else "",
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=120,
    )


def photo(tmp_path: Path, name: str = "face.jpg") -> Path:
    path = tmp_path / name
    Image.new("RGB", (320, 320), (180, 140, 120)).save(path)
    return path


def lines(*answers: str) -> str:
    return "".join(a + "\n" for a in answers)


def test_every_step_answered_on_stdin(tmp_path: Path) -> None:
    face = photo(tmp_path)
    answers = lines(
        "Ada",  # name
        "en-GB",  # language
        str(face),  # photo
        "Ada",  # who is pictured
        "yes",  # agrees
        "her mother, Ruth",  # who agreed
        "Ben",  # who set it up
        "2026-11-20",  # date
        "espeak:en-gb",  # voice
        "1.2",  # rate
        "-2",  # pitch
        "no",  # hear a sample
        "switch_scan",
        "1.5",  # scan interval
        "space",  # switch keys
        "yes",  # camera
        "640x480",
        "25",
        "no",  # microphone
        "no",  # speakers
        "yes",  # save
    )
    result = run_cli(tmp_path / "profiles", "profile", "new", answers=answers)
    assert result.returncode == 0, result.stderr
    assert "[en-US]" in result.stdout and "[1280x720]" in result.stdout  # defaults shown in brackets
    loaded = ProfileStore(tmp_path / "profiles").open("Ada")
    p = loaded.profile
    assert (p.name, p.language) == ("Ada", "en-GB")
    assert (p.voice.id, p.voice.rate, p.voice.pitch_semitones) == ("espeak:en-gb", 1.2, -2.0)
    assert p.avatar.photo == "photo.jpg" and loaded.photo_path.read_bytes() == face.read_bytes()
    assert p.consent.model_dump() == {
        "pictured": "Ada",
        "agreed": True,
        "agreed_by": "her mother, Ruth",
        "set_up_by": "Ben",
        "date": dt.date(2026, 11, 20),
        "photo_sha256": photo_digest(face),  # consent belongs to this photo
        "label_off_date": None,
        "label_off_by": None,
    }
    assert (p.access.method, p.access.scan_interval_s, p.access.switch_keys) == ("switch_scan", 1.5, ["space"])
    assert (p.outputs.camera, p.outputs.width, p.outputs.height, p.outputs.fps) == (True, 640, 480, 25)
    assert (p.outputs.microphone, p.outputs.speakers_monitor) == (False, False)
    # The profile it wrote passes the full check, voices included, through the CLI too.
    check = run_cli(tmp_path / "profiles", "profile", "check", "Ada")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "no problems" in check.stdout


def test_end_of_input_accepts_every_default(tmp_path: Path) -> None:
    result = run_cli(tmp_path / "profiles", "profile", "new", answers="")
    assert result.returncode == 0, result.stderr
    p = ProfileStore(tmp_path / "profiles").load("me")
    assert p.language == "en-US" and p.voice.id == "piper:en_US-joe-medium"
    assert p.avatar.photo is None and p.access.method == "touch"
    assert (p.outputs.width, p.outputs.height, p.outputs.fps) == (1280, 720, 30)
    assert p.phrases  # the shipped starter phrases, same language
    # A second run picks a free name rather than overwriting.
    assert run_cli(tmp_path / "profiles", "profile", "new", answers="").returncode == 0
    assert ProfileStore(tmp_path / "profiles").list() == ["default", "me", "me-2"]


def test_a_wrong_piped_answer_stops_with_the_question_and_saves_nothing(tmp_path: Path) -> None:
    result = run_cli(tmp_path / "profiles", "profile", "new", answers=lines("Ada", "en-GB", "none", "", "", "9"))
    assert result.returncode == 2
    assert "Speed (0.3 to 3.0" in result.stderr and "'9'" in result.stderr and "nothing was saved" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "profiles" / "Ada").exists()


def test_a_photo_that_is_missing_or_not_an_image_is_refused(tmp_path: Path) -> None:
    not_image = tmp_path / "notes.jpg"
    not_image.write_text("not a picture")
    for bad in (not_image, tmp_path / "missing.jpg"):
        result = run_cli(tmp_path / "profiles", "profile", "new", answers=lines("Ada", "", str(bad)))
        assert result.returncode == 2, result.stdout
        assert "Photo of Ada" in result.stderr and "nothing was saved" in result.stderr
    assert ProfileStore(tmp_path / "profiles").list() == ["default"]


def test_without_consent_the_photo_is_not_used(tmp_path: Path) -> None:
    face = photo(tmp_path)
    result = run_cli(tmp_path / "profiles", "profile", "new", answers=lines("Ada", "", str(face), "Ada", "no"))
    assert result.returncode == 0, result.stderr
    assert "Without consent the photo is not used" in result.stdout
    p = ProfileStore(tmp_path / "profiles").load("Ada")
    assert p.avatar.photo is None and p.consent.agreed is False
    assert not list((tmp_path / "profiles" / "Ada").glob("photo*"))


def test_an_existing_name_is_refused_and_declining_saves_nothing(tmp_path: Path) -> None:
    assert run_cli(tmp_path / "profiles", "profile", "new", answers=lines("Ada")).returncode == 0
    again = run_cli(tmp_path / "profiles", "profile", "new", answers=lines("Ada"))
    assert again.returncode == 2 and "already exists" in again.stderr
    declined = run_cli(tmp_path / "profiles", "profile", "new", answers=lines("Bo", *[""] * 13, "no"))
    assert declined.returncode == 2 and "cancelled" in declined.stderr
    assert ProfileStore(tmp_path / "profiles").list() == ["Ada", "default"]


@pytest.mark.pulse
def test_the_voice_sample_plays_on_a_real_sound_server(tmp_path: Path, pulse_server) -> None:
    # name, language, photo, set up by, voice, rate, pitch, hear a sample, keep it; then defaults
    answers = lines("Ada", "", "none", "", "espeak:en-us", "", "", "yes", "yes")
    result = run_cli(tmp_path / "profiles", "profile", "new", answers=answers)
    assert result.returncode == 0, result.stderr
    assert "could not be played" not in result.stdout
    assert ProfileStore(tmp_path / "profiles").load("Ada").voice.id == "espeak:en-us"


@pytest.mark.skipif(sys.platform != "linux", reason="PULSE_SERVER chooses the sound server on Linux only")
def test_without_a_sound_server_the_sample_fails_softly(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PULSE_SERVER", f"unix:{tmp_path / 'no-such-socket'}")
    answers = lines("Ada", "", "none", "", "espeak:en-us", "", "", "yes", "yes")
    result = run_cli(tmp_path / "profiles", "profile", "new", answers=answers)
    assert result.returncode == 0, result.stderr
    assert "(the sample could not be played: " in result.stdout
    assert ProfileStore(tmp_path / "profiles").load("Ada").voice.id == "espeak:en-us"


def test_interactive_answers_that_do_not_fit_are_asked_again(tmp_path: Path) -> None:
    import io

    from profiles.wizard import Wizard

    answers = io.StringIO(lines("Ada", "klingon!", "en-GB", "none", "", "espeak:xx", "", "fast", "1.5"))
    out = io.StringIO()
    wizard = Wizard(ProfileStore(tmp_path), answers, out, interactive=True, list_voices=lambda: [("espeak:en-gb", "")])
    wizard.run()
    text = out.getvalue()
    assert "'klingon!' is not a language tag: write e.g." in text
    assert "no installed voice 'espeak:xx'" in text and "write a number from 0.3 to 3.0" in text
    p = ProfileStore(tmp_path).load("Ada")
    assert (p.language, p.voice.id, p.voice.rate) == ("en-GB", "espeak:en-gb", 1.5)


def test_another_language_gets_a_voice_of_that_language_and_dwell_timing(tmp_path: Path) -> None:
    import io

    from aac.commands.profile import voice_listing
    from profiles.wizard import Wizard

    # name, language, photo, set up by, voice, rate, pitch, then access: dwell and its time
    answers = io.StringIO(lines("Jonas", "de-DE", "", "", "", "", "", "dwell", "0.8"))
    Wizard(ProfileStore(tmp_path), answers, io.StringIO(), list_voices=voice_listing()).run()
    p = ProfileStore(tmp_path).load("Jonas")
    assert p.voice.id == "espeak:de"
    assert (p.access.method, p.access.dwell_time_s) == ("dwell", 0.8)
    assert p.phrases == []  # the shipped starter phrases are English
