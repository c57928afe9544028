"""The app, put together: a profile's boards, prediction, history and access method around the live
engine, in a window (`run_window`), or recorded as a short demonstration where there is no display
(`record_demo`).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

from aac.ui.app import App
from aac.ui.model import AppModel, history_from_json
from aac.ui.speaker import Speaker
from profiles.store import LoadedProfile, ProfileStore

PREVIEW_FPS = 15.0
FIRST_SOUND_WAIT_S = 0.15  # the longest the screen waits for a message's first sound before it is redrawn
DEMO_GREETING = ("Hello", "I", "am", "speaking", "with", "aac-avatar")


@dataclass(frozen=True)
class AppParts:
    """What `build_model` loaded, with the notes the person should see (a damaged file restored...)."""

    model: AppModel
    notes: tuple[str, ...]
    persistence: object


def build_model(store: ProfileStore, loaded: LoadedProfile, speaker: Speaker, keep: bool = True) -> AppParts:
    """The app's model for a profile: its boards, keyboards, prediction (with what it learned), history
    and unfinished message. `keep`: save changes into the profile (False for demonstrations)."""
    from aac.board.store import load_profile_boards
    from aac.board.vocabulary import keyboard_board
    from aac.predict.learned import LearnedWords, load_learned
    from aac.predict.predictor import Predictor, prediction_language
    from aac.ui.engine_link import ProfilePersistence
    from aac.ui.model import Persistence
    from profiles.datafile import load_json

    if keep:
        loaded = own_profile(store, loaded)
    profile = loaded.profile
    name = profile.name
    notes: list[str] = []
    boards = load_profile_boards(store, name)
    notes += list(boards.notes)
    language = prediction_language(profile)
    learned, note = load_learned(store, name) if keep else (LearnedWords(), None)
    if note:
        notes.append(note)
    predictor = Predictor(language, learned, learning=profile.prediction.learning)
    if predictor.note:
        notes.append(predictor.note)  # e.g. no word list for this language: only the person's own words
    history = []
    draft = ""
    if keep:
        folder = loaded.directory
        loaded_history = load_json(folder / ProfilePersistence.HISTORY, list)
        try:
            history = history_from_json(loaded_history.value)
        except ValueError as exc:
            notes.append(f"{folder / ProfilePersistence.HISTORY}: {exc}; the history starts empty")
        if loaded_history.note:
            notes.append(loaded_history.note)
        loaded_draft = load_json(folder / ProfilePersistence.DRAFT, dict)
        if isinstance(loaded_draft.value, dict) and isinstance(loaded_draft.value.get("text"), str):
            draft = loaded_draft.value["text"]
    persistence = ProfilePersistence(store, name, learned) if keep else Persistence()
    display = profile.display
    keyboards = {layout: keyboard_board(layout, language) for layout in ("qwerty", "abc")}
    model = AppModel(
        boards=boards.board_set, keyboards=keyboards, speaker=speaker, predictor=predictor,
        phrases=list(profile.phrases), history=history, default_emotion=profile.avatar.default_emotion,
        suggestions_shown=display.predictions, speak_each_word=display.speak_each_word,
        keyboard_layout=display.keyboard_layout, persistence=persistence,
    )
    if draft:
        model.restore_draft(draft)
    model.notes.extend(notes)
    return AppParts(model, tuple(notes), persistence)


def own_profile(store: ProfileStore, loaded: LoadedProfile) -> LoadedProfile:
    """`loaded`, made the person's own first when it is the shipped default (read-only): their history,
    words and edits need a profile folder of their own."""
    if not loaded.bundled:
        return loaded
    store.save(loaded.profile)
    return store.open(loaded.profile.name)


class Window:
    """The board in a pygame window around a running live engine; `step()` is one frame of the loop."""

    def __init__(self, store: ProfileStore, loaded: LoadedProfile, engine, outputs, size: tuple[int, int] | None,
                 fullscreen: bool, caregiver_factory=None, keep: bool = True) -> None:
        import pygame as pg

        from aac.bank import banked_phrases
        from aac.ui.draw import Painter
        from aac.ui.engine_link import CueSpeaker, EngineSpeaker

        profile = loaded.profile
        self.engine = engine
        self.parts = build_model(store, loaded, EngineSpeaker(engine, banked_phrases(store, profile.name,
                                                                                   engine.voice.sample_rate_hz)),
                                 keep=keep)
        pg.display.init()
        pg.font.init()
        self._flags = pg.FULLSCREEN if fullscreen else pg.RESIZABLE
        self.surface = pg.display.set_mode((size or (0, 0)) if fullscreen else (size or (1280, 800)), self._flags)
        pg.display.set_caption("aac-avatar")
        self.app = App(self.parts.model, profile.access, profile.display, self.surface.get_size())
        if caregiver_factory is not None:
            self.app.caregiver = caregiver_factory(self.app)
        self.painter = Painter(self.surface, profile.display.theme, profile.display.font_scale)
        self.cues = CueSpeaker(profile.access.cue_device) if profile.access.scan_audio_cues else None
        self.preview_status = _preview_status(outputs)
        self._preview_at = 0.0
        self._frame = None
        self._frame_source = None  # the engine frame the preview copied last
        self._display_version = 0
        self._shown: tuple | None = None  # what the window shows (see `step`), and its preview frame
        self._shown_frame = None
        self._must_paint = True
        self.paints = 0
        self._waiting_for, self._waiting_since = 0, 0.0
        from aac.ui.listening import start_captions

        self.captions = start_captions(profile, loaded.directory, engine, self.cues)  # None unless listening is on
        self._store, self._folder, self._name = store, loaded.directory, profile.name

    def step(self, now_s: float) -> None:
        """Handle waiting events, let time pass, and draw one frame."""
        import pygame as pg

        app, engine = self.app, self.engine
        if self.captions is not None:
            self.captions.deliver(app.model)  # what the partner said, on this (the UI) thread
        screens = getattr(app.caregiver, "listening", None)
        if app.model.mode != "caregiver" and screens is not None and screens.take_changed():
            from aac.ui.listening import restart_captions

            self.captions = restart_captions(self.captions, self._store.load(self._name), self._folder, engine,
                                             self.cues, app.model)  # the caregiver changed listening
        events = pg.event.get()
        self._must_paint |= bool(events)
        for event in events:
            app.handle(event, now_s)
        app.tick(now_s)
        if app.size != self.surface.get_size():
            self.surface = pg.display.set_mode(app.size, self._flags)
            self.painter.surface = self.surface
        if self.cues is not None:
            while app.state.cues:
                self.cues.say(app.state.cues.pop(0))
        if self._first_sound_pending(now_s):
            return  # drawing would hold the interpreter while the engine makes the message's first sound
        if app.display_version != self._display_version:  # the caregiver changed colours or text size
            from aac.ui.draw import Painter

            self._display_version = app.display_version
            self.painter = Painter(self.surface, app.display.theme, app.display.font_scale)
        screen = app.screen(now_s)
        status = engine.status()
        self.painter.paint_static(screen, app._screen_key)
        # the preview is refreshed at its own modest rate: the call gets every frame, the person needs few
        if now_s - self._preview_at >= 1.0 / PREVIEW_FPS:
            self._preview_at = now_s
            frame = engine.last_frame
            if frame is not self._frame_source:  # a still face is the same frame object sent again: nothing to copy
                # the engine draws into that buffer again a frame later: the preview keeps a copy
                self._frame_source, self._frame = frame, None if frame is None else frame.copy()
        highlighted, level = app.highlight()
        problems = tuple(getattr(self.parts.persistence, "problems", ())) + tuple(status.problems)
        status_line = app.status_line(problems)
        back = app.back_item_shown()
        # What this frame would show: when it is what the window shows already, nothing is painted or
        # flipped (the window keeps its picture; a still board cost a full paint 30 times a second).
        # Any event (the window exposed or resized, the pointer moved) paints it again.
        shown = (app._screen_key, highlighted, level, app.state.dwell, self.preview_status, status_line, back,
                 self.surface.get_size(), self._display_version)
        if not self._must_paint and shown == self._shown and self._frame is self._shown_frame:
            return
        self._shown, self._shown_frame, self._must_paint = shown, self._frame, False
        self.painter.frame(screen, highlighted, level, app.state.dwell, self._frame, self.preview_status, status_line)
        if back:
            self.painter.back_item(_back_rect(screen))
        pg.display.flip()
        self.paints += 1

    def _first_sound_pending(self, now_s: float) -> bool:
        """True for a moment (at most FIRST_SOUND_WAIT_S) after a message is said, until its sound starts."""
        stats = self.engine.stats
        if not stats.entered_s:
            return False
        newest = next(reversed(stats.entered_s))  # ids grow: the last one said (not a scan of the session)
        if newest in stats.first_audio_s:
            return False
        if newest != self._waiting_for:
            self._waiting_for, self._waiting_since = newest, now_s
        return now_s - self._waiting_since < FIRST_SOUND_WAIT_S

    def close(self) -> None:
        """Close the window (the engine is the caller's); what was spoken is learned from first."""
        import pygame as pg

        self.app.model.settle()
        if self.captions is not None:
            self.captions.close()
        if self.cues is not None:
            self.cues.close()
        pg.display.quit()


def run_window(store: ProfileStore, loaded: LoadedProfile, engine, outputs, size: tuple[int, int] | None,
               fullscreen: bool, max_seconds: float | None = None, caregiver_factory=None) -> App:
    """The board in a window until the person quits (Ctrl+Q, closing the window, or `max_seconds`)."""
    import pygame as pg

    window = Window(store, loaded, engine, outputs, size, fullscreen, caregiver_factory)
    print_notes(window.parts.notes)
    clock = pg.time.Clock()
    started = time.monotonic()
    try:
        while window.app.running:
            now = time.monotonic()
            window.step(now)
            if max_seconds is not None and now - started > max_seconds:
                break
            clock.tick(30)
    finally:
        window.close()
    return window.app


def _back_rect(screen) -> tuple[int, int, int, int]:
    x, y, w, h = screen.status
    return (x, y, min(w, max(200, w // 4)), h)


def _preview_status(outputs) -> str:
    camera = "camera on" if outputs.camera_on else "camera off"
    microphone = "mic on" if outputs.microphone_on else "mic off"
    return f"{camera} · {microphone}"


def record_demo(store: ProfileStore, loaded: LoadedProfile, path: Path, voice, renderer_factory, settings,
                timeout_s: float = 60.0) -> Path:
    """Where there is no display: the default greeting, chosen on the board's keyboard and symbols by the
    same model the window uses, spoken by the live engine into an mp4 at `path`."""
    from aac.live.engine import LiveEngine
    from aac.live.video_outputs import Mp4Recorder
    from aac.ui.engine_link import EngineSpeaker

    recorder = Mp4Recorder(path, settings.width, settings.height, settings.fps, voice.sample_rate_hz)
    if recorder.error:
        raise OSError(recorder.error)
    engine = LiveEngine(renderer_factory, voice, settings, video_outputs=[recorder])
    engine.start()
    try:
        parts = build_model(store, loaded, EngineSpeaker(engine), keep=False)
        model = parts.model
        time.sleep(0.5)  # the face is seen idle for a moment first, as in a call
        for word in DEMO_GREETING:
            button = _find_button(model, word)
            if button is not None:
                model.press(button)
            else:
                for letter in word:
                    model.type_key(letter)
                model.type_key(" ")
            time.sleep(0.15)
        model.type_key(".")
        ready_by = time.monotonic() + 10.0
        while engine.preparer is not None and not engine.preparer.is_ready(model.text) and time.monotonic() < ready_by:
            time.sleep(0.05)  # as in the app: the speech is made while the person composes
        time.sleep(0.3)
        model.speak()
        deadline = time.monotonic() + timeout_s
        time.sleep(0.3)
        while not engine.idle() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.6)
    finally:
        engine.close()
    if not path.is_file():
        raise OSError(f"the demonstration could not be written to {path}: {'; '.join(engine.status().problems)}")
    return path


def _find_button(model: AppModel, word: str):
    """A button on the board set's pages that says exactly `word` (and is not a folder)."""
    for board in model.boards.boards.values():
        for button in board.buttons:
            if button.words.lower() == word.lower() and not button.is_folder and not button.action:
                return button
    return None


def print_notes(notes) -> None:
    """Tell the person, on the terminal, what was restored or skipped."""
    for note in notes:
        print(f"aac-avatar: {note}", file=sys.stderr)
