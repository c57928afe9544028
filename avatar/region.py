"""A rectangle of a frame, and the rectangles of a list not inside another: where frames are redrawn."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Region:
    """A rectangle of the frame in pixels, top row first: columns x0..x1-1, rows y0..y1-1."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def area_px(self) -> int:
        return max(0, self.x1 - self.x0) * max(0, self.y1 - self.y0)

    def contains(self, other: Region) -> bool:
        """Whether `other` lies inside this rectangle."""
        return self.x0 <= other.x0 and self.y0 <= other.y0 and other.x1 <= self.x1 and other.y1 <= self.y1


def outermost(regions: list[Region]) -> list[Region]:
    """`regions` without those inside another one (of equal ones, the first stays)."""
    return [r for i, r in enumerate(regions)
            if not any(o.contains(r) and (o != r or j < i) for j, o in enumerate(regions) if j != i)]
