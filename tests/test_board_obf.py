"""Open Board Format import/export: the spec's own samples round-trip, and every quirk of real files is
read (or refused) with a clear report. Boards are built here as JSON and zip files."""

from __future__ import annotations

import base64
import io
import json
import stat
import zipfile
from pathlib import Path

import pytest
from PIL import Image as PILImage

from aac.board.archive import ZipLimits
from aac.board.errors import BoardFileError
from aac.board.media_check import check_image
from aac.board.obf import (
    DWELL_KEY,
    obf_bytes,
    obz_bytes,
    read_boards,
    read_boards_bytes,
    write_obf,
    write_obz,
)

SAMPLES = Path(__file__).parent / "data" / "boards"
SAMPLE_FILES = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".obf", ".obz", ".zip"))


def png_bytes(size=(4, 3), colour=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def data_uri(data: bytes, content_type: str) -> str:
    return f"data:{content_type};base64,{base64.b64encode(data).decode()}"


def board_json(board_id="home", buttons=None, order=None, **extra) -> dict:
    buttons = buttons if buttons is not None else [{"id": "a", "label": "yes"}, {"id": "b", "label": "no"}]
    out = {"format": "open-board-0.1", "id": board_id, "locale": "en", "buttons": buttons,
           "grid": {"rows": 1, "columns": 2, "order": order or [["a", "b"]]}, "images": [], "sounds": []}
    out.update(extra)
    return out


def write_json(tmp_path: Path, value, name="board.obf") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    return path


def write_zip(tmp_path: Path, members: dict[str, bytes | str | dict], name="boards.obz") -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, content in members.items():
            if isinstance(content, dict | list):
                content = json.dumps(content)
            archive.writestr(member, content)
    return path


def problems_text(result) -> str:
    return "\n".join(result.report.problems)


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*")}


# ------------------------------------------------------------------------------------ the spec's samples


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.name)
def test_every_sample_round_trips_to_equal_models(sample, tmp_path):
    first = read_boards(sample)
    assert first.report.boards == len(first.board_set.boards) >= 1
    if sample.suffix == ".obf":
        out = write_obf(first.board_set.root, tmp_path / "again.obf")
    else:
        out = write_obz(first.board_set, tmp_path / "again.obz")
    second = read_boards(out)
    assert second.board_set == first.board_set
    # Writing is deterministic: the same boards make the same bytes.
    assert (obz_bytes(first.board_set) if sample.suffix != ".obf" else obf_bytes(first.board_set.root)) \
        == out.read_bytes()


def test_samples_counts_and_quirks():
    simple = read_boards(SAMPLES / "spec-simple.obf")
    board = simple.board_set.root
    assert [b.id for b in board.buttons] == ["1", "2"]  # integer ids become strings
    kids = board.button("1")
    assert kids.words == "children" and kids.ext["ext_speaker_best"] is True
    assert kids.background_color == "rgb(255, 255, 255)" and kids.border_color == "rgba(150, 150, 150, 0.5)"
    assert board.image("12345").content_type == "image/svg+xml" and board.image("12345").usable
    assert board.image("119").url and not board.image("119").usable
    assert simple.report.images_with_data == 1 and simple.report.images_url_only == 1

    foreign = read_boards(SAMPLES / "spec-foreign.obf")
    labels = [b.label for b in foreign.board_set.root.buttons]
    assert "हेर्नुहोस्" in labels and "صرخة" in labels and "水很酷哟" in labels
    assert foreign.board_set.root.image("0").content_type == "image/svg+xml"  # "image/svg" normalised
    assert "no language (locale)" in problems_text(foreign)

    macos = read_boards(SAMPLES / "spec-manifest_paths-macosx.zip")
    assert macos.board_set.root_id == "lots_of_stuff"
    path_board = macos.board_set.boards["path_images_and_sounds"]
    # Images 9/11 and sound ss2 only through the manifest's paths; ext_load_board used as a link.
    assert path_board.image("9").usable and path_board.image("11").usable and path_board.sound("ss2").data
    assert path_board.button("1").load_board == "link"
    assert "__MACOSX" not in problems_text(macos)

    links = read_boards(SAMPLES / "spec-links.obz")
    assert {b.load_board for b in links.board_set.root.buttons} == {"simple2", "simple3"}

    stuff = read_boards(SAMPLES / "spec-lots_of_stuff.obz")
    root = stuff.board_set.root
    assert root.button("b3").action == "+less" and root.button("b4").action == ":clear"
    assert root.button("b2").load_board is None and "load_board" in root.button("b2").ext
    assert "Cool Remote Board" in problems_text(stuff)
    assert stuff.report.sounds_with_data >= 1 and stuff.report.sounds_url_only >= 1
    assert root.ext["license"]["author_name"] == "Brian Whitmer"  # licences ride along


