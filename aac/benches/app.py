"""`aac-avatar bench app`: the board app's figures.

- keystroke savings of prediction on messages (`--text FILE`, one a line; by default the held-out
  conversational messages shipped with the predictor), typed letter by letter by a simulated person who
  takes a suggestion as soon as it is offered, with a fresh profile that learns from each message spoken;
- milliseconds per keystroke for suggestions;
- Speak -> first audio of a composed message, through the app and straight into the engine (the
  engine's own figure), measured in the same run on the engine's audio clock;
- UI frame time (p95) of the real window loop (SDL's dummy driver) with the avatar's preview running;
- CPU of the whole app while idle, in cores, with the engine at the profile's size and rate.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from aac.arguments import COUNT, DURATION_S
from aac.commands.bench import print_figures

MESSAGES = ("I would like a cup of tea, please.", "Can you hear me now?", "Thank you for coming today.",
            "I have a question about the plan.", "Please give me a moment.")


def _savings(text: Path | None, language: str) -> dict:
    from aac.predict.predictor import Predictor
    from aac.predict.savings import HELDOUT_FILE, keystroke_savings

    path = text or HELDOUT_FILE
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot read the messages ({exc})") from None
    messages = [line.strip() for line in lines if line.strip()]
    if not messages:
        raise ValueError(f"{path}: no messages in it (one a line)")
    report = keystroke_savings(messages, lambda: Predictor(language))
    return {
        "messages": report.messages, "characters": report.characters, "keys_pressed": report.keys,
        "keystroke_savings": round(report.savings, 4),
        "suggest_ms_per_keystroke_mean": round(report.ms_per_keystroke_mean, 3),
        "suggest_ms_per_keystroke_p95": round(report.ms_per_keystroke_p95, 3),
    }


class _TimedSpeaker:
    """The engine's speaker, noting when the app handed it each message."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.said_at: list[float] = []

    def say(self, text, emotion=None):
        self.said_at.append(time.perf_counter())
        self.inner.say(text, emotion)

    def compose(self, text):
        self.inner.compose(text)

    def keep_ready(self, texts):
        self.inner.keep_ready(texts)

    def stop(self):
        self.inner.stop()

    def play_sound(self, data, label):
        self.inner.play_sound(data, label)


