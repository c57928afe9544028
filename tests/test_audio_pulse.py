"""Audio out and the virtual microphone, through a PulseAudio server the test starts itself."""

from __future__ import annotations

import subprocess
import threading

import numpy as np
import pytest

from speech.audio_out import open_output, play
from speech.registry import get_voice
from speech.virtual_mic import VirtualMicrophone

pytestmark = pytest.mark.pulse


def _sources(env) -> str:
    return subprocess.run(["pactl", "list", "short", "sources"], env=env, capture_output=True, text=True).stdout


def _record(source: str, rate: int, seconds: float, out: list, started: threading.Event) -> None:
    import pasimple

    with pasimple.PaSimple(
        pasimple.PA_STREAM_RECORD, pasimple.PA_SAMPLE_FLOAT32LE, 1, rate, "test", "rec", device_name=source,
        fragsize=rate * 4 // 50,
    ) as rec:
        first = rec.read(rate * 4 // 50)  # the first data: the connection is up
        started.set()
        chunks = [first]
        for _ in range(int(seconds * 50)):
            chunks.append(rec.read(rate * 4 // 50))
    out.append(np.frombuffer(b"".join(chunks), dtype="<f4"))


def test_virtual_microphone_round_trip(pulse_server):
    utterance = get_voice("espeak:en-us").synthesize("Can you pass me the water, please? Thank you very much.")
    rate = utterance.sample_rate_hz
    with VirtualMicrophone() as mic:
        assert mic.created
        sources = _sources(pulse_server.env)
        assert "aac_avatar_microphone" in sources
        desc = subprocess.run(["pactl", "list", "sources"], env=pulse_server.env, capture_output=True, text=True).stdout
        assert "Description: AAC Avatar Microphone" in desc
        recorded: list = []
        started = threading.Event()
        recorder = threading.Thread(
            target=_record, args=("aac_avatar_microphone", rate, utterance.duration_s + 2.0, recorded, started)
        )
        recorder.start()
        assert started.wait(10)
        with open_output(rate, mic.playback_device) as out:
            play([utterance], [out])
        recorder.join(20)
    assert "aac_avatar_microphone" not in _sources(pulse_server.env)  # removed what it created
    got = recorded[0]
    sent = utterance.audio
    # align by cross-correlation over the whole utterance, then compare
    from scipy.signal import correlate

    corr = correlate(got, sent, mode="valid", method="fft")
    lag = int(np.argmax(corr))
    segment = got[lag : lag + len(sent)]
    r = np.corrcoef(segment, sent[: len(segment)])[0, 1]
    assert r > 0.95


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
