"""The profile store: one folder per profile, `<root>/<name>/profile.yaml` and its files.

The root is, in order: the `root` argument (the `--profiles-dir` option), the
`AAC_AVATAR_PROFILES_DIR` environment variable, the platform's user data folder
(`aac-avatar/profiles`). The app ships a read-only default profile; saving a change to
it copies it into the store first.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs
import yaml

from profiles.atomic import make_private_dir, remove_stale_temps, write_atomic
from profiles.errors import ProfileError, ProfileProblemsError
from profiles.reading import NotASmallFile, read_small_file
from profiles.recovery import recover_interrupted_imports
from profiles.schema import Profile, check_profile_name, check_relative_path
from profiles.validate import parse_profile
from profiles.yaml_source import MAX_PROFILE_BYTES

ENV_VAR = "AAC_AVATAR_PROFILES_DIR"
PROFILE_FILE = "profile.yaml"
BACKUP_FILE = "profile.yaml.bak"
DEFAULT_NAME = "default"
BUNDLED_DIR = Path(__file__).resolve().parent / "bundled"

_HEADER = (
    "# aac-avatar profile. Edit with care: `aac-avatar profile check {path}` finds mistakes.\n"
    "# The previous version is kept next to it as profile.yaml.bak.\n"
)


def default_root() -> Path:
    """Where profiles live unless told otherwise: $AAC_AVATAR_PROFILES_DIR, else the user data folder."""
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        return Path(from_env).expanduser()
    return Path(platformdirs.user_data_dir("aac-avatar", appauthor=False)) / "profiles"


@dataclass(frozen=True)
class LoadedProfile:
    """A profile with the folder its relative paths (photo, rig) are resolved against."""

    profile: Profile
    directory: Path
    bundled: bool = False

    def resolve(self, relative: str) -> Path:
        """The absolute path of a file named in the profile."""
        return self.directory / relative

    @property
    def photo_path(self) -> Path | None:
        """The photo the avatar is built from; None means the default face."""
        return None if self.profile.avatar.photo is None else self.resolve(self.profile.avatar.photo)

    @property
    def rig_path(self) -> Path:
        """Where the rig built from the photo is cached (it may not exist yet)."""
        return self.resolve(self.profile.avatar.rig)


def profile_to_yaml(profile: Profile) -> str:
    """The YAML text of a profile, in the schema's order, dates unquoted."""
    return yaml.safe_dump(profile.model_dump(mode="python"), sort_keys=False, allow_unicode=True, width=100)


def read_profile_file(path: Path) -> Profile:
    """Load one profile file (upgrading an older layout in memory); raise ProfileError on any problem."""
    try:
        raw = read_small_file(path, MAX_PROFILE_BYTES)
    except NotASmallFile as exc:
        raise ProfileError(f"{exc}. Fix: give a profile.yaml file") from None
    except FileNotFoundError:
        raise ProfileError(f"{path}: no such profile file. Fix: check the path") from None
    except OSError as exc:
        raise ProfileError(f"{path}: cannot be read ({exc.strerror}). Fix: check its permissions") from None
    profile, _, problems = parse_profile(path, raw)
    if profile is None:
        hint = f"Run `aac-avatar profile check {path}` to see every problem."
        if (path.parent / BACKUP_FILE).exists() and path.name == PROFILE_FILE:
            hint += f" The previous version is in {path.parent / BACKUP_FILE}."
        raise ProfileProblemsError(problems, hint)
    return profile


