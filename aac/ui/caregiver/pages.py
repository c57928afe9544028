"""Caregiver screens as data, and how one is laid out in the body of the app's screen.

A `Page` is a title, choices (`Item`s, each with what choosing it does), an optional note (the result of
the last action) and an optional text field; `lay_out` turns it into the app's `Cell`s: the title row,
the choices in a grid (a page at a time, with More), and a column on the right with Back, More and Done.
Every choice is a cell with a target id, a group and a row, so touch, keys, scanning and dwell reach it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from aac.board.model import Image
from aac.ui.caregiver.text_entry import TextEntry
from aac.ui.layout import Cell, Rect, _split

PREFIX = "caregiver:"
MIN_ROW_H = 88  # no choice smaller than this (at 1280x800 the body is about 1268 x 444)
GROUP = "caregiver"
KEYS_GROUP = "caregiver-keys"
NAV_GROUP = "caregiver-nav"


@dataclass(frozen=True)
class Item:
    """One choice on a caregiver screen (`run` None: shown, not selectable)."""

    name: str  # the target is "caregiver:<name>"
    label: str
    run: Callable[[], None] | None = None
    kind: str = "action"  # action; symbol (a board button or a picture); field; text; meter
    image: Image | None = None
    fill: str | None = None
    active: bool = False
    folder: bool = False
    at: tuple[int, int] | None = None  # (row, column) on a page with a fixed grid
    span: int = 1
    cue: str | None = None
    level: float | None = None  # kind "meter": how full its bar is, 0..1


@dataclass
class Page:
    """One caregiver screen."""

    title: str
    items: list[Item] = field(default_factory=list)
    columns: int = 4
    rows: int = 4
    grid: tuple[int, int] | None = None  # items placed by `Item.at` in this many rows and columns
    text: TextEntry | None = None
    nav: list[Item] = field(default_factory=list)  # extra choices in the right column (before Back and Done)
    on_show: Callable[[], None] | None = None


def lay_out(page: Page, body: Rect, note: str, offset: int, back: Item | None, more: Callable[[], None],
            done: Item) -> tuple[list[Cell], dict[str, Item], int]:
    """The page's cells in `body`, the choices by name, and how many choices fit at once (for More)."""
    x, y, w, h = body
    gap = max(4, min(w, h) // 90)
    title_h = max(48, h * 14 // 100)
    cells = [Cell(None, "text", page.title, (x, y, w if not note else w // 2 - gap, title_h))]
    if note:
        cells.append(Cell(None, "text", note, (x + w // 2, y, w - w // 2, title_h)))
    y += title_h + gap
    h -= title_h + gap
    nav_w = max(170, w // 7)
    content_w = w - nav_w - gap
    chosen: dict[str, Item] = {}

    if page.text is not None:
        field_h = max(64, h // 6)
        cells.append(Cell(None, "field", f"{page.text.prompt}:  {page.text.shown()}", (x, y, content_w, field_h)))
        y_keys, h_keys = y + field_h + gap, h - field_h - gap
        keys = page.text.keys()
        n_rows = max(k.row for k in keys) + 1
        row_spans = _split(y_keys, h_keys, max(n_rows, 2), gap)
        col_spans = _split(x, content_w, 10, gap)
        for key in keys:
            ky, kh = row_spans[key.row]
            kx = col_spans[key.column][0]
            last = col_spans[key.column + key.span - 1]
            item = Item(f"key:{key.name}", key.label, None, cue={" ": "space"}.get(key.name))
            chosen[item.name] = item
            cells.append(Cell(PREFIX + item.name, "action", key.label, (kx, ky, last[0] + last[1] - kx, kh),
                              KEYS_GROUP, key.row))
        per_view = len(page.items)
    elif page.grid is not None:
        rows, columns = page.grid
        row_spans = _split(y, h, rows, gap)
        col_spans = _split(x, content_w, columns, gap)
        for item in page.items:
            r, c = item.at or (0, 0)
            cells.append(_cell(item, (col_spans[c][0], row_spans[r][0], col_spans[c][1], row_spans[r][1]), r))
            if item.run is not None:
                chosen[item.name] = item
        per_view = len(page.items)
    else:
        fit_rows = max(1, (h + gap) // (MIN_ROW_H + gap))
        rows = max(1, min(page.rows, fit_rows))
        per_view = rows * page.columns
        shown = page.items
        if len(shown) > per_view:  # a view at a time; More (in the right column) shows the next
            start = (offset * per_view) % len(shown)
            shown = shown[start:start + per_view]
        row_spans = _split(y, h, rows, gap)
        col_spans = _split(x, content_w, page.columns, gap)
        for i, item in enumerate(shown):
            r, c = divmod(i, page.columns)
            cells.append(_cell(item, (col_spans[c][0], row_spans[r][0], col_spans[c][1], row_spans[r][1]), r))
            if item.run is not None:
                chosen[item.name] = item

    nav = list(page.nav)
    if page.text is None and page.grid is None and len(page.items) > per_view:
        pages = -(-len(page.items) // per_view)
        nav.append(Item("nav:more", f"More ({offset % pages + 1} of {pages})", more))
    if back is not None:
        nav.append(back)
    nav.append(done)
    spans = _split(y, h, max(len(nav), 4), gap)
    for i, (item, (ny, nh)) in enumerate(zip(nav, spans, strict=False)):
        chosen[item.name] = item
        cells.append(Cell(PREFIX + item.name, "action", item.label, (x + w - nav_w, ny, nav_w, nh), NAV_GROUP, i,
                          active=item.active, cue=item.cue))
    return cells, chosen, per_view


def _cell(item: Item, rect: Rect, row: int) -> Cell:
    target = PREFIX + item.name if item.run is not None else None
    kind = item.kind if item.run is not None or item.kind != "action" else "text"
    return Cell(target, kind, item.label, rect, GROUP, row, image=item.image, fill=item.fill, active=item.active,
                folder=item.folder, cue=item.cue, level=item.level)