# ------------------------------------------------------------------------------------ files that are not boards


def test_bad_json_names_line_and_column(tmp_path):
    path = tmp_path / "broken.obf"
    path.write_text('{\n  "id": "x",\n  "buttons": [\n}', encoding="utf-8")
    with pytest.raises(BoardFileError, match=r"broken\.obf: broken JSON at line 4, column 1"):
        read_boards(path)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_a_board_saved_as_utf16_or_32_reads_as_the_utf8_one(tmp_path, encoding):
    """JSON's own rule tells these apart by their zero bytes; Windows tools may save boards so."""
    value = board_json(buttons=[{"id": "a", "label": "café"}, {"id": "b", "label": "नमस्ते"}])
    path = tmp_path / "board.obf"
    path.write_bytes(json.dumps(value, ensure_ascii=False).encode(encoding))
    board = read_boards(path).board_set.root
    assert [b.label for b in board.buttons] == ["café", "नमस्ते"]


def test_bytes_that_are_no_text_name_the_byte_and_the_encoding(tmp_path):
    path = tmp_path / "latin.obf"
    path.write_bytes('{"id": "caf\xe9"}'.encode("latin-1"))
    with pytest.raises(BoardFileError, match=r"latin\.obf: not text \(byte 11 is not UTF-8\); it is not a board"):
        read_boards(path)


def test_other_json_and_a_manifest_are_refused_with_what_to_use(tmp_path):
    with pytest.raises(BoardFileError, match="not an Open Board Format board"):
        read_boards(write_json(tmp_path, {"name": "a shopping list", "items": [1, 2]}, "other.json"))
    with pytest.raises(BoardFileError, match="manifest.json of a board package"):
        read_boards(write_json(tmp_path, {"root": "boards/a.obf", "paths": {}}, "manifest.json"))
    with pytest.raises(BoardFileError, match="no such file"):
        read_boards(tmp_path / "missing.obf")
    with pytest.raises(BoardFileError, match="not a zip"):
        read_boards(write_json(tmp_path, board_json(), "fake.obz"))


# ------------------------------------------------------------------------------------ repairs


def test_missing_keys_are_repaired_and_reported(tmp_path):
    raw = {"name": "Bare", "buttons": [{"label": "hi"}, {"id": 7, "label": "bye"}]}
    result = read_boards(write_json(tmp_path, raw, "bare.obf"))
    board = result.board_set.root
    assert board.id == "bare" and board.locale == "en"
    assert [b.id for b in board.buttons] == ["button-1", "7"]
    assert board.rows * board.columns >= 2 and {c for row in board.grid for c in row} >= {"button-1", "7"}
    text = problems_text(result)
    assert "no id" in text and "no language" in text and "no grid" in text


def test_grid_naming_missing_buttons_leaves_empty_cells(tmp_path):
    raw = board_json(order=[["a", "ghost"], ["b", 99]])
    result = read_boards(write_json(tmp_path, raw))
    assert result.board_set.root.grid == (("a", None), ("b", None))
    assert "'ghost', '99'" in problems_text(result)


