"""`aac-avatar avatar build|pose|sheet` and `bench render`, run through the real command line."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest
from PIL import Image

from aac.cli import main
from tests.gl_probe import requires_gl

skimage_data = pytest.importorskip("skimage.data", reason="scikit-image (test extra) provides the astronaut photo")


pytestmark = requires_gl


@pytest.fixture
def astronaut_jpg(tmp_path):
    image = cv2.resize(skimage_data.astronaut(), None, fx=2.5, fy=2.5, interpolation=cv2.INTER_LANCZOS4)
    path = tmp_path / "me.jpg"
    Image.fromarray(image).save(path, quality=92)
    return path


def test_build_then_pose_and_sheet(tmp_path, astronaut_jpg, capsys):
    profiles = tmp_path / "profiles"
    assert main(["--profiles-dir", str(profiles), "avatar", "build", str(astronaut_jpg), "--profile", "sam"]) == 0
    folder = profiles / "sam"
    assert (folder / "photo.jpg").read_bytes() == astronaut_jpg.read_bytes()
    assert (folder / "rig.npz").is_file()
    assert "photo: photo.jpg" in (folder / "profile.yaml").read_text()

    out = tmp_path / "pose.png"
    args = ["--profiles-dir", str(profiles), "avatar", "pose", "--profile", "sam", "--set", "jaw_open=0.7",
            "--set", "blink_left=1", "--width", "320", "--height", "240", "-o", str(out)]
    assert main(args) == 0
    posed = np.asarray(Image.open(out))
    assert posed.shape == (240, 320, 3)
    neutral_out = tmp_path / "neutral.png"
    assert main(args[:6] + ["--width", "320", "--height", "240", "-o", str(neutral_out)]) == 0
    assert not np.array_equal(posed, np.asarray(Image.open(neutral_out)))

    sheet = tmp_path / "sheet.png"
    assert main(["--profiles-dir", str(profiles), "avatar", "sheet", "--profile", "sam", "--tile", "96",
                 "-o", str(sheet)]) == 0
    assert Image.open(sheet).size[0] == 7 * 96
    assert "rendered with " in capsys.readouterr().out  # the GL renderer in use is reported


def test_default_profile_poses_without_setup(tmp_path):
    out = tmp_path / "default.png"
    assert main(["--profiles-dir", str(tmp_path / "empty"), "avatar", "pose", "--width", "200", "--height", "200",
                 "-o", str(out)]) == 0
    assert np.asarray(Image.open(out)).shape == (200, 200, 3)
    assert not (tmp_path / "empty").exists()  # the shipped rig is used as is; nothing written


def test_bad_input_gets_one_line_messages(tmp_path, capsys):
    profiles = ["--profiles-dir", str(tmp_path / "profiles")]
    blank = tmp_path / "blank.png"
    Image.fromarray(np.full((600, 600, 3), 180, np.uint8)).save(blank)
    assert main(profiles + ["avatar", "build", str(blank), "--profile", "sam"]) == 2
    assert "no face found" in capsys.readouterr().err
    assert not (tmp_path / "profiles" / "sam").exists()  # nothing stored for a photo that will not do

    out = str(tmp_path / "x.png")
    assert main(profiles + ["avatar", "pose", "--set", "jaw_opn=1", "-o", out]) == 2
    assert "did you mean jaw_open" in capsys.readouterr().err
    assert main(profiles + ["avatar", "pose", "--set", "jaw_open", "-o", out]) == 2
    assert "NAME=VALUE" in capsys.readouterr().err


def test_bench_render_prints_figures(capsys):
    assert main(["bench", "render", "--json", "--seconds", "0.2"]) == 0
    figures = json.loads(capsys.readouterr().out)
    for key in ("fps_512", "fps_1280x720", "rig_load_ms", "renderer"):
        assert key in figures
    assert figures["fps_512"] > 0 and figures["neutral_psnr_whole_frame_512_db"] > 35
