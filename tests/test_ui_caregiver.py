"""Caregiver mode driven through the real app: edits land in the saved profile and survive reloading,
a failed save keeps the last good board, text comes from on-screen and physical keys, and Done is
reachable by touch, dwell and switch scanning. The screens are drawn to /tmp/caregiver_*.png."""

from __future__ import annotations

import datetime as dt
import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")  # before pygame is imported

import numpy as np
import pygame

from aac.board.store import load_profile_boards
from aac.board.vocabulary import keyboard_board
from aac.ui.app import App
from aac.ui.caregiver import make_caregiver
from aac.ui.engine_link import ProfilePersistence
from aac.ui.model import AppModel
from profiles.schema import AccessSection, Profile
from profiles.store import ProfileStore

SIZE = (1280, 800)
TODAY = dt.date(2026, 12, 1)


class RecordingSpeaker:
    """Keeps what the app asked it to say."""

    def __init__(self) -> None:
        self.said: list[str] = []

    def say(self, text, emotion=None):
        self.said.append(text)

    def compose(self, text):
        pass

    def keep_ready(self, texts):
        self.kept_ready = list(texts)

    def stop(self):
        pass

    def play_sound(self, data, label):
        self.said.append(f"sound:{label}")


def face_frame() -> np.ndarray:
    """The astronaut's face (a real photo in scikit-image), as close to the camera as a webcam sees it."""
    import cv2
    import skimage.data

    return cv2.resize(skimage.data.astronaut()[0:300, 100:400], (900, 900), interpolation=cv2.INTER_CUBIC)


def make_app(tmp_path, access: AccessSection | None = None, frames: list | None = None):
    store = ProfileStore(tmp_path / "profiles")
    store.save(Profile(name="ann", phrases=["Hello", "Thank you"], access=access or AccessSection()))
    loaded = store.open("ann")
    boards = load_profile_boards(store, "ann").board_set
    model = AppModel(boards=boards, keyboards={"qwerty": keyboard_board("qwerty")}, speaker=RecordingSpeaker(),
                     phrases=list(loaded.profile.phrases), persistence=ProfilePersistence(store, "ann"))
    app = App(model, loaded.profile.access, loaded.profile.display, SIZE)
    home = tmp_path / "home"
    home.mkdir()
    frames = frames if frames is not None else []

    def camera():
        return (lambda: frames.pop(0) if frames else None), (lambda: None), ""

    app.caregiver = make_caregiver(app, store, loaded, home=home, current_dir=tmp_path, camera=camera,
                                   camera_thread=False, today=lambda: TODAY)
    app.activate("caregiver:open")
    assert app.model.mode == "caregiver" and app.caregiver.open
    return app, store


def go(app: App, *names: str) -> None:
    """Choose caregiver targets in turn, each of which must be on the screen."""
    for name in names:
        ids = [t.id for t in app.screen(0).targets]
        assert f"caregiver:{name}" in ids, f"{name} not on the screen: {[i for i in ids if 'caregiver' in i]}"
        app.activate(f"caregiver:{name}")


def type_on_screen(app: App, text: str, clear: int = 0) -> None:
    go(app, *["key:delete"] * clear)
    for char in text:
        if char.isupper():
            go(app, "key:shift")  # a capital: Shift, then the letter
        go(app, "key:space" if char == " " else f"key:{char}")
    go(app, "key:ok")


def saved_core(store: ProfileStore):
    """The core page as saved (read back from a new store object, as on the next start)."""
    return load_profile_boards(ProfileStore(store.root), "ann").board_set.boards["core"]


def test_edit_a_button_by_on_screen_keys_is_saved_and_survives_reloading(tmp_path):
    app, store = make_app(tmp_path)
    go(app, "menu:boards", "page:core", "cell:0:1", "button:label")
    assert app.caregiver.wants_text
    type_on_screen(app, "wish", clear=len("want"))
    assert not app.caregiver.wants_text
    button = saved_core(store).button("core-0-1")
    assert button.label == "wish"
    assert app.model.boards.boards["core"].button("core-0-1").label == "wish"
    go(app, "button:words")
    type_on_screen(app, "I wish", clear=len("wish"))
    assert saved_core(store).button("core-0-1").words == "I wish"
    assert store.load("ann").boards == ["boards/boards.obz"]


