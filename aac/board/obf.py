"""Open Board Format: reading `.obf` boards and `.obz`/`.zip` packages into the board model, and writing them.

Real board files break the spec in many ways (see DESIGN.md, "Boards"); the reader loads what
it can and reports, in sentences a caregiver understands, everything it skipped or repaired.
Nothing is ever fetched: a picture known only by URL shows its button's label. Packages are
untrusted and read in memory within limits (`aac.board.archive`); pictures and sounds are
checked before they are kept (`aac.board.media_check`). Fields the app does not use (licences,
`ext_*` fields, positions, actions it does not know) ride along in each object's `ext` and are
written back on export, so a board passes through the app without losing what other tools wrote.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import posixpath
import re
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from aac.board.archive import DEFAULT_LIMITS, SafeZip, ZipLimits, join_member_path
from aac.board.colours import normalise_colour
from aac.board.errors import BoardFileError, PackageTooBigError
from aac.board.layout import Placed, grid_from_positions, grid_from_sequence
from aac.board.media_check import check_image, check_sound, normalise_content_type, parse_data_uri
from aac.board.model import SPEC_ACTIONS, Board, BoardSet, Button, Image, Sound, unique_id

FORMAT = "open-board-0.1"
EXT_PREFIX = "ext_aac_avatar_"  # our own extras, as the spec asks (`ext_<app>_`)
DWELL_KEY = EXT_PREFIX + "dwell_time_s"
PACKAGE_SUFFIXES = (".obz", ".zip")

_BOARD_KEYS = {"format", "id", "locale", "name", "grid", "buttons", "images", "sounds"}
_BUTTON_KEYS = {"id", "label", "vocalization", "image_id", "sound_id", "hidden", DWELL_KEY}
_IMAGE_KEYS = {"id", "content_type", "data", "url", "path", "width", "height"}
_SOUND_KEYS = {"id", "content_type", "data", "url", "path", "duration"}
_SUFFIX_BY_TYPE = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/bmp": ".bmp",
    "image/x-icon": ".ico",
    "image/svg+xml": ".svg",
    "audio/wav": ".wav",
    "audio/mpeg": ".mp3",
    "audio/ogg": ".ogg",
    "audio/flac": ".flac",
    "audio/mp4": ".m4a",
}
# One sentence per problem is kept; a huge package with one repeated fault must not make a huge report.
MAX_PROBLEMS = 500
_REPEATS_SHOWN = 2
_REPEAT_SUMMARY = {
    "no_locale": "... and {n} more boards give no language (locale); English assumed for them",
    "no_picture": "... and {n} more buttons name pictures that are not in the file; their labels are shown",
    "no_sound": "... and {n} more buttons name sounds that are not in the file; their words are spoken instead",
    "no_board": "... and {n} more buttons open boards that are not in the file; they stay, without the link",
}


@dataclass(frozen=True)
class ImportReport:
    """What an import found: counts, and a sentence for everything skipped or repaired (file and board named)."""

    source: str
    boards: int = 0
    buttons: int = 0
    images_with_data: int = 0
    images_url_only: int = 0
    images_missing: int = 0
    sounds_with_data: int = 0
    sounds_url_only: int = 0
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # what was done with the boards (e.g. where a profile shows them)

    def summary(self) -> str:
        """One sentence of counts for people."""
        parts = [
            f"{self.boards} board{'s' if self.boards != 1 else ''}",
            f"{self.buttons} button{'s' if self.buttons != 1 else ''}",
            f"{self.images_with_data} picture{'s' if self.images_with_data != 1 else ''} shown",
        ]
        if self.images_url_only:
            parts.append(f"{self.images_url_only} picture{'s' if self.images_url_only != 1 else ''} "
                         "only on the internet (their labels are shown; nothing is downloaded)")
        if self.images_missing:
            parts.append(f"{self.images_missing} picture{'s' if self.images_missing != 1 else ''} left out")
        sounds = self.sounds_with_data
        parts.append(f"{sounds} recorded sound{'s' if sounds != 1 else ''}")
        if self.sounds_url_only:
            parts.append(f"{self.sounds_url_only} sound{'s' if self.sounds_url_only != 1 else ''} only on the "
                         "internet (not played)")
        return f"{self.source}: " + ", ".join(parts) + "."

    def lines(self, max_problems: int = 40) -> list[str]:
        """The summary, then the problems (at most `max_problems`, then how many more)."""
        out = [self.summary()] + list(self.notes)
        if self.problems:
            out.append(f"{len(self.problems)} thing{'s' if len(self.problems) != 1 else ''} skipped or repaired:")
            out += [f"  - {p}" for p in self.problems[:max_problems]]
            if len(self.problems) > max_problems:
                out.append(f"  ... and {len(self.problems) - max_problems} more")
        return out


@dataclass(frozen=True)
class ImportResult:
    """The boards read from a file, and the report of what was skipped or repaired."""

    board_set: BoardSet
    report: ImportReport


# ----------------------------------------------------------------------------------------------- reading


def _text_id(value: Any) -> str | None:
    """An id as the model keeps it: a string, exactly as written (ints become their digits)."""
    if value is None or isinstance(value, bool | dict | list):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    return text if text != "" else None


def _positive_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number >= 1 and number == int(number) and number < 1e6 else None


def parse_json(data: bytes, where: str) -> Any:
    """JSON from bytes (UTF-8, a BOM allowed; UTF-16 or 32, as Windows tools may save it, told by its zero
    bytes as the JSON standard says); BoardFileError naming the line and column when it is broken."""
    encoding = json.detect_encoding(data)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        named = encoding.upper().removesuffix("-SIG")
        raise BoardFileError(f"{where}: not text (byte {exc.start} is not {named}); it is not a board file") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BoardFileError(
            f"{where}: broken JSON at line {exc.lineno}, column {exc.colno} ({exc.msg}). "
            "Fix: export the board again from the app that made it"
        ) from None


def _describe_button(raw: dict, button_id: str) -> str:
    label = raw.get("label")
    return f"button {label!r}" if isinstance(label, str) and label.strip() else f"button {button_id!r}"


@dataclass
class _Counts:
    images_with_data: int = 0
    images_url_only: int = 0
    images_missing: int = 0
    sounds_with_data: int = 0
    sounds_url_only: int = 0


@dataclass
class _Reader:
    """The state of one import: the package (if any), the manifest's maps, and the problems found."""

    source: str
    package: SafeZip | None = None
    prefix: str = ""
    manifest_images: dict[str, str] = field(default_factory=dict)
    manifest_sounds: dict[str, str] = field(default_factory=dict)
    board_by_path: dict[str, str] = field(default_factory=dict)
    manifest_board_ids: dict[str, str] = field(default_factory=dict)
    board_ids: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    repeats: dict[str, list[str]] = field(default_factory=dict)
    counts: _Counts = field(default_factory=_Counts)

    def problem(self, sentence: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(sentence)
        elif len(self.problems) == MAX_PROBLEMS:
            self.problems.append("more problems were found and not listed")

    def claim_board_id(self, raw: dict, fallback: str, where: str) -> str:
        """The id a board in this file goes by: its own, `fallback` when it has none, made unique when another
        board has it already; each change reported."""
        board_id = _text_id(raw.get("id"))
        if board_id is None:
            board_id = fallback
            self.problem(f"{where}: the board has no id; it is now {board_id!r}")
        if board_id in self.board_ids:
            new_id = unique_id(board_id, self.board_ids)
            self.problem(f"{where}: another board has the id {board_id!r}; this one is now {new_id!r}")
            board_id = new_id
        self.board_ids.add(board_id)
        return board_id

    def repeated(self, kind: str, sentence: str) -> None:
        """A problem real packages often have on every board or button: told by example and a count at the end
        (`repeats_told`), so the rest of the report is not buried under hundreds of the same sentence."""
        self.repeats.setdefault(kind, []).append(sentence)

    def repeats_told(self) -> list[str]:
        told: list[str] = []
        for kind, sentences in self.repeats.items():
            shown = sentences if len(sentences) <= _REPEATS_SHOWN + 1 else sentences[:_REPEATS_SHOWN]
            told += shown
            if len(sentences) > len(shown):
                told.append(_REPEAT_SUMMARY[kind].format(n=len(sentences) - len(shown)))
        return told

    # -- package members

    def member(self, written_path: str, board_dir: str) -> str | None:
        """The package member a board's `path` names: from the package root (the spec), else the board's folder."""
        if self.package is None or not isinstance(written_path, str):
            return None
        for base in (self.prefix, posixpath.join(self.prefix, board_dir) if board_dir else None):
            if base is None:
                continue
            joined = join_member_path(base, written_path)
            if joined is not None and (found := self.package.find(joined)):
                return found
        return None

    # -- media

    def _media_bytes(self, raw: dict, where: str, what: str, manifest: dict[str, str], media_id: str,
                     board_dir: str) -> tuple[bytes | None, str | None]:
        """The bytes of a picture or sound: data URI, `path` in the package, or the manifest's path for its id."""
        data_uri = raw.get("data")
        if isinstance(data_uri, str) and data_uri.strip():
            try:
                media_type, data = parse_data_uri(data_uri)
                return data, media_type
            except ValueError as exc:
                self.problem(f"{where}: {what} {media_id!r} left out: {exc}")
                return None, None
        written = raw.get("path")
        if isinstance(written, str) and written.strip():
            found = self.member(written, board_dir)
            if found is not None:
                return self.package.read(found), None  # type: ignore[union-attr]
            self.problem(f"{where}: {what} {media_id!r} names {written!r}, which is not in the package; left out")
            return None, None
        if media_id in manifest and (found := self.member(manifest[media_id], "")) is not None:
            return self.package.read(found), None  # type: ignore[union-attr]
        return None, None

    def image(self, raw: dict, where: str, board_dir: str) -> Image:
        image_id = _text_id(raw.get("id")) or ""
        declared = normalise_content_type(raw.get("content_type") if isinstance(raw.get("content_type"), str) else None)
        data, uri_type = self._media_bytes(raw, where, "picture", self.manifest_images, image_id, board_dir)
        url = raw.get("url") if isinstance(raw.get("url"), str) and raw["url"].strip() else None
        width, height = _positive_int(raw.get("width")), _positive_int(raw.get("height"))
        content_type = declared or normalise_content_type(uri_type)
        if data is not None:
            checked = check_image(data, declared or uri_type)
            if checked.problem:
                self.problem(f"{where}: picture {image_id!r} left out: it is {checked.problem}; its button shows "
                             "its label")
                data = None
            else:
                content_type = checked.content_type
                width = width or checked.width_px
                height = height or checked.height_px
        if data is not None:
            self.counts.images_with_data += 1
        elif url is not None:
            self.counts.images_url_only += 1
        else:
            self.counts.images_missing += 1
            symbol = raw.get("symbol")
            if isinstance(symbol, dict) and symbol.get("set"):
                self.problem(f"{where}: picture {image_id!r} is from the symbol set {symbol.get('set')!r}, which "
                             "is not included; its button shows its label")
        ext = {k: v for k, v in raw.items() if k not in _IMAGE_KEYS}
        return Image(id=image_id, content_type=content_type, data=data, url=url, width=width, height=height, ext=ext)

    def sound(self, raw: dict, where: str, board_dir: str) -> Sound:
        sound_id = _text_id(raw.get("id")) or ""
        declared = normalise_content_type(raw.get("content_type") if isinstance(raw.get("content_type"), str) else None)
        data, uri_type = self._media_bytes(raw, where, "sound", self.manifest_sounds, sound_id, board_dir)
        url = raw.get("url") if isinstance(raw.get("url"), str) and raw["url"].strip() else None
        content_type = declared or normalise_content_type(uri_type)
        if data is not None:
            checked = check_sound(data, content_type)
            if checked.problem:
                self.problem(f"{where}: sound {sound_id!r} left out: it is {checked.problem}")
                data = None
            else:
                content_type = checked.content_type
        if data is not None:
            self.counts.sounds_with_data += 1
        elif url is not None:
            self.counts.sounds_url_only += 1
        duration = raw.get("duration")
        duration_s = float(duration) if isinstance(duration, int | float) and not isinstance(duration, bool) \
            and duration > 0 else None
        ext = {k: v for k, v in raw.items() if k not in _SOUND_KEYS}
        return Sound(id=sound_id, content_type=content_type, data=data, url=url, duration_s=duration_s, ext=ext)

    # -- links

    def link_target(self, spec: Any, board_dir: str) -> str | None:
        """The id of the board a `load_board` opens, when it is in this file; else None."""
        if isinstance(spec, str):
            spec = {"id": spec, "path": spec}
        if not isinstance(spec, dict):
            return None
        written = spec.get("path")
        found = self.member(written, board_dir) if isinstance(written, str) else None
        if found is not None and found in self.board_by_path:
            return self.board_by_path[found]
        target = _text_id(spec.get("id"))
        if target is not None:
            if target in self.board_ids:
                return target
            if target in self.manifest_board_ids:
                return self.manifest_board_ids[target]
        return None

    # -- boards

    def board(self, raw: Any, board_id: str, file_label: str, board_dir: str) -> Board:
        """One board from its JSON, repaired where sensible; each repair reported."""
        name = raw.get("name") if isinstance(raw.get("name"), str) else ""
        where = f"{file_label}: board {name or board_id!r}"
        fmt = raw.get("format")
        if isinstance(fmt, str) and not fmt.startswith("open-board-"):
            self.problem(f"{where}: format {fmt!r} is not the Open Board Format; read as if it were")
        locale = raw.get("locale")
        if not isinstance(locale, str) or not locale.strip():
            self.repeated("no_locale", f"{where}: no language (locale) given; English assumed")
            locale = "en"

        images: list[Image] = []
        for raw_image in raw.get("images") or [] if isinstance(raw.get("images"), list) else []:
            if not isinstance(raw_image, dict) or _text_id(raw_image.get("id")) is None:
                self.problem(f"{where}: a picture without an id was left out")
                continue
            image = self.image(raw_image, where, board_dir)
            if any(i.id == image.id for i in images):
                self.problem(f"{where}: two pictures share the id {image.id!r}; the second was left out")
                continue
            images.append(image)
        sounds: list[Sound] = []
        for raw_sound in raw.get("sounds") or [] if isinstance(raw.get("sounds"), list) else []:
            if not isinstance(raw_sound, dict) or _text_id(raw_sound.get("id")) is None:
                self.problem(f"{where}: a sound without an id was left out")
                continue
            sound = self.sound(raw_sound, where, board_dir)
            if any(s.id == sound.id for s in sounds):
                self.problem(f"{where}: two sounds share the id {sound.id!r}; the second was left out")
                continue
            sounds.append(sound)

        raw_buttons = raw.get("buttons")
        if not isinstance(raw_buttons, list):
            self.problem(f"{where}: no list of buttons; the board is empty")
            raw_buttons = []
        buttons: list[Button] = []
        renamed: dict[str, list[str]] = {}  # id as written -> ids given, in order (duplicates renamed)
        taken: set[str] = set()
        placed: list[Placed] = []
        for index, raw_button in enumerate(raw_buttons):
            if not isinstance(raw_button, dict):
                self.problem(f"{where}: entry {index + 1} of its buttons is not a button; left out")
                continue
            written_id = _text_id(raw_button.get("id"))
            button_id = written_id
            if button_id is None:
                button_id = f"button-{index + 1}"
                self.problem(f"{where}: {_describe_button(raw_button, button_id)} had no id; it is now {button_id!r}")
            if button_id in taken:
                count = 2
                while f"{button_id}-{count}" in taken:
                    count += 1
                new_id = f"{button_id}-{count}"
                self.problem(f"{where}: two buttons share the id {button_id!r}; the second "
                             f"({_describe_button(raw_button, new_id)}) is now {new_id!r}")
                button_id = new_id
            taken.add(button_id)
            renamed.setdefault(written_id if written_id is not None else button_id, []).append(button_id)
            button = self.button(raw_button, button_id, where, board_dir, images, sounds)
            buttons.append(button)
            left, top = raw_button.get("left"), raw_button.get("top")
            if isinstance(left, int | float) and isinstance(top, int | float):
                width, height = raw_button.get("width"), raw_button.get("height")
                placed.append(Placed(button_id, float(left), float(top),
                                     float(width) if isinstance(width, int | float) else 0.0,
                                     float(height) if isinstance(height, int | float) else 0.0))

        # Buttons naming pictures the board lacks: the manifest's `paths.images` may hold them, or the id is itself
        # the picture's path in the package (CommuniKate's page sets for OptiKey write `"image_id": "icons/x.png"`).
        have = {i.id for i in images}
        for i, button in enumerate(buttons):
            if button.image_id is not None and button.image_id not in have:
                if button.image_id in self.manifest_images and self.package is not None:
                    images.append(self.image({"id": button.image_id}, where, board_dir))
                    have.add(button.image_id)
                elif self.member(button.image_id, board_dir) is not None:
                    images.append(self.image({"id": button.image_id, "path": button.image_id}, where, board_dir))
                    have.add(button.image_id)
                else:
                    self.repeated("no_picture", f"{where}: button {button.label or button.id!r} names picture "
                                  f"{button.image_id!r}, which is not in the file; its label is shown")
                    buttons[i] = button.model_copy(update={"image_id": None})
        have_sounds = {s.id for s in sounds}
        for i, button in enumerate(buttons):
            if button.sound_id is not None and button.sound_id not in have_sounds:
                if button.sound_id in self.manifest_sounds and self.package is not None:
                    sounds.append(self.sound({"id": button.sound_id}, where, board_dir))
                    have_sounds.add(button.sound_id)
                else:
                    self.repeated("no_sound", f"{where}: button {button.label or button.id!r} names sound "
                                  f"{button.sound_id!r}, which is not in the file; its words are spoken instead")
                    buttons[i] = button.model_copy(update={"sound_id": None})

        grid = self.grid(raw.get("grid"), where, renamed, buttons, placed)
        return Board(id=board_id, name=name, locale=locale.strip(), rows=len(grid), columns=len(grid[0]),
                     grid=grid, buttons=tuple(buttons), images=tuple(images), sounds=tuple(sounds),
                     ext={k: v for k, v in raw.items() if k not in _BOARD_KEYS})

    def button(self, raw: dict, button_id: str, where: str, board_dir: str, images: list[Image],
               sounds: list[Sound]) -> Button:
        what = f"{where}: {_describe_button(raw, button_id)}"
        ext = {k: v for k, v in raw.items() if k not in _BUTTON_KEYS}
        label = raw.get("label")
        label = "" if label is None or isinstance(label, dict | list) else str(label)
        vocalization = raw.get("vocalization")
        vocalization = None if vocalization is None or isinstance(vocalization, dict | list) else str(vocalization)

        # The spec's single `action`, or an `actions` list; the first the app knows is the one it does.
        candidates = []
        if isinstance(raw.get("action"), str):
            candidates.append(raw["action"])
        if isinstance(raw.get("actions"), list):
            candidates += [a for a in raw["actions"] if isinstance(a, str)]
        known = [a for a in candidates if a in SPEC_ACTIONS or (a.startswith("+") and len(a) > 1)]
        action = known[0] if known else None
        if action is not None and raw.get("action") == action:
            ext.pop("action", None)
        for unknown in dict.fromkeys(a for a in candidates if a not in known):
            self.problem(f"{what}: the action {unknown!r} is not one this app does; it is kept for export and "
                         "ignored here")
        if len(known) > 1:
            self.problem(f"{what}: it has {len(known)} actions; this app does only the first, {action!r}")

        load_board = None
        for key in ("load_board", "ext_load_board"):
            spec = raw.get(key)
            if spec is None:
                continue
            target = self.link_target(spec, board_dir)
            if target is not None:
                load_board = target
                ext.pop(key, None)
                break
            described = spec.get("name") or spec.get("path") or spec.get("url") or spec.get("id") \
                if isinstance(spec, dict) else spec
            self.repeated("no_board", f"{what} opens board {described!r}, which is not in the file; the button "
                          "stays, without the link")

        colours = {}
        for key in ("background_color", "border_color"):
            value = raw.get(key)
            if value is None:
                continue
            try:
                colours[key] = normalise_colour(str(value))
                ext.pop(key, None)
            except ValueError:
                self.problem(f"{what}: {key.replace('_', ' ')} {value!r} is not a colour; the default is used")

        hidden = raw.get("hidden", False)
        if not isinstance(hidden, bool):
            hidden = str(hidden).strip().lower() in ("true", "1", "yes")
        dwell = raw.get(DWELL_KEY)
        dwell_time_s = None
        if dwell is not None:
            if isinstance(dwell, int | float) and not isinstance(dwell, bool) and 0 < dwell <= 10:
                dwell_time_s = float(dwell)
            else:
                self.problem(f"{what}: its dwell time {dwell!r} is not between 0 and 10 seconds; the profile's is used")
        return Button(id=button_id, label=label, vocalization=vocalization, image_id=_text_id(raw.get("image_id")),
                      sound_id=_text_id(raw.get("sound_id")), action=action, load_board=load_board,
                      hidden=hidden, dwell_time_s=dwell_time_s, ext=ext, **colours)

    def grid(self, raw_grid: Any, where: str, renamed: dict[str, list[str]], buttons: list[Button],
             placed: list[Placed]) -> tuple[tuple[str | None, ...], ...]:
        order = raw_grid.get("order") if isinstance(raw_grid, dict) else None
        if isinstance(order, list) and order and all(isinstance(r, list) for r in order):
            return self._grid_from_order(raw_grid, order, where, renamed)
        ids = [b.id for b in buttons]
        if placed and len(placed) == len(buttons):
            layout = grid_from_positions(placed)
            self.problem(f"{where}: buttons placed by position; laid out in {layout.rows} rows x "
                         f"{layout.columns} columns in their reading order")
        else:
            layout = grid_from_sequence(ids)
            if ids:
                self.problem(f"{where}: no grid; its {len(ids)} buttons were laid out in {layout.rows} rows x "
                             f"{layout.columns} columns in their listed order")
        if layout.left_out:
            self.problem(f"{where}: {len(layout.left_out)} buttons did not fit in 64 x 64 cells and are not shown")
        return layout.grid

    def _grid_from_order(self, raw_grid: dict, order: list, where: str,
                         renamed: dict[str, list[str]]) -> tuple[tuple[str | None, ...], ...]:
        seen: dict[str, int] = {}
        missing: list[str] = []
        rows: list[list[str | None]] = []
        for raw_row in order:
            row: list[str | None] = []
            for cell in raw_row:
                cell_id = _text_id(cell)
                if cell_id is None:
                    row.append(None)
                    continue
                given = renamed.get(cell_id)
                if not given:
                    missing.append(cell_id)
                    row.append(None)
                    continue
                # A repeated id: its first cell shows the first button of that id, its second cell the second.
                occurrence = seen.get(cell_id, 0)
                seen[cell_id] = occurrence + 1
                row.append(given[min(occurrence, len(given) - 1)])
            rows.append(row)
        if missing:
            names = ", ".join(repr(m) for m in dict.fromkeys(missing))
            self.problem(f"{where}: its grid names buttons that do not exist ({names}); those cells are empty")
        declared_rows, declared_columns = _positive_int(raw_grid.get("rows")), _positive_int(raw_grid.get("columns"))
        width = max(len(r) for r in rows)
        if (declared_rows, declared_columns) != (len(rows), width) or any(len(r) != width for r in rows):
            self.problem(f"{where}: its grid says {raw_grid.get('rows')} x {raw_grid.get('columns')} but holds "
                         f"{len(rows)} rows of up to {width} cells; the cells were kept as they are")
        if len(rows) > 64 or width > 64:
            self.problem(f"{where}: its grid is larger than 64 x 64 cells; the cells beyond are not shown")
        width = min(width, 64) or 1
        return tuple(tuple((r + [None] * width)[:width]) for r in rows[:64])



def _choose_root(boards: dict[str, Board], order: list[str]) -> str:
    """The board most likely to be home: linked from no other, reaching the most boards, named like a home board,
    first in the file."""
    linked_from_others = {
        b.load_board for board in boards.values() for b in board.buttons if b.load_board and b.load_board != board.id
    }

    def reach(start: str) -> int:
        seen, todo = {start}, [start]
        while todo:
            for b in boards[todo.pop()].buttons:
                if b.load_board and b.load_board in boards and b.load_board not in seen:
                    seen.add(b.load_board)
                    todo.append(b.load_board)
        return len(seen)

    def sounds_like_home(board_id: str) -> bool:
        words = f"{board_id} {boards[board_id].name}".casefold()
        return any(w in words for w in ("home", "root", "index", "main", "start", "top"))

    candidates = [i for i in order if i not in linked_from_others] or order
    return max(candidates, key=lambda i: (reach(i), sounds_like_home(i), -order.index(i)))


def _report(reader: _Reader, boards: dict[str, Board]) -> ImportReport:
    counts = reader.counts
    return ImportReport(
        source=reader.source,
        boards=len(boards),
        buttons=sum(len(b.buttons) for b in boards.values()),
        images_with_data=counts.images_with_data,
        images_url_only=counts.images_url_only,
        images_missing=counts.images_missing,
        sounds_with_data=counts.sounds_with_data,
        sounds_url_only=counts.sounds_url_only,
        problems=tuple(reader.problems + reader.repeats_told()),
    )


def _reject_non_board(value: Any, where: str) -> None:
    """BoardFileError saying what a JSON file is when it is not one OBF board."""
    if isinstance(value, list):
        raise BoardFileError(
            f"{where}: a JSON list, not one board; this is an .obfset (a set of boards as CoughDrop lists them) or "
            "another app's file, not an Open Board Format board. Fix: export the boards as an .obz package "
            "(Open Board Format) and import that"
        )
    if not isinstance(value, dict):
        raise BoardFileError(f"{where}: JSON, but not an Open Board Format board (it holds a single value)")
    if "buttons" not in value and "grid" not in value and not str(value.get("format", "")).startswith("open-board"):
        if "root" in value and "paths" in value:
            raise BoardFileError(f"{where}: the manifest.json of a board package, not a board. Fix: import the "
                                 "whole .obz package it came from")
        raise BoardFileError(f"{where}: JSON, but not an Open Board Format board (it has no buttons, grid or "
                             "format). Fix: export the board from its app as .obf or .obz")


def read_board_bytes(data: bytes, source: str) -> ImportResult:
    """One `.obf` board (JSON) from bytes; links to other boards are dropped (there are none in one file)."""
    raw = parse_json(data, source)
    if isinstance(raw, list):  # a set of boards (.obfset), not one board
        from aac.board.obfset import read_board_list

        return read_board_list(raw, source)
    _reject_non_board(raw, source)
    reader = _Reader(source=source)
    board_id = _text_id(raw.get("id"))
    if board_id is None:
        board_id = Path(source).stem or "board"
        reader.problem(f"{source}: the board has no id; it is now {board_id!r}")
    reader.board_ids = {board_id}
    board = reader.board(raw, board_id, Path(source).name, "")
    boards = {board.id: board}
    return ImportResult(BoardSet(root_id=board.id, boards=boards), _report(reader, boards))


def _manifest(package: SafeZip, reader: _Reader) -> dict:
    """The package's manifest (and the folder it sits in), or {} when it is missing or broken."""
    names = package.names()
    path = package.find("manifest.json")
    if path is None:
        nested = sorted((n for n in names if n.rsplit("/", 1)[-1].lower() == "manifest.json"),
                        key=lambda n: n.count("/"))
        path = nested[0] if nested else None
    if path is None:
        return {}
    reader.prefix = posixpath.dirname(path)
    try:
        manifest = parse_json(package.read(path), f"{reader.source}: {path}")
    except BoardFileError as exc:
        reader.problem(f"{exc}; the boards were found without it")
        return {}
    if not isinstance(manifest, dict):
        reader.problem(f"{reader.source}: {path} is not a manifest; the boards were found without it")
        return {}
    return manifest


def _string_map(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): v for k, v in value.items() if isinstance(v, str)}


