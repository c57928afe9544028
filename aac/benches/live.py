"""`aac-avatar bench live`: what the live engine costs the laptop it shares with a meeting app.

The engine runs with the default profile's size, rate, overlays and voice (or `--size`, `--fps`,
`--voice`): frames to an in-memory virtual camera that takes I420 as v4l2loopback does, speech
to a paced output (real time, no sound device). `--busy-cores N` starts N processes spinning at
full speed, as a meeting app keeps a core busy, and stops them at the end. After a warm-up
(start-up excluded from every figure), it alternates idle spells and speaking spells, half of the
messages composed first (their speech prepared while "typed") and half said straight, until
`--minutes` have passed (at least once).

Figures: the engine's CPU in cores (this process's CPU time over wall time: the bench's own
thread only sleeps and waits) idle and speaking, and by thread (render, llvmpipe, speech, ...);
speaking is composing (a composed message typed: its speech prepared, "typing..." shown) and saying
(from Speak until the message is said), each reported too;
frames dropped and the longest run of drops;
frames redrawn (the others were still: nothing drawn); Speak -> first audio on the engine's clock
and Speak -> first open mouth at the camera, composed and not; the A/V offset at the camera (the
audio clock when a frame arrives less the time the frame shows: what the engine adds; the face
also leads its voice by `aac.live.face.VISUAL_LEAD_S` on purpose); audio underruns while speaking;
RSS after warm-up, at the end, its trend and peak; the anonymous part (aac.process_memory).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

import numpy as np

from aac.arguments import COUNT, DURATION_S, FPS, number, whole_number
from aac.benches.latency import OPEN_JAW
from aac.benches.soak import rss_mb, trend_mb_per_10_min
from aac.commands.bench import frame_size, print_figures
from aac.process_memory import anonymous_mb, peak_rss_mb, private_mb
from aac.thread_cpu import difference, thread_cpu_s
from speech.audio_out import PacedOutput

MESSAGES = ("Hello, how are you today?", "I would like a cup of tea, please.", "Thank you for coming today.",
            "Could we go for a walk later?", "Please give me a moment.", "That is a great idea!")


class _WatchedOutput(PacedOutput):
    """A paced output with a sound device's buffer (`open_output`'s 100 ms) that notes when speech
    reached it late: the buffer had run dry mid-message, which a listener hears as a gap.

    `playing` tells which message the block being written belongs to (the player's `playing_key`):
    a message's first block follows silence, however soon after the last message (the next one may
    be synthesized and started within a tenth of a second of the last one's end), and is never late.
    """

    def __init__(self, sample_rate_hz: int, buffer_s: float = 0.1) -> None:
        super().__init__(sample_rate_hz)
        self.buffer_s = buffer_s
        self.underruns = 0
        self.starved_s = 0.0
        self.playing = lambda: None
        self._last_key: object = None

    def write(self, audio: np.ndarray) -> None:
        now = self._clock()
        key = self.playing()
        # a block of the message written before it (the same stretch of speech) that found the buffer empty
        if key is not None and key == self._last_key and now > self._due + 0.002:
            self.underruns += 1
            self.starved_s += now - self._due
        self._last_key = key
        self._due = max(self._due, now) + len(audio) / self.sample_rate_hz
        wait = self._due - now - self.buffer_s
        if wait > 0:
            time.sleep(wait)


class _Camera:
    """The camera's arrivals: wall time, how late each frame is against the audio clock, its jaw."""

    def __init__(self, capacity: int) -> None:
        self.engine = None
        self.times = np.zeros(capacity)
        self.late_s = np.zeros(capacity)
        self.jaw = np.zeros(capacity, np.float32)
        self.n = 0

    def arrived(self, frame) -> None:
        engine = self.engine
        if engine is None or engine.last_params is None or self.n >= len(self.times):
            return
        from avatar.params import PARAM_INDEX

        i = self.n
        self.times[i] = time.monotonic()
        self.late_s[i] = engine.player.position_s() - engine.last_frame_s
        self.jaw[i] = engine.last_params[PARAM_INDEX["jaw_open"]]
        self.n += 1

    def first_open_after(self, t0: float) -> float | None:
        times, jaw = self.times[: self.n], self.jaw[: self.n]
        opened = np.flatnonzero((times >= t0) & (jaw >= OPEN_JAW))
        return float(times[opened[0]]) if len(opened) else None


def _spinners(n: int) -> list[subprocess.Popen]:
    """N processes spinning at full speed: the meeting app's share of the machine."""
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=10)


