"""Issue 17, "must not happen" 1: no call home. `live`, `say` and the app run in a network namespace with no
interfaces (nothing can leave it) under a syscall trace; any name lookup or connection to anything but a
local unix socket fails the test, and nothing is written about the device (onnxruntime's telemetry folder).

Without ORT_DISABLE_TELEMETRY, onnxruntime 1.32 alone shows here as lookups through nscd and DNS
(`connect(..., AF_INET, port 53)`) within 30 s of loading a model: the trace sees what a packet
capture would, and also what the namespace stopped.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from profiles.schema import Profile
from profiles.store import ProfileStore
from tests.gl_probe import requires_gl


def _namespace() -> list[str] | None:
    """How to enter a network namespace with no interfaces as this user (None: not possible here)."""
    if shutil.which("unshare") is None:
        return None
    for command in (["unshare", "-n"], ["unshare", "-rn"]):
        if subprocess.run([*command, "true"], capture_output=True).returncode == 0:
            return command
    return None


NAMESPACE = _namespace()
pytestmark = [
    requires_gl,
    pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed (scripts/setup.sh --test)"),
    pytest.mark.skipif(NAMESPACE is None, reason="cannot make a network namespace here (unshare -n needs root, "
                       "unshare -rn needs unprivileged user namespaces)"),
]

# Local unix sockets that are in fact name lookups (the name service cache, systemd-resolved).
_RESOLVER_SOCKETS = ("/nscd/socket", "/systemd/resolve/")
_NETWORK_CALL = re.compile(r"\b(connect|sendto|sendmsg)\(")


def network_attempts(trace: Path) -> list[str]:
    """The traced calls that try to reach beyond this computer or to resolve a name."""
    attempts = []
    for line in trace.read_text(errors="replace").splitlines():
        if not _NETWORK_CALL.search(line):
            continue
        if "AF_INET" in line or any(s in line for s in _RESOLVER_SOCKETS):
            attempts.append(line.strip())
    return attempts


@pytest.fixture
def env(tmp_path: Path) -> dict:
    store = ProfileStore(tmp_path / "profiles")
    # the default voice (Piper, on onnxruntime), a small frame to spare the shared CPU
    store.save(Profile(name="default", outputs={"width": 320, "height": 240, "fps": 5}))
    cleaned = {k: v for k, v in os.environ.items() if k not in ("ORT_DISABLE_TELEMETRY", "HF_HUB_OFFLINE", "DISPLAY",
                                                                  "WAYLAND_DISPLAY")}
    return {**cleaned, "AAC_AVATAR_PROFILES_DIR": str(store.root), "XDG_CACHE_HOME": str(tmp_path / "cache"),
            "HOME": str(tmp_path), "PULSE_SERVER": f"unix:{tmp_path}/no-sound-server"}


def _traced(tmp_path: Path, name: str, args: list[str]) -> tuple[list[str], Path]:
    trace = tmp_path / f"{name}.trace"
    command = [*NAMESPACE, "strace", "-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-o", str(trace),
               sys.executable, "-m", "aac", *args]
    return command, trace


def _nothing_about_the_device(env: dict) -> None:
    cache = Path(env["XDG_CACHE_HOME"])
    assert not (cache / "Microsoft").exists(), "onnxruntime wrote its telemetry folder"


def test_live_makes_no_network_attempt(tmp_path: Path, env: dict) -> None:
    """Long enough for onnxruntime's telemetry (10-20 s in), with two messages through the default voice."""
    command, trace = _traced(tmp_path, "live", ["live", "--no-camera", "--record", str(tmp_path / "l.mp4")])
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True, env=env)
    time.sleep(3)
    process.stdin.write("Hello there, how are you today?\n")
    process.stdin.flush()
    time.sleep(24)
    process.stdin.write("Goodbye for now.\n/quit\n")
    process.stdin.flush()
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert "recording is saved" in err  # it did run
    assert network_attempts(trace) == []
    _nothing_about_the_device(env)


def test_say_makes_no_network_attempt(tmp_path: Path, env: dict) -> None:
    text = " ".join(["This is a long message, read aloud to a file, sentence after sentence."] * 12)
    command, trace = _traced(tmp_path, "say", ["say", text, "-o", str(tmp_path / "say.wav")])
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "say.wav").stat().st_size > 100_000
    assert network_attempts(trace) == []
    _nothing_about_the_device(env)


def test_the_app_makes_no_network_attempt(tmp_path: Path, env: dict) -> None:
    """With no display the app records its demonstration: the board, prediction, the engine, the voice."""
    demo = tmp_path / "hello.mp4"
    command, trace = _traced(tmp_path, "app", ["app", "--seconds", "10", "--demo-output", str(demo)])
    done = subprocess.run(command, capture_output=True, text=True, env={**env, "SDL_VIDEODRIVER": "x11"},
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert demo.stat().st_size > 10_000
    assert network_attempts(trace) == []
    _nothing_about_the_device(env)


def test_the_trace_does_see_a_lookup(tmp_path: Path) -> None:
    """The check itself: a process that resolves a name in the namespace is caught."""
    trace = tmp_path / "probe.trace"
    subprocess.run([*NAMESPACE, "strace", "-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-o", str(trace),
                    sys.executable, "-c", "import socket\ntry: socket.getaddrinfo('example.com', 443)\n"
                    "except OSError: pass"], capture_output=True, timeout=60)
    assert network_attempts(trace)
