"""The app's controller: input events in (with their times), model actions out, a screen to draw.

It runs in whatever time it is given (`now_s`), so tests drive it with simulated time and injected
pygame events, with no window and no sleeping; `aac.ui.run` gives it the real clock and a window.
Every access method reaches every target on the screen: touch, keys, one or two switches, dwell.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aac.access.dwell import PAUSE_ID, Dweller, DwellSettings
from aac.access.events import DwellProgress, Highlight, Paused, ScanStopped, Select
from aac.access.keyboard_nav import KeyboardNavigator
from aac.access.scanning import Scanner, ScanSettings
from aac.access.touch import hit
from aac.ui.layout import EMOTIONS, LayoutSettings, Screen, layout_screen
from aac.ui.listening import caption_tail
from aac.ui.model import AppModel
from profiles.schema import AccessSection, DisplaySection

# Learning from a spoken message waits this long after the last choice: the first sound comes first.
SETTLE_AFTER_S = 0.5

@dataclass
class AccessState:
    """What the access method shows beyond its highlight: the dwell ring, pause, spoken cues."""

    dwell: tuple[str, float] | None = None
    paused: bool = False
    cues: list[str] = field(default_factory=list)  # labels to speak on the person's own speakers


class App:
    """One person's board: the model, its screen, and the access method from their profile."""

    def __init__(self, model: AppModel, access: AccessSection, display: DisplaySection,
                 size: tuple[int, int], caregiver=None) -> None:
        self.model = model
        self.access = access
        self.display = display
        self.size = size
        self.caregiver = caregiver  # aac.ui.caregiver.Caregiver, when caregiver mode is available
        self.display_version = 0  # counts changes of theme and text size (the window repaints with them)
        self._pending_access: AccessSection | None = None
        self._configure(access, display)
        self.grid_offset = 0
        self.running = True
        self.status_note = ""
        self._screen_key: object = None
        self._screen: Screen | None = None
        self._navigator = KeyboardNavigator()
        self._press: tuple[str, float] | None = None  # a touch held down: target and since when
        self._activated_s = float("-inf")

    def _configure(self, access: AccessSection, display: DisplaySection) -> None:
        self.access, self.display = access, display
        self.layout_settings = LayoutSettings(
            grid_rows=display.grid_rows, grid_columns=display.grid_columns,
            pause_zone=access.method == "dwell" and access.dwell_pause_zone,
        )
        self._scanner = Scanner(ScanSettings.from_profile(access)) if access.method == "switch_scan" else None
        self._dweller = Dweller(DwellSettings.from_profile(access)) if access.method == "dwell" else None
        self.state = AccessState()
        self._screen_key = None  # lay out again, and give the access method the targets

    def reconfigure(self, access: AccessSection, display: DisplaySection) -> None:
        """New settings from caregiver mode. Looks and text size apply at once; a new access method waits
        until caregiver mode closes, so the caregiver is not switched to a method mid-edit."""
        if display != self.display:
            self.display_version += 1
        self.model.speak_each_word = display.speak_each_word
        if display.keyboard_layout in self.model.keyboards:
            self.model.keyboard_layout = display.keyboard_layout
        if access != self.access and self.model.mode == "caregiver":
            self._pending_access = access
            self._configure(self.access, display)
        else:
            self._configure(access, display)

    # -- the screen ------------------------------------------------------------------------------
    def screen(self, now_s: float = 0.0) -> Screen:
        """The screen for the model as it is now (laid out again only when something changed)."""
        key = (self.model.revision, self.grid_offset, self.size,
               self.caregiver.revision if self.caregiver is not None else 0)
        if key != self._screen_key:
            body = self.caregiver.cells if self.model.mode == "caregiver" and self.caregiver is not None else None
            self._screen = layout_screen(self.model, self.size, self.layout_settings, self.grid_offset, body=body)
            self._screen_key = key
            self._targets_changed(now_s)
        return self._screen

    def _targets_changed(self, now_s: float) -> None:
        targets = self._screen.targets
        self._navigator.set_targets(targets)
        if self._scanner is not None:
            self._handle(self._scanner.set_targets(targets, now_s), now_s)
        if self._dweller is not None:
            self._dweller.set_targets(targets)

    # -- input -----------------------------------------------------------------------------------
    def tick(self, now_s: float) -> None:
        """Let time pass: the automatic scan moves, dwell fills, a long press completes."""
        self.screen(now_s)
        if self.model.notes:
            self.status_note = self.model.notes[-1]
            self.model.notes.clear()
        if self.model.unsettled and now_s - self._activated_s >= SETTLE_AFTER_S:
            self.model.settle()
        if self._scanner is not None:
            self._handle(self._scanner.tick(now_s), now_s)
        if self._dweller is not None:
            self._handle(self._dweller.tick(now_s), now_s)
        held = self._press
        if held is not None and held[0] == "action:caregiver" and now_s - held[1] >= self.access.long_press_s:
            self._press = None
            self._open_caregiver(confirmed=True)

    def handle(self, event, now_s: float) -> None:
        """One pygame event (a key, the mouse, the window)."""
        import pygame as pg

        self.screen(now_s)
        if event.type == pg.QUIT:
            self.running = False
        elif event.type == pg.VIDEORESIZE:
            self.size = (event.w, event.h)
        elif event.type == pg.KEYDOWN:
            self._key(event, now_s)
        elif event.type == pg.MOUSEBUTTONDOWN and event.button == 1:
            self._pointer_down(event.pos, now_s)
        elif event.type == pg.MOUSEBUTTONUP and event.button == 1:
            self._pointer_up(event.pos, now_s)
        elif event.type == pg.MOUSEMOTION and self._dweller is not None:
            self._handle(self._dweller.pointer(event.pos[0], event.pos[1], now_s), now_s)
        elif event.type == pg.WINDOWLEAVE and self._dweller is not None:
            self._handle(self._dweller.pointer_lost(now_s), now_s)

    def _pointer_down(self, pos, now_s: float) -> None:
        if self._scanner is not None:  # many switch interfaces send a mouse click
            self._handle(self._scanner.press(0, now_s), now_s)
            return
        if self._dweller is not None:
            return  # dwell selects by resting, a click is not a choice (it may be the tracker's)
        target = hit(self.screen(now_s).targets, pos[0], pos[1])
        if target is not None:
            self._press = (target.id, now_s)

    def _pointer_up(self, pos, now_s: float) -> None:
        pressed, self._press = self._press, None
        if pressed is None:
            return
        target = hit(self.screen(now_s).targets, pos[0], pos[1])
        if target is not None and target.id == pressed[0]:
            self.activate(target.id, now_s, by_touch=True)

    def _switch_index(self, event) -> int | None:
        import pygame as pg

        name = pg.key.name(event.key).lower()
        keys = [k.lower() for k in self.access.switch_keys]
        if name == "return":
            name = "enter" if "enter" in keys else name
        return keys.index(name) if name in keys else None

    def _key(self, event, now_s: float) -> None:
        import pygame as pg

        ctrl = bool(event.mod & pg.KMOD_CTRL)
        if self._scanner is not None and not ctrl:
            switch = self._switch_index(event)
            if switch is not None:
                self._handle(self._scanner.press(min(switch, self._scanner.settings.switches - 1), now_s), now_s)
                return
        shortcuts = {
            pg.K_ESCAPE: "action:stop",
            pg.K_F1: "predict:0", pg.K_F2: "predict:1", pg.K_F3: "predict:2", pg.K_F4: "predict:3",
            pg.K_F5: "predict:4", pg.K_F9: "action:speak", pg.K_F10: "action:caregiver",
        }
        ctrl_shortcuts = {pg.K_RETURN: "action:speak", pg.K_BACKSPACE: "action:delete_word", pg.K_l: "action:clear",
                          pg.K_k: "action:keyboard", pg.K_h: "action:history", pg.K_e: "action:emotion",
                          pg.K_HOME: "action:home", pg.K_q: "quit"}
        if ctrl and event.key in ctrl_shortcuts:
            target = ctrl_shortcuts[event.key]
            if target == "quit":
                self.running = False
            else:
                self.activate(target, now_s)
            return
        if event.key in shortcuts:
            self.activate(shortcuts[event.key], now_s)
            return
        arrows = {pg.K_UP: "up", pg.K_DOWN: "down", pg.K_LEFT: "left", pg.K_RIGHT: "right"}
        if event.key in arrows:
            self._handle([self._navigator.move(arrows[event.key])], now_s)
            return
        if self.model.mode == "caregiver" and self.caregiver is not None and self.caregiver.wants_text:
            self.caregiver.key(event)  # typing into a caregiver field (Enter is its OK)
            return
        if event.key in (pg.K_RETURN, pg.K_KP_ENTER):
            chosen = self._navigator.select()
            if chosen is not None:
                self._handle([chosen], now_s)
            else:
                self.activate("action:speak", now_s)
            return
        if event.key == pg.K_BACKSPACE:
            self.model.backspace()
        elif event.unicode and event.unicode.isprintable():
            self.model.type_key(event.unicode)

    def _handle(self, events, now_s: float) -> None:
        for event in events:
            if isinstance(event, Highlight):
                if event.target_ids and event.label and self.access.scan_audio_cues:
                    self.state.cues.append(event.label)
            elif isinstance(event, Select):
                self.activate(event.target_id, now_s)
            elif isinstance(event, DwellProgress):
                self.state.dwell = (event.target_id, event.fraction) if event.fraction > 0 else None
            elif isinstance(event, Paused):
                self.state.paused = event.paused
                self.status_note = "Dwell paused: rest on Pause again to resume." if event.paused else ""
            elif isinstance(event, ScanStopped):
                self.status_note = "Scanning stopped: press the switch to start again."

    # -- what a selection does ---------------------------------------------------------------------
    def activate(self, target_id: str, now_s: float = 0.0, by_touch: bool = False) -> None:
        """Do what selecting `target_id` means."""
        model = self.model
        kind, _, rest = target_id.partition(":")
        self.status_note = ""
        self._activated_s = now_s
        if kind == "message":
            model.speak()
        elif kind == "action":
            self._action(rest, by_touch)
        elif kind == "predict":
            model.accept_suggestion(int(rest))
        elif kind == "cell":
            self._cell(rest)
        elif kind == "grid" and rest == "more":
            self.grid_offset += 1
        elif kind == "phrase":
            index = int(rest)
            if index < len(model.phrases):
                model.say_phrase(model.phrases[index])
        elif kind == "history":
            model.say_again(int(rest))
            model.show("board")
        elif kind == "emotion" and rest in EMOTIONS:
            model.set_emotion(rest)
        elif kind == "pin":
            self._pin(rest)
        elif kind == "caregiver":
            if rest == "open":
                self._open_caregiver(confirmed=True)
            elif rest == "cancel":
                model.show("board")
            elif self.caregiver is not None:
                self.caregiver.activate(rest)
                if not self.caregiver.open:
                    self._close_caregiver()
        elif kind == "about" and rest == "close":
            model.show("board")
        elif target_id == PAUSE_ID:
            pass  # the dweller pauses itself

    def _action(self, name: str, by_touch: bool) -> None:
        model = self.model
        simple = {"speak": model.speak, "delete_word": model.delete_word, "clear": model.clear, "stop": model.stop,
                  "home": model.go_home, "back": model.back}
        if name in simple:
            simple[name]()
            if name in ("home", "back"):
                self.grid_offset = 0
        elif name in ("emotion", "keyboard", "history"):
            model.show(name)
        elif name == "caregiver":
            if model.mode == "caregiver":
                self._close_caregiver()
            elif by_touch and not self.display.caregiver_pin:
                self.status_note = f"Hold Caregiver for {self.access.long_press_s:g} seconds to open it."
            else:
                self._open_caregiver(confirmed=False)

    def _cell(self, rest: str) -> None:
        _, _, button_id = rest.split(":", 2)
        button = self.model.board.button(button_id)
        if button is not None:
            if button.load_board is not None:
                self.grid_offset = 0
            self.model.press(button)

    def _pin(self, key: str) -> None:
        model = self.model
        if key == "cancel":
            model.show("board")
            return
        model.pin_entry = model.pin_entry[:-1] if key == "erase" else model.pin_entry + key
        if model.pin_entry == self.display.caregiver_pin:
            self._open_caregiver(confirmed=True)
            return
        if len(model.pin_entry) >= len(self.display.caregiver_pin or "") and key != "erase":
            model.pin_entry = ""
            self.status_note = "That PIN is not right. Try again, or choose Cancel."
        model.revision += 1

    def _open_caregiver(self, confirmed: bool) -> None:
        model = self.model
        if not confirmed:
            model.show("pin" if self.display.caregiver_pin else "confirm_caregiver")
            return
        if self.caregiver is None:
            model.show("about")
            return
        self.caregiver.start()
        model.mode = "caregiver"
        model.revision += 1

    def _close_caregiver(self) -> None:
        if self.caregiver is not None:
            self.caregiver.close()
        self.model.show("board")
        if self._pending_access is not None:
            access, self._pending_access = self._pending_access, None
            self._configure(access, self.display)

    # -- what the access method shows -------------------------------------------------------------
    def highlight(self) -> tuple[tuple[str, ...], str]:
        """The targets highlighted now and whether that is one item or a group."""
        if self._scanner is not None:
            highlighted = self._scanner.highlighted()
            return highlighted, "item" if len(highlighted) == 1 else "group"
        focused = self._navigator.focused()
        return ((focused,) if focused else ()), "item"

    def back_item_shown(self) -> bool:
        """True while the scanner's "go back" item is part of the scan (drawn in the status row)."""
        return self._scanner is not None and self._scanner.back_item() is not None

    def status_line(self, engine_problems: tuple[str, ...] = ()) -> str:
        """The line at the bottom: what just happened, or what the person needs to know."""
        if self.status_note:
            return self.status_note
        if engine_problems:
            return engine_problems[-1]
        if self.model.partner_caption:
            return f"They said: {caption_tail(self.model.partner_caption)}"
        return ""
