"""The avatar rig of a profile: from its cache, or built from the profile's photo once and cached."""

from __future__ import annotations

import sys
from pathlib import Path

from profiles.bundled_faces import default_face
from profiles.consent import consent_problem
from profiles.errors import ProfileError
from profiles.store import LoadedProfile, ProfileStore


def face_files(loaded: LoadedProfile, for_calls: bool = True) -> tuple[Path, Path]:
    """The photo the face comes from and where its rig is cached: the profile's own, or the
    shipped default face (of no real person) it chose in `avatar.default_face` when it names no photo.

    A real person's face goes into calls and videos (`for_calls`) only with their (or their
    guardian's) recorded consent; a caregiver may still look at it while setting up.
    """
    if loaded.photo_path is None:
        try:
            face = default_face(loaded.profile.avatar.default_face)
        except ValueError as exc:  # the schema checks this on load; a face removed since is still told plainly
            raise ProfileError(f"{loaded.directory / 'profile.yaml'}: avatar.default_face: {exc}") from None
        return face.photo_path, face.rig_path
    problem = consent_problem(loaded.profile, loaded.directory) if for_calls else None
    if problem is not None:
        raise ProfileError(
            f"{loaded.directory / 'profile.yaml'}: {problem.message}, so its face is not animated for calls or "
            f"recordings. Fix: {problem.fix}"
        )
    return loaded.photo_path, loaded.rig_path


def load_profile_rig(store: ProfileStore, loaded: LoadedProfile, quiet: bool = False, for_calls: bool = True):
    """The profile's rig; built (about a second) when missing or made from another photo, and then
    cached in the profile (never in the shipped default, which ships its rig)."""
    from avatar.from_photo import cached_rig, rig_from_photo
    from avatar.rig import rig_to_bytes

    photo, rig_path = face_files(loaded, for_calls)
    rig = cached_rig(photo, rig_path)
    if rig is not None:
        return rig
    if not quiet:
        print(f"building the avatar from {photo} (once; it is cached)...", file=sys.stderr)
    rig = rig_from_photo(photo)
    if loaded.photo_path is not None and not loaded.bundled:
        try:
            store.write_file(loaded.profile.name, loaded.profile.avatar.rig, rig_to_bytes(rig))
        except (OSError, ProfileError) as exc:
            # the cache only saves a second next time: a read-only or full disk must not stop the face
            from aac.plain_errors import explain

            why = (explain(exc) if isinstance(exc, OSError) else None) or str(exc)
            print(f"aac-avatar: the face could not be cached ({why.split('. Fix:')[0]}); it is built again next time",
                  file=sys.stderr)
    return rig
