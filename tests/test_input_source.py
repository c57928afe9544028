"""One place picks the microphone (speech.input_source): for recording a banked phrase (speech.microphone, the
profile's voice.bank_microphone) and for hearing the partner (speech.listen.capture); never the aid's own."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")  # before pygame is imported

import subprocess
import threading
import time

import numpy as np
import pytest

from speech.input_source import InputSourceError, choose_microphone

SOURCES = ["alsa_output.pci.analog-stereo.monitor", "aac_avatar_microphone", "aac_avatar_speech.monitor",
           "usb_headset", "desk_mic"]


@pytest.mark.parametrize(("default", "wanted", "chosen"), [
    ("desk_mic", None, "desk_mic"),                                  # the default input, when it is a microphone
    ("aac_avatar_microphone", None, "usb_headset"),                  # never the aid's own voice
    ("alsa_output.pci.analog-stereo.monitor", None, "usb_headset"),  # nor what the speakers play
    (None, None, "usb_headset"),
    ("desk_mic", "usb_headset", "usb_headset"),                      # the one named
    ("desk_mic", "alsa_output.pci.analog-stereo.monitor", "alsa_output.pci.analog-stereo.monitor"),  # named on purpose
])
def test_the_microphone_chosen(default, wanted, chosen):
    assert choose_microphone(SOURCES, default, wanted) == chosen


def test_what_cannot_be_the_microphone_is_refused_saying_why():
    with pytest.raises(InputSourceError, match="aid's own virtual microphone") as own:
        choose_microphone(SOURCES, "desk_mic", "aac_avatar_speech.monitor")
    assert own.value.kind == "own"
    with pytest.raises(InputSourceError, match=r"no sound source named 'nope' \(sources here: .*usb_headset") as gone:
        choose_microphone(SOURCES, "desk_mic", "nope")
    assert gone.value.kind == "unknown" and "aac_avatar_microphone" not in str(gone.value)
    with pytest.raises(InputSourceError, match="no microphone found") as none:
        choose_microphone(SOURCES[:3], SOURCES[1])
    assert none.value.kind == "none"


@pytest.mark.pulse
def test_recording_and_listening_pick_the_same_microphone_and_the_profile_names_it(pulse_server, tmp_path):
    import pygame

    from aac.board.store import load_profile_boards
    from aac.board.vocabulary import keyboard_board
    from aac.ui.app import App
    from aac.ui.caregiver import make_caregiver
    from aac.ui.engine_link import ProfilePersistence
    from aac.ui.model import AppModel
    from profiles.bank import load_bank
    from profiles.schema import Profile
    from profiles.store import ProfileStore
    from speech.audio_out import open_output, play
    from speech.banked import BANK_RATE_HZ
    from speech.errors import AudioDeviceError
    from speech.listen.capture import resolve_source
    from speech.microphone import Microphone
    from speech.registry import get_voice
    from speech.utterance import Utterance
    from speech.virtual_mic import SOURCE_NAME, VirtualMicrophone
    from tests.speech_checks import aligned_correlation
    from tests.test_bank_caregiver import SIZE, labels, record_until_stopped
    from tests.test_ui_caregiver import RecordingSpeaker, go

    def pactl(*args):
        subprocess.run(["pactl", *args], env=pulse_server.env, check=True, capture_output=True)

    pactl("load-module", "module-null-source", "source_name=usb_headset")
    pactl("load-module", "module-null-source", "source_name=desk_mic")
    with VirtualMicrophone():
        for default, expected in ((SOURCE_NAME, "usb_headset"), ("desk_mic", "desk_mic")):
            pactl("set-default-source", default)
            mic = Microphone(BANK_RATE_HZ)
            try:
                assert mic.device == expected == resolve_source("microphone")
                assert mic.read().shape == (BANK_RATE_HZ // 20,)
            finally:
                mic.close()
        with pytest.raises(AudioDeviceError, match="aid's own virtual microphone.*voice.bank_microphone"):
            Microphone(BANK_RATE_HZ, SOURCE_NAME)
        with pytest.raises(AudioDeviceError, match="no sound source named 'nope'.*correct voice.bank_microphone"):
            Microphone(BANK_RATE_HZ, "nope")

    # caregiver mode: the caregiver chooses the microphone for recordings on the screen (saved in the profile as
    # voice.bank_microphone), and the next take records from it. A room microphone made here: what is played into
    # the sink "room" is what "room_mic" hears (the default microphone, desk_mic, hears nothing)
    pactl("load-module", "module-null-sink", "sink_name=room")
    pactl("load-module", "module-remap-source", "master=room.monitor", "source_name=room_mic",
          "source_properties=device.description=Room")
    spoken = get_voice("espeak:en-us").synthesize("Thank you.").audio
    store = ProfileStore(tmp_path / "profiles")
    store.save(Profile(name="ann", phrases=["Hello"]))
    loaded = store.open("ann")
    model = AppModel(boards=load_profile_boards(store, "ann").board_set, keyboards={"qwerty": keyboard_board("qwerty")},
                     speaker=RecordingSpeaker(), phrases=["Hello"], persistence=ProfilePersistence(store, "ann"))
    pygame.display.init()
    app = App(model, loaded.profile.access, loaded.profile.display, SIZE)
    (tmp_path / "home").mkdir()
    app.caregiver = make_caregiver(app, store, loaded, home=tmp_path / "home", current_dir=tmp_path,
                                   camera_thread=False, microphone_thread=True)
    app.activate("caregiver:open")
    go(app, "menu:phrases", "phrase:0", "phrase:recording")
    assert "Microphone: the default" in labels(app)
    go(app, "bank:microphone")
    shown = labels(app)
    assert "Microphone: Room" in shown and not any("aac_avatar" in label or "monitor" in label for label in shown)
    room = next(c.target_id.removeprefix("caregiver:") for c in app.screen(0).cells if c.label == "Microphone: Room")
    go(app, room)
    assert store.load("ann").voice.bank_microphone == "room_mic" and "Microphone: room_mic" in labels(app)
    go(app, "bank:record")
    take = app.caregiver.bank.take
    assert take is not None, labels(app)
    deadline = time.monotonic() + 10
    while take.seconds < 0.1 and time.monotonic() < deadline:  # a recorder's first connection can stall
        time.sleep(0.02)

    def speak() -> None:
        with open_output(BANK_RATE_HZ, "room") as out:
            play([Utterance("", spoken, BANK_RATE_HZ, "test")], [out])

    talker = threading.Thread(target=speak)
    talker.start()
    record_until_stopped(app, len(spoken) / BANK_RATE_HZ + 1.0)
    talker.join()
    go(app, "bank:keep")
    import soundfile as sf

    kept, _ = sf.read(store.profile_dir("ann") / load_bank(store, "ann").find("Hello").file, dtype="float32")
    assert aligned_correlation(np.concatenate([np.zeros(BANK_RATE_HZ), kept, np.zeros(BANK_RATE_HZ)]),
                               spoken[BANK_RATE_HZ // 10: -BANK_RATE_HZ // 10]) > 0.9
