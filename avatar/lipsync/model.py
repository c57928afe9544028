"""The audio-to-viseme model at run time: onnxruntime on one thread, streaming, 90 ms lookahead.

The network (trained by scripts/train_visemes.py) reads log-mel frames and, for each new
frame, says which viseme the mouth showed `delay_frames` frames earlier and how open it
was: that delay is all the lookahead it has. A stream keeps the recurrent state and the
last few feature frames, so audio can arrive in chunks of any size.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from avatar.lipsync.closures import LOOKAHEAD_FRAMES, frame_loudness_db
from avatar.lipsync.decoding import DEFAULT_DECODER, DecoderSettings, decode_shapes, decode_visemes, decode_weights
from avatar.lipsync.features import FPS, N_MELS, SAMPLE_RATE_HZ, log_mel
from avatar.lipsync.resample import StreamResampler
from avatar.motion.errors import MotionError
from avatar.motion.rhubarb import VISEME_OPENNESS
from speech.visemes import VISEMES

DEFAULT_MODEL_PATH = Path(__file__).with_name("visemes.onnx")
_SILENT_FEATURE = float(np.log(1e-8))
_PP = VISEMES.index("PP")


@dataclass(frozen=True)
class LipsyncFrames:
    """Model output at 100 fps: viseme probabilities (frames x 15) and mouth openness 0..1, and
    the sound's loudness in dB per frame (for the closure rule; None when not known)."""

    probs: np.ndarray
    openness: np.ndarray
    start_frame: int = 0
    fps: float = FPS
    loudness_db: np.ndarray | None = None

    @property
    def n_frames(self) -> int:
        return int(self.probs.shape[0])

    def shapes(self, closures: bool = True, decoder: DecoderSettings = DEFAULT_DECODER) -> np.ndarray:
        """Rhubarb shape (index into rhubarb.SHAPES) of each frame as `decoder` decides
        (avatar.lipsync.decoding); with `closures`, closed lips (A) also where the closure rule finds them."""
        return decode_shapes(self.probs, self.loudness_db, decoder, closures)

    def visemes(self, closures: bool = True, decoder: DecoderSettings = DEFAULT_DECODER) -> np.ndarray:
        """Viseme (index into speech.visemes.VISEMES) of each frame as `decoder` decides; with
        `closures`, p/b/m (PP) also where the closure rule finds one."""
        return decode_visemes(self.probs, self.loudness_db, decoder, closures)

    def shown_openness(self, decoder: DecoderSettings = DEFAULT_DECODER) -> np.ndarray:
        """How open the mouth is shown in each frame (0..1): the openness head averaged with the
        openness of the visemes as `decoder` weighs them, then closed by as much as p/b/m weighs
        (at rest in pauses, shut where the closure rule shows a closure), as the live mouth does
        (avatar.motion.speech_motion). Chosen on training voices (the two-seed model): openness r 0.877
        for the head alone, 0.877 for the visemes alone, 0.880 this way (worst family 0.811, 0.808, 0.816).
        """
        weights = decode_weights(self.probs, self.loudness_db, decoder)
        shown = 0.5 * (self.openness + weights @ VISEME_OPENNESS) * (1.0 - weights[:, _PP])
        return shown.astype(np.float32)

    def with_closures(self, decoder: DecoderSettings = DEFAULT_DECODER) -> LipsyncFrames:
        """The frames as `decoder` decodes them for callers that blend visemes rather than pick one
        (the live mouth): the closure rule's closures written in (all on p/b/m there)."""
        probs = decode_weights(self.probs, self.loudness_db, decoder)
        return LipsyncFrames(probs, self.openness, self.start_frame, self.fps, self.loudness_db)


def join_frames(parts: list[LipsyncFrames]) -> LipsyncFrames:
    """Consecutive pieces of one stream's output as one."""
    loud = [p.loudness_db for p in parts]
    return LipsyncFrames(
        np.concatenate([p.probs for p in parts]), np.concatenate([p.openness for p in parts]),
        parts[0].start_frame if parts else 0, FPS,
        None if any(x is None for x in loud) else np.concatenate(loud),
    )


