"""Caregiver mode's Partner captions screen: listening on or off, what to hear (the meeting's sound or a
microphone), which recognizer (Whisper, English, shipped; or a vosk model folder found on this computer)
and the partner's language. Each choice is saved to the profile at once (atomically, as every setting);
listening restarts with it when caregiver mode closes (`changed` tells the window so). Nothing heard is
stored, whatever is chosen here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aac.ui.caregiver.pages import Item, Page
from profiles.schema import ListeningSection, Profile

# Languages offered for the partner's speech (vosk has models for each; Whisper tiny.en knows English only).
LANGUAGES = (("en", "English"), ("de", "German"), ("es", "Spanish"), ("fr", "French"), ("it", "Italian"),
             ("nl", "Dutch"), ("pt", "Portuguese"), ("pl", "Polish"), ("ko", "Korean"))
SOURCE_LABELS = {"meeting": "The meeting's sound (what the speakers play)", "microphone": "The microphone"}
WHEN = "Applies when you leave caregiver mode."


@dataclass(frozen=True)
class Choice:
    """One value a listening setting can take: its label and the changes it makes to the section."""

    label: str
    changes: dict
    chosen: bool = False


def vosk_models(folders: list[Path], packages: bool = True) -> list[Path]:
    """The unpacked vosk model folders in `folders` (each, or one level below it), and with `packages` those
    installed as Python packages (`vosk-model-*`, with a `model` folder), by path."""
    import importlib.util
    import pkgutil

    from speech.listen.vosk import vosk_model_problem

    candidates: list[Path] = []
    for folder in folders:
        if folder.is_dir():
            candidates.append(folder)
            try:
                candidates += sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
            except OSError:
                continue  # a folder we may not read: nothing from it
    for module in pkgutil.iter_modules() if packages else ():
        if module.name.startswith("vosk_model"):
            spec = importlib.util.find_spec(module.name)
            if spec is not None and spec.origin:
                candidates.append(Path(spec.origin).parent / "model")
    found: list[Path] = []
    for path in candidates:
        if path not in found and vosk_model_problem(path) is None:
            found.append(path)
    return found


def model_name(path: Path) -> str:
    """A model folder's name as a caregiver knows it: a packaged model's folder is "model", its package's not."""
    return path.parent.name if path.name == "model" else path.name


def language_name(code: str | None) -> str:
    """"English" for "en"; the code itself for a language not in LANGUAGES."""
    return dict(LANGUAGES).get((code or "").split("-")[0].lower(), code or "")


