"""Consent belongs to one face: it is recorded for a photo (its hash), travels with an export, and
gates build, render, live and import, including the ways around it a new user would take."""

from __future__ import annotations

import datetime as dt
import io
import sys
import zipfile

import cv2
import numpy as np
import pytest
import yaml
from PIL import Image

from aac.cli import main
from aac.live.profile_settings import engine_settings
from aac.rig_for_profile import load_profile_rig
from profiles.consent import photo_digest
from profiles.errors import ProfileError
from profiles.store import ProfileStore
from tests.gl_probe import requires_gl

skimage_data = pytest.importorskip("skimage.data", reason="scikit-image (test extra) provides the astronaut photo")

pytestmark = requires_gl

CONSENT_ANSWERS = "Ann Example\nyes\nself\nBob Carer\n2026-11-20\n"


@pytest.fixture
def photos(tmp_path):
    """Two different real faces: the astronaut, and the astronaut mirrored (another photo to the hash)."""
    image = cv2.resize(skimage_data.astronaut(), None, fx=2.5, fy=2.5, interpolation=cv2.INTER_LANCZOS4)
    first, second = tmp_path / "me.jpg", tmp_path / "other.png"
    Image.fromarray(image).save(first, quality=92)
    Image.fromarray(np.ascontiguousarray(image[:, ::-1])).save(second)
    return first, second


def run(profiles, *args, stdin: str = "", monkeypatch=None) -> int:
    if monkeypatch is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(["--profiles-dir", str(profiles), *args])


def consent_of(profiles, name):
    return yaml.safe_load((profiles / name / "profile.yaml").read_text())["consent"]


def test_a_real_photo_in_the_default_profile_does_not_inherit_the_painted_faces_consent(
        tmp_path, photos, capsys, monkeypatch):
    profiles = tmp_path / "profiles"
    assert run(profiles, "avatar", "build", str(photos[0]), monkeypatch=monkeypatch) == 0  # the natural first command
    out = capsys.readouterr().out
    assert "profile consent default" in out
    consent = consent_of(profiles, "default")
    assert consent["agreed"] is False and consent["pictured"] is None  # "nobody: a generated face" is gone
    assert run(profiles, "profile", "check", "default") == 1
    assert "no consent is recorded" in capsys.readouterr().out
    assert run(profiles, "render", "--voice", "espeak:en-us", "--text", "Hi.", "-o", str(tmp_path / "x.mp4")) == 2
    assert "aac-avatar profile consent default" in capsys.readouterr().err
    assert not (tmp_path / "x.mp4").exists()
    store = ProfileStore(profiles)
    with pytest.raises(ProfileError, match="profile consent default"):  # what live and the app load
        load_profile_rig(store, store.open("default"))
    # Recorded step by step, for this photo:
    assert run(profiles, "profile", "consent", "default", stdin=CONSENT_ANSWERS, monkeypatch=monkeypatch) == 0
    consent = consent_of(profiles, "default")
    assert consent["agreed"] is True and consent["pictured"] == "Ann Example"
    assert consent["agreed_by"] == "self" and consent["set_up_by"] == "Bob Carer"
    assert consent["date"] == dt.date(2026, 11, 20)
    assert consent["photo_sha256"] == photo_digest(photos[0])
    assert run(profiles, "profile", "check", "default") == 0
    assert load_profile_rig(store, store.open("default")) is not None


def test_build_offers_consent_and_a_new_face_does_not_keep_the_old_consent(tmp_path, photos, capsys, monkeypatch):
    profiles = tmp_path / "profiles"
    assert run(profiles, "avatar", "build", str(photos[0]), "--profile", "bob", "--consent",
               stdin=CONSENT_ANSWERS, monkeypatch=monkeypatch) == 0
    assert consent_of(profiles, "bob")["photo_sha256"] == photo_digest(photos[0])
    store = ProfileStore(profiles)
    load_profile_rig(store, store.open("bob"))
    # Another face on Bob's profile: Bob's consent stays with Bob's photo, and the old photo goes.
    assert run(profiles, "avatar", "build", str(photos[1]), "--profile", "bob", monkeypatch=monkeypatch) == 0
    assert sorted(p.name for p in (profiles / "bob").glob("photo*")) == ["photo.png"]
    assert consent_of(profiles, "bob")["agreed"] is False
    with pytest.raises(ProfileError, match="no consent"):
        load_profile_rig(store, store.open("bob"))
    # The same photo again keeps its consent (nothing changed about whose face it is).
    assert run(profiles, "profile", "consent", "bob", stdin=CONSENT_ANSWERS, monkeypatch=monkeypatch) == 0
    assert run(profiles, "avatar", "build", str(photos[1]), "--profile", "bob", monkeypatch=monkeypatch) == 0
    assert consent_of(profiles, "bob")["agreed"] is True


def test_consent_refused_records_nothing(tmp_path, photos, monkeypatch, capsys):
    profiles = tmp_path / "profiles"
    assert run(profiles, "avatar", "build", str(photos[0]), "--profile", "c", monkeypatch=monkeypatch) == 0
    assert run(profiles, "profile", "consent", "c", stdin="Cee\nno\n", monkeypatch=monkeypatch) == 1
    assert consent_of(profiles, "c")["agreed"] is False
    assert run(profiles, "profile", "consent", "default", monkeypatch=monkeypatch) == 2  # no photo: not needed
    assert "no consent is needed" in capsys.readouterr().err


