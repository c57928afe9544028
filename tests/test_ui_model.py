"""The app's model: composing, speaking, history, emotion, and what is kept in the profile (nothing lost on a
crash, a damaged file falls back to its previous version)."""

from __future__ import annotations

import json

import pytest

from aac.ui.model import append_words, delete_last_word
from aac.ui.run import build_model
from profiles.store import ProfileStore


class Recorder:
    """A speaker that keeps what it was asked to say."""

    def __init__(self) -> None:
        self.said: list[tuple[str, str | None]] = []
        self.composed: list[str] = []
        self.stopped = 0

    def say(self, text, emotion=None):
        self.said.append((text, emotion))

    def compose(self, text):
        self.composed.append(text)

    def keep_ready(self, texts):
        self.kept_ready = list(texts)

    def stop(self):
        self.stopped += 1

    def play_sound(self, data, label):
        self.said.append((f"sound:{label}", None))


@pytest.fixture
def store(tmp_path):
    return ProfileStore(tmp_path / "profiles")


def open_model(store, speaker=None):
    return build_model(store, store.open("default"), speaker or Recorder())


def test_compose_speak_and_history(store):
    speaker = Recorder()
    model = open_model(store, speaker).model
    model.add_words("i")
    model.add_words("want to")
    assert model.text == "I want to "  # the sentence starts with a capital
    assert speaker.composed[-1] == "I want to ", "the engine prepares the speech while composing"
    model.set_emotion("happy")
    model.speak()
    assert speaker.said == [("I want to", "happy")]
    assert model.text == "" and model.emotion == "neutral", "the emotion is for the next message only"
    assert model.history[-1].text == "I want to"
    model.speak()
    assert len(speaker.said) == 1 and model.notes, "an empty message is not spoken; the person is told"


def test_text_editing():
    assert append_words("", "hello") == "Hello "
    assert append_words("I", "want") == "I want "
    assert append_words("Yes. ", "thanks") == "Yes. Thanks "
    assert delete_last_word("I want to ") == "I want "
    assert delete_last_word("I") == ""


def test_phrase_history_and_say_again(store):
    speaker = Recorder()
    model = open_model(store, speaker).model
    assert speaker.kept_ready == model.phrases and model.phrases, "the quick phrases are prepared from the start"
    model.set_phrases(["Yes", "No", "Wait"])
    assert speaker.kept_ready == ["Yes", "No", "Wait"], "and again when the caregiver edits them"
    model.say_phrase("Thank you.")
    model.add_words("more")
    model.say_again(0)
    assert [s for s, _ in speaker.said] == ["Thank you.", "Thank you."]
    assert model.text == "More ", "a quick phrase leaves the message being composed alone"


def test_draft_history_and_learned_words_survive_a_restart(store):
    model = open_model(store).model
    model.type_key("Z")
    for letter in "anzibar is lovely":
        model.type_key(letter)
    model.speak()
    assert model.unsettled, "learning waits until the speech is under way"
    model.settle()
    for letter in "half typed":
        model.type_key(letter)
    # the process dies here: nothing is closed or flushed
    again = open_model(store)
    assert again.model.text == "half typed"
    assert [e.text for e in again.model.history] == ["Zanzibar is lovely"]
    again.model.clear()
    for letter in "Zan":
        again.model.type_key(letter)
    assert "Zanzibar" in again.model.suggestions, "the prediction learned the person's word"
    folder = store.profile_dir("default")
    assert (folder / "words.json").stat().st_mode & 0o077 == 0, "owner-only"


def test_damaged_history_falls_back_to_the_previous_version(store):
    model = open_model(store).model
    model.say_phrase("first")
    model.say_phrase("second")
    history = store.profile_dir("default") / "history.json"
    history.write_text("{ not json", encoding="utf-8")
    parts = open_model(store)
    assert [e.text for e in parts.model.history] == ["first"]
    assert any("history.json" in note and "previous version" in note for note in parts.notes)


def test_wrong_history_shape_starts_empty_and_says_so(store):
    open_model(store).model.say_phrase("first")
    history = store.profile_dir("default") / "history.json"
    history.write_text(json.dumps({"not": "a list"}), encoding="utf-8")
    (history.parent / "history.json.bak").write_text(json.dumps({"not": "a list"}), encoding="utf-8")
    parts = open_model(store)
    assert parts.model.history == []
    assert any("history" in note for note in parts.notes)


def test_quick_phrases_are_saved_in_the_profile(store):
    model = open_model(store).model
    model.set_phrases(["Yes", "  ", "Not now, thanks."])
    assert store.load("default").phrases == ["Yes", "Not now, thanks."]


def test_folders_and_keyboard_pages(store):
    model = open_model(store).model
    folder = next(b for b in model.board.buttons if b.is_folder and not b.load_board.startswith("keyboard"))
    model.press(folder)
    assert model.board.id == folder.load_board and not model.at_home
    model.back()
    assert model.at_home
    keyboard = next(b for b in model.board.buttons if b.load_board and b.load_board.startswith("keyboard"))
    model.press(keyboard)
    assert model.mode == "keyboard"
    letter = next(b for b in model.board.buttons if b.action == "+h")
    model.press(letter)
    model.press(next(b for b in model.board.buttons if b.action == "+i"))
    assert model.text == "hi"


def test_partner_captions_are_shown_and_raise_their_words(store):
    from aac.ui.app import App
    from profiles.schema import AccessSection, DisplaySection

    model = open_model(store).model
    app = App(model, AccessSection(), DisplaySection(), (1280, 800))
    for letter in "Let's ask Pr":
        model.type_key(letter)
    assert "Priya" not in model.suggestions
    model.heard("  I think   Priya knows the way.  ")
    assert model.suggestions[0] == "Priya", "a name just heard comes first, with its capital"
    assert app.status_line() == "They said: I think Priya knows the way."
    folder = store.profile_dir("default")
    assert not any("Priya" in p.read_text(encoding="utf-8", errors="ignore") for p in folder.glob("*.json")), \
        "nothing heard is stored"
