"""User text made safe to speak: plain text only, never markup, nothing unspeakable."""

from __future__ import annotations

import re
import unicodedata

# Characters that a synthesizer could take as markup (SSML tags, espeak's [[phonemes]],
# entities). They are turned into spaces, so "<speak>hi</speak>" is spoken as words.
_MARKUP = str.maketrans({c: " " for c in "<>[]{}\\|`^~"})
_SPACES = re.compile(r"\s+")
# Joiners that change how a word is written (Persian's half-space, Indic conjuncts): kept inside words.
_JOINERS = ("\u200c", "\u200d")


def _is_variation_selector(ch: str) -> bool:
    return 0xFE00 <= ord(ch) <= 0xFE0F or 0xE0100 <= ord(ch) <= 0xE01EF


def _in_word(out: list[str]) -> bool:
    """Whether the text so far ends inside a word: a letter, or a mark on one (marks stack: Hindi "मैं")."""
    last = out[-1][-1:] if out else ""
    return bool(last) and (last.isalpha() or unicodedata.category(last) in ("Mn", "Mc", "Me") or last in _JOINERS)


def _emoji_as_words(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f" {name.lower()} " if name else " "


def clean_text(text: str) -> str:
    """Plain, speakable text: control and format characters removed, emoji named, markup defused.

    Newlines are kept as sentence breaks. Returns "" for text with nothing to say.
    """
    if not isinstance(text, str):
        raise TypeError("text must be a string")
    text = unicodedata.normalize("NFC", text).replace("&", " and ")
    out: list[str] = []
    for ch in text:
        cat = unicodedata.category(ch)
        if ch == "\n":
            out.append("\n")
        elif cat in ("Cc", "Zl", "Zp"):
            out.append(" ")
        elif cat in ("Mn", "Me") and _is_variation_selector(ch):
            continue  # picks an emoji or glyph style: nothing to say
        elif cat in ("Mn", "Me") or ch in _JOINERS:
            # a mark belongs to the letter (and marks) before it; one with nothing to sit on says nothing
            if _in_word(out):
                out.append(ch)
        elif cat in ("Cf", "Cs", "Co", "Cn"):
            # other format characters, variation selectors, lone surrogates, private use
            continue
        elif cat == "So":
            out.append(_emoji_as_words(ch))
        else:
            out.append(ch)
    text = "".join(out).translate(_MARKUP)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)
