"""Timed labels from Praat TextGrids and HTK / festival (xlabel) `.lab` files, as (label, start_s, end_s).

Both are common ways corpora and aligners hand out phone alignments. Bad input is a MotionError
naming the file (and the line where there is one).
"""

from __future__ import annotations

import re
from pathlib import Path

from avatar.motion.errors import MotionError

# tiers that hold phones, most specific first (a "phonetic" tier is what was heard, a "phoneme"
# tier the dictionary's canonical phones)
PHONE_TIERS = ("phones", "phone", "phonetic", "segments", "segment", "phonemes", "phoneme")
_INDEX = re.compile(r"\[\d*\]")
_TOKEN = re.compile(r'"(?:[^"]|"")*"|[-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|<exists>|<absent>')
HTK_UNITS_PER_S = 10_000_000  # HTK label times are in 100 ns


def _text(path: Path) -> str:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "utf-16") if not raw.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-16",):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise MotionError(f"{path}: not readable as UTF-8 or UTF-16 text")


def read_textgrid(path: Path) -> dict[str, list[tuple[str, float, float]]]:
    """Every interval tier of a Praat TextGrid (long or short text format): name -> (label, start_s, end_s)."""
    text = _INDEX.sub("", _text(path))
    tokens = _TOKEN.findall(text)
    if len(tokens) < 2 or tokens[0] != '"ooTextFile"' or tokens[1] != '"TextGrid"':
        raise MotionError(f"{path}: not a Praat TextGrid in text format (it should begin 'File type = \"ooTextFile\"')")
    pos = 2

    def take() -> str:
        nonlocal pos
        if pos >= len(tokens):
            raise MotionError(f"{path}: the TextGrid ends part way through a tier")
        pos += 1
        return tokens[pos - 1]

    def number() -> float:
        token = take()
        try:
            return float(token)
        except ValueError:
            raise MotionError(f"{path}: expected a number in the TextGrid, found {token}") from None

    def string() -> str:
        token = take()
        if not token.startswith('"'):
            raise MotionError(f"{path}: expected a quoted text in the TextGrid, found {token}")
        return token[1:-1].replace('""', '"')

    number(), number()  # the grid's xmin, xmax
    if take() != "<exists>":
        return {}
    tiers: dict[str, list[tuple[str, float, float]]] = {}
    for _ in range(int(number())):
        kind, name = string(), string()
        number(), number()
        count = int(number())
        if kind == "IntervalTier":
            items = []
            for _ in range(count):
                start, end, label = number(), number(), string()
                items.append((label.strip(), start, end))
            tiers.setdefault(name, items)
        else:  # a TextTier: points, no durations
            for _ in range(count):
                number(), string()
    return tiers


def textgrid_phones(path: Path) -> list[tuple[str, float, float]]:
    """The phone tier of a TextGrid (named phones, phone, phonetic, segments or phonemes, in that
    preference, in any letter case); MotionError naming the file and its tiers when none is."""
    tiers = read_textgrid(path)
    by_name = {name.strip().lower(): items for name, items in tiers.items()}
    for wanted in PHONE_TIERS:
        if wanted in by_name:
            return by_name[wanted]
    raise MotionError(f"{path}: no phone tier (one named {', '.join(PHONE_TIERS)}); its interval tiers are: "
                      f"{', '.join(tiers) or 'none'}")


def textgrid_words(path: Path) -> str:
    """The words of a TextGrid's word tier ("words", "text" or "word", in that preference: EMU's
    "Word" tier marks content and function words, its "Text" tier holds them), '' without one."""
    tiers = {name.strip().lower(): items for name, items in read_textgrid(path).items()}
    items = next((tiers[name] for name in ("words", "text", "word") if name in tiers), [])
    return " ".join(label for label, _, _ in items if label and label.lower() not in ("sil", "sp", "<sil>"))


def read_lab(path: Path) -> list[tuple[str, float, float]]:
    """The labels of a `.lab` file: festival / ESPS xlabel (a header, a `#` line, then `END_S COLOUR
    LABEL` a line, each label running from the previous end) or HTK (`START END LABEL`, times in
    100 ns)."""
    lines = _text(path).splitlines()
    out: list[tuple[str, float, float]] = []
    xlabel = any(line.strip() == "#" for line in lines)
    body = lines[[line.strip() for line in lines].index("#") + 1:] if xlabel else lines
    first = len(lines) - len(body) + 1
    previous_end = 0.0
    for number, line in enumerate(body, first):
        fields = line.split()
        if not fields:
            continue
        try:
            if xlabel:
                end, label = float(fields[0]), " ".join(fields[2:])
                start = previous_end
            else:
                start, end = int(fields[0]) / HTK_UNITS_PER_S, int(fields[1]) / HTK_UNITS_PER_S
                label = fields[2]
        except (IndexError, ValueError):
            shape = "'END_S COLOUR LABEL' (xlabel)" if xlabel else "'START END LABEL' in 100 ns (HTK)"
            raise MotionError(f"{path}, line {number}: expected {shape}, got {line.strip()!r}") from None
        out.append((label.strip(), start, end))
        previous_end = end
    return out
