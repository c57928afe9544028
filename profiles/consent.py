"""Consent belongs to one face: the record names the photo it was given for, by its SHA-256.

A profile's photo goes into calls and recordings only when its consent record agrees and names
that very photo. So a new photo (`avatar build` on a profile that had consent), the shipped
default profile's record (given for a painted face of nobody, with no photo named), or an imported
profile without a record for its photo: none of them animates a real face until someone records
consent for it (`aac-avatar profile consent NAME`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from profiles.schema import ConsentSection, Profile

PHOTO_STEM = "photo"  # a profile's photo is stored as photo.<ext>; one at a time


def photo_digest(path: Path) -> str:
    """SHA-256 (hex) of a photo file."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class ConsentProblem:
    """Why a profile's photo may not be animated for others, and what to do."""

    message: str
    fix: str


def consent_problem(profile: Profile, folder: Path) -> ConsentProblem | None:
    """None when the profile's face may go into calls and recordings; else why not."""
    if profile.avatar.photo is None:
        return None  # a shipped face of nobody
    how = f"run `aac-avatar profile consent {profile.name}` once the person pictured (or their guardian) agrees"
    consent = profile.consent
    if not consent.agreed:
        return ConsentProblem("a photo is set but no consent is recorded", f"{how}; or remove avatar.photo "
                              "to use the default face")
    photo = folder / profile.avatar.photo
    if not photo.is_file():
        return None  # the missing photo is its own problem, reported where the photo is checked
    if consent.photo_sha256 is None:
        return ConsentProblem(
            "the consent record does not name this photo (it was recorded for another face, or before "
            "consent was tied to one photo)", how)
    if consent.photo_sha256.lower() != photo_digest(photo):
        return ConsentProblem(
            f"the consent on record was given for another photo, not {profile.avatar.photo!r} "
            f"(it names {consent.pictured or 'someone'})", how)
    return None


def with_consent(profile: Profile, photo: Path, pictured: str, agreed_by: str, set_up_by: str,
                 date: dt.date) -> Profile:
    """`profile` with a consent record for the photo file `photo`."""
    consent = profile.consent.model_copy(update={
        "pictured": pictured, "agreed": True, "agreed_by": agreed_by, "set_up_by": set_up_by,
        "date": date, "photo_sha256": photo_digest(photo),
    })
    return profile.model_copy(update={"consent": consent})


def without_consent(profile: Profile) -> Profile:
    """`profile` whose photo has no consent yet (a new photo: the old record was for another face).

    The label-off confirmation stays: it is about the label, not the face."""
    kept = {"label_off_date": profile.consent.label_off_date, "label_off_by": profile.consent.label_off_by}
    return profile.model_copy(update={"consent": ConsentSection(**kept)})


def stale_photos(folder: Path, current: str | None) -> list[Path]:
    """Photos in `folder` other than the profile's current one (a replaced photo of another type,
    a previous photo kept as .bak): they must not stay, nor travel with an export."""
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.iterdir()
                  if path.is_file() and path.name.startswith(PHOTO_STEM + ".") and path.name != current)


def label_off_confirmed(profile: Profile) -> bool:
    """Whether turning the "AI avatar" label off was confirmed and recorded."""
    return profile.consent.label_off_date is not None and bool(profile.consent.label_off_by)


def label_problem(profile: Profile) -> ConsentProblem | None:
    """The label is off in the file, but nobody confirmed it: it stays on."""
    if profile.avatar.overlays.ai_label or label_off_confirmed(profile):
        return None
    return ConsentProblem(
        'the "AI avatar" label is set off, but turning it off was never confirmed, so it stays on',
        f"run `aac-avatar profile label {profile.name} off` to confirm it, or set avatar.overlays.ai_label: true")


class ConsentSteps:
    """The questions of `profile consent`, one at a time (answers may be piped on stdin)."""

    def __init__(self, stdin: TextIO, stdout: TextIO, interactive: bool, today: dt.date | None = None) -> None:
        from profiles.store import ProfileStore
        from profiles.wizard import Wizard

        self.today = today or dt.date.today()
        # The wizard's asking: defaults in [brackets], retries when interactive, a clear stop when piped.
        self.asker = Wizard(ProfileStore(Path("/nonexistent")), stdin, stdout, interactive, today=self.today)

    def run(self, profile: Profile, photo: Path) -> Profile | None:
        """Ask who is pictured, whether they (or their guardian) agree, who agreed, who set it up,
        and the date; the profile with the record, or None when they do not agree."""
        from profiles.wizard import _date_parser

        ask = self.asker
        ask.say(f"Consent for the photo {photo.name} of profile {profile.name!r}.")
        ask.say("The avatar made from it speaks in video calls and recordings, marked as an AI avatar.")
        pictured = ask.ask("Step 1 of 4: who is pictured in the photo?", profile.consent.pictured
                           if profile.consent.photo_sha256 else profile.name, _non_empty)
        agreed = ask.ask_yes_no(
            f"Step 2 of 4: does {pictured} (or their guardian) agree to this photo being made into a talking "
            "avatar that is shown in video calls and recordings?", False)
        if not agreed:
            ask.say("No consent recorded: the photo is not used in calls or recordings.")
            return None
        agreed_by = ask.ask("Step 3 of 4: who agreed: 'self', or the guardian's name", "self", _non_empty)
        set_up_by = ask.ask("Who is setting this up? ('self', or your name)", profile.consent.set_up_by or "self",
                            _non_empty)
        date = ask.ask("Step 4 of 4: date of the agreement (YYYY-MM-DD)", self.today.isoformat(), _date_parser)
        return with_consent(profile, photo, pictured, agreed_by, set_up_by, date)


def _non_empty(text: str) -> str:
    text = text.strip()
    if not text:
        raise ValueError("an answer is needed; type it and press Enter")
    return text