def read_package_bytes(data: bytes, source: str, limits: ZipLimits = DEFAULT_LIMITS) -> ImportResult:
    """An `.obz` (or `.zip`) package of boards from bytes, read in memory within `limits`."""
    with SafeZip(data, source, limits) as package:
        reader = _Reader(source=source, package=package)
        for sentence in package.skipped:
            reader.problem(sentence)
        manifest = _manifest(package, reader)
        paths = manifest.get("paths") if isinstance(manifest.get("paths"), dict) else {}
        reader.manifest_images = _string_map(paths.get("images"))
        reader.manifest_sounds = _string_map(paths.get("sounds"))
        listed = _string_map(paths.get("boards"))

        # The boards: those the manifest lists, then any other .obf in the package.
        files: list[str] = []
        for written in listed.values():
            found = reader.member(written, "")
            if found is None:
                reader.problem(f"{source}: the manifest lists {written!r}, which is not in the package")
            elif found not in files:
                files.append(found)
        files += [n for n in package.names() if n.lower().endswith(".obf") and n not in files]
        if not manifest:
            reader.problem(f"{source}: no manifest.json; found {len(files)} board file{'s' if len(files) != 1 else ''}"
                           " by their names")

        raws: list[tuple[str, str, dict]] = []
        for name in files:
            try:
                raw = parse_json(package.read(name), f"{source}: {name}")
                _reject_non_board(raw, f"{source}: {name}")
            except PackageTooBigError:
                raise
            except BoardFileError as exc:
                reader.problem(f"{exc}; that board was left out")
                continue
            board_id = reader.claim_board_id(raw, posixpath.splitext(posixpath.basename(name))[0] or "board",
                                             f"{source}: {name}")
            reader.board_by_path[name] = board_id
            raws.append((name, board_id, raw))
        if not raws:
            raise BoardFileError(f"{source}: no boards in the package (no readable .obf file). Fix: check that it is "
                                 "an Open Board Format package (.obz)")
        reader.manifest_board_ids = {
            key: reader.board_by_path[found]
            for key, written in listed.items()
            if (found := reader.member(written, "")) in reader.board_by_path
        }
        boards: dict[str, Board] = {}
        for name, board_id, raw in raws:
            board_dir = posixpath.dirname(name[len(reader.prefix) + 1 :] if reader.prefix else name)
            boards[board_id] = reader.board(raw, board_id, f"{source}: {name}", board_dir)

        root_id = None
        written_root = manifest.get("root")
        if written_root is not None:
            text = _text_id(written_root)
            found = reader.member(text, "") if text else None
            if found in reader.board_by_path:
                root_id = reader.board_by_path[found]
            elif text in boards:
                root_id = text
            elif text in reader.manifest_board_ids:
                root_id = reader.manifest_board_ids[text]
            else:
                reader.problem(f"{source}: the manifest's home board {written_root!r} is not in the package")
        if root_id is None:
            root_id = _choose_root(boards, [board_id for _, board_id, _ in raws])
            if manifest:
                reader.problem(f"{source}: board {boards[root_id].name or root_id!r} was chosen as the home board")
            else:
                reader.problem(f"{source}: no home board named; {boards[root_id].name or root_id!r} was chosen")
        return ImportResult(BoardSet(root_id=root_id, boards=boards), _report(reader, boards))