class _Phase:
    """CPU and wall time of the engine's process over one spell."""

    def __init__(self) -> None:
        self.cpu_s = self.wall_s = 0.0
        self.threads_cpu_s: dict[str, float] = {}

    def __enter__(self):
        self._cpu, self._wall, self._threads = time.process_time(), time.monotonic(), thread_cpu_s()
        return self

    def __exit__(self, *exc) -> None:
        self.cpu_s += time.process_time() - self._cpu
        self.wall_s += time.monotonic() - self._wall
        for group, seconds in difference(thread_cpu_s(), self._threads).items():
            self.threads_cpu_s[group] = self.threads_cpu_s.get(group, 0.0) + seconds

    def thread_cores(self, name: str) -> dict[str, float]:
        """Each thread group's share of the spell's cores, keyed for the figures."""
        wall = max(self.wall_s, 1e-9)
        return {f"engine_cpu_cores_{name}_{group}": round(seconds / wall, 3)
                for group, seconds in sorted(self.threads_cpu_s.items())}

    def __add__(self, other: _Phase) -> _Phase:
        """Both spells together (speaking = composing + saying)."""
        both = _Phase()
        both.cpu_s, both.wall_s = self.cpu_s + other.cpu_s, self.wall_s + other.wall_s
        for phase in (self, other):
            for group, seconds in phase.threads_cpu_s.items():
                both.threads_cpu_s[group] = both.threads_cpu_s.get(group, 0.0) + seconds
        return both

    @property
    def cores(self) -> float:
        return self.cpu_s / max(self.wall_s, 1e-9)


