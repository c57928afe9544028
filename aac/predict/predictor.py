"""Word prediction: completions of the word being typed, and likely next words after a space.

Candidates come from the language's word list (wordfreq), English word pairs (symspellpy) and
the person's own words, pairs and triples; each is scored by a weighted mix of those sources
(`Weights`), so what the person says often rises to the top.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from aac.predict.learned import LearnedWords
from aac.predict.lexicon import Lexicon, load_lexicon
from aac.predict.words import (
    WORD_RE,
    at_sentence_start,
    context_words,
    match_key,
    normal_word,
    split_partial,
)

HEARD_DECAY = 0.7  # each new caption: what was heard before counts less
HEARD_KEEP = 60  # the words of the last few captions

# Words English always writes with a capital (the list has them in lower case).
_ENGLISH_CAPITALS = {
    word: word.capitalize()
    for word in [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "april",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "english",
        "christmas",
        "easter",
    ]
}


@dataclass(frozen=True)
class Weights:
    """How much each source counts in a suggestion's score (tuned on dev_messages.txt).

    Each source gives a probability: `unigram` the word's frequency in the language, `pair`
    P(word | previous word) from the web's word pairs, `chat_pair` and `chat_triple` the same
    after one and two words from typed conversation, the `learned_*` ones from the person's own
    messages. `learned_damping` keeps one-off pairs from outranking the language's.
    """

    unigram: float = 1.0
    pair: float = 0.5
    chat_pair: float = 2.0
    chat_triple: float = 5.0
    # A conversation context seen this many times counts half (0: any context seen counts fully).
    chat_trust: float = 0.0
    learned_unigram: float = 0.3
    learned_pair: float = 0.3
    learned_triple: float = 6.0
    learned_damping: float = 6.0
    # words the conversation partner just said (captions): not tuned, a nudge of about a learned word's size
    heard: float = 0.02
    candidates: int = 20
    # A word worth more keys counts more: score * (letters it saves) ** length_power.
    length_power: float = 0.0
    # Words already offered for this word and passed over are pushed down by this factor.
    passed_over: float = 0.01


def prediction_language(profile: Any) -> str:
    """The language prediction uses for `profile` (a profiles.schema.Profile): its prediction
    language, or else the profile's language."""
    return profile.prediction.language or profile.language


