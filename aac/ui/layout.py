"""Where everything goes on the screen, as data: cells with rectangles, and the targets the access
methods select among. Nothing here draws; `aac.ui.draw` paints a `Screen`, and tests read one.

One screen, top to bottom: the message (large) with the avatar's preview beside it; the actions
(Speak, Delete word, Clear, Stop, emotion, keyboard, history, home, back, caregiver); five
predictions; then the body: the board's grid with the quick phrases beside it (or the keyboard,
the history, the emotions, the PIN pad, the caregiver screen, About).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aac.access.targets import Target
from aac.board.model import Board, Image
from aac.ui.model import EMOTIONS, AppModel

Rect = tuple[int, int, int, int]

EMOTION_LABELS = {"neutral": "Calm", "happy": "Happy", "sad": "Sad", "surprised": "Surprised",
                  "concerned": "Worried", "angry": "Angry"}


@dataclass(frozen=True)
class Cell:
    """One thing on the screen. `target_id` None: shown, not selectable."""

    target_id: str | None
    kind: str  # message, action, prediction, symbol, phrase, history, emotion, digit, text, preview, pause
    label: str
    rect: Rect
    group: str = ""
    row: int = 0
    image: Image | None = None
    fill: str | None = None  # the board's own colour for this button, CSS
    border: str | None = None
    active: bool = False  # the current emotion, the screen shown, a paused dwell
    folder: bool = False
    dwell_time_s: float | None = None
    cue: str | None = None  # what an auditory cue says, when it differs from the label
    level: float | None = None  # a level meter's fill, 0..1 (recording a phrase)


@dataclass(frozen=True)
class Screen:
    """Everything shown, and what can be selected."""

    size: tuple[int, int]
    cells: tuple[Cell, ...]
    preview: Rect
    status: Rect
    body: Rect = (0, 0, 0, 0)  # where the body (grid, keyboard, caregiver screen...) is

    @property
    def targets(self) -> tuple[Target, ...]:
        """The selectable cells, for the access methods, in scanning order."""
        return tuple(
            Target(c.target_id, c.cue or c.label or c.kind, c.rect, c.group, c.row, c.dwell_time_s)
            for c in self.cells if c.target_id is not None
        )

    def cell(self, target_id: str) -> Cell | None:
        """The cell of a target."""
        return next((c for c in self.cells if c.target_id == target_id), None)


@dataclass(frozen=True)
class LayoutSettings:
    """The profile's display settings that change where things go."""

    grid_rows: int | None = None
    grid_columns: int | None = None
    pause_zone: bool = False  # dwell's pause cell
    phrases_shown: bool = True


def _split(x: int, width: int, n: int, gap: int) -> list[tuple[int, int]]:
    """`n` spans filling `width` from `x` with `gap` between them: (start, width) each."""
    if n <= 0:
        return []
    each = (width - gap * (n - 1)) / n
    return [(round(x + i * (each + gap)), round(each)) for i in range(n)]


def action_cells(model: AppModel, rect: Rect, gap: int) -> list[Cell]:
    """The row of actions; Home and Back only when they would do something."""
    x, y, w, h = rect
    keyboard_label = "Symbols" if model.mode == "keyboard" else "Keyboard"
    actions = [
        ("speak", "Speak", False),
        ("delete_word", "Delete word", False),
        ("clear", "Clear", False),
        ("stop", "Stop", False),
        ("emotion", EMOTION_LABELS.get(model.emotion, model.emotion), model.mode == "emotion"),
        ("keyboard", keyboard_label, model.mode == "keyboard"),
        ("history", "History", model.mode == "history"),
        ("home", "Home", False),
        ("back", "Back", False),
        ("caregiver", "Caregiver", model.mode in ("caregiver", "pin", "confirm_caregiver")),
    ]
    cells = []
    for (name, label, active), (cx, cw) in zip(actions, _split(x, w, len(actions), gap), strict=True):
        cue = {"emotion": f"Emotion: {label}"}.get(name)
        cells.append(Cell(f"action:{name}", "action", label, (cx, y, cw, h), "actions", 0, active=active, cue=cue))
    return cells


