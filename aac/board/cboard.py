"""Boards in Cboard's own format (its "Cboard" export, `board.json`): read as Open Board Format boards.

Cboard (cboard.io) exports a JSON list of boards whose buttons are `tiles`: `label`, `labelKey`,
`image`, `loadBoard`, `backgroundColor`, `borderColor`, `vocalization`, and boards with `name` or
`nameKey`. Its built-in boards name their words by translation keys ("cboard.symbol.thankYou")
rather than text; those become words again from the key's last part ("thank you"). Its built-in
pictures are files inside the Cboard app, not in the export: those buttons show their labels.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_KEY = re.compile(r"^[a-z][A-Za-z0-9]*(\.[A-Za-z0-9_]+){2,}$")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def is_cboard_board(value: Any) -> bool:
    """Whether `value` is a board as Cboard writes it (tiles, not buttons)."""
    return isinstance(value, dict) and isinstance(value.get("tiles"), list) and "buttons" not in value


def key_words(key: str, spell: Callable[[str], str] = lambda word: word) -> str | None:
    """The words a Cboard translation key stands for ("cboard.symbol.iCantSpeak" -> "I can't speak" with an
    English `spell`ing mender), or None when `key` is not such a key."""
    if not _KEY.match(key):
        return None
    parts = [w for part in _CAMEL.split(key.rsplit(".", 1)[1].replace("_", " ")) for w in part.split()]
    words = [w if len(w) > 1 and w.isupper() else spell(w.lower()) for w in parts]  # "TV" stays "TV"
    text = " ".join(words)
    return re.sub(r"\bi\b", "I", text)


def _text(tile: dict, name_key: str, key_key: str, spell: Callable[[str], str]) -> str:
    """A tile's label (or a board's name): its text; else the words of its translation key."""
    for value in (tile.get(name_key), tile.get(key_key)):
        if isinstance(value, str) and value.strip():
            return key_words(value.strip(), spell) or value
    return ""


def obf_from_cboard(raw: dict, spell: Callable[[str], str]) -> tuple[dict, int]:
    """An Open Board Format board (as JSON) from a Cboard board, and how many of its pictures were Cboard's own
    symbol files (not in the export)."""
    buttons: list[dict] = []
    images: list[dict] = []
    app_pictures = 0
    for index, tile in enumerate(raw["tiles"]):
        if not isinstance(tile, dict):
            continue
        tile_id = tile.get("id") if isinstance(tile.get("id"), str | int) else f"tile-{index + 1}"
        button: dict[str, Any] = {"id": tile_id, "label": _text(tile, "label", "labelKey", spell)}
        for theirs, ours in (("backgroundColor", "background_color"), ("borderColor", "border_color")):
            if isinstance(tile.get(theirs), str):
                button[ours] = tile[theirs]
        if isinstance(tile.get("vocalization"), str) and tile["vocalization"].strip():
            button["vocalization"] = key_words(tile["vocalization"], spell) or tile["vocalization"]
        if isinstance(tile.get("loadBoard"), str | int):
            button["load_board"] = {"id": tile["loadBoard"]}
        if tile.get("hidden") is True:
            button["hidden"] = True
        image = tile.get("image")
        if isinstance(image, str) and image.strip():
            image_id = f"image-{tile_id}"
            if image.startswith("data:"):
                images.append({"id": image_id, "data": image})
                button["image_id"] = image_id
            elif image.startswith(("http://", "https://")):
                images.append({"id": image_id, "url": image})
                button["image_id"] = image_id
            else:
                app_pictures += 1
        buttons.append(button)
    board: dict[str, Any] = {"format": "open-board-0.1", "id": raw.get("id"),
                             "name": _text(raw, "name", "nameKey", spell), "buttons": buttons, "images": images}
    # Cboard boards seldom say their language; the set's reader reports the English it assumes once, not per board
    board["locale"] = raw["locale"].replace("-", "_") if isinstance(raw.get("locale"), str) else "en"
    grid = raw.get("grid")
    if isinstance(grid, dict) and isinstance(grid.get("order"), list):
        board["grid"] = grid
    return board, app_pictures
