"""The virtual microphone meeting apps pick: "AAC Avatar Microphone".

Linux: a PulseAudio / PipeWire-pulse null sink that the aid plays into, and a source remapped
from its monitor, which meeting apps list as a microphone. One sound server may serve several
sessions (two `live`, the app and a `live`): the first makes the pair, marked as the aid's, and
the others use it. Whichever session ends last removes it: on close, a session removes the
aid's pair only when nothing else plays into it or records from it (another session, a meeting
app mid-call). A pair set up by hand (unmarked) is used and never removed.
Windows and macOS: a virtual cable installed by the user (VB-CABLE, BlackHole), found by name.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass

from speech.errors import AudioDeviceError

MIC_DESCRIPTION = "AAC Avatar Microphone"
SINK_NAME = "aac_avatar_speech"
SOURCE_NAME = "aac_avatar_microphone"
# Names of virtual cables whose playback side the aid writes into, by platform.
# The property that marks a sink or source as made by the aid, with the id of the process that made it
# (a hand-made one is never removed).
MADE_BY_AAC = "aac_avatar.made"
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
        def props(description: str) -> str:
            # a property list in one module argument: single-quoted, the description double-quoted inside
            clean = "".join(c for c in description if c not in "'\"\\")
            return f"'device.description=\"{clean}\" {MADE_BY_AAC}={os.getpid()}'"

        created = False
        if self.sink not in _short_names("sinks"):
            self._modules.append(
                _pactl(
                    "load-module", "module-null-sink", f"sink_name={self.sink}",
                    f"sink_properties={props(self.description + ' speech input')}",
                ).strip()
            )
            created = True
        if self.source not in _short_names("sources"):
            self._modules.append(
                _pactl(
                    "load-module", "module-remap-source", f"master={self.sink}.monitor",
                    f"source_name={self.source}", f"source_properties={props(self.description)}",
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
        """Remove the aid's microphone when this session was its last user; leave it while anyone else (another
        session, a meeting app recording it) still uses it, and never remove one set up by hand."""
        self._modules.clear()
        if not (sys.platform.startswith("linux") and self.status is not None):
            return
        try:
            modules = _unused_modules_of_ours(self.sink, self.source, made_here=self.status.created)
        except (AudioDeviceError, ValueError, KeyError, TypeError):
            return  # the server went away, or cannot say who uses it: keeping it is the safe side
        for module in modules:
            try:
                _pactl("unload-module", module)
            except AudioDeviceError:
                pass  # gone meanwhile
    def __enter__(self) -> MicrophoneStatus:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()


def _listing(kind: str) -> list[dict]:
    """`pactl list KIND` as JSON (pactl 16 and later; an older one raises ValueError: nothing is removed)."""
    return json.loads(_pactl("--format=json", "list", kind))


def _unused_modules_of_ours(sink: str, source: str, made_here: bool) -> list[str]:
    """The modules of the aid's microphone pair (source first) when this session is its last user: no
    stream of another process plays into it or records it, and (for a session that found it made) the
    session that made it has ended."""
    sinks = [d for d in _listing("sinks") if d.get("name") == sink]
    sources = [d for d in _listing("sources") if d.get("name") == source]
    devices = [*sources, *sinks]
    makers = {str(d.get("properties", {}).get(MADE_BY_AAC, "")) for d in devices}
    if not devices or not all(m.isdigit() for m in makers):
        return []  # not there, or set up by hand
    if not made_here and any(_alive(int(m)) for m in makers):
        return []  # its maker is still running (in another session, or this process): it removes it
    me = str(os.getpid())
    sink_ids = {d["index"] for d in sinks}
    # the remapped source records the sink's monitor itself (a stream owned by a module, no client)
    source_ids = {d["index"] for d in sources} | {d["index"] for d in _listing("sources")
                                                 if d.get("name") == f"{sink}.monitor"}

    def someone_else(stream: dict) -> bool:
        return stream.get("client") is not None and stream.get("properties", {}).get("application.process.id") != me

    if any(someone_else(s) for s in _listing("sink-inputs") if s.get("sink") in sink_ids):
        return []
    if any(someone_else(s) for s in _listing("source-outputs") if s.get("source") in source_ids):
        return []
    return [str(d["owner_module"]) for d in devices if d.get("owner_module") not in (None, "", "-")]


def _alive(pid: int) -> bool:
    """Whether process `pid` runs (this one counts: a microphone it made may still be open in it)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process
    return True
