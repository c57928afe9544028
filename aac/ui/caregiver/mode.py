"""Caregiver mode: the family member or carer edits the person's board, phrases, settings and photo,
with the same access methods the person uses (every choice is a cell; text is typed on an on-screen
keyboard of cells or on the physical keyboard).

The screens form a stack (menu -> pages -> a page's grid -> a button -> its picture...). Each screen is
built fresh from the current state (`Page`), so what is shown and what a choice does never disagree.
Every board edit is saved at once (atomically, the previous version kept) before the app shows it; an
edit that cannot be saved leaves the last good board both on screen and on disk.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path

from aac.board.model import BoardSet
from aac.board.vocabulary import COLOURS
from aac.ui.caregiver import board_edits as edits
from aac.ui.caregiver.bank_pages import BankScreens
from aac.ui.caregiver.files import board_files, picture_files, picture_image
from aac.ui.caregiver.listening_pages import ListeningScreens
from aac.ui.caregiver.pages import Item, Page, lay_out
from aac.ui.caregiver.photo import CameraWatch, FrameSource, png_bytes, webcam_source
from aac.ui.caregiver.recording import MicrophoneFactory, microphone_source
from aac.ui.caregiver.settings import SETTINGS, Setting, apply_live
from aac.ui.caregiver.text_entry import TextEntry
from aac.ui.layout import Cell, Rect
from profiles.schema import ConsentSection, Profile
from profiles.store import LoadedProfile, ProfileStore

# A Fitzgerald-like key (the shipped vocabulary's colours), then plain white.
PALETTE = (("People", COLOURS["people"]), ("Actions", COLOURS["verb"]), ("Describing", COLOURS["describe"]),
           ("Things", COLOURS["noun"]), ("Social", COLOURS["social"]), ("Questions", COLOURS["question"]),
           ("Not", COLOURS["negation"]), ("Folders", COLOURS["folder"]), ("White", COLOURS["phrase"]))
GRID_VIEW_ROWS = 4
GRID_VIEW_COLUMNS = 10
PHOTO_FILE = "photo.png"
CameraFactory = Callable[[], tuple[FrameSource, Callable[[], None], str]]


class Caregiver:
    """Caregiver mode for one profile, inside the running app (`app`: aac.ui.app.App)."""

    def __init__(self, app, store: ProfileStore, loaded: LoadedProfile, home: Path | None = None,
                 current_dir: Path | None = None, camera: CameraFactory = webcam_source,
                 camera_thread: bool = True, today: Callable[[], dt.date] = dt.date.today,
                 microphone: MicrophoneFactory | None = None, microphone_thread: bool = True,
                 listening: dict | None = None) -> None:
        self.app = app
        self.store = store
        self.name = loaded.profile.name
        self.home = Path(home) if home is not None else Path.home()
        self.current_dir = Path(current_dir) if current_dir is not None else Path.cwd()
        self.revision = 0
        self.open = False
        self.note = ""
        self.camera: CameraWatch | None = None
        self._camera_factory = camera
        self._camera_thread = camera_thread
        self._release_camera: Callable[[], None] = lambda: None
        self._today = today
        self._stack: list[Callable[[], Page]] = []
        self._offsets: list[int] = []
        self._chosen: dict[str, Item] = {}
        self._per_view = 1
        self._photo: bytes | None = None
        self._consent: dict = {}
        # recorded phrases, from the profile's microphone for them (voice.bank_microphone, as it is at each take)
        # unless a test hands one in
        self.bank = BankScreens(self, microphone or microphone_source(device=self._bank_microphone),
                                microphone_thread)
        self.listening = ListeningScreens(self, **(listening or {}))  # partner captions

    # -- what the app calls ----------------------------------------------------------------------
    @property
    def wants_text(self) -> bool:
        """True while a text field takes the physical keyboard's keys."""
        return self.open and bool(self._stack) and self._stack[-1]().text is not None

    def start(self) -> None:
        """Caregiver mode opens at its menu."""
        self.open = True
        self.note = ""
        self._stack, self._offsets = [self._menu], [0]
        self._changed()

    def close(self) -> None:
        """Caregiver mode closes (the camera and the microphone are let go)."""
        self._stop_camera()
        self.open = False
        self._stack, self._offsets = [], []
        self.bank.release()
        self._changed()

    def cells(self, body: Rect) -> list[Cell]:
        """The caregiver screen in the body of the app's screen."""
        if not self._stack:
            self._stack, self._offsets = [self._menu], [0]
        page = self._stack[-1]()
        back = Item("nav:back", "Cancel" if page.text is not None else "Back", self._pop) if len(self._stack) > 1 \
            else None
        done = Item("nav:done", "Done", self._done, cue="Done: close caregiver mode")
        cells, self._chosen, self._per_view = lay_out(page, body, self.note, self._offsets[-1], back, self._more,
                                                      done)
        return cells

    def activate(self, name: str) -> None:
        """A choice was made (target "caregiver:<name>")."""
        from aac.board.errors import BoardFileError
        from avatar.photo_check import PhotoProblem
        from profiles.errors import ProfileError

        self.note = ""
        if not self._stack:
            self.start()
        page = self._stack[-1]()
        try:
            if name.startswith("key:") and page.text is not None:
                if page.text.press(name[4:]):
                    page.text.on_ok(page.text.value)
            else:
                item = self._chosen.get(name) or self._find(page, name)
                if item is None or item.run is None:
                    return
                item.run()
        except (ValueError, KeyError, OSError, ProfileError, BoardFileError, PhotoProblem) as exc:  # ClipError too
            self._tell(_sentence(exc))
        self._changed()

    def key(self, event) -> None:
        """A physical key while a text field is shown (Enter is OK, where the app passes it on)."""
        import pygame as pg

        if self._stack:
            page = self._stack[-1]()
            if page.text is None:
                return
            if event.key in (pg.K_RETURN, pg.K_KP_ENTER):
                self.activate("key:ok")
                return
            page.text.key(event)
            self._changed()

    # -- the stack of screens --------------------------------------------------------------------
    def _find(self, page: Page, name: str) -> Item | None:
        fixed = {"nav:back": self._pop, "nav:done": self._done, "nav:more": self._more}
        if name in fixed:
            return Item(name, name, fixed[name])
        return next((i for i in page.items + page.nav if i.name == name), None)

    def _push(self, screen: Callable[[], Page]) -> None:
        self._stack.append(screen)
        self._offsets.append(0)
        shown = screen()
        if shown.on_show is not None:
            shown.on_show()

    def _pop(self, count: int = 1) -> None:
        for _ in range(count):
            if len(self._stack) > 1:
                self._stack.pop()
                self._offsets.pop()
        self._stop_camera()
        self.bank.release()

    def _more(self) -> None:
        self._offsets[-1] += 1

    def _done(self) -> None:
        self.close()

    def _changed(self) -> None:
        self.revision += 1

    def _tell(self, sentence: str) -> None:
        self.note = sentence  # shown beside the title, in view, until the next choice

    def _text(self, prompt: str, value: str, on_ok: Callable[[str], None], digits_only: bool = False,
              hide: bool = False) -> None:
        entry = TextEntry(prompt, value, on_ok, digits_only, hide)
        self._push(lambda: Page("Type on these keys or the keyboard, then choose OK", text=entry))

    # -- saving ----------------------------------------------------------------------------------
    @property
    def boards(self) -> BoardSet:
        """The boards as the app has them now."""
        return self.app.model.boards

    def _commit(self, board_set: BoardSet, said: str) -> bool:
        """Save `board_set` now, then give it to the app; on any failure keep the last good boards."""
        from aac.board.store import save_profile_boards

        try:
            save_profile_boards(self.store, self.name, board_set)
        except Exception as exc:  # whatever stopped the save, the person keeps the board they had
            self._tell(f"Not saved ({_sentence(exc)}); the board is as it was.")
            return False
        self.app.model.replace_boards(board_set)
        self._tell(said)
        return True

    def _bank_microphone(self) -> str | None:
        try:
            return self.store.load(self.name).voice.bank_microphone
        except Exception:  # a profile that cannot be read now: the default microphone, and the take goes on
            return None

    def _save_profile(self, change: Callable[[Profile], Profile]) -> Profile:
        # read the profile afresh: the boards and the phrases save into it too
        profile = change(self.store.load(self.name))
        self.store.save(profile)
        return profile

    # -- the menu --------------------------------------------------------------------------------
    def _menu(self) -> Page:
        return Page("Caregiver: what would you like to change?", [
            Item("menu:boards", "Buttons and pages", lambda: self._push(self._pages)),
            Item("menu:phrases", "Quick phrases", lambda: self._push(self._phrases)),
            Item("menu:settings", "Settings", lambda: self._push(self._settings)),
            Item("menu:import", "Import boards", lambda: self._push(self._import_files)),
            Item("menu:export", "Export boards", self._export),
            Item("menu:photo", "Avatar photo", lambda: self._push(self._photo_page)),
            Item("menu:bank", "Own recordings", lambda: self._push(self.bank.overview)),
            Item("menu:about", "About and credits", lambda: self.app.model.show("about")),
        ], columns=4, rows=2)

    # -- pages and buttons -----------------------------------------------------------------------
    def _pages(self) -> Page:
        boards = self.boards
        items = [Item(f"page:{board_id}", edits.page_title(board) + (" (home)" if board_id == boards.root_id else ""),
                      lambda b=board_id: self._push(lambda: self._grid(b)), folder=True)
                 for board_id, board in boards.boards.items()]
        items.append(Item("page:add", "Add a page", lambda: self._text("Name of the new page", "", self._add_page)))
        return Page("Choose a page to change", items, columns=4, rows=3)

    def _add_page(self, name: str) -> None:
        board_set, board_id = edits.add_page(self.boards, name)
        if self._commit(board_set, f"Page {name.strip()!r} added. Make a button a folder to it to reach it."):
            self._pop()
            self._push(lambda: self._grid(board_id))

    def _grid(self, board_id: str) -> Page:
        board = self.boards.get(board_id)
        if board is None:
            return Page("That page is gone.", [])
        row_views = -(-board.rows // GRID_VIEW_ROWS)
        col_views = -(-board.columns // GRID_VIEW_COLUMNS)
        view_rows = -(-board.rows // row_views)
        view_cols = -(-board.columns // col_views)
        view = self._offsets[-1] % (row_views * col_views) if self._stack else 0
        r0, c0 = (view // col_views) * view_rows, (view % col_views) * view_cols
        items = []
        for r, c, button in board.cells():
            if not (r0 <= r < r0 + view_rows and c0 <= c < c0 + view_cols):
                continue
            at = (r - r0, c - c0)
            if button is None:
                items.append(Item(f"cell:{r}:{c}", "+ add", lambda r=r, c=c: self._text(
                    "Label of the new button", "", lambda text, r=r, c=c: self._add_button(board_id, r, c, text)),
                    at=at, cue="empty cell: add a button"))
                continue
            image = board.image(button.image_id)
            items.append(Item(f"cell:{r}:{c}", button.label or button.words or "(no label)",
                              lambda b=button.id: self._push(lambda: self._button(board_id, b)), kind="symbol",
                              image=image if image is not None and image.usable else None,
                              fill=button.background_color, folder=button.is_folder, at=at))
        nav = []
        if row_views * col_views > 1:
            nav.append(Item("nav:more", f"More of the page ({view + 1} of {row_views * col_views})", self._more))
        nav.append(Item("page:rename", "Rename page", lambda: self._text(
            "New name of the page", board.name, lambda text: self._commit(
                edits.rename_page(self.boards, board_id, text), f"The page is now called {text.strip()!r}.")
            and self._pop())))
        if board_id != self.boards.root_id:
            nav.append(Item("page:delete", "Delete page", lambda: self._push(lambda: self._confirm_delete_page(
                board_id))))
        title = f"Page {edits.page_title(board)!r}: choose a button to change, or + to add one"
        return Page(title, items, grid=(view_rows, view_cols), nav=nav)

    def _confirm_delete_page(self, board_id: str) -> Page:
        board = self.boards.get(board_id)
        name = edits.page_title(board) if board is not None else board_id

        def delete() -> None:
            board_set, unlinked = edits.delete_page(self.boards, board_id)
            said = f"Page {name!r} deleted" + (f"; {unlinked} folder button(s) to it are plain buttons now."
                                               if unlinked else ".")
            if self._commit(board_set, said):
                self._pop(2)

        return Page(f"Delete the page {name!r} and its buttons?", [
            Item("confirm:yes", "Yes, delete it", delete),
            Item("confirm:no", "No, keep it", self._pop),
        ], columns=2, rows=2)

    def _add_button(self, board_id: str, row: int, column: int, label: str) -> None:
        if not label.strip():
            raise ValueError("a button needs a label: type one, or choose Cancel")
        board_set, button_id = edits.add_button(self.boards, board_id, row, column, label)
        if self._commit(board_set, f"Button {label.strip()!r} added."):
            self._pop()
            self._push(lambda: self._button(board_id, button_id))

    def _button(self, board_id: str, button_id: str) -> Page:
        board = self.boards.get(board_id)
        button = board.button(button_id) if board is not None else None
        if button is None:
            return Page("That button is gone.", [])
        image = board.image(button.image_id)
        colour = next((name for name, css in PALETTE if css == button.background_color), "own" if
                      button.background_color else "none")
        folder = self.boards.get(button.load_board) if button.load_board else None
        label = button.label or "(none)"

        def change(**fields) -> Callable[[str], None]:
            def run(text: str) -> None:
                if "label" in fields and not text.strip():
                    raise ValueError("a button needs a label: type one, or choose Cancel")
                new = edits.set_words(self.boards, board_id, button_id, text) if "words" in fields else \
                    edits.update_button(self.boards, board_id, button_id, label=text.strip())
                if self._commit(new, "Saved."):
                    self._pop()
            return run

        return Page(f"Button {label!r} on page {edits.page_title(board)!r}", [
            Item("button:shown", label, None, kind="symbol",
                 image=image if image is not None and image.usable else None, fill=button.background_color,
                 folder=button.is_folder),
            Item("button:label", f"Label: {label}", lambda: self._text("Label", button.label, change(label=1))),
            Item("button:words", f"Says: {button.words or '(nothing)'}",
                 lambda: self._text("Words it says", button.words, change(words=1))),
            Item("button:picture", "Picture: " + ("yes" if image is not None else "none"),
                 lambda: self._push(lambda: self._picture_menu(board_id, button_id))),
            Item("button:colour", f"Colour: {colour}", lambda: self._push(lambda: self._colours(board_id, button_id))),
            Item("button:folder", f"Opens page: {edits.page_title(folder)}" if folder is not None
                 else "Make it a folder", lambda: self._push(lambda: self._folder_choice(board_id, button_id))),
            Item("button:remove", "Remove button", lambda: self._push(lambda: self._confirm_remove(board_id,
                                                                                                   button_id))),
            Item("button:recording", self.bank.summary(button.words or button.label),
                 lambda: self.bank.open(button.words or button.label, (board_id, button_id))),
        ], columns=4, rows=2)

    def _confirm_remove(self, board_id: str, button_id: str) -> Page:
        button = self.boards.get(board_id).button(button_id)

        def remove() -> None:
            if self._commit(edits.remove_button(self.boards, board_id, button_id), f"Button {button.label!r} removed."):
                self._pop(2)

        return Page(f"Remove the button {button.label!r}?", [
            Item("confirm:yes", "Yes, remove it", remove),
            Item("confirm:no", "No, keep it", self._pop),
        ], columns=2, rows=2)

    def _picture_menu(self, board_id: str, button_id: str) -> Page:
        button = self.boards.get(board_id).button(button_id)

        def none() -> None:
            if self._commit(edits.set_picture(self.boards, board_id, button_id, None), "The picture is gone."):
                self._pop()

        def search(word: str) -> None:
            self._pop()
            self._push(lambda: self._symbol_results(board_id, button_id, word))

        return Page(f"Picture for {button.label!r}", [
            Item("picture:search", "Find a symbol by a word",
                 lambda: self._text("Word to find a symbol for", button.label, search)),
            Item("picture:file", "A picture file", lambda: self._push(lambda: self._picture_files(board_id,
                                                                                                  button_id))),
            Item("picture:none", "No picture", none),
        ], columns=3, rows=2)

    def _set_picture(self, board_id: str, button_id: str, make_image: Callable[[], object], pops: int) -> None:
        if self._commit(edits.set_picture(self.boards, board_id, button_id, make_image()), "Picture saved."):
            self._pop(pops)

    def _symbol_results(self, board_id: str, button_id: str, word: str) -> Page:
        from aac.board.symbols import find_symbols, symbol_image

        found = find_symbols(word, limit=36)
        items = [Item(f"symbol:{s.hexcode}", s.annotation,
                      lambda code=s.hexcode: self._set_picture(board_id, button_id,
                                                               lambda: symbol_image(code, f"openmoji-{code}"), 2),
                      kind="symbol", image=symbol_image(s.hexcode, f"openmoji-{s.hexcode}"))
                 for s in found]
        items.append(Item("symbol:again", "Search again", lambda: self._text(
            "Word to find a symbol for", word, lambda w: (self._pop(2), self._push(
                lambda: self._symbol_results(board_id, button_id, w))))))
        title = f"Symbols for {word!r}: choose one" if found else f"No symbol found for {word!r}: try another word"
        return Page(title, items, columns=6, rows=3)

    def _picture_files(self, board_id: str, button_id: str) -> Page:
        found = picture_files(self.home, self.store.profile_dir(self.name))
        items = [Item(f"file:{i}", f.label, lambda p=f.path: self._set_picture(
            board_id, button_id, lambda: picture_image(p, "picture-" + edits._slug(p.stem)), 2)) for i, f in
            enumerate(found)]
        if not found:
            items.append(Item("file:none", f"No pictures in {self.home / 'Pictures'} or the profile folder", None,
                              kind="text"))
        return Page("Choose a picture file", items, columns=3, rows=4)

    def _colours(self, board_id: str, button_id: str) -> Page:
        current = self.boards.get(board_id).button(button_id).background_color

        def pick(css: str | None) -> None:
            if self._commit(edits.update_button(self.boards, board_id, button_id, background_color=css), "Saved."):
                self._pop()

        items = [Item(f"colour:{i}", name + (" (now)" if css == current else ""), lambda css=css: pick(css),
                      kind="symbol", fill=css, cue=f"colour {name}" + (", chosen now" if css == current else ""))
                 for i, (name, css) in enumerate(PALETTE)]
        items.append(Item("colour:none", "No colour", lambda: pick(None)))
        return Page("Choose a colour (a Fitzgerald key: people yellow, actions green...)", items, columns=5, rows=2)

    def _folder_choice(self, board_id: str, button_id: str) -> Page:
        def link(target: str | None) -> None:
            said = "It is a plain button now." if target is None else \
                f"It opens the page {edits.page_title(self.boards.boards[target])!r}."
            if self._commit(edits.update_button(self.boards, board_id, button_id, load_board=target), said):
                self._pop()

        def new_page(name: str) -> None:
            board_set, new_id = edits.add_page(self.boards, name)
            board_set = edits.update_button(board_set, board_id, button_id, load_board=new_id)
            if self._commit(board_set, f"It opens the new page {name.strip()!r}."):
                self._pop(2)

        items = [Item("folder:none", "Not a folder", lambda: link(None))]
        items += [Item(f"folder:{other}", edits.page_title(board), lambda o=other: link(o), folder=True)
                  for other, board in self.boards.boards.items() if other != board_id]
        items.append(Item("folder:new", "A new page...", lambda: self._text("Name of the new page", "", new_page)))
        return Page("Which page should this button open?", items, columns=4, rows=3)

    # -- quick phrases ---------------------------------------------------------------------------
    def _phrases(self) -> Page:
        phrases = self.app.model.phrases
        items = [Item(f"phrase:{i}", p, lambda i=i: self._push(lambda: self._phrase(i))) for i, p in enumerate(phrases)]
        items.append(Item("phrase:add", "Add a phrase", lambda: self._text(
            "New quick phrase", "", self._add_phrase)))
        return Page("Quick phrases: choose one to change", items, columns=2, rows=4)

    def _add_phrase(self, text: str) -> None:
        if not text.strip():
            raise ValueError("the phrase is empty: type it, or choose Cancel")
        self._set_phrases([*self.app.model.phrases, text], "Phrase added.")

    def _set_phrases(self, phrases: list[str], said: str, pops: int = 1) -> None:
        self.app.model.set_phrases(phrases)
        self._tell(said)
        self._pop(pops)

    def _phrase(self, index: int) -> Page:
        phrases = list(self.app.model.phrases)
        if index >= len(phrases):
            return Page("That phrase is gone.", [])

        def moved(step: int) -> None:
            j = index + step
            if 0 <= j < len(phrases):
                phrases[index], phrases[j] = phrases[j], phrases[index]
                self.app.model.set_phrases(phrases)
                self._stack[-1] = lambda: self._phrase(j)
                self._tell("Moved.")

        def edit(text: str) -> None:
            phrases[index] = text
            self._set_phrases(phrases, "Saved." if text.strip() else "Phrase removed.")

        return Page(f"Phrase: {phrases[index]!r}", [
            Item("phrase:edit", "Change the words", lambda: self._text("Quick phrase", phrases[index], edit)),
            Item("phrase:up", "Move up", lambda: moved(-1)),
            Item("phrase:down", "Move down", lambda: moved(1)),
            Item("phrase:remove", "Remove phrase", lambda: self._set_phrases(
                phrases[:index] + phrases[index + 1:], "Phrase removed.")),
            Item("phrase:recording", self.bank.summary(phrases[index]), lambda: self.bank.open(phrases[index])),
        ], columns=3, rows=2)

    # -- import and export -----------------------------------------------------------------------
    def _import_files(self) -> Page:
        found = board_files(self.home, self.current_dir)
        items = [Item(f"import:{i}", f.label, lambda p=f.path: self._push(lambda: self._import_how(p)))
                 for i, f in enumerate(found)]
        if not found:
            items.append(Item("import:none", "No .obf, .obz or .zip files in Downloads, Documents, your home "
                              "folder or this folder", None, kind="text"))
        return Page("Import boards: choose a file", items, columns=2, rows=4)

    def _import_how(self, path: Path) -> Page:
        def run(replace: bool) -> None:
            from aac.board.store import import_into_profile, load_profile_boards

            report = import_into_profile(self.store, self.name, path, replace=replace)
            loaded = load_profile_boards(self.store, self.name)
            self.app.model.replace_boards(loaded.board_set)
            lines = report.lines(max_problems=6)
            self._pop()
            self._push(lambda: Page("Imported", [Item(f"report:{i}", line, None, kind="text")
                                                 for i, line in enumerate(lines)], columns=1, rows=8))
            self._tell("Imported: " + report.summary())

        return Page(f"Import {path.name}", [
            Item("import:add", "Add to the boards (a button on the home page opens them)", lambda: run(False)),
            Item("import:replace", "Replace the boards", lambda: run(True)),
        ], columns=2, rows=2)

    def _export(self) -> None:
        from aac.board.store import export_from_profile

        out, count = export_from_profile(self.store, self.name,
                                         self.home / f"aac-avatar-boards-{self._today().isoformat()}.obz")
        self._tell(f"Exported {count} boards to {out}")

    # -- settings --------------------------------------------------------------------------------
    def _settings(self) -> Page:
        profile = self.store.load(self.name)
        items = [Item(f"setting:{s.key}", f"{s.label}: {s.shown(profile)}",
                      lambda s=s: self._push(lambda: self._setting(s)))
                 for s in SETTINGS if s.available(profile)]
        items.append(Item("setting:pin", "Caregiver PIN: " + ("set" if profile.display.caregiver_pin else "none"),
                          lambda: self._push(self._pin)))
        items.append(Item("setting:listening", self.listening.summary(profile), self.listening.open))
        return Page("Settings", items, columns=3, rows=4)

    def _setting(self, setting: Setting) -> Page:
        profile = self.store.load(self.name)

        def choose(value) -> None:
            saved = self._save_profile(lambda p: setting.set(p, value))
            when = apply_live(self.app, saved, setting.key)
            self._tell(f"{setting.label}: {setting.shown(saved)}. {when}")

        items = [Item(f"value:{i}", label, lambda v=value: choose(v), active=active)
                 for i, (label, value, active) in enumerate(setting.choices(profile))]
        return Page(f"{setting.label}: {setting.shown(profile)}", items, columns=4, rows=3)

    def _pin(self) -> Page:
        def set_pin(pin: str | None, pops: int) -> None:
            saved = self._save_profile(lambda p: p.model_copy(update={"display": p.display.model_copy(
                update={"caregiver_pin": pin})}))
            apply_live(self.app, saved, "caregiver_pin")
            self._pop(pops)
            self._tell("PIN saved: it opens caregiver mode from now on." if pin else
                       "No PIN: hold Caregiver to open caregiver mode.")

        def checked(pin: str) -> None:
            from profiles.schema import DisplaySection

            DisplaySection(caregiver_pin=pin)  # 4 to 8 digits, or ValueError saying so
            set_pin(pin, 2)

        return Page("Caregiver PIN", [
            Item("pin:set", "Set a new PIN", lambda: self._text("New PIN (4 to 8 digits)", "", checked,
                                                                  digits_only=True)),
            Item("pin:clear", "No PIN (hold Caregiver instead)", lambda: set_pin(None, 1)),
        ], columns=2, rows=2)

    # -- the avatar photo ------------------------------------------------------------------------
    def _start_camera(self) -> None:
        if self.camera is not None:
            return
        source, release, problem = self._camera_factory()
        if problem:
            self._tell(problem)
            return
        self._release_camera = release
        self.camera = CameraWatch(source, self._changed)
        if self._camera_thread:
            self.camera.start()

    def _stop_camera(self) -> None:
        if self.camera is not None and not (self._stack and self._stack[-1] == self._photo_page):
            self.camera.stop()
            self.camera = None
            self._release_camera()
            self._release_camera = lambda: None

    def _photo_page(self) -> Page:
        from aac.board.model import Image

        frame, check = self.camera.latest() if self.camera is not None else (None, None)
        preview = Image(id=f"camera-{self.revision}", content_type="image/png", data=png_bytes(frame, 320)) \
            if frame is not None else None
        advice = check.advice if check is not None else ("Looking for the camera..." if self.camera is not None
                                                         else "No camera")
        return Page("Avatar photo: the person looks into the camera", [
            Item("photo:preview", "", None, kind="symbol", image=preview),
            Item("photo:advice", advice, None, kind="field"),
            Item("photo:take", "Take the photo", self._take_photo),
        ], columns=3, rows=1, on_show=self._start_camera)

    def _take_photo(self) -> None:
        frame, check = self.camera.latest() if self.camera is not None else (None, None)
        if frame is None or check is None or not check.ok:
            raise ValueError("not yet: " + (check.advice if check is not None else "no picture from the camera"))
        self._photo = png_bytes(frame)
        self._consent = {}
        self._pop()  # lets the camera go
        self._text("Who is in the photo? (their name)", "", self._consent_pictured)

    def _consent_pictured(self, name: str) -> None:
        if not name.strip():
            raise ValueError("type the name of the person in the photo")
        self._consent["pictured"] = name.strip()
        self._pop()
        self._push(self._consent_who)

    def _consent_who(self) -> Page:
        pictured = self._consent.get("pictured", "the person")

        def agreed(by: str) -> None:
            if not by.strip():
                raise ValueError("type the guardian's name")
            self._consent["agreed_by"] = by.strip()
            self._pop()
            self._text("Who is setting this up? (your name)", "", self._consent_set_up_by)

        return Page(f"Does {pictured} agree to this face being used in calls?", [
            Item("consent:self", f"Yes, {pictured} agrees", lambda: agreed("self")),
            Item("consent:guardian", "Yes, their guardian agrees",
                 lambda: (self._pop(), self._text("Guardian's name", "", agreed))),
            Item("consent:no", "No: do not use the photo", self._drop_photo),
        ], columns=3, rows=2)

    def _consent_set_up_by(self, name: str) -> None:
        if not name.strip():
            raise ValueError("type your name")
        self._consent["set_up_by"] = name.strip()
        self._pop()
        self._push(self._consent_confirm)

    def _consent_confirm(self) -> Page:
        c = self._consent
        by = "themselves" if c.get("agreed_by") == "self" else f"their guardian {c.get('agreed_by')}"
        return Page("Use this photo for the avatar?", [
            Item("consent:summary", f"{c.get('pictured')} is pictured; agreed by {by}; set up by "
                 f"{c.get('set_up_by')} on {self._today().isoformat()}.", None, kind="field"),
            Item("consent:yes", "Agree and use the photo", self._use_photo),
            Item("consent:cancel", "Do not use it", self._drop_photo),
        ], columns=1, rows=3)

    def _drop_photo(self) -> None:
        self._photo, self._consent = None, {}
        self._pop(len(self._stack))
        self._tell("The photo was not kept.")

    def _use_photo(self) -> None:
        from profiles.datafile import save_bytes

        if self._photo is None:
            raise ValueError("take the photo first")
        c = self._consent
        consent = ConsentSection(pictured=c["pictured"], agreed=True, agreed_by=c["agreed_by"],
                                 set_up_by=c["set_up_by"], date=self._today(),
                                 photo_sha256=hashlib.sha256(self._photo).hexdigest())  # consent for this face
        save_bytes(self.store, self.name, PHOTO_FILE, self._photo)  # the previous photo is kept as .bak
        self._save_profile(lambda p: p.model_copy(update={
            "avatar": p.avatar.model_copy(update={"photo": PHOTO_FILE}), "consent": consent}))
        self._photo, self._consent = None, {}
        self._pop(len(self._stack))
        self._tell("Photo and consent saved. The new face appears when you reopen the app.")


def _sentence(exc: BaseException) -> str:
    text = str(exc).strip().strip("'\"") or type(exc).__name__
    return text[0].upper() + text[1:]
