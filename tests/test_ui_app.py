"""The board app driven like a person would, with injected events and simulated time: a message composed by
symbols, by the keyboard with a prediction, by one-switch scanning, by two switches and by dwell, each spoken
through the real live engine (frames to an in-memory camera, audio through the engine's player)."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

import time

import numpy as np
import pygame as pg
import pytest

from aac.board.vocabulary import default_board_set, keyboard_board
from aac.live.engine import EngineSettings, LiveEngine
from aac.live.memory_camera import register_memory_camera
from aac.live.video_outputs import VirtualCameraOutput
from aac.predict.predictor import Predictor
from aac.ui.app import App
from aac.ui.engine_link import EngineSpeaker
from aac.ui.model import AppModel
from avatar.render import Renderer
from avatar.rig import load_rig
from profiles.schema import AccessSection, DisplaySection
from profiles.store import BUNDLED_DIR
from speech.registry import get_voice
from tests.gl_probe import requires_gl

W, H, FPS = 320, 180, 30.0
SIZE = (1280, 800)


@pytest.fixture(scope="module")
def rig():
    return load_rig(BUNDLED_DIR / "default" / "rig.npz")


@pytest.fixture(scope="module")
def voice():
    return get_voice("espeak:en-us")


@pytest.fixture(scope="module")
def predictor_factory():
    Predictor("en-US").suggest("warm", 5)  # builds the word cache once for the module
    return lambda: Predictor("en-US")


@pytest.fixture
def live(rig, voice):
    """A running live engine whose camera frames are kept in memory."""
    frames: list[np.ndarray] = []
    register_memory_camera("aac-test-app", lambda frame: frames.append(np.frombuffer(frame, np.uint8).copy()))
    camera = VirtualCameraOutput(W, H, FPS, backend="aac-test-app")
    engine = LiveEngine(lambda: Renderer(rig, W, H), voice, EngineSettings(width=W, height=H, fps=FPS),
                        video_outputs=[camera])
    engine.start()
    yield engine, frames
    engine.close()


def make_app(engine, predictor_factory, **access) -> App:
    model = AppModel(default_board_set("en"), {k: keyboard_board(k) for k in ("qwerty", "abc")},
                     EngineSpeaker(engine), predictor_factory(), phrases=["Yes", "No", "Thank you."])
    return App(model, AccessSection(**access), DisplaySection(), SIZE)


def target_of(app: App, label: str) -> str:
    """The target id of the visible cell labelled `label`."""
    for cell in app.screen().cells:
        if cell.target_id and cell.label.lower() == label.lower():
            return cell.target_id
    raise AssertionError(f"no cell labelled {label!r} on screen: {[c.label for c in app.screen().cells]}")


def centre(app: App, target_id: str) -> tuple[int, int]:
    x, y, w, h = app.screen().cell(target_id).rect
    return x + w // 2, y + h // 2


def click(app: App, target_id: str, now_s: float) -> None:
    pos = centre(app, target_id)
    app.handle(pg.event.Event(pg.MOUSEBUTTONDOWN, button=1, pos=pos), now_s)
    app.handle(pg.event.Event(pg.MOUSEBUTTONUP, button=1, pos=pos), now_s + 0.05)


def key(app: App, now_s: float, code: int, unicode: str = "", mod: int = 0) -> None:
    app.handle(pg.event.Event(pg.KEYDOWN, key=code, unicode=unicode, mod=mod), now_s)


def assert_spoken(engine: LiveEngine, frames: list[np.ndarray], timeout_s: float = 20.0) -> None:
    """The engine heard a message, played it and the camera's frames moved while it did."""
    start = len(frames)
    deadline = time.monotonic() + timeout_s
    while not engine.stats.first_audio_s and time.monotonic() < deadline:
        time.sleep(0.02)
    assert engine.stats.first_audio_s, "the message never reached the voice"
    while not engine.idle() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert engine.idle()
    during = frames[start:]
    assert len(during) > 10
    changes = [float(np.abs(a.astype(np.int16) - b).mean()) for a, b in zip(during, during[1:], strict=False)]
    assert max(changes) > 0.5, "the face did not move while speaking"
    assert not engine.status().problems


