"""Recorded read English whose words are known, for word error rates on speech that is not the product's own.

The PyPI package `moonshine-voice` 0.1.5 (MIT) ships sample recordings: a reading of the opening sentence
of Dickens's "A Tale of Two Cities" (44 s) and of a line of Beckett's "Worstward Ho" (10 s). Their texts
are written here. They are found without importing the package (only its files are used); the package is
in the `test` extra, not in the aid.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np

READINGS = {
    "two_cities.wav": (
        "It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of "
        "foolishness, it was the epoch of belief, it was the epoch of incredulity, it was the season of Light, "
        "it was the season of Darkness, it was the spring of hope, it was the winter of despair, we had everything "
        "before us, we had nothing before us, we were all going direct to Heaven, we were all going direct the "
        "other way - in short, the period was so far like the present period, that some of its noisiest "
        "authorities insisted on its being received, for good or for evil, in the superlative degree of "
        "comparison only."),
    "beckett.wav": "Ever tried. Ever failed. No matter. Try again. Fail again. Fail better.",
}


@dataclass(frozen=True)
class Reading:
    """One recording and what is said in it."""

    name: str
    audio: np.ndarray  # mono float32
    sample_rate_hz: int
    text: str


def readings_folder() -> Path | None:
    """Where the recordings are (None when `moonshine-voice` is not installed)."""
    spec = importlib.util.find_spec("moonshine_voice")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(list(spec.submodule_search_locations)[0]) / "assets"
    return folder if all((folder / name).is_file() for name in READINGS) else None


def load_readings() -> list[Reading]:
    """The recordings with their texts ([] when not installed)."""
    import soundfile

    folder = readings_folder()
    if folder is None:
        return []
    readings = []
    for name, text in READINGS.items():
        audio, rate = soundfile.read(folder / name, dtype="float32", always_2d=True)
        readings.append(Reading(name, audio.mean(axis=1), int(rate), text))
    return readings
