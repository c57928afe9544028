"""`aac-avatar bank add|list|remove|play`: the person's own recorded phrases (message banking)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from profiles.store import DEFAULT_NAME, ProfileStore


def _store(args: argparse.Namespace) -> ProfileStore:
    return ProfileStore(args.profiles_dir)


def _fail(message: str) -> int:
    print(f"aac-avatar: {message}", file=sys.stderr)
    return 2


def _add_folder(store: ProfileStore, args: argparse.Namespace) -> int:
    from aac.bank import bank_folder

    if args.phrase is not None:
        return _fail(f"{args.file} is a folder, not a file: a folder is banked without --phrase, each recording "
                     "as the phrase its file name says")
    try:
        done = bank_folder(store, args.profile, args.file)
    except OSError as exc:
        return _fail(f"the folder {args.file} cannot be read ({exc.strerror or exc})")
    for path, banked in done.banked:
        notes = "".join(f" ({note})" for note in banked.notes)
        print(f"banked {banked.entry.phrase!r}: {banked.entry.duration_s:.2f} s from {path.name}{notes}")
    for path, why in done.refused:
        print(f"aac-avatar: not banked: {path.name}: {why}", file=sys.stderr)
    total = len(done.banked) + len(done.refused)
    if total == 0:
        return _fail(f"{args.file} holds no recordings (WAV, FLAC, OGG or MP3 files)")
    print(f"banked {len(done.banked)} of {total} recordings from {args.file}")
    return 0 if not done.refused else 2


def _add(args: argparse.Namespace) -> int:
    from aac.bank import bank_file

    store = _store(args)
    store.load(args.profile)  # a missing or broken profile is said before the clip is read
    if args.file.is_dir():
        return _add_folder(store, args)
    if args.phrase is None:
        return _fail("say which words the recording says: --phrase \"Thank you\" (or give a folder of recordings, "
                     "each named for its phrase)")
    try:
        banked = bank_file(store, args.profile, args.file, args.phrase)
    except ValueError as exc:
        return _fail(str(exc))
    for note in banked.notes:
        print(f"note: {note}", file=sys.stderr)
    entry = banked.entry
    print(f"banked {entry.phrase!r}: {entry.duration_s:.2f} s in {store.profile_dir(args.profile) / entry.file}")
    return 0


def _list(args: argparse.Namespace) -> int:
    from profiles.bank import load_bank

    store = _store(args)
    store.load(args.profile)
    bank = load_bank(store, args.profile)
    if bank.note:
        print(f"note: {bank.note}", file=sys.stderr)
    if not bank.entries:
        print(f"no banked phrases in profile {args.profile!r}; add one with `aac-avatar bank add FILE --phrase TEXT`")
        return 0
    width = max(len(e.phrase) for e in bank.entries)
    for e in bank.entries:
        print(f"{e.phrase:<{width}}  {e.duration_s:6.2f} s  {e.file}")
    return 0


def _remove(args: argparse.Namespace) -> int:
    from profiles.bank import remove_from_bank

    store = _store(args)
    store.load(args.profile)
    try:
        entry = remove_from_bank(store, args.profile, args.phrase)
    except ValueError as exc:
        return _fail(str(exc))
    print(f"removed {entry.phrase!r} ({entry.file})")
    return 0


def _play(args: argparse.Namespace) -> int:
    from aac.bank import BankedPhrases
    from speech.audio_out import open_output, play
    from speech.banked import BANK_RATE_HZ

    store = _store(args)
    store.load(args.profile)
    phrases = BankedPhrases(store, args.profile, BANK_RATE_HZ)
    entry = phrases.bank().find(args.phrase)
    if entry is None:
        banked = ", ".join(repr(e.phrase) for e in phrases.bank().entries) or "none"
        return _fail(f"{args.phrase!r} is not banked in profile {args.profile!r} (banked: {banked})")
    recording = phrases.recording(args.phrase)
    if recording is None:
        return _fail("; ".join(phrases.problems))
    with open_output(recording.sample_rate_hz, args.device) as out:
        play([recording], [out])
    print(f"played {entry.phrase!r} ({recording.duration_s:.2f} s)")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("bank", help="the person's own recorded phrases (message banking)")
    parser.set_defaults(func=lambda args: parser.print_help() or 2)
    actions = parser.add_subparsers(dest="action", metavar="ACTION")

    def action(name: str, func, help_text: str) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, help=help_text)
        sub.add_argument("--profile", default=DEFAULT_NAME, help="whose bank (default: the default profile)")
        sub.set_defaults(func=func)
        return sub

    add = action("add", _add, "bank a recording (WAV, FLAC, OGG, MP3) of a phrase: trimmed, levelled, kept")
    add.add_argument("file", type=Path, help="the recording, or a folder of recordings each named for its phrase "
                     "(e.g. 017_thank_you.wav banks \"thank you\")")
    add.add_argument("--phrase", help="the words it says (a message equal to them plays it); required for one file")
    action("list", _list, "the banked phrases: phrase, duration, file")
    remove = action("remove", _remove, "forget a banked phrase and its recording")
    remove.add_argument("phrase", help="the phrase (case and punctuation do not matter)")
    play_parser = action("play", _play, "play a banked phrase on the speakers")
    play_parser.add_argument("phrase", help="the phrase (case and punctuation do not matter)")
    play_parser.add_argument("--device", help="play to this output device (default: the speakers)")
