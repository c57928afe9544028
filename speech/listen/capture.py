"""Hearing the other side: a microphone, or the meeting's sound (the monitor of the speakers).

Linux, through PulseAudio or PipeWire-pulse (pasimple, as the rest of `speech`). The source is
chosen so that it does not carry the aid's own voice: never the aid's virtual microphone, nor the
monitor of the sink the aid speaks into; "meeting" is the monitor of the speakers the meeting plays
to; "microphone" a real input (not a monitor). A source named in the profile is taken as it is, unless
it is the aid's own.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable

import numpy as np

from speech.input_source import OWN_SOURCES, InputSourceError, choose_microphone
from speech.listen.recognizer import MODEL_RATE_HZ, ListenError
from speech.virtual_mic import SINK_NAME

CHUNK_S = 0.02


def _pactl(*args: str) -> str:
    try:
        done = subprocess.run(["pactl", *args], capture_output=True, text=True, timeout=10,
                              env={**os.environ, "LC_ALL": "C"})  # the "Default Sink:" labels in English
    except FileNotFoundError:
        raise ListenError("listening needs pactl (Debian/Ubuntu: sudo apt-get install pulseaudio-utils)") from None
    except subprocess.TimeoutExpired:
        raise ListenError("the sound server did not answer within 10 s, so nothing can be heard") from None
    if done.returncode != 0:
        raise ListenError("no sound server to listen through: is PulseAudio or PipeWire (pipewire-pulse) running? "
                          f"({done.stderr.strip() or done.stdout.strip()})")
    return done.stdout


def _names(kind: str) -> list[str]:
    return [line.split("\t")[1] for line in _pactl("list", "short", kind).splitlines() if "\t" in line]


def _default(kind: str) -> str | None:
    label = f"Default {kind}: "
    for line in _pactl("info").splitlines():
        if line.startswith(label):
            return line[len(label):].strip() or None
    return None


def microphones() -> list[tuple[str, str]]:
    """(name, description) of each real input the sound server has (not a monitor, not the aid's own
    microphone), for a caregiver to choose from. Raises ListenError when there is no sound server."""
    import json

    try:
        listed = json.loads(_pactl("--format=json", "list", "sources"))
        found = [(s["name"], s.get("description") or s["name"]) for s in listed]
    except (ListenError, ValueError, KeyError, TypeError):  # a pactl before 16 has no JSON: the names alone
        found = [(name, name) for name in _names("sources")]  # (and no sound server is said from here)
    return [(name, text) for name, text in found if not name.endswith(".monitor") and name not in OWN_SOURCES]


def resolve_source(source: str, input_device: str | None = None) -> str:
    """The PulseAudio source to capture for the profile's `listening.source`: "meeting", "microphone" (the
    profile's `input_device` when set) or a source's name. Raises ListenError saying what to do."""
    if not sys.platform.startswith("linux"):
        raise ListenError("listening works on Linux (PulseAudio or PipeWire) for now; it is not available here")
    sources = _names("sources")
    if source == "meeting":
        sinks = [s for s in _names("sinks") if s != SINK_NAME]
        default = _default("Sink")
        candidates = ([default] if default in sinks else []) + sinks  # the speakers the meeting plays to first
        for sink in candidates:
            if f"{sink}.monitor" in sources:
                return f"{sink}.monitor"
        raise ListenError("no monitor of the speakers to listen to (the sound server has no output device); "
                          "connect speakers or headphones, or set listening.source: microphone")
    # a microphone (the profile's input_device, else the default one) or a source named: picked as the recording
    # of a banked phrase picks it (speech.input_source), never the aid's own
    fixes = {"none": ": connect one, or set listening.source: meeting to caption the call's sound",
             "own": "; set listening.source to meeting, microphone, or another source",
             "unknown": "; set listening.source to meeting, microphone, or one of these"}
    wanted = input_device if source == "microphone" else source
    try:
        return choose_microphone(sources, _default("Source"), wanted)
    except InputSourceError as exc:
        raise ListenError(f"{exc}{fixes.get(exc.kind, '')}") from None


class Capture:
    """Reads `source` in 20 ms chunks on its own thread and hands each to `on_chunk(audio, arrived_s)`
    (mono float32 at 16 kHz; `arrived_s` on the monotonic clock). A failure goes to `on_error`."""

    def __init__(self, source: str, on_chunk: Callable[[np.ndarray, float], None],
                 on_error: Callable[[str], None], sample_rate_hz: int = MODEL_RATE_HZ) -> None:
        self.source = source
        self.sample_rate_hz = sample_rate_hz
        self.on_chunk, self.on_error = on_chunk, on_error
        self.started = threading.Event()
        self._running = False
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start capturing."""
        self._running = True
        self._thread = threading.Thread(target=self._run, name="listen-capture", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import pasimple

        frag = int(self.sample_rate_hz * CHUNK_S) * 4
        try:
            with pasimple.PaSimple(pasimple.PA_STREAM_RECORD, pasimple.PA_SAMPLE_FLOAT32LE, 1, self.sample_rate_hz,
                                   "aac-avatar", "partner captions", device_name=self.source, fragsize=frag) as rec:
                self.started.set()
                while self._running:
                    data = np.frombuffer(rec.read(frag), "<f4")
                    self.on_chunk(data, time.monotonic())
        except Exception as exc:  # the device went away, the server stopped: said on the board
            if self._running:
                self.on_error(f"listening to {self.source!r} stopped: {exc}")
        finally:
            self.started.set()

    def stop(self) -> None:
        """Stop capturing (within one chunk)."""
        self._running = False
        if self._thread is not None:
            self._thread.join(timeout=2)
