"""Every subcommand given bad arguments (issue 17): each gets one clear message and a non-zero exit,
never a traceback, never "unexpected error ... please report it", never a hang.

The hostile files (a FIFO nobody writes to, a folder where a file belongs, a file that is no model)
are made here. W in an argument is the test's own folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import soundfile

from tests.hostile import assert_clear_refusal, run_cli

V = ["--voice", "espeak:en-us"]
CASES: list[tuple[list[str], str]] = [
    # app
    (["app", "--size", "0x0"], "frame size 0 is out of range"),
    (["app", "--size", "1279x720"], "1279 is odd"),
    (["app", "--size", "axb"], "not a whole number"),
    (["app", "--seconds", "nan"], "not a finite number"),
    (["app", "--seconds", "-1"], "out of range"),
    (["app", "--demo-output", "W/folder"], "is a folder"),
    (["app", "--demo-output", "W/x.txt"], "must end in .mp4"),
    (["app", "--rate", "nan"], "not a finite number"),
    # avatar
    (["avatar", "build", "W/missing.png"], "no such file"),
    (["avatar", "build", "W/folder"], "not a plain file"),
    (["avatar", "build", "W/fifo"], "not a plain file"),
    (["avatar", "build", "W/in.wav"], "not an image"),
    (["avatar", "pose", "--width", "1279", "-o", "W/p.png"], "1279 is odd"),
    (["avatar", "pose", "--width", "-4", "-o", "W/p.png"], "out of range"),
    (["avatar", "pose", "--width=-4", "-o", "W/p.png"], "out of range"),
    (["avatar", "pose", "--height", "99999", "-o", "W/p.png"], "out of range"),
    (["avatar", "pose", "--set", "jaw_open=nan", "-o", "W/p.png"], "not a finite number"),
    (["avatar", "pose", "-o", "W/p.txt"], "must end in .png"),
    (["avatar", "sheet", "--tile", "0", "-o", "W/s.png"], "out of range"),
    (["avatar", "sheet", "--tile", "100000", "-o", "W/s.png"], "out of range"),
    (["avatar", "sheet", "-o", "W/folder"], "is a folder"),
    (["avatar", "sheet", "--photo", "W/fifo", "-o", "W/s.png"], "not a plain file"),
    # bank
    (["bank", "add", "W/fifo", "--phrase", "hi"], "not a file"),
    (["bank", "add", "W/folder", "--phrase", "hi"], "not a file"),
    (["bank", "add", "W/notonnx.onnx", "--phrase", "hi"], "could not be decoded"),
    (["bank", "remove", "nothing"], "'nothing' is not banked"),
    (["bank", "play", "nothing"], "'nothing' is not banked"),
    # bench
    (["bench", "soak", "--fps", "0"], "frame rate 0.0 is out of range"),
    (["bench", "soak", "--fps", "nan"], "not a finite number"),
    (["bench", "soak", "--minutes=-1"], "out of range"),
    (["bench", "soak", "--size=-5x10"], "out of range"),
    (["bench", "avsync", "--fps", "inf"], "not a finite number"),
    (["bench", "latency", "--messages", "0"], "out of range"),
    (["bench", "render", "--seconds", "0"], "out of range"),
    (["bench", "speech", "--repeats=-3"], "out of range"),
    (["bench", "app", "--idle-seconds", "nan"], "not a finite number"),
    (["bench", "mark", "--clips=-1"], "out of range"),
    (["bench", "mark", "--reencodes", "0"], "out of range"),
    # verify
    (["verify", "W/missing.mp4"], "no such file"),
    (["verify", "W/fifo"], "not a file"),
    (["verify", "W/in.wav"], "no sign that aac-avatar made it"),
    (["verify", "W/folder"], "no pictures"),
    # board
    (["board", "import", "W/missing.obf"], "no such file"),
    (["board", "import", "W/fifo"], "not a plain file"),
    (["board", "export", "W/folder"], "is a folder"),
    (["board", "export", "W/x.txt"], "must end in"),
    (["board", "check", "W/fifo"], "not a plain file"),
    # eval
    (["eval", "lipsync", "--voice", "nope"], "not a held-out voice"),
    (["eval", "lipsync", "--sentences", "0"], "out of range"),
    (["eval", "lipsync", "--voice", "flite:nope", "--sentences", "1"], "flite"),
    (["eval", "lipsync", "--model", "W/notonnx.onnx", "--voice", "espeak:en-us+klatt", "--sentences", "1"],
     "not a lip-sync model"),
    (["eval", "lipsync", "--snr-db", "nan"], "not a finite number"),
    # live
    (["live", "--fps", "nan", *V], "not a finite number"),
    (["live", "--fps", "0", *V], "out of range"),
    (["live", "--linger", "-1", *V], "out of range"),
    (["live", "--linger=-1", *V], "out of range"),
    (["live", "--record", "W/x.txt", *V], "must end in .mp4"),
    (["live", "--record", "W/folder", *V], "is a folder"),
    (["live", "--record", "W/in.wav/x.mp4", *V], "is a file, not a folder"),
    # profile
    (["profile", "show", "../etc"], "cannot name a profile"),
    (["profile", "show", "nobody"], "no profile named 'nobody'"),
    (["profile", "check", "/dev/zero"], "not a plain file"),
    (["profile", "check", "W/fifo"], "not a plain file"),
    (["profile", "export", "default", "-o", "W/folder"], "is a folder"),
    (["profile", "export", "default", "-o", "W/x.txt"], "must end in .zip"),
    (["profile", "import", "W/missing.zip"], "no such file"),
    (["profile", "import", "W/fifo"], "not a plain file"),
    (["profile", "import", "W/in.wav"], "not a zip archive"),
    # render
    (["render", "--text", "hi", "-o", "W/x.mp4", "--fps", "nan", *V], "not a finite number"),
    (["render", "--text", "hi", "-o", "W/x.mp4", "--width", "1279", *V], "1279 is odd"),
    (["render", "--text", "hi", "-o", "W/x.mp4", "--width=-4", *V], "out of range"),
    (["render", "--text", "hi", "-o", "W/x.mp4", "--height", "100000", *V], "out of range"),
    (["render", "--text", "hi", "-o", "W/folder", *V], "is a folder"),
    (["render", "--text", "hi", "-o", "W/x.txt", *V], "must end in .mp4"),
    (["render", "--text", "...", "-o", "W/x.mp4", *V], "nothing to say"),
    (["render", "--text", "hi", "-o", "W/x.mp4", "--intensity", "5", *V], "out of range"),
    # say
    (["say", "hi", "-o", "W/folder", *V], "is a folder"),
    (["say", "hi", "-o", "W/x.txt", *V], "must end in .wav"),
    (["say", "hi", "--timings", "W/t.txt", *V], "must end in .json"),
    (["say", "...", "-o", "W/b.wav", *V], "nothing to say"),
    (["say", "hi", "--rate", "nan", "-o", "W/a.wav", *V], "not a finite number"),
    (["say", "hi", "--volume=-1", "-o", "W/a.wav", *V], "out of range"),
    (["say", "hi", "--pitch", "inf", "-o", "W/a.wav", *V], "not a finite number"),
    # setup (offline: an empty folder instead of the downloads)
    (["setup", "kokoro", "--from-dir", "W/folder", "--no-install", "--dir", "W/kokoro"], "W/folder"),
    # visemes
    (["visemes", "W/in.wav", "-o", "W/folder"], "is a folder"),
    (["visemes", "W/in.wav", "-o", "W/x.txt"], "must end in .json"),
    (["visemes", "W/in.wav", "--model", "W/notonnx.onnx"], "not a lip-sync model"),
    (["visemes", "W/missing.wav"], "no such audio file"),
    (["visemes", "W/fifo"], "not a plain file"),
    # voices
    (["voices", "--backend", "nope"], "invalid choice: 'nope'"),
    (["voices", "add", "W/fifo"], "not a plain file or folder"),
    (["voices", "use", "nope:x"], "unknown voice backend 'nope'"),
    (["voices", "remove", "piper:nope"], "no personal Piper voice 'nope'"),
    (["voices", "--language", "zz"], "no installed voice speaks 'zz'"),
]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "folder").mkdir()
    soundfile.write(folder / "in.wav", np.zeros(8000, np.float32), 16000)
    (folder / "notonnx.onnx").write_text("this is not a model")
    os.mkfifo(folder / "fifo")
    return folder


@pytest.mark.parametrize(("args", "expected"), CASES, ids=[" ".join(a) for a, _ in CASES])
def test_bad_arguments_get_a_clear_message(hostile: Path, args: list[str], expected: str) -> None:
    args = [a.replace("W/", f"{hostile}/") for a in args]
    result = run_cli(hostile / "profiles", *args, timeout=90)
    assert_clear_refusal(result, expected.replace("W/", f"{hostile}/"))
