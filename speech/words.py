"""Timing a sentence's written words from the spans of its spoken word groups.

Neural voices (Piper, Kokoro) time phonemes, not words. Their phonemizer marks word breaks,
so each spoken word group has a start and an end; this pairs them with the words as written.
"""

from __future__ import annotations

import re

from speech.utterance import TimedWord


def words_from_spans(sentence: str, spans: list[tuple[float, float]]) -> tuple[TimedWord, ...]:
    """The written words of `sentence` timed by the spoken groups' (start_s, end_s).

    When the counts match, word i takes span i. When they do not (the phonemizer read "42" as
    two words, or "Dr." as one), the written words are spread over the spoken time in order,
    each by its length, so captions still follow the voice.
    """
    texts = re.findall(r"\S+", sentence)
    if not spans or not texts:
        return ()
    if len(texts) == len(spans):
        return tuple(TimedWord(t, s, e) for t, (s, e) in zip(texts, spans, strict=True))
    start_s, end_s = spans[0][0], spans[-1][1]
    total = sum(len(t) for t in texts)
    words, at = [], start_s
    for t in texts:
        step = (end_s - start_s) * len(t) / total
        words.append(TimedWord(t, at, at + step))
        at += step
    return tuple(words)
