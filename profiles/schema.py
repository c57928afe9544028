"""The profile schema: every setting of one person's aid, with its type, range and default.

Unknown keys are errors (`extra="forbid"`), so a typo never silently falls back to a
default. Paths inside a profile are relative to the profile's folder, so a profile moves
between computers (export/import) as one folder.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import PurePosixPath, PureWindowsPath
from typing import Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from profiles.bundled_faces import DEFAULT_FACE_ID, default_face_ids, unknown_face_message

SCHEMA_VERSION = 1

Emotion = Literal["neutral", "happy", "sad", "surprised", "concerned", "angry"]
AccessMethod = Literal["touch", "keyboard", "switch_scan", "dwell"]
ScanPattern = Literal["row_column", "linear", "block"]
Theme = Literal["dark", "light", "yellow_on_black"]

# BCP-47 in the shape people meet it: "en", "en-US", "pt-BR", "zh-Hant-TW", "es-419".
_LANGUAGE_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(-[A-Za-z0-9]{5,8})*$")
# "backend:name"; the name part is whatever the backend calls it ("en-gb+f3", "en_US-joe-medium").
_VOICE_ID_RE = re.compile(r"^[a-z][a-z0-9_]*:\S.*$")


def check_relative_path(value: str | None, what: str) -> str | None:
    """A path that stays inside the profile folder, in either OS's spelling."""
    if value is None:
        return None
    if not value.strip():
        raise ValueError(f"the {what} path is empty")
    for pure in (PurePosixPath(value), PureWindowsPath(value)):
        if pure.is_absolute() or pure.drive or pure.anchor:
            raise ValueError(
                f"the {what} path {value!r} is absolute; copy the file into the profile folder and give its name"
            )
        if ".." in pure.parts:
            raise ValueError(f"the {what} path {value!r} leaves the profile folder ('..')")
    return value


