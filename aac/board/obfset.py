"""Board sets shared as one JSON list of boards (`.obfset`): how CoughDrop lists a set, how open-aac's
aac-metrics publishes vocabularies converted from commercial AAC apps, and how Cboard exports boards
in its own format (`aac.board.cboard`).

Each entry is an Open Board Format board (its `format` may read "obs"), linked to the others by
`load_board.id`; the first is home. Their boards usually have no names and no pictures, and their
labels are often hashed words (`aac.board.hashed_labels`). So, before the boards are read as any
other: hashed labels become their words where a word list knows them (else blank), and a board
without a name is named after the button that opens it. Every such repair is counted in the report.
"""

from __future__ import annotations

import copy
from typing import Any

from aac.board.cboard import is_cboard_board, obf_from_cboard
from aac.board.errors import BoardFileError
from aac.board.hashed_labels import HashedLabels, is_hashed
from aac.board.model import BoardSet
from aac.board.obf import FORMAT, ImportResult, _Reader, _report, _text_id

_SET_FORMATS = ("obs", "open-board-0.1", None)


def _looks_like_board(value: Any) -> bool:
    return isinstance(value, dict) and ("buttons" in value or "grid" in value or is_cboard_board(value))


def _from_cboard(raws: list[dict], reader: _Reader, source: str) -> list[dict]:
    """Cboard's own boards (tiles) made Open Board Format boards; the rest as they are."""
    if not any(is_cboard_board(raw) for raw in raws):
        return raws
    from aac.predict.chat_corpus import apostrophe_speller

    spell = apostrophe_speller()  # Cboard's keys lose apostrophes ("iCant"): its words come back as written
    out, boards, app_pictures, no_language = [], 0, 0, 0
    for raw in raws:
        if is_cboard_board(raw):
            no_language += not isinstance(raw.get("locale"), str)
            raw, pictures = obf_from_cboard(raw, spell)
            boards += 1
            app_pictures += pictures
        out.append(raw)
    reader.problem(f"{source}: {boards} board{'s are' if boards != 1 else ' is'} in Cboard's own format; read as "
                   "Open Board Format boards (words from Cboard's symbol names where no text was given)")
    if app_pictures:
        reader.problem(f"{source}: {app_pictures} picture{'s are' if app_pictures != 1 else ' is a'} "
                       f"symbol{'s' if app_pictures != 1 else ''} inside the Cboard app, not in the file; "
                       "their buttons show their labels")
    if no_language:
        reader.problem(f"{source}: {no_language} Cboard board{'s do' if no_language != 1 else ' does'} not say "
                       "their language; English assumed")
    return out


def _buttons(raw: dict) -> list:
    """A board's buttons as written (an empty list when it has none or they are not a list)."""
    return raw["buttons"] if isinstance(raw.get("buttons"), list) else []


def _unhash(boards: list[dict], reader: _Reader, source: str) -> None:
    """Hashed labels (and vocalizations) replaced, in place, by their words; a blank where none is known."""
    words = None
    hashed = recovered = 0
    for raw in boards:
        for button in _buttons(raw):
            if not isinstance(button, dict):
                continue
            for key in ("label", "vocalization"):
                if not is_hashed(button.get(key)):
                    continue
                words = words or HashedLabels(raw.get("locale", "en")[:2] if isinstance(raw.get("locale"), str)
                                              else "en")
                word = words.word(button[key])
                hashed += key == "label"
                if word is None:
                    button[key] = "" if key == "label" else None
                else:
                    button[key] = word
                    recovered += key == "label" and word != ""
    if hashed:
        blank = hashed - recovered
        reader.problem(f"{source}: {hashed} button labels were written as hashed words (as aac-metrics publishes "
                       f"converted vocabularies); {recovered} were found in the word list"
                       + (f", {blank} are left blank (edit them in caregiver mode)" if blank else ""))


def _name_boards(boards: list[dict], reader: _Reader, source: str) -> None:
    """A board without a name takes the label of the first button that opens it."""
    opened_by: dict[str, str] = {}
    for raw in boards:
        for button in _buttons(raw):
            if not isinstance(button, dict) or not isinstance(button.get("load_board"), dict):
                continue
            target = _text_id(button["load_board"].get("id"))
            label = button.get("label")
            if target is not None and isinstance(label, str) and label.strip():
                opened_by.setdefault(target, label.strip())
    named = 0
    for raw in boards:
        name = raw.get("name")
        if not (isinstance(name, str) and name.strip()) and (label := opened_by.get(_text_id(raw.get("id")) or "")):
            raw["name"] = label
            named += 1
    if named:
        reader.problem(f"{source}: {named} board{' had' if named == 1 else 's had'} no name; "
                       f"{'it is' if named == 1 else 'each is'} named after the button that opens it")


def read_board_list(value: list, source: str) -> ImportResult:
    """A set of boards from a JSON list (an `.obfset`), linked by id, home first; BoardFileError if none is a
    board."""
    reader = _Reader(source=source)
    raws: list[dict] = []
    for index, entry in enumerate(value):
        if not _looks_like_board(entry):
            reader.problem(f"{source}: entry {index + 1} of the list is not a board; left out")
            continue
        raw = copy.deepcopy(entry)  # repaired below; the caller's value stays as read
        if raw.get("format") in _SET_FORMATS:
            raw["format"] = FORMAT  # "obs" is the set's own name for the same boards
        raws.append(raw)
    raws = _from_cboard(raws, reader, source)
    if not raws:
        raise BoardFileError(f"{source}: a JSON list with no boards in it. Fix: export the boards from their app as "
                             ".obz (Open Board Format) and import that")
    _unhash(raws, reader, source)
    _name_boards(raws, reader, source)
    ids = [reader.claim_board_id(raw, f"board-{index + 1}", f"{source}: board {index + 1}")
           for index, raw in enumerate(raws)]
    boards = {board_id: reader.board(raw, board_id, source, "") for board_id, raw in zip(ids, raws, strict=True)}
    # home is the first board, as the sets are written (other boards link back to it, so no rule finds it better)
    return ImportResult(BoardSet(root_id=ids[0], boards=boards), _report(reader, boards))