def test_physical_keys_type_into_the_field(tmp_path):
    app, store = make_app(tmp_path)
    go(app, "menu:boards", "page:core", "cell:0:1", "button:label")
    for _ in range(4):
        app.handle(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_BACKSPACE, unicode="\b", mod=0), 0.0)
    for char in "Tea":
        app.handle(pygame.event.Event(pygame.KEYDOWN, key=ord(char.lower()), unicode=char, mod=0), 0.0)
    assert app.model.text == ""  # the keys went to the field, not the message
    # Enter is OK (the app itself keeps Enter for its own focus today, so it is given to the caregiver here)
    app.caregiver.key(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN, unicode="\r", mod=0))
    assert saved_core(store).button("core-0-1").label == "Tea"


def test_picture_colour_folder_add_and_remove(tmp_path):
    app, store = make_app(tmp_path)
    go(app, "menu:boards", "page:core", "cell:0:0", "button:picture", "picture:search")
    type_on_screen(app, "dog", clear=1)
    go(app, "symbol:1F415")
    core = saved_core(store)
    image = core.image(core.button("core-0-0").image_id)
    assert image is not None and image.ext["ext_aac_symbol"] == "openmoji:1F415"
    go(app, "button:colour", "colour:3")  # Things: orange
    assert saved_core(store).button("core-0-0").background_color == "rgb(255, 200, 140)"
    go(app, "button:folder", "folder:feelings")
    assert saved_core(store).button("core-0-0").load_board == "feelings"
    go(app, "button:picture", "picture:none")
    assert saved_core(store).button("core-0-0").image_id is None
    go(app, "button:remove", "confirm:yes")
    core = saved_core(store)
    assert core.button("core-0-0") is None and core.grid[0][0] is None
    # the now empty cell takes a new button
    go(app, "cell:0:0")
    type_on_screen(app, "tea")
    core = saved_core(store)
    assert core.grid[0][0] is not None and core.button(core.grid[0][0]).label == "tea"


def test_picture_from_a_file_in_pictures(tmp_path):
    from PIL import Image

    app, store = make_app(tmp_path)
    (tmp_path / "home" / "Pictures").mkdir()
    Image.new("RGB", (1600, 1200), (200, 30, 30)).save(tmp_path / "home" / "Pictures" / "mug.jpg")
    (tmp_path / "home" / "Pictures" / "notes.txt").write_text("not a picture")
    go(app, "menu:boards", "page:core", "cell:0:1", "button:picture", "picture:file")
    labels = [c.label for c in app.screen(0).cells if (c.target_id or "").startswith("caregiver:file:")]
    assert labels == ["mug.jpg (Pictures)"]
    go(app, "file:0")
    core = saved_core(store)
    image = core.image(core.button("core-0-1").image_id)
    assert image.content_type == "image/jpeg" and max(image.width, image.height) <= 400


def test_pages_add_rename_link_delete(tmp_path):
    app, store = make_app(tmp_path)
    go(app, "menu:boards", "page:add")
    type_on_screen(app, "school")
    assert "school" in load_profile_boards(store, "ann").board_set.boards
    go(app, "page:rename")
    type_on_screen(app, "my school", clear=len("school"))
    assert load_profile_boards(store, "ann").board_set.boards["school"].name == "my school"
    go(app, "nav:back", "page:core", "cell:0:4", "button:folder", "folder:school")
    assert saved_core(store).button("core-0-4").load_board == "school"
    go(app, "nav:back", "nav:back", "page:school", "page:delete", "confirm:yes")
    boards = load_profile_boards(store, "ann").board_set
    assert "school" not in boards.boards and boards.boards["core"].button("core-0-4").load_board is None
    go(app, "page:core")
    assert "caregiver:page:delete" not in [t.id for t in app.screen(0).targets]  # never the home page


def test_a_save_that_fails_midway_leaves_the_last_good_board(tmp_path, monkeypatch):
    import profiles.atomic

    app, store = make_app(tmp_path)
    go(app, "menu:boards", "page:core", "cell:0:1", "button:label")
    type_on_screen(app, "wish", clear=4)
    real_replace = os.replace

    def crash(src, dst):
        if str(dst).endswith("boards.obz"):
            raise OSError(28, "No space left on device")  # the new file is written, the swap never happens
        return real_replace(src, dst)

    monkeypatch.setattr(profiles.atomic.os, "replace", crash)
    go(app, "button:label")
    type_on_screen(app, "hope", clear=4)
    assert "Not saved" in app.caregiver.note
    assert app.model.boards.boards["core"].button("core-0-1").label == "wish"
    monkeypatch.setattr(profiles.atomic.os, "replace", real_replace)
    assert saved_core(store).button("core-0-1").label == "wish"
    folder = store.profile_dir("ann") / "boards"
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_quick_phrases_add_edit_reorder_remove(tmp_path):
    app, store = make_app(tmp_path)
    go(app, "menu:phrases", "phrase:add")
    type_on_screen(app, "yes please")
    assert store.load("ann").phrases == ["Hello", "Thank you", "yes please"]
    go(app, "phrase:2", "phrase:up")
    assert store.load("ann").phrases == ["Hello", "yes please", "Thank you"]
    go(app, "phrase:up", "nav:back", "phrase:0", "phrase:edit")
    type_on_screen(app, "Yes", clear=len("yes please"))
    assert store.load("ann").phrases == ["Yes", "Hello", "Thank you"]
    go(app, "phrase:remove")
    assert store.load("ann").phrases == app.model.phrases == ["Hello", "Thank you"]


