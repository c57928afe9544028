"""Laying buttons out in a grid when a board file has none, or places them by absolute position.

Some apps write each button's `left`/`top`/`width`/`height` (fractions of the board) instead
of a grid. The app draws grids (scanning goes row by row), so positions become cells: buttons
at about the same height share a row, at about the same left edge a column, and the reading
order (top to bottom, left to right) is kept.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

MAX_CELLS_PER_SIDE = 64  # the board model's limit on rows and columns


@dataclass(frozen=True)
class Placed:
    """A button with its absolute place on the board, as fractions of the board's width and height."""

    button_id: str
    left: float
    top: float
    width: float = 0.0
    height: float = 0.0


@dataclass(frozen=True)
class Layout:
    """A grid of button ids (None: an empty cell) and the ids that did not fit in 64 x 64 cells."""

    grid: tuple[tuple[str | None, ...], ...]
    left_out: tuple[str, ...] = ()

    @property
    def rows(self) -> int:
        """Rows in the grid."""
        return len(self.grid)

    @property
    def columns(self) -> int:
        """Columns in the grid."""
        return len(self.grid[0])


def _clusters(values: list[float], tolerance: float) -> list[float]:
    """The distinct positions among `values`: values closer than `tolerance` to a cluster's first join it."""
    starts: list[float] = []
    for value in sorted(values):
        if not starts or value - starts[-1] > tolerance:
            starts.append(value)
    return starts


def _index(starts: list[float], value: float) -> int:
    return max(i for i, start in enumerate(starts) if start <= value + 1e-9)


def _fit(rows: list[list[str | None]]) -> Layout:
    """Pad rows to one width and cut to the model's 64 x 64, naming the buttons cut."""
    width = max((len(r) for r in rows), default=0) or 1
    rows = rows or [[None]]
    left_out = [cell for row in rows[MAX_CELLS_PER_SIDE:] for cell in row if cell is not None]
    kept = []
    for row in rows[:MAX_CELLS_PER_SIDE]:
        left_out += [cell for cell in row[MAX_CELLS_PER_SIDE:] if cell is not None]
        padded = row[:MAX_CELLS_PER_SIDE] + [None] * (min(width, MAX_CELLS_PER_SIDE) - len(row))
        kept.append(tuple(padded))
    return Layout(tuple(kept), tuple(left_out))


def grid_from_positions(placed: list[Placed]) -> Layout:
    """A grid keeping the reading order of buttons placed by absolute position."""
    if not placed:
        return Layout(((None,),))
    heights = [p.height for p in placed if p.height > 0]
    widths = [p.width for p in placed if p.width > 0]
    # Half a typical button: neighbours in one row differ in top by far less, rows by a whole button.
    row_tolerance = statistics.median(heights) / 2 if heights else 0.02
    column_tolerance = statistics.median(widths) / 2 if widths else 0.02
    row_starts = _clusters([p.top for p in placed], row_tolerance)
    column_starts = _clusters([p.left for p in placed], column_tolerance)
    rows: list[list[str | None]] = [[] for _ in row_starts]
    for item in sorted(placed, key=lambda p: (p.top, p.left)):
        row = rows[_index(row_starts, item.top)]
        column = _index(column_starts, item.left)
        while len(row) <= column:
            row.append(None)
        if row[column] is None:
            row[column] = item.button_id
        else:
            # Two buttons overlapping one column: the later goes to the next free cell, order kept.
            free = next((i for i in range(column + 1, len(row)) if row[i] is None), None)
            if free is None:
                row.append(item.button_id)
            else:
                row[free] = item.button_id
    return _fit(rows)


def grid_from_sequence(button_ids: list[str]) -> Layout:
    """A near-square grid holding `button_ids` in order (for boards with neither grid nor positions)."""
    if not button_ids:
        return Layout(((None,),))
    columns = min(MAX_CELLS_PER_SIDE, math.ceil(math.sqrt(len(button_ids))))
    rows: list[list[str | None]] = [
        list(button_ids[start : start + columns]) for start in range(0, len(button_ids), columns)
    ]
    return _fit(rows)
