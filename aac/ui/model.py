"""What the app shows and does, with no drawing: the message being composed, the board pages, the
suggestions, quick phrases, history and the emotion for the next message.

Every action a person can take is a method here (`select`), so the same model is driven by touch,
keys, switch scanning and dwell through the UI, by tests directly, and by the demonstration that
records a greeting where there is no display. Data the person made (the draft message, history,
learned words) is saved as it changes, so a crash loses nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from aac.board.model import Board, BoardSet, Button
from aac.ui.speaker import Speaker

EMOTIONS = ("neutral", "happy", "sad", "surprised", "concerned", "angry")
HISTORY_KEEP = 200
KEYBOARD_PREFIX = "keyboard-"  # board ids of keyboard pages in the shipped vocabulary

# The screens the body of the app can show; the message bar, actions and predictions stay.
MODES = ("board", "keyboard", "history", "emotion", "caregiver", "pin", "confirm_caregiver", "about")


@dataclass(frozen=True)
class HistoryEntry:
    """One message that was spoken."""

    text: str
    emotion: str
    spoken_at: str  # ISO 8601, local time

    def to_json(self) -> dict:
        """A plain dict for the history file."""
        return {"text": self.text, "emotion": self.emotion, "spoken_at": self.spoken_at}

    @staticmethod
    def from_json(value: dict) -> HistoryEntry:
        """Read one entry; raise ValueError when it is not one."""
        if not isinstance(value, dict) or not isinstance(value.get("text"), str):
            raise ValueError(f"not a history entry: {value!r:.80}")
        emotion = value.get("emotion", "neutral")
        emotion = emotion if emotion in EMOTIONS else "neutral"
        return HistoryEntry(value["text"], emotion, str(value.get("spoken_at", "")))


def history_from_json(value: object) -> list[HistoryEntry]:
    """A history file's entries; raise ValueError when the file is not a history."""
    if not isinstance(value, list):
        raise ValueError("the history is not a list of messages")
    return [HistoryEntry.from_json(v) for v in value]


class Persistence:
    """Where the model's data goes as it changes. The default keeps nothing (tests, demonstrations)."""

    def save_draft(self, text: str) -> None:
        """The message being composed changed."""

    def save_history(self, history: list[HistoryEntry]) -> None:
        """A message was spoken."""

    def save_learned(self) -> None:
        """The prediction learned from a message."""

    def save_phrases(self, phrases: list[str]) -> None:
        """The quick phrases were edited."""


