"""`aac-avatar bench avsync`: the audio/video offset of a recording made by the live engine.

The engine records a message to mp4; the offset between the mouth (landmarks on the decoded
frames) and the voice (its loudness) is measured by cross-correlation (`aac.live.av_sync`).
The motion's own lag between jaw and loudness, measured on the motion track before any
rendering, is reported beside it, and so is the lead the live face is given on purpose
(`aac.live.face.VISUAL_LEAD_S`): the recording's offset less the motion's lag, plus the lead,
is what the engine and the recording add by mistake.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from aac.arguments import FPS
from aac.commands.bench import frame_size, print_figures

TEXTS = (
    "Papa, mama, baby! Bob ate a big apple. Wow, amazing.",
    "I would like to open the window, please. It is warm in here.",
    "My brother Peter bought a blue boat. Maybe we can meet by the bay.",
)


def measure(width: int, height: int, fps: float) -> dict:
    """Offsets for espeak-ng and Piper, median over the texts."""
    from aac.live.av_sync import av_offset, motion_lag_ms
    from aac.live.engine import EngineSettings, LiveEngine
    from aac.live.face import VISUAL_LEAD_S
    from aac.live.overlays import OverlaySettings
    from aac.live.video_outputs import Mp4Recorder
    from avatar.motion.speech_motion import speech_motion
    from avatar.params import PARAM_INDEX
    from avatar.render import Renderer
    from avatar.rig import load_rig
    from profiles.store import BUNDLED_DIR
    from speech.registry import get_voice

    rig = load_rig(BUNDLED_DIR / "default" / "rig.npz")
    settings = EngineSettings(width, height, fps, OverlaySettings(False, False, False))
    figures: dict = {"frame_size": f"{width}x{height}", "fps": fps, "face_lead_ms": VISUAL_LEAD_S * 1000}
    for label, voice_id in (("espeak", "espeak:en-us"), ("piper", "piper:en_US-joe-medium")):
        voice = get_voice(voice_id)
        recorded, intrinsic = [], []
        for text in TEXTS:
            with tempfile.TemporaryDirectory(prefix="aac-avsync-") as tmp:
                path = Path(tmp) / "take.mp4"
                engine = LiveEngine(lambda: Renderer(rig, width, height), voice, settings,
                                    video_outputs=[Mp4Recorder(path, width, height, fps, voice.sample_rate_hz)],
                                    prepare=False)
                engine.start()
                time.sleep(0.5)
                engine.say(text)
                time.sleep(0.3)
                while not engine.idle():
                    time.sleep(0.02)
                time.sleep(0.4)
                engine.close()
                recorded.append(av_offset(path, width, height, fps, voice.sample_rate_hz).offset_ms)
            utterance = voice.synthesize(text)
            jaw = speech_motion(utterance, fps).values[:, PARAM_INDEX["jaw_open"]]
            intrinsic.append(motion_lag_ms(utterance.audio, utterance.sample_rate_hz, jaw, fps))
        figures[f"av_offset_ms_recording_{label}"] = statistics.median(recorded)
        figures[f"motion_lag_ms_{label}"] = statistics.median(intrinsic)
        figures[f"engine_error_ms_{label}"] = (
            statistics.median(recorded) - statistics.median(intrinsic) + VISUAL_LEAD_S * 1000
        )
        voice.close()
    return figures


def run(args: argparse.Namespace) -> int:
    width, height = args.size
    print_figures(measure(width, height, args.fps), args.json)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("avsync", help="audio/video offset of a recording made by the live engine")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--size", type=frame_size, default="640x360", help="frame size, WIDTHxHEIGHT")
    parser.add_argument("--fps", type=FPS, default=30.0, help="frames per second")
    parser.set_defaults(func=run)
