"""What counts as a word for prediction, and how typed words are matched and shown.

One place decides this so that the predictor, the learned words and the keystroke
simulation agree on where a word starts and ends.
"""

from __future__ import annotations

import re

# Letters, with apostrophes inside ("don't", "Xander's"); digits and symbols are not predicted.
WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
# A word still being typed may end in an apostrophe ("don'").
PARTIAL_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]*)*$")
SENTENCE_END_RE = re.compile(r"[.!?…]+[\"')\]]*\s")
# Stands for "the start of a sentence" in learned word pairs.
SENTENCE_START = "<s>"


def normal_word(word: str) -> str:
    """The form words are counted in: lower case, typographic apostrophes made plain."""
    return word.replace("’", "'").lower()


def match_key(word: str) -> str:
    """The form typed letters are matched in: lower case without apostrophes, so "dont" finds "don't"."""
    return normal_word(word).replace("'", "")


def words_of(text: str) -> list[str]:
    """The words of `text`, in their normal form."""
    return [normal_word(match.group()) for match in WORD_RE.finditer(text)]


def sentences_of(text: str) -> list[str]:
    """`text` cut after each sentence end (".", "!", "?" followed by a space)."""
    parts = []
    start = 0
    for match in SENTENCE_END_RE.finditer(text + " "):
        parts.append(text[start : match.end()])
        start = match.end()
    if start < len(text):
        parts.append(text[start:])
    return parts


def split_partial(text: str) -> tuple[str, str]:
    """`text` as (what comes before the word being typed, the word being typed so far)."""
    match = PARTIAL_RE.search(text)
    if match is None:
        return text, ""
    return text[: match.start()], match.group()


def context_words(before: str) -> tuple[str, str]:
    """The two words before the cursor within the current sentence, nearest last; SENTENCE_START fills gaps."""
    padded_text = before + " "
    segment = padded_text
    for match in SENTENCE_END_RE.finditer(padded_text):
        segment = padded_text[match.end() :]
    padded = [SENTENCE_START, SENTENCE_START, *words_of(segment)]
    return padded[-2], padded[-1]


def at_sentence_start(before: str) -> bool:
    """Whether the next word begins a sentence (nothing typed yet, or after ".", "!", "?")."""
    stripped = before.rstrip()
    return not stripped or stripped[-1] in ".!?…"
