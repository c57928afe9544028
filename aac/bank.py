"""Message banking in the aid: recordings put into a profile's bank (`speech.banked` makes them ready,
`profiles.bank` keeps them), and banked phrases found and played when a message is one of them.

The live engine plays a banked phrase exactly as a board button's recorded sound
(`aac.live.recording.recording_utterance`): instead of synthesis, with the lips following its audio.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from profiles.bank import INDEX_FILE, Bank, BankEntry, add_to_bank, load_bank
from profiles.store import ProfileStore
from speech.banked import BankedClip, load_clip
from speech.utterance import Utterance


@dataclass(frozen=True)
class Banked:
    """What banking a recording did: the index entry, and what was mended on the way."""

    entry: BankEntry
    notes: tuple[str, ...]


def bank_clip(store: ProfileStore, profile_name: str, clip: BankedClip, phrase: str) -> Banked:
    """Keep a prepared clip as the recording of `phrase` in the profile's bank."""
    entry = add_to_bank(store, profile_name, phrase, clip.wav_bytes(), clip.duration_s)
    return Banked(entry, clip.notes)


def bank_file(store: ProfileStore, profile_name: str, path: Path, phrase: str) -> Banked:
    """Bank the recording in `path` (WAV, FLAC, OGG, MP3) as `phrase`; ClipError naming the file when it
    cannot be one (nothing in the profile changes then)."""
    return bank_clip(store, profile_name, load_clip(path), phrase)


SOUND_SUFFIXES = (".wav", ".flac", ".ogg", ".oga", ".mp3")


def phrase_from_file_name(path: Path) -> str:
    """The phrase a recording's file name says, for a bank made elsewhere: "017_thank_you-so much.wav" ->
    "thank you so much" (a leading take number and the separators dropped; case and punctuation do not matter
    when a message is matched)."""
    import re

    stem = re.sub(r"^\d+(?:[_.]|\s+-\s+)", "", Path(path).stem)
    return " ".join(re.sub(r"[_-]+", " ", stem).split())


@dataclass(frozen=True)
class FolderBanked:
    """What banking a folder did: each recording banked, and each one refused with why."""

    banked: tuple[tuple[Path, Banked], ...]
    refused: tuple[tuple[Path, str], ...]


def bank_folder(store: ProfileStore, profile_name: str, folder: Path) -> FolderBanked:
    """Bank every recording (WAV, FLAC, OGG, MP3) directly in `folder`, each as the phrase its file name says; a
    file that cannot be banked is refused with why and the others are banked all the same."""
    from profiles.bank import phrase_key

    banked: list[tuple[Path, Banked]] = []
    refused: list[tuple[Path, str]] = []
    said: dict[str, Path] = {}
    for path in sorted(p for p in Path(folder).iterdir() if p.suffix.lower() in SOUND_SUFFIXES and p.is_file()):
        phrase = phrase_from_file_name(path)
        key = phrase_key(phrase)
        if not key:
            refused.append((path, "its name says no words to bank it as"))
            continue
        if key in said:
            refused.append((path, f"{said[key].name} is the same phrase ({phrase!r}): the first one was kept"))
            continue
        try:
            banked.append((path, bank_file(store, profile_name, path, phrase)))
            said[key] = path
        except ValueError as exc:
            refused.append((path, str(exc)))
    return FolderBanked(tuple(banked), tuple(refused))


class PredictedLipsync:
    """The audio-to-viseme model's answer for one clip, computed ahead: `predict` on that same audio gives it
    at once (any other audio goes to the model)."""

    def __init__(self, audio, frames) -> None:
        self._audio = audio
        self._frames = frames

    def predict(self, audio, sample_rate_hz: int):
        """The frames computed ahead when `audio` is the clip's own samples."""
        if audio is self._audio:
            return self._frames
        from avatar.lipsync.model import default_model

        return default_model().predict(audio, sample_rate_hz)


