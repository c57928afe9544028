"""Which sound input is a microphone: the one place that picks it, for recording a banked phrase
(`speech.microphone`) and for hearing the partner (`speech.listen.capture`).

The aid's own virtual microphone and the monitor of the sink the aid speaks into carry the aid's own voice:
they are never picked, and refused when named. Unnamed, the microphone is the sound server's default input
when that is a real one (not the monitor of an output), else the first real input. A named input is taken as
it is (a caregiver may name a monitor on purpose). Linux: PulseAudio or PipeWire-pulse, through pactl.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence

from speech.errors import AudioDeviceError
from speech.virtual_mic import SINK_NAME, SOURCE_NAME

OWN_SOURCES = (SOURCE_NAME, f"{SINK_NAME}.monitor")


class InputSourceError(AudioDeviceError):
    """No input to use. `kind`: "server" (no sound server or pactl), "none" (no microphone), "own" (the aid's
    own), "unknown" (no input of that name); callers add the fix that fits their setting."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def is_own(name: str) -> bool:
    """Whether `name` carries the aid's own voice (its virtual microphone, or the monitor of its sink)."""
    return name in OWN_SOURCES


def is_microphone(name: str) -> bool:
    """Whether `name` is a real input: not the monitor of an output, not the aid's own."""
    return bool(name) and not name.endswith(".monitor") and not is_own(name)


def choose_microphone(sources: Sequence[str], default: str | None, wanted: str | None = None) -> str:
    """The input to record from `sources` (the server's inputs, `default` its default one): `wanted` when named,
    else the default when it is a real microphone, else the first real one. InputSourceError otherwise."""
    if wanted:
        if is_own(wanted):
            raise InputSourceError("own", f"{wanted!r} is the aid's own virtual microphone: it carries the person's "
                                          "own voice")
        if wanted not in sources:
            shown = ", ".join(s for s in sources if not is_own(s)) or "none"
            raise InputSourceError("unknown", f"no sound source named {wanted!r} (sources here: {shown})")
        return wanted
    real = [name for name in sources if is_microphone(name)]
    if default in real:
        return default
    if real:
        return real[0]  # the default input is the aid's own microphone or a monitor: the first real one
    raise InputSourceError("none", "no microphone found")


def _pactl(*args: str) -> str:
    try:
        done = subprocess.run(["pactl", *args], capture_output=True, text=True, timeout=10,
                              env={**os.environ, "LC_ALL": "C"})  # the "Default Source:" label in English
    except FileNotFoundError:
        raise InputSourceError("server", "no pactl to ask the sound server for its inputs (Debian/Ubuntu: sudo "
                                         "apt-get install pulseaudio-utils)") from None
    except subprocess.TimeoutExpired:
        raise InputSourceError("server", "the sound server did not answer within 10 s") from None
    if done.returncode != 0:
        raise InputSourceError("server", "no sound server: is PulseAudio or PipeWire (pipewire-pulse) running? "
                                         f"({done.stderr.strip() or done.stdout.strip()})")
    return done.stdout


def server_inputs() -> tuple[list[str], str | None]:
    """The sound server's inputs (sources, monitors included) and its default one."""
    sources = [line.split("\t")[1] for line in _pactl("list", "short", "sources").splitlines() if "\t" in line]
    default = None
    for line in _pactl("info").splitlines():
        if line.startswith("Default Source: "):
            default = line.removeprefix("Default Source: ").strip() or None
    return sources, default


def server_microphone(wanted: str | None = None) -> str:
    """`choose_microphone` over the sound server's inputs."""
    sources, default = server_inputs()
    return choose_microphone(sources, default, wanted)