def grid_cells(board: Board, rect: Rect, gap: int, settings: LayoutSettings, offset: int = 0) -> list[Cell]:
    """The board's buttons in its grid, or re-flowed into the profile's grid size (with a More cell)."""
    x, y, w, h = rect
    rows, columns = board.rows, board.columns
    placed: list[tuple[int, int, object]] = [(r, c, b) for r, c, b in board.cells()]
    if settings.grid_rows or settings.grid_columns:
        rows, columns = settings.grid_rows or rows, settings.grid_columns or columns
        buttons = [b for _, _, b in placed if b is not None]
        room = rows * columns
        more = len(buttons) > room
        if more:
            room -= 1
            start = (offset * room) % len(buttons)
            buttons = buttons[start:start + room]
        placed = [(i // columns, i % columns, b) for i, b in enumerate(buttons)]
        if more:
            placed.append((rows - 1, columns - 1, "more"))
    cells = []
    row_spans = _split(y, h, rows, gap)
    col_spans = _split(x, w, columns, gap)
    for r, c, button in placed:
        if button is None:
            continue
        (cy, ch), (cx, cw) = row_spans[r], col_spans[c]
        if button == "more":
            cells.append(Cell("grid:more", "action", "More", (cx, cy, cw, ch), "grid", r))
            continue
        image = board.image(button.image_id)
        label = button.label or button.words
        cue = f"{label} folder" if button.is_folder else None
        cells.append(Cell(
            f"cell:{r}:{c}:{button.id}", "symbol", label, (cx, cy, cw, ch), "grid", r,
            image=image if image is not None and image.usable else None,
            fill=button.background_color, border=button.border_color, folder=button.is_folder,
            dwell_time_s=button.dwell_time_s, cue=cue,
        ))
    return cells


def _list_cells(kind: str, items: list[str], rect: Rect, gap: int, group: str, max_rows: int) -> list[Cell]:
    x, y, w, h = rect
    n = max(1, min(max_rows, len(items)))
    rows = _split(y, h, max(n, 5), gap)
    return [Cell(f"{kind}:{i}", kind, text, (x, ry, w, rh), group, i)
            for i, (text, (ry, rh)) in enumerate(zip(items[:n], rows, strict=False))]


def body_cells(model: AppModel, rect: Rect, gap: int, settings: LayoutSettings, grid_offset: int) -> list[Cell]:
    """The body of the screen for the model's mode (the caregiver screen is laid out by its own module)."""
    x, y, w, h = rect
    if model.mode in ("board", "keyboard"):
        side = 0 if not settings.phrases_shown or model.mode == "keyboard" else max(200, w // 5)
        cells = grid_cells(model.board, (x, y, w - side - (gap if side else 0), h), gap, settings, grid_offset)
        if side:
            cells += _list_cells("phrase", model.phrases, (x + w - side, y, side, h), gap, "phrases", 8)
        return cells
    if model.mode == "history":
        newest_first = [e.text for e in reversed(model.history)]
        if not newest_first:
            return [Cell(None, "text", "Nothing spoken yet. Messages you speak appear here to say again.",
                         (x, y, w, h // 5))]
        return _list_cells("history", newest_first, rect, gap, "history", 8)
    if model.mode == "emotion":
        cells = []
        for i, ((cx, cw), emotion) in enumerate(zip(_split(x, w, 3, gap) * 2, EMOTIONS, strict=True)):
            ry, rh = _split(y, h, 2, gap)[i // 3]
            cells.append(Cell(f"emotion:{emotion}", "emotion", EMOTION_LABELS[emotion], (cx, ry, cw, rh),
                              "emotion", i // 3, active=emotion == model.emotion))
        return cells
    if model.mode == "pin":
        keys = [*"123456789", "Cancel", "0", "Erase"]
        cells = [Cell(None, "text", "Caregiver PIN: " + ("*" * len(model.pin_entry) or "_"), (x, y, w, h // 6))]
        ky, kh = y + h // 6 + gap, h - h // 6 - gap
        for i, key in enumerate(keys):
            ry, rh = _split(ky, kh, 4, gap)[i // 3]
            cx, cw = _split(x + w // 4, w // 2, 3, gap)[i % 3]
            cells.append(Cell(f"pin:{key.lower()}", "digit", key, (cx, ry, cw, rh), "pin", i // 3))
        return cells
    if model.mode == "confirm_caregiver":
        (ax, aw), (bx, bw) = _split(x, w, 2, gap)
        return [
            Cell(None, "text", "Caregiver mode changes boards and settings.", (x, y, w, h // 5)),
            Cell("caregiver:open", "action", "Open caregiver mode", (ax, y + h // 4, aw, h // 3), "confirm", 0),
            Cell("caregiver:cancel", "action", "Cancel", (bx, y + h // 4, bw, h // 3), "confirm", 0),
        ]
    if model.mode == "about":
        from aac.ui.about import about_lines

        lines = about_lines()
        spans = _split(y, h - h // 6 - gap, len(lines), 2)
        cells = [Cell(None, "text", line, (x, ly, w, lh)) for line, (ly, lh) in zip(lines, spans, strict=True)]
        cells.append(Cell("about:close", "action", "Close", (x + w // 3, y + h - h // 6, w // 3, h // 6), "about", 0))
        return cells
    return []


def layout_screen(model: AppModel, size: tuple[int, int], settings: LayoutSettings, grid_offset: int = 0,
                  body: Callable[[Rect], list[Cell]] | None = None) -> Screen:
    """The whole screen for `model` at `size` (pixels). `body` lays out another body (the caregiver screen)."""
    width, height = size
    gap = max(4, min(width, height) // 120)
    top_h = max(90, height * 17 // 100)
    preview_w = min(width // 4, top_h * 16 // 9)
    actions_h = max(56, height * 10 // 100)
    predictions_h = max(48, height * 9 // 100) if model.suggestions_shown else 0
    y = gap
    cells = [Cell("message", "message", model.text, (gap, y, width - preview_w - 3 * gap, top_h), "message", 0,
                  cue="Speak the message")]
    preview = (width - preview_w - gap, y, preview_w, top_h)
    y += top_h + gap
    cells += action_cells(model, (gap, y, width - 2 * gap, actions_h), gap)
    y += actions_h + gap
    if predictions_h:
        spans = _split(gap, width - 2 * gap, model.suggestions_shown, gap)
        for i, (px, pw) in enumerate(spans):
            word = model.suggestions[i] if i < len(model.suggestions) else ""
            cells.append(Cell(f"predict:{i}" if word else None, "prediction", word, (px, y, pw, predictions_h),
                              "predictions", 0))
        y += predictions_h + gap
    # dwell's pause cell sits in the status row, away from the symbols, where a resting gaze will not land by chance
    status_h = max(48, height * 8 // 100) if settings.pause_zone else max(24, height * 4 // 100)
    body_rect = (gap, y, width - 2 * gap, height - y - status_h - 2 * gap)
    cells += body(body_rect) if body is not None else body_cells(model, body_rect, gap, settings, grid_offset)
    status = (gap, height - status_h - gap, width - 2 * gap, status_h)
    if settings.pause_zone:
        pause_w = max(200, width // 5)
        status = (gap, status[1], width - 3 * gap - pause_w, status_h)
        cells.append(Cell("dwell:pause", "pause", "Pause", (width - gap - pause_w, status[1], pause_w, status_h),
                          "pause", 0, cue="Pause dwell"))
    return Screen((width, height), tuple(cells), preview, status, body_rect)

