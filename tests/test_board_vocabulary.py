"""The shipped vocabulary: a core board, linked topic pages, keyboards, pictures that decode, symbol search."""

from __future__ import annotations

import string

import pytest

from aac.board.model import Board, BoardSet
from aac.board.pictures import decode_picture
from aac.board.symbols import ATTRIBUTION, Symbol, find_symbols, symbol_image, symbol_svg
from aac.board.vocabulary import CORE_BOARD_ID, default_board_set, keyboard_board


@pytest.fixture(scope="module")
def board_set() -> BoardSet:
    return default_board_set("en")


def _visible(board: Board) -> list:
    return [button for _, _, button in board.cells() if button is not None]


def test_core_board_is_root_with_36_to_60_words(board_set: BoardSet) -> None:
    assert board_set.root.id == CORE_BOARD_ID
    words = [b for b in _visible(board_set.root) if not b.is_folder and b.action is None]
    assert 36 <= len(words) <= 60
    labels = {b.label for b in words}
    for word in ("I", "you", "want", "go", "stop", "help", "more", "not", "yes", "no", "what", "finish"):
        assert word in labels


def test_every_link_points_into_the_set_and_every_page_links_home(board_set: BoardSet) -> None:
    linked = set()
    for board in board_set.boards.values():
        for button in board.buttons:
            if button.load_board is not None:
                assert board_set.get(button.load_board) is not None, f"{board.id}: {button.label} -> nowhere"
                linked.add(button.load_board)
        if board.id != board_set.root_id:
            assert any(b.load_board == board_set.root_id for b in _visible(board)), f"{board.id} has no home"
    assert linked >= set(board_set.boards) - {board_set.root_id}  # every page is reachable from a folder


def test_every_image_decodes_and_every_image_id_resolves(board_set: BoardSet) -> None:
    for board in board_set.boards.values():
        for button in board.buttons:
            if button.image_id is not None:
                assert board.image(button.image_id) is not None, f"{board.id}: {button.label}"
        for image in board.images:
            assert image.content_type == "image/svg+xml"
            picture = decode_picture(image, 48)
            assert picture is not None and picture.shape == (48, 48, 4), f"{board.id}: {image.id}"


def test_meeting_talk_phrases(board_set: BoardSet) -> None:
    labels = {b.label for b in board_set.boards["meeting"].buttons}
    for phrase in (
        "I agree",
        "I have a question",
        "Give me a moment",
        "Can you hear me?",
        "Please go on",
        "I can't hear you",
        "Let me finish",
        "Could you say that again?",
    ):
        assert phrase in labels


def test_topic_pages_hold_their_words(board_set: BoardSet) -> None:
    def labels(board_id: str) -> set[str]:
        return {b.label for b in board_set.boards[board_id].buttons}

    assert {"drink", "food", "toilet", "pain", "tired", "hot", "cold", "medicine"} <= labels("needs")
    assert {"mum", "dad", "friend", "doctor", "nurse", "carer"} <= labels("people")
    assert {"home", "school", "work", "hospital", "shop", "outside"} <= labels("places")
    assert {"happy", "sad", "angry", "scared"} <= labels("feelings")


def test_other_languages_get_the_same_structure(board_set: BoardSet) -> None:
    other = default_board_set("de")
    assert set(other.boards) == set(board_set.boards) and other.root_id == board_set.root_id


@pytest.mark.parametrize("layout", ["qwerty", "abc"])
def test_keyboards_hold_every_letter_space_and_backspace(layout: str) -> None:
    board = keyboard_board(layout)
    actions = {b.action: b for b in _visible(board)}
    for letter in string.ascii_lowercase:
        assert actions[f"+{letter}"].label == letter
    assert ":space" in actions and ":backspace" in actions
    assert {"+.", "+,", "+?", "+!", "+'"} <= set(actions)
    assert not any(b.load_board for b in board.buttons)  # on its own it links nowhere
    assert keyboard_board(layout, home_board_id="core").button(f"keyboard-{layout}-home").load_board == "core"


def test_unknown_keyboard_layout_is_named() -> None:
    with pytest.raises(ValueError, match="dvorak"):
        keyboard_board("dvorak")


def test_find_symbols_finds_a_dog() -> None:
    found = find_symbols("dog")
    assert found and all(isinstance(s, Symbol) for s in found)
    assert found[0].annotation == "dog"
    assert "1F436" in {s.hexcode for s in found}  # dog face
    assert len(find_symbols("face", limit=5)) == 5
    assert find_symbols("   ") == []


def test_symbol_image_and_bad_hexcodes() -> None:
    image = symbol_image("1f436", "dog")
    assert image.id == "dog" and image.data and image.data.lstrip().startswith(b"<svg")
    with pytest.raises(ValueError, match="no picture"):
        symbol_svg("1F000F")
    with pytest.raises(ValueError, match="not an OpenMoji hexcode"):
        symbol_svg("../../etc/passwd")
    assert "OpenMoji" in ATTRIBUTION and "CC BY-SA 4.0" in ATTRIBUTION