@dataclass
class AppModel:
    """The state of the app and every action on it."""

    boards: BoardSet
    keyboards: dict[str, Board]  # layout name -> keyboard page
    speaker: Speaker
    predictor: object | None = None  # aac.predict.Predictor: suggest(text, count), learn(message)
    phrases: list[str] = field(default_factory=list)
    history: list[HistoryEntry] = field(default_factory=list)
    default_emotion: str = "neutral"
    suggestions_shown: int = 5
    speak_each_word: bool = False
    keyboard_layout: str = "qwerty"
    persistence: Persistence = field(default_factory=Persistence)
    text: str = ""
    mode: str = "board"
    notes: list[str] = field(default_factory=list)  # things the person should be told (shown in the status line)

    def __post_init__(self) -> None:
        self.emotion = self.default_emotion
        self.page_stack: list[str] = [self.boards.root_id]
        self.suggestions: list[str] = []
        self.pin_entry = ""
        self.partner_caption = ""  # the last thing the other side said, when listening is on
        self._to_learn: list[str] = []
        self.revision = 0  # counts changes, so the UI redraws only when something changed
        self._refresh_suggestions()
        self.speaker.keep_ready(self.phrases)  # a quick phrase starts at once, not after its synthesis

    # -- what is shown ----------------------------------------------------------------------
    @property
    def board(self) -> Board:
        """The page of symbols shown now."""
        if self.mode == "keyboard":
            return self.keyboards[self.keyboard_layout]
        return self.boards.get(self.page_stack[-1]) or self.boards.root

    @property
    def at_home(self) -> bool:
        """True on the board set's first page."""
        return len(self.page_stack) == 1

    # -- actions ------------------------------------------------------------------------------
    def restore_draft(self, text: str) -> None:
        """The unfinished message of the last session, back in the message (and being prepared)."""
        self._set_text(text)
        self.notes.append("Your unfinished message is back.")

    def press(self, button: Button) -> None:
        """A symbol, letter or folder on the board was chosen."""
        if button.sound_id is not None and self.mode != "keyboard":
            sound = self.board.sound(button.sound_id)
            if sound is not None and sound.data:
                self.speaker.play_sound(sound.data, button.words)
        action = button.action
        if action and action.startswith("+"):
            self._set_text(type_letters(self.text, action[1:]))
        elif action == ":space":
            self._set_text(type_letters(self.text, " "))
        elif action == ":backspace":
            self._set_text(self.text[:-1])
        elif action == ":clear":
            self.clear()
        elif action == ":speak":
            self.speak()
        elif action == ":home":
            self.go_home()
        elif action == ":back":
            self.back()
        elif button.words and not button.is_folder:
            self.add_words(button.words)
        elif button.words and button.is_folder and button.vocalization:
            self.add_words(button.words)  # a folder that also says something ("Feelings" -> "I feel")
        if button.load_board is not None and button.load_board.startswith(KEYBOARD_PREFIX):
            # the vocabulary's keyboard folder: open the keyboard screen, in the profile's layout
            self.mode = "keyboard"
        elif button.load_board is not None and self.boards.get(button.load_board) is not None:
            self.open_page(button.load_board)
        self._changed()

    def add_words(self, words: str) -> None:
        """Add a symbol's words to the message (and speak them alone when the profile asks)."""
        self._set_text(append_words(self.text, words))
        if self.speak_each_word:
            self.speaker.say(words, self.emotion)

    def type_key(self, key: str) -> None:
        """A letter, digit, punctuation mark or space from a keyboard."""
        self._set_text(type_letters(self.text, key))

    def backspace(self) -> None:
        """Delete the last character."""
        self._set_text(self.text[:-1])

    def delete_word(self) -> None:
        """Delete the last word (and the space after it)."""
        self._set_text(delete_last_word(self.text))

    def clear(self) -> None:
        """Empty the message."""
        self._set_text("")

    def accept_suggestion(self, index: int) -> None:
        """Put suggestion `index` in place of the word being typed (or after the last word)."""
        if 0 <= index < len(self.suggestions):
            from aac.predict.compose_text import accept_suggestion

            self._set_text(accept_suggestion(self.text, self.suggestions[index]))

    def speak(self) -> None:
        """Speak the message, keep it in the history, learn from it, and start a new one."""
        text = self.text.strip()
        if not text:
            self.notes.append("Nothing to say yet: choose words first.")
            self._changed()
            return
        self.speaker.say(text, self.emotion)
        self._remember(text)
        self.emotion = self.default_emotion
        self._set_text("")

    def say_phrase(self, phrase: str) -> None:
        """A quick phrase: spoken at once, whatever is being composed stays."""
        self.speaker.say(phrase, self.emotion)
        self._remember(phrase)
        self._changed()

    def say_again(self, index: int) -> None:
        """Speak history entry `index` (0 is the newest) again."""
        if 0 <= index < len(self.history):
            entry = self.history[-1 - index]
            self.speaker.say(entry.text, entry.emotion)
            self._changed()

    def heard(self, text: str) -> None:
        """The conversation partner said `text` (a caption from listening): shown, and its words offered
        sooner by the prediction. Nothing heard is stored."""
        text = " ".join(text.split())
        if not text:
            return
        self.partner_caption = text
        hear = getattr(self.predictor, "hear", None)
        if hear is not None:
            hear(text)
            self._refresh_suggestions()
        self._changed()

    def stop(self) -> None:
        """Stop the voice now."""
        self.speaker.stop()
        self._changed()

    def set_emotion(self, emotion: str) -> None:
        """The emotion shown while the next message is spoken."""
        if emotion not in EMOTIONS:
            raise ValueError(f"unknown emotion {emotion!r}; choose one of {', '.join(EMOTIONS)}")
        self.emotion = emotion
        self.mode = "board"
        self._changed()

    def open_page(self, board_id: str) -> None:
        """Show another page of the board set (a folder)."""
        if self.mode != "board":
            self.mode = "board"
        if self.page_stack[-1] != board_id:
            self.page_stack.append(board_id)
        self._changed()

    def go_home(self) -> None:
        """Back to the first page."""
        self.page_stack = [self.boards.root_id]
        self.mode = "board"
        self._changed()

    def back(self) -> None:
        """Back one page (or out of the keyboard, history or emotion screen)."""
        if self.mode != "board":
            self.mode = "board"
        elif len(self.page_stack) > 1:
            self.page_stack.pop()
        self._changed()

    def show(self, mode: str) -> None:
        """Switch the body of the screen (board, keyboard, history...)."""
        if mode not in MODES:
            raise ValueError(f"unknown screen {mode!r}")
        self.mode = "board" if self.mode == mode and mode != "board" else mode
        self.pin_entry = ""
        self._changed()

    def replace_boards(self, boards: BoardSet) -> None:
        """New or edited boards (caregiver mode): keep the page when it still exists."""
        self.boards = boards
        self.page_stack = [p for p in self.page_stack if boards.get(p) is not None] or [boards.root_id]
        if self.page_stack[0] != boards.root_id:
            self.page_stack.insert(0, boards.root_id)
        self._changed()

    def set_phrases(self, phrases: list[str]) -> None:
        """The caregiver edited the quick phrases."""
        self.phrases = [p.strip() for p in phrases if p.strip()]
        self.persistence.save_phrases(self.phrases)
        self.speaker.keep_ready(self.phrases)
        self._changed()

    # -- inside -------------------------------------------------------------------------------
    def _remember(self, text: str) -> None:
        stamp = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        self.history.append(HistoryEntry(text, self.emotion, stamp))
        del self.history[:-HISTORY_KEEP]
        self.persistence.save_history(self.history)
        if self.predictor is not None:
            # learning is Python work that would hold the interpreter while the engine turns the message into
            # its first sound: it waits for `settle()`, which the app calls once the speech is under way
            self._to_learn.append(text)

    @property
    def unsettled(self) -> bool:
        """True while spoken messages wait to be learned from."""
        return bool(self._to_learn)

    def settle(self) -> None:
        """Learn from the messages spoken since the last call, and save what was learned."""
        if not self._to_learn or self.predictor is None:
            return
        for text in self._to_learn:
            self.predictor.learn(text)
        self._to_learn.clear()
        self.persistence.save_learned()
        self._refresh_suggestions()
        self._changed()

    def _set_text(self, text: str) -> None:
        if text != self.text:
            self.text = text
            self.persistence.save_draft(text)
            self.speaker.compose(text)
        self._refresh_suggestions()
        self._changed()

    def _refresh_suggestions(self) -> None:
        if self.predictor is None or self.suggestions_shown == 0:
            self.suggestions = []
            return
        self.suggestions = list(self.predictor.suggest(self.text, self.suggestions_shown))[: self.suggestions_shown]

    def _changed(self) -> None:
        self.revision += 1


def append_words(text: str, words: str) -> str:
    """`text` with a symbol's `words` added as whole words, followed by a space."""
    words = words.strip()
    if not words:
        return text
    if not text.strip() or text.rstrip()[-1] in ".!?":
        words = words[0].upper() + words[1:]  # a sentence starts with a capital, as its caption shows it
    if text and not text.endswith((" ", "\n")):
        text += " "
    return text + words + " "


def type_letters(text: str, letters: str) -> str:
    """`text` after typing `letters` on a keyboard (punctuation takes the place of a space a suggestion left)."""
    from aac.predict.compose_text import apply_key

    for letter in letters:
        text = apply_key(text, letter)
    return text


def delete_last_word(text: str) -> str:
    """`text` without its last word (and the spaces after it)."""
    stripped = text.rstrip()
    cut = max(stripped.rfind(" "), stripped.rfind("\n"))
    return stripped[: cut + 1] if cut >= 0 else ""
