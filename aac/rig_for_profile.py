"""The avatar rig of a profile: loaded from its cache, or built from the profile's photo once."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs

from profiles.errors import ProfileError
from profiles.store import BUNDLED_DIR, DEFAULT_NAME, LoadedProfile

DEFAULT_FACE = BUNDLED_DIR / DEFAULT_NAME / "photo.png"


def photo_of(loaded: LoadedProfile) -> Path:
    """The profile's photo, or the default face (of no real person) when it names none.

    A real person's face is animated only with their (or their guardian's) recorded consent.
    """
    if loaded.photo_path is None:
        return DEFAULT_FACE
    if not loaded.profile.consent.agreed:
        raise ProfileError(
            f"{loaded.directory / 'profile.yaml'}: the profile has a photo but no consent is recorded, so its face "
            "is not animated. Fix: once the person pictured (or their guardian) agrees, set consent.agreed: true "
            "and consent.agreed_by (or run `aac-avatar profile new`); or remove avatar.photo to use the default face"
        )
    return loaded.photo_path


def rig_cache_path(loaded: LoadedProfile) -> Path:
    """Where the rig is cached: the profile's folder, or (for the read-only shipped default)
    the user's cache folder."""
    if loaded.bundled:
        cache = Path(platformdirs.user_cache_dir("aac-avatar", appauthor=False)) / "rigs"
        return cache / f"{loaded.profile.name}-{loaded.profile.avatar.rig}"
    return loaded.rig_path


def load_profile_rig(loaded: LoadedProfile, quiet: bool = False):
    """The profile's rig; built (a second or two) and cached when missing or made from another photo."""
    from avatar.from_photo import cached_rig, rig_from_photo
    from avatar.rig import save_rig

    photo = photo_of(loaded)
    shipped = loaded.resolve(loaded.profile.avatar.rig) if loaded.bundled else None
    for candidate in (shipped, rig_cache_path(loaded)):
        if candidate is not None:
            rig = cached_rig(photo, candidate)
            if rig is not None:
                return rig
    if not quiet:
        print(f"building the avatar from {photo} (once; it is cached)...", file=sys.stderr)
    rig = rig_from_photo(photo)
    path = rig_cache_path(loaded)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    save_rig(rig, path)
    return rig
