"""The board model: pages of buttons in a grid, as the app shows them and the Open Board Format stores them.

The model is close to OBF (https://www.openboardformat.org) so that import and export keep what
other tools wrote: ids stay strings, `ext_*` fields ride along in `ext`, images and sounds keep
their bytes (never a URL fetched at run time). Everything is validated by pydantic on the way
in; the OBF reader (`aac.board.obf`) turns messy real files into these clean objects and reports
what it had to skip.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

# The actions the spec names; anything else from a file is kept in `Button.ext` and reported.
SPEC_ACTIONS = (":space", ":clear", ":backspace", ":speak", ":home", ":back")


def unique_id(candidate: str, taken) -> str:
    """`candidate`, or `candidate-2`, `-3`... whichever is not in `taken` (ids of boards, buttons, pictures)."""
    if candidate not in taken:
        return candidate
    count = 2
    while f"{candidate}-{count}" in taken:
        count += 1
    return f"{candidate}-{count}"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Image(_Frozen):
    """A picture: its bytes (PNG, JPEG, GIF or SVG) or only a URL that is never fetched."""

    id: str
    content_type: str | None = None
    data: bytes | None = Field(None, repr=False)
    url: str | None = None
    width: int | None = None
    height: int | None = None
    ext: dict[str, Any] = Field(default_factory=dict)

    @property
    def usable(self) -> bool:
        """True when there are bytes to draw (a URL-only image shows its button's label instead)."""
        return bool(self.data)


class Sound(_Frozen):
    """A recorded sound (WAV, MP3, OGG...) played instead of speaking the button's words."""

    id: str
    content_type: str | None = None
    data: bytes | None = Field(None, repr=False)
    url: str | None = None
    duration_s: float | None = None
    ext: dict[str, Any] = Field(default_factory=dict)


class Button(_Frozen):
    """One cell of a board.

    `action` is a spec action (":speak", ":clear", "+a" for a letter...) or None; `load_board`
    is the id of a board in the same set (a folder). What it adds to the message is
    `vocalization` when set, else `label`.
    """

    id: str
    label: str = ""
    vocalization: str | None = None
    image_id: str | None = None
    sound_id: str | None = None
    action: str | None = None
    load_board: str | None = None
    background_color: str | None = None
    border_color: str | None = None
    dwell_time_s: float | None = Field(None, gt=0.0, le=10.0, description="this button's own dwell time")
    hidden: bool = False
    ext: dict[str, Any] = Field(default_factory=dict)

    @property
    def words(self) -> str:
        """The text this button adds to the message."""
        return (self.vocalization if self.vocalization is not None else self.label).strip()

    @property
    def is_folder(self) -> bool:
        """True when it opens another board."""
        return self.load_board is not None


class Board(_Frozen):
    """A page: `rows` x `columns` cells, each naming a button id or None (an empty cell)."""

    id: str
    name: str = ""
    locale: str = "en"
    rows: int = Field(ge=1, le=64)
    columns: int = Field(ge=1, le=64)
    grid: tuple[tuple[str | None, ...], ...]
    buttons: tuple[Button, ...] = ()
    images: tuple[Image, ...] = ()
    sounds: tuple[Sound, ...] = ()
    ext: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> Board:
        if len(self.grid) != self.rows or any(len(row) != self.columns for row in self.grid):
            raise ValueError(f"board {self.id!r}: the grid is not {self.rows} x {self.columns}")
        ids = [b.id for b in self.buttons]
        if len(set(ids)) != len(ids):
            raise ValueError(f"board {self.id!r}: button ids repeat")
        known = set(ids)
        for row in self.grid:
            for cell in row:
                if cell is not None and cell not in known:
                    raise ValueError(f"board {self.id!r}: the grid names button {cell!r}, which does not exist")
        return self

    def button(self, button_id: str) -> Button | None:
        """The button with this id, or None."""
        return next((b for b in self.buttons if b.id == button_id), None)

    def image(self, image_id: str | None) -> Image | None:
        """The image with this id, or None."""
        return next((i for i in self.images if i.id == image_id), None) if image_id else None

    def sound(self, sound_id: str | None) -> Sound | None:
        """The sound with this id, or None."""
        return next((s for s in self.sounds if s.id == sound_id), None) if sound_id else None

    def cells(self) -> Iterator[tuple[int, int, Button | None]]:
        """Every cell, row by row: (row, column, button or None)."""
        by_id = {b.id: b for b in self.buttons}
        for r, row in enumerate(self.grid):
            for c, cell in enumerate(row):
                button = by_id.get(cell) if cell is not None else None
                yield r, c, None if button is not None and button.hidden else button


class BoardSet(_Frozen):
    """Boards that link to each other (folders), with the one that opens first."""

    root_id: str
    boards: dict[str, Board]

    @model_validator(mode="after")
    def _root_exists(self) -> BoardSet:
        if self.root_id not in self.boards:
            raise ValueError(f"the root board {self.root_id!r} is not in the set")
        return self

    @property
    def root(self) -> Board:
        """The board shown first (home)."""
        return self.boards[self.root_id]

    def get(self, board_id: str) -> Board | None:
        """The board with this id, or None (a link to a board not in the set)."""
        return self.boards.get(board_id)
