"""How lip sync is judged (DESIGN.md): frame accuracy, closures, openness correlation, false closures,
and how much of the pauses the mouth rests (closed or at rest, shapes A or X).

Everything is compared at 100 frames a second in Rhubarb's shapes against exact alignments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from avatar.lipsync.alignment import frame_openness, frame_visemes, smooth_openness
from avatar.motion.rhubarb import SHAPES, VISEME_SHAPE_INDEX
from speech.utterance import TimedPhone

FPS = 100.0
CLOSURE_TOLERANCE_S = 1 / 30  # one video frame
_A = SHAPES.index("A")
_X = SHAPES.index("X")
_OPEN = [SHAPES.index("C"), SHAPES.index("D")]


@dataclass
class LipsyncScore:
    """Running totals over utterances; read the figures with `figures()`."""

    frames: int = 0
    correct: int = 0
    speech_frames: int = 0
    speech_correct: int = 0
    closures: int = 0
    closures_shown: int = 0
    open_frames: int = 0
    false_closures: int = 0
    pause_frames: int = 0
    pause_closed: int = 0
    ref_open: list[np.ndarray] = field(default_factory=list)
    pred_open: list[np.ndarray] = field(default_factory=list)

    def add(self, phones: Sequence[TimedPhone], pred_shapes: np.ndarray, pred_openness: np.ndarray) -> None:
        """Score one utterance: its exact phones against predicted shapes and openness at 100 fps."""
        n = len(pred_shapes)
        ref_visemes = frame_visemes(phones, n, FPS)
        ref = VISEME_SHAPE_INDEX[ref_visemes]
        pred = np.asarray(pred_shapes, dtype=np.int64)
        self.frames += n
        self.correct += int((pred == ref).sum())
        speech = ref != _X
        self.pause_frames += int((~speech).sum())
        self.pause_closed += int(np.isin(pred[~speech], (_A, _X)).sum())
        self.speech_frames += int(speech.sum())
        self.speech_correct += int((pred[speech] == ref[speech]).sum())
        opened = np.isin(ref, _OPEN)
        self.open_frames += int(opened.sum())
        self.false_closures += int((pred[opened] == _A).sum())
        tol = int(round(CLOSURE_TOLERANCE_S * FPS))
        for p in phones:
            if p.viseme != "PP":
                continue
            a = max(0, int(np.floor(p.start_s * FPS)) - tol)
            b = min(n, int(np.ceil(p.end_s * FPS)) + tol)
            if a >= n:
                continue
            self.closures += 1
            self.closures_shown += int(bool((pred[a:b] == _A).any()))
        self.ref_open.append(frame_openness(ref_visemes, FPS))
        self.pred_open.append(smooth_openness(np.asarray(pred_openness, dtype=np.float32), FPS))

    def figures(self, prefix: str = "") -> dict[str, float]:
        """The figures as a flat dict (units in the names where they have one)."""
        ref = np.concatenate(self.ref_open) if self.ref_open else np.zeros(0)
        pred = np.concatenate(self.pred_open) if self.pred_open else np.zeros(0)
        r = float(np.corrcoef(ref, pred)[0, 1]) if ref.size > 2 and ref.std() > 0 and pred.std() > 0 else 0.0
        return {
            f"{prefix}frame_accuracy": self.correct / max(self.frames, 1),
            f"{prefix}speech_frame_accuracy": self.speech_correct / max(self.speech_frames, 1),
            f"{prefix}closures_shown": self.closures_shown / max(self.closures, 1),
            f"{prefix}openness_r": r,
            f"{prefix}false_closures": self.false_closures / max(self.open_frames, 1),
            f"{prefix}pauses_closed": self.pause_closed / max(self.pause_frames, 1),
        }

    def merge(self, other: LipsyncScore) -> None:
        """Add another score's totals to this one (to pool families)."""
        for name in ("frames", "correct", "speech_frames", "speech_correct", "closures", "closures_shown",
                     "open_frames", "false_closures", "pause_frames", "pause_closed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.ref_open.extend(other.ref_open)
        self.pred_open.extend(other.pred_open)
