"""`aac-avatar live`: the avatar on the virtual camera and the voice on the virtual microphone.

Each line typed on standard input is spoken and seen. Lines starting with "/" are commands:
/stop (interrupt now), /skip (drop the current message), /emotion NAME [INTENSITY],
/compose TEXT (show "typing..." and prepare the speech), /status, /quit. "//" speaks a "/".
"""

from __future__ import annotations

import argparse
import sys
import time

from aac.arguments import FPS, SECONDS, output_file
from aac.message_text import has_words, message_lines
from aac.voice_setup import add_voice_options, open_voice, voice_request


def _emotion(engine, rest: str) -> dict:
    """The emotion and intensity `/emotion NAME [INTENSITY]` asks for, checked now: a mistake is reported
    when it is typed, and the messages after it are spoken as before."""
    from avatar.motion.controls import MotionControls

    parts = rest.split()
    if len(parts) > 2:
        raise ValueError(f"/emotion takes a name and an intensity, not {rest.strip()!r}")
    if not parts:
        return {"emotion": None, "intensity": None}  # back to the profile's
    try:
        intensity = float(parts[1]) if len(parts) > 1 else None
    except ValueError:
        raise ValueError(f"/emotion: the intensity {parts[1]!r} is not a number (0 to 1)") from None
    default = engine.settings.controls.intensity
    MotionControls(emotion=parts[0], intensity=default if intensity is None else intensity)  # a clear error
    return {"emotion": parts[0], "intensity": intensity}


def _command(engine, line: str, state: dict) -> bool:
    """Handle a "/" command; False means quit."""
    name, _, rest = line[1:].partition(" ")
    if name == "quit":
        return False
    if name == "stop":
        engine.stop_speaking()
    elif name == "skip":
        engine.skip()
    elif name == "compose":
        engine.compose(rest)
    elif name == "emotion":
        state.update(_emotion(engine, rest))
    elif name == "status":
        from aac.live.status_words import describe_status

        print(describe_status(engine.status()), flush=True)
    else:
        print(f"aac-avatar: unknown command /{name} (try /stop /skip /emotion /compose /status /quit)",
              file=sys.stderr, flush=True)
    return True


def run(args: argparse.Namespace) -> int:
    from aac.live.engine import LiveEngine
    from aac.live.profile_settings import engine_settings
    from aac.live.session import OutputChoice, open_outputs
    from aac.rig_for_profile import load_profile_rig
    from avatar.render import Renderer
    from profiles.store import ProfileStore

    loaded = ProfileStore(args.profiles_dir).open(args.profile)
    settings = engine_settings(loaded.profile, fps=args.fps)
    voice = open_voice(voice_request(args), explicit=bool(args.voice))
    rig = load_profile_rig(ProfileStore(args.profiles_dir), loaded)
    choice = OutputChoice(camera=not args.no_camera, microphone=not args.no_microphone,
                          speakers=False if args.no_speakers else (True if args.speakers else None),
                          preview=args.preview, record=args.record, camera_backend=args.camera_backend)
    opened = open_outputs(loaded, settings, voice, choice)
    for note in opened.notes:
        print(note, file=sys.stderr, flush=True)
    engine = LiveEngine(lambda: Renderer(rig, settings.width, settings.height), voice, settings,
                        audio_outputs=opened.audio, video_outputs=opened.video)
    from aac.bank import banked_phrases

    bank = banked_phrases(ProfileStore(args.profiles_dir), loaded.profile.name, voice.sample_rate_hz)
    engine.start()
    print("live: type a line and press Enter to speak it (/quit to end).", file=sys.stderr, flush=True)
    state: dict = {"emotion": None, "intensity": None}
    ended_by = ""
    before = _end_on_signals()
    try:
        for line in message_lines(sys.stdin.buffer, lambda problem: print(f"aac-avatar: {problem}", file=sys.stderr,
                                                                         flush=True)):
            if line.startswith("/") and not line.startswith("//"):
                try:
                    if not _command(engine, line, state):
                        break
                except Exception as exc:
                    print(f"aac-avatar: {exc}", file=sys.stderr, flush=True)
                continue
            text = line[1:] if line.startswith("//") else line
            if text.strip() and not has_words(text):
                print("aac-avatar: nothing to say in that line (no letters, digits or emoji)",
                      file=sys.stderr, flush=True)
            elif has_words(text):
                try:
                    # a banked phrase plays the person's own recording
                    engine.say(text, state["emotion"], state["intensity"], recording=bank.recording(text))
                    engine.problems.extend(bank.problems)
                    bank.problems.clear()
                except Exception as exc:
                    print(f"aac-avatar: {exc}", file=sys.stderr, flush=True)
        # input ended: let the queued speech finish, then stop
        while not engine.idle():
            time.sleep(0.05)
        time.sleep(args.linger)
    except KeyboardInterrupt:
        ended_by = "Ctrl-C"
    except _Ended as ended:
        ended_by = str(ended)
    finally:
        during = _finishing()
        engine.close()
        opened.close()
        voice.close()
        _restore({**during, **before})
    status = engine.status()
    if ended_by:
        _tell(f"live: ended by {ended_by}")
    _tell(f"live: {status.frames_rendered} frames rendered, {status.frames_dropped} dropped")
    for problem in status.problems:
        _tell(f"aac-avatar: {problem}")
    _tell_recordings(engine.video_outputs)
    return 0


