"""The things on the screen a person can choose, as the access controllers see them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    """One selectable thing on the screen.

    `id` is unique on the screen ("grid:2:3", "action:speak", "predict:0"); `label` is what an auditory
    cue says; `rect` is (x, y, width, height) in pixels; `group` is the screen area ("message", "actions",
    "predictions", "grid", "phrases", "nav"...); `row` is the row within its group (row-column scanning goes
    row by row in a group); `dwell_time_s` is this target's own dwell time, none for the person's setting.
    """

    id: str
    label: str
    rect: tuple[int, int, int, int]
    group: str
    row: int = 0
    dwell_time_s: float | None = None

    @property
    def center(self) -> tuple[float, float]:
        """The middle of the target in pixels."""
        x, y, width, height = self.rect
        return x + width / 2.0, y + height / 2.0

    def contains(self, x: float, y: float) -> bool:
        """Whether the point lies on the target (left and top edges in, right and bottom edges out)."""
        left, top, width, height = self.rect
        return left <= x < left + width and top <= y < top + height


def check_unique(targets: Sequence[Target]) -> None:
    """Raise ValueError naming the first id that two targets share (the UI must give each its own)."""
    seen: set[str] = set()
    for target in targets:
        if target.id in seen:
            raise ValueError(f"two targets on the screen share the id {target.id!r}; each needs its own")
        seen.add(target.id)


def rows_in_order(targets: Sequence[Target]) -> list[tuple[str, list[list[Target]]]]:
    """The targets as (group, rows) in screen order.

    Groups come in the order they are first given, rows within a group by their `row` number (top to
    bottom), and a row's targets by x (left to right), then y.
    """
    groups: dict[str, dict[int, list[Target]]] = {}
    for target in targets:
        groups.setdefault(target.group, {}).setdefault(target.row, []).append(target)
    ordered = []
    for group, rows in groups.items():
        ordered.append((group, [sorted(rows[row], key=lambda t: (t.rect[0], t.rect[1])) for row in sorted(rows)]))
    return ordered


def screen_order(targets: Sequence[Target]) -> list[Target]:
    """Every target in scanning order: group by group, row by row, left to right."""
    return [target for _, rows in rows_in_order(targets) for row in rows for target in row]
