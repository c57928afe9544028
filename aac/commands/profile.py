"""`aac-avatar profile new|list|show|check|export|import|consent|label`: one person's setup."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from aac.arguments import input_file, output_file
from aac.consent_command import add_consent_commands, consent_state
from profiles.archive import export_profile, import_profile
from profiles.errors import ProfileError
from profiles.schema import VoiceSection
from profiles.store import PROFILE_FILE, ProfileStore, profile_to_yaml
from profiles.validate import check_file, photo_problem
from profiles.wizard import Wizard

PREVIEW_TEXT = "Hello! This is how I sound. Is this a good voice for me?"


def _store(args: argparse.Namespace) -> ProfileStore:
    return ProfileStore(args.profiles_dir)


def voice_listing() -> Callable[[], list[tuple[str, str]]] | None:
    """How the wizard lists voices: the speech registry's, or None where speech cannot be imported."""
    try:
        from speech.registry import list_voices
    except ImportError:
        return None

    def listing() -> list[tuple[str, str]]:
        return [(v.id, f"{v.language}  {v.description or v.name}") for v in list_voices()]

    return listing


def voice_preview() -> Callable[[str, VoiceSection], None] | None:
    """How the wizard plays a sample of a voice on the speakers, or None where speech is missing."""
    try:
        from speech.audio_out import open_output, play
        from speech.registry import get_voice
        from speech.voice import VoiceSettings
    except ImportError:
        return None

    def preview(voice_id: str, settings: VoiceSection) -> None:
        voice = get_voice(
            voice_id,
            VoiceSettings(rate=settings.rate, pitch_semitones=settings.pitch_semitones, volume=settings.volume),
        )
        try:
            utterance = voice.synthesize(PREVIEW_TEXT)
            with open_output(utterance.sample_rate_hz) as out:
                play([utterance], [out])
        finally:
            voice.close()

    return preview


def voice_checker() -> Callable[[str], str | None] | None:
    """Says what is wrong with a voice id here (None: it can speak), from the speech registry."""
    try:
        from speech.registry import BACKENDS, list_all, split_voice_id
    except ImportError:
        return None
    import difflib

    listings = {}

    def problem(voice_id: str) -> str | None:
        if not listings:
            listings.update({listing.backend: listing for listing in list_all()})
        backend, name = split_voice_id(voice_id)
        if backend not in BACKENDS:
            return f"unknown voice backend {backend!r}; use one of {', '.join(b + ':' for b in BACKENDS)}"
        listing = listings[backend]
        if listing.problem:
            return (
                f"the voice {voice_id!r} cannot be used on this computer ({listing.problem}); "
                "pick an installed voice from `aac-avatar voices`"
            )
        ids = [v.id for v in listing.voices]
        if f"{backend}:{name}" in ids:
            return None
        close = difflib.get_close_matches(f"{backend}:{name}", ids, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return f"unknown voice {voice_id!r}; {hint}`aac-avatar voices` lists the installed voices"

    return problem


def _new(args: argparse.Namespace) -> int:
    wizard = Wizard(
        store=_store(args),
        stdin=sys.stdin,
        stdout=sys.stdout,
        interactive=sys.stdin.isatty(),
        list_voices=voice_listing(),
        preview=voice_preview(),
    )
    wizard.run()
    return 0


def _list(args: argparse.Namespace) -> int:
    store = _store(args)
    print(f"profiles in {store.root}:")
    for name in store.list():
        try:
            loaded = store.open(name)
        except (ProfileError, OSError):  # one bad profile must not hide the ones listed after it
            print(f"  {name}  (has problems: `aac-avatar profile check {store.profile_dir(name) / PROFILE_FILE}`)")
            continue
        p = loaded.profile
        built_in = "  (built in)" if loaded.bundled else ""
        print(f"  {name}  {p.language}  {p.voice.id}  {p.access.method}{built_in}")
    return 0


def _show(args: argparse.Namespace) -> int:
    loaded = _store(args).open(args.name)
    print(f"# folder: {loaded.directory}" + ("  (built in, read-only)" if loaded.bundled else ""))
    print(profile_to_yaml(loaded.profile), end="")
    return 0


def _resolve_check_target(args: argparse.Namespace) -> Path:
    path = Path(args.path).expanduser()
    if path.is_dir():
        return path / PROFILE_FILE
    if path.exists() or "/" in args.path or path.suffix in (".yaml", ".yml"):
        return path
    return _store(args).profile_dir(args.path) / PROFILE_FILE  # a profile's name


def _check(args: argparse.Namespace) -> int:
    path = _resolve_check_target(args)
    profile, problems = check_file(path, voice_checker())
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem{'s' if len(problems) > 1 else ''} in {path}", file=sys.stderr)
        return 1
    assert profile is not None
    print(f"{path}: profile {profile.name!r} has no problems")
    return 0


def _export(args: argparse.Namespace) -> int:
    target = args.output or Path(f"{args.name}.zip")
    members = export_profile(_store(args), args.name, target)
    print(f"exported profile {args.name!r} ({len(members)} files: {', '.join(members)}) to {target}")
    print("It may hold a photo of a face: keep the file private.")
    return 0


def _import(args: argparse.Namespace) -> int:
    store = _store(args)
    name = import_profile(store, args.archive, name=args.name, force=args.force)
    print(f"imported profile {name!r} into {store.root / name}")
    for warning in imported_warnings(store, name):
        print(f"aac-avatar: warning: {warning}", file=sys.stderr)
    print("  the avatar is rebuilt from the profile's photo when it is first used (rigs are not imported)")
    print(f"  {consent_state(store, name)}")
    return 0


def imported_warnings(store: ProfileStore, name: str) -> list[str]:
    """What an imported profile lacks to work as it says (a photo it names but does not hold)."""
    loaded = store.open(name)
    photo = loaded.photo_path
    if photo is None:
        return []
    issue = photo_problem(photo)
    if issue is None:
        return []
    problem, fix = issue
    return [f"{problem}. Fix: {fix}"]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("profile", help="set up, check and move profiles (one person's setup)")
    commands = parser.add_subparsers(dest="profile_command", metavar="ACTION")

    new = commands.add_parser("new", help="set up a new profile step by step (answers can be piped on stdin)")
    new.set_defaults(func=_new)

    listing = commands.add_parser("list", help="list the profiles")
    listing.set_defaults(func=_list)

    show = commands.add_parser("show", help="print a profile's settings")
    show.add_argument("name")
    show.set_defaults(func=_show)

    check = commands.add_parser("check", help="report every problem of a profile, each with its line and a fix")
    check.add_argument("path", help="a profile.yaml, its folder, or a profile's name")
    check.set_defaults(func=_check)

    export = commands.add_parser("export", help="pack a profile and its files into a zip, to move it")
    export.add_argument("name")
    export.add_argument("-o", "--output", type=output_file(".zip"), help="the zip to write (default: NAME.zip)")
    export.set_defaults(func=_export)

    importing = commands.add_parser("import", help="add a profile from a zip made by `profile export`")
    importing.add_argument("archive", type=input_file)
    importing.add_argument("--name", help="store it under this name (default: the name inside)")
    importing.add_argument("--force", action="store_true", help="replace an existing profile of that name")
    importing.set_defaults(func=_import)
    add_consent_commands(commands)

    parser.set_defaults(func=lambda args: parser.print_help() or 2)
