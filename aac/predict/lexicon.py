"""A language's shared word data: word frequencies (wordfreq) and, for English, word pairs (symspellpy)
and word pairs and triples of typed conversation (`chat_corpus`, shipped in data/).

Built once from the installed packages (about a second), then kept as a compact cache file
(numpy arrays, no pickle) in the user's cache folder, which loads in a fraction of that.
Nothing is downloaded.
"""

from __future__ import annotations

import bisect
import hashlib
import importlib.metadata
import importlib.util
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from aac.predict.chat_corpus import CHAT_TABLE, read_table
from aac.predict.words import WORD_RE, match_key

log = logging.getLogger(__name__)

# Enough for everyday language; rarer words come from what the person types.
VOCABULARY_SIZE = 100_000
CACHE_FORMAT = 3
# A spelling without its apostrophe ("dont") this many times rarer than the one with it is a misspelling.
MISSPELLING_RATIO = 10.0
BIGRAM_FILE = "frequency_bigramdictionary_en_243_342.txt"
# Word pairs exist for these wordfreq languages only.
BIGRAM_LANGUAGES = {"en": BIGRAM_FILE}
# Pairs and triples of conversation (aac/predict/data/), for these languages.
CHAT_LANGUAGES = {"en": CHAT_TABLE}


@dataclass(frozen=True)
class NextWords:
    """Likely next words after a context (one word, or two words and a space).

    `spans[context]` is (start, end) into `ids` (indices into the lexicon's words, ascending
    within a span) and `probs` (P(next | context)); `totals[context]` is how many times the
    context was seen, which says how far its probabilities can be trusted.
    """

    spans: dict[str, tuple[int, int]]
    ids: np.ndarray
    probs: np.ndarray
    totals: dict[str, float]

    def top(self, context: str, start: int, end: int, count: int) -> list[int]:
        """The word indices in [start, end) most likely after `context`, at most `count`."""
        span = self.spans.get(context)
        if span is None:
            return []
        ids = self.ids[span[0] : span[1]]
        low, high = np.searchsorted(ids, [start, end])
        probs = self.probs[span[0] : span[1]]
        if high - low <= count:
            return [int(i) for i in ids[low:high]]
        part = np.argpartition(-probs[low:high], count)[:count]
        return [int(ids[low + i]) for i in part]

    def prob(self, context: str, index: int) -> float:
        """P(word `index` | `context`), 0 when unseen."""
        span = self.spans.get(context)
        if span is None:
            return 0.0
        j = span[0] + int(np.searchsorted(self.ids[span[0] : span[1]], index))
        return float(self.probs[j]) if j < span[1] and self.ids[j] == index else 0.0


def no_next_words() -> NextWords:
    """NextWords that know no context."""
    return NextWords({}, np.zeros(0, np.int32), np.zeros(0, np.float32), {})


def next_words(rows: list[tuple[str, str, float]], index: dict[str, int]) -> NextWords:
    """NextWords from (context, word, count) rows; every word must be in `index`."""
    rows = sorted(rows, key=lambda row: (row[0], index[row[1]]))
    ids = np.array([index[word] for _context, word, _count in rows], np.int32)
    counts = np.array([count for _context, _word, count in rows], np.float64)
    probs = np.zeros(len(rows), np.float32)
    spans: dict[str, tuple[int, int]] = {}
    totals: dict[str, float] = {}
    start = 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or rows[i][0] != rows[start][0]:
            total = counts[start:i].sum()
            spans[rows[start][0]] = (start, i)
            totals[rows[start][0]] = float(total)
            probs[start:i] = counts[start:i] / total
            start = i
    return NextWords(spans, ids, probs, totals)


@dataclass(frozen=True)
class Lexicon:
    """Words of one language sorted by match key, with their frequencies and likely followers.

    `followers[word]` is (start, end) into `next_ids` (indices into `words`, ascending) and
    `next_probs` (P(next | word) from the pair counts).
    """

    language: str
    words: list[str]
    keys: list[str]
    unigram: np.ndarray
    followers: dict[str, tuple[int, int]]
    next_ids: np.ndarray
    next_probs: np.ndarray
    note: str | None = None
    chat_pairs: NextWords = field(default_factory=no_next_words)
    chat_triples: NextWords = field(default_factory=no_next_words)

    def prefix_range(self, key_prefix: str) -> tuple[int, int]:
        """The indices [start, end) of the words whose match key starts with `key_prefix`."""
        start = bisect.bisect_left(self.keys, key_prefix)
        end = bisect.bisect_left(self.keys, key_prefix + "\U0010ffff", lo=start)
        return start, end

    @property
    def has_pairs(self) -> bool:
        """Whether this language has word-pair data (next-word prediction beyond the person's own)."""
        return bool(self.followers)


