"""The face while it is not talking (and under the talking): blinks, breathing, sway, gaze.

`IdleMotion` makes frames for any instant, forever, from a seed: a live loop asks for
`frame(t_s)` (or `next_frames(n)`) and gets a face that never freezes and never loops. Random
events (blinks, gaze shifts, listening nods) are drawn ahead in order, so the same seed and
the same calls give the same motion.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from avatar.params import PARAM_INDEX, PARAM_NAMES

BLINK_INTERVAL_REST_S = 3.5  # about 17 blinks a minute at rest
BLINK_INTERVAL_SPEAKING_S = 2.6  # about 23 a minute while speaking
_KEEP_PAST_S = 10.0  # events older than this are forgotten (frames are asked in time order)

_P = {name: PARAM_INDEX[name] for name in PARAM_NAMES}


@dataclass(frozen=True)
class Blink:
    """One blink: when it starts and how long the lids take to close and reopen."""

    start_s: float
    duration_s: float
    depth: float = 1.0

    def closure(self, t: np.ndarray) -> np.ndarray:
        """Lid closure 0..1 at times `t`: a fast close (a third of the time), a slower opening."""
        x = (t - self.start_s) / self.duration_s
        close = np.clip(x / 0.33, 0.0, 1.0)
        opening = np.clip((1.0 - x) / 0.67, 0.0, 1.0)
        shape = np.minimum(close, opening)
        shape = np.where((x >= 0) & (x <= 1), np.sin(shape * np.pi / 2) ** 2, 0.0)
        return self.depth * shape


@dataclass(frozen=True)
class Fixation:
    """The eyes rest on one point from `start_s` (reached by a fast saccade)."""

    start_s: float
    x: float
    y: float


@dataclass(frozen=True)
class Nod:
    """A listening nod (or a few), starting at `start_s`."""

    start_s: float
    strength: float
    count: int

    @property
    def end_s(self) -> float:
        return self.start_s + 0.55 * self.count

    def pitch_deg(self, t: np.ndarray) -> np.ndarray:
        """Head pitch of the nod: down-up cycles of 0.55 s, each smaller than the one before."""
        x = (t - self.start_s) / 0.55
        inside = (x >= 0) & (x <= self.count)
        decay = 0.6 ** np.floor(np.clip(x, 0, None))
        return np.where(inside, -5.0 * self.strength * decay * np.sin(np.pi * (x % 1.0)) ** 2, 0.0)


class _Sway:
    """Smooth random motion: a few incommensurate sines per channel, slowly changing amplitude."""

    def __init__(self, rng: np.random.Generator, n_channels: int, low_hz: float, high_hz: float) -> None:
        k = 4
        self.freqs = rng.uniform(low_hz, high_hz, size=(n_channels, k))
        self.phases = rng.uniform(0, 2 * np.pi, size=(n_channels, k))
        self.weights = rng.uniform(0.5, 1.0, size=(n_channels, k))
        self.weights /= np.sqrt((self.weights**2).sum(axis=1, keepdims=True) / 2)
        self.mod_freq = rng.uniform(0.01, 0.03, size=n_channels)
        self.mod_phase = rng.uniform(0, 2 * np.pi, size=n_channels)

    def __call__(self, t: np.ndarray) -> np.ndarray:
        """Channels x times, each about unit amplitude."""
        t = np.asarray(t, dtype=np.float64)
        s = (self.weights[:, :, None] * np.sin(2 * np.pi * self.freqs[:, :, None] * t + self.phases[:, :, None])).sum(1)
        mod = 0.75 + 0.25 * np.sin(2 * np.pi * self.mod_freq[:, None] * t + self.mod_phase[:, None])
        return s * mod / np.sqrt(2)


class IdleMotion:
    """Blinks, breathing, head sway and gaze shifts for any instant, generated as time goes on.

    `frame(t_s)` and `frames(times_s)` return parameter vectors; ask in (roughly) increasing
    time: events more than 10 s older than the latest request are forgotten. `set_speaking`
    raises the blink rate; `nod` schedules listening nods; `rest_gaze` moves where the eyes rest.
    """

    def __init__(self, seed: int = 0, fps: float = 30.0, head_motion: float = 1.0,
                 rest_gaze: tuple[float, float] = (0.0, 0.0), start_s: float = 0.0) -> None:
        self.fps = fps
        self.head_motion = head_motion
        self.rest_gaze = rest_gaze
        self._blink_rng = np.random.default_rng([seed, 1])
        self._gaze_rng = np.random.default_rng([seed, 2])
        self._sway = _Sway(np.random.default_rng([seed, 3]), 5, 0.03, 0.25)
        self._breath = _Sway(np.random.default_rng([seed, 4]), 1, 0.2, 0.3)
        self._speaking: list[tuple[float, float]] = []
        self._blinks: list[Blink] = []
        self._next_blink_s = start_s + float(self._blink_rng.uniform(0.3, 2.0))
        self._fixations: list[Fixation] = [Fixation(start_s - 1.0, *rest_gaze)]
        self._nods: list[Nod] = []
        self._clock_s = start_s
        self._motion_from = head_motion
        self._motion_at_s = start_s

    # -- requests -------------------------------------------------------------------------
    def set_speaking(self, start_s: float, end_s: float) -> None:
        """Tell the idle layer that speech runs from `start_s` to `end_s` (more blinks then)."""
        self._speaking.append((start_s, end_s))

    def set_head_motion(self, amount: float, at_s: float) -> None:
        """Change how much the head sways from `at_s` on, gliding over a second (no jumps)."""
        self._motion_from = float(self._motion_amount(np.array([at_s]))[0])
        self._motion_at_s = at_s
        self.head_motion = amount

    def _motion_amount(self, t: np.ndarray) -> np.ndarray:
        a = np.clip(t - self._motion_at_s, 0.0, 1.0)
        return self._motion_from + (self.head_motion - self._motion_from) * a * a * (3 - 2 * a)

    def nod(self, at_s: float, strength: float = 1.0, count: int | None = None) -> None:
        """Schedule a listening nod (one to three dips) at `at_s`."""
        if count is None:
            count = int(self._gaze_rng.choice([1, 2, 2, 3]))
        self._nods.append(Nod(at_s, float(np.clip(strength, 0.0, 2.0)), max(1, count)))

    def next_frames(self, n: int) -> np.ndarray:
        """The next `n` frames after the last ones asked for (n x params)."""
        times = self._clock_s + np.arange(n) / self.fps
        self._clock_s += n / self.fps
        return self.frames(times)

    def frame(self, t_s: float) -> np.ndarray:
        """The parameter vector at `t_s`."""
        return self.frames(np.array([t_s]))[0]

    # -- generation -----------------------------------------------------------------------
    def _is_speaking(self, t: float) -> bool:
        return any(a <= t < b for a, b in self._speaking)

    def _schedule(self, t_start: float, t_end: float) -> None:
        while self._next_blink_s <= t_end + 1.0:
            start = self._next_blink_s
            duration = float(np.clip(self._blink_rng.lognormal(np.log(0.2), 0.3), 0.1, 0.4))
            depth = float(np.clip(self._blink_rng.normal(1.0, 0.05), 0.85, 1.0))
            self._blinks.append(Blink(start, duration, depth))
            mean = BLINK_INTERVAL_SPEAKING_S if self._is_speaking(start) else BLINK_INTERVAL_REST_S
            # a gamma distribution: intervals vary a lot but are rarely very short
            gap = float(self._blink_rng.gamma(3.0, mean / 3.0))
            if self._blink_rng.random() < 0.06:
                gap = duration + float(self._blink_rng.uniform(0.08, 0.2))  # a double blink
            self._next_blink_s = start + max(gap, duration + 0.08)
        while self._fixations[-1].start_s <= t_end + 1.0:
            last = self._fixations[-1]
            hold = float(np.clip(self._gaze_rng.lognormal(np.log(1.6), 0.5), 0.35, 6.0))
            rx, ry = self.rest_gaze
            if self._gaze_rng.random() < 0.55:  # back towards the partner
                x, y = rx + self._gaze_rng.normal(0, 0.03), ry + self._gaze_rng.normal(0, 0.03)
            else:
                x, y = rx + self._gaze_rng.normal(0, 0.2), ry + self._gaze_rng.normal(-0.03, 0.12)
            self._fixations.append(Fixation(last.start_s + hold, float(np.clip(x, -1, 1)), float(np.clip(y, -1, 1))))
        horizon = t_start - _KEEP_PAST_S
        self._blinks = [b for b in self._blinks if b.start_s + b.duration_s >= horizon]
        self._nods = [n for n in self._nods if n.end_s >= horizon]
        self._speaking = [s for s in self._speaking if s[1] >= horizon]
        while len(self._fixations) > 2 and self._fixations[1].start_s < horizon:
            self._fixations.pop(0)

    def blink_closure(self, times: np.ndarray) -> np.ndarray:
        """Lid closure 0..1 at each time (both eyes)."""
        out = np.zeros(len(times))
        for b in self._blinks:
            if b.start_s <= times[-1] and b.start_s + b.duration_s >= times[0]:
                out = np.maximum(out, b.closure(times))
        return out

    def frames(self, times_s: np.ndarray) -> np.ndarray:
        """Parameter vectors (times x params) at the given increasing times."""
        t = np.asarray(times_s, dtype=np.float64)
        out = np.zeros((len(t), len(PARAM_NAMES)), dtype=np.float32)
        if len(t) == 0:
            return out
        self._schedule(float(t[0]), float(t[-1]))
        m = self._motion_amount(t)

        blink = self.blink_closure(t)
        out[:, _P["blink_left"]] = blink
        out[:, _P["blink_right"]] = blink * 0.97

        # breathing: about 15 breaths a minute, a small rise of the head and chest
        breath = self._breath(t)[0]
        out[:, _P["head_y"]] += 0.025 * breath
        out[:, _P["head_pitch_deg"]] += 0.3 * breath

        sway = self._sway(t)
        out[:, _P["head_yaw_deg"]] += m * 1.6 * sway[0]
        out[:, _P["head_pitch_deg"]] += m * 1.0 * sway[1]
        out[:, _P["head_roll_deg"]] += m * 1.0 * sway[2]
        out[:, _P["head_x"]] += m * 0.04 * sway[3]
        out[:, _P["head_z"]] += m * 0.03 * sway[4]

        gx, gy = self._gaze(t)
        out[:, _P["gaze_x"]] = gx
        out[:, _P["gaze_y"]] = gy - 0.15 * blink  # eyes drop a little as the lids close

        for n in self._nods:
            out[:, _P["head_pitch_deg"]] += n.pitch_deg(t)
        return out

    def _gaze(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        starts = np.array([f.start_s for f in self._fixations])
        xs = np.array([f.x for f in self._fixations])
        ys = np.array([f.y for f in self._fixations])
        i = np.clip(np.searchsorted(starts, t, side="right") - 1, 0, len(starts) - 1)
        prev = np.clip(i - 1, 0, len(starts) - 1)
        # saccades take about 40 ms
        a = np.clip((t - starts[i]) / 0.04, 0.0, 1.0)
        x = xs[prev] + (xs[i] - xs[prev]) * a
        y = ys[prev] + (ys[i] - ys[prev]) * a
        return x, y
