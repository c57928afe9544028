"""Problems found in a profile, and the error people see: file, line, field and a fix."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a profile file, located as precisely as the file allows.

    `line` is 1-based and None when the problem is not tied to a line (a missing file).
    `field` is the dotted setting name, e.g. "voice.rate" or "phrases[2]"; "" for the whole file.
    """

    file: Path
    line: int | None
    field: str
    message: str
    fix: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else f"{self.file}"
        what = f"{self.field}: {self.message}" if self.field else self.message
        fix = f" Fix: {self.fix}" if self.fix else ""
        return f"{where}: {what}.{fix}" if not what.endswith(".") else f"{where}: {what}{fix}"


class ProfileError(Exception):
    """A profile problem a user or caregiver can act on; the message says where and what to do."""

    is_user_error = True


class ProfileProblemsError(ProfileError):
    """A profile file that cannot be used; `problems` holds every problem found, in file order."""

    def __init__(self, problems: list[Problem], hint: str = "") -> None:
        self.problems = list(problems)
        first = str(self.problems[0]) if self.problems else "the profile has problems"
        more = len(self.problems) - 1
        tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more > 0 else ""
        super().__init__(first + tail + (f" {hint}" if hint else ""))
