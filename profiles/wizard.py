"""The caregiver's setup, one question at a time, every question with a default in brackets.

It also runs from answers piped to stdin (one line per question) for scripting: an empty
line accepts the default and the end of input accepts all the remaining defaults. Piped
answers that do not fit stop the wizard with a message naming the question, rather than
shifting every later answer onto the wrong question.

The wizard knows no voice backend: the application passes in how to list voices and how
to play a sample.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO, TypeVar

from pydantic import BaseModel, ValidationError

from profiles.consent import photo_digest
from profiles.errors import ProfileError
from profiles.schema import (
    AccessSection,
    AvatarSection,
    ConsentSection,
    OutputsSection,
    Profile,
    VoiceSection,
    check_language,
    check_profile_name,
)
from profiles.store import ProfileStore
from profiles.validate import photo_problem

T = TypeVar("T")

# (voice id, one-line description), e.g. ("espeak:en-gb", "English (Great Britain), espeak-ng").
ListVoices = Callable[[], list[tuple[str, str]]]
# Speaks a short sample with the voice id and settings given.
PreviewVoice = Callable[[str, VoiceSection], None]

_VOICE_ID_RE = re.compile(r"^[a-z][a-z0-9_]*:\S+$")
_MAX_VOICES_SHOWN = 25


class WizardError(ProfileError):
    """The wizard stopped; nothing was saved."""


def _bounds(model: type[BaseModel], name: str) -> tuple[float, float]:
    lo = hi = None
    for meta in model.model_fields[name].metadata:
        lo = getattr(meta, "ge", lo)
        hi = getattr(meta, "le", hi)
    assert lo is not None and hi is not None, f"{model.__name__}.{name} has no range"
    return lo, hi


def _default(model: type[BaseModel], name: str) -> object:
    return model.model_fields[name].get_default(call_default_factory=True)


def parse_yes_no(text: str) -> bool:
    """'yes'/'no' (and y, n, true, false) -> bool."""
    word = text.strip().lower()
    if word in ("y", "yes", "true", "on", "1"):
        return True
    if word in ("n", "no", "false", "off", "0"):
        return False
    raise ValueError("answer yes or no")


def _number_parser(model: type[BaseModel], name: str, kind: type = float) -> Callable[[str], float]:
    lo, hi = _bounds(model, name)

    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise ValueError(f"write a {'whole ' if kind is int else ''}number from {lo} to {hi}") from None
        if not lo <= value <= hi:
            raise ValueError(f"{value} is out of range; write a number from {lo} to {hi}")
        return value

    return parse


def _choice_parser(choices: list[str]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        word = text.strip().lower().replace(" ", "_")
        if word.isdigit() and 1 <= int(word) <= len(choices):
            return choices[int(word) - 1]
        if word not in choices:
            raise ValueError(f"choose one of: {', '.join(choices)}")
        return word

    return parse


def _switch_keys(text: str) -> list[str]:
    keys = text.split()
    most = AccessSection.model_fields["switch_keys"].metadata
    limit = next((m.max_length for m in most if hasattr(m, "max_length")), 4)
    if not keys:
        raise ValueError("name at least one key, e.g. space")
    if len(keys) > limit:
        raise ValueError(f"at most {limit} switch keys ({len(keys)} given); name {limit} or fewer")
    return keys


def _date_parser(text: str) -> dt.date:
    try:
        date = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError("write the date as YYYY-MM-DD") from None
    try:
        ConsentSection(date=date)  # the schema's own rule (not in the future), asked here, not at the end
    except ValidationError as exc:
        raise ValueError(str(exc.errors(include_url=False)[0].get("ctx", {}).get("error", exc))) from None
    return date


def _photo_parser(text: str) -> Path | None:
    if text.strip().lower() in ("", "none"):
        return None
    path = Path(text.strip().strip("'\"")).expanduser()
    if not path.is_file():
        raise ValueError(
            f"there is no file {str(path)!r}; check the path (dragging the file onto the terminal pastes it)"
        )
    issue = photo_problem(path)
    if issue:
        raise ValueError("; ".join(issue))
    return path.resolve()


@dataclass
class Wizard:
    """Asks the questions and saves the profile. `run()` returns the saved profile.yaml's path."""

    store: ProfileStore
    stdin: TextIO
    stdout: TextIO
    interactive: bool = False
    list_voices: ListVoices | None = None
    preview: PreviewVoice | None = None
    today: dt.date = field(default_factory=dt.date.today)
    _at_end: bool = False

    def say(self, text: str = "") -> None:
        """Print a line of the conversation."""
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def ask(self, question: str, default: str, parse: Callable[[str], T]) -> T:
        """Ask until the answer parses (interactive), or once (piped); an empty answer takes `default`."""
        while True:
            self.stdout.write(f"{question} [{default}]: ")
            self.stdout.flush()
            answer = ""
            if not self._at_end:
                line = self.stdin.readline()
                if line == "":
                    self._at_end = True
                answer = line.strip()
            if not self.interactive or self._at_end:
                self.stdout.write(answer + "\n")  # keeps a piped transcript readable
            try:
                return parse(answer or default)
            except ValueError as exc:
                message, _, fix = str(exc).partition("; ")
                if not self.interactive:
                    shown = answer or default
                    raise WizardError(
                        f"setup stopped at {question!r}: answer {shown!r}: {message}. "
                        f"Fix: {fix or 'correct that answer'}; nothing was saved"
                    ) from None
                self.say(f"  {message}" + (f": {fix}" if fix else ""))

    def ask_yes_no(self, question: str, default: bool) -> bool:
        """A yes/no question."""
        return self.ask(f"{question} (yes/no)", "yes" if default else "no", parse_yes_no)

    def _free_name(self) -> str:
        for candidate in ("me", *(f"me-{i}" for i in range(2, 100))):
            if not self.store.exists(candidate):
                return candidate
        return "profile"

    def _parse_new_name(self, text: str) -> str:
        name = check_profile_name(text.strip())
        if self.store.exists(name):
            raise ValueError(f"a profile named {name!r} already exists; choose another name")
        return name

    def run(self) -> Path:
        """Walk through every step and save the profile; raise WizardError if it is declined."""
        self.say("Setting up a new aac-avatar profile. Press Enter to take the answer in [brackets].")
        self.say()
        self.say("Step 1 of 6: name and language")
        name = self.ask("Profile name (the person's first name works well)", self._free_name(), self._parse_new_name)
        language = self.ask("Language, e.g. en-US, en-GB, de, fr-FR", "en-US", check_language)

        self.say()
        self.say("Step 2 of 6: photo (one clear, front-facing photo of the face; the avatar is made from it)")
        photo = self.ask(f"Photo of {name}: a file path, or none for the default face", "none", _photo_parser)

        self.say()
        self.say("Step 3 of 6: consent")
        consent = self._consent(name, photo)
        if photo is not None and not consent.agreed:
            self.say("  Without consent the photo is not used: the profile uses the default face.")
            self.say("  You can add the photo later, once it is agreed.")
            photo = None

        self.say()
        self.say("Step 4 of 6: voice")
        voice = self._voice(language)

        self.say()
        self.say("Step 5 of 6: how the person selects")
        access = self._access()

        self.say()
        self.say("Step 6 of 6: outputs (what the video call receives)")
        outputs = self._outputs()

        avatar = AvatarSection()
        files: dict[str, Path] = {}
        if photo is not None:
            stored = f"photo{photo.suffix.lower() or '.png'}"
            avatar = AvatarSection(photo=stored)
            files[stored] = photo
        profile = Profile(
            name=name,
            phrases=self._starter_phrases(language),
            language=language,
            voice=voice,
            avatar=avatar,
            outputs=outputs,
            access=access,
            consent=consent,
        )
        self.say()
        self.say(
            f"Profile {name!r}: {language}; voice {voice.id} (rate {voice.rate}, pitch {voice.pitch_semitones:+g});"
        )
        self.say(f"  face: {'the photo ' + str(photo) if photo else 'the default face'}; access: {access.method};")
        camera = f"{outputs.width}x{outputs.height} at {outputs.fps} fps" if outputs.camera else "off"
        self.say(f"  camera {camera}; microphone {'on' if outputs.microphone else 'off'}.")
        if not self.ask_yes_no("Save this profile?", True):
            raise WizardError("setup cancelled; nothing was saved")
        claimed = claim_name(self.store, name)
        if claimed != name:
            self.say(f"The name {name!r} was taken meanwhile (another setup?); this profile is saved as "
                     f"{claimed!r} instead, so neither is lost.")
            profile = profile.model_copy(update={"name": claimed})
        path = self.store.save(profile, files)
        self.say(f"Saved: {path}")
        for line in closing_hints(self.store, claimed, photo):
            self.say(line)
        return path

    def _starter_phrases(self, language: str) -> list[str]:
        """The shipped default profile's quick phrases, when it speaks the same language."""
        try:
            default = self.store.load("default")
        except ProfileError:
            return []
        same = default.language.split("-")[0].lower() == language.split("-")[0].lower()
        return list(default.phrases) if same else []

    def _consent(self, name: str, photo: Path | None) -> ConsentSection:
        if photo is None:
            self.say("  No photo, so nobody is pictured: only who set this up is recorded.")
            set_up_by = self.ask("Who is setting this up? ('self', or your name)", "self", str.strip)
            return ConsentSection(set_up_by=set_up_by, date=self.today)
        pictured = self.ask("Who is pictured in the photo?", name, str.strip)
        agreed = self.ask_yes_no(
            f"Does {pictured} (or their guardian) agree to this photo being made into a talking avatar "
            "that is shown in video calls?",
            False,
        )
        if not agreed:
            return ConsentSection(pictured=pictured, agreed=False, date=self.today)
        agreed_by = self.ask("Who agreed: 'self', or the guardian's name", "self", str.strip)
        set_up_by = self.ask("Who is setting this up? ('self', or your name)", "self", str.strip)
        date = self.ask("Date of the agreement (YYYY-MM-DD)", self.today.isoformat(), _date_parser)
        return ConsentSection(pictured=pictured, agreed=True, agreed_by=agreed_by, set_up_by=set_up_by, date=date,
                              photo_sha256=photo_digest(photo))  # consent belongs to this photo

    def _voices(self) -> list[tuple[str, str]]:
        if self.list_voices is None:
            return []
        try:
            return list(self.list_voices())
        except Exception as exc:  # a broken backend must not end the setup: ids can still be typed
            self.say(f"  (the installed voices could not be listed: {exc})")
            return []

    def _voice(self, language: str) -> VoiceSection:
        voices = self._voices()
        base = language.split("-")[0].lower()
        in_language = [v for v in voices if v[0].split(":", 1)[1].lower().replace("_", "-").startswith(base)]
        # the language's own region first (en-GB: British voices before American ones); sorted() keeps order
        in_language = sorted(in_language, key=lambda v: not _speaks_region(v, language))
        shown = (in_language or voices)[:_MAX_VOICES_SHOWN]
        ids = [v[0] for v in voices]
        default = VoiceSection().id
        if in_language and _speaks_region(in_language[0], language) and "-" in language:
            default = in_language[0][0]
        elif base != "en" or (voices and default not in ids):
            fallback = voices[0][0] if voices else f"espeak:{language.lower()}"
            default = in_language[0][0] if in_language else fallback
        for i, (voice_id, description) in enumerate(shown, 1):
            self.say(f"  {i:2d}. {voice_id}  {description}")
        if len(voices) > len(shown):
            self.say(f"  ({len(voices)} voices in all: `aac-avatar voices` lists them; type any id)")

        def parse_voice(text: str) -> str:
            text = text.strip()
            if text.isdigit() and 1 <= int(text) <= len(shown):
                return shown[int(text) - 1][0]
            if not _VOICE_ID_RE.match(text):
                raise ValueError("give a number from the list, or a voice id like espeak:en-us")
            if voices and text not in ids:
                raise ValueError(f"no installed voice {text!r}; give a number from the list, or an installed id")
            return text

        voice = VoiceSection(id=default)
        while True:  # until a voice is kept; each round starts from the last answers
            voice_id = self.ask("Voice (number or id)", voice.id, parse_voice)
            rate = self.ask(
                "Speed (0.3 to 3.0, 1.0 is normal)", f"{voice.rate:g}", _number_parser(VoiceSection, "rate")
            )
            pitch = self.ask(
                "Pitch in semitones (-12 to 12, 0 is normal)",
                f"{voice.pitch_semitones:g}",
                _number_parser(VoiceSection, "pitch_semitones"),
            )
            voice = VoiceSection(id=voice_id, rate=rate, pitch_semitones=pitch)
            if self.preview is None:
                return voice
            if self.ask_yes_no("Hear a sample?", False):
                try:
                    self.preview(voice_id, voice)
                except Exception as exc:  # no sound device, a missing model: say so and go on
                    self.say(f"  (the sample could not be played: {exc})")
                if not self.ask_yes_no("Keep this voice?", True):
                    continue
            return voice

    def _access(self) -> AccessSection:
        methods = ["touch", "keyboard", "switch_scan", "dwell"]
        self.say("  touch: tap or click; keyboard: keys only; switch_scan: one or two switches and a moving")
        self.say("  highlight; dwell: rest the pointer or eye gaze on an item")
        method = self.ask("Access method (" + ", ".join(methods) + ")", "touch", _choice_parser(methods))
        settings = AccessSection(method=method)
        if method == "switch_scan":
            settings.scan_interval_s = self.ask(
                "Seconds each item stays highlighted",
                str(_default(AccessSection, "scan_interval_s")),
                _number_parser(AccessSection, "scan_interval_s"),
            )
            settings.switch_keys = self.ask("Switch keys (separated by spaces)", "space enter", _switch_keys)
        if method == "dwell":
            settings.dwell_time_s = self.ask(
                "Seconds to rest on an item to select it",
                str(_default(AccessSection, "dwell_time_s")),
                _number_parser(AccessSection, "dwell_time_s"),
            )
        return settings

    def _outputs(self) -> OutputsSection:
        outputs = OutputsSection()
        outputs.camera = self.ask_yes_no("Send the avatar to a virtual camera?", True)
        if outputs.camera:
            w_lo, w_hi = _bounds(OutputsSection, "width")
            h_lo, h_hi = _bounds(OutputsSection, "height")

            def parse_size(text: str) -> tuple[int, int]:
                match = re.fullmatch(r"\s*(\d+)\s*[xX]\s*(\d+)\s*", text)
                if not match:
                    raise ValueError("write the size as WIDTHxHEIGHT, e.g. 1280x720")
                width, height = int(match[1]), int(match[2])
                if not (w_lo <= width <= w_hi and h_lo <= height <= h_hi):
                    raise ValueError(f"{width}x{height} is out of range; from {w_lo}x{h_lo} to {w_hi}x{h_hi}")
                return width, height

            outputs.width, outputs.height = self.ask("Video size", f"{outputs.width}x{outputs.height}", parse_size)
            outputs.fps = self.ask("Frames a second", str(outputs.fps), _number_parser(OutputsSection, "fps", int))
        outputs.microphone = self.ask_yes_no("Send the voice to a virtual microphone?", True)
        outputs.speakers_monitor = self.ask_yes_no("Also play the voice on this computer's speakers?", True)
        return outputs


