"""The `aac-avatar` command line: finds the subcommands in `aac.commands` and runs one."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import traceback
from pathlib import Path

import aac.commands
from aac import plain_errors
from speech.no_network import forbid_network


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every subcommand module found in `aac.commands`."""
    parser = argparse.ArgumentParser(
        prog="aac-avatar",
        description="A communication aid: your words, your voice, your face, in any video call.",
    )
    parser.add_argument(
        "--profiles-dir",
        type=Path,
        default=None,
        help="folder holding the profiles (default: $AAC_AVATAR_PROFILES_DIR or the user data folder)",
    )
    parser.add_argument("--debug", action="store_true", help="show full tracebacks on errors")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(aac.commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"aac.commands.{info.name}")
        module.register(subparsers)
    return parser


def _names_a_command(parser: argparse.ArgumentParser, argv: list[str]) -> bool:
    commands = next(a.choices for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return any(token in commands for token in argv)


def _as_app(argv: list[str]) -> list[str]:
    """`argv` of plain `aac-avatar ...` as `aac-avatar [global options] app [app options]`."""
    before, after = [], []
    tokens = iter(argv)
    for token in tokens:
        if token == "--debug" or token.startswith("--profiles-dir="):
            before.append(token)
        elif token == "--profiles-dir":
            before += [token, next(tokens, "")]
        else:
            after.append(token)
    return [*before, "app", *after]


def _is_user_error(exc: BaseException) -> bool:
    # Packages below `aac` cannot import a shared base class from here (they never import
    # `aac`), so their errors meant for people carry this marker attribute instead.
    return bool(getattr(exc, "is_user_error", False))


def main(argv: list[str] | None = None) -> int:
    """Run one subcommand; return the process exit status."""
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    if not _names_a_command(parser, argv) and not {"-h", "--help"} & set(argv):
        argv = _as_app(argv)  # plain `aac-avatar` opens the board
    args = parser.parse_args(argv)
    if not getattr(args, "downloads", False):  # only `voices fetch`, asked for by name, may reach the network
        forbid_network()  # no network at run time: a library that still tries gets "unreachable"
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        result = args.func(args)
    except KeyboardInterrupt:
        print("aac-avatar: stopped.", file=sys.stderr)
        return 130
    except Exception as exc:  # the last line of defence: people see a message, not a traceback
        if args.debug:
            traceback.print_exc()
        if _is_user_error(exc):
            print(f"aac-avatar: {exc}", file=sys.stderr)
            return 2
        if isinstance(exc, BrokenPipeError) and plain_errors.stdout_reader_gone():
            plain_errors.silence_stdout()  # `aac-avatar voices | head -1`: the reader has what it wanted
            return 0
        explained = plain_errors.explain(exc)
        if explained:
            print(f"aac-avatar: {explained}", file=sys.stderr)
            return 1
        print(
            f"aac-avatar: unexpected error ({type(exc).__name__}: {exc}). "
            "Run again with --debug for details, and please report it.",
            file=sys.stderr,
        )
        return 1
    try:
        sys.stdout.flush()  # here, not at exit, where a closed pipe prints "Exception ignored"
    except BrokenPipeError:
        plain_errors.silence_stdout()
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
