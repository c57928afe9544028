"""Message banking in caregiver mode, driven through the real app: a quick phrase recorded from a microphone
(a PulseAudio the test starts, and a recorded source) with the level meter moving, stopped, kept; a board
button's recording from a sound file; and what goes wrong said on the screen with nothing lost. The
recording screens are drawn to /tmp/caregiver_bank_*.png."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")  # before pygame is imported

import threading
import time

import numpy as np
import pygame
import pytest
import soundfile as sf

from aac.board.store import load_profile_boards
from aac.board.vocabulary import keyboard_board
from aac.ui.app import App
from aac.ui.caregiver import make_caregiver
from aac.ui.engine_link import ProfilePersistence
from aac.ui.model import AppModel
from profiles.bank import load_bank
from profiles.schema import Profile
from profiles.store import ProfileStore
from speech.banked import BANK_RATE_HZ
from speech.registry import get_voice
from tests.test_ui_caregiver import RecordingSpeaker, go

SIZE = (1280, 800)


@pytest.fixture(scope="module")
def spoken():
    """ "Thank you" in the product's own voice, at the bank's rate."""
    utterance = get_voice("espeak:en-us").synthesize("Thank you.")
    assert utterance.sample_rate_hz == BANK_RATE_HZ
    return utterance.audio


class PlayedMicrophone:
    """A recorded source: hands out the recording in 50 ms chunks, then room silence until it is closed."""

    def __init__(self, audio: np.ndarray, lead_s: float = 0.3) -> None:
        lead = np.zeros(int(lead_s * BANK_RATE_HZ), np.float32)
        self.audio = np.concatenate([lead, audio])
        self.at = 0
        self.closed = False
        self.opened = 0

    def factory(self):
        self.opened += 1
        return self.read, self.close, ""

    def read(self) -> np.ndarray:
        n = BANK_RATE_HZ // 20
        chunk = self.audio[self.at:self.at + n]
        self.at += n
        return np.concatenate([chunk, np.zeros(n - len(chunk), np.float32)])

    def close(self) -> None:
        self.closed = True


def make_app(tmp_path, microphone, threaded: bool = False):
    store = ProfileStore(tmp_path / "profiles")
    store.save(Profile(name="ann", phrases=["Hello", "Thank you"]))
    loaded = store.open("ann")
    boards = load_profile_boards(store, "ann").board_set
    model = AppModel(boards=boards, keyboards={"qwerty": keyboard_board("qwerty")}, speaker=RecordingSpeaker(),
                     phrases=list(loaded.profile.phrases), persistence=ProfilePersistence(store, "ann"))
    app = App(model, loaded.profile.access, loaded.profile.display, SIZE)
    home = tmp_path / "home"
    home.mkdir()
    app.caregiver = make_caregiver(app, store, loaded, home=home, current_dir=tmp_path, camera_thread=False,
                                   microphone=microphone, microphone_thread=threaded)
    app.activate("caregiver:open")
    return app, store


def labels(app: App) -> list[str]:
    return [c.label for c in app.screen(0).cells]


def meter(app: App):
    return next((c for c in app.screen(0).cells if c.level is not None), None)


def record(app: App, seconds: float) -> list[float]:
    """In simulated time: the microphone read for `seconds` (a chunk at a time, the meter read after each),
    then Stop; the meter's readings."""
    readings = []
    for _ in range(int(seconds * 20)):
        assert app.caregiver.bank.take.poll()
        readings.append(meter(app).level)
    go(app, "bank:stop")
    return readings


def record_until_stopped(app: App, seconds: float) -> list[float]:
    """In real time (a real sound server): watch the meter while the take runs for `seconds`, then Stop."""
    readings = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        shown = meter(app)
        assert shown is not None, labels(app)
        readings.append(shown.level)
        time.sleep(0.05)
    go(app, "bank:stop")
    return readings


def draw(app: App, name: str) -> None:
    from aac.ui.draw import Painter

    surface = pygame.display.set_mode(SIZE)
    painter = Painter(surface)
    screen = app.screen(0)
    painter.paint_static(screen, name)
    painter.frame(screen, (), "item", None, None, "", app.status_line())
    pygame.image.save(surface, f"/tmp/caregiver_bank_{name}.png")


