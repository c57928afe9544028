"""The message being composed, one key or one suggestion at a time.

The app's composer and the keystroke-savings simulation both use these, so the simulation
counts exactly the keys a person would press.

Rules:
- Taking a suggestion replaces the word being typed with the suggestion and a space.
- A closing punctuation key right after a word and one space moves in front of that space
  ("word " + "," -> "word, "): the space a suggestion added never needs deleting.
- A space right after a space is dropped: after a suggestion the person need not know that
  the space is already there (a message never needs two spaces in a row).
"""

from __future__ import annotations

from aac.predict.words import split_partial

BACKSPACE = "\b"
# Punctuation that belongs to the word before it, never after a space.
CLOSING_PUNCTUATION = frozenset(".,;:!?)]}…%")


def accept_suggestion(text: str, word: str) -> str:
    """`text` with the word being typed replaced by `word` and a following space.

    The case the person started the word with is kept ("Wa" + "want" -> "Want ").
    """
    before, partial = split_partial(text)
    if partial and partial[0].isupper() and word[:1].islower():
        word = word[0].upper() + word[1:]
    if before and not before[-1].isspace() and not partial and before[-1] not in "([{\"'“‘-/":
        before += " "
    return before + word + " "


def apply_key(text: str, key: str) -> str:
    """`text` after one key: a character, or BACKSPACE (deletes the last character)."""
    if key == BACKSPACE:
        return text[:-1]
    if len(key) != 1:
        raise ValueError(f"a key is one character or BACKSPACE, not {key!r}")
    after_word = len(text) >= 2 and text[-1] == " " and (text[-2] in CLOSING_PUNCTUATION or text[-2].isalnum())
    if key in CLOSING_PUNCTUATION and after_word:
        return text[:-1] + key + " "
    if key == " " and text.endswith(" "):
        return text
    return text + key
