"""Caregiver mode's screens for message banking: a quick phrase's or a board button's own recording, recorded
from the microphone (with a level meter while it runs, then play, keep, record again or discard) or taken
from a sound file. A kept recording is banked (`aac.bank`): the phrase, spoken, plays it; a board button
also gets it as its OBF sound, played when the button is chosen.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from aac.ui.caregiver.pages import Item, Page
from aac.ui.caregiver.recording import MicrophoneFactory, Take, meter_fraction, sound_files
from speech.banked import BANK_RATE_HZ, BankedClip, ClipError


@dataclass(frozen=True)
class Target:
    """What a recording is for: a phrase, and the board button (page id, button id) that says it, if any."""

    phrase: str
    button: tuple[str, str] | None = None


class BankScreens:
    """The banking screens of one caregiver mode (`caregiver`: aac.ui.caregiver.mode.Caregiver)."""

    def __init__(self, caregiver, microphone: MicrophoneFactory, threaded: bool = True,
                 microphones: Callable[[], list[tuple[str, str]]] | None = None) -> None:
        self.cg = caregiver
        self._microphone = microphone
        # (name, description) of the inputs to record from (speech.listen.capture.microphones: never the aid's own)
        self._list_microphones = microphones or _microphones
        self._threaded = threaded  # False: tests read the microphone with `take.poll()`, in simulated time
        self.take: Take | None = None
        self._release: Callable[[], None] = lambda: None
        self.clip: BankedClip | None = None  # the recording waiting to be kept or discarded
        self.problem = ""
        self._target: Target | None = None

    # -- what the other screens show -------------------------------------------------------------
    def summary(self, phrase: str) -> str:
        """A cell's label: the phrase's recording, or none."""
        entry = self._entry(phrase)
        return f"Recording: {entry.duration_s:.1f} s" if entry is not None else "Recording: none"

    def open(self, phrase: str, button: tuple[str, str] | None = None) -> None:
        """Show the recording screen of `phrase` (said by `button`, when a board button)."""
        if not phrase.strip():
            raise ValueError("it says nothing yet: give it words first, then its recording")
        target = Target(phrase.strip(), button)
        self.cg._push(lambda: self._menu(target))

    def overview(self) -> Page:
        """Every banked phrase (quick phrases, buttons, and the ones banked with `aac-avatar bank add`), and a
        new one."""
        from profiles.bank import load_bank

        bank = load_bank(self.cg.store, self.cg.name)
        items = [Item(f"banked:{i}", f"{e.phrase} ({e.duration_s:.1f} s)",
                      lambda p=e.phrase: self.cg._push(lambda: self._menu(Target(p))))
                 for i, e in enumerate(bank.entries)]
        items.append(Item("banked:new", "Record a new phrase", lambda: self.cg._text(
            "The words of the phrase", "", lambda text: (self.cg._pop(), self.open(text)))))
        title = f"Own recordings: {len(bank.entries)} phrases (spoken, each plays its recording)"
        return Page(bank.note or title, items, columns=3, rows=4)

    def release(self) -> None:
        """Stop a recording nobody is watching any more (the caregiver went back or closed the mode)."""
        if self.take is not None and (not self.cg._stack or self.cg._stack[-1] != self._take_page):
            self._stop_take()
            self.take = None
            self.clip = None

    # -- the screens -----------------------------------------------------------------------------
    def _entry(self, phrase: str):
        from profiles.bank import load_bank

        return load_bank(self.cg.store, self.cg.name).find(phrase)

    def _menu(self, target: Target) -> Page:
        entry = self._entry(target.phrase)
        items = [
            Item("bank:record", "Record it now", lambda: self._record(target),
                 cue="Record it now, with the microphone"),
            Item("bank:file", "From a sound file", lambda: self.cg._push(lambda: self._files(target))),
            Item("bank:microphone", f"Microphone: {self.cg._bank_microphone() or 'the default'}",
                 self._open_microphones),
        ]
        if entry is not None:
            items += [
                Item("bank:play", f"Play the recording ({entry.duration_s:.1f} s)", lambda: self._play_kept(entry)),
                Item("bank:remove", "Remove the recording", lambda: self._remove(target)),
            ]
        state = f"{entry.duration_s:.1f} s recorded" if entry is not None else "no recording yet"
        return Page(f"Own recording of {target.phrase!r}: {state}", items, columns=2, rows=3)

    # -- which microphone records (the profile's voice.bank_microphone) ---------------------------
    def _open_microphones(self) -> None:
        try:
            found, problem = self._list_microphones(), ""
        except Exception as exc:  # no sound server: said on the screen, the default stays
            found, problem = [], str(exc)
        self.cg._push(lambda: self._microphones_page(found, problem))

    def _microphones_page(self, found: list[tuple[str, str]], problem: str) -> Page:
        chosen = self.cg._bank_microphone()
        items = [Item("microphone:default", "The default microphone", lambda: self._choose_microphone(None),
                      active=not chosen)]
        items += [Item(f"microphone:{i}", f"Microphone: {text}", lambda n=name: self._choose_microphone(n),
                       active=chosen == name) for i, (name, text) in enumerate(found)]
        if chosen and chosen not in {name for name, _ in found}:
            items.append(Item("microphone:gone", f"{chosen} (not connected now)", None, kind="field"))
        if problem:
            items.append(Item("microphone:problem", problem, None, kind="field"))
        return Page("Which microphone records the person's phrases", items, columns=2, rows=4)

    def _choose_microphone(self, name: str | None) -> None:
        def change(profile):
            return profile.model_copy(update={"voice": profile.voice.model_copy(update={"bank_microphone": name})})

        self.cg._save_profile(change)  # read afresh, changed, saved atomically
        self.cg._pop()
        self.cg._tell(f"Recordings now come from {name or 'the default microphone'}.")

    def _record(self, target: Target) -> None:
        source, release, problem = self._microphone()
        if source is None:
            raise ValueError(problem or "no microphone")
        self._target, self.clip, self.problem = target, None, ""
        self._release = release
        self.take = Take(source, BANK_RATE_HZ, self.cg._changed, threaded=self._threaded)
        self.take.start()
        self.cg._push(self._take_page)

    def _take_page(self) -> Page:
        take, target = self.take, self._target
        if take is None or target is None:
            return Page("Nothing is being recorded.", [])
        if take.recording:
            loud = " (too loud: move back a little)" if take.peak_dbfs > -1.0 else ""
            return Page(f"Recording {target.phrase!r}: say it now, then choose Stop", [
                Item("bank:meter", f"Level{loud}   {take.seconds:.1f} s", None, kind="meter",
                     level=meter_fraction(take.level_dbfs)),
                Item("bank:stop", "Stop", self._finish),
            ], columns=1, rows=2)
        if self.clip is None and not self.problem:
            self._finish()  # it ended by itself (the length limit, the microphone went away)
        return self._review(target)

    def _finish(self) -> None:
        from speech.banked import clip_from_samples

        self._stop_take()
        take = self.take
        try:
            self.clip = clip_from_samples(take.audio(), take.sample_rate_hz, "the recording")
            self.problem = take.error or ""
        except ClipError as exc:
            self.clip, self.problem = None, str(exc).split(". Fix: ")[0].removeprefix("the recording: ")
            if take.error:
                self.problem += f"; {take.error}"

    def _stop_take(self) -> None:
        if self.take is not None:
            self.take.stop()
        self._release()
        self._release = lambda: None

    def _review(self, target: Target) -> Page:
        again = Item("bank:again", "Record again", lambda: (self.cg._pop(), self._record(target)))
        discard = Item("bank:discard", "Discard it", self._discard)
        if self.clip is None:
            return Page(f"Not usable: {self.problem}", [again, discard], columns=2, rows=2)
        notes = "; ".join(n.replace("the recording ", "it ") for n in self.clip.notes) or "trimmed and levelled"
        return Page(f"Keep this recording of {target.phrase!r}?", [
            Item("bank:summary", f"{self.clip.duration_s:.1f} s: {notes}", None, kind="field"),
            Item("bank:listen", "Play it", lambda: self._play(self.clip.audio, self.clip.sample_rate_hz)),
            Item("bank:keep", "Keep it", lambda: self._keep(target)),
            again, discard,
        ], columns=3, rows=2)

    def _discard(self) -> None:
        self.take, self.clip, self.problem = None, None, ""
        self.cg._pop()
        self.cg._tell("The recording was not kept.")

    def _keep(self, target: Target) -> None:
        from aac.bank import bank_clip

        clip = self.clip
        if clip is None:
            raise ValueError("there is no recording to keep")
        if target.button is not None:  # the button plays it when chosen (its OBF sound), before anything is banked
            board_set = set_sound(self.cg.boards, *target.button, clip)
            if not self.cg._commit(board_set, "Saved."):
                return
        bank_clip(self.cg.store, self.cg.name, clip, target.phrase)
        engine_bank = getattr(self.cg.app.model.speaker, "bank", None)  # EngineSpeaker's aac.bank.BankedPhrases
        if engine_bank is not None:
            engine_bank.bank()  # sees the new recording now and makes it ready before the person speaks it
        self.take, self.clip = None, None
        self.cg._pop()  # back to the phrase's recording screen
        self.cg._tell(f"Kept: {target.phrase!r} now plays this {clip.duration_s:.1f} s recording when spoken.")

    def _files(self, target: Target) -> Page:
        found = sound_files(self.cg.home, self.cg.current_dir)
        items = [Item(f"sound:{i}", f.label, lambda p=f.path: self._take_file(target, p)) for i, f in enumerate(found)]
        if not found:
            items.append(Item("sound:none", f"No WAV, FLAC, OGG or MP3 files in Music, Recordings, Downloads, "
                              f"Documents, Desktop, {self.cg.home} or this folder", None, kind="text"))
        return Page("Choose the sound file of the phrase", items, columns=2, rows=4)

    def _take_file(self, target: Target, path) -> None:
        from speech.banked import load_clip

        self.clip, self.problem = load_clip(path), ""  # a ClipError is said on this screen, naming the file
        self._target = target
        self.cg._pop()
        self.cg._push(lambda: self._review(target))

    def _remove(self, target: Target) -> None:
        from profiles.bank import remove_from_bank

        if target.button is not None:
            board_set = set_sound(self.cg.boards, *target.button, None)
            if not self.cg._commit(board_set, "Saved."):
                return
        remove_from_bank(self.cg.store, self.cg.name, target.phrase)
        self.cg._tell(f"The recording of {target.phrase!r} is gone; the voice says it.")

    def _play_kept(self, entry) -> None:
        import soundfile as sf

        audio, rate = sf.read(self.cg.store.profile_dir(self.cg.name) / entry.file, dtype="float32")
        self._play(audio, rate)

    def _play(self, audio, rate: int) -> None:
        """On this computer's speakers only (never into a call), in the background."""
        def run() -> None:
            from speech.audio_out import open_output, play
            from speech.utterance import Utterance

            try:
                with open_output(rate) as out:
                    play([Utterance("", audio, rate, "recording")], [out])
            except Exception as exc:  # no speakers: the caregiver is told, nothing else changes
                self.cg._tell(f"It could not be played here: {exc}")
                self.cg._changed()

        threading.Thread(target=run, name="bank-play", daemon=True).start()


def _microphones() -> list[tuple[str, str]]:
    from speech.listen.capture import microphones

    return microphones()


def set_sound(board_set, board_id: str, button_id: str, clip: BankedClip | None):
    """The set with a button's recorded sound (OBF `sound_id`) set to `clip`, or removed (None); sounds no
    button uses any more go."""
    from aac.board.model import Sound, unique_id
    from aac.ui.caregiver import board_edits as edits

    board = board_set.boards[board_id]
    sounds = board.sounds
    sound_id = None
    if clip is not None:
        sound_id = unique_id(f"recording-{button_id}", {s.id for s in sounds})
        sounds = sounds + (Sound(id=sound_id, content_type="audio/wav", data=clip.wav_bytes(),
                                 duration_s=round(clip.duration_s, 3)),)
    board_set = edits._with_board(board_set, board.model_copy(update={"sounds": sounds}))
    board_set = edits.update_button(board_set, board_id, button_id, sound_id=sound_id)
    board = board_set.boards[board_id]
    used = {b.sound_id for b in board.buttons}
    return edits._with_board(board_set, board.model_copy(update={"sounds": tuple(s for s in board.sounds
                                                                                  if s.id in used)}))
