"""A profile's boards: saved atomically with the previous version, read back from it when damaged,
imports joined or replacing, exports of all or one board; nothing written outside the profile."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from aac.board.errors import BoardFileError
from aac.board.model import Board, BoardSet, Button
from aac.board.obf import read_boards
from aac.board.store import (
    BOARDS_FILE,
    add_board_set,
    export_from_profile,
    import_into_profile,
    load_profile_boards,
    save_profile_boards,
)
from profiles.schema import Profile
from profiles.store import ProfileStore

SAMPLES = Path(__file__).parent / "data" / "boards"


def tiny_set(board_id="home", label="hello") -> BoardSet:
    board = Board(id=board_id, name=board_id.title(), rows=1, columns=2, grid=(("a", None),),
                  buttons=(Button(id="a", label=label, dwell_time_s=2.0),))
    return BoardSet(root_id=board_id, boards={board_id: board})


def default(language: str) -> BoardSet:
    return tiny_set("builtin", f"hi in {language}")


@pytest.fixture
def store(tmp_path) -> ProfileStore:
    store = ProfileStore(tmp_path / "profiles")
    store.save(Profile(name="ana", language="de"))
    return store


def snapshot(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_no_boards_means_the_shipped_ones(store):
    loaded = load_profile_boards(store, "ana", default)
    assert loaded.built_in and loaded.board_set.root.button("a").label == "hi in de" and not loaded.notes


def test_the_real_shipped_vocabulary_loads_for_the_default_profile(tmp_path):
    loaded = load_profile_boards(ProfileStore(tmp_path), "default")
    assert loaded.built_in and len(loaded.board_set.boards) >= 1


def test_save_keeps_previous_version_and_names_the_file(store):
    first, second = tiny_set(label="one"), tiny_set(label="two")
    path = save_profile_boards(store, "ana", first)
    assert store.load("ana").boards == [BOARDS_FILE] and path == store.profile_dir("ana") / BOARDS_FILE
    assert load_profile_boards(store, "ana", default).board_set == first
    save_profile_boards(store, "ana", second)
    assert load_profile_boards(store, "ana", default).board_set == second
    backup = path.with_name(path.name + ".bak")
    assert read_boards(backup.rename(backup.with_suffix(".obz"))).board_set == first


def test_damaged_package_falls_back_to_its_backup_and_says_so(store):
    save_profile_boards(store, "ana", tiny_set(label="one"))
    path = save_profile_boards(store, "ana", tiny_set(label="two"))
    path.write_bytes(b"PK\x03\x04 damaged by a disk error")
    loaded = load_profile_boards(store, "ana", default)
    assert loaded.board_set == tiny_set(label="one") and not loaded.built_in
    assert "damaged" in loaded.notes[0] and "previous version" in loaded.notes[0]
    path.with_name(path.name + ".bak").write_bytes(b"also broken")
    loaded = load_profile_boards(store, "ana", default)
    assert loaded.built_in and "could not be read" in loaded.notes[0]


def test_missing_package_is_noted(store):
    store.save(store.load("ana").model_copy(update={"boards": ["boards/gone.obz"]}))
    loaded = load_profile_boards(store, "ana", default)
    assert loaded.built_in and "missing" in loaded.notes[0]


def test_import_replace_and_nothing_outside_the_profile(store, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    evil = outside / "evil.obz"
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("manifest.json", json.dumps({"root": "home.obf"}))
        archive.writestr("home.obf", json.dumps({"id": "h", "buttons": [{"id": "1", "label": "x"}]}))
        archive.writestr("../../../../escaped.txt", "should never be written")
    before = snapshot(outside)
    report = import_into_profile(store, "ana", evil, replace=True, default=default)
    assert "path outside the package" in "\n".join(report.problems)
    assert load_profile_boards(store, "ana", default).board_set == read_boards(evil).board_set
    assert snapshot(outside) == before
    written = {p.relative_to(store.root) for p in store.root.rglob("*") if p.is_file()}
    assert all(str(p).startswith("ana/") for p in written)
    assert not any(p.name == "escaped.txt" for p in tmp_path.rglob("*"))


def test_import_joins_the_current_boards_from_a_new_home_button(store):
    save_profile_boards(store, "ana", tiny_set("simple"))
    report = import_into_profile(store, "ana", SAMPLES / "spec-links.obz", default=default)
    board_set = load_profile_boards(store, "ana", default).board_set
    assert board_set.root_id == "simple" and {"simple-2", "simple2", "simple3"} <= set(board_set.boards)
    opener = board_set.root.button("open-simple-2")
    assert opener.load_board == "simple-2" and board_set.root.grid == (("a", "open-simple-2"),)
    # The renamed board's own links still reach their boards.
    assert {b.load_board for b in board_set.boards["simple-2"].buttons} == {"simple2", "simple3"}
    assert any("now 'simple-2'" in n for n in report.notes) and report.boards == 3


def test_a_full_home_board_grows_a_row():
    full = Board(id="home", rows=1, columns=1, grid=(("a",),), buttons=(Button(id="a", label="a"),))
    joined, notes = add_board_set(BoardSet(root_id="home", boards={"home": full}), tiny_set("other"))
    assert joined.root.rows == 2 and joined.root.grid[1] == ("open-other",) and "'Other'" in notes[0]


def test_bad_import_writes_nothing(store, tmp_path):
    bad = tmp_path / "bad.obf"
    bad.write_text("[1, 2]")
    before = snapshot(store.root)
    with pytest.raises(BoardFileError, match="JSON list"):
        import_into_profile(store, "ana", bad, default=default)
    assert snapshot(store.root) == before


def test_export_all_one_and_from_a_board(store, tmp_path):
    import_into_profile(store, "ana", SAMPLES / "spec-links.obz", replace=True, default=default)
    path, count = export_from_profile(store, "ana", tmp_path / "all.obz", default=default)
    assert count == 3 and read_boards(path).board_set == load_profile_boards(store, "ana", default).board_set
    path, count = export_from_profile(store, "ana", tmp_path / "two.obz", board_id="simple2", default=default)
    assert count == 1 and read_boards(path).board_set.root_id == "simple2"
    path, count = export_from_profile(store, "ana", tmp_path / "one.obf", default=default)
    assert count == 1 and read_boards(path).board_set.root.id == "simple"
    with pytest.raises(BoardFileError, match="no board 'nope'"):
        export_from_profile(store, "ana", tmp_path / "x.obz", board_id="nope", default=default)
    with pytest.raises(BoardFileError, match=r"\.obz"):
        export_from_profile(store, "ana", tmp_path / "x.txt", default=default)
