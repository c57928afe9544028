"""The person's own words: how often they used each word, word pair and word triple.

Learned from each message after it is spoken, kept in their profile (`words.json`, owner-only,
saved with its previous version) and exported with it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aac.predict.words import SENTENCE_START, WORD_RE, normal_word, sentences_of
from profiles.datafile import load_with_backup, save_json
from profiles.store import ProfileStore

FORMAT = "aac-avatar learned words"
VERSION = 1
FILE_NAME = "words.json"


def _check_word(word: Any, where: str, start_allowed: bool = False) -> str:
    if start_allowed and word == SENTENCE_START:
        return word
    if not isinstance(word, str) or not WORD_RE.fullmatch(word) or normal_word(word) != word:
        raise ValueError(f"{where}: {word!r} is not a word in lower case")
    return word


def _check_count(count: Any, where: str) -> int:
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"{where}: the count must be a whole number of at least 1, not {count!r}")
    return count


def _check_table(value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        raise ValueError(f"{where}: expected an object, found {type(value).__name__}")
    return value


class LearnedWords:
    """Counts of the person's words (`unigrams`), pairs (`bigrams[previous][word]`) and triples
    (`trigrams["first second"][word]`), with the way they write words that are not all lower case
    (`forms`, e.g. "xander" -> "Xander"). Sentence starts count as the word SENTENCE_START.
    """

    def __init__(self) -> None:
        self.unigrams: dict[str, int] = {}
        self.bigrams: dict[str, dict[str, int]] = {}
        self.trigrams: dict[str, dict[str, int]] = {}
        self.forms: dict[str, str] = {}
        self.total = 0

    def add_message(self, message: str, is_common: Callable[[str], bool] | None = None) -> None:
        """Count the words, pairs and triples of one spoken message.

        `is_common(word)` says whether a word is in the language's word list: a capital at a
        sentence start is then taken as the way the person writes the word only for words that
        are not (a name such as "Xander", not "Thanks").
        """
        for sentence in sentences_of(message):
            first, second = SENTENCE_START, SENTENCE_START
            for index, match in enumerate(WORD_RE.finditer(sentence)):
                written = match.group().replace("’", "'")
                word = written.lower()
                if index > 0 or written[1:] != word[1:]:
                    # Mid-sentence (or capitals inside the word, "iPad"): this is how they write it.
                    if written != word:
                        self.forms[word] = written
                    else:
                        self.forms.pop(word, None)
                elif written != word and word not in self.forms and is_common is not None and not is_common(word):
                    self.forms[word] = written
                self.unigrams[word] = self.unigrams.get(word, 0) + 1
                self.total += 1
                pairs = self.bigrams.setdefault(second, {})
                pairs[word] = pairs.get(word, 0) + 1
                triples = self.trigrams.setdefault(f"{first} {second}", {})
                triples[word] = triples.get(word, 0) + 1
                first, second = second, word

    def to_json(self) -> dict:
        """A JSON-ready dictionary (see `from_json`)."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "unigrams": dict(self.unigrams),
            "bigrams": {first: dict(nexts) for first, nexts in self.bigrams.items()},
            "trigrams": {pair: dict(nexts) for pair, nexts in self.trigrams.items()},
            "forms": dict(self.forms),
        }

    @classmethod
    def from_json(cls, value: Any) -> LearnedWords:
        """Read what `to_json` wrote; raise ValueError naming the first thing that is wrong."""
        data = _check_table(value, "learned words")
        if data.get("format") != FORMAT:
            raise ValueError(f"learned words: 'format' must be {FORMAT!r}, found {data.get('format')!r}")
        if data.get("version") != VERSION:
            raise ValueError(f"learned words: version {data.get('version')!r} is not known (this app reads {VERSION})")
        unknown = set(data) - {"format", "version", "unigrams", "bigrams", "trigrams", "forms"}
        if unknown:
            raise ValueError(f"learned words: unknown keys {sorted(unknown)}")
        learned = cls()
        for word, count in _check_table(data.get("unigrams", {}), "unigrams").items():
            learned.unigrams[_check_word(word, "unigrams")] = _check_count(count, f"unigrams[{word!r}]")
        learned.total = sum(learned.unigrams.values())
        for first, nexts in _check_table(data.get("bigrams", {}), "bigrams").items():
            _check_word(first, "bigrams", start_allowed=True)
            table = learned.bigrams.setdefault(first, {})
            for word, count in _check_table(nexts, f"bigrams[{first!r}]").items():
                table[_check_word(word, f"bigrams[{first!r}]")] = _check_count(count, f"bigrams[{first!r}][{word!r}]")
        for pair, nexts in _check_table(data.get("trigrams", {}), "trigrams").items():
            parts = pair.split(" ") if isinstance(pair, str) else []
            if len(parts) != 2:
                raise ValueError(f"trigrams: {pair!r} must be two words separated by one space")
            for part in parts:
                _check_word(part, "trigrams", start_allowed=True)
            table = learned.trigrams.setdefault(pair, {})
            for word, count in _check_table(nexts, f"trigrams[{pair!r}]").items():
                table[_check_word(word, f"trigrams[{pair!r}]")] = _check_count(count, f"trigrams[{pair!r}][{word!r}]")
        for word, form in _check_table(data.get("forms", {}), "forms").items():
            _check_word(word, "forms")
            if not isinstance(form, str) or normal_word(form) != word:
                raise ValueError(f"forms[{word!r}]: {form!r} is not a way of writing {word!r}")
            learned.forms[word] = form
        return learned


def load_learned(store: ProfileStore, profile_name: str) -> tuple[LearnedWords, str | None]:
    """The learned words of profile `profile_name` in `store`.

    Returns (words, note): the note is a sentence for the person when the file was damaged and
    its previous version, or nothing, was used. A new profile starts empty without a note.
    """
    path = store.profile_dir(profile_name) / FILE_NAME
    loaded = load_with_backup(path, lambda data: LearnedWords.from_json(json.loads(data.decode("utf-8"))), LearnedWords)
    return loaded.value, loaded.note


def save_learned(store: ProfileStore, profile_name: str, learned: LearnedWords) -> None:
    """Store `learned` as the profile's words.json (atomically, owner-only, previous version kept)."""
    save_json(store, profile_name, FILE_NAME, learned.to_json())
