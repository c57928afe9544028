"""How many keys prediction saves: a simulated person types messages with the suggestions.

The person types each message character by character (spaces and punctuation are keys too),
takes a suggestion (one key) as soon as it offers the word they are typing, and the predictor
learns from each message once it is spoken. Keys go through `compose_text`, exactly as in the app.

    python -m aac.predict.savings [--messages FILE] [--language en-US] [--compare]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from aac.predict.compose_text import BACKSPACE, accept_suggestion, apply_key
from aac.predict.predictor import Predictor
from aac.predict.words import WORD_RE, normal_word, split_partial

DATA_DIR = Path(__file__).parent / "data"
HELDOUT_FILE = DATA_DIR / "heldout_messages.txt"
DEV_FILE = DATA_DIR / "dev_messages.txt"


@dataclass(frozen=True)
class SavingsReport:
    """Keys pressed against characters written, and the time a suggestion took per keystroke."""

    messages: int
    characters: int
    keys: int
    savings: float
    ms_per_keystroke_mean: float
    ms_per_keystroke_p95: float


def read_messages(path: Path) -> list[str]:
    """The messages in a text file, one a line (blank lines skipped); ValueError naming the file if unreadable."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot read the messages ({exc})") from None
    messages = [line.strip() for line in text.splitlines() if line.strip()]
    if not messages:
        raise ValueError(f"{path}: no messages in it (write one message a line)")
    return messages


def _is_on_track(text: str, target: str) -> bool:
    # Case does not matter to the person; a space after the end is harmless.
    return (target + " ").lower().startswith(text.lower())


def type_message(message: str, predictor: Predictor, suggestions: int, times_ms: list[float]) -> int:
    """The keys one message takes; appends the time of each suggestion call (ms) to `times_ms`."""
    text = ""
    keys = 0
    for _ in range(4 * len(message) + 8):
        if text.lower() in (message.lower(), message.lower() + " "):
            return keys
        keys += 1
        if not _is_on_track(text, message):
            # A suggestion's space where the message has punctuation: the punctuation key moves it.
            # Anything else that went astray is deleted.
            fixed = apply_key(text, message[len(text) - 1]) if len(text) <= len(message) else text
            text = fixed if fixed != text and _is_on_track(fixed, message) else apply_key(text, BACKSPACE)
            continue
        before, partial = split_partial(text)
        goal = WORD_RE.match(message, len(before))
        if goal is not None and goal.end() > len(text):
            started = time.perf_counter()
            offered = predictor.suggest(text, suggestions)
            times_ms.append((time.perf_counter() - started) * 1000)
            wanted = normal_word(goal.group())
            taken = next((word for word in offered if normal_word(word) == wanted), None)
            if taken is not None:
                text = accept_suggestion(text, taken)
                continue
        text = apply_key(text, message[len(text)])
    raise RuntimeError(f"the simulated typist could not finish {message!r} (reached {text!r})")


def keystroke_savings(
    messages: list[str], make_predictor: Callable[[], Predictor], suggestions: int = 5
) -> SavingsReport:
    """Simulate typing `messages` in order with a fresh predictor that learns from each one."""
    predictor = make_predictor()
    times_ms: list[float] = []
    characters = keys = 0
    for message in messages:
        characters += len(message)
        keys += type_message(message, predictor, suggestions, times_ms)
        predictor.learn(message)
    times = np.array(times_ms) if times_ms else np.zeros(1)
    return SavingsReport(
        messages=len(messages),
        characters=characters,
        keys=keys,
        savings=1.0 - keys / characters if characters else 0.0,
        ms_per_keystroke_mean=float(times.mean()),
        ms_per_keystroke_p95=float(np.percentile(times, 95)),
    )


def main(argv: list[str] | None = None) -> int:
    """Print the keystroke savings of prediction on a file of messages."""
    from aac.predict.lexicon import load_lexicon
    from aac.predict.predictor import Weights

    parser = argparse.ArgumentParser(prog="python -m aac.predict.savings", description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=Path, action="append", help="messages, one a line (default: held-out)")
    parser.add_argument("--language", default="en-US")
    parser.add_argument("--suggestions", type=int, default=5)
    parser.add_argument("--compare", action="store_true", help="also without word pairs and without learning")
    parser.add_argument("--cache-dir", type=Path, default=None)
    parser.add_argument("--passes", type=int, default=1, help="type the messages this many times (a person repeats)")
    args = parser.parse_args(argv)
    try:
        sets = {path: read_messages(path) * max(1, args.passes) for path in (args.messages or [HELDOUT_FILE])}
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    started = time.perf_counter()
    lexicon = load_lexicon(args.language, args.cache_dir)
    print(
        f"word list {lexicon.language}: {len(lexicon.words)} words, pairs for {len(lexicon.followers)} words, "
        f"loaded in {time.perf_counter() - started:.2f} s"
    )
    variants = {"pairs + learning": (Weights(), True)}
    if args.compare:
        no_pairs = Weights(pair=0.0, chat_pair=0.0, chat_triple=0.0)
        variants = {
            "words only": (no_pairs, False),
            "words + pairs": (Weights(), False),
            "words + learning": (no_pairs, True),
            "web pairs + learning": (Weights(chat_pair=0.0, chat_triple=0.0), True),
            "pairs + learning": (Weights(), True),
        }
    for path, messages in sets.items():
        for name, (weights, learning) in variants.items():
            report = keystroke_savings(
                messages,
                lambda w=weights, on=learning: Predictor(args.language, learning=on, lexicon=lexicon, weights=w),
                args.suggestions,
            )
            print(
                f"{path.name:24} {name:20} savings {report.savings:.3f} ({report.keys}/{report.characters} keys, "
                f"{report.messages} messages) {report.ms_per_keystroke_mean:.2f} ms mean, "
                f"{report.ms_per_keystroke_p95:.2f} ms p95 per keystroke"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
