"""A profile's boards: kept as one `.obz` package in the profile's folder, saved at once on every edit.

The profile's `boards` list names the package files (`boards/boards.obz`); an empty list means
the shipped default vocabulary. Saving is atomic and keeps the previous version as `.bak`
(`profiles.datafile`); a damaged package falls back to that previous version, and the person is
told. Imports read the outside file in memory (`aac.board.obf`) and write only into the profile.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aac.board.errors import BoardFileError
from aac.board.model import Board, BoardSet, Button, unique_id
from aac.board.obf import (
    ImportReport,
    obf_bytes,
    obz_bytes,
    read_boards,
    read_package_bytes,
    with_notes,
)
from profiles.atomic import write_atomic
from profiles.datafile import load_with_backup, save_bytes
from profiles.store import ProfileStore

BOARDS_FILE = "boards/boards.obz"

DefaultBoards = Callable[[str], BoardSet]


@dataclass(frozen=True)
class BoardsLoaded:
    """A profile's boards, and sentences for the person about anything that went wrong loading them."""

    board_set: BoardSet
    notes: tuple[str, ...] = ()
    built_in: bool = False


def shipped_boards(language: str) -> BoardSet:
    """The shipped default vocabulary in `language`."""
    # Imported here: the vocabulary builds its boards from its symbol data, which the OBF code never needs.
    from aac.board.vocabulary import default_board_set

    return default_board_set(language)


def load_profile_boards(store: ProfileStore, profile_name: str,
                        default: DefaultBoards = shipped_boards) -> BoardsLoaded:
    """The boards of a profile: its saved packages, else the shipped vocabulary (`default(language)`).

    A damaged package is read from its previous version (`.bak`); when neither can be read, or the
    profile names none, the shipped boards are used. Every fallback is named in `notes`.
    """
    loaded = store.open(profile_name)
    profile = loaded.profile
    notes: list[str] = []
    merged: BoardSet | None = None
    for relative in profile.boards:
        path = loaded.resolve(relative)
        if not relative.lower().endswith((".obz", ".zip")):
            notes.append(f"{path}: the profile names boards that are not an .obz package; they were not loaded")
            continue
        if not path.is_file() and not (path.parent / (path.name + ".bak")).is_file():
            notes.append(f"{path}: the profile's boards are missing; the built-in boards are shown instead")
            continue
        result = load_with_backup(path, lambda data, where=str(path): read_package_bytes(data, where), lambda: None)
        if result.note:
            notes.append(result.note)
        if result.value is None:
            continue
        merged = result.value.board_set if merged is None else _merge_quietly(merged, result.value.board_set, notes)
    if merged is None:
        if profile.boards and not notes:
            notes.append(f"profile {profile_name!r}: no boards could be loaded; the built-in boards are shown")
        return BoardsLoaded(default(profile.language), tuple(notes), built_in=True)
    return BoardsLoaded(merged, tuple(notes))


def _merge_quietly(current: BoardSet, more: BoardSet, notes: list[str]) -> BoardSet:
    """`more`'s boards added to `current` (a second package in the profile); boards whose id is taken are skipped."""
    boards = dict(current.boards)
    for board_id, board in more.boards.items():
        if board_id in boards:
            notes.append(f"board {board_id!r} is in two of the profile's packages; the first was kept")
            continue
        boards[board_id] = board
    return BoardSet(root_id=current.root_id, boards=boards)


def save_profile_boards(store: ProfileStore, profile_name: str, board_set: BoardSet) -> Path:
    """Save a profile's boards now, atomically, the previous version kept; the profile then names them.

    The package is written before the profile, so the profile never names a file not yet there.
    """
    profile = store.load(profile_name)
    path = save_bytes(store, profile_name, BOARDS_FILE, obz_bytes(board_set))
    if profile.boards != [BOARDS_FILE]:
        store.save(profile.model_copy(update={"boards": [BOARDS_FILE]}))
    return path



def _place(board: Board, button: Button) -> tuple[Board, bool]:
    """`board` with `button` in its first empty cell (a row added when full); False when it cannot fit."""
    grid = [list(row) for row in board.grid]
    for row in grid:
        for c, cell in enumerate(row):
            if cell is None:
                row[c] = button.id
                return board.model_copy(update={"grid": tuple(map(tuple, grid)),
                                                "buttons": board.buttons + (button,)}), True
    if board.rows < 64:
        grid.append([button.id] + [None] * (board.columns - 1))
        return board.model_copy(update={"grid": tuple(map(tuple, grid)), "rows": board.rows + 1,
                                        "buttons": board.buttons + (button,)}), True
    return board, False


