"""Audio out and the virtual microphone, through a PulseAudio server the test starts itself."""

from __future__ import annotations

import subprocess
import time

import pytest

from speech.audio_out import open_output, play
from speech.registry import get_voice
from speech.source_recorder import SourceRecorder
from speech.virtual_mic import VirtualMicrophone
from tests.speech_checks import aligned_correlation

pytestmark = pytest.mark.pulse


def _sources(env) -> str:
    return subprocess.run(["pactl", "list", "short", "sources"], env=env, capture_output=True, text=True).stdout


def test_virtual_microphone_round_trip(pulse_server):
    utterance = get_voice("espeak:en-us").synthesize("Can you pass me the water, please? Thank you very much.")
    rate = utterance.sample_rate_hz
    with VirtualMicrophone() as mic:
        assert mic.created
        sources = _sources(pulse_server.env)
        assert "aac_avatar_microphone" in sources
        desc = subprocess.run(["pactl", "list", "sources"], env=pulse_server.env, capture_output=True, text=True).stdout
        assert "Description: AAC Avatar Microphone" in desc
        with SourceRecorder("aac_avatar_microphone", rate) as recorder:
            assert recorder.started.wait(10) and recorder.error is None
            with open_output(rate, mic.playback_device) as out:
                play([utterance], [out])
            time.sleep(0.5)  # what is still in the server's buffers
    assert "aac_avatar_microphone" not in _sources(pulse_server.env)  # removed what it created
    assert aligned_correlation(recorder.audio(), utterance.audio) > 0.95


def test_existing_microphone_is_reused_and_kept(pulse_server):
    with VirtualMicrophone() as first:
        assert first.created
        with VirtualMicrophone() as second:
            assert not second.created
        assert "aac_avatar_microphone" in _sources(pulse_server.env)
    assert "aac_avatar_microphone" not in _sources(pulse_server.env)


def test_no_sound_server_is_a_clear_error(monkeypatch, tmp_path):
    from speech.errors import AudioDeviceError

    monkeypatch.setenv("PULSE_SERVER", f"unix:{tmp_path}/nothing-here")
    with pytest.raises(AudioDeviceError, match="sound server"):
        open_output(22050)
    with pytest.raises(AudioDeviceError, match="PulseAudio or PipeWire"):
        VirtualMicrophone().open()
