"""User text made safe to speak: plain text only, never markup, nothing unspeakable."""

from __future__ import annotations

import re
import unicodedata

# Characters that a synthesizer could take as markup (SSML tags, espeak's [[phonemes]],
# entities). They are turned into spaces, so "<speak>hi</speak>" is spoken as words.
_MARKUP = str.maketrans({c: " " for c in "<>[]{}\\|`^~"})
_SPACES = re.compile(r"\s+")


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
        elif cat in ("Cf", "Cs", "Co", "Cn", "Mn") and not (cat == "Mn" and out and out[-1].isalpha()):
            # zero-width joiners, variation selectors, lone surrogates, private use
            continue
        elif cat == "So":
            out.append(_emoji_as_words(ch))
        else:
            out.append(ch)
    text = "".join(out).translate(_MARKUP)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)
