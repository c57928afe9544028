"""English word pairs and triples from real typed conversation (the Chit-Chat dataset).

The web pairs of symspellpy know written English; people talking write differently ("are you",
"i'm", "can you", a sentence that starts with "I"). These counts come from the Chit-Chat
Challenge dataset of the BYU Perception, Control and Cognition Lab (7,168 conversations, 2.5 M
words typed by people chatting; MIT licence, PyPI package `chitchat-dataset` 0.9.0). The compact
table in data/ is derived from it, shipped with its licence notice, and rebuilt with

    python -m aac.predict.chat_corpus [--dataset dataset.json]

(needs `pip install chitchat-dataset`; nothing here needs it at run time).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from aac.predict.words import SENTENCE_START, WORD_RE, normal_word, sentences_of

CHAT_TABLE = Path(__file__).parent / "data" / "chat_ngrams_en.tsv.gz"
# Pairs and triples seen fewer times than this are left out: they are mostly typing slips and
# one-off names, and the table stays small (about a megabyte).
MIN_PAIR_COUNT = 2
MIN_TRIPLE_COUNT = 3
NOTICE = """\
# aac-avatar: word pairs and triples counted in the Chit-Chat dataset (typed conversation).
# Source: Chit-Chat Challenge dataset, BYU Perception, Control and Cognition Lab,
#   PyPI package chitchat-dataset 0.9.0 (chitchat_dataset/dataset.json).
# Derived by aac/predict/chat_corpus.py: lower case, apostrophes restored ("im" -> "i'm"),
#   <s> marks a sentence start; pairs seen >= {min_pair} times, triples >= {min_triple} times.
# Format: context (one word, or two words and a space) TAB next word TAB count.
#
# The dataset's licence:
# MIT License
#
# Copyright (c) 2019 Perception, Control and Cognition Lab
#
# Permission is hereby granted, free of charge, to any person obtaining a copy
# of this software and associated documentation files (the "Software"), to deal
# in the Software without restriction, including without limitation the rights
# to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
# copies of the Software, and to permit persons to whom the Software is
# furnished to do so, subject to the following conditions:
#
# The above copyright notice and this permission notice shall be included in all
# copies or substantial portions of the Software.
#
# THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
# IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
# FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
# AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
# LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
# OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
# SOFTWARE.
"""


def count_ngrams(
    utterances: Iterable[str], spell: Callable[[str], str] = lambda word: word
) -> tuple[Counter[str], Counter[str]]:
    """Counts of word pairs ("previous word") and triples ("first second") -> next word, keyed
    "context\\tword", over the sentences of `utterances`; `spell` mends a word ("im" -> "i'm")."""
    pairs: Counter[str] = Counter()
    triples: Counter[str] = Counter()
    for utterance in utterances:
        for sentence in sentences_of(utterance):
            first, second = SENTENCE_START, SENTENCE_START
            for match in WORD_RE.finditer(sentence):
                word = spell(normal_word(match.group()))
                pairs[f"{second}\t{word}"] += 1
                triples[f"{first} {second}\t{word}"] += 1
                first, second = second, word
    return pairs, triples


def write_table(path: Path, pairs: Counter[str], triples: Counter[str]) -> int:
    """Write the pairs and triples seen often enough as a gzipped table; returns the rows written."""
    rows = [f"{key}\t{count}" for key, count in sorted(pairs.items()) if count >= MIN_PAIR_COUNT]
    rows += [f"{key}\t{count}" for key, count in sorted(triples.items()) if count >= MIN_TRIPLE_COUNT]
    text = NOTICE.format(min_pair=MIN_PAIR_COUNT, min_triple=MIN_TRIPLE_COUNT) + "\n".join(rows) + "\n"
    # mtime=0: the same counts give the same bytes (the lexicon cache is keyed by them).
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        out.write(text.encode("utf-8"))
    return len(rows)


def read_table(path: Path = CHAT_TABLE) -> Iterator[tuple[str, str, int]]:
    """(context, next word, count) for each row of a table written by `write_table`.

    Raises ValueError naming the file and line when a row is not one."""
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if line.startswith("#") or not line.strip():
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3 or not parts[2].isdigit():
                raise ValueError(f"{path}, line {number}: expected context, word and count separated by tabs")
            yield parts[0], parts[1], int(parts[2])


def dataset_utterances(path: Path) -> Iterator[str]:
    """Each message typed in the Chit-Chat dataset file `path` (its dataset.json)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    for conversation in data.values():
        for turn in conversation["messages"]:
            for message in turn:
                yield message["text"]


def apostrophe_speller() -> Callable[[str], str]:
    """Mends chat spellings without the apostrophe ("im", "dont") to the word (wordfreq's English)."""
    import wordfreq

    from aac.predict.lexicon import _apostrophe_spellings

    frequencies = {
        word: frequency
        for word, frequency in wordfreq.get_frequency_dict("en", wordlist="best").items()
        if WORD_RE.fullmatch(word)
    }
    spelled = _apostrophe_spellings(frequencies)
    return lambda word: spelled.get(word, word)


def main(argv: list[str] | None = None) -> int:
    """Rebuild the shipped table from the Chit-Chat dataset."""
    parser = argparse.ArgumentParser(prog="python -m aac.predict.chat_corpus", description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, help="the dataset's dataset.json (default: the installed package's)")
    parser.add_argument("--out", type=Path, default=CHAT_TABLE)
    args = parser.parse_args(argv)
    path = args.dataset
    if path is None:
        try:
            import chitchat_dataset
        except ImportError:
            print("install the dataset first: pip install chitchat-dataset", file=sys.stderr)
            return 2
        path = Path(chitchat_dataset.__file__).parent / "dataset.json"
    pairs, triples = count_ngrams(dataset_utterances(path), apostrophe_speller())
    rows = write_table(args.out, pairs, triples)
    print(f"{args.out}: {rows} rows ({len(pairs)} pairs and {len(triples)} triples counted)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
