"""Dwell selection for eye-gaze and head-pointer users: resting the pointer on a target chooses it.

Their tracker moves the pointer. Resting on a target for its dwell time (its own `dwell_time_s`, else the
setting) chooses it once; it is not chosen again until the pointer has left it and come back (unless
`leave_to_repeat` is off, then it repeats every dwell time). Tremor and gaze noise near an edge do not
reset the dwell: the pointer must stay off the target for `grace_s` before the dwell is dropped, and the
time it spends just outside still counts (the target is chosen only while the pointer is on it).

The pause zone is a target the UI draws with the id `PAUSE_ID`: dwelling on it pauses selection
(`Paused(True)`), and while paused nothing else can be chosen; dwelling on it again resumes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aac.access.events import AccessEvent, DwellProgress, Paused, Select
from aac.access.targets import Target, check_unique
from aac.access.touch import hit

if TYPE_CHECKING:
    from profiles.schema import AccessSection

PAUSE_ID = "dwell:pause"
PAUSE_LABEL = "Pause"
# The ring is redrawn when the fraction moves by at least this much: no event flood from a fast UI loop.
_PROGRESS_STEP = 0.01


@dataclass(frozen=True)
class DwellSettings:
    """`dwell_time_s`: how long to rest on a target; `pause_zone`: whether the pause target works;
    `leave_to_repeat`: a chosen target must be left before it can be chosen again; `grace_s`: how long the
    pointer may stray off a target before its dwell is dropped."""

    dwell_time_s: float = 1.0
    pause_zone: bool = True
    leave_to_repeat: bool = True
    grace_s: float = 0.15

    def __post_init__(self) -> None:
        if not self.dwell_time_s > 0:
            raise ValueError(f"the dwell time must be more than 0 seconds, not {self.dwell_time_s}")
        if self.grace_s < 0:
            raise ValueError(f"the dwell grace time cannot be negative ({self.grace_s})")

    @classmethod
    def from_profile(cls, access: AccessSection) -> DwellSettings:
        """The settings from a profile's access section."""
        return cls(dwell_time_s=access.dwell_time_s, pause_zone=access.dwell_pause_zone)


def pause_target(rect: tuple[int, int, int, int], group: str = "nav", label: str = PAUSE_LABEL) -> Target:
    """The pause zone's target, for the UI to add to the screen's targets and draw."""
    return Target(id=PAUSE_ID, label=label, rect=rect, group=group)


class Dweller:
    """Dwell selection over the targets of one screen (see the module's docstring)."""

    def __init__(self, settings: DwellSettings) -> None:
        self._settings = settings
        self._targets: tuple[Target, ...] = ()
        self._by_id: dict[str, Target] = {}
        self._pointer: tuple[float, float] | None = None
        self._now_s = 0.0
        self._under: str | None = None  # the target under the pointer now
        self._under_since_s = 0.0
        self._dwelling: str | None = None  # the target being dwelt on (kept through short strays)
        self._dwell_start_s = 0.0
        self._away_since_s: float | None = None  # when the pointer strayed off the dwelt-on target
        self._done = False  # the dwelt-on target was chosen and waits for the pointer to leave
        self._paused = False
        self._shown: DwellProgress | None = None

    @property
    def settings(self) -> DwellSettings:
        """The settings this dweller runs with."""
        return self._settings

    @property
    def paused(self) -> bool:
        """Whether selection is paused from the pause zone."""
        return self._paused

    def set_targets(self, targets: Sequence[Target]) -> None:
        """The screen changed; a dwell on a target that is gone is dropped, one on a target still there goes on."""
        check_unique(targets)
        self._targets = tuple(targets)
        self._by_id = {t.id: t for t in targets}
        if self._dwelling is not None and self._dwelling not in self._by_id:
            self._drop()
        if self._under is not None and self._under not in self._by_id:
            self._under = None

    def pointer(self, x: float, y: float, now_s: float) -> list[AccessEvent]:
        """The pointer is at (x, y) at `now_s`."""
        self._pointer = (x, y)
        return self._update(now_s)

    def pointer_lost(self, now_s: float) -> list[AccessEvent]:
        """The tracker lost the person (or the pointer left the window): like pointing at nothing."""
        self._pointer = None
        return self._update(now_s)

    def tick(self, now_s: float) -> list[AccessEvent]:
        """Time passes with the pointer where it was."""
        return self._update(now_s)

    def progress(self) -> DwellProgress | None:
        """The dwell under way as of the last update (for the ring), or None."""
        if self._dwelling is None or self._done:
            return None
        fraction = (self._now_s - self._dwell_start_s) / self._dwell_time(self._dwelling)
        return DwellProgress(self._dwelling, min(1.0, max(0.0, fraction)))

    # Inner workings.

    def _dwell_time(self, target_id: str) -> float:
        own = self._by_id[target_id].dwell_time_s
        return own if own is not None else self._settings.dwell_time_s

    def _hittable(self) -> list[Target]:
        pause_on = self._settings.pause_zone
        if self._paused:
            return [t for t in self._targets if t.id == PAUSE_ID] if pause_on else []
        return [t for t in self._targets if pause_on or t.id != PAUSE_ID]

    def _drop(self) -> None:
        self._dwelling = None
        self._away_since_s = None
        self._done = False

    def _update(self, now_s: float) -> list[AccessEvent]:
        self._now_s = now_s
        events: list[AccessEvent] = []
        under = None
        if self._pointer is not None:
            target = hit(self._hittable(), *self._pointer)
            under = target.id if target is not None else None
        if under != self._under:
            self._under = under
            self._under_since_s = now_s

        if self._dwelling is not None:
            if under == self._dwelling:
                self._away_since_s = None
            else:
                if self._away_since_s is None:
                    self._away_since_s = now_s
                if now_s - self._away_since_s >= self._settings.grace_s:
                    self._drop()
        if self._dwelling is None and under is not None:
            # The dwell counts from when the pointer came onto it, even if an earlier dwell was still in grace.
            self._dwelling = under
            self._dwell_start_s = self._under_since_s
            self._done = False

        ripe = (
            self._dwelling is not None
            and not self._done
            and under == self._dwelling
            and now_s - self._dwell_start_s >= self._dwell_time(self._dwelling)
        )
        if ripe:
            events.append(self._fire(self._dwelling))
            if self._settings.leave_to_repeat or self._dwelling == PAUSE_ID:
                self._done = True
            else:
                self._dwell_start_s = now_s
        return events + self._progress_events()

    def _fire(self, target_id: str) -> AccessEvent:
        if target_id == PAUSE_ID:
            self._paused = not self._paused
            return Paused(self._paused)
        return Select(target_id)

    def _progress_events(self) -> list[AccessEvent]:
        now = self.progress()
        shown = self._shown
        if now is None:
            self._shown = None
            # Clear the ring: the dwell was chosen or abandoned.
            return [DwellProgress(shown.target_id, 0.0)] if shown is not None and shown.fraction > 0 else []
        if (
            shown is None
            or shown.target_id != now.target_id
            or abs(now.fraction - shown.fraction) >= _PROGRESS_STEP
            or (now.fraction == 1.0 and shown.fraction < 1.0)
        ):
            events: list[AccessEvent] = []
            if shown is not None and shown.target_id != now.target_id and shown.fraction > 0:
                events.append(DwellProgress(shown.target_id, 0.0))
            self._shown = now
            return [*events, now]
        return []