class BankedPhrases:
    """A profile's banked phrases, as the engine plays them: `recording(text)` is the clip of a banked
    message at the voice's rate, or None. The index is read again when it changes (a caregiver banked a
    phrase); each clip is decoded once."""

    def __init__(self, store: ProfileStore, profile_name: str, sample_rate_hz: int) -> None:
        self.store = store
        self.profile_name = profile_name
        self.sample_rate_hz = sample_rate_hz
        self.problems: list[str] = []
        self._lock = threading.Lock()
        self._stamp: tuple | None = None
        self._bank = Bank()
        self._clips: dict[tuple[str, int], Utterance] = {}
        self.ready_in_background = False  # a changed bank's new clips made ready on a thread at once

    def bank(self) -> Bank:
        """The banked phrases as they are now on disk."""
        folder = self.store.profile_dir(self.profile_name)
        index = folder / INDEX_FILE
        try:
            info = index.stat()
            stamp = (index, info.st_mtime_ns, info.st_size, info.st_ino)  # each save is a new file (atomic)
        except OSError:
            stamp = (index, 0, 0, 0)
        changed = False
        with self._lock:
            if stamp != self._stamp:
                changed = True
                self._bank = load_bank(self.store, self.profile_name)
                self._stamp = stamp
                kept = {str(folder / e.file) for e in self._bank.entries}
                # recordings removed or replaced are not held in memory for the rest of the session
                self._clips = {key: clip for key, clip in self._clips.items() if key[0] in kept}
                if self._bank.note:
                    self.problems.append(self._bank.note)
            bank = self._bank
        if changed and self.ready_in_background:
            threading.Thread(target=self.preload, name="bank-preload", daemon=True).start()
        return bank

    def is_ready(self, phrase: str) -> bool:
        """Whether the clip of banked `phrase` is decoded, its lips worked out (Speak plays it at once)."""
        entry = self.bank().find(phrase)
        if entry is None:
            return False
        path = self.store.profile_dir(self.profile_name) / entry.file
        return any(key[0] == str(path) for key in list(self._clips))

    def recording(self, text: str) -> Utterance | None:
        """The banked recording of message `text` (ignoring case and punctuation), ready for
        `LiveEngine.say(..., recording=)`; None when `text` is not banked or its clip cannot be played
        (then the voice says it, and `problems` says why)."""
        entry = self.bank().find(text)
        if entry is None:
            return None
        path = self.store.profile_dir(self.profile_name) / entry.file
        try:
            key = (str(path), path.stat().st_mtime_ns)
            cached = self._clips.get(key)
            if cached is None:
                cached = self._decode(path, entry.phrase)
                self._clips[key] = cached
        except (OSError, ValueError) as exc:
            self.problems.append(f"the recording of {entry.phrase!r} ({path}) could not be played ({exc}); "
                                 "the voice said it")
            return None
        # the message as typed is what the captions show
        return Utterance(text=text, audio=cached.audio, sample_rate_hz=cached.sample_rate_hz,
                         voice_id=cached.voice_id, meta=dict(cached.meta))

    def _decode(self, path: Path, phrase: str) -> Utterance:
        """The clip as the engine plays a recorded sound, with its lips and its prosody (what the head's nods and
        the jaw's reach follow) worked out from its audio and its AI mark made now rather than when it is
        spoken (the audio-to-viseme model takes about 10 ms a second of audio, the prosody about 2 ms, the
        mark about 2 ms a second)."""
        from aac.live.ahead import work_ahead
        from aac.live.recording import recording_utterance
        from avatar.lipsync.model import default_model
        from speech.text_visemes import text_visemes

        utterance = recording_utterance(path.read_bytes(), phrase, self.sample_rate_hz)
        predicted = default_model().predict(utterance.audio, utterance.sample_rate_hz)
        utterance.meta["lipsync"] = PredictedLipsync(utterance.audio, predicted)
        # what it says, as the lips are sharpened by at Speak (the engine reads it with espeak-ng, ~10 ms, otherwise)
        utterance.meta["text_visemes"] = text_visemes(phrase, self._language())
        # its prosody and the voice's AI mark (from 0 s, as the engine marks a message's first sentence): not at Speak
        work_ahead(utterance)
        return utterance

    def _language(self) -> str:
        """The profile's language: the person's own recordings speak it."""
        try:
            return self.store.load(self.profile_name).language
        except Exception:  # a profile that cannot be read now: the lips are sharpened as English text
            return "en-us"

    def preload(self) -> None:
        """Decode every banked clip now, so that even the first Speak of each plays at once."""
        for entry in self.bank().entries:
            self.recording(entry.phrase)


def banked_phrases(store: ProfileStore, profile_name: str, sample_rate_hz: int) -> BankedPhrases:
    """The profile's banked phrases for a voice at `sample_rate_hz`, their clips made ready in the background,
    now and whenever the bank changes (a phrase spoken before its clip is ready is made ready then)."""
    phrases = BankedPhrases(store, profile_name, sample_rate_hz)
    phrases.ready_in_background = True
    phrases.bank()  # reads the index, and starts making its clips ready
    return phrases
