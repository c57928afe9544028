"""Mouth cues for any audio (the `visemes` command): from the model, or aligned to known text."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from avatar.lipsync.model import LipsyncModel, join_frames
from avatar.lipsync.text_sharpen import sharpen
from avatar.motion.rhubarb import SHAPES, cues_from_shapes, rhubarb_json, shapes_from_visemes
from speech.visemes import VISEMES

FPS = 100.0


@dataclass(frozen=True)
class MouthCues:
    """Per-frame visemes (indices into VISEMES) and openness at 100 fps, and how they were found."""

    visemes: np.ndarray
    openness: np.ndarray
    method: str
    duration_s: float

    def shapes(self) -> np.ndarray:
        """Rhubarb shape indices per frame."""
        return shapes_from_visemes(self.visemes)

    def rhubarb(self, sound_file: str = "") -> dict:
        """Rhubarb Lip Sync's JSON document (shapes A-H, X)."""
        return rhubarb_json(cues_from_shapes(self.shapes(), FPS), sound_file, self.duration_s)

    def as_json(self, sound_file: str = "") -> dict:
        """Our JSON: viseme cues (the project's 15 visemes) and openness at 100 fps."""
        cues = []
        ids = self.visemes
        change = np.flatnonzero(np.diff(ids)) + 1
        starts = np.concatenate([[0], change]).astype(int)
        ends = np.concatenate([change, [ids.size]]).astype(int)
        for a, b in zip(starts, ends, strict=True):
            if b > a:
                v = VISEMES[int(ids[a])]
                cues.append({"start": round(a / FPS, 3), "end": round(b / FPS, 3), "viseme": v,
                             "rhubarb": SHAPES[int(shapes_from_visemes(np.array([ids[a]]))[0])]})
        return {
            "soundFile": sound_file,
            "duration_s": round(self.duration_s, 3),
            "method": self.method,
            "fps": FPS,
            "cues": cues,
            "openness": [round(float(x), 3) for x in self.openness],
        }


def mouth_cues(
    audio: np.ndarray, sample_rate_hz: int, model: LipsyncModel, text_visemes: Sequence[str] | None = None
) -> MouthCues:
    """Cues for a clip; with `text_visemes` (the words' visemes in order) they follow the text."""
    return mouth_cues_streamed([audio], sample_rate_hz, model, text_visemes)


def mouth_cues_streamed(
    blocks: Iterable[np.ndarray], sample_rate_hz: int, model: LipsyncModel,
    text_visemes: Sequence[str] | None = None,
) -> MouthCues:
    """Cues for audio arriving in blocks (a long file read piece by piece): only the 100 fps
    model output is kept, about 6 MB an hour, never the audio."""
    stream = model.stream(sample_rate_hz)
    parts = []
    samples = 0
    for block in blocks:
        samples += len(block)
        parts.append(stream.push(block))
    parts.append(stream.flush())
    frames = join_frames(parts)
    duration_s = samples / sample_rate_hz
    if text_visemes:
        # as the live engine uses the text: it sharpens the audio path, and the closure rule runs after
        sharpened = sharpen(frames, text_visemes)
        if sharpened is not frames:
            return MouthCues(sharpened.visemes(), sharpened.shown_openness(), "audio+text", duration_s)
    return MouthCues(frames.visemes(), frames.shown_openness(), "audio", duration_s)
