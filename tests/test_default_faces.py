"""The shipped default faces of nobody: each loads, its rig is current, it renders and talks; profiles choose one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from aac.rig_for_profile import face_files
from avatar import params
from avatar.from_photo import cached_rig
from avatar.landmarks import LandmarkDetector
from avatar.photo_check import load_photo
from profiles.bundled_faces import DEFAULT_FACE_ID, FACES_DIR, default_face_ids, list_default_faces
from profiles.schema import AvatarSection, Profile
from profiles.store import BUNDLED_DIR, ProfileStore
from tests.gl_probe import requires_gl

FACES = list_default_faces()
IDS = [f.id for f in FACES]


def test_a_few_faces_are_shipped_each_described_and_small() -> None:
    assert 3 <= len(FACES) <= 6
    assert FACES[0].id == DEFAULT_FACE_ID  # the caregiver screen shows the default first
    assert len({f.description for f in FACES}) == len(FACES)
    for face in FACES:
        assert face.photo_path.parent == FACES_DIR / face.id
        assert face.photo_path.stat().st_size < 1_000_000, f"{face.photo_path} is too big to ship"
        # "woman, 30s, dark skin, ..." : who, age, skin, for the caregiver to choose by
        who, age, skin = (part.strip() for part in face.description.split(",")[:3])
        assert who in ("woman", "man") and age.endswith("s") and "skin" in skin


def test_the_faces_differ_in_gender_age_and_skin() -> None:
    descriptions = [f.description for f in FACES]
    assert any(d.startswith("woman") for d in descriptions) and any(d.startswith("man") for d in descriptions)
    assert len({d.split(",")[1] for d in descriptions}) >= 3
    assert len({d.split(",")[2] for d in descriptions}) >= 3


@pytest.mark.parametrize("face", FACES, ids=IDS)
def test_each_rig_was_built_from_its_photo(face) -> None:
    rig = cached_rig(face.photo_path, face.rig_path)
    assert rig is not None, f"{face.rig_path} is stale: run python -m avatar.default_faces.build {FACES_DIR}"
    assert rig.landmarks.shape == (478, 3)


def test_the_landmark_model_finds_each_face() -> None:
    with LandmarkDetector(max_faces=2) as detector:
        for face in FACES:
            found = detector.detect(load_photo(face.photo_path))
            assert len(found) == 1, f"{face.id}: {len(found)} faces found"


def test_the_default_profile_folder_holds_the_default_face() -> None:
    # the benches and older tests read profiles/bundled/default/photo.png and rig.npz
    default = BUNDLED_DIR / "default"
    assert cached_rig(default / "photo.png", default / "rig.npz") is not None
    shipped = load_photo(FACES_DIR / DEFAULT_FACE_ID / "photo.jpg")
    assert np.array_equal(load_photo(default / "photo.png"), shipped)


@requires_gl
@pytest.mark.parametrize("face", FACES, ids=IDS)
def test_each_face_renders_and_its_mouth_opens(face) -> None:
    from avatar.render import Renderer

    rig = cached_rig(face.photo_path, face.rig_path)
    renderer = Renderer(rig, 256, 256)
    try:
        closed = renderer.render(params.from_dict({})).astype(np.float32)
        opened = renderer.render(params.from_dict({"jaw_open": 1.0})).astype(np.float32)
    finally:
        renderer.release()
    assert closed.std() > 20, "the frame is (nearly) blank"
    # the mouth region: below the nose, between the mouth corners, in frame pixels
    vx, vy, vw, vh = renderer.view
    mouth = rig.landmarks[[61, 291, 13, 14, 152], :2]
    x0, x1 = ((mouth[:, 0].min() - vx) / vw * 256, (mouth[:, 0].max() - vx) / vw * 256)
    y0, y1 = ((mouth[:, 1].min() - 10 - vy) / vh * 256, (mouth[:, 1].max() - vy) / vh * 256)
    box = (slice(int(y0), int(y1) + 1), slice(int(x0), int(x1) + 1))
    assert np.abs(opened[box] - closed[box]).mean() > 8, "opening the jaw changes nothing around the mouth"
    # and the eyes and forehead stay where they were
    top = slice(0, int(y0 * 0.6))
    assert np.abs(opened[top] - closed[top]).mean() < np.abs(opened[box] - closed[box]).mean() / 4


def test_the_schema_rejects_an_unknown_face_naming_the_shipped_ones() -> None:
    with pytest.raises(ValidationError) as caught:
        AvatarSection(default_face="nobody-at-all")
    message = str(caught.value)
    assert "nobody-at-all" in message
    for face_id in default_face_ids():
        assert face_id in message
    assert AvatarSection().default_face == DEFAULT_FACE_ID
    assert AvatarSection(default_face=IDS[-1]).default_face == IDS[-1]


def test_face_files_picks_the_chosen_face(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    chosen = next(f for f in FACES if f.id != DEFAULT_FACE_ID)
    profile = Profile(name="kim", avatar=AvatarSection(default_face=chosen.id))
    store.save(profile)
    assert face_files(store.open("kim")) == (chosen.photo_path, chosen.rig_path)
    default = FACES[0]
    assert face_files(store.open("default")) == (default.photo_path, default.rig_path)
    store.save(Profile(name="lee"))
    assert face_files(store.open("lee")) == (default.photo_path, default.rig_path)


def test_a_profile_file_naming_an_unknown_face_is_refused_with_the_list(tmp_path: Path) -> None:
    from profiles.errors import ProfileError

    store = ProfileStore(tmp_path)
    store.save(Profile(name="kim"))
    path = tmp_path / "kim" / "profile.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(f"default_face: {DEFAULT_FACE_ID}",
                                                             "default_face: zed"), encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        store.open("kim")
    assert "zed" in str(caught.value) and all(i in str(caught.value) for i in IDS)
