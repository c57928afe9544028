"""What an access controller tells the UI: small frozen records, nothing to draw with."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Highlight:
    """What is highlighted now: one target, a row or a whole group; empty means nothing.

    `label` is what an auditory cue says: the item's label, a row's first item's label, a group's name.
    """

    target_ids: tuple[str, ...]
    label: str


@dataclass(frozen=True)
class Select:
    """The person chose this target."""

    target_id: str


@dataclass(frozen=True)
class DwellProgress:
    """How far the dwell on a target has come, 0.0 to 1.0 (the visible ring); 0.0 clears the ring."""

    target_id: str
    fraction: float


@dataclass(frozen=True)
class ScanStopped:
    """The automatic scan went round its loops with no selection and stopped; nothing is highlighted."""


@dataclass(frozen=True)
class Paused:
    """Dwell selection was paused (True) or resumed (False) from the pause zone."""

    paused: bool


AccessEvent = Highlight | Select | DwellProgress | ScanStopped | Paused