class Section(BaseModel):
    """Base of every profile section: unknown keys are errors, assignments are checked."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_yes_no_numbers(cls, value: object, info: ValidationInfo) -> object:
        # YAML reads yes/no/on/off as true/false, which pydantic would take as 1/0: `volume: no` silenced people
        if isinstance(value, bool) and info.field_name and takes_numbers(cls.model_fields[info.field_name].annotation):
            raise ValueError(
                f"{str(value).lower()} (YAML's reading of yes/no/on/off) is not a number; write a number, e.g. 1.0"
            )
        return value


class VoiceSection(Section):
    """Which voice speaks and how. `id` is "backend:name", e.g. "piper:en_US-joe-medium"."""

    id: str = Field("piper:en_US-joe-medium", description="the voice, as backend:name")
    rate: float = Field(1.0, ge=0.3, le=3.0, description="relative speed, 1.0 is normal")
    pitch_semitones: float = Field(0.0, ge=-12.0, le=12.0, description="pitch shift in semitones")
    volume: float = Field(1.0, ge=0.0, le=2.0, description="loudness, 1.0 is normal")
    fallback_id: str = Field("espeak:en-us", description="the voice used when `id` cannot be loaded")
    reference_clips: list[str] = Field(
        default_factory=list,
        description="recordings of the person, files in the profile folder, that a cloning voice (coqui XTTS) copies",
    )
    bank_microphone: str | None = Field(
        None, description="the microphone that records banked phrases in caregiver mode (a sound input's name); "
        "none: the default microphone, never the aid's own",
    )

    @field_validator("reference_clips")
    @classmethod
    def _reference_paths(cls, value: list[str]) -> list[str]:
        return [check_relative_path(v, "reference clip") or v for v in value]

    @field_validator("id", "fallback_id")
    @classmethod
    def _voice_id(cls, value: str) -> str:
        if not _VOICE_ID_RE.match(value):
            raise ValueError(
                f"{value!r} is not a voice id; write backend:name, e.g. 'espeak:en-us' or 'piper:en_US-joe-medium'"
            )
        return value


class Gaze(Section):
    """Where the eyes rest: x right, y up, each from -1 to 1 (0, 0 looks into the camera)."""

    x: float = Field(0.0, ge=-1.0, le=1.0)
    y: float = Field(0.0, ge=-1.0, le=1.0)


class Overlays(Section):
    """What is drawn over the video."""

    captions: bool = True
    typing_indicator: bool = True
    ai_label: bool = Field(True, description='the "AI avatar" label that tells others the face is synthetic')


class AvatarSection(Section):
    """The face: the photo it is built from, its rig cache, and how it moves."""

    photo: str | None = Field(None, description="photo file in the profile folder; none means the default face")
    default_face: str = Field(
        DEFAULT_FACE_ID, description="which shipped face (of nobody) shows while there is no photo"
    )
    rig: str = Field("rig.npz", description="the rig cache built from the photo, in the profile folder")
    idle_motion: float = Field(0.5, ge=0.0, le=1.0, description="how much the face moves while quiet")
    default_emotion: Emotion = "neutral"
    emotion_intensity: float = Field(0.5, ge=0.0, le=1.0)
    gaze: Gaze = Field(default_factory=Gaze)
    head_motion: float = Field(0.5, ge=0.0, le=1.0, description="how much the head moves while speaking")
    overlays: Overlays = Field(default_factory=Overlays)

    @field_validator("photo")
    @classmethod
    def _photo_path(cls, value: str | None) -> str | None:
        return check_relative_path(value, "photo")

    @field_validator("rig")
    @classmethod
    def _rig_path(cls, value: str) -> str:
        return check_relative_path(value, "rig") or value

    @field_validator("default_face")
    @classmethod
    def _default_face(cls, value: str) -> str:
        if value not in default_face_ids():
            raise ValueError(unknown_face_message(value))
        return value


class OutputsSection(Section):
    """Where the voice and the face go: the virtual camera and microphone, speakers, recordings."""

    camera: bool = True
    camera_device: str | None = Field(None, description="e.g. /dev/video10; none picks the first virtual camera")
    width: int = Field(1280, ge=160, le=3840)
    height: int = Field(720, ge=120, le=2160)
    fps: int = Field(30, ge=1, le=60)
    microphone: bool = True
    microphone_name: str = Field("AAC Avatar Microphone", min_length=1, max_length=64)
    speakers_monitor: bool = Field(True, description="also play the voice on this computer's speakers")
    recording_dir: str | None = Field(None, description="folder for recordings; none means no recording")


class AccessSection(Section):
    """How the person selects: touch or mouse, keyboard, switch scanning, or dwell."""

    method: AccessMethod = "touch"
    scan_interval_s: float = Field(1.0, ge=0.2, le=10.0, description="time each item stays highlighted")
    dwell_time_s: float = Field(1.0, ge=0.2, le=5.0, description="how long to rest on an item to select it")
    switch_keys: list[str] = Field(default_factory=lambda: ["space", "enter"], min_length=1, max_length=4)
    switches: Literal[1, 2] = Field(
        1, description="1: the highlight moves by itself, the switch selects; 2: one switch steps, the other selects"
    )
    scan_pattern: ScanPattern = Field("row_column", description="row_column, linear, or block (screen areas first)")
    scan_first_delay_s: float = Field(
        1.5, ge=0.0, le=10.0, description="extra time the first item of a group stays highlighted"
    )
    scan_loops: int = Field(3, ge=1, le=20, description="times the scan goes round before it stops and waits")
    scan_audio_cues: bool = Field(
        False, description="speak each highlighted item's label on this computer's speakers (never into the call)"
    )
    cue_device: str | None = Field(None, description="sound device for the spoken cues; none means the default")
    dwell_pause_zone: bool = Field(True, description="show a cell that pauses dwell selection until chosen again")
    long_press_s: float = Field(2.0, ge=0.5, le=10.0, description="how long to hold the caregiver corner to open it")


class DisplaySection(Section):
    """How the board looks and behaves."""

    theme: Theme = Field("dark", description="dark, light (both high contrast), or yellow_on_black")
    font_scale: float = Field(1.0, ge=0.5, le=3.0, description="text size, 1.0 is normal")
    grid_rows: int | None = Field(None, ge=1, le=12, description="rows of the symbol grid; none means the board's")
    grid_columns: int | None = Field(None, ge=1, le=16, description="columns of the grid; none means the board's")
    fullscreen: bool = True
    keyboard_layout: Literal["qwerty", "abc"] = "qwerty"
    predictions: int = Field(5, ge=0, le=8, description="how many word suggestions to show")
    speak_each_word: bool = Field(False, description="speak each word as it is added, as well as the message on Speak")
    caregiver_pin: str | None = Field(
        None, description="digits that open caregiver mode; none means a long press on the caregiver corner"
    )

    @field_validator("caregiver_pin")
    @classmethod
    def _pin(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[0-9]{4,8}", value):
            raise ValueError("the caregiver PIN must be 4 to 8 digits")
        return value


class PredictionSection(Section):
    """Word prediction. `language` none means the profile's language."""

    language: str | None = None
    learning: bool = Field(True, description="learn this person's words from what they say")

    @field_validator("language")
    @classmethod
    def _language(cls, value: str | None) -> str | None:
        return None if value is None else check_language(value)


