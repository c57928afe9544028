"""Message banking, the profile side: which phrases have a recording, and where it is.

Layout (other parts rely on it, e.g. voice cloning takes its reference clips from here):
`<profile folder>/bank/<slug>.wav` (mono 16-bit PCM, trimmed, levelled) and
`<profile folder>/bank/index.json`, a list of {"phrase", "file", "duration_s", "added"} where "file"
is the clip's path relative to the profile folder ("bank/<slug>.wav"). Every write is atomic and
owner-only, and the index keeps its previous version (`profiles.datafile`). Plain data: the sound
itself is made ready by `speech.banked`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from profiles.datafile import backup_path, load_json, save_bytes, save_json
from profiles.store import ProfileStore

BANK_DIR = "bank"
INDEX_FILE = f"{BANK_DIR}/index.json"
MAX_SLUG_CHARS = 48


@dataclass(frozen=True)
class BankEntry:
    """One banked phrase: its words and its clip (relative to the profile folder)."""

    phrase: str
    file: str
    duration_s: float
    added: str  # ISO date and time, UTC

    def to_json(self) -> dict:
        """The entry as index.json holds it."""
        return {"phrase": self.phrase, "file": self.file, "duration_s": round(self.duration_s, 3),
                "added": self.added}


@dataclass(frozen=True)
class Bank:
    """A profile's banked phrases, and a sentence for the person when the index had to be repaired."""

    entries: tuple[BankEntry, ...] = ()
    note: str | None = None

    def find(self, text: str) -> BankEntry | None:
        """The entry whose phrase is `text`, ignoring case, punctuation and spacing."""
        key = phrase_key(text)
        if not key:
            return None
        return next((e for e in self.entries if phrase_key(e.phrase) == key), None)


def phrase_key(text: str) -> str:
    """What makes two phrases the same message: the words, in any case, without punctuation."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    words = re.findall(r"[^\W_]+", folded)
    return " ".join(words)


def slug(phrase: str) -> str:
    """A file name stem for `phrase`: ASCII letters and digits joined by '-' ("phrase" when none are left)."""
    ascii_text = unicodedata.normalize("NFKD", phrase).encode("ascii", "ignore").decode("ascii").lower()
    stem = "-".join(re.findall(r"[a-z0-9]+", ascii_text))[:MAX_SLUG_CHARS].strip("-")
    return stem or "phrase"


def parse_index(value: object) -> tuple[BankEntry, ...]:
    """The entries of an index.json value; ValueError naming the first problem (import checks with this)."""
    if not isinstance(value, list):
        raise ValueError("the bank index is not a list of phrases")
    entries = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise ValueError(f"entry {i + 1} of the bank index is not an object")
        phrase, file, duration, added = (item.get(k) for k in ("phrase", "file", "duration_s", "added"))
        if not isinstance(phrase, str) or not phrase_key(phrase):
            raise ValueError(f"entry {i + 1} of the bank index has no phrase")
        if not isinstance(file, str) or not _inside_bank(file):
            raise ValueError(f"entry {i + 1} of the bank index ({phrase!r}) names {file!r}, not a file in bank/")
        if isinstance(duration, bool) or not isinstance(duration, (int, float)) or duration < 0:
            raise ValueError(f"entry {i + 1} of the bank index ({phrase!r}) has no duration_s")
        entries.append(BankEntry(phrase, file, float(duration), str(added or "")))
    return tuple(entries)


def _inside_bank(file: str) -> bool:
    parts = PurePosixPath(file).parts
    return len(parts) == 2 and parts[0] == BANK_DIR and parts[1].endswith(".wav") and "\\" not in file \
        and not parts[1].startswith(".")


def load_bank(store: ProfileStore, profile_name: str) -> Bank:
    """The profile's banked phrases whose clip is there; a damaged index is read from its previous version."""
    folder = store.profile_dir(profile_name)
    loaded = load_json(folder / INDEX_FILE, list)
    notes = [loaded.note] if loaded.note else []
    try:
        entries = parse_index(loaded.value)
    except ValueError as exc:
        notes.append(f"{folder / INDEX_FILE}: {exc}; no banked phrases are used until it is repaired")
        entries = ()
    present = tuple(e for e in entries if (folder / e.file).is_file())
    missing = [e.phrase for e in entries if e not in present]
    if missing:
        notes.append(f"{folder / BANK_DIR}: the recording of {', '.join(repr(p) for p in missing)} is missing; "
                     "the voice says it instead")
    return Bank(present, "; ".join(notes) or None)