def test_a_hand_edited_consent_for_another_photo_is_refused(tmp_path, photos, monkeypatch, capsys):
    profiles = tmp_path / "profiles"
    assert run(profiles, "avatar", "build", str(photos[0]), "--profile", "d", monkeypatch=monkeypatch) == 0
    path = profiles / "d" / "profile.yaml"
    data = yaml.safe_load(path.read_text())
    data["consent"].update(pictured="Dee", agreed=True, agreed_by="self", photo_sha256="0" * 64)
    path.write_text(yaml.safe_dump(data))
    assert run(profiles, "profile", "check", "d") == 1
    assert "given for another photo" in capsys.readouterr().out
    data["consent"]["photo_sha256"] = None  # a record from before consent named its photo
    path.write_text(yaml.safe_dump(data))
    store = ProfileStore(profiles)
    with pytest.raises(ProfileError, match="does not name this photo"):
        load_profile_rig(store, store.open("d"))


def test_export_carries_consent_and_import_rebuilds_the_rig_from_the_photo(tmp_path, photos, monkeypatch, capsys):
    profiles = tmp_path / "profiles"
    assert run(profiles, "avatar", "build", str(photos[0]), "--profile", "eve", "--consent",
               stdin=CONSENT_ANSWERS, monkeypatch=monkeypatch) == 0
    (profiles / "eve" / "photo.png.bak").write_bytes(photos[1].read_bytes())  # a previous photo kept aside
    archive = tmp_path / "eve.zip"
    assert run(profiles, "profile", "export", "eve", "-o", str(archive)) == 0
    names = zipfile.ZipFile(archive).namelist()
    assert "photo.jpg" in names and "photo.png.bak" not in names and "rig.npz" not in names
    # Someone slips in a rig of another face, with broken vertices, claiming to be made from this photo:
    import dataclasses

    from avatar.from_photo import rig_from_photo
    from avatar.rig import rig_to_bytes

    forged = rig_from_photo(photos[1])
    forged = dataclasses.replace(forged, photo_sha256=photo_digest(photos[0]),
                                 positions=np.full_like(forged.positions, np.nan))
    with zipfile.ZipFile(archive, "a") as zf:
        zf.writestr("rig.npz", rig_to_bytes(forged))
        zf.writestr("photo.png", photos[1].read_bytes())
    other = tmp_path / "other-computer"
    capsys.readouterr()
    assert run(other, "profile", "import", str(archive)) == 0
    assert "consent on record" in capsys.readouterr().out
    assert sorted(p.name for p in (other / "eve").iterdir() if not p.name.startswith(".")) == \
        ["photo.jpg", "profile.yaml"]
    assert consent_of(other, "eve")["photo_sha256"] == photo_digest(photos[0])
    store = ProfileStore(other)
    rig = load_profile_rig(store, store.open("eve"), quiet=True)
    assert rig.photo_sha256 == photo_digest(photos[0])  # rebuilt from the photo, not the slipped-in rig
    assert np.isfinite(rig.positions).all()
    assert not np.array_equal(rig.texture, forged.texture)


def test_an_imported_photo_without_consent_refuses_calls_and_says_how(tmp_path, photos, monkeypatch, capsys):
    profiles = tmp_path / "profiles"
    assert run(profiles, "avatar", "build", str(photos[0]), "--profile", "fay", monkeypatch=monkeypatch) == 0
    archive = tmp_path / "fay.zip"
    assert run(profiles, "profile", "export", "fay", "-o", str(archive)) == 0
    other = tmp_path / "other"
    capsys.readouterr()
    assert run(other, "profile", "import", str(archive)) == 0
    assert "aac-avatar profile consent fay" in capsys.readouterr().out
    assert run(other, "render", "--profile", "fay", "--voice", "espeak:en-us", "--text", "Hi.",
               "-o", str(tmp_path / "fay.mp4")) == 2
    assert "profile consent fay" in capsys.readouterr().err


def test_turning_the_ai_label_off_asks_and_is_recorded(tmp_path, monkeypatch, capsys):
    profiles = tmp_path / "profiles"
    assert run(profiles, "profile", "label", "default", "off", stdin="no\n", monkeypatch=monkeypatch) == 1
    assert ProfileStore(profiles).load("default").avatar.overlays.ai_label is True
    assert run(profiles, "profile", "label", "default", "off", stdin="yes\nBob Carer\n", monkeypatch=monkeypatch) == 0
    profile = ProfileStore(profiles).load("default")
    assert profile.avatar.overlays.ai_label is False
    assert profile.consent.label_off_by == "Bob Carer" and profile.consent.label_off_date == dt.date.today()
    assert engine_settings(profile).overlays.ai_label is False
    assert run(profiles, "profile", "label", "default", "on", monkeypatch=monkeypatch) == 0
    profile = ProfileStore(profiles).load("default")
    assert profile.avatar.overlays.ai_label and profile.consent.label_off_date is None


def test_a_label_turned_off_by_hand_stays_on_until_confirmed(tmp_path, capsys):
    profiles = tmp_path / "profiles"
    store = ProfileStore(profiles)
    profile = store.load("default")
    store.save(profile.model_copy(update={"avatar": profile.avatar.model_copy(update={
        "overlays": profile.avatar.overlays.model_copy(update={"ai_label": False})})}))
    assert engine_settings(store.load("default")).overlays.ai_label is True
    assert run(profiles, "profile", "check", "default") == 1
    assert "profile label default off" in capsys.readouterr().out