def test_duplicate_ids_are_renamed_and_both_shown(tmp_path):
    buttons = [{"id": "x", "label": "one"}, {"id": "x", "label": "two"}]
    result = read_boards(write_json(tmp_path, board_json(buttons=buttons, order=[["x", "x"]])))
    board = result.board_set.root
    assert [b.id for b in board.buttons] == ["x", "x-2"]
    assert board.grid == (("x", "x-2"),)
    assert "share the id 'x'" in problems_text(result)


def test_ids_with_spaces_and_newlines_stay_as_written(tmp_path):
    buttons = [{"id": "my button", "label": "a"}, {"id": "line\nbreak", "label": "b"}]
    result = read_boards(write_json(tmp_path, board_json(buttons=buttons, order=[["my button", "line\nbreak"]])))
    assert result.board_set.root.grid == (("my button", "line\nbreak"),)
    again = read_boards_bytes(obf_bytes(result.board_set.root), "again.obf")
    assert again.board_set == result.board_set


def test_absolute_positions_become_a_grid_in_reading_order(tmp_path):
    buttons = [
        {"id": "c", "label": "c", "left": 0.5, "top": 0.0, "width": 0.5, "height": 0.5},
        {"id": "a", "label": "a", "left": 0.0, "top": 0.01, "width": 0.5, "height": 0.5},
        {"id": "d", "label": "d", "left": 0.5, "top": 0.5, "width": 0.5, "height": 0.5},
    ]
    raw = board_json(buttons=buttons)
    del raw["grid"]
    result = read_boards(write_json(tmp_path, raw))
    assert result.board_set.root.grid == (("a", "c"), (None, "d"))
    assert "placed by position" in problems_text(result)
    assert result.board_set.root.button("a").ext["left"] == 0.0  # kept for export


def test_actions_unknown_kept_lists_and_extras(tmp_path):
    buttons = [
        {"id": "k", "label": "keyboard", "action": ":native-keyboard"},
        {"id": "s", "label": "clear", "actions": [":clear", "+a"]},
        {"id": "h", "label": "home", "action": ":home", DWELL_KEY: 1.5, "ext_other_app": {"x": 1}},
    ]
    raw = board_json(buttons=buttons, order=[["k", "s", "h"]], ext_board_flag=True)
    result = read_boards(write_json(tmp_path, raw))
    board = result.board_set.root
    assert board.button("k").action is None and board.button("k").ext["action"] == ":native-keyboard"
    assert board.button("s").action == ":clear" and board.button("s").ext["actions"] == [":clear", "+a"]
    assert board.button("h").action == ":home" and board.button("h").dwell_time_s == 1.5
    assert board.ext["ext_board_flag"] is True
    text = problems_text(result)
    assert "':native-keyboard' is not one this app does" in text and "only the first" in text
    written = json.loads(obf_bytes(board))
    by_id = {b["id"]: b for b in written["buttons"]}
    assert by_id["k"]["action"] == ":native-keyboard" and by_id["h"][DWELL_KEY] == 1.5
    assert by_id["h"]["ext_other_app"] == {"x": 1} and written["ext_board_flag"] is True
    assert read_boards_bytes(obf_bytes(board), "again.obf").board_set == result.board_set


def test_colours_are_normalised_and_bad_ones_reported(tmp_path):
    buttons = [{"id": "a", "label": "a", "background_color": "#ff0000", "border_color": "navy"},
               {"id": "b", "label": "b", "background_color": "not a colour"}]
    result = read_boards(write_json(tmp_path, board_json(buttons=buttons)))
    board = result.board_set.root
    assert board.button("a").background_color == "rgb(255, 0, 0)"
    assert board.button("a").border_color == "rgb(0, 0, 128)"
    assert board.button("b").background_color is None and "'not a colour' is not a colour" in problems_text(result)


# ------------------------------------------------------------------------------------ pictures


