"""A microphone to record a phrase from (message banking in caregiver mode).

Linux reads the sound server (PulseAudio or PipeWire-pulse) through pasimple, as the rest of `speech`
does; other systems read PortAudio through sounddevice. Either way a `Microphone` hands out mono
float32 chunks at the rate asked for, blocking until each has arrived.
"""

from __future__ import annotations

import sys

import numpy as np

from speech.errors import AudioDeviceError

CHUNK_S = 0.05


def real_default_source() -> str | None:
    """The sound server's default input, unless that is the aid's own virtual microphone or a monitor of an
    output (they carry the aid's voice, not the person's): then the first real input. None: let the server
    choose (pactl missing)."""
    import subprocess

    from speech.virtual_mic import SOURCE_NAME

    def pactl(*args: str) -> str:
        try:
            done = subprocess.run(["pactl", *args], capture_output=True, text=True, timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            return ""
        return done.stdout if done.returncode == 0 else ""

    def real(name: str) -> bool:
        return bool(name) and name != SOURCE_NAME and not name.endswith(".monitor")

    default = pactl("get-default-source").strip()
    if real(default) or not default:
        return default or None
    sources = [line.split("\t")[1] for line in pactl("list", "short", "sources").splitlines() if "\t" in line]
    return next((name for name in sources if real(name)), default)


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

                self._pulse = pasimple.PaSimple(pasimple.PA_STREAM_RECORD, pasimple.PA_SAMPLE_FLOAT32LE, 1,
                                                sample_rate_hz, "aac-avatar", "record a phrase",
                                                device_name=device or real_default_source(),
                                                fragsize=self._frames * 4)
            else:
                import sounddevice as sd

                self._stream = sd.InputStream(samplerate=sample_rate_hz, channels=1, dtype="float32", device=device,
                                              blocksize=self._frames)
                self._stream.start()
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