def empty_lexicon(language: str, note: str | None = None) -> Lexicon:
    """A lexicon with no words: prediction then comes from the person's own words only."""
    return Lexicon(language, [], [], np.zeros(0, np.float32), {}, np.zeros(0, np.int32), np.zeros(0, np.float32), note)


def wordfreq_language(language: str) -> str | None:
    """The wordfreq language closest to the BCP-47 tag `language` ("en-GB" -> "en"), or None."""
    import langcodes
    import wordfreq

    supported = sorted(wordfreq.available_languages(wordlist="best"))
    return langcodes.closest_supported_match(language, supported, max_distance=10)


def _bigram_path(name: str) -> Path | None:
    # find_spec locates the package without importing it: only its data file is needed.
    spec = importlib.util.find_spec("symspellpy")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / name
    return path if path.is_file() else None


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "none"


def build_lexicon(language: str, size: int = VOCABULARY_SIZE) -> Lexicon:
    """Build the lexicon of `language` from wordfreq (and symspellpy's pairs for English)."""
    import wordfreq

    code = wordfreq_language(language)
    if code is None:
        return empty_lexicon(language, f"no word list for language {language!r}; suggestions come from your own words")
    every = wordfreq.get_frequency_dict(code, wordlist="best")
    # The dictionary comes most frequent first; keep the first `size` real words.
    frequencies: dict[str, float] = {}
    for word, frequency in every.items():
        if WORD_RE.fullmatch(word):
            frequencies[word] = frequency
            if len(frequencies) >= size:
                break
    spelled = _apostrophe_spellings(frequencies)
    for plain in spelled:
        del frequencies[plain]
    pairs: list[tuple[str, str, float]] = []
    pair_file = BIGRAM_LANGUAGES.get(code)
    path = _bigram_path(pair_file) if pair_file else None
    if path is not None:
        for line in path.read_text(encoding="utf-8").splitlines():
            first, second, count = line.split(" ")
            first, second = spelled.get(first, first), spelled.get(second, second)
            pairs.append((first, second, float(count)))
            # Pair words missing from the word list still get a (small) frequency of their own.
            if second not in frequencies:
                frequencies[second] = every.get(second, 0.0)
    elif pair_file:
        log.warning("symspellpy's %s is not installed: next-word prediction uses only the person's words", pair_file)
    chat_rows: list[tuple[str, str, float]] = []
    chat_file = CHAT_LANGUAGES.get(code)
    if chat_file is not None and chat_file.is_file():
        for context, word, count in read_table(chat_file):
            chat_rows.append((context, spelled.get(word, word), float(count)))
            if chat_rows[-1][1] not in frequencies:
                frequencies[chat_rows[-1][1]] = every.get(chat_rows[-1][1], 0.0)
    ordered = sorted(frequencies, key=lambda word: (match_key(word), word))
    index = {word: i for i, word in enumerate(ordered)}
    unigram = np.array([frequencies[word] for word in ordered], np.float32)

    pairs.sort(key=lambda pair: (pair[0], index[pair[1]]))
    followers: dict[str, tuple[int, int]] = {}
    next_ids = np.array([index[second] for _first, second, _count in pairs], np.int32)
    counts = np.array([count for _first, _second, count in pairs], np.float64)
    next_probs = np.zeros(len(pairs), np.float32)
    start = 0
    for i in range(1, len(pairs) + 1):
        if i == len(pairs) or pairs[i][0] != pairs[start][0]:
            followers[pairs[start][0]] = (start, i)
            next_probs[start:i] = counts[start:i] / counts[start:i].sum()
            start = i
    pairs_of_chat = [row for row in chat_rows if " " not in row[0]]
    triples_of_chat = [row for row in chat_rows if " " in row[0]]
    return Lexicon(
        code,
        ordered,
        [match_key(word) for word in ordered],
        unigram,
        followers,
        next_ids,
        next_probs,
        chat_pairs=next_words(pairs_of_chat, index),
        chat_triples=next_words(triples_of_chat, index),
    )


def _apostrophe_spellings(frequencies: dict[str, float]) -> dict[str, str]:
    """Words written without their apostrophe ("dont", "im") -> the word ("don't", "i'm").

    They would take a suggestion's place beside the real word, and the word pairs (which have
    no apostrophes) know contractions only in this form ("i cant").
    """
    best: dict[str, str] = {}
    for word, frequency in frequencies.items():
        if "'" in word:
            plain = word.replace("'", "")
            if frequency > frequencies.get(best.get(plain, ""), 0.0):
                best[plain] = word
    return {
        plain: word
        for plain, word in best.items()
        if plain in frequencies and frequencies[word] > MISSPELLING_RATIO * frequencies[plain]
    }


def _cache_file(cache_dir: Path, code: str) -> Path:
    chat = CHAT_LANGUAGES.get(code)
    # The shipped table changes with the app, not with a package version: its bytes name it.
    digest = hashlib.sha256(chat.read_bytes()).hexdigest()[:10] if chat is not None and chat.is_file() else "none"
    versions = f"wordfreq{_version('wordfreq')}-symspellpy{_version('symspellpy')}-chat{digest}"
    return cache_dir / f"lexicon-{code}-v{CACHE_FORMAT}-{versions}.npz"


