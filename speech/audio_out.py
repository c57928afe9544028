"""Sending speech to the speakers, a named output device, or the virtual microphone.

On Linux every output is a PulseAudio (or PipeWire-pulse) playback stream to a named sink,
through libpulse-simple; elsewhere PortAudio (sounddevice) opens the device by name.
"""

from __future__ import annotations

import abc
import sys
from collections.abc import Iterable

import numpy as np

from speech.errors import AudioDeviceError
from speech.utterance import Utterance


class AudioOutput(abc.ABC):
    """A playback stream of mono float32 audio at one sample rate."""

    sample_rate_hz: int
    device: str | None

    @abc.abstractmethod
    def write(self, audio: np.ndarray) -> None:
        """Queue samples for playback (blocks only while the device's buffer is full)."""

    @abc.abstractmethod
    def drain(self) -> None:
        """Wait until everything written has been played."""

    @abc.abstractmethod
    def close(self) -> None:
        """Stop the stream and release the device."""

    def latency_s(self) -> float:
        """How long a sample written now waits before it is heard (the buffered audio)."""
        return 0.0

    def __enter__(self) -> AudioOutput:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class PulseOutput(AudioOutput):
    """A playback stream to a PulseAudio sink (`device` None = the default sink)."""

    def __init__(self, sample_rate_hz: int, device: str | None = None, latency_ms: int = 100) -> None:
        import pasimple

        self.sample_rate_hz = sample_rate_hz
        self.device = device
        bytes_per_second = sample_rate_hz * 4
        try:
            # The target buffer: deep enough that a busy machine does not starve the speaker.
            self._stream = pasimple.PaSimple(
                pasimple.PA_STREAM_PLAYBACK,
                pasimple.PA_SAMPLE_FLOAT32LE,
                1,
                sample_rate_hz,
                app_name="aac-avatar",
                stream_name="speech",
                device_name=device,
                tlength=bytes_per_second * latency_ms // 1000,
            )
        except Exception as exc:
            where = f"the output {device!r}" if device else "the default speakers"
            raise AudioDeviceError(
                f"could not open {where}: {exc}. Is a sound server (PulseAudio or PipeWire) running? "
                "Save to a file instead with -o out.wav."
            ) from exc

    def write(self, audio: np.ndarray) -> None:
        self._stream.write(np.ascontiguousarray(audio, dtype="<f4").tobytes())

    def drain(self) -> None:
        self._stream.drain()

    def latency_s(self) -> float:
        return self._stream.get_latency() / 1e6

    def close(self) -> None:
        try:
            self._stream.close()
        except Exception:
            pass


class PortAudioOutput(AudioOutput):
    """A playback stream through PortAudio (Windows, macOS), `device` a name or part of one."""

    def __init__(self, sample_rate_hz: int, device: str | None = None) -> None:
        self.sample_rate_hz = sample_rate_hz
        self.device = device
        try:
            import sounddevice

            self._stream = sounddevice.OutputStream(
                samplerate=sample_rate_hz, channels=1, dtype="float32", device=device, latency="low"
            )
            self._stream.start()
        except Exception as exc:
            where = f"the output {device!r}" if device else "the default speakers"
            raise AudioDeviceError(f"could not open {where}: {exc}. Save to a file instead with -o out.wav.") from exc

    def write(self, audio: np.ndarray) -> None:
        self._stream.write(np.ascontiguousarray(audio, dtype=np.float32).reshape(-1, 1))

    def latency_s(self) -> float:
        return float(self._stream.latency)

    def drain(self) -> None:
        # PortAudio's blocking write returns once samples are buffered; wait out the buffer.
        import time

        time.sleep(self._stream.latency)

    def close(self) -> None:
        try:
            self._stream.stop()
            self._stream.close()
        except Exception:
            pass


class PacedOutput(AudioOutput):
    """No device: takes audio at real-time pace and discards it, so a live loop keeps one clock
    when every sound output is off (or in tests and benchmarks)."""

    def __init__(self, sample_rate_hz: int) -> None:
        import time

        self.sample_rate_hz = sample_rate_hz
        self.device = None
        self._clock = time.monotonic
        self._due = self._clock()

    def write(self, audio: np.ndarray) -> None:
        import time

        now = self._clock()
        self._due = max(self._due, now) + len(audio) / self.sample_rate_hz
        # keep about one block buffered, like a device with a short buffer
        wait = self._due - now - 0.02
        if wait > 0:
            time.sleep(wait)

    def drain(self) -> None:
        import time

        time.sleep(max(0.0, self._due - self._clock()))

    def latency_s(self) -> float:
        return max(0.0, self._due - self._clock())

    def close(self) -> None:
        pass


def open_output(sample_rate_hz: int, device: str | None = None, latency_ms: int = 100) -> AudioOutput:
    """The platform's playback stream to `device` (None = default speakers).

    `latency_ms` is how much audio may be buffered ahead of the speaker: more survives a busy
    machine without gaps. It does not delay the start of speech when the stream starts empty
    (as the live engine leaves it between messages): the first blocks fill it at once.
    """
    if sys.platform.startswith("linux"):
        return PulseOutput(sample_rate_hz, device, latency_ms)
    return PortAudioOutput(sample_rate_hz, device)


BLOCK_S = 0.02


def play(utterances: Iterable[Utterance], outputs: list[AudioOutput]) -> None:
    """Play utterances (e.g. a voice's sentence stream) to every output as each arrives, then drain.

    Audio goes out in 20 ms blocks, in turn to each output, so that a blocking write to one
    (the speakers) never holds back another (the virtual microphone).
    """
    for utterance in utterances:
        for out in outputs:
            if out.sample_rate_hz != utterance.sample_rate_hz:
                raise AudioDeviceError(
                    f"output opened at {out.sample_rate_hz} Hz but the voice speaks at {utterance.sample_rate_hz} Hz"
                )
        block = max(1, int(utterance.sample_rate_hz * BLOCK_S))
        for start in range(0, len(utterance.audio), block):
            for out in outputs:
                out.write(utterance.audio[start : start + block])
    for out in outputs:
        out.drain()
