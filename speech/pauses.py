"""Pauses a neural voice made inside a phone, found in its audio.

Kokoro times its phones by predicted durations, and where it pauses without punctuation (between
clauses of a long sentence) the pause's duration goes to a phone: a "d" lasting 425 ms, 350 of
them silence. A mouth timed by those phones stays on the "d" through the pause, and a lip-sync
model taught on them keeps the mouth open through real people's pauses. The audio says where the
pause is: a run of frames far under the utterance's loud ones.
"""

from __future__ import annotations

import numpy as np

from speech.utterance import TimedPhone

BELOW_PEAK_DB = 45.0  # a pause: this far under the loudest 1% of the utterance's frames
MIN_PAUSE_S = 0.12  # longer than a stop's silent closure (50-100 ms)
KEEP_BEFORE_S = 0.02  # the phone's sound dies away
KEEP_AFTER_S = 0.04  # lips move to the next sound before it is heard (a p/b/m closes first)


def quiet_runs(
    audio: np.ndarray, sample_rate_hz: int, fps: float = 100.0, below_peak_db: float = BELOW_PEAK_DB,
    min_pause_s: float = MIN_PAUSE_S,
) -> tuple[int, list[tuple[int, int]]]:
    """(frames, runs): the audio's length in frames of 1/fps s, and each run of at least
    `min_pause_s` whose frames all lie `below_peak_db` under its loud frames, as [start, end)."""
    hop = sample_rate_hz / fps
    n = int(len(audio) // hop)
    if n == 0:
        return 0, []
    edges = (np.arange(n + 1) * hop).astype(np.int64)
    samples = audio[: edges[-1]].astype(np.float64)
    energy = np.add.reduceat(samples * samples, edges[:-1]) / np.diff(edges)
    level_db = 10 * np.log10(energy + 1e-12)
    quiet = level_db < float(np.percentile(level_db, 99)) - below_peak_db
    min_run = int(round(min_pause_s * fps))
    runs, start = [], None
    for i in range(n + 1):
        if i < n and quiet[i]:
            start = i if start is None else start
            continue
        if start is not None and i - start >= min_run:
            runs.append((start, i))
        start = None
    return n, runs


def pause_spans(
    audio: np.ndarray, sample_rate_hz: int, fps: float = 100.0, keep_before_s: float = KEEP_BEFORE_S,
    keep_after_s: float = KEEP_AFTER_S,
) -> list[tuple[int, int]]:
    """Frames [start, end) where the mouth should rest: each quiet run less `keep_before_s` after
    the sound stops and `keep_after_s` before it starts again (none at the audio's own ends)."""
    n, runs = quiet_runs(audio, sample_rate_hz, fps)
    before, after = int(round(keep_before_s * fps)), int(round(keep_after_s * fps))
    spans = [(a + before if a > 0 else a, b - after if b < n else b) for a, b in runs]
    return [(a, b) for a, b in spans if b > a]


def rest_in_pauses(phones: tuple[TimedPhone, ...], audio: np.ndarray, sample_rate_hz: int) -> tuple[TimedPhone, ...]:
    """The phones with each pause in the audio silent ("_", viseme "sil"), cut out of the phones it
    fell in; neighbouring silences merge."""
    fps = 100.0
    pauses = [(a / fps, b / fps) for a, b in pause_spans(audio, sample_rate_hz, fps)]
    if not pauses:
        return phones
    out: list[TimedPhone] = []

    def add(phone: str, viseme: str, start_s: float, end_s: float) -> None:
        if end_s - start_s <= 1e-9:
            return
        if phone == "_" and out and out[-1].phone == "_" and abs(out[-1].end_s - start_s) < 1e-9:
            out[-1] = TimedPhone("_", out[-1].viseme, out[-1].start_s, end_s)
        else:
            out.append(TimedPhone(phone, viseme, start_s, end_s))

    for p in phones:
        cursor = p.start_s
        if p.phone != "_":
            for a, b in pauses:
                if b <= cursor or a >= p.end_s:
                    continue
                add(p.phone, p.viseme, cursor, max(cursor, a))
                add("_", "sil", max(cursor, a), min(b, p.end_s))
                cursor = min(b, p.end_s)
        add(p.phone, p.viseme, cursor, p.end_s)
    return tuple(out)
