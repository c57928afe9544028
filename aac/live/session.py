"""The outputs of a live session, opened as the profile and the caller ask: used by `live` and the app.

Each output that cannot open is left off with a note saying why (no virtual camera driver, no
sound server): the session runs with what there is, and the person sees what is missing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from aac.arguments import unwritable_reason
from aac.live.engine import EngineSettings
from aac.live.video_outputs import VideoOutput
from profiles.store import LoadedProfile
from speech.audio_out import AudioOutput
from speech.voice import Voice


@dataclass(frozen=True)
class OutputChoice:
    """Which outputs to open beyond what the profile says (the command line's or the app's overrides)."""

    camera: bool = True
    microphone: bool = True
    speakers: bool | None = None  # None: the profile's speakers_monitor
    preview: bool = False
    record: Path | None = None
    camera_backend: str | None = None


@dataclass
class OpenedOutputs:
    """The outputs that opened, a line for each output's state, and what to close at the end."""

    audio: list[AudioOutput] = field(default_factory=list)
    video: list[VideoOutput] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cleanup: list[Callable[[], None]] = field(default_factory=list)
    camera_on: bool = False
    microphone_on: bool = False

    def close(self) -> None:
        """Undo what opening did (the virtual microphone is removed if it was made here)."""
        for close in self.cleanup:
            close()
        self.cleanup.clear()


def open_outputs(loaded: LoadedProfile, settings: EngineSettings, voice: Voice, choice: OutputChoice) -> OpenedOutputs:
    """Open every output the profile and `choice` ask for; each reports its own problem in `notes`."""
    from aac.live.video_outputs import Mp4Recorder, PreviewWindow, VirtualCameraOutput
    from speech.audio_out import open_output
    from speech.errors import AudioDeviceError
    from speech.virtual_mic import VirtualMicrophone

    outputs = loaded.profile.outputs
    opened = OpenedOutputs()
    if outputs.microphone and choice.microphone:
        mic = VirtualMicrophone(description=outputs.microphone_name)
        try:
            status = mic.open()
            opened.audio.append(open_output(voice.sample_rate_hz, status.playback_device))
            opened.cleanup.append(mic.close)
            opened.notes.append(f"microphone: ready as {status.microphone_name!r}")
            opened.microphone_on = True
        except AudioDeviceError as exc:
            mic.close()
            opened.notes.append(f"microphone: off ({exc})")
    speakers = outputs.speakers_monitor if choice.speakers is None else choice.speakers
    if speakers:
        try:
            opened.audio.append(open_output(voice.sample_rate_hz))
            opened.notes.append("speakers: on")
        except AudioDeviceError as exc:
            opened.notes.append(f"speakers: off ({exc})")
    if outputs.camera and choice.camera:
        camera = VirtualCameraOutput(settings.width, settings.height, settings.fps,
                                     device=outputs.camera_device, backend=choice.camera_backend)
        opened.video.append(camera)
        opened.camera_on = not camera.error
        opened.notes.append("camera: " + (f"off ({camera.error})" if camera.error else f"on ({camera.device})"))
    if choice.preview:
        window = PreviewWindow(settings.width, settings.height)
        opened.video.append(window)
        opened.notes.append("preview: " + (f"off ({window.error})" if window.error else "on"))
    record = choice.record
    if record is None and outputs.recording_dir:
        record = Path(outputs.recording_dir).expanduser() / time.strftime("aac-avatar-%Y%m%d-%H%M%S.mp4")
    problem = unwritable_reason(record) if record is not None else None
    if problem:
        # told now, at the start, not as a lost recording at the end
        opened.notes.append(f"recording: off ({record}: {problem})")
    elif record is not None:
        recorder = Mp4Recorder(record, settings.width, settings.height, settings.fps, voice.sample_rate_hz)
        opened.video.append(recorder)
        opened.notes.append("recording: " + (f"off ({recorder.error})" if recorder.error else f"to {record}"))
        opened.notes += [f"recording: {sentence}" for sentence in recorder.recovered]
    return opened
