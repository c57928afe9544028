"""The error people see when a board file cannot be used: which file, what is wrong, what to do."""

from __future__ import annotations


class BoardFileError(Exception):
    """A board file or package that cannot be read; the message names the file and says what to do instead."""

    # `aac.cli` prints these as a message, not a traceback (the same marker profiles' errors carry).
    is_user_error = True


class PackageTooBigError(BoardFileError):
    """A package that expands beyond the limits (a zip bomb, or far too big to be boards): nothing of it is used."""
