"""`aac-avatar render --text "..." -o out.mp4`: the avatar speaking a message, as a video file."""

from __future__ import annotations

import argparse

from aac.arguments import FPS, FRAME_HEIGHT, FRAME_WIDTH, number, output_file
from aac.voice_setup import add_voice_options, open_voice, voice_request


def run(args: argparse.Namespace) -> int:
    from aac.live.offline import render_message
    from aac.live.profile_settings import engine_settings
    from aac.message_text import message_from
    from aac.rig_for_profile import load_profile_rig
    from avatar.render import Renderer
    from profiles.store import ProfileStore

    text = message_from(args.text)
    loaded = ProfileStore(args.profiles_dir).open(args.profile)
    settings = engine_settings(loaded.profile, args.width, args.height, args.fps)
    voice = open_voice(voice_request(args), explicit=bool(args.voice))
    renderer = Renderer(load_profile_rig(ProfileStore(args.profiles_dir), loaded), settings.width, settings.height)
    try:
        figures = render_message(renderer, voice, text, settings, args.output, args.emotion, args.intensity)
    finally:
        renderer.release()
        voice.close()
    print(
        f"saved {figures['duration_s']:.1f} s ({figures['frames']} frames) to {args.output} "
        f"in {figures['seconds_taken']:.1f} s ({figures['x_real_time']:.1f}x real time)"
    )
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("render", help="make a video file of the avatar speaking a message")
    parser.add_argument("--text", required=True, help='the message ("-" reads it from standard input)')
    parser.add_argument("-o", "--output", type=output_file(".mp4", ".mov", ".mkv"), required=True,
                        help="the video file to write (.mp4)")
    add_voice_options(parser)
    parser.add_argument("--emotion", help="neutral, happy, sad, surprised, concerned or angry")
    parser.add_argument("--intensity", type=number(0.0, 1.0, "intensity"),
                        help="how strongly the emotion shows, 0 to 1")
    parser.add_argument("--width", type=FRAME_WIDTH, help="frame width (default: the profile's)")
    parser.add_argument("--height", type=FRAME_HEIGHT, help="frame height (default: the profile's)")
    parser.add_argument("--fps", type=FPS, help="frames per second (default: the profile's)")
    parser.set_defaults(func=run)
