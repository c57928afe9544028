"""A message as typed or piped in: decoded by its byte-order mark (a UTF-16 file is read as text,
not spelled out letter by letter), without terminal colour codes (never spoken as "thirty-one m"),
and refused plainly when it holds nothing to say.
"""

from __future__ import annotations

import codecs
import io
import re
import sys
import unicodedata
from collections.abc import Callable, Iterator
from typing import BinaryIO

# A message is a few sentences; a book is about a million characters. Far past that is a wrong file.
MAX_MESSAGE_BYTES = 16 << 20

# ECMA-48 control sequences as terminals and `ls --color` write them: CSI (ESC [ ... final byte),
# OSC (ESC ] ... BEL or ESC \), and two-character escapes (ESC and one more).
_TERMINAL_CODES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
    r"|\x1b[@-Z\\-_]"
)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class MessageTextError(ValueError):
    """Text that cannot be spoken: not text at all, too long, or with no words in it."""

    is_user_error = True


def _sniff(head: bytes) -> tuple[str, int]:
    """The encoding text starting with `head` is in, and the length of its byte-order mark: by the mark, UTF-16
    without one (its zero bytes show it), else UTF-8."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name, len(bom)
    if len(head) >= 4 and head.count(0) >= len(head) // 3:
        # no mark, but every other byte zero: UTF-16, its order told by where the zeros fall
        return ("utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"), 0
    return "utf-8", 0


def decode_message(raw: bytes, source: str) -> str:
    """Text from bytes: by its byte-order mark, UTF-16 without one (its zero bytes show it), else UTF-8."""
    if len(raw) > MAX_MESSAGE_BYTES:
        raise MessageTextError(f"{source}: far too long for a message (more than {MAX_MESSAGE_BYTES} bytes)")
    encoding, bom = _sniff(raw)
    try:
        return raw[bom:].decode(encoding)
    except UnicodeDecodeError as exc:
        raise MessageTextError(
            f"{source}: not readable as text ({encoding}: {exc.reason} at byte {exc.start + bom}). "
            "Fix: save it as UTF-8 text"
        ) from None


def message_lines(stream: BinaryIO, tell: Callable[[str], None], source: str = "standard input") -> Iterator[str]:
    """Each line typed or piped into `stream`, decoded, as soon as it ends (a terminal stays interactive).

    The encoding is told by the first bytes, as for a whole message, so a UTF-16 pipe (Windows' PowerShell
    writes one) is read as text. A UTF-8 stream with a line in another encoding is read as Windows-1252, the
    usual culprit, and `tell` says so once; a line readable in neither is not spoken, and `tell` says why.
    """
    head = stream.peek(4)[:4] if hasattr(stream, "peek") else b""
    encoding, bom = _sniff(head)
    stream.read(bom)
    if encoding != "utf-8":
        for line in io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline=None):
            yield strip_terminal_codes(line.rstrip("\n"))
        return
    told = False
    for number, raw in enumerate(stream, start=1):
        raw = raw.rstrip(b"\r\n")
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            try:
                line = raw.decode("cp1252")
            except UnicodeDecodeError:
                tell(f"{source}: line {number} is not text (byte {exc.start} is {raw[exc.start]:#04x}), so it was "
                     "not spoken. Fix: send UTF-8 text")
                continue
            if not told:
                tell(f"{source}: line {number} is not UTF-8; it is read as Windows-1252 (Fix: send UTF-8 text)")
                told = True
        yield strip_terminal_codes(line)


def read_message(stream: BinaryIO | None = None, source: str = "standard input") -> str:
    """The whole message from a binary stream (standard input by default), decoded and without colour codes."""
    stream = stream if stream is not None else sys.stdin.buffer
    raw = stream.read(MAX_MESSAGE_BYTES + 1)
    return strip_terminal_codes(decode_message(raw, source))


def strip_terminal_codes(text: str) -> str:
    """`text` without terminal escape sequences (colours, cursor moves, titles)."""
    return _TERMINAL_CODES.sub("", text)


def has_words(text: str) -> bool:
    """Whether `text` holds anything a voice can say: a letter, a digit or an emoji (whose name is
    spoken); not only "..." or spaces."""
    return any(unicodedata.category(ch)[0] in "LN" or unicodedata.category(ch) == "So" for ch in text)


def message_from(argument: str, what: str = "the text") -> str:
    """The message a command was given ("-": read from standard input), checked to have words in it."""
    text = read_message() if argument == "-" else strip_terminal_codes(argument)
    if not has_words(text):
        shown = text.strip()[:40]
        detail = f" ({shown!r} has no letters, digits or emoji)" if shown else " (it is empty)"
        raise MessageTextError(f"nothing to say: {what} has no words{detail}")
    return text
