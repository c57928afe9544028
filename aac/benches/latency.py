"""`aac-avatar bench latency`: message -> first audio at the virtual microphone, and -> first open mouth
on the virtual camera.

Audio is measured where a meeting app gets it: recorded from the "AAC Avatar Microphone" source
(a private PulseAudio is started when no sound server is reachable). Video is measured where a
meeting app gets it: an in-memory pyvirtualcam backend, registered by this benchmark, notes when
each frame arrives; a frame "shows an open mouth" when the rig parameters it was rendered from
have jaw_open >= 0.15 (a visibly parted mouth on the default face).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from aac.arguments import COUNT
from aac.commands.bench import frame_size, print_figures

OPEN_JAW = 0.15
MESSAGES = (
    "Hello, how are you?", "Can you pass me the water?", "Thank you very much.", "I would like to go outside.",
    "What time is it?", "Please call my sister.", "I am feeling a bit tired.", "That is a great idea!",
    "Could you open the window?", "Let me think about it.",
)


def _sound_server_reachable() -> bool:
    try:
        return subprocess.run(["pactl", "info"], capture_output=True, timeout=5).returncode == 0
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return False


def _run_voice(voice_id: str, n: int, prepared: bool, rig, size: tuple[int, int], mic_device: str) -> dict:
    from aac.live.engine import EngineSettings, LiveEngine
    from aac.live.memory_camera import register_memory_camera
    from aac.live.video_outputs import VirtualCameraOutput
    from avatar.params import PARAM_INDEX
    from avatar.render import Renderer
    from speech.audio_out import open_output
    from speech.registry import get_voice
    from speech.source_recorder import SourceRecorder

    voice = get_voice(voice_id)
    width, height = size
    settings = EngineSettings(width=width, height=height, fps=30.0)
    arrivals: list[tuple[float, float]] = []
    engine_ref: list = []
    jaw = PARAM_INDEX["jaw_open"]

    def arrived(frame) -> None:
        params = engine_ref[0].last_params if engine_ref else None  # what this frame was rendered from
        arrivals.append((time.monotonic(), float(params[jaw]) if params is not None else 0.0))

    register_memory_camera("aac-bench-memory", arrived)
    camera = VirtualCameraOutput(width, height, 30.0, backend="aac-bench-memory")
    out = open_output(voice.sample_rate_hz, mic_device)
    recorder = SourceRecorder("aac_avatar_microphone", voice.sample_rate_hz, "aac-bench")
    recorder.started.wait(10)
    engine = LiveEngine(lambda: Renderer(rig, width, height), voice, settings, audio_outputs=[out],
                        video_outputs=[camera], prepare=True)
    engine_ref.append(engine)
    engine.start()
    engine.say("Warming up.")
    audio_ms, mouth_ms = [], []
    try:
        for i in range(n):
            while not engine.idle():
                time.sleep(0.01)
            text = MESSAGES[i % len(MESSAGES)]
            if prepared:
                engine.compose(text)
                while not engine.preparer.is_ready(text):
                    time.sleep(0.01)
            time.sleep(0.6)  # silence between messages
            t0 = time.monotonic()
            engine.say(text)
            time.sleep(1.0)
            onset = recorder.onset_after(t0)
            opened = next((t for t, jaw in list(arrivals) if t >= t0 and jaw >= OPEN_JAW), None)
            if onset is not None:
                audio_ms.append((onset - t0) * 1000)
            if opened is not None:
                mouth_ms.append((opened - t0) * 1000)
    finally:
        engine.close()
        recorder.stop()
        out.close()
        voice.close()
    figures = {"dropped_frames": engine.status().frames_dropped}
    if audio_ms:
        figures.update(first_audio_ms_median=statistics.median(audio_ms), first_audio_ms_worst=max(audio_ms))
    if mouth_ms:
        figures.update(first_open_mouth_ms_median=statistics.median(mouth_ms), first_open_mouth_ms_worst=max(mouth_ms))
    figures["messages_measured"] = min(len(audio_ms), len(mouth_ms))
    return figures


def measure(n: int, size: tuple[int, int]) -> dict:
    """Latency figures for espeak-ng, Piper, and Piper with the message composed (prepared) first."""
    from avatar.rig import load_rig
    from profiles.store import BUNDLED_DIR
    from speech.pulse_server import PulseServer
    from speech.virtual_mic import VirtualMicrophone

    rig = load_rig(BUNDLED_DIR / "default" / "rig.npz")
    server = None
    if not _sound_server_reachable():
        import os

        server = PulseServer(Path(tempfile.mkdtemp(prefix="aac-bench-pulse-")))
        for key in ("PULSE_SERVER", "PULSE_RUNTIME_PATH"):
            os.environ[key] = server.env[key]
    figures: dict = {"sound_server": "private" if server else "system", "frame_size": f"{size[0]}x{size[1]}"}
    try:
        with VirtualMicrophone() as mic:
            for label, voice_id, prepared in (
                ("espeak", "espeak:en-us", False),
                ("piper", "piper:en_US-joe-medium", False),
                ("piper_prepared", "piper:en_US-joe-medium", True),
            ):
                for key, value in _run_voice(voice_id, n, prepared, rig, size, mic.playback_device).items():
                    figures[f"{key}_{label}"] = round(value, 1) if isinstance(value, float) else value
    finally:
        if server is not None:
            server.stop()
    return figures


def run(args: argparse.Namespace) -> int:
    width, height = args.size
    print_figures(measure(args.messages, (width, height)), args.json)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("latency", help="message -> first audio at the microphone and first open mouth")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--messages", type=COUNT, default=20, help="messages per voice (median and worst reported)")
    parser.add_argument("--size", type=frame_size, default="1280x720", help="camera frame size, WIDTHxHEIGHT")
    parser.set_defaults(func=run)
