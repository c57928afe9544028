"""What a caregiver sees (issue 17): text read as written, photo verdicts that are true, no library
noise, /status in words, the camera notice once, a bad recording target told at the start."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.hostile import assert_clear_refusal, assert_no_noise, run_cli, text

V = ["--voice", "espeak:en-us"]


def _words(tmp_path: Path, *args: str, stdin: bytes | str = "") -> list[str]:
    timings = tmp_path / "t.json"
    result = run_cli(tmp_path / "p", "say", *args, *V, "--timings", str(timings), stdin=stdin)
    assert result.returncode == 0, text(result)[1]
    return [w["text"].lower().strip(",.?!") for w in json.loads(timings.read_text())["words"]]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_a_utf16_text_file_is_read_as_words_not_letters(tmp_path: Path, encoding: str) -> None:
    words = _words(tmp_path, "-", stdin="Good morning, how are you?\n".encode(encoding))
    assert words == ["good", "morning", "how", "are", "you"], words


def test_terminal_colour_codes_are_not_spoken(tmp_path: Path) -> None:
    coloured = "\x1b[1;31mHello\x1b[0m \x1b]0;title\x07there \x1b[38;5;208mfriend\x1b[0m"
    assert _words(tmp_path, coloured) == ["hello", "there", "friend"]
    assert _words(tmp_path, "-", stdin=coloured) == ["hello", "there", "friend"]


def test_text_that_is_not_text_is_refused(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "say", "-", *V, "-o", str(tmp_path / "x.wav"), stdin=b"abc\x80\xffdef ghi")
    assert_clear_refusal(result, "standard input: not readable as text")
    assert not (tmp_path / "x.wav").exists()


def test_say_of_punctuation_writes_no_empty_wav(tmp_path: Path) -> None:
    out = tmp_path / "x.wav"
    assert_clear_refusal(run_cli(tmp_path, "say", "...", *V, "-o", str(out)), "nothing to say")
    assert not out.exists()


def test_a_long_say_streams_into_the_file_with_progress(tmp_path: Path) -> None:
    import soundfile

    out = tmp_path / "long.wav"
    text_in = "This is one of many sentences in a long letter. " * 60  # 2,940 characters
    result = run_cli(tmp_path, "say", "-", *V, "-o", str(out), stdin=text_in)
    stdout, err = text(result)
    assert result.returncode == 0, err
    assert "speaking" in err and "char" in err  # the progress bar, on stderr
    assert soundfile.info(out).duration > 60
    assert not list(tmp_path.glob(".long.wav.*"))  # written beside it and renamed: nothing left over


def _photo(tmp_path: Path, name: str, pixels: np.ndarray) -> Path:
    path = tmp_path / name
    Image.fromarray(pixels).save(path)
    return path


def _face() -> np.ndarray:
    from skimage import data

    return np.asarray(Image.fromarray(data.astronaut()[0:300, 100:350]).resize((650, 780), Image.LANCZOS))


def test_a_coffee_cup_is_no_face(tmp_path: Path) -> None:
    from skimage import data

    photo = _photo(tmp_path, "coffee.png", data.coffee())
    result = run_cli(tmp_path / "p", "avatar", "build", str(photo))
    assert_clear_refusal(result, "no face found")
    assert_no_noise(result)


def test_two_faces_say_two_faces(tmp_path: Path) -> None:
    face = _face()
    photo = _photo(tmp_path, "two.png", np.ascontiguousarray(np.concatenate([face, face[:, ::-1]], axis=1)))
    assert_clear_refusal(run_cli(tmp_path / "p", "avatar", "build", str(photo)), "two faces found")


def test_a_sideways_face_is_still_called_sideways(tmp_path: Path) -> None:
    photo = _photo(tmp_path, "side.png", np.ascontiguousarray(np.rot90(_face())))
    assert_clear_refusal(run_cli(tmp_path / "p", "avatar", "build", str(photo)), "sideways")


def test_a_16_bit_greyscale_png_is_read_right(tmp_path: Path) -> None:
    from avatar.photo_check import load_photo

    grey = np.asarray(Image.fromarray(_face()).convert("L")).astype(np.uint16) * 257
    photo = _photo(tmp_path, "grey16.png", grey)
    assert Image.open(photo).mode.startswith("I")
    pixels = load_photo(photo)
    assert pixels.shape[2] == 3 and abs(float(pixels.mean()) - float(grey.mean()) / 257) < 1.0
    result = run_cli(tmp_path / "p", "avatar", "build", str(photo))
    assert result.returncode == 0, text(result)[1]
    assert_no_noise(result)


def test_a_decompression_bomb_photo_is_refused_in_build_and_sheet(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.png"
    Image.new("L", (20_000, 10_000)).save(bomb)  # 200 megapixels in under 200 kB
    assert bomb.stat().st_size < 400_000
    sheet = ["avatar", "sheet", "--photo", str(bomb), "-o", str(tmp_path / "s.png")]
    for args in (["avatar", "build", str(bomb)], sheet):
        assert_clear_refusal(run_cli(tmp_path / "p", *args), f"{bomb}: the picture is")


def test_sheet_and_a_first_render_make_no_library_noise(tmp_path: Path) -> None:
    face = _photo(tmp_path, "face.png", _face())
    result = run_cli(tmp_path / "p", "avatar", "sheet", "--photo", str(face), "--tile", "64", "-o",
                     str(tmp_path / "s.png"), timeout=240)
    assert result.returncode == 0, text(result)[1]
    assert_no_noise(result)
    result = run_cli(tmp_path / "p", "render", "--text", "Hi.", *V, "-o", str(tmp_path / "r.mp4"), timeout=240)
    assert result.returncode == 0, text(result)[1]
    assert_no_noise(result)


def test_status_in_words_and_the_camera_notice_once(tmp_path: Path) -> None:
    result = run_cli(tmp_path / "p", "live", *V, "--no-microphone", "--no-speakers", "--linger", "0",
                     stdin="/status\n/status\n/quit\n", timeout=120)
    out, err = text(result)
    assert result.returncode == 0, err
    assert "EngineStatus(" not in out and "OutputStatus(" not in out
    statuses = [line for line in out.splitlines() if line.startswith("status: ")]
    assert len(statuses) == 2 and all("frames shown" in s and "camera off" in s for s in statuses), out
    assert "modprobe" not in out and (out + err).count("modprobe") <= 1
    camera = next(line for line in err.splitlines() if line.startswith("camera: off"))
    assert len(camera) < 300, camera


def test_an_unwritable_recording_folder_is_told_at_the_start(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    folder = tmp_path / "p" / "ada"
    folder.mkdir(parents=True)
    (folder / "profile.yaml").write_text(f"name: ada\noutputs:\n  recording_dir: {blocker}/rec\n")
    result = run_cli(tmp_path / "p", "live", "--profile", "ada", *V, "--no-camera", "--no-microphone",
                     "--no-speakers", "--linger", "0", stdin="/quit\n", timeout=120)
    _, err = text(result)
    lines = err.splitlines()
    told = next(i for i, line in enumerate(lines) if line.startswith("recording: off"))
    ready = next(i for i, line in enumerate(lines) if line.startswith("live: type a line"))
    assert told < ready and "is a file, not a folder" in lines[told], err


def test_a_long_render_shows_its_progress(tmp_path: Path) -> None:
    message = "The quick brown fox jumps over the lazy dog, and then it rests in the sun. " * 4
    out = tmp_path / "long.mp4"
    result = run_cli(tmp_path / "p", "render", "--text", "-", *V, "--width", "64", "--height", "64", "-o", str(out),
                     stdin=message, timeout=300)
    stdout, err = text(result)
    assert result.returncode == 0, err
    assert "rendering" in err and "frame" in err and out.stat().st_size > 0
    assert_no_noise(result)


@pytest.mark.parametrize("suffix", [".wav", ".flac", ".ogg", ".WAV"])
def test_every_accepted_audio_extension_is_written(tmp_path: Path, suffix: str) -> None:
    import soundfile

    out = tmp_path / f"hello{suffix}"
    result = run_cli(tmp_path / "p", "say", "Hello there.", *V, "-o", str(out))
    assert result.returncode == 0, text(result)[1]
    assert soundfile.info(out).duration > 0.3