def bank_clip_paths(profile_dir: Path) -> list[Path]:
    """The banked recordings of a profile folder, as files (e.g. the reference clips of a cloned voice)."""
    loaded = load_json(Path(profile_dir) / INDEX_FILE, list)
    try:
        entries = parse_index(loaded.value)
    except ValueError:
        return []
    return [Path(profile_dir) / e.file for e in entries if (Path(profile_dir) / e.file).is_file()]


def add_to_bank(store: ProfileStore, profile_name: str, phrase: str, wav: bytes, duration_s: float,
                now: dt.datetime | None = None) -> BankEntry:
    """Keep `wav` as the recording of `phrase` (replacing an earlier recording of the same phrase).

    The clip is written before the index names it, so a crash leaves at worst an unused file.
    """
    if not phrase_key(phrase):
        raise ValueError("the phrase has no words: give the words the recording says")
    if not store.in_user_store(profile_name):
        store.save(store.load(profile_name))  # the shipped default becomes the person's own first
    bank = _current(store, profile_name)
    old = bank.find(phrase)
    file = old.file if old is not None else _free_name(bank, store.profile_dir(profile_name), phrase)
    added = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0).isoformat()
    entry = BankEntry(phrase.strip(), file, duration_s, added)
    save_bytes(store, profile_name, file, wav)
    entries = [entry if e is old else e for e in bank.entries]
    if old is None:
        entries.append(entry)
    _save(store, profile_name, entries)
    return entry


def remove_from_bank(store: ProfileStore, profile_name: str, phrase: str) -> BankEntry:
    """Forget the recording of `phrase` (its file too); ValueError when it is not banked."""
    bank = _current(store, profile_name)
    entry = bank.find(phrase)
    if entry is None:
        known = ", ".join(repr(e.phrase) for e in bank.entries) or "none"
        raise ValueError(f"{phrase!r} is not banked (banked: {known})")
    voice = store.load(profile_name).voice
    if entry.file in voice.reference_clips:  # a cloned voice speaks like it: removing it would break the voice
        raise ValueError(f"the recording of {entry.phrase!r} ({entry.file}) is a reference clip of the voice "
                         f"{voice.id}; choose its reference clips without it first (`aac-avatar voices use "
                         f"{voice.id} --reference ...`), then remove it")
    _save(store, profile_name, [e for e in bank.entries if e is not entry])
    clip = store.profile_dir(profile_name) / entry.file
    # after the index stops naming it; its earlier take too: removing a recording of one's voice removes it
    for path in (clip, backup_path(clip)):
        path.unlink(missing_ok=True)
    return entry


def _current(store: ProfileStore, profile_name: str) -> Bank:
    """The index as it is on disk, refusing to write over one that cannot be read (nothing is lost)."""
    folder = store.profile_dir(profile_name)
    loaded = load_json(folder / INDEX_FILE, list)
    problem = loaded.note if loaded.note is not None and loaded.note.endswith("started empty") else None
    try:
        entries = parse_index(loaded.value)
    except ValueError as exc:
        problem = str(exc)
    if problem is not None:  # neither the index nor its previous version: writing now would lose both
        raise ValueError(f"{folder / INDEX_FILE}: {problem}. Fix: repair it, or restore {INDEX_FILE}.bak")
    return Bank(entries, loaded.note)


def _free_name(bank: Bank, folder: Path, phrase: str) -> str:
    stem = slug(phrase)
    taken = {e.file for e in bank.entries}
    for n in range(1, 10_000):
        file = f"{BANK_DIR}/{stem}{'' if n == 1 else f'-{n}'}.wav"
        if file not in taken and not (folder / file).exists():
            return file
    raise ValueError(f"too many recordings named {stem!r} in {folder / BANK_DIR}")


def _save(store: ProfileStore, profile_name: str, entries: list[BankEntry]) -> None:
    save_json(store, profile_name, INDEX_FILE, [e.to_json() for e in entries])
