"""`aac-avatar` with no subcommand: the board where there is a display, a recorded demonstration where there is none."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.gl_probe import requires_gl

ROOT = Path(__file__).resolve().parents[1]


def _run(args: list[str], tmp_path: Path, env_changes: dict[str, str | None]) -> subprocess.CompletedProcess:
    env = dict(os.environ, AAC_AVATAR_PROFILES_DIR=str(tmp_path / "profiles"))
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run([sys.executable, "-m", "aac", *args], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=240)


@requires_gl
def test_no_display_records_the_greeting(tmp_path):
    result = _run([], tmp_path, {"DISPLAY": None, "WAYLAND_DISPLAY": None, "SDL_VIDEODRIVER": None})
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "no display" in result.stderr.splitlines()[0]
    video = tmp_path / "hello.mp4"
    assert video.is_file() and str(video) in result.stdout
    probe = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_type", "-of", "csv=p=0",
                            str(video)], capture_output=True, text=True, check=True)
    assert sorted(probe.stdout.split()) == ["audio", "video"]
    loud = subprocess.run(["ffmpeg", "-i", str(video), "-af", "volumedetect", "-f", "null", "-"],
                          capture_output=True, text=True)
    max_db = float(loud.stderr.split("max_volume:")[1].split("dB")[0])
    assert max_db > -20, "the greeting is heard in the demonstration"


@requires_gl
def test_board_opens_in_a_window_and_closes(tmp_path):
    result = _run(["--window", "--seconds", "1.5", "--no-camera", "--no-microphone", "--no-speakers"], tmp_path,
                  {"SDL_VIDEODRIVER": "dummy"})
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "hello.mp4").exists()


def test_bad_window_size_is_a_clear_error(tmp_path):
    result = _run(["app", "--size", "big"], tmp_path, {"SDL_VIDEODRIVER": "dummy"})
    assert result.returncode == 2
    assert "WIDTHxHEIGHT" in result.stderr and "Traceback" not in result.stderr