def _live(seconds_idle: float, messages: int, voice_id: str | None) -> dict:
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    import pygame as pg

    from aac.live.engine import LiveEngine
    from aac.live.memory_camera import register_memory_camera
    from aac.live.profile_settings import engine_settings
    from aac.live.session import OpenedOutputs
    from aac.live.video_outputs import VirtualCameraOutput
    from aac.rig_for_profile import load_profile_rig
    from aac.ui.run import Window
    from avatar.render import Renderer
    from profiles.store import ProfileStore
    from speech.registry import get_voice_or_fallback
    from speech.voice import VoiceSettings

    store = ProfileStore()
    loaded = store.open("default")
    settings = engine_settings(loaded.profile)
    voice = get_voice_or_fallback(voice_id or loaded.profile.voice.id, loaded.profile.voice.fallback_id,
                                  VoiceSettings()).voice
    rig = load_profile_rig(store, loaded, quiet=True)
    register_memory_camera("aac-bench-app", None)
    camera = VirtualCameraOutput(settings.width, settings.height, settings.fps, backend="aac-bench-app")
    engine = LiveEngine(lambda: Renderer(rig, settings.width, settings.height), voice, settings,
                        video_outputs=[camera])
    engine.start()
    window = Window(store, loaded, engine, OpenedOutputs(camera_on=True), (1280, 800), fullscreen=False, keep=False)
    timed = _TimedSpeaker(window.app.model.speaker)
    window.app.model.speaker = timed
    frame_ms: list[float] = []

    def run_for(seconds: float, record: bool = True) -> None:
        end = time.monotonic() + seconds
        next_at = time.monotonic()
        while time.monotonic() < end:
            t0 = time.perf_counter()
            window.step(time.monotonic())
            if record:
                frame_ms.append((time.perf_counter() - t0) * 1000)
            next_at += 1 / 30
            time.sleep(max(0.0, next_at - time.monotonic()))

    try:
        run_for(2.0, record=False)  # start-up: the renderer, the voice's first sentence
        model = window.app.model
        model.type_key(" ")
        model.clear()
        # idle: the engine renders the idle face into the camera, the board waits for the person
        cpu0, wall0 = time.process_time(), time.monotonic()
        run_for(seconds_idle)
        idle_cores = (time.process_time() - cpu0) / (time.monotonic() - wall0)
        app_ms, engine_ms, direct_ms = [], [], []
        def first_audio_ms(message_id: int) -> float:
            """Wait for the message's first sound and for it to end; its Speak -> first audio on the engine's clock."""
            while message_id not in engine.stats.first_audio_s:
                run_for(0.01, record=False)
            while not engine.idle():
                run_for(0.05)
            run_for(0.5)
            return (engine.stats.first_audio_s[message_id] - engine.stats.entered_s[message_id]) * 1000

        def wait_prepared(text: str) -> None:
            while engine.preparer is not None and not engine.preparer.is_ready(text):
                run_for(0.05)
            run_for(0.3)

        for i in range(messages):
            text = MESSAGES[i % len(MESSAGES)]
            # the same message straight into the engine, for the engine's own figure, and through the app;
            # each after the same pause, so neither pays for following the other's speech
            engine.compose(text)
            wait_prepared(text)
            direct_ms.append(first_audio_ms(engine.say(text)))
            for letter in text:  # composed on the board's model, as a person would
                model.type_key(letter)
            wait_prepared(text)
            t0 = time.perf_counter()
            window.app.activate("action:speak")
            app_ms.append((timed.said_at[-1] - t0) * 1000)
            engine_ms.append(first_audio_ms(max(engine.stats.entered_s)))
        status = engine.status()
    finally:
        window.close()
        engine.close()
        voice.close()
        pg.quit()
    frames = sorted(frame_ms)
    return {
        "ui_frame_ms_p50": round(statistics.median(frames), 2),
        "ui_frame_ms_p95": round(frames[int(0.95 * (len(frames) - 1))], 2),
        "idle_app_cpu_cores": round(idle_cores, 3),
        "speak_to_engine_ms_median": round(statistics.median(app_ms), 3),
        "speak_to_first_audio_ms_median": round(statistics.median(a + e for a, e in zip(app_ms, engine_ms,
                                                                                          strict=True)), 2),
        "engine_say_to_first_audio_ms_median": round(statistics.median(direct_ms), 2),
        "engine_width_px": settings.width, "engine_height_px": settings.height, "engine_fps": settings.fps,
        "engine_frames_dropped": status.frames_dropped,
    }


def run(args: argparse.Namespace) -> int:
    try:
        figures = _savings(args.text, args.language)
    except ValueError as exc:
        print(f"aac-avatar: {exc}", file=sys.stderr)
        return 2
    if not args.no_live:
        figures.update(_live(args.idle_seconds, args.messages, args.voice))
    print_figures(figures, args.json)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("app", help="the board app: keystroke savings, Speak -> audio, UI frame time, CPU")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--text", type=Path, help="messages, one a line (default: the held-out messages)")
    parser.add_argument("--language", default="en-US", help="the prediction's language")
    parser.add_argument("--idle-seconds", type=DURATION_S, default=15.0, help="how long to measure the idle app")
    parser.add_argument("--messages", type=COUNT, default=5, help="composed messages to speak")
    parser.add_argument("--voice", help="the voice (default: the default profile's)")
    parser.add_argument("--no-live", action="store_true", help="only the prediction figures (no engine, no window)")
    parser.set_defaults(func=run)