class ListeningScreens:
    """The Partner captions screens of one caregiver mode (`caregiver`: aac.ui.caregiver.mode.Caregiver).
    `microphones` lists (name, description) of the inputs, or raises (no sound server); `models` finds the
    vosk model folders to offer."""

    def __init__(self, caregiver, microphones: Callable[[], list[tuple[str, str]]] | None = None,
                 models: Callable[[], list[Path]] | None = None) -> None:
        self.cg = caregiver
        self._list_microphones = microphones or _microphones
        self._find_models = models or (lambda: vosk_models(self._default_folders()))
        self.changed = False  # a setting was saved: listening restarts when caregiver mode closes
        self._mics: list[tuple[str, str]] = []
        self._mics_problem = ""
        self._models: list[Path] = []

    def summary(self, profile: Profile) -> str:
        """The Settings screen's cell: "Partner captions: on" or "off"."""
        return "Partner captions: " + ("on" if profile.listening.enabled else "off")

    def open(self) -> None:
        """Show the Partner captions screen (microphones and models are looked for once, here)."""
        self._look()
        self.cg._push(self.overview)

    def take_changed(self) -> bool:
        """Whether listening's settings changed since the last call (the window restarts listening)."""
        changed, self.changed = self.changed, False
        return changed

    # -- the screens -----------------------------------------------------------------------------
    def overview(self) -> Page:
        """Each listening setting as it is now; choosing one shows its choices."""
        profile = self.cg.store.load(self.cg.name)
        items = [Item(f"listening:{key}", f"{label}: {shown}", lambda k=key: self.cg._push(lambda: self._choices(k)))
                 for key, label, shown in self._rows(profile)]
        items.append(Item("listening:privacy", "Nothing heard is stored. " + WHEN, None, kind="field"))
        return Page("Partner captions: what the others in the call say, shown on the board", items, columns=2,
                    rows=3)

    def _rows(self, profile: Profile) -> list[tuple[str, str, str]]:
        section = profile.listening
        return [("enabled", "Captions", "on" if section.enabled else "off"),
                ("source", "Listen to", self._source_label(section)),
                ("engine", "Recognizer", self._engine_label(profile)),
                ("language", "Partner's language", self._language_label(profile))]

    def _choices(self, key: str) -> Page:
        profile = self.cg.store.load(self.cg.name)
        label, shown = next((lab, sh) for k, lab, sh in self._rows(profile) if k == key)
        choices = getattr(self, f"_{key}_choices")(profile)
        items = [Item(f"value:{i}", c.label, lambda c=c: self._choose(key, c), active=c.chosen)
                 for i, c in enumerate(choices)]
        if key == "source" and self._mics_problem:
            items.append(Item("value:problem", self._mics_problem, None, kind="field"))
        if key == "engine" and not self._models:
            items.append(Item("value:nomodel", "No vosk model folder found: unpack one (from the vosk website) "
                              "into the profile folder or Downloads, then open this screen again", None, kind="field"))
        return Page(f"{label}: {shown}", items, columns=3 if len(items) > 8 else 2, rows=4)

    def _choose(self, key: str, choice: Choice) -> None:
        def change(profile: Profile) -> Profile:
            section = profile.listening.model_validate({**profile.listening.model_dump(), **choice.changes})
            return profile.model_copy(update={"listening": section})

        saved = self.cg._save_profile(change)  # read afresh, changed, saved atomically (the last kept as .bak)
        self.changed = True
        self.cg._pop()
        label, shown = next((lab, sh) for k, lab, sh in self._rows(saved) if k == key)
        warning = _warning(saved)
        self.cg._tell(f"{label}: {shown}. " + (warning or WHEN))

    # -- each setting's choices ------------------------------------------------------------------
    def _enabled_choices(self, profile: Profile) -> list[Choice]:
        on = profile.listening.enabled
        return [Choice("On: show what the others say", {"enabled": True}, on),
                Choice("Off", {"enabled": False}, not on)]

    def _source_choices(self, profile: Profile) -> list[Choice]:
        section = profile.listening
        choices = [Choice(SOURCE_LABELS["meeting"], {"source": "meeting", "input_device": None},
                          section.source == "meeting"),
                   Choice("The default microphone (in the room)", {"source": "microphone", "input_device": None},
                          section.source == "microphone" and not section.input_device)]
        for name, text in self._mics:
            chosen = (section.source == "microphone" and section.input_device == name) or section.source == name
            choices.append(Choice(f"Microphone: {text}", {"source": "microphone", "input_device": name}, chosen))
        return choices

    def _engine_choices(self, profile: Profile) -> list[Choice]:
        section = profile.listening
        whisper = (section.engine or ("vosk" if section.vosk_model_path else "whisper")) == "whisper"
        choices = [Choice("Whisper (English; comes with the aid)", {"engine": "whisper"}, whisper)]
        folder = self.cg.store.profile_dir(self.cg.name)
        for path in self._models:
            stored = _stored_path(path, folder)
            now = not whisper and section.vosk_model_path is not None and \
                _resolved(section.vosk_model_path, folder) == path
            choices.append(Choice(f"vosk: {model_name(path)} ({self._where(path)})",
                                  {"engine": "vosk", "vosk_model_path": stored}, now))
        return choices

    def _language_choices(self, profile: Profile) -> list[Choice]:
        section = profile.listening
        choices = [Choice(f"The profile's language ({language_name(profile.language)})", {"language": None},
                          section.language is None)]
        choices += [Choice(name, {"language": code}, section.language == code) for code, name in LANGUAGES]
        return choices

    # -- how settings read -----------------------------------------------------------------------
    def _source_label(self, section: ListeningSection) -> str:
        if section.source == "meeting":
            return "the meeting's sound"
        if section.source == "microphone" and not section.input_device:
            return "the microphone"
        name = section.input_device if section.source == "microphone" else section.source
        return dict(self._mics).get(name) or f"the source {name}"

    def _engine_label(self, profile: Profile) -> str:
        section = profile.listening
        if (section.engine or ("vosk" if section.vosk_model_path else "whisper")) == "whisper":
            return "Whisper (English)"
        return f"vosk, {model_name(Path(section.vosk_model_path))}" if section.vosk_model_path else \
            "vosk, no model chosen"

    def _language_label(self, profile: Profile) -> str:
        section = profile.listening
        if section.language is None:
            return f"{language_name(profile.language)} (the profile's)"
        return language_name(section.language)

    # -- looking for microphones and models ------------------------------------------------------
    def _look(self) -> None:
        from speech.errors import SpeechError

        try:
            self._mics, self._mics_problem = self._list_microphones(), ""
        except SpeechError as exc:
            self._mics, self._mics_problem = [], f"Microphones cannot be listed: {exc}"
        self._models = self._find_models()

    def _where(self, model: Path) -> str:
        """Where a model folder is, in a few words a caregiver can read on a cell."""
        if model.name == "model" and "site-packages" in model.parts:
            return "installed package"
        if model.parent == self.cg.store.profile_dir(self.cg.name):
            return "profile folder"
        home = getattr(self.cg, "home", Path.home())
        try:
            return "~/" + str(model.parent.relative_to(home)) if model.parent != home else "home folder"
        except ValueError:
            return str(model.parent)

    def _default_folders(self) -> list[Path]:
        home = getattr(self.cg, "home", Path.home())
        return [self.cg.store.profile_dir(self.cg.name), home / "Downloads", home, home / ".cache" / "vosk"]


def _microphones() -> list[tuple[str, str]]:
    from speech.listen.capture import microphones

    return microphones()


def _stored_path(path: Path, profile_folder: Path) -> str:
    """As the profile keeps it: relative to the profile folder when inside it (so it moves with an export)."""
    try:
        return str(path.relative_to(profile_folder))
    except ValueError:
        return str(path)


def _resolved(stored: str, profile_folder: Path) -> Path:
    path = Path(stored).expanduser()
    return path if path.is_absolute() else profile_folder / path


def _warning(profile: Profile) -> str:
    """What will stop captions with these settings, said now rather than when the board opens."""
    section = profile.listening
    engine = section.engine or ("vosk" if section.vosk_model_path else "whisper")
    language = section.language or profile.language
    if engine == "whisper" and not language.lower().startswith("en"):
        return f"Whisper knows English only, not {language_name(language)}: choose a vosk model, or English."
    if engine == "vosk" and not section.vosk_model_path:
        return "Now choose the vosk model folder as the recognizer."
    return ""
