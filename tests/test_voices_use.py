"""`aac-avatar voices use`: the profile's voice is chosen only once it loads, and keeps its reference clips."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import numpy as np
import pytest
import soundfile
import yaml


def aac(*args, env):
    return subprocess.run([sys.executable, "-m", "aac", *args], capture_output=True, text=True, env=env, timeout=180)


@pytest.fixture
def env(tmp_path):
    return {**os.environ, "AAC_AVATAR_PROFILES_DIR": str(tmp_path / "profiles"),
            "AAC_AVATAR_VOICES_DIR": str(tmp_path / "voices")}


def _voice_section(tmp_path, name="default"):
    return yaml.safe_load((tmp_path / "profiles" / name / "profile.yaml").read_text())["voice"]


def test_reference_clips_are_copied_into_the_profile_and_kept(tmp_path, env):
    clip = tmp_path / "good-morning.wav"
    soundfile.write(clip, 0.1 * np.sin(np.arange(16000) / 10.0), 16000)
    done = aac("voices", "use", "espeak:en-gb", "--reference", str(clip), env=env)
    assert done.returncode == 0, done.stderr
    assert "does not clone" in done.stdout  # said, and the clips are kept for a cloning voice later
    section = _voice_section(tmp_path)
    assert section["id"] == "espeak:en-gb" and section["reference_clips"] == ["voice/references/good-morning.wav"]
    kept = tmp_path / "profiles" / "default" / "voice" / "references" / "good-morning.wav"
    assert kept.read_bytes() == clip.read_bytes() and stat.S_IMODE(kept.stat().st_mode) == 0o600
    # choosing another voice later keeps the clips
    assert aac("voices", "use", "espeak:en-us", env=env).returncode == 0
    assert _voice_section(tmp_path)["reference_clips"] == ["voice/references/good-morning.wav"]


def test_a_voice_that_cannot_load_or_a_clip_that_is_not_audio_changes_nothing(tmp_path, env):
    assert aac("voices", "use", "espeak:en-gb", env=env).returncode == 0
    before = (tmp_path / "profiles" / "default" / "profile.yaml").read_bytes()
    done = aac("voices", "use", "piper:nobody-here", env=env)
    assert done.returncode == 2 and "piper:nobody-here was not chosen" in done.stderr and "Traceback" not in done.stderr
    text = tmp_path / "notes.wav"
    text.write_text("not a recording")
    done = aac("voices", "use", "espeak:en-us", "--reference", str(text), env=env)
    assert done.returncode == 2 and "notes.wav cannot be read as audio" in done.stderr
    assert (tmp_path / "profiles" / "default" / "profile.yaml").read_bytes() == before


def test_profile_check_names_a_reference_clip_that_went_missing(tmp_path, env):
    clip = tmp_path / "hello.wav"
    soundfile.write(clip, 0.1 * np.sin(np.arange(8000) / 10.0), 16000)
    assert aac("voices", "use", "espeak:en-us", "--reference", str(clip), env=env).returncode == 0
    profile = tmp_path / "profiles" / "default" / "profile.yaml"
    assert aac("profile", "check", str(profile), env=env).returncode == 0
    (profile.parent / "voice" / "references" / "hello.wav").unlink()
    done = aac("profile", "check", str(profile), env=env)
    assert done.returncode != 0 and "voice.reference_clips[0]" in done.stdout + done.stderr
    assert "hello.wav' is not in the profile folder" in done.stdout + done.stderr


@pytest.mark.parametrize(("args", "expected"), [
    (["voices", "add", "W/missing.onnx"], "no such file or folder"),
    (["voices", "add", "W/fifo"], "not a plain file or folder"),
    (["voices", "add", "W/notonnx.onnx"], "notonnx.onnx has no config beside it"),
    (["voices", "add", "W/in.wav"], "Piper models end in .onnx"),
    (["voices", "add", "W/folder"], "has no config.json"),
    (["voices", "add", "W/notonnx.onnx", "--config", "W/fifo"], "not a plain file"),
    (["voices", "use", "espeak:en-us", "--reference", "W/fifo"], "not a plain file"),
    (["voices", "use", "espeak:en-us", "--reference", "W/missing.wav"], "no such file"),
    (["voices", "use", "nobody:here"], "unknown voice backend"),
    (["voices", "remove", "piper:nobody"], "no personal Piper voice 'nobody'"),
    (["voices", "remove", "espeak:en-us"], "only personal piper: and coqui: voices can be removed"),
    (["bench", "voices", "--repeats", "0"], "out of range"),
], ids=lambda v: " ".join(v) if isinstance(v, list) else None)
def test_bad_arguments_get_a_clear_message(tmp_path, args, expected):
    from tests.hostile import assert_clear_refusal, run_cli

    (tmp_path / "folder").mkdir()
    soundfile.write(tmp_path / "in.wav", np.zeros(8000, np.float32), 16000)
    (tmp_path / "notonnx.onnx").write_text("this is not a model")
    os.mkfifo(tmp_path / "fifo")
    args = [a.replace("W/", f"{tmp_path}/") for a in args]
    result = run_cli(tmp_path / "profiles", *args, env_changes={"AAC_AVATAR_VOICES_DIR": str(tmp_path / "voices")},
                     timeout=90)
    assert_clear_refusal(result, expected)
    assert not (tmp_path / "voices").exists() or not any((tmp_path / "voices").rglob("*.onnx"))
