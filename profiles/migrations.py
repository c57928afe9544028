"""Upgrades of older profile layouts to the current schema version, on plain YAML data.

Each step takes the data of version N and returns the data of version N+1, plus where
each moved setting came from, so a problem found after the upgrade still points at the
line the person wrote. Loading upgrades in memory only; the file changes when the
profile is next saved.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Loc = tuple[str | int, ...]
Moves = dict[Loc, Loc]

# Version 0 (aac-avatar before profiles had sections) was one flat mapping:
#   name, lang ("en_US"), voice (an espeak voice name), speed (espeak words a minute),
#   pitch (espeak 0-99, 50 normal), photo, camera, resolution ("1280x720"), fps,
#   access (touch | keys | scan | dwell), scan_speed (seconds), dwell (seconds), phrases.
_V0_ACCESS = {"touch": "touch", "keys": "keyboard", "scan": "switch_scan", "dwell": "dwell"}
_ESPEAK_NORMAL_WPM = 175.0
# espeak's pitch 0-99 spans roughly an octave and a half around 50; 0.25 semitone a step.
_ESPEAK_PITCH_SEMITONES_PER_STEP = 0.25


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _v0_to_v1(data: dict[str, Any]) -> tuple[dict[str, Any], Moves]:
    """Version 0's flat keys -> version 1's sections. Values that do not convert are carried
    over unchanged, so validation reports them at the line they came from."""
    old = dict(data)
    new: dict[str, Any] = {}
    moves: Moves = {}

    def move(old_key: str, new_loc: Loc, convert: Callable[[Any], Any] = lambda v: v) -> None:
        if old_key not in old:
            return
        value = old.pop(old_key)
        try:
            converted = convert(value)
        except (TypeError, ValueError, AttributeError):
            converted = value  # validation reports it, at the line it came from
        target = new
        for part in new_loc[:-1]:
            target = target.setdefault(part, {})
            if not isinstance(target, dict):
                return
        target[new_loc[-1]] = converted
        if (old_key,) != new_loc:
            moves[new_loc] = (old_key,)

    move("name", ("name",))
    move("lang", ("language",), lambda v: v.replace("_", "-"))
    move("language", ("language",))
    voice = old.get("voice")
    if isinstance(voice, str):
        move("voice", ("voice", "id"), lambda v: v if ":" in v else f"espeak:{v}")
    move("speed", ("voice", "rate"), lambda v: round(v / _ESPEAK_NORMAL_WPM, 3) if _is_number(v) else v)
    move(
        "pitch",
        ("voice", "pitch_semitones"),
        lambda v: round((v - 50) * _ESPEAK_PITCH_SEMITONES_PER_STEP, 2) if _is_number(v) else v,
    )
    move("photo", ("avatar", "photo"))
    move("camera", ("outputs", "camera"))
    if isinstance(old.get("resolution"), str) and re.fullmatch(r"\s*\d+\s*[xX]\s*\d+\s*", old["resolution"]):
        width, height = (int(p) for p in re.split(r"[xX]", old.pop("resolution")))
        new.setdefault("outputs", {}).update(width=width, height=height)
        moves[("outputs", "width")] = ("resolution",)
        moves[("outputs", "height")] = ("resolution",)
    move("fps", ("outputs", "fps"))
    if isinstance(old.get("access"), str):
        move("access", ("access", "method"), lambda v: _V0_ACCESS.get(v, v))
    move("scan_speed", ("access", "scan_interval_s"))
    move("dwell", ("access", "dwell_time_s"))
    move("phrases", ("phrases",))
    # Whatever is left (v1 sections written by hand, or mistakes) goes through as it is.
    for key, value in old.items():
        if isinstance(value, dict) and isinstance(new.get(key), dict):
            merged = dict(new[key])
            merged.update(value)
            new[key] = merged
        else:
            new[key] = value
    new["schema_version"] = 1
    return new, moves


# MIGRATIONS[n] upgrades version n to n + 1.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], tuple[dict[str, Any], Moves]]] = {0: _v0_to_v1}


def migrate(data: dict[str, Any], from_version: int) -> tuple[dict[str, Any], Moves]:
    """Upgrade `data` from `from_version` to the current version; return it and where settings moved from."""
    moves: Moves = {}
    version = from_version
    while version in MIGRATIONS:
        data, step_moves = MIGRATIONS[version](data)
        # A later step's source may itself have moved in an earlier step: follow the chain back.
        moves = {new: moves.get(old, old) for new, old in step_moves.items()} | {
            k: v for k, v in moves.items() if k not in step_moves
        }
        version += 1
    return data, moves
