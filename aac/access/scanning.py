"""Switch scanning: a highlight moves over the screen and a switch press chooses what it is on.

Patterns: "row_column" (rows, then the items of the chosen row), "linear" (every target in turn) and
"block" (the screen's areas, then the rows of the chosen area, then its items). Below the top level each
level ends with a "Go back" item (`BACK_ID`) that returns to the level above.

One switch (automatic scan): the highlight advances every `interval_s` by itself; the first item of a
level stays `interval_s + first_delay_s`. The scan starts on the first press, not by itself, so that a
screen that has just appeared cannot be chosen from by accident. After `loops` full loops of a level with
no selection the scan stops (`ScanStopped`) and the next press starts it again at the top.

Two switches: switch 1 steps to the next item (wrapping round), switch 0 chooses; nothing moves by itself
and the scan never stops.

Time is whatever the caller says it is (`now_s`): the UI passes its clock, tests pass simulated seconds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aac.access.events import AccessEvent, Highlight, ScanStopped, Select
from aac.access.targets import Target, check_unique, rows_in_order

if TYPE_CHECKING:
    from profiles.schema import AccessSection

BACK_ID = "scan:back"
BACK_LABEL = "Go back"
PATTERNS = ("row_column", "linear", "block")
# Gap in pixels between a row and the "Go back" item the scanner proposes to draw after it.
_BACK_GAP_PX = 8
# Float slack so that a press exactly on a step boundary lands on the new item.
_EPS = 1e-9


@dataclass(frozen=True)
class ScanSettings:
    """How the scan moves.

    `switches`: 1 (automatic scan) or 2 (step and choose); `pattern`: one of `PATTERNS`; `interval_s`: time
    each item stays highlighted; `first_delay_s`: extra time for the first item of a level; `loops`: full
    loops with no selection before an automatic scan stops; `debounce_s`: a press sooner than this after the
    previous accepted press is ignored (tremor, a bouncing switch); `acceptance_s`: when above 0, a press
    counts only once the switch has been held this long (brushing against it does nothing), and it acts
    at that moment; the UI then reports releases too (`Scanner.release`).
    """

    switches: int = 1
    pattern: str = "row_column"
    interval_s: float = 1.0
    first_delay_s: float = 1.5
    loops: int = 3
    debounce_s: float = 0.1
    acceptance_s: float = 0.0

    def __post_init__(self) -> None:
        if self.switches not in (1, 2):
            raise ValueError(f"scanning takes 1 or 2 switches, not {self.switches}")
        if self.pattern not in PATTERNS:
            raise ValueError(f"unknown scan pattern {self.pattern!r}; choose one of {', '.join(PATTERNS)}")
        if not self.interval_s > 0:
            raise ValueError(f"the scan interval must be more than 0 seconds, not {self.interval_s}")
        if self.first_delay_s < 0 or self.debounce_s < 0 or self.acceptance_s < 0:
            raise ValueError("the first-item delay, the debounce and the acceptance time cannot be negative")
        if self.loops < 1:
            raise ValueError(f"the scan must go round at least once, not {self.loops} times")

    @classmethod
    def from_profile(cls, access: AccessSection, debounce_s: float = 0.1, acceptance_s: float = 0.0) -> ScanSettings:
        """The settings from a profile's access section (it holds no debounce or acceptance time yet: pass them)."""
        return cls(
            switches=access.switches,
            pattern=access.scan_pattern,
            interval_s=access.scan_interval_s,
            first_delay_s=access.scan_first_delay_s,
            loops=access.scan_loops,
            debounce_s=debounce_s,
            acceptance_s=acceptance_s,
        )


@dataclass(frozen=True)
class _Node:
    """One stop of the scan: a target (no children), a row or group (children), or the go-back item."""

    label: str
    targets: tuple[Target, ...]
    children: tuple[_Node, ...] = ()
    is_back: bool = False

    @property
    def ids(self) -> tuple[str, ...]:
        return (BACK_ID,) if self.is_back else tuple(t.id for t in self.targets)