def test_record_a_quick_phrase_from_a_recorded_source(tmp_path, spoken):
    pygame.display.init()
    mic = PlayedMicrophone(spoken)
    app, store = make_app(tmp_path, mic.factory)
    go(app, "menu:phrases", "phrase:1")
    assert "Recording: none" in labels(app)
    go(app, "phrase:recording", "bank:record")
    readings = record(app, len(mic.audio) / BANK_RATE_HZ + 0.6)
    assert max(readings) > 0.5 and min(readings) < 0.05  # the meter moved with the voice, empty in the silence
    assert mic.closed  # Stop let the microphone go
    assert any("Keep this recording" in label for label in labels(app))
    draw(app, "review")
    go(app, "bank:keep")
    entry = load_bank(store, "ann").find("thank you")
    assert entry is not None and entry.phrase == "Thank you"
    kept, rate = sf.read(store.profile_dir("ann") / entry.file, dtype="float32")
    assert rate == BANK_RATE_HZ and abs(len(kept) - len(spoken)) < 0.25 * BANK_RATE_HZ  # the silence trimmed
    n = min(len(kept), len(spoken))
    lag = int(np.argmax(np.correlate(kept[: n // 2], spoken[: n // 4], "valid")))
    assert np.corrcoef(kept[lag:lag + n // 4], spoken[: n // 4])[0, 1] > 0.95
    assert any(label.startswith("Own recording of 'Thank you': ") for label in labels(app))
    go(app, "nav:back")
    assert any(label.startswith("Recording: ") and label != "Recording: none" for label in labels(app))


def test_the_meter_is_drawn_while_recording(tmp_path, spoken):
    pygame.display.init()
    mic = PlayedMicrophone(spoken, lead_s=0.0)
    app, _ = make_app(tmp_path, mic.factory)
    go(app, "menu:phrases", "phrase:0", "phrase:recording", "bank:record")
    while meter(app).level < 0.6:
        assert app.caregiver.bank.take.poll()
    draw(app, "recording")
    shown = meter(app)
    surface = pygame.image.load("/tmp/caregiver_bank_recording.png")
    x, y, w, h = shown.rect
    bar_row = y + h - max(4, min(w, h) // 14) - max(12, h // 4) // 2
    greens = sum(1 for px in range(x, x + w) if surface.get_at((px, bar_row))[1] > 150
                 and surface.get_at((px, bar_row))[0] < 100)
    assert greens > 0.3 * w  # the bar is filled with the level
    go(app, "bank:stop", "bank:discard")
    assert app.caregiver.note == "The recording was not kept."


@pytest.mark.pulse
def test_record_from_a_microphone_through_pulseaudio(tmp_path, spoken, pulse_server):
    """The test's PulseAudio: speech played into its null sink is what its monitor (the microphone) hears."""
    from aac.ui.caregiver.recording import microphone_source
    from speech.audio_out import open_output, play
    from speech.utterance import Utterance

    pygame.display.init()
    app, store = make_app(tmp_path, microphone_source(device="test_speakers.monitor"), threaded=True)
    go(app, "menu:phrases", "phrase:0", "phrase:recording", "bank:record")
    take = app.caregiver.bank.take
    deadline = time.monotonic() + 10
    while take.seconds < 0.1 and time.monotonic() < deadline:  # a recorder's first connection can stall
        time.sleep(0.02)

    def speak() -> None:
        with open_output(BANK_RATE_HZ) as out:
            play([Utterance("", spoken, BANK_RATE_HZ, "test")], [out])

    talker = threading.Thread(target=speak)
    talker.start()
    readings = record_until_stopped(app, len(spoken) / BANK_RATE_HZ + 1.0)
    talker.join()
    assert max(readings) > 0.5
    go(app, "bank:keep")
    entry = load_bank(store, "ann").find("Hello")
    kept, _ = sf.read(store.profile_dir("ann") / entry.file, dtype="float32")
    from tests.speech_checks import aligned_correlation

    assert aligned_correlation(np.concatenate([np.zeros(BANK_RATE_HZ), kept, np.zeros(BANK_RATE_HZ)]),
                               spoken[BANK_RATE_HZ // 10: -BANK_RATE_HZ // 10]) > 0.9


def test_a_button_gets_its_recording_from_a_sound_file(tmp_path, spoken):
    app, store = make_app(tmp_path, PlayedMicrophone(spoken).factory)
    music = tmp_path / "home" / "Music"
    music.mkdir()
    sf.write(music / "want.flac", np.concatenate([np.zeros(8000, np.float32), spoken]), BANK_RATE_HZ)
    (music / "broken.mp3").write_bytes(b"ID3 not really")
    go(app, "menu:boards", "page:core", "cell:0:1")
    button = app.model.boards.boards["core"].button("core-0-1")
    go(app, "button:recording", "bank:file")
    files = {c.label: c.target_id.removeprefix("caregiver:") for c in app.screen(0).cells
             if c.target_id and c.target_id.startswith("caregiver:sound:")}
    assert set(files) == {"broken.mp3 (Music)", "want.flac (Music)"}
    go(app, files["broken.mp3 (Music)"])
    assert "broken.mp3" in app.caregiver.note and "not a sound file" in app.caregiver.note
    go(app, files["want.flac (Music)"])
    assert any("Keep this recording of" in label for label in labels(app))
    go(app, "bank:keep")
    saved = load_profile_boards(ProfileStore(store.root), "ann").board_set.boards["core"]
    sound = saved.sound(saved.button("core-0-1").sound_id)
    assert sound is not None and sound.content_type == "audio/wav" and len(sound.data) > 10_000
    assert load_bank(store, "ann").find(button.words) is not None
    app.model.mode = "board"
    app.model.press(app.model.boards.boards["core"].button("core-0-1"))
    assert app.model.speaker.said[-1] == f"sound:{button.words}"  # the button plays its recording
    app.model.mode = "caregiver"
    go(app, "bank:remove")
    saved = load_profile_boards(ProfileStore(store.root), "ann").board_set.boards["core"]
    assert saved.button("core-0-1").sound_id is None and not saved.sounds
    assert load_bank(store, "ann").find(button.words) is None


def test_no_microphone_and_a_silent_take_are_said_and_nothing_changes(tmp_path, spoken):
    app, store = make_app(tmp_path, lambda: (None, lambda: None, "the microphone could not be opened (no "
                                             "device). Fix: connect a microphone"))
    go(app, "menu:phrases", "phrase:0", "phrase:recording", "bank:record")
    assert "microphone could not be opened" in app.caregiver.note
    assert meter(app) is None
    app.caregiver.bank._microphone = PlayedMicrophone(np.zeros(BANK_RATE_HZ, np.float32)).factory
    go(app, "bank:record")
    record(app, 0.4)
    assert any(label.startswith("Not usable: the recording is silent") for label in labels(app))
    go(app, "bank:discard")
    assert load_bank(store, "ann").entries == ()
    go(app, "bank:record")
    app.activate("caregiver:nav:back")  # leaving while it records stops it and lets the microphone go
    assert app.caregiver.bank.take is None


@pytest.mark.pulse
def test_the_aids_own_microphone_is_never_recorded_as_the_person(pulse_server):
    import subprocess

    from speech.microphone import real_default_source
    from speech.virtual_mic import SOURCE_NAME, VirtualMicrophone

    def pactl(*args):
        subprocess.run(["pactl", *args], env=pulse_server.env, check=True, capture_output=True)

    pactl("load-module", "module-null-source", "source_name=usb_mic")
    with VirtualMicrophone():
        pactl("set-default-source", SOURCE_NAME)
        assert real_default_source() == "usb_mic"  # the aid's own voice is not the person's
        pactl("set-default-source", "test_speakers.monitor")
        assert real_default_source() == "usb_mic"
        pactl("set-default-source", "usb_mic")
        assert real_default_source() == "usb_mic"


def test_own_recordings_lists_every_banked_phrase_and_banks_a_new_one(tmp_path, spoken):
    from aac.bank import bank_file

    mic = PlayedMicrophone(spoken)
    app, store = make_app(tmp_path, mic.factory)
    sf.write(tmp_path / "later.wav", spoken, BANK_RATE_HZ)
    bank_file(store, "ann", tmp_path / "later.wav", "See you later")  # as `aac-avatar bank add` does
    go(app, "menu:bank")
    assert any(lb.startswith("See you later (") for lb in labels(app))
    go(app, "banked:new")
    for char in "ok":
        go(app, f"key:{char}")
    go(app, "key:ok", "bank:record")
    record(app, len(mic.audio) / BANK_RATE_HZ + 0.4)
    go(app, "bank:keep")
    assert [e.phrase for e in load_bank(store, "ann").entries] == ["See you later", "ok"]
    go(app, "nav:back")
    assert any(lb.startswith("ok (") for lb in labels(app))


def test_a_take_ends_at_the_length_limit_or_when_the_microphone_fails(spoken):
    from aac.ui.caregiver.recording import Take

    mic = PlayedMicrophone(spoken)
    take = Take(mic.read, BANK_RATE_HZ, max_s=0.5, threaded=False)
    take.start()
    polls = 0
    while take.poll():
        polls += 1
    assert polls <= 11 and take.seconds == 0.5 and not take.recording and len(take.audio()) == BANK_RATE_HZ // 2

    chunks = iter([np.full(1000, 0.1, np.float32)] * 3)

    def unplugged() -> np.ndarray:
        chunk = next(chunks, None)
        if chunk is None:
            raise OSError("device disconnected")
        return chunk

    take = Take(unplugged, BANK_RATE_HZ, threaded=False)
    take.start()
    while take.poll():
        pass
    assert "device disconnected" in take.error and len(take.audio()) == 3000  # what was recorded is kept