class Predictor:
    """Suggestions for the message being typed, learning from each message spoken.

    `lexicon` lets several predictors share one loaded word list (it is read-only); by default
    the list of `language` is loaded from (or built into) the cache in `cache_dir`.
    `learning` False: `learn` does nothing (the profile's learning switch).
    """

    def __init__(
        self,
        language: str,
        learned: LearnedWords | None = None,
        *,
        learning: bool = True,
        lexicon: Lexicon | None = None,
        weights: Weights | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        self.language = language
        self.learned = learned if learned is not None else LearnedWords()
        self.learning = learning
        self.lexicon = lexicon if lexicon is not None else load_lexicon(language, cache_dir)
        self.weights = weights or Weights()
        self._capitals = _ENGLISH_CAPITALS if self.lexicon.language == "en" else {}
        self._learned_keys: list[str] = []
        self._learned_words: list[str] = []
        self._learned_counts = np.zeros(0)
        self._totals = {}
        self._learned_version = -1
        self._heard: dict[str, float] = {}  # word -> how recently the partner said it (1.0 just now)
        self._heard_forms: dict[str, str] = {}
        # The last call: its text, its before/partial, the words offered and those passed over before it.
        self._last_text: str | None = None
        self._last_split = ("", "")
        self._last_offered: set[str] = set()
        self._last_passed: set[str] = set()

    @property
    def note(self) -> str | None:
        """A sentence for the person when prediction is limited (no word list for the language)."""
        return self.lexicon.note

    def learn(self, message: str) -> None:
        """Learn the words of a message the person has just spoken (nothing when learning is off)."""
        if self.learning:
            self.learned.add_message(message, is_common=self._is_common)

    def hear(self, text: str) -> None:
        """The conversation partner said `text` (a caption): its words rank higher for a while, the newest most.
        Nothing heard is learned or stored."""
        for word in self._heard:
            self._heard[word] *= HEARD_DECAY
        for position, match in enumerate(WORD_RE.finditer(text)):
            form = match.group()
            word = normal_word(form)
            if len(word) > 1:
                self._heard[word] = 1.0
                if position > 0 and form[:1].isupper():
                    self._heard_forms[word] = form  # a name keeps its capital (not a sentence's first word)
        for word in sorted(self._heard, key=self._heard.get)[:-HEARD_KEEP]:
            del self._heard[word]
            self._heard_forms.pop(word, None)

    def suggest(self, text: str, count: int = 5) -> list[str]:
        """Up to `count` suggestions for `text`, the whole message so far, best first.

        Inside a word: longer words that start with it (in the case the person began it with).
        After a space, or with nothing typed: likely next words.
        """
        if count <= 0:
            return []
        before, partial = split_partial(text)
        passed = self._passed_over(text, before, partial)
        second, first = context_words(before)
        key_prefix = match_key(partial)
        scores = self._scores(key_prefix, normal_word(partial), second, first)
        weights = self.weights
        for word in scores:
            if weights.length_power:
                scores[word] *= max(1, len(match_key(word)) - len(key_prefix)) ** weights.length_power
            if word in passed:
                scores[word] *= weights.passed_over
        sentence_start = not partial and at_sentence_start(before)
        shown: list[str] = []
        for word in sorted(scores, key=lambda w: (-scores[w], w)):
            form = self._display(word, partial, sentence_start)
            if form == partial or form in shown:
                continue
            shown.append(form)
            if len(shown) == count:
                break
        self._last_offered.update(normal_word(word) for word in shown)
        return shown

    def _passed_over(self, text: str, before: str, partial: str) -> set[str]:
        """The words offered for the word being typed at earlier keys: the person did not take them.

        Only while the word grows letter by letter after the same text; a repeated call for the
        same text (a redraw) changes nothing, and anything else (a deletion, a new word) starts afresh.
        """
        if text == self._last_text:
            return self._last_passed
        last_before, last_partial = self._last_split
        grows = before == last_before and len(partial) > len(last_partial)
        if grows and match_key(partial).startswith(match_key(last_partial)):
            self._last_passed = self._last_passed | self._last_offered
        else:
            self._last_passed = set()
        self._last_text, self._last_split, self._last_offered = text, (before, partial), set()
        return self._last_passed

    def _is_common(self, word: str) -> bool:
        return self._lexicon_index(word) is not None

    def _lexicon_index(self, word: str) -> int | None:
        lexicon = self.lexicon
        key = match_key(word)
        i = bisect.bisect_left(lexicon.keys, key)
        while i < len(lexicon.keys) and lexicon.keys[i] == key:
            if lexicon.words[i] == word:
                return i
            i += 1
        return None

    def _refresh_learned(self) -> None:
        # Rebuilt after each message learned: sorted for prefix search, totals for probabilities.
        if self._learned_version == self.learned.total:
            return
        ordered = sorted((match_key(word), word) for word in self.learned.unigrams)
        self._learned_keys = [key for key, _word in ordered]
        self._learned_words = [word for _key, word in ordered]
        self._learned_counts = np.array([self.learned.unigrams[word] for word in self._learned_words], np.float64)
        self._totals: dict[str, int] = {}
        self._learned_version = self.learned.total

    def _learned_total(self, table: dict[str, dict[str, int]], context: str) -> int:
        key = f"{id(table)} {context}"
        if key not in self._totals:
            self._totals[key] = sum(table.get(context, {}).values())
        return self._totals[key]

    def _learned_with_prefix(self, key_prefix: str, typed: str, contexts: list[dict[str, int]]) -> set[str]:
        """The person's most used words starting with `key_prefix`, and their words that followed this context."""
        start = bisect.bisect_left(self._learned_keys, key_prefix)
        end = bisect.bisect_left(self._learned_keys, key_prefix + "\U0010ffff", lo=start)
        found = {self._learned_words[i] for i in _top(self._learned_counts, start, end, self.weights.candidates)}
        for table in contexts:
            found.update(word for word in table if word.startswith(typed) and match_key(word).startswith(key_prefix))
        return found

    def _scores(self, key_prefix: str, typed: str, second: str, first: str) -> dict[str, float]:
        lexicon, learned, weights = self.lexicon, self.learned, self.weights
        start, end = lexicon.prefix_range(key_prefix)
        ids = set(_top(lexicon.unigram, start, end, weights.candidates))
        span = lexicon.followers.get(first) if weights.pair > 0 else None
        if span is not None:
            next_ids = lexicon.next_ids[span[0] : span[1]]
            low, high = np.searchsorted(next_ids, [start, end])
            top = _top(lexicon.next_probs[span[0] : span[1]], int(low), int(high), weights.candidates)
            ids.update(int(next_ids[i]) for i in top)
        chat_pairs, chat_triples = lexicon.chat_pairs, lexicon.chat_triples
        pair_context, triple_context = first, f"{second} {first}"
        if weights.chat_pair > 0:
            ids.update(chat_pairs.top(pair_context, start, end, weights.candidates))
        if weights.chat_triple > 0:
            ids.update(chat_triples.top(triple_context, start, end, weights.candidates))
        pair_trust = _trust(chat_pairs.totals.get(pair_context, 0.0), weights.chat_trust)
        triple_trust = _trust(chat_triples.totals.get(triple_context, 0.0), weights.chat_trust)
        words: dict[str, int | None] = {lexicon.words[i]: i for i in ids}
        self._refresh_learned()
        pairs = learned.bigrams.get(first, {})
        triples = learned.trigrams.get(f"{second} {first}", {})
        for word in self._learned_with_prefix(key_prefix, typed.split("'")[0], [pairs, triples]):
            if word not in words:
                words[word] = self._lexicon_index(word)
        for word in self._heard:
            if match_key(word).startswith(key_prefix) and word not in words:
                words[word] = self._lexicon_index(word)
        pairs_total = self._learned_total(learned.bigrams, first)
        triples_total = self._learned_total(learned.trigrams, f"{second} {first}")
        scores = {}
        for word, index in words.items():
            if "'" in typed and not word.startswith(typed):
                continue
            score = 0.0
            if index is not None:
                score += weights.unigram * float(lexicon.unigram[index])
                if span is not None:
                    j = span[0] + int(np.searchsorted(lexicon.next_ids[span[0] : span[1]], index))
                    if j < span[1] and lexicon.next_ids[j] == index:
                        score += weights.pair * float(lexicon.next_probs[j])
                if pair_trust:
                    score += weights.chat_pair * pair_trust * chat_pairs.prob(pair_context, index)
                if triple_trust:
                    score += weights.chat_triple * triple_trust * chat_triples.prob(triple_context, index)
            if learned.total:
                score += weights.learned_unigram * learned.unigrams.get(word, 0) / learned.total
                if pairs_total:
                    score += weights.learned_pair * pairs.get(word, 0) / (pairs_total + weights.learned_damping)
                if triples_total:
                    score += weights.learned_triple * triples.get(word, 0) / (triples_total + weights.learned_damping)
            score += weights.heard * self._heard.get(word, 0.0)
            scores[word] = score
        return scores

    def _display(self, word: str, partial: str, sentence_start: bool) -> str:
        form = self.learned.forms.get(word) or self._heard_forms.get(word) or self._capitals.get(word) or word
        if self._capitals and (word == "i" or word.startswith("i'")):
            form = "I" + form[1:]
        if partial:
            if len(partial) > 1 and partial.isupper():
                return form.upper()
            if partial[0].isupper():
                return form[0].upper() + form[1:]
            return form
        if sentence_start:
            return form[0].upper() + form[1:]
        return form


def _trust(seen: float, half: float) -> float:
    """How far to trust probabilities from a context seen `seen` times: half at `half`."""
    return seen / (seen + half) if seen > 0 else 0.0


def _top(values: np.ndarray, start: int, end: int, count: int) -> list[int]:
    """The indices (into `values`) of the `count` largest of values[start:end]."""
    if end - start <= count:
        return list(range(start, end))
    part = np.argpartition(-values[start:end], count)[:count]
    return [start + int(i) for i in part]
