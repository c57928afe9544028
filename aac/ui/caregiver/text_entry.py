"""Typing text in caregiver mode: an on-screen keyboard of cells, and the physical keyboard's keys.

The on-screen keys are ordinary targets, so a label can be typed by touch, keys, switch scanning or
dwell; a physical keyboard types into the same field while it is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

LETTER_ROWS = ("qwertyuiop", "asdfghjkl'", "zxcvbnm,.?")
SYMBOL_ROWS = ("1234567890", "-/:;()&@!\"", "+=#%*_<>[]")
MAX_LENGTH = 200
# The bottom row: (key name, label, columns wide); the rows above are 10 keys each.
EDIT_ROW = (("shift", "Shift", 1), ("symbols", "123", 1), ("space", "Space", 4), ("delete", "Delete", 2),
            ("ok", "OK", 2))


@dataclass(frozen=True)
class Key:
    """One key of the on-screen keyboard: its name (a character, or shift/symbols/space/delete/ok)."""

    name: str
    label: str
    row: int
    column: int
    span: int = 1


class TextEntry:
    """A text field being typed: its prompt and value; `on_ok(value)` runs when the caregiver chooses OK."""

    def __init__(self, prompt: str, value: str, on_ok: Callable[[str], None], digits_only: bool = False,
                 hide: bool = False) -> None:
        self.prompt = prompt
        self.value = value
        self.on_ok = on_ok
        self.digits_only = digits_only
        self.hide = hide  # a PIN shows as stars
        self.shift = False
        self.symbols = digits_only

    def keys(self) -> list[Key]:
        """The keys shown now (letters or symbols, then the editing row)."""
        if self.digits_only:
            keys = [Key(d, d, 0, i) for i, d in enumerate("1234567890")]
            return keys + [Key("delete", "Delete", 1, 0, 5), Key("ok", "OK", 1, 5, 5)]
        rows = SYMBOL_ROWS if self.symbols else LETTER_ROWS
        keys = []
        for r, row in enumerate(rows):
            for c, char in enumerate(row):
                shown = char.upper() if self.shift else char
                keys.append(Key(shown, shown, r, c))
        column = 0
        for name, label, span in EDIT_ROW:
            if name == "symbols":
                label = "abc" if self.symbols else "123"
            elif name == "shift":
                label = "SHIFT" if self.shift else "Shift"
            keys.append(Key(name, label, len(rows), column, span))
            column += span
        return keys

    def shown(self) -> str:
        """The field as shown: the value (stars for a PIN) and a cursor."""
        return ("*" * len(self.value) if self.hide else self.value) + "|"

    def press(self, name: str) -> bool:
        """An on-screen key was chosen; True when it was OK (the caller then runs `on_ok`)."""
        if name == "ok":
            return True
        if name == "delete":
            self.value = self.value[:-1]
        elif name == "shift":
            self.shift = not self.shift
        elif name == "symbols":
            self.symbols = not self.symbols
        elif name == "space":
            self.type(" ")
        else:
            self.type(name)
            self.shift = False  # one capital, as phone keyboards do
        return False

    def type(self, text: str) -> None:
        """Characters from either keyboard (digits only for a PIN; at most MAX_LENGTH in all)."""
        if self.digits_only:
            text = "".join(ch for ch in text if ch.isdigit())
        self.value = (self.value + text)[:MAX_LENGTH]

    def key(self, event) -> None:
        """A physical key (pygame KEYDOWN): backspace deletes, printable characters are typed."""
        import pygame as pg

        if event.key == pg.K_BACKSPACE:
            self.value = self.value[:-1]
        elif event.unicode and event.unicode.isprintable():
            self.type(event.unicode)
