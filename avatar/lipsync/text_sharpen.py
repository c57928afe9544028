"""Knowing the words but not their timing (a banked recording, a system voice): let the message
sharpen what the audio model heard, without replacing it.

The model alone guesses each frame among all 15 visemes; given the message's visemes in order,
only where each one falls is left to find (avatar.lipsync.text_align, the `visemes --text` path).
The aligned visemes are blended into the model's probabilities, so the mouth goes through the
message's own sounds (every p, b and m closes) while the audio still decides when. When the text
cannot be aligned to the audio (too few frames, or too long to align quickly), the audio alone
decides, as before.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from avatar.lipsync.model import LipsyncFrames
from avatar.lipsync.text_align import align, viseme_sequence
from speech.visemes import VISEMES

# How much of each frame the text's viseme takes: above one half it always wins the frame, and
# what is left of the model's own guess keeps the blend soft where the alignment is unsure.
TEXT_WEIGHT = 0.8


def sharpen(frames: LipsyncFrames, text_visemes: Sequence[str], weight: float = TEXT_WEIGHT) -> LipsyncFrames:
    """The frames with the text's visemes (names, in order; silences ignored) aligned into them."""
    path = align(frames.probs, viseme_sequence(text_visemes))
    if path is None:
        return frames
    onehot = np.eye(len(VISEMES), dtype=np.float32)[path]
    probs = ((1.0 - weight) * frames.probs + weight * onehot).astype(np.float32)
    return LipsyncFrames(probs, frames.openness, frames.start_frame, frames.fps, frames.loudness_db)