def _wait(condition, timeout_s: float) -> bool:
    # every 20 ms: this thread's CPU counts as the engine's, and no figure depends on when it notices
    # (first audio and the open mouth are timed by the engine and the camera)
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def measure(size: tuple[int, int] | None, fps: float | None, voice_id: str | None, busy_cores: int,
            idle_s: float, messages: int, minutes: float) -> dict:
    """Run the engine as described above; return its figures."""
    from aac.live.engine import LiveEngine
    from aac.live.face import VISUAL_LEAD_S
    from aac.live.memory_camera import register_memory_camera
    from aac.live.profile_settings import engine_settings
    from aac.live.video_outputs import VirtualCameraOutput
    from aac.rig_for_profile import load_profile_rig
    from avatar.render import Renderer
    from profiles.store import ProfileStore
    from speech.registry import get_voice_or_fallback
    from speech.voice import VoiceSettings

    store = ProfileStore()
    loaded = store.open("default")
    width, height = size or (None, None)
    settings = engine_settings(loaded.profile, width, height, fps)
    voice = get_voice_or_fallback(voice_id or loaded.profile.voice.id, loaded.profile.voice.fallback_id,
                                  VoiceSettings()).voice
    rig = load_profile_rig(store, loaded, quiet=True)
    capacity = int((max(minutes, 1.0) * 60 + idle_s + 20 * messages + 120) * settings.fps * 2)
    camera_log = _Camera(capacity)
    # a camera that takes I420, as v4l2loopback does: the bench pays the frame's conversion like a real device
    import pyvirtualcam.util

    register_memory_camera("aac-bench-live", camera_log.arrived, native_fourcc=pyvirtualcam.util.encode_fourcc("I420"))
    camera = VirtualCameraOutput(settings.width, settings.height, settings.fps, backend="aac-bench-live")
    audio = _WatchedOutput(voice.sample_rate_hz)
    engine = LiveEngine(lambda: Renderer(rig, settings.width, settings.height), voice, settings,
                        audio_outputs=[audio], video_outputs=[camera])
    camera_log.engine = engine
    audio.playing = engine.player.playing_key
    engine.start()
    # speaking (figures below) = composing (a composed message's speech prepared while it is typed) + saying
    # (Speak until done)
    idle, composing, saying = _Phase(), _Phase(), _Phase()
    composed_audio_ms, plain_audio_ms, composed_mouth_ms, plain_mouth_ms = [], [], [], []
    not_prepared = 0
    samples: list[tuple[float, float]] = []
    spinners: list[subprocess.Popen] = []
    try:
        # warm-up: the renderer, the voice's and the motion's first buffers; excluded from the figures
        for text in ("Warming up before we measure.", "And once more, composed."):
            engine.compose(text)
            _wait(lambda t=text: engine.preparer.is_ready(t), 30)
            engine.say(text)
            _wait(engine.idle, 60)
        time.sleep(1.0)
        spinners = _spinners(busy_cores)
        time.sleep(1.0)  # the spinners' start-up
        start = engine.stats.rendered, engine.stats.dropped, engine.stats.redrawn
        engine.stats.longest_drop = 0  # from here on
        underruns0, starved0 = audio.underruns, audio.starved_s
        frames0 = camera_log.n
        rss_start, anon_start = rss_mb(), anonymous_mb()
        t_start = time.monotonic()
        said = 0
        while True:
            with idle:
                time.sleep(idle_s)
            for _ in range(messages):
                # numbered, so a message said straight was never prepared, in this spell or an earlier one
                line = MESSAGES[said % len(MESSAGES)]
                text = f"Number {said + 1}, {line[0].lower()}{line[1:]}"
                composed = said % 2 == 0
                said += 1
                if composed:  # the person types it; its speech is prepared meanwhile
                    with composing:
                        engine.compose(text)
                        if not _wait(lambda t=text: engine.preparer.is_ready(t), 20):
                            not_prepared += 1
                        time.sleep(0.2)
                with saying:
                    t0 = time.monotonic()
                    message_id = engine.say(text)
                    _wait(lambda m=message_id: m in engine.stats.first_audio_s, 30)
                    _wait(engine.idle, 60)
                first_audio_ms = (engine.stats.first_audio_s.get(message_id, float("nan"))
                                  - engine.stats.entered_s[message_id]) * 1000
                opened = camera_log.first_open_after(t0)
                mouth_ms = (opened - t0) * 1000 if opened is not None else float("nan")
                (composed_audio_ms if composed else plain_audio_ms).append(first_audio_ms)
                (composed_mouth_ms if composed else plain_mouth_ms).append(mouth_ms)
            samples.append(((time.monotonic() - t_start) / 60, rss_mb()))
            if time.monotonic() - t_start >= minutes * 60:
                break
        end = engine.stats.rendered, engine.stats.dropped, engine.stats.redrawn
        rss_end = rss_mb()
        private_end, anon_end = private_mb(), anonymous_mb()
        load = os.getloadavg()[0]
    finally:
        _stop(spinners)
        engine.close()
        voice.close()
    speaking = composing + saying
    rendered, dropped, redrawn = (b - a for a, b in zip(start, end, strict=True))
    late_ms = camera_log.late_s[frames0 : camera_log.n] * 1000

    def median(values: list[float]) -> float:
        values = [v for v in values if v == v]
        return round(statistics.median(values), 1) if values else float("nan")

    return {
        "frame_size": f"{settings.width}x{settings.height}",
        "fps_target": settings.fps,
        "voice": voice_id or loaded.profile.voice.id,
        "busy_cores": busy_cores,
        "cpu_count": os.cpu_count() or 0,
        "load_average_1min": round(load, 2),
        "minutes_measured": round((time.monotonic() - t_start) / 60, 2),
        "engine_cpu_cores_idle": round(idle.cores, 3),
        "engine_cpu_cores_speaking": round(speaking.cores, 3),
        "engine_cpu_cores_composing": round(composing.cores, 3),
        "engine_cpu_cores_saying": round(saying.cores, 3),
        **idle.thread_cores("idle"),
        **speaking.thread_cores("speaking"),
        **saying.thread_cores("saying"),
        "frames_rendered": rendered,
        "frames_dropped": dropped,
        "dropped_percent": round(100.0 * dropped / max(1, rendered + dropped), 3),
        "longest_drop_frames": engine.stats.longest_drop,
        "frames_redrawn_percent": round(100.0 * redrawn / max(1, rendered), 1),
        "messages": said,
        "messages_not_prepared_in_time": not_prepared,
        "speak_to_first_audio_ms_median_composed": median(composed_audio_ms),
        "speak_to_first_audio_ms_worst_composed": round(max(composed_audio_ms), 1) if composed_audio_ms else None,
        "speak_to_first_audio_ms_median_not_composed": median(plain_audio_ms),
        "speak_to_first_open_mouth_ms_median_composed": median(composed_mouth_ms),
        "speak_to_first_open_mouth_ms_median_not_composed": median(plain_mouth_ms),
        "av_offset_ms_median": round(float(np.median(late_ms)), 1) if len(late_ms) else float("nan"),
        "av_offset_ms_p95": round(float(np.percentile(late_ms, 95)), 1) if len(late_ms) else float("nan"),
        # the early side: frames are started early by what drawing takes (aac.live.pacing), some arrive early
        "av_offset_ms_p5": round(float(np.percentile(late_ms, 5)), 1) if len(late_ms) else float("nan"),
        "face_lead_ms": VISUAL_LEAD_S * 1000,
        "audio_underruns": audio.underruns - underruns0,
        "audio_starved_ms_total": round((audio.starved_s - starved0) * 1000, 1),
        "rss_mb_start": round(rss_start, 1),
        "rss_mb_end": round(rss_end, 1),
        "rss_growth_mb": round(rss_end - rss_start, 1),
        "private_mb_end": round(private_end, 1),
        "anonymous_mb_start": round(anon_start, 1),  # the process's own data, not pages of shared libraries
        "anonymous_mb_end": round(anon_end, 1),
        "rss_mb_peak": round(peak_rss_mb(), 1),  # start-up included
        "rss_trend_mb_per_10_min": trend_mb_per_10_min(samples, rss_start, rss_end),
        # after each round of spells: where the growth happens (bounded caches fill early, a leak keeps on)
        "rss_mb_after_each_round": " ".join(f"{mb:.0f}" for _, mb in samples),
        "problems": "; ".join(engine.status().problems) or "none",
    }


