"""Shared fixtures: a private PulseAudio server for the tests that need sound."""

from __future__ import annotations

import pytest

from speech.pulse_server import PulseServer, pulseaudio_available


@pytest.fixture
def pulse_server(tmp_path_factory, monkeypatch):
    """A running private PulseAudio; the process environment points at it for the test."""
    if not pulseaudio_available():
        pytest.skip("pulseaudio/pactl are not installed (scripts/setup.sh installs them)")
    server = PulseServer(tmp_path_factory.mktemp("pulse"))
    for key in ("PULSE_SERVER", "PULSE_RUNTIME_PATH", "PULSE_STATE_PATH"):
        monkeypatch.setenv(key, server.env[key])
    yield server
    server.stop()


@pytest.fixture(autouse=True, scope="session")
def private_signing_keys(tmp_path_factory):
    """Recordings are signed with a key made on first use: tests make theirs in a temporary folder
    (session-wide, so that module fixtures that render are covered too)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AAC_AVATAR_KEYS_DIR", str(tmp_path_factory.mktemp("signing-keys")))
        yield
