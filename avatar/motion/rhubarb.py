"""Rhubarb Lip Sync's mouth shapes (A-H, X): the map from our visemes, openness, and its JSON cues.

Rhubarb's shapes: A closed lips (p b m); B slightly open, teeth together (most consonants,
"ee"); C open (eh, ae); D wide open (aa); E slightly rounded (ao, er); F puckered (uw, ow, w);
G upper teeth on lower lip (f v); H tongue raised (l); X rest (silence).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from speech.visemes import VISEMES

SHAPES: tuple[str, ...] = ("A", "B", "C", "D", "E", "F", "G", "H", "X")

VISEME_TO_SHAPE: dict[str, str] = {
    "sil": "X",
    "PP": "A",
    "FF": "G",
    "TH": "B",
    "DD": "B",
    "kk": "B",
    "CH": "B",
    "SS": "B",
    # n and l share a viseme; n is about twice as frequent in English, and shows teeth, not the tongue
    "nn": "B",
    "RR": "E",
    "aa": "D",
    "E": "C",
    "ih": "B",
    "oh": "E",
    "ou": "F",
}

# How open each shape is (the scale used to judge lip sync, DESIGN.md).
OPENNESS: dict[str, float] = {"A": 0.0, "X": 0.0, "B": 0.2, "G": 0.2, "F": 0.3, "H": 0.3, "E": 0.4, "C": 0.6, "D": 1.0}

VISEME_SHAPE_INDEX = np.array([SHAPES.index(VISEME_TO_SHAPE[v]) for v in VISEMES], dtype=np.int64)
SHAPE_OPENNESS = np.array([OPENNESS[s] for s in SHAPES], dtype=np.float32)
VISEME_OPENNESS = SHAPE_OPENNESS[VISEME_SHAPE_INDEX]


def shapes_from_visemes(viseme_ids: np.ndarray) -> np.ndarray:
    """Rhubarb shape indices (into SHAPES) from viseme indices (into speech.visemes.VISEMES)."""
    return VISEME_SHAPE_INDEX[np.asarray(viseme_ids, dtype=np.int64)]


def cues_from_shapes(shape_ids: Sequence[int] | np.ndarray, fps: float, start_s: float = 0.0) -> list[dict]:
    """Runs of equal shapes as Rhubarb cues: [{"start": s, "end": s, "value": "A".."X"}, ...]."""
    ids = np.asarray(shape_ids, dtype=np.int64)
    cues: list[dict] = []
    if ids.size == 0:
        return cues
    change = np.flatnonzero(np.diff(ids)) + 1
    starts = np.concatenate([[0], change])
    ends = np.concatenate([change, [ids.size]])
    for a, b in zip(starts, ends, strict=True):
        cues.append(
            {
                "start": round(start_s + a / fps, 3),
                "end": round(start_s + b / fps, 3),
                "value": SHAPES[int(ids[a])],
            }
        )
    return cues


def rhubarb_json(cues: list[dict], sound_file: str = "", duration_s: float | None = None) -> dict:
    """The JSON document Rhubarb Lip Sync writes with `-f json`."""
    if duration_s is None:
        duration_s = cues[-1]["end"] if cues else 0.0
    return {"metadata": {"soundFile": sound_file, "duration": round(duration_s, 2)}, "mouthCues": cues}