class ListeningSection(Section):
    """Captions of the conversation partner, recognized offline. Off until `enabled`; nothing heard is stored."""

    enabled: bool = Field(False, description="show what the other side says, and offer its words")
    source: str = Field("meeting", min_length=1, description='"meeting" (the speakers\' sound), "microphone", '
                        "or a sound source's name")
    engine: Literal["whisper", "vosk"] | None = Field(
        None, description="whisper (English, shipped) or vosk; none: vosk when vosk_model_path is set, else whisper")
    vosk_model_path: str | None = Field(None, description="an unpacked vosk model folder (relative to the profile)")
    language: str | None = Field(None, description="what the partner speaks; none means the profile's language")
    input_device: str | None = Field(None, description='which microphone, for source "microphone"; none: the default')

    @field_validator("language")
    @classmethod
    def _language(cls, value: str | None) -> str | None:
        return None if value is None else check_language(value)


class ConsentSection(Section):
    """The record that the person pictured (or their guardian) agreed to this use of their face."""

    pictured: str | None = Field(None, description="who is in the photo")
    agreed: bool = Field(False, description="they, or their guardian, agree to the avatar being used in calls")
    agreed_by: str | None = Field(None, description='"self", or the guardian\'s name')
    set_up_by: str | None = Field(None, description="who set up this profile")
    date: dt.date | None = None
    photo_sha256: str | None = Field(
        None, description="the photo this agreement was given for (its SHA-256): another photo needs its own"
    )
    label_off_date: dt.date | None = Field(None, description='when turning the "AI avatar" label off was confirmed')
    label_off_by: str | None = Field(None, description='who confirmed turning the "AI avatar" label off')

    @field_validator("date")
    @classmethod
    def _not_in_future(cls, value: dt.date | None) -> dt.date | None:
        # a week of slack for time zones and computer clocks set a little wrong; a date further ahead is a
        # typing slip (2999), and a consent record must be true
        if value is not None and value > dt.date.today() + dt.timedelta(days=7):
            raise ValueError(f"the consent date {value} is in the future; write the day consent was given, YYYY-MM-DD")
        return value


def takes_numbers(annotation: object) -> bool:
    """Whether a field's type is a number (int, float, optional, or a Literal of numbers)."""
    if annotation in (int, float):
        return True
    args = get_args(annotation)
    if get_origin(annotation) is Literal:
        return bool(args) and all(isinstance(a, int | float) and not isinstance(a, bool) for a in args)
    return bool(args) and all(a in (int, float, type(None)) for a in args) and type(None) in args


def check_language(value: str) -> str:
    """Accept a BCP-47 tag, also written with underscores ("en_US"), and return it with hyphens."""
    tag = value.replace("_", "-")
    if not _LANGUAGE_RE.match(tag):
        raise ValueError(f"{value!r} is not a language tag; write e.g. 'en-US', 'en-GB', 'de', 'pt-BR'")
    return tag


class Profile(Section):
    """One person's whole setup. The top of `profile.yaml`."""

    schema_version: int = SCHEMA_VERSION
    name: str = Field(min_length=1, max_length=64)
    language: str = "en-US"
    voice: VoiceSection = Field(default_factory=VoiceSection)
    avatar: AvatarSection = Field(default_factory=AvatarSection)
    outputs: OutputsSection = Field(default_factory=OutputsSection)
    access: AccessSection = Field(default_factory=AccessSection)
    display: DisplaySection = Field(default_factory=DisplaySection)
    boards: list[str] = Field(default_factory=list, description="board files or ids; empty means the built-in boards")
    phrases: list[str] = Field(default_factory=list, description="quick phrases, one tap each")
    prediction: PredictionSection = Field(default_factory=PredictionSection)
    listening: ListeningSection = Field(default_factory=ListeningSection)
    consent: ConsentSection = Field(default_factory=ConsentSection)

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        return check_language(value)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return check_profile_name(value)


# A name is also the profile's folder name: keep it portable across Linux, macOS and Windows.
_NAME_RE = re.compile(r"^[\w][\w .-]{0,63}$")
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def check_profile_name(value: str) -> str:
    """Return `value` if it can name a profile (and its folder); raise ValueError saying why not."""
    if not _NAME_RE.match(value) or value.endswith((".", " ")) or value.lower() in _WINDOWS_RESERVED:
        raise ValueError(
            f"{value!r} cannot name a profile; use letters, digits, spaces, '-', '_' or '.', "
            "start with a letter or digit, at most 64 characters"
        )
    return value
