"""Every screen of the app draws (the reference screenshots are made the same way), with big targets."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

from pathlib import Path

import numpy as np
from PIL import Image

from aac.ui.screenshots import save_screenshots

BOARDS = Path(__file__).parent / "data" / "boards"


def test_every_screen_draws(tmp_path):
    files = save_screenshots(tmp_path, BOARDS / "spec-foreign.obf")
    names = {f.stem for f in files}
    assert {"main", "keyboard", "scanning-rows", "scanning-items", "dwell", "history", "caregiver-menu",
            "caregiver-button", "imported-spec-foreign"} <= names
    for file in files:
        pixels = np.asarray(Image.open(file).convert("RGB"))
        assert pixels.shape == (800, 1280, 3)
        assert pixels.reshape(-1, 3).std(axis=0).mean() > 20, f"{file.name} is nearly blank"


def test_targets_are_big_on_every_main_screen():
    from aac.board.vocabulary import default_board_set, keyboard_board
    from aac.ui.app import App
    from aac.ui.model import AppModel
    from aac.ui.screenshots import _Quiet
    from profiles.schema import AccessSection, DisplaySection

    model = AppModel(default_board_set("en"), {k: keyboard_board(k) for k in ("qwerty", "abc")}, _Quiet(),
                     None, phrases=["Yes", "No", "Thank you."])
    app = App(model, AccessSection(method="dwell"), DisplaySection(), (1280, 800))
    for mode in ("board", "keyboard", "emotion", "history", "confirm_caregiver"):
        if mode != "board":
            model.show(mode)
        for target in app.screen().targets:
            w, h = target.rect[2:]
            assert w >= 80 and h >= 48, f"{mode}: {target.id} is only {w}x{h} px"
        model.show("board")
