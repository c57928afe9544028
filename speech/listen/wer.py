"""Word error rate: how far recognized text is from what was said, in words (for tests and benchmarks)."""

from __future__ import annotations

import re

_WORD = re.compile(r"[\w']+")


def words_of(text: str) -> list[str]:
    """The words of `text`, lower case, without punctuation ("Please?" and "please" are the same word)."""
    return [w.strip("'") for w in _WORD.findall(text.lower()) if w.strip("'")]


def word_error_rate(reference: str, hypothesis: str) -> float:
    """(substitutions + deletions + insertions) / words said: the usual edit distance over words."""
    ref, hyp = words_of(reference), words_of(hypothesis)
    if not ref:
        return float(bool(hyp))
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        current = [i]
        for j, h in enumerate(hyp, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h)))
        previous = current
    return previous[-1] / len(ref)
