"""`MotionGenerator`: the face for a live loop, frame after frame, forever.

Layers, added together then limited to each parameter's range: idle motion (always on:
blinks, breathing, sway, gaze), what is being said (mouth and prosodic gestures, placed at
the instant its audio starts playing), and the expression of the chosen emotion (which
cross-fades when the controls change). `track_for_utterance` uses the same layers to make a
whole `MotionTrack` for one message.
"""

from __future__ import annotations

import numpy as np

from avatar.lipsync.model import LipsyncModel, default_model
from avatar.motion.controls import MotionControls
from avatar.motion.emotion import expression, motion_energy
from avatar.motion.idle import IdleMotion
from avatar.motion.speech_motion import SpeechMotion, frames_for, speech_motion
from avatar.motion.track import MotionTrack
from avatar.params import PARAM_NAMES, clip
from speech.utterance import Utterance

EMOTION_FADE_S = 0.6


class MotionGenerator:
    """Frames for any instant from a seed and controls; `speak` places an utterance on the timeline."""

    def __init__(self, fps: float = 30.0, controls: MotionControls | None = None,
                 lipsync: LipsyncModel | None = None, start_s: float = 0.0) -> None:
        self.fps = fps
        self.controls = controls or MotionControls()
        self._lipsync = lipsync
        c = self.controls
        self.idle = IdleMotion(seed=c.seed, fps=fps, head_motion=c.head_motion * motion_energy(c.emotion, c.intensity),
                               rest_gaze=(c.gaze_x, c.gaze_y), start_s=start_s)
        self._speech: list[SpeechMotion] = []
        self._expr_from = expression(c.emotion, c.intensity)
        self._expr_to = self._expr_from
        self._expr_at_s = start_s
        self._clock_s = start_s
        self._spoken = 0

    @property
    def lipsync(self) -> LipsyncModel:
        """The audio-to-viseme model, loaded when first needed."""
        if self._lipsync is None:
            self._lipsync = default_model()
        return self._lipsync

    def set_controls(self, controls: MotionControls, at_s: float | None = None) -> None:
        """Change emotion, gaze or head motion from `at_s` on (the expression cross-fades)."""
        at_s = self._clock_s if at_s is None else at_s
        self._expr_from = self._expression_at(np.array([at_s]))[0]
        self._expr_to = expression(controls.emotion, controls.intensity)
        self._expr_at_s = at_s
        self.idle.rest_gaze = (controls.gaze_x, controls.gaze_y)
        self.idle.set_head_motion(controls.head_motion * motion_energy(controls.emotion, controls.intensity), at_s)
        self.controls = controls

    def speak(self, utt: Utterance, start_s: float, prefer_audio: bool = False) -> SpeechMotion:
        """Place an utterance whose audio starts playing at `start_s`; returns what it adds."""
        c = self.controls
        amount = c.head_motion * motion_energy(c.emotion, c.intensity)
        self._spoken += 1
        layer = speech_motion(utt, self.fps, seed=c.seed * 7919 + self._spoken, head_amount=amount,
                              lipsync=self._lipsync if self._lipsync is not None or utt.has_timing else self.lipsync,
                              start_s=start_s, prefer_audio=prefer_audio)
        self.place(layer)
        return layer

    def place(self, layer: SpeechMotion) -> None:
        """Show a speech layer made beforehand (`speech_motion`) from its `start_s`.

        A live loop makes the layer while the sentence is synthesized and places it, cheaply,
        at the instant its audio starts playing.
        """
        self._speech.append(layer)
        self.idle.set_speaking(layer.start_s, layer.end_s)

    def cut(self, at_s: float) -> None:
        """Drop what speech would show from `at_s` on (speech stopped or skipped)."""
        kept = []
        for layer in self._speech:
            if layer.start_s >= at_s:
                continue
            n = max(0, int(np.ceil((at_s - layer.start_s) * layer.fps)))
            if n < layer.values.shape[0]:
                layer = SpeechMotion(layer.fps, layer.values[:n], layer.visemes[:n], layer.source, layer.start_s)
            kept.append(layer)
        self._speech = kept

    def nod(self, at_s: float | None = None, strength: float = 1.0) -> None:
        """A listening nod (for "I agree", "mm-hm" while the other person talks)."""
        self.idle.nod(self._clock_s if at_s is None else at_s, strength)

    def _expression_at(self, t: np.ndarray) -> np.ndarray:
        a = np.clip((t - self._expr_at_s) / EMOTION_FADE_S, 0.0, 1.0)
        a = (a * a * (3 - 2 * a))[:, None]
        return ((1 - a) * self._expr_from + a * self._expr_to).astype(np.float32)

    def frames(self, times_s: np.ndarray) -> np.ndarray:
        """Parameter vectors (times x params) at increasing times."""
        t = np.asarray(times_s, dtype=np.float64)
        out = self.idle.frames(t)
        for layer in self._speech:
            idx = np.round((t - layer.start_s) * layer.fps).astype(np.int64)
            inside = (idx >= 0) & (idx < layer.values.shape[0])
            out[inside] += layer.values[idx[inside]]
        out += self._expression_at(t)
        if len(t):
            self._speech = [s for s in self._speech if s.end_s > t[-1] - 1.0]
            self._clock_s = max(self._clock_s, float(t[-1]) + 1.0 / self.fps)
        return clip(out)

    def frame(self, t_s: float) -> np.ndarray:
        """The parameter vector at `t_s`."""
        return self.frames(np.array([t_s]))[0]

    def next_frames(self, n: int) -> np.ndarray:
        """The next `n` frames after the last ones asked for."""
        return self.frames(self._clock_s + np.arange(n) / self.fps)


def track_for_utterance(
    utt: Utterance,
    fps: float = 30.0,
    controls: MotionControls | None = None,
    lipsync: LipsyncModel | None = None,
    prefer_audio: bool = False,
) -> MotionTrack:
    """The whole motion of one message: mouth, gestures, idle life and expression, frame by frame."""
    gen = MotionGenerator(fps, controls, lipsync)
    gen.speak(utt, 0.0, prefer_audio=prefer_audio)
    n = frames_for(utt.duration_s, fps)
    values = gen.frames(np.arange(n) / fps) if n else np.zeros((0, len(PARAM_NAMES)), np.float32)
    return MotionTrack(fps, values.astype(np.float32), 0.0)