def read_boards_bytes(data: bytes, source: str, limits: ZipLimits = DEFAULT_LIMITS) -> ImportResult:
    """A board (`.obf`) or package (`.obz`, `.zip`) from bytes, told apart by their content."""
    lowered = source.lower()
    try:
        if data[:4] == b"PK\x03\x04" or (lowered.endswith(PACKAGE_SUFFIXES) and data[:2] == b"PK"):
            return read_package_bytes(data, source, limits)
        if lowered.endswith(PACKAGE_SUFFIXES):
            raise BoardFileError(f"{source}: not a zip package, though its name says so. Fix: export it again as .obz")
        looks_like_json = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")
        if not lowered.endswith((".obf", ".obfset", ".json")) and not looks_like_json:
            raise BoardFileError(f"{source}: neither an Open Board Format board (.obf) nor a package (.obz). Fix: "
                                 "export the boards from their app as .obz")
        return read_board_bytes(data, source)
    except ValidationError as exc:  # a repair missed a case: still a message, never a traceback
        first = exc.errors()[0]
        raise BoardFileError(f"{source}: cannot be used as a board ({first.get('msg')})") from None


def read_boards(path: Path, limits: ZipLimits = DEFAULT_LIMITS) -> ImportResult:
    """Read an `.obf` board or an `.obz`/`.zip` package into a BoardSet, with a report of what was repaired.

    Raises BoardFileError (a message naming the file, the problem, and what to do) when nothing
    usable is in it. Nothing is written anywhere and nothing is downloaded.
    """
    path = Path(path)
    if not path.is_file():
        raise BoardFileError(f"{path}: no such file" + (" (it is a folder)" if path.is_dir() else ""))
    size = path.stat().st_size
    if size > limits.total_bytes:
        raise PackageTooBigError(f"{path}: {size / 1e6:,.1f} MB is far too big for a board file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BoardFileError(f"{path}: cannot be read ({exc.strerror})") from None
    return read_boards_bytes(data, str(path), limits)


# ----------------------------------------------------------------------------------------------- writing


def _with_ext(out: dict[str, Any], ext: dict[str, Any]) -> dict[str, Any]:
    """`out` plus the fields kept from the file it came from (never over a field the model wrote)."""
    for key, value in ext.items():
        out.setdefault(key, value)
    return out


def _data_uri(content_type: str | None, data: bytes) -> str:
    return f"data:{content_type or 'application/octet-stream'};base64,{base64.b64encode(data).decode('ascii')}"


def _media_dict(item: Image | Sound, path: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"id": item.id}
    if item.content_type:
        out["content_type"] = item.content_type
    if isinstance(item, Image):
        if item.width:
            out["width"] = item.width
        if item.height:
            out["height"] = item.height
    elif item.duration_s:
        out["duration"] = item.duration_s
    if item.url:
        out["url"] = item.url
    if item.data:
        if path is not None:
            out["path"] = path
        else:
            out["data"] = _data_uri(item.content_type, item.data)
    return _with_ext(out, item.ext)


def board_to_json(board: Board, media_paths: dict[int, str] | None = None,
                  board_paths: dict[str, str] | None = None) -> dict[str, Any]:
    """The OBF JSON of a board. Media bytes go inline as data URIs unless `media_paths` (by id() of the
    object) places them in a package; links carry the linked board's id, and its path when in a package."""
    media_paths = media_paths or {}
    buttons = []
    for b in board.buttons:
        out: dict[str, Any] = {"id": b.id, "label": b.label}
        if b.vocalization is not None:
            out["vocalization"] = b.vocalization
        for key in ("image_id", "sound_id", "action", "background_color", "border_color"):
            if getattr(b, key) is not None:
                out[key] = getattr(b, key)
        if b.load_board is not None:
            link: dict[str, Any] = {"id": b.load_board}
            if board_paths and b.load_board in board_paths:
                link["path"] = board_paths[b.load_board]
            out["load_board"] = link
        if b.hidden:
            out["hidden"] = True
        if b.dwell_time_s is not None:
            out[DWELL_KEY] = b.dwell_time_s
        buttons.append(_with_ext(out, b.ext))
    out = {
        "format": FORMAT,
        "id": board.id,
        "locale": board.locale,
        "name": board.name,
        "grid": {"rows": board.rows, "columns": board.columns, "order": [list(row) for row in board.grid]},
        "buttons": buttons,
        "images": [_media_dict(i, media_paths.get(id(i))) for i in board.images],
        "sounds": [_media_dict(s, media_paths.get(id(s))) for s in board.sounds],
    }
    return _with_ext(out, board.ext)


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1).encode("utf-8")


