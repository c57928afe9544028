"""Splitting a message into sentences, so the first one can be spoken while the rest are made."""

from __future__ import annotations

import re

MAX_CHUNK_CHARS = 300
# A sentence ends at . ! ? … (and runs of them, with closing quotes or brackets) before a
# space, or at a line break. Abbreviations like "Dr." split a sentence early: harmless,
# since the pieces are spoken back to back.
_SENTENCE_END = re.compile(r"(?<=[.!?…。！？])[\"'”’)\]]*\s+|\n+")


def _split_long(chunk: str, limit: int) -> list[str]:
    """Break a run-on chunk at commas, then at spaces, then anywhere, into pieces <= limit."""
    if len(chunk) <= limit:
        return [chunk]
    for sep in (", ", "; ", ": ", " "):
        cut = chunk.rfind(sep, 0, limit)
        if cut > limit // 3:
            head = chunk[: cut + len(sep)].strip()
            return [head, *_split_long(chunk[cut + len(sep) :].strip(), limit)]
    return [chunk[:limit], *_split_long(chunk[limit:], limit)]


def split_sentences(text: str, max_chars: int = MAX_CHUNK_CHARS) -> list[str]:
    """The non-empty sentences of `text`, none longer than `max_chars`."""
    pieces: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        sentence = sentence.strip()
        if sentence:
            pieces += [p for p in _split_long(sentence, max_chars) if p.strip()]
    return pieces