def _join(strings: list[str]) -> np.ndarray:
    return np.frombuffer("\n".join(strings).encode("utf-8"), np.uint8)


def _split(array: np.ndarray) -> list[str]:
    text = array.tobytes().decode("utf-8")
    return text.split("\n") if text else []


def save_lexicon(lexicon: Lexicon, path: Path) -> None:
    """Write `lexicon` as a compact numpy file (written beside, then renamed into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    firsts = list(lexicon.followers)
    bounds = np.array([lexicon.followers[first] for first in firsts], np.int32).reshape(-1, 2)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp.npz")
    np.savez(
        temp,
        words=_join(lexicon.words),
        keys=_join(lexicon.keys),
        unigram=lexicon.unigram,
        firsts=_join(firsts),
        bounds=bounds,
        next_ids=lexicon.next_ids,
        next_probs=lexicon.next_probs,
        **_next_words_arrays("chat2", lexicon.chat_pairs),
        **_next_words_arrays("chat3", lexicon.chat_triples),
    )
    os.replace(temp, path)


def _next_words_arrays(name: str, table: NextWords) -> dict[str, np.ndarray]:
    contexts = list(table.spans)
    return {
        f"{name}_contexts": _join(contexts),
        f"{name}_bounds": np.array([table.spans[c] for c in contexts], np.int32).reshape(-1, 2),
        f"{name}_totals": np.array([table.totals[c] for c in contexts], np.float64),
        f"{name}_ids": table.ids,
        f"{name}_probs": table.probs,
    }


def _read_next_words(data, name: str, path: Path, size: int) -> NextWords:
    contexts = _split(data[f"{name}_contexts"])
    bounds, totals = data[f"{name}_bounds"], data[f"{name}_totals"]
    ids, probs = data[f"{name}_ids"], data[f"{name}_probs"]
    if not len(contexts) == len(bounds) == len(totals) or len(ids) != len(probs):
        raise ValueError(f"{path}: the {name} arrays disagree in length")
    if len(ids) and (ids.min() < 0 or ids.max() >= size):
        raise ValueError(f"{path}: a {name} word points outside the word list")
    spans = {c: (int(start), int(end)) for c, (start, end) in zip(contexts, bounds.tolist(), strict=True)}
    return NextWords(spans, ids, probs, dict(zip(contexts, totals.tolist(), strict=True)))


def read_lexicon(path: Path, language: str) -> Lexicon:
    """Read a lexicon written by `save_lexicon`; raise ValueError when the file is not one."""
    with np.load(path, allow_pickle=False) as data:
        words = _split(data["words"])
        keys = _split(data["keys"])
        unigram = data["unigram"]
        firsts = _split(data["firsts"])
        bounds = data["bounds"]
        next_ids = data["next_ids"]
        next_probs = data["next_probs"]
        chat_pairs = _read_next_words(data, "chat2", path, len(words))
        chat_triples = _read_next_words(data, "chat3", path, len(words))
    lengths_agree = len(unigram) == len(words) == len(keys) and len(bounds) == len(firsts)
    if not lengths_agree or len(next_ids) != len(next_probs):
        raise ValueError(f"{path}: the lexicon's arrays disagree in length")
    if len(next_ids) and (next_ids.min() < 0 or next_ids.max() >= len(words)):
        raise ValueError(f"{path}: a word pair points outside the word list")
    followers = {first: (int(start), int(end)) for first, (start, end) in zip(firsts, bounds.tolist(), strict=True)}
    return Lexicon(language, words, keys, unigram, followers, next_ids, next_probs, None, chat_pairs, chat_triples)


def default_cache_dir() -> Path:
    """The user's cache folder for prediction data."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("aac-avatar")) / "predict"


def load_lexicon(language: str, cache_dir: Path | None = None) -> Lexicon:
    """The lexicon of `language`: from the cache in `cache_dir` when there, else built and cached.

    `cache_dir` None means the user's cache folder. A damaged or unwritable cache is rebuilt or
    skipped, never fatal. Safe to call from a background thread.
    """
    code = wordfreq_language(language)
    if code is None:
        return build_lexicon(language)
    path = _cache_file(cache_dir or default_cache_dir(), code)
    if path.is_file():
        try:
            return read_lexicon(path, code)
        except (OSError, ValueError, KeyError, UnicodeDecodeError) as exc:
            log.warning("prediction cache %s is damaged (%s); rebuilding it", path, exc)
    lexicon = build_lexicon(language)
    try:
        save_lexicon(lexicon, path)
    except OSError as exc:
        log.warning("could not write the prediction cache %s (%s); it is rebuilt next start", path, exc)
    return lexicon
