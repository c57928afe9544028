"""The settings caregiver mode changes, as data: how each is shown, its choices, and how it is saved.

Each choice is saved to the profile at once. A few apply to the running app (`apply_live`); the rest
(the access method, its times, the theme, text size, the default face) apply when the app is reopened,
because the access controller and the painter are built once when the app starts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from profiles.schema import Profile

ACCESS_LABELS = {"touch": "Touch or mouse", "keyboard": "Keyboard", "switch_scan": "Switch scanning",
                 "dwell": "Dwell (rest to choose)"}
THEME_LABELS = {"dark": "Dark", "light": "Light", "yellow_on_black": "Yellow on black"}
GRID_SIZES = ((None, None), (2, 3), (3, 4), (4, 5), (4, 6), (5, 8), (6, 10))


def _section(profile: Profile, section: str, **changes) -> Profile:
    part = getattr(profile, section)
    return profile.model_copy(update={section: part.model_validate({**part.model_dump(), **changes})})


def _step(value: float, step: float, low: float, high: float) -> float:
    return round(min(high, max(low, value + step)), 2)


@dataclass(frozen=True)
class Setting:
    """One setting: its label, how its value reads, its choices (label, value, chosen now), how it is saved."""

    key: str
    label: str
    shown: Callable[[Profile], str]
    choices: Callable[[Profile], list[tuple[str, object, bool]]]
    set: Callable[[Profile, object], Profile]
    available: Callable[[Profile], bool] = lambda profile: True


def _timer(key: str, label: str, low: float, high: float, longer: str, shorter: str) -> Setting:
    def choices(p: Profile) -> list[tuple[str, object, bool]]:
        now = getattr(p.access, key)
        # a no-break space keeps "+1 s" on one line when a label wraps
        return [(f"{longer}: +0.25\u00a0s", _step(now, 0.25, low, high), False),
                (f"{shorter}: -0.25\u00a0s", _step(now, -0.25, low, high), False),
                (f"{longer}: +1\u00a0s", _step(now, 1.0, low, high), False),
                (f"{shorter}: -1\u00a0s", _step(now, -1.0, low, high), False)]

    return Setting(key, label, lambda p: f"{getattr(p.access, key):g} s", choices,
                   lambda p, v: _section(p, "access", **{key: v}))


def _grid_label(size) -> str:
    return "Each board's own" if size[0] is None else f"{size[0]} rows x {size[1]} columns"


def _faces() -> list[tuple[str, str]]:
    """(id, description) of the shipped default faces, when that catalogue is installed."""
    lister = None
    for module in ("profiles.bundled_faces", "aac.rig_for_profile"):
        try:
            lister = getattr(__import__(module, fromlist=["list_default_faces"]), "list_default_faces", None)
        except ImportError:
            continue
        if lister is not None:
            break
    if lister is None:
        return []
    faces = []
    for face in lister():
        if isinstance(face, str):
            faces.append((face, face))
        else:
            face_id = getattr(face, "face_id", None) or getattr(face, "id", None) or str(face)
            faces.append((face_id, f"{face_id}: {getattr(face, 'description', '') or ''}".rstrip(": ")))
    return faces


def _has_default_face(p: Profile) -> bool:
    return "default_face" in type(p.avatar).model_fields and bool(_faces())


SETTINGS: tuple[Setting, ...] = (
    Setting("method", "Access", lambda p: ACCESS_LABELS[p.access.method],
            lambda p: [(label, m, m == p.access.method) for m, label in ACCESS_LABELS.items()],
            lambda p, v: _section(p, "access", method=v)),
    _timer("scan_interval_s", "Scan time", 0.2, 10.0, "Slower", "Faster"),
    _timer("dwell_time_s", "Dwell time", 0.2, 5.0, "Longer", "Shorter"),
    Setting("theme", "Colours", lambda p: THEME_LABELS[p.display.theme],
            lambda p: [(label, t, t == p.display.theme) for t, label in THEME_LABELS.items()],
            lambda p, v: _section(p, "display", theme=v)),
    Setting("font_scale", "Text size", lambda p: f"{p.display.font_scale * 100:.0f}%",
            lambda p: [("Larger (+10%)", _step(p.display.font_scale, 0.1, 0.5, 3.0), False),
                       ("Smaller (-10%)", _step(p.display.font_scale, -0.1, 0.5, 3.0), False),
                       ("Normal (100%)", 1.0, p.display.font_scale == 1.0)],
            lambda p, v: _section(p, "display", font_scale=v)),
    Setting("grid", "Grid", lambda p: _grid_label((p.display.grid_rows, p.display.grid_columns)),
            lambda p: [(_grid_label(s), s, s == (p.display.grid_rows, p.display.grid_columns)) for s in GRID_SIZES],
            lambda p, v: _section(p, "display", grid_rows=v[0], grid_columns=v[1])),
    Setting("keyboard_layout", "Keyboard", lambda p: p.display.keyboard_layout.upper(),
            lambda p: [(label, k, k == p.display.keyboard_layout) for k, label in (("qwerty", "QWERTY"),
                                                                                  ("abc", "ABC"))],
            lambda p, v: _section(p, "display", keyboard_layout=v)),
    Setting("speak_each_word", "Speak each word", lambda p: "on" if p.display.speak_each_word else "off",
            lambda p: [("On", True, p.display.speak_each_word), ("Off", False, not p.display.speak_each_word)],
            lambda p, v: _section(p, "display", speak_each_word=v)),
    Setting("default_face", "Default face", lambda p: str(getattr(p.avatar, "default_face", "")),
            lambda p: [(label, face_id, face_id == getattr(p.avatar, "default_face", None))
                       for face_id, label in _faces()],
            lambda p, v: _section(p, "avatar", default_face=v), _has_default_face),
)


def apply_live(app, profile: Profile, key: str) -> str:
    """Apply a saved setting to the running app; returns when it shows, in words for the caregiver (a new
    access method or timing waits until caregiver mode closes; a new default face until the app reopens)."""
    app.reconfigure(profile.access, profile.display)
    app.model.revision += 1
    if key == "default_face":
        return "Applies when you reopen the app."
    if key in ("method", "scan_interval_s", "dwell_time_s"):
        return "Applies when you leave caregiver mode."
    return "Applied now."
