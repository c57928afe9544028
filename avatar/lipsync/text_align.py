"""When the words are known: align their viseme sequence to the model's output (Viterbi).

The model alone must guess among all visemes each frame; knowing the text, only the order of
the visemes is free to find, which is much easier. Silence may come before, between and
after any two visemes (pauses, stop closures), and each viseme lasts at least one frame.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from speech.visemes import VISEMES

_SIL = VISEMES.index("sil")
MAX_CELLS = 60_000_000  # frames x states beyond which alignment would be slow: fall back


def viseme_sequence(visemes: Sequence[str]) -> list[int]:
    """Viseme names -> indices, with silences dropped and repeats merged."""
    out: list[int] = []
    for v in visemes:
        i = VISEMES.index(v) if v in VISEMES else VISEMES.index("DD")
        if i == _SIL or (out and out[-1] == i):
            continue
        out.append(i)
    return out


def align(probs: np.ndarray, sequence: Sequence[int]) -> np.ndarray | None:
    """Per-frame viseme indices following `sequence` in order, or None if it cannot be aligned here.

    `probs` is frames x 15 (the model's output). States alternate optional silence and the
    sequence's visemes: sil, v1, sil, v2, ..., vn, sil.
    """
    t_len = probs.shape[0]
    n = len(sequence)
    if n == 0 or t_len == 0:
        return None
    states = [_SIL]
    for v in sequence:
        states += [int(v), _SIL]
    s_len = len(states)
    if t_len * s_len > MAX_CELLS or t_len < n:
        return None
    logp = np.log(np.clip(probs[:, states], 1e-6, 1.0)).astype(np.float64)
    optional = np.array([s % 2 == 0 for s in range(s_len)])
    neg = -1e18
    score = np.full(s_len, neg)
    score[0] = logp[0, 0]
    score[1] = logp[0, 1]
    back = np.zeros((t_len, s_len), dtype=np.int8)  # 0 stay, 1 from previous, 2 skip a silence
    for t in range(1, t_len):
        stay = score
        prev = np.concatenate([[neg], score[:-1]])
        skip = np.concatenate([[neg, neg], score[:-2]])
        # a silence can be skipped only when moving from one viseme to the next
        skip = np.where(~optional & np.concatenate([[False, False], optional[1:-1]]), skip, neg)
        best = np.maximum(np.maximum(stay, prev), skip)
        choice = np.where(best == stay, 0, np.where(best == prev, 1, 2))
        back[t] = choice
        score = best + logp[t]
    end = s_len - 1 if score[s_len - 1] >= score[s_len - 2] else s_len - 2
    path = np.empty(t_len, dtype=np.int64)
    s = end
    for t in range(t_len - 1, -1, -1):
        path[t] = s
        s -= int(back[t, s])
    return np.array(states, dtype=np.int64)[path]
