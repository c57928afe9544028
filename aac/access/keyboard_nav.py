"""Keyboard access: arrow keys move a focus to the nearest target in that direction, Enter chooses it.

Tab order (`next` / `previous`) goes through every target in scanning order, so nothing is out of reach
even on a screen whose layout leaves a target no arrow leads to.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from aac.access.events import Highlight, Select
from aac.access.targets import Target, check_unique, screen_order

Direction = Literal["up", "down", "left", "right"]
DIRECTIONS: tuple[str, ...] = ("up", "down", "left", "right")
# Android's focus search weighs distance along the key's direction this much more than sideways distance.
_MAJOR_WEIGHT = 13


def _span(target: Target, horizontal: bool) -> tuple[float, float]:
    x, y, width, height = target.rect
    return (y, y + height) if horizontal else (x, x + width)


def _score(current: Target, candidate: Target, direction: str) -> tuple[int, float] | None:
    """How good a move from `current` to `candidate` is (smaller is better), None when not that way."""
    cx, cy = current.center
    tx, ty = candidate.center
    x0, y0, w0, h0 = current.rect
    x1, y1, w1, h1 = candidate.rect
    if direction == "right":
        ahead, major, minor = tx > cx, max(0.0, x1 - (x0 + w0)), abs(ty - cy)
    elif direction == "left":
        ahead, major, minor = tx < cx, max(0.0, x0 - (x1 + w1)), abs(ty - cy)
    elif direction == "down":
        ahead, major, minor = ty > cy, max(0.0, y1 - (y0 + h0)), abs(tx - cx)
    else:
        ahead, major, minor = ty < cy, max(0.0, y0 - (y1 + h1)), abs(tx - cx)
    if not ahead:
        return None
    horizontal = direction in ("left", "right")
    lo0, hi0 = _span(current, horizontal)
    lo1, hi1 = _span(candidate, horizontal)
    in_beam = lo1 < hi0 and lo0 < hi1  # overlaps the current target's row (or column)
    return (0 if in_beam else 1, _MAJOR_WEIGHT * major * major + minor * minor)


class KeyboardNavigator:
    """A keyboard focus over the targets of one screen."""

    def __init__(self) -> None:
        self._targets: tuple[Target, ...] = ()
        self._by_id: dict[str, Target] = {}
        self._order: list[Target] = []
        self._focus: str | None = None

    def set_targets(self, targets: Sequence[Target]) -> None:
        """The screen changed; the focus stays on its target if that is still there, else it is cleared."""
        check_unique(targets)
        self._targets = tuple(targets)
        self._by_id = {t.id: t for t in targets}
        self._order = screen_order(targets)
        if self._focus not in self._by_id:
            self._focus = None

    def focused(self) -> str | None:
        """The id of the focused target, or None."""
        return self._focus

    def focus(self, target_id: str) -> Highlight:
        """Put the focus on this target (the pointer or touch chose it); ValueError if it is not on the screen."""
        if target_id not in self._by_id:
            raise ValueError(f"no target {target_id!r} on this screen to focus")
        return self._focus_on(self._by_id[target_id])

    def move(self, direction: Direction) -> Highlight:
        """Move the focus to the nearest target that way (the first target when nothing has focus yet).

        At the screen's edge the focus stays where it is. Returns the focused target's highlight
        (empty when the screen has no targets).
        """
        if direction not in DIRECTIONS:
            raise ValueError(f"unknown direction {direction!r}; use one of {', '.join(DIRECTIONS)}")
        if self._focus is None:
            return self._focus_on(self._order[0] if self._order else None)
        current = self._by_id[self._focus]
        best: Target | None = None
        best_score: tuple[int, float] | None = None
        for candidate in self._targets:
            if candidate.id == current.id:
                continue
            score = _score(current, candidate, direction)
            if score is not None and (best_score is None or score < best_score):
                best, best_score = candidate, score
        return self._focus_on(best or current)

    def next(self) -> Highlight:
        """Move the focus to the next target in scanning order (Tab), wrapping round."""
        return self._step(1)

    def previous(self) -> Highlight:
        """Move the focus to the previous target in scanning order (Shift+Tab), wrapping round."""
        return self._step(-1)

    def select(self) -> Select | None:
        """Choose the focused target; None when nothing has focus."""
        return Select(self._focus) if self._focus is not None else None

    def _step(self, offset: int) -> Highlight:
        if not self._order:
            return self._focus_on(None)
        if self._focus is None:
            return self._focus_on(self._order[0] if offset > 0 else self._order[-1])
        ids = [t.id for t in self._order]
        return self._focus_on(self._order[(ids.index(self._focus) + offset) % len(ids)])

    def _focus_on(self, target: Target | None) -> Highlight:
        self._focus = target.id if target is not None else None
        if target is None:
            return Highlight(target_ids=(), label="")
        return Highlight(target_ids=(target.id,), label=target.label)