def scan_select(app: App, target_id: str, now_s: float, switches: int = 1, limit_s: float = 120.0) -> float:
    """Run the scan in simulated time, pressing select when the highlight holds `target_id` (a row or area
    holding it: go in; the item itself: choose it); returns the time after the choice."""
    end = now_s + limit_s
    if not app._scanner.active:
        key(app, now_s, pg.K_SPACE)  # the first press starts the scan
        now_s += 0.3
    while now_s < end:
        highlighted, _ = app.highlight()
        if target_id in highlighted:
            key(app, now_s, pg.K_SPACE)
            now_s += 0.3
            if highlighted == (target_id,):
                return now_s
        elif switches == 2:
            key(app, now_s, pg.K_RETURN)  # the second switch steps
            now_s += 0.3
        else:
            now_s += 0.05
        app.tick(now_s)
    raise AssertionError(f"{target_id} was never highlighted")


@requires_gl
def test_symbols_by_touch_then_speak(live, predictor_factory):
    engine, frames = live
    app = make_app(engine, predictor_factory, method="touch")
    now = 1.0
    for word in ("I", "want", "drink"):
        click(app, target_of(app, word), now)
        now += 1.0
    assert app.model.text == "I want drink "
    assert engine._typing, "composing shows typing... on the video"
    click(app, "action:speak", now)
    assert app.model.text == "" and app.model.history[-1].text == "I want drink"
    assert_spoken(engine, frames)


@requires_gl
def test_keyboard_with_a_prediction(live, predictor_factory):
    engine, frames = live
    app = make_app(engine, predictor_factory, method="keyboard")
    now = 1.0
    key(app, now, pg.K_k, mod=pg.KMOD_CTRL)  # the keyboard page
    assert app.model.mode == "keyboard"
    for letter in "I w":
        key(app, now, ord(letter.lower()) if letter != " " else pg.K_SPACE, unicode=letter)
        now += 0.3
    assert "want" in app.model.suggestions
    key(app, now, pg.K_F1 + app.model.suggestions.index("want"))
    assert app.model.text == "I want "
    for letter in "tea":
        click(app, target_of(app, letter), now)  # on-screen keys work too
        now += 0.3
    key(app, now, pg.K_RETURN, mod=pg.KMOD_CTRL)  # Ctrl+Enter speaks
    assert app.model.history[-1].text == "I want tea"
    assert_spoken(engine, frames)


@requires_gl
@pytest.mark.parametrize("pattern", ["row_column", "block"])
def test_one_switch_scanning(live, predictor_factory, pattern):
    engine, frames = live
    app = make_app(engine, predictor_factory, method="switch_scan", switches=1, scan_pattern=pattern,
                   scan_interval_s=0.5, scan_first_delay_s=0.5)
    now = 1.0
    for word in ("I", "want", "more"):
        now = scan_select(app, target_of(app, word), now)
    assert app.model.text == "I want more "
    now = scan_select(app, "action:speak", now)
    assert app.model.history[-1].text == "I want more"
    assert_spoken(engine, frames)


@requires_gl
def test_two_switches(live, predictor_factory):
    engine, frames = live
    app = make_app(engine, predictor_factory, method="switch_scan", switches=2, switch_keys=["space", "enter"])
    now = 1.0
    for word in ("you", "go"):
        now = scan_select(app, target_of(app, word), now, switches=2)
    now = scan_select(app, "message", now, switches=2)  # the message itself speaks too
    assert app.model.history[-1].text == "You go"  # a sentence starts with a capital
    assert_spoken(engine, frames)


