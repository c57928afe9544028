"""The face while it speaks: the mouth (from phone timing, or from the audio) plus prosodic gestures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from avatar.lipsync.model import LipsyncFrames, LipsyncModel, default_model
from avatar.lipsync.text_sharpen import sharpen
from avatar.motion import coarticulation
from avatar.motion.mouth import mouth_params
from avatar.motion.prosody import Prosody, analyse, jaw_scale, speech_gestures
from avatar.params import PARAM_INDEX
from speech.utterance import Utterance
from speech.visemes import VISEMES

_PP = VISEMES.index("PP")
_SIL = VISEMES.index("sil")
_JAW = PARAM_INDEX["jaw_open"]


@dataclass(frozen=True)
class SpeechMotion:
    """What speaking adds to the face, frame by frame: `values` (frames x params) from `start_s`,
    the viseme weights behind the mouth (frames x 15), and where it came from ("phones" or "audio")."""

    fps: float
    values: np.ndarray
    visemes: np.ndarray
    source: str
    start_s: float = 0.0

    @property
    def end_s(self) -> float:
        return self.start_s + self.values.shape[0] / self.fps


def frames_for(duration_s: float, fps: float) -> int:
    """Frames needed to show `duration_s` at `fps` (the last frame may run a little past the end)."""
    return int(np.ceil(duration_s * fps - 1e-9))


def visemes_from_model(frames: LipsyncFrames, fps: float, n_frames: int) -> tuple[np.ndarray, np.ndarray]:
    """Model output at 100 fps -> viseme weights and openness at `fps`.

    Each video frame averages the model frames it covers, except lip closure, which takes the
    maximum: a 40 ms "b" must not vanish between two video frames.
    """
    probs, opened = frames.probs, frames.openness
    weights = np.zeros((n_frames, probs.shape[1]), dtype=np.float32)
    weights[:, _SIL] = 1.0
    openness = np.zeros(n_frames, dtype=np.float32)
    if probs.shape[0] == 0 or n_frames == 0:
        return weights, openness
    # the model frames [a, b) each video frame covers; summed at once from running totals (this runs on the
    # Speak path, where a loop over frames cost about a millisecond a second of speech)
    centre = np.arange(n_frames) / fps * frames.fps
    half = frames.fps / fps / 2
    a = np.clip(np.floor(centre - half + 0.5), 0, probs.shape[0] - 1).astype(np.int64)
    b = np.clip(np.ceil(centre + half + 0.5), a + 1, probs.shape[0]).astype(np.int64)
    count = (b - a).astype(np.float64)[:, None]
    totals = np.concatenate([np.zeros((1, probs.shape[1])), np.cumsum(probs, axis=0, dtype=np.float64)])
    w = (totals[b] - totals[a]) / count
    opened_totals = np.concatenate([[0.0], np.cumsum(opened, dtype=np.float64)])
    openness[:] = (opened_totals[b] - opened_totals[a]) / count[:, 0]
    # the largest closure over each span: spans are short (a few model frames), so a max over a padded window
    width = int((b - a).max())
    rows = np.minimum(a[:, None] + np.arange(width)[None, :], probs.shape[0] - 1)
    inside = np.arange(width)[None, :] < (b - a)[:, None]
    w[:, _PP] = np.where(inside, probs[rows, _PP], -np.inf).max(axis=1)
    weights[:] = w / w.sum(axis=1, keepdims=True)
    return weights, openness


def speech_motion(
    utt: Utterance,
    fps: float = 30.0,
    seed: int = 0,
    head_amount: float = 1.0,
    lipsync: LipsyncModel | None = None,
    start_s: float = 0.0,
    prefer_audio: bool = False,
    text_visemes: Sequence[str] | None = None,
    prosody: Prosody | None = None,
) -> SpeechMotion:
    """Mouth and gestures for one utterance.

    Phone timing from the voice drives the mouth when the utterance has it; otherwise (or
    with `prefer_audio`) the audio-to-viseme model does, loaded on first use, sharpened by
    `text_visemes` (what the utterance says, its visemes in order; speech.text_visemes) when given.
    `prosody` is `analyse` of the utterance's audio when it was worked out ahead (a banked recording).
    """
    n = frames_for(utt.duration_s, fps)
    times = np.arange(n) / fps
    pros = prosody if prosody is not None else analyse(utt.audio, utt.sample_rate_hz)
    if utt.has_timing and utt.phones and not prefer_audio:
        weights = coarticulation.viseme_weights(utt.phones, fps, n)
        mouth = mouth_params(weights, jaw_scale(pros, times))
        source = "phones"
    else:
        model = lipsync if lipsync is not None else default_model()
        # closed lips for every p, b and m the closure rule finds, not only where the model is sure
        out = model.predict(utt.audio, utt.sample_rate_hz)
        if text_visemes:
            out = sharpen(out, text_visemes)
        out = out.with_closures()
        weights, openness = visemes_from_model(out, fps, n)
        mouth = mouth_params(weights)
        # the openness head is the better judge of how far the jaw drops
        mouth[:, _JAW] = (0.4 * mouth[:, _JAW] + 0.6 * 0.85 * openness) * (1.0 - weights[:, _PP])
        source = "audio"
    gestures = speech_gestures(pros, times, seed=seed, amount=head_amount)
    return SpeechMotion(fps, (mouth + gestures).astype(np.float32), weights, source, start_s)
