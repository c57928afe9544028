"""`aac-avatar bench bank`: message banking. Speak -> first audio of a banked phrase (the recording played,
lips from its audio) against the same messages synthesized by the profile's voice, in one run through the
same live engine (the profile's frame size and rate into an in-memory camera); and how long banking a
recording takes.

Speak -> first audio is the app's own part (the Speak call: the bank looked up, the message handed to the
engine) plus the engine's (the message entering -> its first sample placed on the audio clock).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from aac.commands.bench import print_figures

MESSAGES = (
    "Hello, how are you?", "Can you pass me the water?", "Thank you very much.", "I would like to go outside.",
    "What time is it?", "Please call my sister.", "I am feeling a bit tired.", "That is a great idea!",
    "Could you open the window?", "Let me think about it.",
)


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 2)


def measure(messages: int, voice_id: str | None) -> dict:
    """The figures, for `messages` messages each way."""
    import soundfile as sf

    from aac.bank import BankedPhrases, bank_file
    from aac.board.vocabulary import default_board_set, keyboard_board
    from aac.live.engine import LiveEngine
    from aac.live.memory_camera import register_memory_camera
    from aac.live.profile_settings import engine_settings
    from aac.live.video_outputs import VirtualCameraOutput
    from aac.rig_for_profile import load_profile_rig
    from aac.ui.engine_link import EngineSpeaker
    from aac.ui.model import AppModel
    from avatar.render import Renderer
    from profiles.store import ProfileStore
    from speech.registry import get_voice_or_fallback
    from speech.voice import VoiceSettings

    texts = [MESSAGES[i % len(MESSAGES)] for i in range(messages)]
    shipped = ProfileStore()
    loaded = shipped.open("default")
    settings = engine_settings(loaded.profile)
    voice = get_voice_or_fallback(voice_id or loaded.profile.voice.id, loaded.profile.voice.fallback_id,
                                  VoiceSettings()).voice
    folder = Path(tempfile.mkdtemp(prefix="aac-bench-bank-"))
    store = ProfileStore(folder / "profiles")
    # the recordings: the messages in the profile's own voice, with a little silence around (as recorded)
    add_ms = []
    for i, text in enumerate(dict.fromkeys(texts)):
        path = folder / f"clip{i}.wav"
        sf.write(path, voice.synthesize(text).audio, voice.sample_rate_hz)
        t0 = time.perf_counter()
        bank_file(store, "default", path, text)
        add_ms.append((time.perf_counter() - t0) * 1000)
    rig = load_profile_rig(shipped, loaded, quiet=True)
    register_memory_camera("aac-bench-bank", None)
    camera = VirtualCameraOutput(settings.width, settings.height, settings.fps, backend="aac-bench-bank")
    engine = LiveEngine(lambda: Renderer(rig, settings.width, settings.height), voice, settings,
                        video_outputs=[camera])
    sources: list[str] = []
    placed_at: list[float] = []  # wall clock when each sentence's first block went to the outputs
    place = engine.face.place

    def placing(start_s, part):
        placed_at.append(time.perf_counter())
        sources.append(part.motion.source)
        return place(start_s, part)

    engine.face.place = placing
    keyboards = {"qwerty": keyboard_board("qwerty")}
    cold = BankedPhrases(store, "default", voice.sample_rate_hz)  # each clip decoded at its first Speak
    warm = BankedPhrases(store, "default", voice.sample_rate_hz)
    warm.preload()  # as the app does when it opens
    models = {
        "banked_cold": AppModel(default_board_set("en"), keyboards, EngineSpeaker(engine, cold)),
        "banked": AppModel(default_board_set("en"), keyboards, EngineSpeaker(engine, warm)),
        "synthesized": AppModel(default_board_set("en"), keyboards, EngineSpeaker(engine)),
        "synthesized_prepared": AppModel(default_board_set("en"), keyboards, EngineSpeaker(engine)),
    }
    results: dict[str, list[float]] = {name: [] for name in models}
    wall: dict[str, list[float]] = {name: [] for name in models}
    motion: dict[str, set[str]] = {name: set() for name in models}

    def speak(name: str, text: str) -> None:
        model = models[name]
        model.text = text
        if name == "synthesized_prepared":
            engine.compose(text)  # composed on the board: the voice prepares it while the person types
            while engine.preparer is not None and not engine.preparer.is_ready(text):
                time.sleep(0.01)
        time.sleep(0.5)  # the same pause before every message
        before = len(sources)
        t0 = time.perf_counter()
        model.speak()
        app_ms = (time.perf_counter() - t0) * 1000
        message_id = max(engine.stats.entered_s)
        while message_id not in engine.stats.first_audio_s:
            time.sleep(0.002)
        results[name].append(app_ms + (engine.stats.first_audio_s[message_id] - engine.stats.entered_s[message_id])
                             * 1000)
        wall[name].append((placed_at[before] - t0) * 1000)
        while not engine.idle():
            time.sleep(0.02)
        motion[name].update(sources[before:])

    engine.start()
    try:
        time.sleep(2.0)  # the renderer starts
        speak("synthesized", "Warming up.")
        results["synthesized"].clear()
        for text in texts:
            for name in models:  # interleaved, so the machine's load falls on each alike
                speak(name, text)
        status = engine.status()
    finally:
        engine.close()
        voice.close()
        shutil.rmtree(folder, ignore_errors=True)  # the bench's clips and profile leave nothing behind
    figures: dict = {"voice": voice.info.id,
                     "engine_width_px": settings.width, "engine_height_px": settings.height,
                     "engine_fps": settings.fps, "messages": len(texts)}
    for name, values in results.items():
        figures[f"{name}_speak_to_first_audio_ms_median"] = _median(values)
        figures[f"{name}_speak_to_first_audio_ms_worst"] = round(max(values), 2)
        # the same span on the wall clock (Speak -> first block handed to the outputs): checks the engine's clock
        figures[f"{name}_speak_to_first_block_wall_ms_median"] = _median(wall[name])
    figures["banked_lips_from"] = "+".join(sorted(motion["banked"]))
    figures["synthesized_lips_from"] = "+".join(sorted(motion["synthesized"]))
    figures["bank_add_ms_median"] = _median(add_ms)
    figures["engine_frames_dropped"] = status.frames_dropped
    figures["engine_problems"] = len(status.problems)
    return figures


def run(args: argparse.Namespace) -> int:
    print_figures(measure(args.messages, args.voice), args.json)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("bank", help="banked phrases: Speak -> first audio against synthesis")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--messages", type=int, default=10, help="messages each way (median and worst reported)")
    parser.add_argument("--voice", help="the voice (default: the default profile's)")
    parser.set_defaults(func=run)