@requires_gl
def test_dwell_with_pause_zone(live, predictor_factory):
    engine, frames = live
    app = make_app(engine, predictor_factory, method="dwell", dwell_time_s=0.8, dwell_pause_zone=True)
    now = 1.0

    def rest_on(target_id: str, seconds: float) -> None:
        nonlocal now
        x, y = centre(app, target_id)
        app.handle(pg.event.Event(pg.MOUSEMOTION, pos=(x, y), rel=(0, 0), buttons=(0, 0, 0)), now)
        end = now + seconds
        while now < end:
            now += 0.05
            app.handle(pg.event.Event(pg.MOUSEMOTION, pos=(x + int(3 * np.sin(now * 9)), y), rel=(0, 0),
                                      buttons=(0, 0, 0)), now)  # a little gaze jitter
            app.tick(now)

    rest_on(target_of(app, "I"), 0.5)
    assert app.state.dwell is not None and 0.3 < app.state.dwell[1] < 1.0  # the ring is filling
    rest_on(target_of(app, "I"), 2.0)  # staying on does not repeat
    assert app.model.text == "I "
    rest_on("dwell:pause", 1.0)
    assert app.state.paused
    rest_on(target_of(app, "like"), 1.5)
    assert app.model.text == "I ", "nothing is chosen while paused"
    rest_on("dwell:pause", 1.0)
    assert not app.state.paused
    rest_on(target_of(app, "like"), 1.0)
    rest_on(target_of(app, "Speak"), 1.0)
    assert app.model.history[-1].text == "I like"
    assert_spoken(engine, frames)


def test_every_target_of_every_screen_reachable_by_arrow_keys(predictor_factory):
    """Keyboard users reach everything: the focus can land on every target of the main screens."""
    class Quiet:
        def say(self, text, emotion=None): ...
        def compose(self, text): ...
        def keep_ready(self, texts): ...
        def stop(self): ...
        def play_sound(self, data, label): ...

    model = AppModel(default_board_set("en"), {k: keyboard_board(k) for k in ("qwerty", "abc")}, Quiet(),
                     predictor_factory(), phrases=["Yes", "No"])
    app = App(model, AccessSection(method="keyboard"), DisplaySection(), SIZE)
    model.type_key("I")
    for mode in ("board", "keyboard", "emotion"):
        model.show(mode) if mode != "board" else None
        targets = {t.id for t in app.screen().targets}
        seen = set()
        for _ in range(4 * len(targets)):
            seen.add(app._navigator.next().target_ids[0])
        assert seen == targets, f"{mode}: never focused {sorted(targets - seen)[:5]}"


@requires_gl
def test_a_buttons_recorded_sound_is_played_with_moving_lips(live, predictor_factory):
    import io

    import soundfile as sf

    from aac.board.model import Board, BoardSet, Button, Sound

    engine, frames = live
    rate = 16000
    t = np.arange(int(1.2 * rate)) / rate
    syllables = (np.sin(2 * np.pi * 4 * t) > 0).astype(np.float32)  # four "syllables" a second
    voice_like = 0.3 * syllables * np.sin(2 * np.pi * 180 * t) * (1 + 0.5 * np.sin(2 * np.pi * 900 * t))
    wav = io.BytesIO()
    sf.write(wav, voice_like.astype(np.float32), rate, format="WAV")
    board = Board(id="home", rows=1, columns=1, grid=(("b",),),
                  buttons=(Button(id="b", label="hi there", sound_id="s"),),
                  sounds=(Sound(id="s", content_type="audio/wav", data=wav.getvalue()),))
    model = AppModel(BoardSet(root_id="home", boards={"home": board}), {"qwerty": keyboard_board("qwerty")},
                     EngineSpeaker(engine), predictor_factory())
    app = App(model, AccessSection(method="touch"), DisplaySection(), SIZE)
    click(app, target_of(app, "hi there"), 1.0)
    assert_spoken(engine, frames)
    assert app.model.text == "Hi there ", "its words join the message too"
    with pytest.raises(ValueError, match="could not be decoded"):
        from aac.live.recording import recording_utterance

        recording_utterance(b"not audio", "x", 22050)
