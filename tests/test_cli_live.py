"""`aac-avatar live` and `aac-avatar render` as a person runs them, in real processes."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from profiles.schema import Profile
from profiles.store import BUNDLED_DIR, ProfileStore
from tests.gl_probe import requires_gl

pytestmark = requires_gl  # live and render draw the avatar


@pytest.fixture
def env(tmp_path):
    return {**os.environ, "AAC_AVATAR_PROFILES_DIR": str(tmp_path / "profiles"),
            "XDG_CACHE_HOME": str(tmp_path / "cache"), "PULSE_SERVER": f"unix:{tmp_path}/no-sound-server"}


def aac(*args, env, input=None, timeout=180):
    return subprocess.run([sys.executable, "-m", "aac", *args], capture_output=True, text=True, env=env,
                          input=input, timeout=timeout)


def streams(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_type,width,height,duration",
                          "-of", "compact=p=0:nk=1", str(path)], capture_output=True, text=True, check=True).stdout
    return out.strip().splitlines()


def test_render_makes_a_video_with_voice_faster_than_real_time(tmp_path, env):
    out = tmp_path / "hello.mp4"
    done = aac("render", "--text", "Hello! Can you pass me the water, please?", "--voice", "espeak:en-us",
               "--width", "640", "--height", "360", "-o", str(out), env=env)
    assert done.returncode == 0, done.stderr
    assert "x real time" in done.stdout
    kinds = [line.split("|")[0] for line in streams(out)]
    assert sorted(kinds) == ["audio", "video"]
    speed = float(done.stdout.rsplit("(", 1)[1].split("x")[0])
    assert speed > 1.0


def test_live_speaks_each_line_and_reports_every_output(tmp_path, env):
    record = tmp_path / "session.mp4"
    done = aac("live", "--voice", "espeak:en-us", "--fps", "20", "--record", str(record), env=env,
               input="Hello there.\n/emotion happy\nI am happy today!\n/status\n/nonsense\n")
    assert done.returncode == 0, done.stderr
    err = done.stderr
    assert "microphone: off" in err and "sound server" in err  # no sound server here: said, not fatal
    assert "camera: " in err and "recording: to" in err
    assert "unknown command /nonsense" in err
    assert "frames rendered" in err and "Traceback" not in err
    video = [line for line in streams(record) if line.startswith("video")]
    assert video and float(video[0].split("|")[-1]) > 2.0  # both lines were spoken into the recording


def test_a_photo_without_consent_is_not_animated(tmp_path, env):
    store = ProfileStore(tmp_path / "profiles")
    profile = Profile(name="ann")
    profile = profile.model_copy(update={"avatar": profile.avatar.model_copy(update={"photo": "photo.png"})})
    store.save(profile, files={"photo.png": BUNDLED_DIR / "default" / "photo.png"})
    done = aac("render", "--profile", "ann", "--text", "Hello", "-o", str(tmp_path / "x.mp4"), env=env)
    assert done.returncode == 2
    assert "no consent is recorded" in done.stderr and "aac-avatar profile consent ann" in done.stderr
    assert not (tmp_path / "x.mp4").exists()
