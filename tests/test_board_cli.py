"""`aac-avatar board import|export|list|check`, run through the real command line."""

from __future__ import annotations

import json
from pathlib import Path

from aac.board.obf import read_boards
from aac.cli import main
from profiles.store import ProfileStore

SAMPLES = Path(__file__).parent / "data" / "boards"


def run(tmp_path: Path, *argv: str) -> int:
    return main(["--profiles-dir", str(tmp_path / "profiles"), "board", *argv])


def test_check_prints_the_report_and_changes_nothing(tmp_path, capsys):
    assert run(tmp_path, "check", str(SAMPLES / "spec-lots_of_stuff.obz")) == 0
    out = capsys.readouterr().out
    assert "5 boards, 18 buttons, 8 pictures shown" in out and "only on the internet" in out
    assert "Cool Remote Board" in out and "skipped or repaired" in out
    assert not (tmp_path / "profiles").exists()


def test_import_list_export(tmp_path, capsys):
    assert run(tmp_path, "import", str(SAMPLES / "spec-path_images.obz"), "--profile", "default", "--replace") == 0
    out = capsys.readouterr().out
    assert "2 boards, 4 buttons, 2 pictures shown" in out and "saved in profile 'default'" in out
    assert run(tmp_path, "list") == 0
    out = capsys.readouterr().out
    assert "its own boards: 2 boards" in out
    assert "path_images  Path Images Board  2x2, 2 buttons, 2 pictures  (home)" in out
    assert run(tmp_path, "export", str(tmp_path / "out.obz")) == 0
    assert "wrote 2 boards" in capsys.readouterr().out
    store = ProfileStore(tmp_path / "profiles")
    assert read_boards(tmp_path / "out.obz").board_set == read_boards(SAMPLES / "spec-path_images.obz").board_set
    assert store.load("default").boards == ["boards/boards.obz"]
    assert run(tmp_path, "export", str(tmp_path / "one.obf"), "--board", "link") == 0
    assert json.loads((tmp_path / "one.obf").read_text())["id"] == "link"


def test_user_errors_are_messages_not_tracebacks(tmp_path, capsys):
    bad = tmp_path / "bad.obf"
    bad.write_text('{"id": 1,,}')
    assert run(tmp_path, "import", str(bad)) == 2
    err = capsys.readouterr().err
    assert "bad.obf: broken JSON at line 1, column 10" in err and "Traceback" not in err
    obfset = tmp_path / "boards.obfset"
    obfset.write_text("[]")
    assert run(tmp_path, "check", str(obfset)) == 2
    assert ".obfset" in capsys.readouterr().err
    assert run(tmp_path, "export", str(tmp_path / "x.obz"), "--board", "nope") == 2
    assert "no board 'nope'" in capsys.readouterr().err
    assert not (tmp_path / "profiles").exists()
