"""`MotionTrack`: the rig's parameters frame by frame, the one thing motion hands the renderer."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from avatar.params import PARAM_INDEX, PARAM_NAMES, clip


@dataclass(frozen=True)
class MotionTrack:
    """Rig parameters at a fixed frame rate.

    `values` is frames x len(PARAM_NAMES), float32, columns in the order of
    `avatar.params.PARAM_NAMES`. Frame i shows the instant `start_s + i / fps`.
    """

    fps: float
    values: np.ndarray
    start_s: float = 0.0

    def __post_init__(self) -> None:
        if self.fps <= 0:
            raise ValueError(f"fps must be positive, got {self.fps}")
        if self.values.ndim != 2 or self.values.shape[1] != len(PARAM_NAMES):
            raise ValueError(f"values must be frames x {len(PARAM_NAMES)}, got shape {self.values.shape}")
        if self.values.dtype != np.float32:
            raise ValueError("values must be float32")

    @property
    def n_frames(self) -> int:
        """Number of frames."""
        return int(self.values.shape[0])

    @property
    def duration_s(self) -> float:
        """Time the track covers, in seconds (frames / fps)."""
        return self.n_frames / self.fps

    @property
    def end_s(self) -> float:
        """The instant just after the last frame."""
        return self.start_s + self.duration_s

    def times_s(self) -> np.ndarray:
        """The instant each frame shows."""
        return self.start_s + np.arange(self.n_frames) / self.fps

    def index_at(self, t_s: float) -> int:
        """The frame showing time `t_s` (nearest, clamped to the track)."""
        if self.n_frames == 0:
            raise ValueError("the track has no frames")
        i = int(round((t_s - self.start_s) * self.fps))
        return min(max(i, 0), self.n_frames - 1)

    def frame_at(self, t_s: float) -> np.ndarray:
        """The parameter vector at `t_s`, interpolated linearly between frames (clamped at the ends).

        Interpolation lets a renderer running at another rate than the track stay smooth.
        """
        if self.n_frames == 0:
            raise ValueError("the track has no frames")
        x = (t_s - self.start_s) * self.fps
        if x <= 0:
            return self.values[0].copy()
        if x >= self.n_frames - 1:
            return self.values[-1].copy()
        i = int(x)
        a = x - i
        return ((1 - a) * self.values[i] + a * self.values[i + 1]).astype(np.float32)

    def param(self, name: str) -> np.ndarray:
        """One parameter over time (a view of its column)."""
        return self.values[:, PARAM_INDEX[name]]

    def resampled(self, fps: float) -> MotionTrack:
        """The same motion at another frame rate (linear interpolation)."""
        n = max(int(round(self.duration_s * fps)), 0)
        if n == 0 or self.n_frames == 0:
            return MotionTrack(fps, np.zeros((0, len(PARAM_NAMES)), np.float32), self.start_s)
        src = np.arange(self.n_frames) / self.fps
        dst = np.arange(n) / fps
        out = np.stack([np.interp(dst, src, self.values[:, j]) for j in range(self.values.shape[1])], axis=1)
        return MotionTrack(fps, out.astype(np.float32), self.start_s)

    def clipped(self) -> MotionTrack:
        """The track with every parameter limited to its range."""
        return MotionTrack(self.fps, clip(self.values.copy()), self.start_s)

    @staticmethod
    def empty(fps: float, n_frames: int, start_s: float = 0.0) -> MotionTrack:
        """A neutral track of `n_frames` frames."""
        return MotionTrack(fps, np.zeros((n_frames, len(PARAM_NAMES)), np.float32), start_s)
