"""The controls a profile and a message set on the face: emotion, gaze, how much the head moves."""

from __future__ import annotations

from dataclasses import dataclass

from avatar.motion.errors import MotionError

EMOTIONS: tuple[str, ...] = ("neutral", "happy", "sad", "surprised", "concerned", "angry")


@dataclass(frozen=True)
class MotionControls:
    """What the person chooses about their face (VASA-1's controls).

    `emotion` with `intensity` 0..1; `gaze_x`, `gaze_y` (-1..1) where the eyes rest (0, 0 is the
    camera); `head_motion` scales every head movement (0 still, 1 natural, up to 2 lively);
    `seed` makes the random parts (blinks, sway, nods) repeatable.
    """

    emotion: str = "neutral"
    intensity: float = 0.6
    gaze_x: float = 0.0
    gaze_y: float = 0.0
    head_motion: float = 1.0
    seed: int = 0

    def __post_init__(self) -> None:
        if self.emotion not in EMOTIONS:
            raise MotionError(f"unknown emotion {self.emotion!r}; choose one of: {', '.join(EMOTIONS)}")
        if not 0.0 <= self.intensity <= 1.0:
            raise MotionError(f"emotion intensity {self.intensity} is out of range (0 to 1)")
        if not (-1.0 <= self.gaze_x <= 1.0 and -1.0 <= self.gaze_y <= 1.0):
            raise MotionError(f"gaze ({self.gaze_x}, {self.gaze_y}) is out of range (-1 to 1 each)")
        if not 0.0 <= self.head_motion <= 2.0:
            raise MotionError(f"head motion {self.head_motion} is out of range (0 still, 1 natural, 2 lively)")