class LipsyncModel:
    """The shipped ONNX model; `predict` for whole clips, `stream` for live audio."""

    def __init__(self, path: str | Path = DEFAULT_MODEL_PATH, threads: int = 1) -> None:
        import onnxruntime as ort

        path = Path(path)
        if not path.is_file():
            raise MotionError(
                f"lip-sync model {path} is missing: reinstall aac-avatar or run scripts/train_visemes.py"
            )
        opts = ort.SessionOptions()
        # onnxruntime ignores taskset; one thread held up best beside the renderer (DESIGN.md)
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        meta = self.session.get_modelmeta().custom_metadata_map
        self.delay_frames = int(meta.get("delay_frames", 8))
        self.history_frames = int(meta.get("history_frames", 8))
        self.hidden_size = int(meta.get("hidden_size", 128))
        # what a mouth shape waits for: the network's delay, its own frame, and the one frame of model
        # output the closure rule (and a lagged decoder) reads
        self.lookahead_s = (self.delay_frames + 1 + max(LOOKAHEAD_FRAMES, DEFAULT_DECODER.lookahead_frames)) / FPS

    def stream(self, sample_rate_hz: int = SAMPLE_RATE_HZ) -> LipsyncStream:
        """A new stream for audio at `sample_rate_hz`."""
        return LipsyncStream(self, sample_rate_hz)

    def predict(self, audio: np.ndarray, sample_rate_hz: int) -> LipsyncFrames:
        """Visemes and openness of a whole clip, one frame per 10 ms of audio."""
        s = self.stream(sample_rate_hz)
        # long clips go in pieces so memory stays flat (10 minutes is fine)
        step = int(sample_rate_hz) * 30
        parts = [s.push(audio[i : i + step]) for i in range(0, len(audio), step)]
        parts.append(s.flush())
        return join_frames(parts)

    def _run(self, feats: np.ndarray, state: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        probs, openness, new_state = self.session.run(
            None, {"features": feats[None].astype(np.float32), "state_in": state}
        )
        return probs[0], openness[0], new_state


class LipsyncStream:
    """Push audio as it comes; get the frames whose lookahead has arrived."""

    def __init__(self, model: LipsyncModel, sample_rate_hz: int) -> None:
        if sample_rate_hz < 4000:
            raise MotionError(f"audio sample rate {sample_rate_hz} Hz is too low for lip sync (need 4000 Hz or more)")
        self.model = model
        self._resampler = StreamResampler(sample_rate_hz, SAMPLE_RATE_HZ)
        self._mel_tail: np.ndarray | None = None
        self._history = np.full((model.history_frames, N_MELS), _SILENT_FEATURE, dtype=np.float32)
        self._state = np.zeros((1, 1, model.hidden_size), dtype=np.float32)
        self._fed = 0  # feature frames given to the network
        self._emitted = 0  # output frames returned
        self._samples_16k = 0
        self._loudness = np.zeros(0, np.float32)  # of frames fed but not yet answered for

    def _feed(self, feats: np.ndarray) -> LipsyncFrames:
        start = self._emitted
        if feats.shape[0] == 0:
            return LipsyncFrames(np.zeros((0, 15), np.float32), np.zeros(0, np.float32), start,
                                 loudness_db=np.zeros(0, np.float32))
        self._loudness = np.concatenate([self._loudness, frame_loudness_db(feats)])
        x = np.concatenate([self._history, feats])
        probs, openness, self._state = self.model._run(x, self._state)
        self._history = x[-self.model.history_frames :]
        # output i answers for frame (fed + i - delay): drop answers for times before the audio began
        first = self._fed
        self._fed += feats.shape[0]
        skip = max(0, self.model.delay_frames - first)
        probs, openness = probs[skip:], openness[skip:]
        self._emitted += probs.shape[0]
        # output frame i answers for feature frame i: its loudness goes with it
        loud, self._loudness = self._loudness[: probs.shape[0]], self._loudness[probs.shape[0] :]
        return LipsyncFrames(probs, openness, start, loudness_db=loud)

    def push(self, chunk: np.ndarray) -> LipsyncFrames:
        """Add audio (mono float32 at the stream's rate); return the newly decided frames."""
        x = self._resampler.push(np.asarray(chunk, dtype=np.float32))
        self._samples_16k += x.size
        feats, self._mel_tail = log_mel(x, self._mel_tail)
        return self._feed(feats)

    def flush(self) -> LipsyncFrames:
        """The audio is over: return the remaining frames (one per 10 ms of audio in total)."""
        x = self._resampler.flush()
        self._samples_16k += x.size
        total = self._samples_16k // (SAMPLE_RATE_HZ // int(FPS))
        pad = np.zeros((self.model.delay_frames + 1) * (SAMPLE_RATE_HZ // int(FPS)), dtype=np.float32)
        feats, self._mel_tail = log_mel(np.concatenate([x, pad]), self._mel_tail)
        out = self._feed(feats)
        keep = max(0, total - out.start_frame)
        loud = out.loudness_db[:keep] if out.loudness_db is not None else None
        return LipsyncFrames(out.probs[:keep], out.openness[:keep], out.start_frame, loudness_db=loud)


@lru_cache(maxsize=1)
def default_model() -> LipsyncModel:
    """The shipped model, loaded once per process (sessions are read-only and thread-safe)."""
    return LipsyncModel()
