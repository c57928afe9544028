"""The face of the live loop: `avatar.motion.MotionGenerator` on the engine's clock, plus captions.

Times are on the engine's one clock (seconds of audio heard). Each sentence's motion is made
while it is synthesized and placed when its first sample is heard, so the mouth follows the
sound however the render loop is paced. A message may carry its own emotion; the face
returns to the profile's when it has been said.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass

import numpy as np

from avatar.motion.controls import MotionControls
from avatar.motion.generator import MotionGenerator
from avatar.motion.speech_motion import SpeechMotion

# The face leads its voice a little. Measured on recordings (`aac-avatar bench avsync`), the
# jaw's opening trails the voice's loudness by about 22 ms; people forgive late sound far more
# than early sound (ITU-R BT.1359: early by 45 ms is noticed, late only by 125 ms), so the mouth
# is shown this much before the sound it makes.
VISUAL_LEAD_S = 0.03
# Frames on the clock's grid are worked out this many at a time: the motion of one frame costs
# about what eight do together (numpy's per-call overhead), and the render thread wakes to it
# with cold caches every frame. Anything that changes what is shown (speech placed or cut, an
# emotion) drops the frames worked out ahead.
AHEAD_FRAMES = 8


@dataclass(frozen=True)
class SpokenPart:
    """One sentence's motion (its `start_s` set when placed), text and timed words."""

    motion: SpeechMotion
    text: str
    words: tuple  # speech.utterance.TimedWord
    emotion: str
    intensity: float

    @property
    def end_s(self) -> float:
        return self.motion.end_s


def _ended(part: SpokenPart, at_s: float) -> SpokenPart:
    """`part` shown no later than `at_s`."""
    motion = part.motion
    n = max(0, int(np.ceil((at_s - motion.start_s) * motion.fps)))
    if n >= motion.values.shape[0]:
        return part
    return dataclasses.replace(part, motion=dataclasses.replace(motion, values=motion.values[:n],
                                                                visemes=motion.visemes[:n]))


class LiveFace:
    """Parameter vectors and captions for any clock time."""

    def __init__(self, controls: MotionControls, fps: float) -> None:
        self.controls = controls
        self.fps = fps
        self.generator = MotionGenerator(fps, controls)
        self._lock = threading.Lock()
        self._parts: list[SpokenPart] = []
        self._shown = (controls.emotion, controls.intensity)
        self._ahead: dict[int, np.ndarray] = {}  # frame index -> parameters, worked out together

    def place(self, start_s: float, part: SpokenPart) -> SpokenPart:
        """Show `part` for speech heard from clock time `start_s` (the face leading by VISUAL_LEAD_S)."""
        shown_s = max(0.0, start_s - VISUAL_LEAD_S)
        placed = dataclasses.replace(part, motion=dataclasses.replace(part.motion, start_s=shown_s))
        with self._lock:
            self._parts.append(placed)
            self._ahead = {}
            self.generator.place(placed.motion)
            self._set_emotion(placed.emotion, placed.intensity, shown_s)
        return placed

    def _set_emotion(self, emotion: str, intensity: float, at_s: float) -> None:
        if (emotion, intensity) != self._shown:
            controls = dataclasses.replace(self.controls, emotion=emotion, intensity=intensity)
            self._ahead = {}
            self.generator.set_controls(controls, at_s)
            self._shown = (emotion, intensity)

    def cut(self, at_s: float) -> None:
        """Drop everything that would show after `at_s` (stop or skip)."""
        with self._lock:
            self._ahead = {}
            self.generator.cut(at_s)
            # the sentence being said ends here too: its caption must not run on to the words not spoken
            self._parts = [_ended(p, at_s) for p in self._parts if p.motion.start_s < at_s]

    def current(self, t_s: float) -> tuple[SpokenPart | None, float]:
        """The part playing at `t_s` and the time into it."""
        with self._lock:
            for part in self._parts:
                if part.motion.start_s <= t_s < part.end_s:
                    return part, t_s - part.motion.start_s
        return None, 0.0

    def params(self, t_s: float) -> np.ndarray:
        """The rig parameters to render at clock time `t_s`."""
        with self._lock:
            self._parts = [p for p in self._parts if p.end_s > t_s - 1.0]
            if not self._parts:  # said and done: back to the profile's own expression
                self._set_emotion(self.controls.emotion, self.controls.intensity, t_s)
            index = round(t_s * self.fps)
            if abs(index - t_s * self.fps) > 1e-6:  # off the frame grid: this time alone
                return self.generator.frame(t_s)
            values = self._ahead.get(index)
            if values is None:
                indices = index + np.arange(AHEAD_FRAMES)
                self._ahead = dict(zip(indices.tolist(), self.generator.frames(indices / self.fps), strict=True))
                values = self._ahead[index]
            return values.copy()

    def caption(self, t_s: float) -> str:
        """The words of the sentence playing, up to the one being spoken."""
        part, into_s = self.current(t_s)
        if part is None:
            return ""
        if not part.words:  # a voice without word timing: the sentence as a whole
            return part.text
        return " ".join(w.text for w in part.words if w.start_s <= into_s + 0.05)