def image_board(images, image_ids) -> dict:
    buttons = [{"id": f"b{i}", "label": f"word {i}", "image_id": image_id} for i, image_id in enumerate(image_ids)]
    order = [[b["id"] for b in buttons]]
    return board_json(buttons=buttons, order=order, images=images, grid={"rows": 1, "columns": len(buttons),
                                                                       "order": order})


def test_pictures_that_cannot_be_shown_are_left_out_and_buttons_kept(tmp_path):
    wmf = b"\xd7\xcd\xc6\x9a" + b"\x00" * 40
    bomb = io.BytesIO()
    PILImage.new("1", (20_000, 20_000)).save(bomb, "PNG")  # 400 M pixels, a few KB of file
    images = [
        {"id": "ok", "data": data_uri(png_bytes(), "image/png")},
        {"id": "wmf", "data": data_uri(wmf, "image/x-wmf")},
        {"id": "text", "data": data_uri(b"hello, not a picture", "image/png")},
        {"id": "bomb", "data": data_uri(bomb.getvalue(), "image/png")},
        {"id": "svg", "data": "data:image/svg,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E",
         "content_type": "image/svg"},
        {"id": "url", "url": "https://example.com/cat.png"},
    ]
    raw = image_board(images, ["ok", "wmf", "text", "bomb", "svg", "url", "nowhere"])
    result = read_boards(write_json(tmp_path, raw))
    board = result.board_set.root
    assert len(board.buttons) == 7
    assert board.image("ok").usable and board.image("ok").width == 4 and board.image("svg").usable
    assert not board.image("wmf").usable and not board.image("text").usable and not board.image("bomb").usable
    assert board.button("b6").image_id is None  # named a picture that does not exist
    text = problems_text(result)
    assert "Windows Metafile" in text and "not a picture" in text and "decompression bomb" in text
    assert "'nowhere', which is not in the file" in text
    assert result.report.images_with_data == 2 and result.report.images_url_only == 1
    assert result.report.images_missing == 3
    assert read_boards_bytes(obf_bytes(board), "again.obf").board_set == result.board_set


def test_pillow_between_its_limits_is_refused_too():
    # Pillow only warns between MAX_IMAGE_PIXELS and twice that; our own limit is far lower still.
    big = io.BytesIO()
    PILImage.new("1", (9000, 9000)).save(big, "PNG")
    assert "too big" in (check_image(big.getvalue(), "image/png").problem or "")


def test_svg_with_entities_is_refused():
    laughs = b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>'
    assert "entity" in check_image(laughs, "image/svg+xml").problem


# ------------------------------------------------------------------------------------ packages


def test_package_paths_ids_links_and_missing_manifest(tmp_path):
    home = board_json("home", buttons=[
        {"id": "a", "label": "more", "image_id": "p", "load_board": {"path": "boards/more.obf"}},
        {"id": "b", "label": "away", "load_board": {"id": "not-here", "url": "https://example.com/b"}},
    ], images=[{"id": "p", "path": "images/p.png", "content_type": "image/png"}])
    more = board_json("more", buttons=[{"id": "a", "label": "back", "load_board": {"id": "home"}},
                                       {"id": "b", "label": "sub", "ext_load_board": {"path": "sub.obf"}}])
    sub = board_json("sub")
    path = write_zip(tmp_path, {"boards/more.obf": more, "boards/home.obf": home, "boards/sub.obf": sub,
                                "images/p.png": png_bytes()})
    result = read_boards(path)
    board_set = result.board_set
    assert board_set.root_id == "home"  # linked from no other board, reaches the most
    assert board_set.root.button("a").load_board == "more" and board_set.root.image("p").usable
    assert board_set.boards["more"].button("a").load_board == "home"
    assert board_set.boards["more"].button("b").load_board == "sub"  # a path relative to the board's folder
    assert board_set.root.button("b").load_board is None
    text = problems_text(result)
    assert "no manifest.json" in text and "'away' opens board" in text


