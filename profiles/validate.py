"""Turning a profile file into a `Profile`, or into every problem it has, each with line, field and fix."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import annotated_types
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from profiles.consent import consent_problem, label_problem
from profiles.errors import Problem
from profiles.migrations import Loc, Moves, migrate
from profiles.reading import NotASmallFile, read_small_file
from profiles.schema import SCHEMA_VERSION, Profile
from profiles.yaml_source import MAX_PROFILE_BYTES, YamlSource, read_yaml

# Told a voice id, says what is wrong with it (None: the voice is installed). Supplied by
# the application, which knows the voice backends; profiles itself knows none.
VoiceProblem = Callable[[str], "str | None"]

_TYPE_FIXES = {
    "bool_type": "write true or false",
    "bool_parsing": "write true or false",
    "int_type": "write a whole number, e.g. 30",
    "int_parsing": "write a whole number, e.g. 30",
    "int_from_float": "write a whole number, e.g. 30",
    "float_type": "write a number, e.g. 1.0",
    "float_parsing": "write a number, e.g. 1.0",
    "string_type": "write text; put it in quotes if it looks like a number or yes/no",
    "list_type": "write a list: one '- item' line each, indented under the key",
    "model_type": "write it as a section: indented `key: value` lines under it",
    "model_attributes_type": "write it as a section: indented `key: value` lines under it",
    "dict_type": "write it as a section: indented `key: value` lines under it",
    "date_type": "write a date as YYYY-MM-DD",
    "date_parsing": "write a date as YYYY-MM-DD",
    "date_from_datetime_parsing": "write a date as YYYY-MM-DD",
    "date_from_datetime_inexact": "write a date as YYYY-MM-DD, without a time",
}


def field_name(loc: Sequence[str | int]) -> str:
    """A setting's name as people write it: "voice.rate", "phrases[2]"."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _model_at(names: Sequence[str]) -> type[BaseModel] | None:
    """The section model reached by following setting names from the top; None if it is not a section."""
    model: type[BaseModel] | None = Profile
    for name in names:
        if model is None or name not in model.model_fields:
            return None
        annotation = model.model_fields[name].annotation
        model = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    return model


def _names(loc: Sequence[str | int]) -> list[str]:
    return [str(p) for p in loc if not isinstance(p, int)]