def check_arguments(args: argparse.Namespace) -> str:
    """What is wrong with the arguments, or "" (checked before anything starts)."""
    from aac.live.output_limits import video_format_problem

    cores = os.cpu_count() or 1
    if args.busy_cores > cores:
        return (f"--busy-cores {args.busy_cores}: this machine has {cores} cores; give 0 to {cores} "
                "(1 is a meeting app on a 2-core laptop)")
    if args.size is not None or args.fps is not None:
        width, height = args.size or (1280, 720)
        problem = video_format_problem(width, height, args.fps if args.fps is not None else 30.0)
        if problem:
            return problem
    return ""


def run(args: argparse.Namespace) -> int:
    problem = check_arguments(args)
    if problem:
        print(f"aac-avatar: {problem}", file=sys.stderr)
        return 2
    print_figures(measure(args.size, args.fps, args.voice, args.busy_cores, args.idle_seconds, args.messages,
                          args.minutes), args.json)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("live", help="the live engine's CPU, drops, latency, A/V offset and memory, "
                                                "optionally beside busy cores")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--busy-cores", type=whole_number(0, 4096, "busy cores"), default=0,
                        help="processes spinning at full speed meanwhile (at most this machine's cores)")
    parser.add_argument("--minutes", type=number(0.0, 7 * 24 * 60.0, "minutes"), default=0.0,
                        help="repeat idle and speaking spells this long (at least once); 10 for memory growth")
    parser.add_argument("--idle-seconds", type=DURATION_S, default=20.0, help="each idle spell")
    parser.add_argument("--messages", type=COUNT, default=10, help="messages in each speaking spell (half composed)")
    parser.add_argument("--size", type=frame_size, default=None, help="frame size, WIDTHxHEIGHT (default: profile's)")
    parser.add_argument("--fps", type=FPS, default=None, help="frames per second (default: the profile's)")
    parser.add_argument("--voice", help="the voice (default: the default profile's)")
    parser.set_defaults(func=run)