def test_manifest_root_as_board_id(tmp_path):
    manifest = {"format": "open-board-0.1", "root": "second",
                "paths": {"boards": {"first": "a.obf", "second": "b.obf"}}}
    path = write_zip(tmp_path, {"manifest.json": manifest, "a.obf": board_json("one"), "b.obf": board_json("two")})
    assert read_boards(path).board_set.root_id == "two"


def test_duplicate_board_ids_in_a_package_are_renamed(tmp_path):
    path = write_zip(tmp_path, {"a.obf": board_json("same"), "b.obf": board_json("same")})
    result = read_boards(path)
    assert set(result.board_set.boards) == {"same", "same-2"}
    assert "this one is now 'same-2'" in problems_text(result)


def test_unsafe_entries_are_ignored_and_nothing_is_written(tmp_path):
    path = tmp_path / "evil.obz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("manifest.json", json.dumps({"root": "home.obf", "paths": {"boards": {"h": "home.obf"}}}))
        archive.writestr("home.obf", json.dumps(board_json("home", images=[
            {"id": "p", "path": "../outside.png"}])))
        archive.writestr("../escape.obf", json.dumps(board_json("escape")))
        archive.writestr("/abs/root.obf", json.dumps(board_json("abs")))
        link = zipfile.ZipInfo("link.obf")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
        archive.writestr("__MACOSX/._home.obf", b"\x00\x05\x16\x07 resource fork")
    before = files_under(tmp_path)
    result = read_boards(path)
    assert set(result.board_set.boards) == {"home"}
    text = problems_text(result)
    assert "'../escape.obf', a path outside the package" in text
    assert "'/abs/root.obf', a path outside the package" in text
    assert "'link.obf', a symbolic link" in text
    assert "'../outside.png', which is not in the package" in text
    assert files_under(tmp_path) == before


def test_zip_bomb_is_a_clear_error_not_a_hang(tmp_path):
    path = tmp_path / "bomb.obz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps({"root": "home.obf"}))
        archive.writestr("home.obf", b" " * (60 * 1024 * 1024))  # 60 MB of spaces: about 60 KB compressed
    before = files_under(tmp_path)
    with pytest.raises(BoardFileError, match="home.obf would expand to"):
        read_boards(path)
    small = ZipLimits(member_bytes=100 * 1024 * 1024, total_bytes=100 * 1024 * 1024)
    with pytest.raises(BoardFileError, match="zip bomb"):
        read_boards(path, small)
    assert files_under(tmp_path) == before


def test_too_many_entries_or_too_much_in_all_is_refused(tmp_path):
    members = {f"f{i}.obf": board_json(f"b{i}", ext_padding="x" * 10_000) for i in range(5)}
    path = write_zip(tmp_path, members)
    with pytest.raises(BoardFileError, match="entries"):
        read_boards(path, ZipLimits(entries=3))
    with pytest.raises(BoardFileError, match="zip bomb|expands beyond"):
        read_boards(path, ZipLimits(total_bytes=20_000))


def test_package_without_boards_is_an_error(tmp_path):
    with pytest.raises(BoardFileError, match="no boards in the package"):
        read_boards(write_zip(tmp_path, {"readme.txt": "hello"}))


def test_broken_board_in_a_package_is_left_out(tmp_path):
    path = write_zip(tmp_path, {"manifest.json": {"root": "a.obf"}, "a.obf": board_json("a"), "b.obf": "{not json"})
    result = read_boards(path)
    assert set(result.board_set.boards) == {"a"}
    assert "b.obf: broken JSON at line 1" in problems_text(result)


def test_written_package_holds_media_files_and_a_manifest(tmp_path):
    raw = image_board([{"id": "p", "data": data_uri(png_bytes(), "image/png")}], ["p"])
    board_set = read_boards(write_json(tmp_path, raw)).board_set
    out = write_obz(board_set, tmp_path / "out.obz")
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("manifest.json"))
        board = json.loads(archive.read(manifest["root"]))
    assert manifest["root"] == "boards/home.obf" and manifest["paths"]["boards"] == {"home": "boards/home.obf"}
    assert any(n.startswith("images/") and n.endswith(".png") for n in names)
    assert board["images"][0]["path"].startswith("images/") and "data" not in board["images"][0]
    assert read_boards(out).board_set == board_set


