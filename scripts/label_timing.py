#!/usr/bin/env python3
"""Where each engine's phone labels sit against the sound: the evidence for train_visemes' label lead.

    python scripts/label_timing.py [--data build/viseme-data] [--corpus DIR]

Every synthesizer times its phones its own way (espeak-ng's phoneme events, flite's units,
Piper's and Kokoro's predicted durations), and a model taught on a mix learns a compromise that
is late on voices timed otherwise. A vowel-p/b/m-vowel is the plainest landmark there is: the
sound drops when the lips close and jumps when they open. For each engine in the training data
this prints how far, in ms, the steepest drop and the steepest rise (5 ms frames, within 50 ms of
the label) fall from the p/b/m label's start and end; `--corpus` does the same on hand-aligned
recordings (judging only: their convention, never their audio, is what the figures compare).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from avatar.lipsync.alignment import frame_visemes  # noqa: E402
from speech.visemes import VISEMES  # noqa: E402

_PP = VISEMES.index("PP")
_VOWELS = [VISEMES.index(v) for v in ("aa", "E", "ih", "oh", "ou")]
_STEP = 80  # 5 ms at 16 kHz
_SEARCH = 10  # steps each side: 50 ms


def _energy_db(audio: np.ndarray) -> np.ndarray:
    n = len(audio) // _STEP
    frames = audio[: n * _STEP].reshape(n, _STEP).astype(np.float64)
    return 10 * np.log10((frames**2).mean(axis=1) + 1e-10)


def closure_landmarks(audio_16k: np.ndarray, labels: np.ndarray) -> tuple[list[float], list[float]]:
    """For each vowel-p/b/m-vowel (p/b/m at most 200 ms): ms from the label's start to the steepest drop
    of the sound, and from its end to the steepest rise (positive: the sound changes after the label)."""
    rise = np.diff(_energy_db(audio_16k), prepend=0.0)
    closes, opens = [], []
    t, n = 1, len(labels)
    while t < n - 1:
        if labels[t] == _PP and labels[t - 1] in _VOWELS:
            end = t
            while end < n and labels[end] == _PP:
                end += 1
            a, b = 2 * t, 2 * end  # 10 ms labels -> 5 ms steps
            if end < n and labels[end] in _VOWELS and end - t <= 20 and a >= _SEARCH and b + _SEARCH < len(rise):
                closes.append((int(np.argmin(rise[a - _SEARCH : a + _SEARCH + 1])) - _SEARCH) * 5.0)
                opens.append((int(np.argmax(rise[b - _SEARCH : b + _SEARCH + 1])) - _SEARCH) * 5.0)
            t = end
        t += 1
    return closes, opens


def _row(name: str, pairs) -> None:
    closes, opens = [], []
    for audio, labels in pairs:
        c, o = closure_landmarks(audio, labels)
        closes += c
        opens += o
    if not closes:
        print(f"{name:16s} no vowel-p/b/m-vowel found")
        return
    c, o = np.array(closes), np.array(opens)
    print(f"{name:16s} {len(c):6d} {np.mean(c):+9.1f} {np.median(c):+9.0f} {np.mean(o):+9.1f} {np.median(o):+9.0f}"
          f" {-(np.mean(c) + np.mean(o)) / 2:+9.1f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path("build/viseme-data"))
    ap.add_argument("--corpus", type=Path, default=None, help="hand-aligned recordings to compare (judging only)")
    args = ap.parse_args()
    from train_visemes import load_data

    items = load_data(args.data, make=False)
    if not items and args.corpus is None:
        print(f"label_timing: {args.data}: no training data (scripts/make_viseme_data.py makes it)", file=sys.stderr)
        return 2
    by_engine: dict[str, list] = {}
    for audio, labels, voice in items:
        by_engine.setdefault(voice.partition(":")[0], []).append((audio, labels))
    print("ms from the p/b/m label to the sound's steepest drop (close) and rise (open); late = how much later")
    print("the labels are than the sound, on average")
    print(f"{'':16s} {'n':>6s} {'close':>9s} {'(median)':>9s} {'open':>9s} {'(median)':>9s} {'late':>9s}")
    for engine, pairs in sorted(by_engine.items()):
        _row(engine, pairs)
    if args.corpus is not None:
        from avatar.lipsync.corpus import corpus_utterances
        from avatar.lipsync.features import to_model_rate

        pairs = []
        for utt in corpus_utterances(args.corpus):
            audio = to_model_rate(utt.audio, utt.sample_rate_hz)
            pairs.append((audio, frame_visemes(utt.phones, len(audio) // 160)))
        _row(f"{args.corpus.name}", pairs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