def obf_bytes(board: Board) -> bytes:
    """One board as `.obf` JSON (pictures and sounds inline as data URIs)."""
    return _json_bytes(board_to_json(board))


def write_obf(board: Board, path: Path) -> Path:
    """Write one board as an `.obf` file (pictures and sounds inline); return the path."""
    path = Path(path)
    path.write_bytes(obf_bytes(board))
    return path


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_")[:60] or "board"


def _zip_entry(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    # A fixed date: the same boards make the same bytes (a profile's saved file changes only when they do).
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def obz_bytes(board_set: BoardSet) -> bytes:
    """A board set as an `.obz` package: manifest.json, boards/*.obf, pictures and sounds as files."""
    board_paths: dict[str, str] = {}
    taken: set[str] = set()
    for board_id in board_set.boards:
        name = unique_id(_slug(board_id).lower(), taken)
        taken.add(name)
        board_paths[board_id] = f"boards/{name}.obf"
    files: dict[str, bytes] = {}
    media_paths: dict[int, str] = {}
    by_id: dict[tuple[str, str], set[str]] = {}
    for board in board_set.boards.values():
        for folder, items in (("images", board.images), ("sounds", board.sounds)):
            for item in items:
                if not item.data:
                    by_id.setdefault((folder, item.id), set()).add("")
                    continue
                suffix = _SUFFIX_BY_TYPE.get(item.content_type or "", ".bin")
                # Named by content: a picture shared by many boards is stored once.
                member = f"{folder}/{hashlib.sha256(item.data).hexdigest()[:20]}{suffix}"
                files[member] = item.data
                media_paths[id(item)] = member
                by_id.setdefault((folder, item.id), set()).add(member)
    manifest_paths: dict[str, Any] = {"boards": board_paths}
    for folder in ("images", "sounds"):
        # Only where an id means one file everywhere: the manifest's maps are by id, for the whole package.
        unambiguous = {i: next(iter(p)) for (f, i), p in by_id.items() if f == folder and len(p) == 1 and "" not in p}
        if unambiguous:
            manifest_paths[folder] = unambiguous
    manifest = {"format": FORMAT, "root": board_paths[board_set.root_id], "paths": manifest_paths}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        _zip_entry(archive, "manifest.json", _json_bytes(manifest))
        for board_id, board in board_set.boards.items():
            _zip_entry(archive, board_paths[board_id], _json_bytes(board_to_json(board, media_paths, board_paths)))
        for member, data in files.items():
            _zip_entry(archive, member, data)
    return buffer.getvalue()


def write_obz(board_set: BoardSet, path: Path) -> Path:
    """Write a board set as an `.obz` package (manifest.json with root and paths, media as files); return the path."""
    path = Path(path)
    path.write_bytes(obz_bytes(board_set))
    return path


def with_notes(report: ImportReport, *sentences: str) -> ImportReport:
    """The report with sentences added saying what was done with the boards (e.g. merging into a profile)."""
    return replace(report, notes=report.notes + tuple(sentences))