def test_the_shipped_vocabulary_round_trips_through_a_package():
    from aac.board.vocabulary import default_board_set

    board_set = default_board_set("en")
    again = read_boards_bytes(obz_bytes(board_set), "vocabulary.obz")
    assert again.board_set == board_set and not again.report.problems


# ------------------------------------------------------------------------------------ board sets (.obfset)


def _hashed(word: str) -> str:
    import hashlib

    return "$" + hashlib.md5(word.encode()).hexdigest()[:10]


def _obfset(labels_home: list[str]) -> list[dict]:
    """A set shaped like aac-metrics' converted vocabularies: format "obs", no names, hashed labels, links by id,
    a link back home from the folder."""
    home_buttons = [{"id": f"btn{i + 1}", "label": label} for i, label in enumerate(labels_home)]
    home_buttons[1]["load_board"] = {"id": "brd2"}
    folder = {"format": "obs", "id": "brd2", "locale": "en",
              "buttons": [{"id": "btn1", "label": _hashed("apple")},
                          {"id": "btn2", "label": _hashed("jump home"), "load_board": {"id": "brd1"}}],
              "grid": {"rows": 1, "columns": 2, "order": [["btn1", "btn2"]]}}
    home = {"format": "obs", "id": "brd1", "locale": "en", "buttons": home_buttons,
            "grid": {"rows": 1, "columns": len(home_buttons), "order": [[b["id"] for b in home_buttons]]}}
    return [home, folder]


def test_an_obfset_reads_as_linked_boards_with_hashed_labels_found_again(tmp_path):
    labels = [_hashed("i"), _hashed("eat"), _hashed("thank you"), _hashed(""), _hashed("zqxwv-not-a-word"), "plain"]
    path = write_json(tmp_path, _obfset(labels), "qc.obfset")
    result = read_boards(path)
    home = result.board_set.root
    assert home.id == "brd1"  # the first board, although the folder links back to it
    assert [b.label for b in home.buttons] == ["I", "eat", "thank you", "", "", "plain"]
    assert home.buttons[1].load_board == "brd2"
    folder = result.board_set.boards["brd2"]
    assert folder.name == "eat"  # named after the button that opens it
    assert folder.buttons[0].label == "apple" and folder.buttons[1].load_board == "brd1"
    text = problems_text(result)
    # "jump home" is in no word list; the blank label is blank by design
    assert "7 button labels were written as hashed words" in text and "4 were found" in text
    assert "3 are left blank" in text and "1 board had no name" in text
    assert "format 'obs'" not in text and "$" not in "".join(b.label for b in home.buttons)


def test_a_json_list_of_plain_boards_is_a_set_too_and_bad_entries_are_reported(tmp_path):
    boards = [board_json("home", buttons=[{"id": "a", "label": "more", "load_board": {"id": "food"}}],
                         order=[["a"]]),
              "not a board", board_json("food", name="Food")]
    result = read_boards(write_json(tmp_path, boards, "list.json"))
    assert result.board_set.root_id == "home" and set(result.board_set.boards) == {"home", "food"}
    assert result.board_set.root.buttons[0].load_board == "food"
    assert "entry 2 of the list is not a board; left out" in problems_text(result)
    with pytest.raises(BoardFileError, match="a JSON list with no boards in it"):
        read_boards(write_json(tmp_path, [1, 2], "numbers.obfset"))


def test_an_obfset_round_trips_through_an_obz(tmp_path):
    first = read_boards(write_json(tmp_path, _obfset([_hashed("go"), _hashed("eat")]), "s.obfset"))
    again = read_boards(write_obz(first.board_set, tmp_path / "s.obz"))
    assert again.board_set.boards.keys() == first.board_set.boards.keys()
    assert [b.label for b in again.board_set.root.buttons] == ["go", "eat"]


