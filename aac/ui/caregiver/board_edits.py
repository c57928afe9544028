"""Edits a caregiver makes to a board set, as pure functions: each takes a BoardSet and returns a new one.

Nothing here saves or draws; `aac.ui.caregiver.mode` saves the result at once and hands it to the app.
Every function keeps the set valid (grids name only buttons that exist, links name boards that exist),
so a half-made edit never reaches the disk.
"""

from __future__ import annotations

import re

from aac.board.model import Board, BoardSet, Button, Image, unique_id

NEW_PAGE_ROWS = 4
NEW_PAGE_COLUMNS = 6



def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:32] or "page"


def _with_board(board_set: BoardSet, board: Board) -> BoardSet:
    return board_set.model_copy(update={"boards": {**board_set.boards, board.id: board}})


def _board(board_set: BoardSet, board_id: str) -> Board:
    board = board_set.get(board_id)
    if board is None:
        raise KeyError(f"there is no page {board_id!r} in the boards")
    return board


def _drop_unused_images(board: Board) -> Board:
    used = {b.image_id for b in board.buttons if b.image_id}
    images = tuple(i for i in board.images if i.id in used)
    return board if len(images) == len(board.images) else board.model_copy(update={"images": images})


def update_button(board_set: BoardSet, board_id: str, button_id: str, **changes) -> BoardSet:
    """The set with one button's fields changed (label, vocalization, background_color, load_board...)."""
    board = _board(board_set, board_id)
    button = board.button(button_id)
    if button is None:
        raise KeyError(f"page {board.name or board_id!r} has no button {button_id!r}")
    new = Button.model_validate({**button.model_dump(), **changes})
    buttons = tuple(new if b.id == button_id else b for b in board.buttons)
    return _with_board(board_set, board.model_copy(update={"buttons": buttons}))


def set_words(board_set: BoardSet, board_id: str, button_id: str, words: str) -> BoardSet:
    """What a button speaks; the same as its label (or empty) means "speak the label"."""
    button = _board(board_set, board_id).button(button_id)
    words = words.strip()
    vocalization = None if button is None or not words or words == button.label.strip() else words
    return update_button(board_set, board_id, button_id, vocalization=vocalization)


def set_picture(board_set: BoardSet, board_id: str, button_id: str, image: Image | None) -> BoardSet:
    """A button's picture (None: no picture); the image travels inside the board, pictures no button uses go."""
    board = _board(board_set, board_id)
    images = board.images
    image_id = None
    if image is not None:
        image_id = unique_id(image.id, {i.id for i in images})
        images = images + (image.model_copy(update={"id": image_id}),)
    board = board.model_copy(update={"images": images})
    board_set = _with_board(board_set, board)
    board_set = update_button(board_set, board_id, button_id, image_id=image_id)
    return _with_board(board_set, _drop_unused_images(board_set.boards[board_id]))


def add_button(board_set: BoardSet, board_id: str, row: int, column: int, label: str) -> tuple[BoardSet, str]:
    """A new button labelled `label` in the empty cell (`row`, `column`); returns the set and the button's id."""
    board = _board(board_set, board_id)
    if not (0 <= row < board.rows and 0 <= column < board.columns):
        raise ValueError(f"cell {row + 1},{column + 1} is outside page {board.name or board_id!r}")
    grid = [list(r) for r in board.grid]
    current = grid[row][column]
    if current is not None and board.button(current) is not None and not board.button(current).hidden:
        raise ValueError(f"cell {row + 1},{column + 1} of page {board.name or board_id!r} is not empty")
    button_id = unique_id(f"{board_id}-{_slug(label)}", {b.id for b in board.buttons})
    grid[row][column] = button_id
    button = Button(id=button_id, label=label.strip())
    buttons = tuple(b for b in board.buttons if b.id != current) + (button,)
    board = board.model_copy(update={"grid": tuple(map(tuple, grid)), "buttons": buttons})
    return _with_board(board_set, _drop_unused_images(board)), button_id


def remove_button(board_set: BoardSet, board_id: str, button_id: str) -> BoardSet:
    """The set without this button (its cell left empty)."""
    board = _board(board_set, board_id)
    grid = tuple(tuple(None if cell == button_id else cell for cell in row) for row in board.grid)
    buttons = tuple(b for b in board.buttons if b.id != button_id)
    board = board.model_copy(update={"grid": grid, "buttons": buttons})
    return _with_board(board_set, _drop_unused_images(board))


def add_page(board_set: BoardSet, name: str, rows: int = NEW_PAGE_ROWS,
             columns: int = NEW_PAGE_COLUMNS) -> tuple[BoardSet, str]:
    """A new empty page called `name` (a "back" button in its first cell); returns the set and its id."""
    name = name.strip()
    if not name:
        raise ValueError("a page needs a name")
    board_id = unique_id(_slug(name), board_set.boards)
    back = Button(id=f"{board_id}-back", label="back", action=":back")
    grid = [[None] * columns for _ in range(rows)]
    grid[0][0] = back.id
    board = Board(id=board_id, name=name, locale=board_set.root.locale, rows=rows, columns=columns,
                  grid=tuple(map(tuple, grid)), buttons=(back,))
    return _with_board(board_set, board), board_id


def rename_page(board_set: BoardSet, board_id: str, name: str) -> BoardSet:
    """The page shown with a new name (its id, which links use, stays)."""
    name = name.strip()
    if not name:
        raise ValueError("a page needs a name")
    return _with_board(board_set, _board(board_set, board_id).model_copy(update={"name": name}))


def delete_page(board_set: BoardSet, board_id: str) -> tuple[BoardSet, int]:
    """The set without this page; buttons that opened it stay as plain buttons. Returns the set and how many
    buttons were folders to it. The home page cannot be deleted (ValueError)."""
    if board_id == board_set.root_id:
        raise ValueError("the home page cannot be deleted")
    _board(board_set, board_id)
    boards = {}
    unlinked = 0
    for other_id, board in board_set.boards.items():
        if other_id == board_id:
            continue
        if any(b.load_board == board_id for b in board.buttons):
            unlinked += sum(b.load_board == board_id for b in board.buttons)
            board = board.model_copy(update={"buttons": tuple(
                b.model_copy(update={"load_board": None}) if b.load_board == board_id else b for b in board.buttons)})
        boards[other_id] = board
    return BoardSet(root_id=board_set.root_id, boards=boards), unlinked


def page_title(board: Board) -> str:
    """What a page is called on screen."""
    return board.name or board.id