def test_export_then_import_shows_the_report(tmp_path):
    app, store = make_app(tmp_path)
    go(app, "menu:export")
    out = tmp_path / "home" / f"aac-avatar-boards-{TODAY.isoformat()}.obz"
    assert out.is_file() and str(out) in app.caregiver.note
    pages_before = len(app.model.boards.boards)
    go(app, "menu:import")
    labels = {c.target_id: c.label for c in app.screen(0).cells if (c.target_id or "").startswith("caregiver:import")}
    assert labels == {"caregiver:import:0": f"{out.name} (home)"}
    go(app, "import:0", "import:add")
    shown = " ".join(c.label for c in app.screen(0).cells)
    assert f"{pages_before} boards" in shown and "buttons" in shown
    assert len(load_profile_boards(store, "ann").board_set.boards) == 2 * pages_before
    assert len(app.model.boards.boards) == 2 * pages_before


def test_settings_are_saved_and_some_apply_at_once(tmp_path):
    app, store = make_app(tmp_path)
    go(app, "menu:settings", "setting:scan_interval_s", "value:0")
    assert store.load("ann").access.scan_interval_s == 1.25
    assert "leave caregiver mode" in app.caregiver.note
    go(app, "nav:back", "setting:speak_each_word", "value:0")
    assert store.load("ann").display.speak_each_word and app.model.speak_each_word
    go(app, "nav:back", "setting:method", "value:3")
    assert store.load("ann").access.method == "dwell"
    go(app, "nav:back", "setting:grid", "value:3")
    assert (store.load("ann").display.grid_rows, app.layout_settings.grid_columns) == (4, 5)
    go(app, "nav:back", "setting:pin", "pin:set")
    type_on_screen(app, "12")
    assert "4 to 8 digits" in app.caregiver.note and store.load("ann").display.caregiver_pin is None
    type_on_screen(app, "34")
    assert store.load("ann").display.caregiver_pin == "1234" == app.display.caregiver_pin
    assert store.load("ann").phrases == ["Hello", "Thank you"]  # nothing else in the profile changed
    assert app.access.method == "touch", "the caregiver keeps their own way of choosing while editing"
    go(app, "nav:done")
    assert app.model.mode == "board" and app.access.method == "dwell" and app.access.scan_interval_s == 1.25
    assert "dwell:pause" in {t.id for t in app.screen(0).targets}, "dwell's pause zone appears with it"


def test_photo_from_the_camera_with_live_advice_then_consent(tmp_path):
    frames = [np.zeros((480, 640, 3), np.uint8), face_frame()]
    app, store = make_app(tmp_path, frames=frames)
    go(app, "menu:photo")
    camera = app.caregiver.camera
    assert camera.poll().advice.startswith("No face seen")
    app.screen(0)
    go(app, "photo:take")
    assert "not yet" in app.caregiver.note.lower()
    assert store.load("ann").avatar.photo is None
    check = camera.poll()
    assert check.ok, check.detail
    assert "Good: take the photo" in [c.label for c in app.screen(0).cells]
    go(app, "photo:take")
    assert app.caregiver.camera is None  # the camera is let go once the photo is taken
    type_on_screen(app, "ann")
    go(app, "consent:guardian")
    type_on_screen(app, "bob")
    type_on_screen(app, "cat")
    assert store.load("ann").avatar.photo is None  # nothing is used before consent
    go(app, "consent:yes")
    profile = store.load("ann")
    assert profile.avatar.photo == "photo.png" and (store.profile_dir("ann") / "photo.png").is_file()
    consent = profile.consent
    assert (consent.pictured, consent.agreed, consent.agreed_by, consent.set_up_by, consent.date) == (
        "ann", True, "bob", "cat", TODAY)


