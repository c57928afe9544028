"""Pictures of the app's screens, drawn by the real painter with a real avatar frame in the preview:
the main screen, the keyboard, a switch scan's highlight, dwell's ring, an imported foreign board, and
caregiver mode. `python -m aac.ui.screenshots FOLDER` writes them (the README's are made this way).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

SIZE = (1280, 800)


class _Quiet:
    """A speaker that says nothing (pictures only)."""

    def say(self, text, emotion=None): ...

    def compose(self, text): ...

    def keep_ready(self, texts): ...

    def stop(self): ...

    def play_sound(self, data, label): ...


def _avatar_frame():
    """One frame of the default face, as the preview shows it; None where OpenGL cannot run."""
    try:
        from avatar.render import Renderer
        from avatar.rig import load_rig
        from profiles.store import BUNDLED_DIR

        rig_path = BUNDLED_DIR / "default" / "rig.npz"
        renderer = Renderer(load_rig(rig_path), 1280, 720)
        try:
            from avatar.params import neutral

            return renderer.render(neutral())
        finally:
            renderer.release()
    except Exception:
        return None


def save_screenshots(folder: Path, boards_file: Path | None = None) -> list[Path]:
    """Draw each screen and save it as a PNG in `folder`; returns the files."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    import pygame as pg

    from aac.board.vocabulary import default_board_set, keyboard_board
    from aac.predict.predictor import Predictor
    from aac.ui.app import App
    from aac.ui.draw import Painter
    from aac.ui.model import AppModel
    from profiles.schema import AccessSection, DisplaySection

    folder.mkdir(parents=True, exist_ok=True)
    frame = _avatar_frame()
    pg.display.init()
    surface = pg.display.set_mode(SIZE)
    predictor = Predictor("en-US")
    saved: list[Path] = []

    def app_for(method: str, theme: str = "dark", boards=None, **access) -> tuple[App, Painter]:
        model = AppModel(boards or default_board_set("en"), {k: keyboard_board(k) for k in ("qwerty", "abc")},
                         _Quiet(), predictor, phrases=["Yes", "No", "Wait, I'm typing.", "Please repeat that.",
                                                       "Thank you."])
        app = App(model, AccessSection(method=method, **access), DisplaySection(theme=theme), SIZE)
        return app, Painter(surface, theme)

    def shoot(name: str, app: App, painter: Painter, now_s: float = 0.0) -> None:
        screen = app.screen(now_s)
        painter.paint_static(screen, app._screen_key)
        highlighted, level = app.highlight()
        painter.frame(screen, highlighted, level, app.state.dwell, frame, "camera on · mic on",
                      app.status_line())
        if app.back_item_shown():
            from aac.ui.run import _back_rect

            painter.back_item(_back_rect(screen))
        path = folder / f"{name}.png"
        pg.image.save(surface, str(path))
        saved.append(path)

    app, painter = app_for("touch")
    for word in ("I", "want"):
        app.model.add_words(word)
    shoot("main", app, painter)

    app, painter = app_for("keyboard", theme="light")
    app.model.show("keyboard")
    for letter in "Can you he":
        app.model.type_key(letter)
    app._navigator.focus(app.screen().targets[30].id)
    shoot("keyboard", app, painter)

    app, painter = app_for("switch_scan", scan_interval_s=1.0, scan_first_delay_s=0.0)
    app.model.add_words("I")
    app.screen(0.0)
    app._handle(app._scanner.press(0, 0.0), 0.0)  # start: the first row
    for t in (1.0, 2.0, 3.0):
        app.tick(t)
    shoot("scanning-rows", app, painter, 3.0)
    app._handle(app._scanner.press(0, 3.2), 3.2)  # into the row
    app.tick(4.3)
    shoot("scanning-items", app, painter, 4.3)

    app, painter = app_for("dwell", theme="yellow_on_black", dwell_time_s=1.0, dwell_pause_zone=True)
    target = next(t for t in app.screen().targets if t.label == "drink")
    x, y, w, h = target.rect
    app.handle(pg.event.Event(pg.MOUSEMOTION, pos=(x + w // 2, y + h // 2), rel=(0, 0), buttons=(0, 0, 0)), 0.0)
    app.tick(0.65)
    shoot("dwell", app, painter, 0.65)

    if boards_file is not None and boards_file.is_file():
        from aac.board.obf import read_boards

        imported = read_boards(boards_file).board_set
        app, painter = app_for("touch", boards=imported)
        shoot("imported-" + boards_file.stem, app, painter)

    app, painter = app_for("touch")  # partner captions: what the other side said, and its words offered
    app.model.heard("Shall we meet at the aquarium on Saturday?")
    for letter in "Yes, at the aq":
        app.model.type_key(letter)
    shoot("partner-caption", app, painter)
    app.model.heard("and then after the meeting we could all go for lunch at the little Italian place on the corner "
                    "near the station, if the weather is good")
    shoot("partner-caption-long", app, painter)

    app, painter = app_for("touch")
    for phrase in ("Thank you.", "Can you hear me?", "I have a question about the plan."):
        app.model.say_phrase(phrase)
    app.model.show("history")
    shoot("history", app, painter)

    import tempfile

    from aac.ui.caregiver import make_caregiver
    from profiles.schema import Profile
    from profiles.store import ProfileStore

    with tempfile.TemporaryDirectory(prefix="aac-shots-") as tmp:
        store = ProfileStore(Path(tmp) / "profiles")
        store.save(Profile(name="sam", phrases=["Yes", "No"]))
        app, painter = app_for("touch")
        app.caregiver = make_caregiver(app, store, store.open("sam"), home=Path(tmp), current_dir=Path(tmp),
                                       camera=lambda: None)
        app.activate("caregiver:open")
        shoot("caregiver-menu", app, painter)
        for name in ("menu:boards", "page:core"):
            app.activate(f"caregiver:{name}")
        shoot("caregiver-page", app, painter)
        app.activate("caregiver:cell:0:1")
        shoot("caregiver-button", app, painter)
        for name in ("nav:done", "open", "menu:settings", "setting:listening", "listening:enabled", "value:0"):
            app.activate(f"caregiver:{name}")
        shoot("caregiver-listening", app, painter)
    pg.display.quit()
    return saved


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots")
    extra = Path(sys.argv[2]) if len(sys.argv) > 2 else None
    for written in save_screenshots(target, extra):
        print(written)
