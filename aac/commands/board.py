"""`aac-avatar board import|export|list|check`: a profile's boards, in and out as Open Board Format files."""

from __future__ import annotations

import argparse

from aac.arguments import input_file, output_file
from aac.board.obf import ImportReport, read_boards
from aac.board.store import export_from_profile, import_into_profile, load_profile_boards
from profiles.store import DEFAULT_NAME, ProfileStore


def _store(args: argparse.Namespace) -> ProfileStore:
    return ProfileStore(args.profiles_dir)


def _print_report(report: ImportReport) -> None:
    for line in report.lines():
        print(line)


def _import(args: argparse.Namespace) -> int:
    report = import_into_profile(_store(args), args.profile, args.file, replace=args.replace)
    _print_report(report)
    print(f"saved in profile {args.profile!r}")
    return 0


def _export(args: argparse.Namespace) -> int:
    path, count = export_from_profile(_store(args), args.profile, args.output, board_id=args.board)
    print(f"wrote {count} board{'s' if count != 1 else ''} of profile {args.profile!r} to {path}")
    return 0


def _list(args: argparse.Namespace) -> int:
    loaded = load_profile_boards(_store(args), args.profile)
    for note in loaded.notes:
        print(f"note: {note}")
    board_set = loaded.board_set
    origin = "the built-in boards" if loaded.built_in else "its own boards"
    print(f"profile {args.profile!r} uses {origin}: {len(board_set.boards)} board"
          f"{'s' if len(board_set.boards) != 1 else ''}")
    for board_id, board in board_set.boards.items():
        home = "  (home)" if board_id == board_set.root_id else ""
        pictures = sum(1 for i in board.images if i.usable)
        print(f"  {board_id}  {board.name or '-'}  {board.rows}x{board.columns}, {len(board.buttons)} buttons, "
              f"{pictures} pictures{home}")
    return 0


def _check(args: argparse.Namespace) -> int:
    result = read_boards(args.file)
    _print_report(result.report)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("board", help="import, export, list and check boards (Open Board Format)")
    commands = parser.add_subparsers(dest="board_command", metavar="ACTION")

    importing = commands.add_parser("import", help="add boards from an .obf, .obz or .zip file to a profile")
    importing.add_argument("file", type=input_file)
    importing.add_argument("--profile", default=DEFAULT_NAME, help="the profile (default: default)")
    importing.add_argument("--replace", action="store_true",
                           help="make these the profile's boards (default: add them, opened from the home board)")
    importing.set_defaults(func=_import)

    export = commands.add_parser("export", help="write a profile's boards to an .obz package or one .obf board")
    export.add_argument("output", type=output_file(".obz", ".obf", ".zip"),
                        help="OUT.obz (the boards) or OUT.obf (one board)")
    export.add_argument("--profile", default=DEFAULT_NAME, help="the profile (default: default)")
    export.add_argument("--board", help="start from this board id (default: the home board)")
    export.set_defaults(func=_export)

    listing = commands.add_parser("list", help="list a profile's boards")
    listing.add_argument("--profile", default=DEFAULT_NAME, help="the profile (default: default)")
    listing.set_defaults(func=_list)

    check = commands.add_parser("check", help="read a board file and report what it holds; changes nothing")
    check.add_argument("file", type=input_file)
    check.set_defaults(func=_check)

    parser.set_defaults(func=lambda args: parser.print_help() or 2)
