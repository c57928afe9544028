"""Touch and mouse: which target lies under a point."""

from __future__ import annotations

from collections.abc import Sequence

from aac.access.targets import Target


def hit(targets: Sequence[Target], x: float, y: float) -> Target | None:
    """The target under (x, y), or None; where targets overlap, the last given (drawn on top) wins."""
    for target in reversed(targets):
        if target.contains(x, y):
            return target
    return None