_BACK = _Node(label=BACK_LABEL, targets=(), is_back=True)


def _leaf(target: Target) -> _Node:
    return _Node(label=target.label, targets=(target,))


def _row_node(row: list[Target]) -> _Node:
    # A row of one needs no second press: the row is the item.
    if len(row) == 1:
        return _leaf(row[0])
    return _Node(label=row[0].label, targets=tuple(row), children=tuple(_leaf(t) for t in row))


def _group_node(group: str, rows: list[list[Target]]) -> _Node:
    nodes = [_row_node(row) for row in rows]
    if len(nodes) == 1:
        # An area of one row needs no row level: choosing the area goes straight to its items.
        return _Node(label=group, targets=nodes[0].targets, children=nodes[0].children)
    return _Node(label=group, targets=tuple(t for row in rows for t in row), children=tuple(nodes))


def _build(targets: Sequence[Target], pattern: str) -> tuple[_Node, ...]:
    grouped = rows_in_order(targets)
    if pattern == "linear":
        top = tuple(_leaf(t) for _, rows in grouped for row in rows for t in row)
    elif pattern == "row_column":
        top = tuple(_row_node(row) for _, rows in grouped for row in rows)
    else:
        top = tuple(_group_node(group, rows) for group, rows in grouped)
    # A top level of one stop would only cost a press: start inside it.
    while len(top) == 1 and top[0].children:
        top = top[0].children
    return top