class _Ended(Exception):
    """The session was told to end by a signal (its name is the message)."""


def _end_on_signals() -> dict:
    """SIGTERM and SIGHUP (the terminal closed) end the session as /quit does: the recording is finished.
    Returns the handlers they had, for `_restore`."""
    import signal
    import threading

    def end(signum, _frame) -> None:
        raise _Ended(signal.Signals(signum).name)

    if threading.current_thread() is not threading.main_thread():
        return {}  # only the main thread may take signals (a test running the command in a thread)
    return {sig: signal.signal(sig, end) for sig in _signals("SIGTERM", "SIGHUP")}


def _finishing() -> dict:
    """Ignore the signals that end a session while it finishes (a second one must not cut a recording short);
    returns the handlers they had."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return {}
    return {sig: signal.signal(sig, signal.SIG_IGN) for sig in _signals("SIGTERM", "SIGHUP", "SIGINT")}


def _signals(*names: str) -> list:
    import signal

    return [getattr(signal, name) for name in names if hasattr(signal, name)]


def _restore(handlers: dict) -> None:
    import signal

    for sig, handler in handlers.items():
        signal.signal(sig, handler if handler is not None else signal.SIG_DFL)


def _tell(line: str) -> None:
    """A line on stderr, which may be gone (the terminal closed): the session's work matters more."""
    try:
        print(line, file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


def _tell_recordings(outputs) -> None:
    from aac.live.video_outputs import Mp4Recorder

    for out in outputs:
        if isinstance(out, Mp4Recorder):
            if out.error:
                _tell(f"aac-avatar: the recording failed: {out.error}")
            elif out.path.is_file():
                _tell(f"live: the recording is saved in {out.path}")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("live", help="the avatar on the virtual camera, the voice on the virtual microphone")
    add_voice_options(parser)
    parser.add_argument("--no-camera", action="store_true", help="do not send to the virtual camera")
    parser.add_argument("--no-microphone", action="store_true", help="do not make the virtual microphone")
    parser.add_argument("--speakers", action="store_true", help="also play on the speakers")
    parser.add_argument("--no-speakers", action="store_true", help="never play on the speakers")
    parser.add_argument("--preview", action="store_true", help="show a preview window")
    parser.add_argument("--record", type=output_file(".mp4"), help="record the session to this mp4 file")
    parser.add_argument("--camera-backend", help="pyvirtualcam backend (default: the platform's)")
    parser.add_argument("--fps", type=FPS, help="frames per second (default: the profile's)")
    parser.add_argument("--linger", type=SECONDS, default=0.5, help="seconds to keep running after input ends")
    parser.set_defaults(func=run)
