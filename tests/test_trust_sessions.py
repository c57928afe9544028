"""Issue 17, "must not happen" 9: two `live` sessions on one sound server; when one ends, the virtual
microphone the other is still using stays, and it goes when the last one ends."""

from __future__ import annotations

import select
import subprocess
import sys
import time

import numpy as np
import pytest

from profiles.schema import Profile
from profiles.store import ProfileStore
from speech.source_recorder import SourceRecorder
from tests.gl_probe import requires_gl

pytestmark = [pytest.mark.pulse, requires_gl]


def _sources(env) -> list[str]:
    out = subprocess.run(["pactl", "list", "short", "sources"], env=env, capture_output=True, text=True).stdout
    return [line.split("\t")[1] for line in out.splitlines() if "\t" in line]


def _start(env: dict) -> tuple[subprocess.Popen, str]:
    """A `live` session with the virtual microphone, once it is ready to take lines; and what it said."""
    process = subprocess.Popen(
        [sys.executable, "-m", "aac", "live", "--no-camera", "--no-speakers", "--voice", "espeak:en-us"],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env,
    )
    said = ""
    deadline = time.monotonic() + 120
    while "live: type a line" not in said:
        assert process.poll() is None and time.monotonic() < deadline, said
        if select.select([process.stderr], [], [], 0.5)[0]:
            said += process.stderr.readline()
    return process, said


def _end(process: subprocess.Popen) -> str:
    process.stdin.write("/quit\n")
    process.stdin.flush()
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    return err


def test_the_microphone_stays_for_the_session_still_using_it(pulse_server, tmp_path) -> None:
    store = ProfileStore(tmp_path / "profiles")
    store.save(Profile(name="default", outputs={"width": 320, "height": 240, "fps": 5}))
    env = {**pulse_server.env, "AAC_AVATAR_PROFILES_DIR": str(store.root), "XDG_CACHE_HOME": str(tmp_path / "c")}
    first, said = _start(env)
    assert "microphone: ready" in said, said
    second, said = _start(env)
    assert "microphone: ready" in said, said
    assert _sources(env).count("aac_avatar_microphone") == 1  # one microphone, shared
    assert "Traceback" not in _end(first)
    assert "aac_avatar_microphone" in _sources(env)  # the second session still speaks through it
    # and it still carries the second session's voice
    with SourceRecorder("aac_avatar_microphone", 22050) as recorder:
        assert recorder.started.wait(10) and recorder.error is None
        second.stdin.write("Hello, can you still hear me?\n")
        second.stdin.flush()
        time.sleep(4.0)
    assert np.abs(recorder.audio()).max() > 0.05
    assert "Traceback" not in _end(second)
    assert "aac_avatar_microphone" not in _sources(env)  # the last one out removed it
    assert "aac_avatar_speech" not in " ".join(_sources(env))


def test_the_first_session_ending_last_removes_it_too(pulse_server, tmp_path) -> None:
    store = ProfileStore(tmp_path / "profiles")
    store.save(Profile(name="default", outputs={"width": 320, "height": 240, "fps": 5}))
    env = {**pulse_server.env, "AAC_AVATAR_PROFILES_DIR": str(store.root), "XDG_CACHE_HOME": str(tmp_path / "c")}
    first, _ = _start(env)
    second, _ = _start(env)
    _end(second)
    assert "aac_avatar_microphone" in _sources(env)  # its maker still runs
    _end(first)
    assert "aac_avatar_microphone" not in _sources(env)
