"""Button labels written as hashes, and the words behind them where a word list knows them.

Vocabularies converted from commercial AAC apps are shared as `.obfset` files (open-aac's aac-metrics
publishes dozens) with each label replaced by `$` and the first ten hex digits of the MD5 of the
lower-case word, so the set can be studied without publishing the app's wording. A board made of
such labels would show "$865c0c0b4a" on every button. The words are found again the way the
people who made these files do it: by hashing a list of words and looking each label up. Our list
is wordfreq's English words, symspellpy's English word pairs and the small signs boards hold
(punctuation, digits, word endings); nothing of the sets' own word lists is used. A label no list
explains stays blank and is reported, never shown as a hash.
"""

from __future__ import annotations

import hashlib
import re
import string
from dataclasses import dataclass
from functools import cached_property

HASHED = re.compile(r"^\$([0-9a-f]{10})$")

# Word endings as morphology buttons write them ("-s", "-ing") and the bare signs boards hold.
_ENDINGS = ("s", "es", "ed", "ing", "er", "est", "ly", "en", "y", "'s", "s'", "n't", "'ll", "'re", "'ve", "'d", "'m")


def _digest(text: str) -> str:
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:10]


def is_hashed(label: object) -> bool:
    """Whether `label` is a hashed word (`$` and ten hex digits), not a word."""
    return isinstance(label, str) and HASHED.match(label) is not None


def _capitalised(word: str) -> str:
    """The pronoun I and its contractions are written upper-case; everything else stays as the list has it."""
    return "I" + word[1:] if word == "i" or word.startswith("i'") else word


@dataclass
class HashedLabels:
    """Looks up hashed labels; the word table is built on first use (about a second for English)."""

    language: str = "en"

    @cached_property
    def _table(self) -> dict[str, str]:
        import wordfreq

        words: list[str] = ["", *string.punctuation, *(str(n) for n in range(101))]
        words += [f"-{ending}" for ending in _ENDINGS] + list(_ENDINGS)
        words += wordfreq.top_n_list(self.language, 200_000, wordlist="large")
        if self.language == "en":
            words += _english_pairs()
        table: dict[str, str] = {}
        for word in words:
            table.setdefault(_digest(word), word)
        return table

    def word(self, label: str) -> str | None:
        """The word behind a hashed `label` ("" for a blank one), or None when no list explains it."""
        match = HASHED.match(label)
        if match is None:
            return None
        word = self._table.get(match.group(1))
        return None if word is None else _capitalised(word)


def _english_pairs() -> list[str]:
    """symspellpy's English word pairs ("thank you", "ice cream"): board labels are often two words."""
    from importlib.resources import files

    text = (files("symspellpy") / "frequency_bigramdictionary_en_243_342.txt").read_text(encoding="utf-8")
    pairs = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2:
            pairs.append(f"{parts[0]} {parts[1]}")
    return pairs
