"""Partner captions in the app: the profile's listening settings -> a `Listener` on worker threads; what it
hears reaches the board on the UI thread (`deliver`, once a frame): `AppModel.heard(text)` shows it and
ranks its words higher in the predictions; a problem (no microphone, no model) is shown in the status
line and the rest of the app goes on. The aid's own voice is gated out by the live engine's playback.
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path

from profiles.schema import Profile
from speech.listen.listener import Listener, ListenSettings
from speech.listen.recognizer import Caption

CAPTION_SHOWN_CHARS = 90  # about one line of the status line at a readable size on a laptop screen


def caption_tail(text: str, limit: int = CAPTION_SHOWN_CHARS) -> str:
    """A long caption's newest words (what the person is reading for), cut at a word: the status line
    would otherwise shrink the whole phrase to an unreadable size."""
    if len(text) <= limit:
        return text
    tail = text[-limit:]
    return "…" + (tail.split(" ", 1)[1] if " " in tail else tail)


def listen_settings(profile: Profile, folder: Path | None) -> ListenSettings:
    """What the profile asks to hear, and with what: a vosk model path is relative to the profile's folder."""
    section = profile.listening
    vosk_model = None
    if section.vosk_model_path:
        vosk_model = Path(section.vosk_model_path).expanduser()
        if folder is not None and not vosk_model.is_absolute():
            vosk_model = folder / vosk_model
    engine = section.engine or ("vosk" if vosk_model is not None else "whisper")
    return ListenSettings(source=section.source, engine=engine, language=section.language or profile.language,
                          vosk_model=vosk_model, input_device=section.input_device)


class PartnerCaptions:
    """Listening for one app session: `start()`, `deliver(model)` each frame, `close()`."""

    def __init__(self, settings: ListenSettings, engine=None, cues=None, listener_factory=Listener) -> None:
        self._captions: queue.Queue[Caption] = queue.Queue()
        self._problems: queue.Queue[str] = queue.Queue()

        def speaking() -> bool:
            # the aid's own voice (the engine's player is busy) and its scanning cues on the speakers are
            # never captioned as the partner
            return (engine is not None and engine.player.busy()) or (cues is not None and cues.sounding())

        self.listener = listener_factory(settings, self._captions.put, self._problems.put, speaking)

    def start(self) -> None:
        """Start listening in the background."""
        self.listener.start()

    def deliver(self, model) -> int:
        """Hand what was heard since the last call to the app's model (on the UI thread); returns how many."""
        delivered = 0
        while True:
            try:
                problem = self._problems.get_nowait()
            except queue.Empty:
                break
            model.notes.append(problem)
        while True:
            try:
                caption = self._captions.get_nowait()
            except queue.Empty:
                break
            if caption.final:
                model.heard(caption.text)
                delivered += 1
        return delivered

    def close(self) -> None:
        """Stop listening; nothing heard is kept."""
        self.listener.stop()


def start_captions(profile: Profile, folder: Path | None, engine, cues=None) -> PartnerCaptions | None:
    """Partner captions for the app when the profile turns listening on (None when it is off). `engine` and
    `cues` (a CueSpeaker) say when the aid itself is making sound."""
    if not profile.listening.enabled:
        return None
    captions = PartnerCaptions(listen_settings(profile, folder), engine, cues)
    captions.start()
    return captions


def restart_captions(captions: PartnerCaptions | None, profile: Profile, folder: Path | None, engine, cues,
                     model) -> PartnerCaptions | None:
    """Listening as `profile` now says (the caregiver changed it): the old listener is let go on a thread of
    its own (it may be finishing a phrase), the last caption is cleared, and a new one starts when on."""
    if captions is not None:
        threading.Thread(target=captions.close, name="listen-close", daemon=True).start()
    model.partner_caption = ""
    model.revision += 1
    return start_captions(profile, folder, engine, cues)
