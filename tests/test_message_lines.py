"""Lines typed or piped into `live`: read in the encoding they were written in (issue 17's bad input: a
UTF-16 pipe, a Windows-1252 line, bytes that are no text), each one as soon as it ends."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from aac.message_text import message_lines
from tests.hostile import run_cli, text

LINES = ["Good morning, how are you?", "/emotion happy", "Très bien, merci.", "नमस्ते"]


def _lines(raw: bytes) -> tuple[list[str], list[str]]:
    told: list[str] = []
    return list(message_lines(io.BufferedReader(io.BytesIO(raw)), told.append)), told


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_each_encoding_gives_the_same_lines(encoding: str) -> None:
    lines, told = _lines("".join(line + "\n" for line in LINES).encode(encoding))
    assert lines == LINES and told == []


def test_windows_line_ends_and_terminal_codes_are_dropped() -> None:
    assert _lines(b"\x1b[1mHello\x1b[0m there\r\nSecond\r\n")[0] == ["Hello there", "Second"]


def test_a_windows_1252_line_is_read_as_such_and_said_once() -> None:
    lines, told = _lines("café olé\nnaïve\n".encode("cp1252"))
    assert lines == ["café olé", "naïve"]
    assert len(told) == 1 and "line 1 is not UTF-8" in told[0] and "Windows-1252" in told[0]


def test_a_line_that_is_no_text_is_skipped_with_a_reason_and_the_next_is_kept() -> None:
    lines, told = _lines(b"\x81\x8d\x8f\x90\nStill here.\n")
    assert lines == ["Still here."]
    assert told == ["standard input: line 1 is not text (byte 0 is 0x81), so it was not spoken. Fix: send UTF-8 text"]


def test_lines_come_as_they_end_not_when_the_input_ends() -> None:
    """A person typing: the first line is there before the second is written."""
    import os
    import threading

    read_fd, write_fd = os.pipe()
    got: list[str] = []
    first_seen = threading.Event()

    def reader() -> None:
        with os.fdopen(read_fd, "rb") as stream:
            for line in message_lines(stream, lambda _problem: None):
                got.append(line)
                first_seen.set()

    thread = threading.Thread(target=reader)
    thread.start()
    os.write(write_fd, "Hello.\n".encode("utf-16"))
    assert first_seen.wait(10), "the first line waited for the end of input"
    os.write(write_fd, "Bye.\n".encode("utf-16-le"))
    os.close(write_fd)
    thread.join(10)
    assert got == ["Hello.", "Bye."]


def test_live_obeys_a_command_piped_in_utf16(tmp_path: Path) -> None:
    """Before, each UTF-16 line was 'nothing to say' (its zero bytes): the command was neither run nor refused."""
    result = run_cli(tmp_path, "live", "--no-camera", "--no-microphone", "--no-speakers", "--voice", "espeak:en-us",
                     stdin="/emotion bogus\n".encode("utf-16"))
    _out, err = text(result)
    assert result.returncode == 0, err
    assert "unknown emotion 'bogus'" in err and "nothing to say" not in err
