"""Measuring a recording's audio/video offset: mouth opening against the loudness of the voice.

The mouth is measured on the decoded frames with the landmark detector (inner-lip gap); the
audio as its RMS envelope. Both are resampled to 1 ms and cross-correlated; the lag of the
best match is the offset (positive: the mouth moves after the sound). Lips part a little before
sound comes out, so a perfectly synced recording measures slightly negative.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class AvOffset:
    """The measured offset and how well mouth and voice matched at it."""

    offset_ms: float
    correlation: float
    frames: int


def decode(path: Path, width: int, height: int, sample_rate_hz: int) -> tuple[np.ndarray, np.ndarray]:
    """The frames (n, h, w, 3) and mono float32 audio of a video file, through ffmpeg."""
    video = subprocess.run(["ffmpeg", "-loglevel", "error", "-i", str(path), "-f", "rawvideo", "-pix_fmt", "rgb24",
                            "-"], capture_output=True, check=True).stdout
    audio = subprocess.run(["ffmpeg", "-loglevel", "error", "-i", str(path), "-f", "f32le", "-ac", "1", "-ar",
                            str(sample_rate_hz), "-"], capture_output=True, check=True).stdout
    return np.frombuffer(video, np.uint8).reshape(-1, height, width, 3), np.frombuffer(audio, "<f4")


def mouth_openness(frames: np.ndarray) -> np.ndarray:
    """Inner-lip gap in pixels per frame (0 where no face is found)."""
    from avatar.landmarks import LandmarkDetector, inner_lip_gap_px

    gaps = []
    with LandmarkDetector(max_faces=1) as detector:
        for frame in frames:
            faces = detector.detect(frame)
            gaps.append(inner_lip_gap_px(faces[0]) if faces else 0.0)
    return np.array(gaps, dtype=np.float64)


def _per_ms(values: np.ndarray, fps: float, duration_ms: int) -> np.ndarray:
    """A per-frame series at 1 ms steps (frame k shows the face at k / fps), mean removed."""
    series = np.interp(np.arange(duration_ms), np.arange(len(values)) * 1000 / fps, values)
    return series - series.mean()


def _envelope_ms(audio: np.ndarray, sample_rate_hz: int, duration_ms: int) -> np.ndarray:
    """The audio's 10 ms RMS envelope at 1 ms steps, mean removed."""
    window = sample_rate_hz // 100
    power = np.convolve(audio.astype(np.float64) ** 2, np.ones(window) / window, mode="same")
    envelope = np.sqrt(power[(np.arange(duration_ms) * sample_rate_hz // 1000).astype(int)])
    return envelope - envelope.mean()


def _best_lag(mouth: np.ndarray, envelope: np.ndarray, max_lag_ms: int) -> tuple[int, float]:
    """The lag (ms, positive: mouth after sound) of the best match, and the correlation there."""
    n = len(mouth)

    def pair(lag: int) -> tuple[np.ndarray, np.ndarray]:
        return mouth[max(0, lag) : n + min(0, lag)], envelope[max(0, -lag) : n - max(0, lag)]

    best_lag = max(range(-max_lag_ms, max_lag_ms + 1), key=lambda lag: float(np.dot(*pair(lag))) / len(pair(lag)[0]))
    return best_lag, float(np.corrcoef(*pair(best_lag))[0, 1])


def av_offset(path: Path, width: int, height: int, fps: float, sample_rate_hz: int,
              max_lag_ms: int = 250) -> AvOffset:
    """The offset between mouth and voice in a recording."""
    frames, audio = decode(path, width, height, sample_rate_hz)
    gaps = mouth_openness(frames)
    duration_ms = int(min(len(gaps) / fps, len(audio) / sample_rate_hz) * 1000)
    lag, r = _best_lag(_per_ms(gaps, fps, duration_ms), _envelope_ms(audio, sample_rate_hz, duration_ms), max_lag_ms)
    return AvOffset(float(lag), r, len(frames))


def motion_lag_ms(audio: np.ndarray, sample_rate_hz: int, jaw: np.ndarray, fps: float, max_lag_ms: int = 250) -> float:
    """The lag between a motion track's jaw opening and its own audio, before any rendering.

    What the face's motion itself does (lips open in the middle of a vowel, after its loudest
    onset) is not an offset of the live engine; subtracting this from `av_offset` leaves what the
    engine and the recording add.
    """
    duration_ms = int(min(len(jaw) / fps, len(audio) / sample_rate_hz) * 1000)
    mouth, envelope = _per_ms(jaw, fps, duration_ms), _envelope_ms(audio, sample_rate_hz, duration_ms)
    return float(_best_lag(mouth, envelope, max_lag_ms)[0])
