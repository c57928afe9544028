"""The board's window paints only when what it shows changed (a still board was painted 30 times a second)."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")  # before pygame is imported

import numpy as np
import pygame
import pytest


@pytest.fixture
def window(tmp_path):
    from aac.live.engine import EngineSettings, LiveEngine
    from aac.live.session import OpenedOutputs
    from aac.ui.run import Window
    from avatar.render import Renderer
    from avatar.rig import load_rig
    from profiles.store import BUNDLED_DIR, ProfileStore
    from speech.audio_out import PacedOutput
    from speech.registry import get_voice

    store = ProfileStore(tmp_path / "profiles")
    loaded = store.open("default")
    voice = get_voice("espeak:en-us")
    rig = load_rig(BUNDLED_DIR / "default" / "rig.npz")
    # the engine is not started: its frames are set by the test, so the preview changes only when told
    engine = LiveEngine(lambda: Renderer(rig, 160, 90), voice, EngineSettings(width=160, height=90, fps=15.0),
                        audio_outputs=[PacedOutput(voice.sample_rate_hz)], prepare=False)
    window = Window(store, loaded, engine, OpenedOutputs(camera_on=False), (1024, 640), fullscreen=False)
    yield window, engine
    window.close()
    engine.close()


def test_a_still_board_is_painted_once_and_every_change_again(window):
    window, engine = window
    flips = []
    real_flip = pygame.display.flip
    pygame.display.flip = lambda: flips.append(1) or real_flip()
    t = [100.0]

    def steps(n: int) -> int:
        before = window.paints
        for _ in range(n):
            t[0] += 1 / 30
            window.step(t[0])
        return window.paints - before

    try:
        steps(3)
        pygame.event.clear()
        assert steps(10) == 0  # nothing changed: nothing painted
        window.app.model.type_key("a")  # the message and the suggestions change
        assert steps(10) == 1
        picture = pygame.surfarray.array3d(window.surface).copy()
        engine.last_frame = np.full((90, 160, 3), 200, np.uint8)  # a new frame of the avatar for the preview
        assert steps(10) == 1
        assert not np.array_equal(pygame.surfarray.array3d(window.surface), picture)
        pygame.event.post(pygame.event.Event(pygame.VIDEOEXPOSE))  # the window uncovered: painted again
        assert steps(10) == 1
        window.app.state.dwell = (window.app.screen().targets[0].id, 0.5)  # a dwell ring filling
        assert steps(1) == 1
        assert len(flips) == window.paints
    finally:
        pygame.display.flip = real_flip