class Scanner:
    """Switch scanning over the targets of one screen (see the module's docstring for the behaviour)."""

    def __init__(self, settings: ScanSettings) -> None:
        self._settings = settings
        self._top: tuple[_Node, ...] = ()
        self._path: list[_Node] = []  # the nodes chosen below the top level
        self._active = False
        self._index = 0
        self._step = 0  # steps the automatic scan has taken in this level (index = step % level size)
        self._level_start_s = 0.0
        self._last_press_s: float | None = None
        self._down_s: dict[int, float] = {}  # switches held down, not yet accepted (acceptance time only)
        self._shown: tuple[str, ...] = ()

    @property
    def settings(self) -> ScanSettings:
        """The settings this scanner runs with."""
        return self._settings

    @property
    def active(self) -> bool:
        """Whether the scan is running (something is highlighted)."""
        return self._active

    def highlighted(self) -> tuple[str, ...]:
        """The target ids highlighted now (`BACK_ID` for the go-back item); empty when the scan is idle."""
        return self._shown

    def set_targets(self, targets: Sequence[Target], now_s: float) -> list[AccessEvent]:
        """The screen changed (new page, keyboard opened): a running scan restarts at the top level."""
        check_unique(targets)
        self._top = _build(targets, self._settings.pattern)
        self._path = []
        if not self._active:
            return []
        if not self._top:
            return self._stop()
        return self._enter_level(now_s)

    def tick(self, now_s: float) -> list[AccessEvent]:
        """Move an automatic scan on to where it is at `now_s`; returns events only when something changed."""
        events: list[AccessEvent] = []
        acceptance_s = self._settings.acceptance_s
        for switch, down_s in sorted(self._down_s.items(), key=lambda item: item[1]):
            if now_s - down_s >= acceptance_s - _EPS:
                del self._down_s[switch]
                events += self._accept(switch, down_s + acceptance_s)
        return events + self._advance(now_s)

    def press(self, switch: int, now_s: float) -> list[AccessEvent]:
        """A switch went down: 0 chooses (and starts an idle scan), 1 steps to the next item (two switches).

        With an acceptance time the press acts only once held that long (on a later `tick` or `release`).
        """
        self._check_switch(switch)
        if self._settings.acceptance_s <= 0:
            return self._accept(switch, now_s)
        self._down_s[switch] = now_s
        return self.tick(now_s)

    def release(self, switch: int, now_s: float) -> list[AccessEvent]:
        """A switch came up; a press released before its acceptance time is dropped."""
        self._check_switch(switch)
        events = self.tick(now_s)
        self._down_s.pop(switch, None)
        return events

    def next_change_s(self) -> float | None:
        """When an automatic scan next moves (or stops) by itself; None when nothing will happen unprompted.

        The UI can sleep until then; tests jump straight to it.
        """
        settings = self._settings
        changes_s = [down_s + settings.acceptance_s for down_s in self._down_s.values()]
        if self._active and settings.switches == 1:
            lead_s = settings.interval_s + settings.first_delay_s
            # Step k (k >= 1) begins at lead + (k - 1) * interval, so the current step k ends at lead + k * interval.
            changes_s.append(self._level_start_s + lead_s + self._step * settings.interval_s)
        return min(changes_s, default=None)

    def back_item(self) -> Target | None:
        """The go-back item when the current level has one, with a place for the UI to draw it.

        The proposed rect is a square, the height of the chosen row's first item, just right of what was
        chosen; the UI may draw it elsewhere (it only needs to show `BACK_ID` highlighted).
        """
        if not self._active or not self._path:
            return None
        chosen = self._path[-1].targets
        right = max(t.rect[0] + t.rect[2] for t in chosen)
        top = min(t.rect[1] for t in chosen)
        size = chosen[0].rect[3]
        return Target(
            id=BACK_ID,
            label=BACK_LABEL,
            rect=(right + _BACK_GAP_PX, top, size, size),
            group=chosen[0].group,
            row=chosen[0].row,
        )

    # The scan's inner workings.

    def _check_switch(self, switch: int) -> None:
        if switch not in range(self._settings.switches):
            raise ValueError(
                f"switch {switch} does not exist with {self._settings.switches} switch(es): "
                "0 chooses, 1 steps (two switches only)"
            )

    def _advance(self, now_s: float) -> list[AccessEvent]:
        if not self._active or self._settings.switches == 2:
            return []
        level = self._level()
        step = self._step_at(now_s)
        if step >= self._settings.loops * len(level):
            return self._stop()
        self._step = step
        index = step % len(level)
        if index == self._index:
            return []
        self._index = index
        return self._show()

    def _accept(self, switch: int, now_s: float) -> list[AccessEvent]:
        if self._last_press_s is not None and now_s - self._last_press_s < self._settings.debounce_s:
            return []
        self._last_press_s = now_s
        events = self._advance(now_s)
        if not self._active:
            if not self._top:
                return events
            self._active = True
            self._path = []
            return events + self._enter_level(now_s)
        if switch == 1:
            self._index = (self._index + 1) % len(self._level())
            return events + self._show()
        return events + self._choose(now_s)

    def _level(self) -> tuple[_Node, ...]:
        if not self._path:
            return self._top
        return self._path[-1].children + (_BACK,)

    def _step_at(self, now_s: float) -> int:
        settings = self._settings
        elapsed_s = now_s - self._level_start_s
        lead_s = settings.interval_s + settings.first_delay_s
        if elapsed_s < lead_s - _EPS:
            return 0
        return 1 + math.floor((elapsed_s - lead_s) / settings.interval_s + _EPS)

    def _enter_level(self, now_s: float) -> list[AccessEvent]:
        self._index = 0
        self._step = 0
        self._level_start_s = now_s
        self._shown = ()  # a new level always cues its first item, even when it looks the same
        return self._show()

    def _show(self) -> list[AccessEvent]:
        node = self._level()[self._index]
        if node.ids == self._shown:
            return []
        self._shown = node.ids
        return [Highlight(target_ids=node.ids, label=node.label)]

    def _choose(self, now_s: float) -> list[AccessEvent]:
        node = self._level()[self._index]
        if node.is_back:
            self._path.pop()
            return self._enter_level(now_s)
        if node.children:
            self._path.append(node)
            return self._enter_level(now_s)
        self._path = []
        return [Select(node.targets[0].id), *self._enter_level(now_s)]

    def _stop(self) -> list[AccessEvent]:
        self._active = False
        self._path = []
        self._shown = ()
        return [ScanStopped()]