def test_done_closes_by_touch(tmp_path):
    app, _ = make_app(tmp_path)
    cell = app.screen(0).cell("caregiver:nav:done")
    x, y, w, h = cell.rect
    pos = (x + w // 2, y + h // 2)
    app.handle(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=pos), 1.0)
    app.handle(pygame.event.Event(pygame.MOUSEBUTTONUP, button=1, pos=pos), 1.1)
    assert app.model.mode == "board" and not app.caregiver.open


def test_done_closes_by_dwell(tmp_path):
    app, _ = make_app(tmp_path, access=AccessSection(method="dwell", dwell_time_s=1.0))
    x, y, w, h = app.screen(0).cell("caregiver:nav:done").rect
    now = 0.0
    while app.model.mode == "caregiver" and now < 5.0:
        app.handle(pygame.event.Event(pygame.MOUSEMOTION, pos=(x + w // 2, y + h // 2), rel=(0, 0), buttons=()), now)
        app.tick(now)
        now += 0.05
    assert app.model.mode == "board" and now < 3.0


def test_done_closes_by_switch_scanning(tmp_path):
    app, _ = make_app(tmp_path, access=AccessSection(method="switch_scan", scan_interval_s=0.5))
    space = pygame.event.Event(pygame.KEYDOWN, key=pygame.K_SPACE, unicode=" ", mod=0)
    app.tick(0.0)
    app.handle(space, 0.0)  # the first press starts the scan
    now = 0.1
    while app.model.mode == "caregiver" and now < 120.0:
        app.tick(now)
        if app.highlight()[0] == ("caregiver:nav:done",):
            app.handle(space, now)
        now += 0.1
    assert app.model.mode == "board" and not app.caregiver.open


def _draw(app: App, name: str) -> None:
    from aac.ui.draw import Painter

    surface = pygame.display.set_mode(SIZE)
    painter = Painter(surface)
    screen = app.screen(0)
    painter.paint_static(screen, name)
    painter.frame(screen, (), "item", None, None, "", app.status_line())
    pygame.image.save(surface, f"/tmp/caregiver_{name}.png")
    for target in screen.targets:
        if target.id.startswith("caregiver:"):
            assert target.rect[2] >= 90 and target.rect[3] >= 60, (name, target.id, target.rect)
            assert target.group.startswith("caregiver")


def test_every_screen_draws_with_big_targets(tmp_path):
    pygame.display.init()
    try:
        app, _ = make_app(tmp_path, frames=[face_frame()])
        _draw(app, "menu")
        go(app, "menu:boards")
        _draw(app, "pages")
        go(app, "page:core")
        _draw(app, "grid")
        go(app, "nav:more")
        _draw(app, "grid_more")
        go(app, "nav:back", "page:core", "cell:0:2")
        _draw(app, "button")
        go(app, "button:label")
        _draw(app, "keyboard")
        go(app, "key:symbols")
        _draw(app, "keyboard_symbols")
        go(app, "nav:back", "button:picture", "picture:search", "key:ok")
        _draw(app, "symbols")
        go(app, "nav:back", "nav:back", "button:colour")
        _draw(app, "colours")
        go(app, "nav:back", "button:folder")
        _draw(app, "folder")
        go(app, "nav:done")
        app.activate("caregiver:open")
        go(app, "menu:phrases")
        _draw(app, "phrases")
        go(app, "nav:back", "menu:settings")
        _draw(app, "settings")
        go(app, "setting:method")
        _draw(app, "setting_access")
        go(app, "nav:back", "setting:pin", "pin:set")
        _draw(app, "pin")
        go(app, "nav:back", "nav:back", "nav:back", "menu:photo")
        app.caregiver.camera.poll()
        _draw(app, "photo")
        go(app, "photo:take", "key:a", "key:ok")
        _draw(app, "consent")
    finally:
        pygame.display.quit()


def test_a_damaged_board_file_is_named_and_nothing_changes(tmp_path):
    app, store = make_app(tmp_path)
    (tmp_path / "home" / "Downloads").mkdir()
    (tmp_path / "home" / "Downloads" / "broken.obz").write_bytes(b"not a zip at all")
    go(app, "menu:import", "import:0", "import:add")
    assert "broken.obz" in app.caregiver.note
    assert store.load("ann").boards == []


def test_the_camera_is_checked_in_the_background_until_stopped():
    import time

    from aac.ui.caregiver.photo import CameraWatch

    changes = []
    watch = CameraWatch(lambda: np.zeros((240, 320, 3), np.uint8), lambda: changes.append(1))
    watch.start()
    deadline = time.monotonic() + 20.0
    while watch.latest()[1] is None and time.monotonic() < deadline:
        time.sleep(0.05)
    watch.stop()
    assert watch.latest()[1].advice.startswith("No face seen") and changes
