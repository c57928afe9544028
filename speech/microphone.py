"""A microphone to record a phrase from (message banking in caregiver mode).

Linux reads the sound server (PulseAudio or PipeWire-pulse) through pasimple, as the rest of `speech`
does, from the input `speech.input_source` picks (the profile's `voice.bank_microphone`, else the default
microphone; never the aid's own); other systems read PortAudio through sounddevice. Either way a
`Microphone` hands out mono float32 chunks at the rate asked for, blocking until each has arrived.
"""

from __future__ import annotations

import sys

import numpy as np

from speech.errors import AudioDeviceError
from speech.input_source import InputSourceError

CHUNK_S = 0.05


def _pulse_input(device: str | None) -> str | None:
    """The source to record: `device` checked (never the aid's own), else the real default microphone; None when
    there is no pactl to ask (the server then picks its default)."""
    from speech.input_source import server_microphone

    try:
        return server_microphone(device)
    except InputSourceError as exc:
        if exc.kind == "server":
            return device  # nothing to check against: the server says whether it exists
        raise


def real_default_source() -> str | None:
    """The microphone to record from when none is named (never the aid's own virtual microphone or a monitor of
    an output); None: let the server choose (no pactl to ask). InputSourceError when there is no microphone."""
    return _pulse_input(None)


class Microphone:
    """An open input: `read()` returns the next `CHUNK_S` of mono float32 audio; `close()` lets it go."""

    def __init__(self, sample_rate_hz: int, device: str | None = None) -> None:
        self.sample_rate_hz = sample_rate_hz
        self.device = device
        self._frames = max(1, int(sample_rate_hz * CHUNK_S))
        self._pulse = None
        self._stream = None
        try:
            if sys.platform.startswith("linux"):
                import pasimple

                self.device = _pulse_input(device)
                self._pulse = pasimple.PaSimple(pasimple.PA_STREAM_RECORD, pasimple.PA_SAMPLE_FLOAT32LE, 1,
                                                sample_rate_hz, "aac-avatar", "record a phrase",
                                                device_name=self.device, fragsize=self._frames * 4)
            else:
                import sounddevice as sd

                self._stream = sd.InputStream(samplerate=sample_rate_hz, channels=1, dtype="float32", device=device,
                                              blocksize=self._frames)
                self._stream.start()
        except InputSourceError as exc:  # the aid's own microphone named, a name not there, no microphone at all
            fix = {"own": "name the person's microphone in voice.bank_microphone, or leave it empty",
                   "unknown": "correct voice.bank_microphone in the profile, or leave it empty for the default"}
            raise AudioDeviceError(f"{exc}. Fix: {fix.get(exc.kind, 'connect a microphone')}") from None
        except Exception as exc:  # no server, no device: the caller says so and the rest keeps working
            where = f"microphone {device!r}" if device else "the microphone"
            raise AudioDeviceError(f"{where} could not be opened ({exc}). Fix: connect a microphone and check "
                                   "that it is not muted in the system's sound settings") from None

    def read(self) -> np.ndarray:
        """The next chunk (blocks until it has been recorded)."""
        if self._pulse is not None:
            return np.frombuffer(self._pulse.read(self._frames * 4), "<f4").copy()
        data, _ = self._stream.read(self._frames)
        return np.asarray(data[:, 0], dtype=np.float32)

    def close(self) -> None:
        """Stop recording and let the device go."""
        if self._pulse is not None:
            self._pulse.close()
            self._pulse = None
        if self._stream is not None:
            self._stream.close()
            self._stream = None
