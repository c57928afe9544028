"""`aac-avatar app` (also plain `aac-avatar`): the board, full screen, with the live avatar behind it.

Where there is no display, it says so in one line, records a short demonstration instead (the
default greeting composed on the board and spoken by the live engine) to `hello.mp4`, and exits 0.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from aac.arguments import DURATION_S, frame_size, output_file
from aac.voice_setup import add_voice_options, open_voice, voice_request

DEMO_FILE = Path("hello.mp4")


def display_available() -> tuple[bool, str]:
    """Whether a window can open here, and why not when it cannot."""
    driver = os.environ.get("SDL_VIDEODRIVER", "")
    if driver in ("dummy", "offscreen"):
        return True, ""  # asked for explicitly: a window nobody sees (tests, benchmarks)
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return False, "no display (neither DISPLAY nor WAYLAND_DISPLAY is set)"
    import pygame

    try:
        pygame.display.init()
        pygame.display.quit()
    except pygame.error as exc:
        return False, f"no display ({exc})"
    return True, ""


def run(args: argparse.Namespace) -> int:
    from aac.live.engine import LiveEngine
    from aac.live.profile_settings import engine_settings
    from aac.live.session import OutputChoice, open_outputs
    from aac.rig_for_profile import load_profile_rig
    from aac.ui.run import own_profile, print_notes, record_demo, run_window
    from avatar.render import Renderer
    from profiles.store import ProfileStore

    store = ProfileStore(args.profiles_dir)
    loaded = store.open(args.profile)
    settings = engine_settings(loaded.profile)
    shown, why = display_available()
    voice = open_voice(voice_request(args), explicit=bool(args.voice))
    rig = load_profile_rig(store, loaded)

    def make_renderer():
        return Renderer(rig, settings.width, settings.height)

    if not shown:
        path = args.demo_output
        print(f"aac-avatar: {why}: recording a short demonstration instead...", file=sys.stderr, flush=True)
        try:
            record_demo(store, loaded, path, voice, make_renderer, settings)
        finally:
            voice.close()
        print(f"aac-avatar: the demonstration is in {path.resolve()}")
        return 0
    loaded = own_profile(store, loaded)  # caregiver mode edits the same profile the board keeps
    choice = OutputChoice(camera=not args.no_camera, microphone=not args.no_microphone,
                          speakers=False if args.no_speakers else None, camera_backend=args.camera_backend)
    opened = open_outputs(loaded, settings, voice, choice)
    print_notes(opened.notes)
    engine = LiveEngine(make_renderer, voice, settings, audio_outputs=opened.audio, video_outputs=opened.video)
    engine.start()
    caregiver_factory = None
    try:
        from aac.ui.caregiver import make_caregiver

        def caregiver_factory(app):
            return make_caregiver(app, store, loaded)
    except ImportError:
        pass
    try:
        fullscreen = loaded.profile.display.fullscreen and not args.window
        run_window(store, loaded, engine, opened, args.size, fullscreen, args.seconds, caregiver_factory)
    finally:
        engine.close()
        opened.close()
        voice.close()
    for problem in engine.status().problems:
        print(f"aac-avatar: {problem}", file=sys.stderr)
    return 0


def add_app_options(parser: argparse.ArgumentParser) -> None:
    """The app's options (also accepted by plain `aac-avatar`)."""
    add_voice_options(parser)
    parser.add_argument("--window", action="store_true", help="a window instead of full screen")
    parser.add_argument("--size", type=frame_size,
                        help="window size, WIDTHxHEIGHT (default: the screen, or 1280x800 in a window)")
    parser.add_argument("--no-camera", action="store_true", help="do not send to the virtual camera")
    parser.add_argument("--no-microphone", action="store_true", help="do not make the virtual microphone")
    parser.add_argument("--no-speakers", action="store_true", help="never play on the speakers")
    parser.add_argument("--camera-backend", help="pyvirtualcam backend (default: the platform's)")
    parser.add_argument("--seconds", type=DURATION_S, help="close after this many seconds (for trying it out)")
    parser.add_argument("--demo-output", type=output_file(".mp4"), default=DEMO_FILE,
                        help="where the demonstration goes when there is no display (default: hello.mp4)")
    parser.set_defaults(func=run)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("app", help="the board: speak by symbols, keyboard and prediction (the default)")
    add_app_options(parser)
