"""Photo checks: each photo that will not make an avatar gets its own message, naming the file."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from avatar.landmarks import LandmarkDetector
from avatar.photo_check import PhotoProblem, check_photo, load_photo

skimage_data = pytest.importorskip("skimage.data", reason="scikit-image (test extra) provides the astronaut photo")


def astronaut(scale: float = 2.5) -> np.ndarray:
    """scikit-image's astronaut photo; its face is 91 px across, so it is enlarged past the 200 px minimum."""
    return cv2.resize(skimage_data.astronaut(), None, fx=scale, fy=scale, interpolation=cv2.INTER_LANCZOS4)


@pytest.fixture(scope="module")
def detector():
    with LandmarkDetector(max_faces=2) as d:
        yield d


def _save(tmp_path, image: np.ndarray, name: str = "photo.png"):
    path = tmp_path / name
    cv2.imwrite(str(path), cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    return path


def _problem(image: np.ndarray, detector) -> str:
    with pytest.raises(PhotoProblem) as info:
        check_photo(image, "photo.png", detector)
    message = str(info.value)
    assert message.startswith("photo.png: ")
    return message


def test_good_photo_passes(detector):
    checked = check_photo(astronaut(), "astronaut.png", detector)
    assert checked.landmarks.shape == (478, 3)


def test_blank_image_has_no_face(detector):
    assert "no face found" in _problem(np.full((800, 800, 3), 200, np.uint8), detector)


def test_two_faces_side_by_side(detector):
    face = astronaut(1.6)[100:700, 150:750]
    assert "two faces found" in _problem(np.hstack([face, face]), detector)


def test_tiny_face(detector):
    message = _problem(skimage_data.astronaut()[:300, 80:380], detector)  # the original size: 91 px across
    assert "px across (at least 200 needed)" in message


def test_sideways_photo(detector):
    assert "sideways" in _problem(np.ascontiguousarray(np.rot90(astronaut())), detector)


def test_blurred_face(detector):
    assert "blurred" in _problem(cv2.GaussianBlur(astronaut(), (0, 0), 8), detector)


def test_dark_photo(detector):
    assert "too dark" in _problem((astronaut().astype(np.float32) * 0.18).astype(np.uint8), detector)


def test_truncated_file(tmp_path):
    path = _save(tmp_path, astronaut())
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(PhotoProblem, match="damaged or incomplete") as info:
        load_photo(path)
    assert str(path) in str(info.value)


def test_not_an_image(tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("this is not a photo")
    with pytest.raises(PhotoProblem, match="not an image"):
        load_photo(path)


def test_missing_file(tmp_path):
    with pytest.raises(PhotoProblem, match="no such file"):
        load_photo(tmp_path / "nothing.jpg")