def _speaks_region(voice: tuple[str, str], language: str) -> bool:
    """Whether a listed voice speaks `language` with its region ("en-GB"), by its id or its description."""
    tag = language.lower().replace("_", "-")
    name = voice[0].split(":", 1)[-1].lower().replace("_", "-")
    described = (voice[1].split() or [""])[0].lower().replace("_", "-")
    return name.startswith(tag) or described == tag


def claim_name(store: ProfileStore, name: str) -> str:
    """Make the profile's folder, or a free `name-N` one when another setup took `name` meanwhile.

    Two setups choosing one name used to both say "Saved" while the second replaced the first:
    the folder is made with an exclusive mkdir, which only one of them can win.
    """
    import os

    from profiles.atomic import make_private_dir

    make_private_dir(store.root)
    for candidate in (name, *(f"{name}-{i}" for i in range(2, 100))):
        folder = store.root / candidate
        try:
            os.mkdir(folder, 0o700)
            return candidate
        except FileExistsError:
            continue  # even an empty folder may be another setup's, about to be saved
    raise WizardError(f"no free name like {name!r} in {store.root}; choose another name")


def closing_hints(store: ProfileStore, name: str, photo: Path | None) -> list[str]:
    """The commands that come next, as they must be typed for this profile (and this profiles folder)."""
    import shlex

    from profiles.store import default_root

    where = "" if store.root == default_root() else f" --profiles-dir {shlex.quote(str(store.root))}"
    profile = "" if name == "default" else f" --profile {shlex.quote(name)}"
    hints = []
    if photo is not None:
        hints.append(f"Next: `aac-avatar{where} avatar sheet{profile} -o face.png` builds the avatar from the "
                     "photo and shows it (otherwise it is built the first time it is used).")
    hints.append(f"Start the board with `aac-avatar{where} app{profile}`.")
    return hints
