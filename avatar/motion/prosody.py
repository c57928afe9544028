"""Head and face from the voice's prosody: nods on stressed syllables, brows on pitch peaks,
a new tilt for each phrase, and a head that moves more while speaking than at rest.

Pitch and loudness come from the audio itself (any voice), at 100 frames a second. Random
choices (which accents get a nod or a brow raise, how big, which way a phrase tilts) come
from a seeded generator, so the same message moves the same way but no two phrases repeat.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from avatar.lipsync.features import HOP, SAMPLE_RATE_HZ, to_model_rate
from avatar.motion.moving_average import moving_average
from avatar.motion.peaks import find_peaks
from avatar.params import PARAM_INDEX, PARAM_NAMES

PROSODY_FPS = 100.0
_WIN = 640  # 40 ms pitch window at 16 kHz
_MIN_LAG, _MAX_LAG = SAMPLE_RATE_HZ // 400, SAMPLE_RATE_HZ // 70  # 70-400 Hz voices


@dataclass(frozen=True)
class Prosody:
    """Loudness (dB, 0 = loudest frame), pitch (Hz, 0 where unvoiced) and speech activity at 100 fps."""

    loudness_db: np.ndarray
    pitch_hz: np.ndarray
    speaking: np.ndarray

    @property
    def n_frames(self) -> int:
        return int(self.loudness_db.size)


def analyse(audio: np.ndarray, sample_rate_hz: int) -> Prosody:
    """Loudness and pitch (normalised autocorrelation) of mono audio, one frame per 10 ms."""
    x = to_model_rate(audio, sample_rate_hz).astype(np.float64)
    n = x.size // HOP
    if n == 0:
        z = np.zeros(0)
        return Prosody(z, z, z.astype(bool))
    padded = np.concatenate([np.zeros(_WIN // 2), x, np.zeros(_WIN)])
    idx = np.arange(_WIN)[None, :] + HOP * np.arange(n)[:, None]
    frames = padded[idx]
    frames = frames - frames.mean(axis=1, keepdims=True)
    # loudness over the frame's own 10 ms (pitch needs the longer window, pauses the shorter)
    middle = frames[:, (_WIN - HOP) // 2 : (_WIN + HOP) // 2]
    energy = (middle**2).mean(axis=1)
    db = 10 * np.log10(energy + 1e-10)
    db -= db.max()
    spec = np.fft.rfft(frames * np.hanning(_WIN), n=2 * _WIN, axis=1)
    ac = np.fft.irfft(np.abs(spec) ** 2, axis=1)[:, : _MAX_LAG + 1]
    ac /= np.maximum(ac[:, :1], 1e-12)
    lag = _MIN_LAG + np.argmax(ac[:, _MIN_LAG:], axis=1)
    strength = ac[np.arange(n), lag]
    speaking = db > -35.0
    voiced = (strength > 0.45) & speaking
    pitch = np.where(voiced, SAMPLE_RATE_HZ / lag, 0.0)
    return Prosody(db.astype(np.float32), pitch.astype(np.float32), speaking)


def _bump(t: np.ndarray, centre: float, width: float) -> np.ndarray:
    """A raised-cosine pulse of total width `width` centred at `centre`."""
    x = (t - centre) / width
    return np.where(np.abs(x) < 0.5, 0.5 + 0.5 * np.cos(2 * np.pi * x), 0.0)


def _ease(t: np.ndarray, knots_t: list[float], knots_v: list[float], ramp_s: float = 0.5) -> np.ndarray:
    """A value that glides (smoothstep) to each new level over `ramp_s` from each knot time."""
    out = np.full(t.shape, knots_v[0] if knots_v else 0.0)
    for i in range(1, len(knots_t)):
        a = np.clip((t - knots_t[i]) / ramp_s, 0.0, 1.0)
        s = a * a * (3 - 2 * a)
        out = out + (knots_v[i] - knots_v[i - 1]) * s
    return out


def phrases(p: Prosody, min_pause_s: float = 0.12) -> list[tuple[float, float]]:
    """Spans of speech separated by pauses longer than `min_pause_s`."""
    spans: list[tuple[float, float]] = []
    active = moving_average(p.speaking.astype(float), 5) > 0.5
    start = None
    gap = 0
    for i, a in enumerate(active):
        if a:
            if start is None:
                start = i
            gap = 0
        elif start is not None:
            gap += 1
            if gap > min_pause_s * PROSODY_FPS:
                spans.append((start / PROSODY_FPS, (i - gap + 1) / PROSODY_FPS))
                start, gap = None, 0
    if start is not None:
        spans.append((start / PROSODY_FPS, (len(active) - gap) / PROSODY_FPS))
    return spans


def speech_gestures(p: Prosody, times_s: np.ndarray, seed: int = 0, amount: float = 1.0) -> np.ndarray:
    """Head and brow motion (times x params) that follows the prosody, sampled at `times_s`.

    Nods on loud, high accents; brows rise on the highest pitch peaks; each phrase turns and
    tilts the head to a new random pose, and its end brings a small settling nod; the eyes
    often look away at a phrase's start, and a blink often falls in the pause after it.
    """
    rng = np.random.default_rng([seed, 11])
    out = np.zeros((len(times_s), len(PARAM_NAMES)), dtype=np.float32)
    if p.n_frames == 0 or len(times_s) == 0:
        return out
    t = np.asarray(times_s, dtype=np.float64)
    frame_t = np.arange(p.n_frames) / PROSODY_FPS
    voiced = p.pitch_hz > 0
    semis = np.zeros(p.n_frames)
    if voiced.sum() > 5:
        ref = np.median(p.pitch_hz[voiced])
        semis[voiced] = 12 * np.log2(p.pitch_hz[voiced] / ref)
    # fill unvoiced gaps so the contour is continuous, then smooth it
    if voiced.any():
        semis = np.interp(frame_t, frame_t[voiced], semis[voiced])
    semis = moving_average(semis, 15)
    loud = moving_average(np.clip((p.loudness_db + 40) / 40, 0, 1), 10)
    prominence = loud * (1 + 0.15 * np.clip(semis, -6, 6)) * p.speaking

    pitch_col = PARAM_INDEX["head_pitch_deg"]
    # accents: prominent peaks at least 350 ms apart; not every accent gets a nod
    peaks, prominences = find_peaks(prominence, height=0.45, distance=35, prominence=0.12)
    for k, i in enumerate(peaks):
        if rng.random() < 0.3:
            continue
        size = float(np.clip(prominences[k] * 6 + rng.normal(0, 0.6), 0.8, 4.5))
        out[:, pitch_col] -= amount * size * _bump(t, frame_t[i] + rng.uniform(-0.05, 0.03), rng.uniform(0.3, 0.45))
        if semis[i] > 1.5 and rng.random() < 0.6:
            lift = float(np.clip(0.15 * semis[i], 0.15, 0.6))
            bump = _bump(t, frame_t[i], rng.uniform(0.35, 0.6))
            out[:, PARAM_INDEX["brow_outer_up"]] += lift * bump
            out[:, PARAM_INDEX["brow_inner_up"]] += 0.5 * lift * bump

    # each phrase has its own pose, reached smoothly; the head settles at the phrase end
    knots_t, yaw, roll, pitch = [0.0], [0.0], [0.0], [0.0]
    for start, end in phrases(p):
        knots_t.append(start - 0.15)
        yaw.append(float(rng.normal(0, 3.0)))
        roll.append(float(rng.normal(0, 2.2)))
        pitch.append(float(rng.normal(0.5, 1.0)))
        out[:, pitch_col] -= amount * rng.uniform(1.0, 2.5) * _bump(t, end + 0.1, 0.5)
        knots_t.append(end + 0.3)
        yaw.append(yaw[-1] * 0.3)
        roll.append(roll[-1] * 0.3)
        pitch.append(0.0)
    # people often look away as they start a phrase (planning it) and back at its end, and
    # blink at the pause between phrases
    for start, end in phrases(p):
        if rng.random() < 0.5:
            hold = min(end - start, rng.uniform(0.6, 1.6))
            side = rng.choice([-1.0, 1.0])
            away = _ease(t, [0.0, start, start + hold], [0.0, 1.0, 0.0], 0.05)
            out[:, PARAM_INDEX["gaze_x"]] += side * rng.uniform(0.15, 0.35) * away
            out[:, PARAM_INDEX["gaze_y"]] += rng.uniform(-0.15, 0.1) * away
        if rng.random() < 0.35:
            duration = rng.uniform(0.15, 0.3)
            blink = _bump(t, end + 0.05 + duration / 2, duration)
            out[:, PARAM_INDEX["blink_left"]] += blink
            out[:, PARAM_INDEX["blink_right"]] += 0.97 * blink
    out[:, PARAM_INDEX["head_yaw_deg"]] += amount * _ease(t, knots_t, yaw, 0.6)
    out[:, PARAM_INDEX["head_roll_deg"]] += amount * _ease(t, knots_t, roll, 0.6)
    out[:, pitch_col] += amount * _ease(t, knots_t, pitch, 0.6)
    # the head rises a little with the pitch and leans in with loudness
    out[:, pitch_col] += amount * 0.35 * np.interp(t, frame_t, np.clip(semis, -5, 5))
    out[:, PARAM_INDEX["head_z"]] += amount * 0.06 * np.interp(t, frame_t, loud)
    # speaking jitter: small fast motion while the voice is loud (idle has only the slow sway)
    jitter = moving_average(rng.standard_normal((p.n_frames, 2)), 12, axis=0) * 4.0
    out[:, PARAM_INDEX["head_yaw_deg"]] += amount * 0.8 * np.interp(t, frame_t, jitter[:, 0] * loud)
    out[:, PARAM_INDEX["head_roll_deg"]] += amount * 0.6 * np.interp(t, frame_t, jitter[:, 1] * loud)
    return out


def jaw_scale(p: Prosody, times_s: np.ndarray) -> np.ndarray:
    """How wide the jaw opens relative to its viseme shape: louder speech opens wider (0.75..1.25)."""
    if p.n_frames == 0:
        return np.ones(len(times_s), dtype=np.float32)
    frame_t = np.arange(p.n_frames) / PROSODY_FPS
    loud = moving_average(np.clip((p.loudness_db + 30) / 30, 0, 1), 8)
    return (0.75 + 0.5 * np.interp(times_s, frame_t, loud)).astype(np.float32)
