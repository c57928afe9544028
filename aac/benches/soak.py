"""`aac-avatar bench soak --minutes N`: the live engine left running, speaking now and then.

Frames go to an in-memory camera backend at the profile's default size (1280x720, 30 fps);
speech goes to a paced output (real-time, no device), so the run needs no sound server.
Reported: frames rendered and dropped, and memory (RSS) after warm-up (one message spoken,
so the voice's and the motion's working buffers exist) and at the end.
"""

from __future__ import annotations

import argparse
import time

from aac.arguments import FPS, MINUTES
from aac.commands.bench import frame_size, print_figures


def rss_mb() -> float:
    """This process's resident memory in MB (Linux; NaN elsewhere)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def trend_mb_per_10_min(samples: list[tuple[float, float]], rss_start: float, rss_end: float) -> float:
    """The RSS trend of (minutes, MB) readings, as MB per 10 minutes: a least-squares line, not two noisy readings."""
    import numpy as np

    t, rss = np.array(samples).T if len(samples) > 2 else (np.array([0.0, 1.0]), np.array([rss_start, rss_end]))
    return round(10 * float(np.polyfit(t, rss, 1)[0]), 1)


def measure(minutes: float, width: int, height: int, fps: float, voice_id: str) -> dict:
    """Run the engine for `minutes`, one message every 8 seconds; return its figures."""
    from aac.live.engine import EngineSettings, LiveEngine
    from aac.live.memory_camera import register_memory_camera
    from aac.live.video_outputs import VirtualCameraOutput
    from avatar.render import Renderer
    from avatar.rig import load_rig
    from profiles.store import BUNDLED_DIR
    from speech.registry import get_voice

    register_memory_camera("aac-soak-memory")
    rig = load_rig(BUNDLED_DIR / "default" / "rig.npz")
    voice = get_voice(voice_id)
    settings = EngineSettings(width=width, height=height, fps=fps)
    camera = VirtualCameraOutput(width, height, fps, backend="aac-soak-memory")
    engine = LiveEngine(lambda: Renderer(rig, width, height), voice, settings, video_outputs=[camera])
    engine.start()
    lines = ("Hello, how are you today?", "I would like a cup of tea, please.", "That is very kind of you.",
             "Could we go for a walk later?", "I am listening.")
    # warm up: the first message makes the voice's and the motion's buffers, which then stay
    engine.say("Warming up before we measure.")
    time.sleep(2.0)
    while not engine.idle():
        time.sleep(0.1)
    time.sleep(10.0)
    start = engine.status()
    rss_start = rss_mb()
    t_start = time.monotonic()
    t_end = t_start + minutes * 60
    samples: list[tuple[float, float]] = []  # (minutes, RSS MB), one per message
    i = 0
    while time.monotonic() < t_end:
        engine.say(lines[i % len(lines)])
        i += 1
        time.sleep(min(8.0, max(0.0, t_end - time.monotonic())))
        samples.append(((time.monotonic() - t_start) / 60, rss_mb()))
    end = engine.status()
    rss_end = rss_mb()
    engine.close()
    rendered = end.frames_rendered - start.frames_rendered
    dropped = end.frames_dropped - start.frames_dropped
    return {
        "minutes": minutes,
        "frame_size": f"{width}x{height}",
        "fps_target": fps,
        "messages": i,
        "frames_rendered": rendered,
        "frames_dropped": dropped,
        "dropped_percent": round(100.0 * dropped / max(1, rendered + dropped), 3),
        "fps_delivered": round(rendered / (minutes * 60), 2),
        "rss_mb_start": round(rss_start, 1),
        "rss_mb_end": round(rss_end, 1),
        "rss_growth_mb": round(rss_end - rss_start, 1),
        "rss_mb_max": round(max([rss_start, rss_end, *(r for _, r in samples)]), 1),
        "rss_trend_mb_per_10_min": trend_mb_per_10_min(samples, rss_start, rss_end),
        "problems": "; ".join(end.problems) or "none",
    }


def run(args: argparse.Namespace) -> int:
    width, height = args.size
    print_figures(measure(args.minutes, width, height, args.fps, args.voice), args.json)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("soak", help="run the live engine for minutes: dropped frames, memory growth")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--minutes", type=MINUTES, default=10.0, help="how long to run after warming up (one message)")
    parser.add_argument("--size", type=frame_size, default="1280x720", help="frame size, WIDTHxHEIGHT")
    parser.add_argument("--fps", type=FPS, default=30.0, help="frames per second")
    parser.add_argument("--voice", default="piper:en_US-joe-medium", help="the voice that speaks")
    parser.set_defaults(func=run)