def _owner(loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The section that holds the setting at `loc`."""
    return _model_at(_names(loc)[:-1])


def _field_info(loc: Sequence[str | int]) -> FieldInfo | None:
    names = _names(loc)
    owner = _model_at(names[:-1])
    return owner.model_fields.get(names[-1]) if owner is not None and names else None


def _bounds(info: FieldInfo | None) -> tuple[Any, Any]:
    lo = hi = None
    for meta in info.metadata if info else ():
        if isinstance(meta, annotated_types.Ge | annotated_types.Gt):
            lo = getattr(meta, "ge", getattr(meta, "gt", None))
        if isinstance(meta, annotated_types.Le | annotated_types.Lt):
            hi = getattr(meta, "le", getattr(meta, "lt", None))
    return lo, hi


def _describe(error: dict[str, Any]) -> tuple[str, str]:
    """(what is wrong, how to fix it) for one pydantic error."""
    kind = error["type"]
    loc = error["loc"]
    value = error.get("input")
    if kind == "extra_forbidden":
        key = str(loc[-1])
        model = _owner(loc)
        known = sorted(model.model_fields) if model else []
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        if close:
            return f"unknown setting {key!r}", f"did you mean {close[0]!r}?"
        where = f"here are: {', '.join(known)}" if known else "are listed in the default profile"
        return f"unknown setting {key!r}", f"remove it; the settings {where}"
    if kind == "missing":
        return "is missing", f"add a line `{loc[-1]}: ...`"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"{value!r} is not one of the choices", f"use one of {expected}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        info = _field_info(loc)
        lo, hi = _bounds(info)
        default = info.default if info is not None and not callable(info.default) else None
        normal = f" ({default} is the default)" if default is not None else ""
        if lo is not None and hi is not None:
            return f"{value} is out of range ({lo} to {hi})", f"use a value from {lo} to {hi}{normal}"
        return error["msg"].lower(), f"change the value{normal}"
    if kind in ("too_short", "too_long", "string_too_short", "string_too_long"):
        return error["msg"].lower(), "change the value"
    if kind == "value_error":
        text = str(error.get("ctx", {}).get("error", error["msg"]))
        message, _, fix = text.partition("; ")
        return message, fix or "change the value"
    if kind in _TYPE_FIXES:
        shown = repr(value) if not isinstance(value, dict | list) else type(value).__name__
        return f"{shown} has the wrong type ({error['msg'].lower()})", _TYPE_FIXES[kind]
    return error["msg"], "see `aac-avatar profile show default` for a working example"


def _moved_from(loc: Loc, moves: Moves) -> Loc | None:
    for cut in range(len(loc), 0, -1):
        if loc[:cut] in moves:
            return moves[loc[:cut]] + loc[cut:]
    return None


def problems_from_validation(exc: ValidationError, source: YamlSource, moves: Moves) -> list[Problem]:
    """One `Problem` per pydantic error, located in the file the person wrote."""
    problems = []
    for error in exc.errors(include_url=False):
        loc: Loc = tuple(error["loc"])
        old = _moved_from(loc, moves)
        message, fix = _describe(error)
        name = field_name(loc)
        if old is not None:
            name = f"{field_name(old)} (read as {name} when upgrading an older profile)"
        problems.append(Problem(source.path, source.line_of(old or loc), name, message, fix))
    return sorted(problems, key=lambda p: p.line or 0)


def parse_profile(path: Path, raw: bytes) -> tuple[Profile | None, YamlSource | None, list[Problem]]:
    """Parse and validate a profile file's bytes, upgrading an older layout in memory.

    Returns the profile (None when there are problems), the YAML source (for line numbers
    of later checks) and every problem found.
    """
    source, problems = read_yaml(path, raw)
    if source is None:
        return None, None, problems
    yaml_problems = problems  # values read as text: reported with whatever else the schema finds
    data = source.data
    version = data.get("schema_version", 0)  # version 0 had no version key
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        return (
            None,
            source,
            [
                Problem(
                    path,
                    source.line_of(("schema_version",)),
                    "schema_version",
                    f"{version!r} is not a schema version",
                    f"write schema_version: {SCHEMA_VERSION}",
                )
            ],
        )
    if version > SCHEMA_VERSION:
        return (
            None,
            source,
            [
                Problem(
                    path,
                    source.line_of(("schema_version",)),
                    "schema_version",
                    f"this profile was made by a newer aac-avatar (schema version {version}; "
                    f"this one reads up to {SCHEMA_VERSION})",
                    "update aac-avatar on this computer",
                )
            ],
        )
    moves: Moves = {}
    if version < SCHEMA_VERSION:
        data, moves = migrate(dict(data), version)
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        told = {p.line for p in yaml_problems}
        found = [p for p in problems_from_validation(exc, source, moves) if p.line not in told]
        return None, source, sorted([*yaml_problems, *found], key=lambda p: p.line or 0)
    if yaml_problems:
        return None, source, yaml_problems
    return profile, source, []


def photo_problem(photo: Path) -> tuple[str, str] | None:
    """(problem, fix) when `photo` cannot be the avatar's photo; None when it can."""
    from PIL import Image, UnidentifiedImageError

    if not photo.is_file():
        return (
            f"the photo file {photo.name!r} is not in the profile folder {photo.parent}",
            "copy the photo there, change avatar.photo to its file name, "
            "or remove avatar.photo to use the default face",
        )
    try:
        with Image.open(photo) as image:
            image.verify()
        with Image.open(photo) as image:
            width, height = image.size
    except Image.DecompressionBombError:
        return f"the photo {photo.name!r} is far too large", "use a photo under 50 megapixels"
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        detail = str(exc).split(" (")[0]
        return (
            f"the photo {photo.name!r} is not an image that can be read ({detail})",
            "save the photo as a PNG or JPEG file",
        )
    if min(width, height) < 64:
        return f"the photo {photo.name!r} is only {width}x{height} pixels", "use a photo at least 256 pixels across"
    return None


def folder_problems(
    profile: Profile, folder: Path, source: YamlSource, voice_problem: VoiceProblem | None = None
) -> list[Problem]:
    """Problems that need the profile's folder or the installed voices: the photo, consent, voices, paths."""
    problems: list[Problem] = []
    path = source.path

    def add(loc: Loc, message: str, fix: str) -> None:
        problems.append(Problem(path, source.line_of(loc), field_name(loc), message, fix))

    if profile.avatar.photo is not None:
        photo_issue = photo_problem(folder / profile.avatar.photo)
        if photo_issue:
            add(("avatar", "photo"), *photo_issue)
        consent_issue = consent_problem(profile, folder)
        if consent_issue is not None and not (photo_issue and profile.consent.agreed):
            # (a photo that cannot be read is the problem to fix first; its consent is checked after)
            # Point at the consent record, or at the photo when there is no record at all.
            where: Loc = ("consent", "agreed") if isinstance(source.data.get("consent"), dict) else ("avatar", "photo")
            add(where, consent_issue.message, consent_issue.fix)
    label_issue = label_problem(profile)
    if label_issue is not None:
        add(("avatar", "overlays", "ai_label"), label_issue.message, label_issue.fix)
    if voice_problem is not None:
        for key in ("id", "fallback_id"):
            issue = voice_problem(getattr(profile.voice, key))
            if issue:
                message, _, fix = issue.partition("; ")
                add(("voice", key), message, fix or "pick one from `aac-avatar voices`")
    for index, clip in enumerate(profile.voice.reference_clips):
        if not (folder / clip).is_file():
            add(("voice", "reference_clips", index), f"the reference clip {clip!r} is not in the profile folder",
                "copy the recording there, or choose clips with `aac-avatar voices use VOICE --reference FILE`")
    vosk_model = profile.listening.vosk_model_path
    if vosk_model and not (folder / Path(vosk_model).expanduser()).is_dir():  # relative to the profile, or absolute
        add(
            ("listening", "vosk_model_path"),
            f"no folder {profile.listening.vosk_model_path!r}",
            "give the folder of an unpacked vosk model, or remove the setting",
        )
    listening = profile.listening
    heard_language = listening.language or profile.language
    uses_whisper = listening.engine == "whisper" or (listening.engine is None and not vosk_model)
    if listening.enabled and uses_whisper and not heard_language.lower().startswith("en"):
        add(
            ("listening", "language"),
            f"captions in {heard_language!r} need a vosk model: the shipped model (Whisper tiny.en) knows English only",
            "set listening.vosk_model_path to an unpacked vosk model folder for that language, or "
            "listening.language: en",
        )
    return sorted(problems, key=lambda p: p.line or 0)


def check_file(path: Path, voice_problem: VoiceProblem | None = None) -> tuple[Profile | None, list[Problem]]:
    """Every problem of the profile file at `path` (schema, photo, consent, voices), found at once."""
    try:
        raw = read_small_file(path, MAX_PROFILE_BYTES)
    except NotASmallFile as exc:
        return None, [Problem(path, None, "", str(exc).removeprefix(f"{path} "), "give a profile.yaml file")]
    except OSError as exc:
        return None, [Problem(path, None, "", f"cannot be read ({exc.strerror})", "check the path and its permissions")]
    profile, source, problems = parse_profile(path, raw)
    if profile is None or source is None:
        return None, problems
    problems = folder_problems(profile, path.parent, source, voice_problem)
    return profile, problems
