"""Caregiver mode of the board app: edit boards, phrases, settings and the avatar photo with the person's
own access methods. `make_caregiver` is what `aac-avatar app` calls; `Caregiver` lives in `mode`."""

from __future__ import annotations

from aac.ui.caregiver.mode import Caregiver
from profiles.store import LoadedProfile, ProfileStore

__all__ = ["Caregiver", "make_caregiver"]


def make_caregiver(app, store: ProfileStore, loaded: LoadedProfile, **options) -> Caregiver:
    """Caregiver mode for `loaded`'s profile inside `app` (aac.ui.app.App); `options` go to `Caregiver`
    (home, current_dir, camera, camera_thread, today: tests give their own)."""
    return Caregiver(app, store, loaded, **options)
