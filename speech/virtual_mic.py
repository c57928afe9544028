"""The virtual microphone meeting apps pick: "AAC Avatar Microphone".

Linux: a PulseAudio / PipeWire-pulse null sink that the aid plays into, and a source remapped
from its monitor, which meeting apps list as a microphone. What this creates it removes on
close; a sink and source left by an earlier run (or set up by hand) are reused and kept.
Windows and macOS: a virtual cable installed by the user (VB-CABLE, BlackHole), found by name.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass

from speech.errors import AudioDeviceError

MIC_DESCRIPTION = "AAC Avatar Microphone"
SINK_NAME = "aac_avatar_speech"
SOURCE_NAME = "aac_avatar_microphone"
# Names of virtual cables whose playback side the aid writes into, by platform.
CABLE_NAMES = {"win32": ("CABLE Input", "VB-Audio"), "darwin": ("BlackHole",)}


@dataclass(frozen=True)
class MicrophoneStatus:
    """Where the aid's speech goes to reach meeting apps, and what was set up for it."""

    playback_device: str
    microphone_name: str
    created: bool


def _pactl(*args: str) -> str:
    try:
        done = subprocess.run(["pactl", *args], capture_output=True, text=True, timeout=10)
    except FileNotFoundError as exc:
        raise AudioDeviceError(
            "pactl is missing, so the virtual microphone cannot be made. "
            "On Debian/Ubuntu: sudo apt-get install pulseaudio-utils"
        ) from exc
    except subprocess.TimeoutExpired as exc:
        raise AudioDeviceError("the sound server did not answer within 10 s (pactl timed out)") from exc
    if done.returncode != 0:
        raise AudioDeviceError(
            f"the sound server refused `pactl {' '.join(args[:2])}`: {done.stderr.strip() or done.stdout.strip()}. "
            "Is PulseAudio or PipeWire (with pipewire-pulse) running?"
        )
    return done.stdout


def _short_names(kind: str) -> set[str]:
    return {line.split("\t")[1] for line in _pactl("list", "short", kind).splitlines() if "\t" in line}


class VirtualMicrophone:
    """Creates (or reuses) the virtual microphone; use as a context manager.

    `playback_device` is the sink (Linux) or cable input (Windows, macOS) to play speech into.
    """

    def __init__(self, description: str = MIC_DESCRIPTION, sink: str = SINK_NAME, source: str = SOURCE_NAME) -> None:
        self.description = description
        self.sink = sink
        self.source = source
        self._modules: list[str] = []
        self.status: MicrophoneStatus | None = None

    def open(self) -> MicrophoneStatus:
        """Make the microphone available; raises AudioDeviceError with what to install when it cannot."""
        if sys.platform.startswith("linux"):
            self.status = self._open_pulse()
        else:
            self.status = self._open_cable()
        return self.status

    def _open_pulse(self) -> MicrophoneStatus:
        if shutil.which("pactl") is None:
            _pactl("info")  # raises the install hint
        def label(text: str) -> str:
            # PulseAudio's property lists take a quoted value with escaped spaces.
            return '"' + text.replace(" ", "\\ ") + '"'

        created = False
        if self.sink not in _short_names("sinks"):
            self._modules.append(
                _pactl(
                    "load-module", "module-null-sink", f"sink_name={self.sink}",
                    f"sink_properties=device.description={label(self.description + ' speech input')}",
                ).strip()
            )
            created = True
        if self.source not in _short_names("sources"):
            self._modules.append(
                _pactl(
                    "load-module", "module-remap-source", f"master={self.sink}.monitor",
                    f"source_name={self.source}", f"source_properties=device.description={label(self.description)}",
                ).strip()
            )
            created = True
        return MicrophoneStatus(playback_device=self.sink, microphone_name=self.description, created=created)

    def _open_cable(self) -> MicrophoneStatus:
        import sounddevice

        wanted = CABLE_NAMES.get(sys.platform, ())
        for device in sounddevice.query_devices():
            if device["max_output_channels"] > 0 and any(w.lower() in device["name"].lower() for w in wanted):
                return MicrophoneStatus(playback_device=device["name"], microphone_name=device["name"], created=False)
        product = "VB-CABLE (vb-audio.com)" if sys.platform == "win32" else "BlackHole (existential.audio)"
        raise AudioDeviceError(
            f"no virtual audio cable found. Install {product}, then choose its output as the microphone "
            "in the meeting app; aac-avatar plays its speech into it."
        )

    def close(self) -> None:
        """Remove what `open` created (in reverse order); what it reused stays."""
        while self._modules:
            module = self._modules.pop()
            try:
                _pactl("unload-module", module)
            except AudioDeviceError:
                pass  # the server went away: nothing of ours is left to remove

    def __enter__(self) -> MicrophoneStatus:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()