def add_board_set(current: BoardSet, added: BoardSet) -> tuple[BoardSet, list[str]]:
    """`added`'s boards joined to `current`, reached from a new button on `current`'s home board.

    Boards of `added` whose id is taken are renamed (their links follow). Returns the set and
    sentences saying what was renamed and where the new button is.
    """
    notes: list[str] = []
    taken = set(current.boards)
    renames: dict[str, str] = {}
    for board_id in added.boards:
        new_id = unique_id(board_id, taken)
        taken.add(new_id)
        renames[board_id] = new_id
        if new_id != board_id:
            notes.append(f"an imported board had the id {board_id!r}, already used; it is now {new_id!r}")
    boards = dict(current.boards)
    for board_id, board in added.boards.items():
        buttons = tuple(
            b.model_copy(update={"load_board": renames.get(b.load_board, b.load_board)}) if b.load_board else b
            for b in board.buttons
        )
        boards[renames[board_id]] = board.model_copy(update={"id": renames[board_id], "buttons": buttons})
    new_root = renames[added.root_id]
    home = boards[current.root_id]
    label = added.root.name or added.root_id
    button = Button(id=unique_id(f"open-{new_root}", {b.id for b in home.buttons}), label=label, load_board=new_root)
    home, placed = _place(home, button)
    if placed:
        boards[current.root_id] = home
        notes.append(f"a button {label!r} on the home board {current.root.name or current.root_id!r} opens the "
                     "imported boards")
    else:
        notes.append(f"the home board is full, so no button opens the imported boards yet; add one to reach "
                     f"{label!r}")
    return BoardSet(root_id=current.root_id, boards=boards), notes


def import_into_profile(store: ProfileStore, profile_name: str, path: Path, replace: bool = False,
                        default: DefaultBoards = shipped_boards) -> ImportReport:
    """Import an `.obf`/`.obz`/`.zip` into a profile and save it; return the import's report.

    With `replace` the imported boards become the profile's boards (their home board first);
    otherwise they join the current boards, reached from a new button on the home board.
    Nothing is written when the file cannot be read (BoardFileError).
    """
    result = read_boards(path)
    if replace:
        board_set, notes = result.board_set, ["the imported boards replace the profile's boards"]
    else:
        current = load_profile_boards(store, profile_name, default)
        board_set, notes = add_board_set(current.board_set, result.board_set)
        notes = list(current.notes) + notes
    save_profile_boards(store, profile_name, board_set)
    return with_notes(result.report, *notes)


def reachable(board_set: BoardSet, start_id: str) -> BoardSet:
    """The boards that `start_id` leads to (itself included), with it as home."""
    seen, todo = [start_id], [start_id]
    while todo:
        for button in board_set.boards[todo.pop()].buttons:
            if button.load_board in board_set.boards and button.load_board not in seen:
                seen.append(button.load_board)
                todo.append(button.load_board)
    return BoardSet(root_id=start_id, boards={i: board_set.boards[i] for i in seen})


def export_from_profile(store: ProfileStore, profile_name: str, out: Path, board_id: str | None = None,
                        default: DefaultBoards = shipped_boards) -> tuple[Path, int]:
    """Write a profile's boards to `out` (`.obz`: the home board, or `board_id`, and every board it leads to;
    `.obf`: that one board). Returns the path and the number of boards written."""
    out = Path(out)
    board_set = load_profile_boards(store, profile_name, default).board_set
    start = board_id or board_set.root_id
    if start not in board_set.boards:
        raise BoardFileError(f"profile {profile_name!r} has no board {start!r}. Fix: `aac-avatar board list` "
                             "shows the boards")
    suffix = out.suffix.lower()
    if suffix == ".obf":
        data, count = obf_bytes(board_set.boards[start]), 1
    elif suffix in (".obz", ".zip"):
        subset = reachable(board_set, start)
        data, count = obz_bytes(subset), len(subset.boards)
    else:
        raise BoardFileError(f"{out}: name it .obz (all the boards) or .obf (one board)")
    try:
        write_atomic(out, data)
    except OSError as exc:
        raise BoardFileError(f"{out}: cannot be written ({exc.strerror})") from None
    return out, count