class ProfileStore:
    """The profiles of this computer (or of the folder given)."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root).expanduser() if root is not None else default_root()
        self._recovered = False

    def _recover(self) -> None:
        """Once per store: finish what a killed import left (a profile moved aside comes back)."""
        if not self._recovered:
            self._recovered = True
            recover_interrupted_imports(self.root)

    def _user_dir(self, name: str) -> Path:
        try:
            check_profile_name(name)
        except ValueError as exc:
            raise ProfileError(str(exc).replace("; ", ". Fix: ", 1)) from None
        return self.root / name

    def in_user_store(self, name: str) -> bool:
        """Whether the store itself holds a profile `name` (the shipped default does not count)."""
        self._recover()
        return (self._user_dir(name) / PROFILE_FILE).is_file()

    def exists(self, name: str) -> bool:
        """Whether `load(name)` finds a profile (in the store, or the shipped default)."""
        return self.in_user_store(name) or (name == DEFAULT_NAME and (BUNDLED_DIR / name / PROFILE_FILE).is_file())

    def list(self) -> list[str]:
        """The names of all profiles, sorted; "default" is always there."""
        self._recover()
        names = {DEFAULT_NAME}
        if self.root.is_dir():
            for entry in self.root.iterdir():
                if not entry.name.startswith(".") and (entry / PROFILE_FILE).is_file():
                    names.add(entry.name)
        return sorted(names, key=str.casefold)

    def profile_dir(self, name: str) -> Path:
        """The folder of profile `name`: its store folder, or the shipped default's until it is saved."""
        folder = self._user_dir(name)
        if not (folder / PROFILE_FILE).is_file() and name == DEFAULT_NAME:
            return BUNDLED_DIR / DEFAULT_NAME
        return folder

    def open(self, name: str) -> LoadedProfile:
        """Load profile `name` with its folder; raise ProfileError saying what is wrong and where."""
        self._recover()
        folder = self.profile_dir(name)
        path = folder / PROFILE_FILE
        if not path.is_file():
            backup = folder / BACKUP_FILE
            if backup.is_file():
                raise ProfileError(
                    f"{path}: missing, but its backup {backup} is there. Fix: rename the backup to {PROFILE_FILE}"
                )
            raise ProfileError(
                f"no profile named {name!r} in {self.root}. Fix: `aac-avatar profile list` shows the profiles, "
                "`aac-avatar profile new` makes one"
            )
        profile = read_profile_file(path)
        if profile.name != name:
            # The folder decides: someone renamed it, or copied a profile by hand.
            profile = profile.model_copy(update={"name": name})
        return LoadedProfile(profile, folder, bundled=folder.parent == BUNDLED_DIR)

    def load(self, name: str) -> Profile:
        """Load profile `name`; raise ProfileError (file, line, field, fix) if it cannot be used."""
        return self.open(name).profile

    def _prepare_folder(self, name: str) -> Path:
        self._recover()
        folder = self._user_dir(name)
        make_private_dir(self.root)
        fresh = not folder.exists()
        make_private_dir(folder)
        if fresh and name == DEFAULT_NAME:
            # First change to the shipped default: its photo and rig come along.
            bundled = BUNDLED_DIR / DEFAULT_NAME
            for source in bundled.iterdir():
                if source.is_file() and source.name != PROFILE_FILE and not source.is_symlink():
                    write_atomic(folder / source.name, source.read_bytes())
        return folder

    def write_file(self, name: str, relative: str, data: bytes) -> Path:
        """Store a file of profile `name` (history, a photo) atomically and owner-only; return its path."""
        try:
            check_relative_path(relative, "file")
        except ValueError as exc:
            raise ProfileError(str(exc)) from None
        folder = self._prepare_folder(name)
        target = folder / relative
        if target.parent != folder:
            make_private_dir(target.parent)
        write_atomic(target, data)
        return target

    def save(self, profile: Profile, files: Mapping[str, bytes | Path] | None = None) -> Path:
        """Save `profile` (and `files`: name in the folder -> bytes, or a file to copy) into the store.

        Files are written first and the profile last, each atomically, so a profile never
        names a file that was not yet written. The previous profile.yaml becomes
        profile.yaml.bak. Returns the path of profile.yaml.
        """
        checked = Profile.model_validate(profile.model_dump())
        folder = self._prepare_folder(checked.name)
        remove_stale_temps(folder)
        for relative, content in (files or {}).items():
            data = content.read_bytes() if isinstance(content, Path) else content
            self.write_file(checked.name, relative, data)
        path = folder / PROFILE_FILE
        text = _HEADER.format(path=path) + profile_to_yaml(checked)
        if path.is_file():
            write_atomic(folder / BACKUP_FILE, path.read_bytes())
        write_atomic(path, text.encode("utf-8"))
        return path

    def delete(self, name: str) -> None:
        """Remove profile `name` and all its files from the store (the shipped default stays)."""
        folder = self._user_dir(name)
        if not folder.is_dir():
            raise ProfileError(f"no profile named {name!r} in {self.root}")
        shutil.rmtree(folder)
