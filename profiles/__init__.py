"""One person's setup: schema, YAML store, caregiver setup wizard, consent."""

from profiles.errors import Problem, ProfileError, ProfileProblemsError
from profiles.schema import SCHEMA_VERSION, Profile
from profiles.store import LoadedProfile, ProfileStore

__all__ = [
    "SCHEMA_VERSION",
    "LoadedProfile",
    "Problem",
    "Profile",
    "ProfileError",
    "ProfileProblemsError",
    "ProfileStore",
]