def test_cboards_own_export_reads_as_linked_boards_with_words_from_its_keys(tmp_path):
    """Cboard's "Cboard" export: a list of boards with tiles; its built-in words are translation keys and its
    built-in pictures are files inside the app."""
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
    boards = [
        {"id": "root", "name": "Home", "isPublic": True, "tiles": [
            {"id": "t1", "label": "cboard.symbol.yes", "image": "images/mulberry-symbols/correct.svg"},
            {"id": "t2", "label": "cboard.symbol.quickChat", "loadBoard": "quick chat",
             "backgroundColor": "rgb(187, 222, 251)"},
            {"id": "t3", "labelKey": "cboard.symbol.iCantSpeak"},
            {"id": "t4", "label": "My dog Rex", "vocalization": "This is my dog Rex",
             "image": data_uri(svg, "image/svg+xml")}]},
        {"id": "quick chat", "nameKey": "cboard.board.quickChat", "tiles": [
            {"id": "t5", "label": "symbol.communicationConversation.hello"}, {"id": "t6", "label": "TV"}]},
    ]
    result = read_boards(write_json(tmp_path, boards, "board.json"))
    home = result.board_set.root
    assert home.name == "Home"
    assert [b.label for b in home.buttons] == ["yes", "quick chat", "I can't speak", "My dog Rex"]
    assert home.buttons[1].load_board == "quick chat" and home.buttons[1].background_color
    assert home.buttons[3].vocalization == "This is my dog Rex" and home.image(home.buttons[3].image_id).usable
    chat = result.board_set.boards["quick chat"]
    assert chat.name == "quick chat" and [b.label for b in chat.buttons] == ["hello", "TV"]
    text = problems_text(result)
    assert "2 boards are in Cboard's own format" in text
    assert "1 picture is a symbol inside the Cboard app" in text and "English assumed" in text


def test_a_fault_on_every_board_is_told_by_example_and_a_count(tmp_path):
    """Real packages (CommuniKate's) lack the language on all 98 boards, or every picture: two examples and a
    count, not hundreds of the same sentence burying the rest."""
    boards = {f"boards/b{i}.obf": {**board_json(f"b{i}", buttons=[{"id": "a", "label": "x", "image_id": "icons/x.png"},
                                                                   {"id": "b", "label": "y"}]), "locale": None}
              for i in range(40)}
    boards["manifest.json"] = {"format": "open-board-0.1", "root": "boards/b0.obf",
                               "paths": {"boards": {f"b{i}": f"boards/b{i}.obf" for i in range(40)}}}
    result = read_boards(write_zip(tmp_path, boards))
    problems = result.report.problems
    assert sum("no language (locale) given" in p for p in problems) == 2
    assert "... and 38 more boards give no language (locale); English assumed for them" in problems
    assert sum("names picture 'icons/x.png'" in p for p in problems) == 2
    assert "... and 38 more buttons name pictures that are not in the file; their labels are shown" in problems
    assert len(problems) == 6


def test_an_image_id_that_is_a_path_in_the_package_is_that_picture(tmp_path):
    """CommuniKate's page sets (made for OptiKey) name pictures by their path and list no images."""
    board = board_json("top", buttons=[{"id": "00", "label": "Yes", "image_id": "icons/yes.png"},
                                       {"id": "01", "label": "No", "image_id": "icons/no.png"}],
                       order=[["00", "01"]])
    path = write_zip(tmp_path, {"manifest.json": {"format": "open-board-0.1", "root": "boards/top.obf",
                                                  "paths": {"boards": {"top": "boards/top.obf"}}},
                                "boards/top.obf": board, "icons/yes.png": png_bytes()})
    result = read_boards(path)
    top = result.board_set.root
    assert top.buttons[0].image_id == "icons/yes.png" and top.image("icons/yes.png").usable
    assert top.buttons[1].image_id is None  # no such member: its label is shown, and the report says so
    assert "names picture 'icons/no.png', which is not in the file" in problems_text(result)
