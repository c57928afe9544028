"""The app's links to the rest of the aid: the live engine speaks, the profile keeps what changed,
and scanning cues reach the person's own ears.
"""

from __future__ import annotations

import queue
import threading
import time

from aac.live.engine import LiveEngine
from aac.ui.model import HistoryEntry, Persistence
from profiles.store import ProfileStore


class EngineSpeaker:
    """Speaks through the live engine: the voice goes to the call's microphone, the face to its camera."""

    def __init__(self, engine: LiveEngine, bank=None) -> None:
        self.engine = engine
        self.bank = bank  # aac.bank.BankedPhrases: a message that is a banked phrase plays its recording

    def say(self, text: str, emotion: str | None = None) -> None:
        """Queue `text` (after what is being said): the person's own recording when it is a banked phrase."""
        recording = self.bank.recording(text) if self.bank is not None else None
        if self.bank is not None and self.bank.problems:
            self.engine.problems.extend(self.bank.problems)  # shown in the status line
            self.bank.problems.clear()
        self.engine.say(text, emotion, recording=recording)

    def compose(self, text: str) -> None:
        """Show "typing..." and prepare the speech of the message so far."""
        self.engine.compose(text)

    def stop(self) -> None:
        """Stop at once: voice, lips and captions."""
        self.engine.stop_speaking()

    def keep_ready(self, texts: list[str]) -> None:
        """Keep the quick phrases' speech prepared; a banked phrase plays its recording, which is ready already."""
        # looked up only (its clip is made ready by the bank in the background), never decoded here
        bank = self.bank.bank() if self.bank is not None else None
        self.engine.keep_ready([text for text in texts if bank is None or bank.find(text) is None])

    def play_sound(self, data: bytes, label: str) -> None:
        """A button's recorded sound, played by the engine with the lips following it; when it cannot be
        decoded, the button's words are spoken instead, so the person is never silent."""
        from aac.live.recording import recording_utterance

        try:
            recording = recording_utterance(data, label, self.engine.voice.sample_rate_hz)
        except ValueError as exc:
            self.engine.problems.append(f"a button's sound could not be played ({exc}); its words were spoken")
            if label:
                self.engine.say(label)
            return
        self.engine.say(label, recording=recording)


class ProfilePersistence(Persistence):
    """Saves the draft, history, learned words and quick phrases in the profile, atomically, with the
    previous version kept."""

    DRAFT = "draft.json"
    HISTORY = "history.json"

    def __init__(self, store: ProfileStore, profile_name: str, learned=None) -> None:
        self.store = store
        self.profile_name = profile_name
        self.learned = learned
        self.problems: list[str] = []

    def _guard(self, what: str, save) -> None:
        try:
            save()
        except OSError as exc:  # a full or read-only disk must not stop the person talking
            self.problems.append(f"could not save the {what}: {exc}")

    def save_draft(self, text: str) -> None:
        from profiles.datafile import save_json

        self._guard("message", lambda: save_json(self.store, self.profile_name, self.DRAFT, {"text": text}))

    def save_history(self, history: list[HistoryEntry]) -> None:
        from profiles.datafile import save_json

        self._guard("history", lambda: save_json(self.store, self.profile_name, self.HISTORY,
                                                 [e.to_json() for e in history]))

    def save_learned(self) -> None:
        if self.learned is None:
            return
        from aac.predict.learned import save_learned

        self._guard("learned words", lambda: save_learned(self.store, self.profile_name, self.learned))

    def save_phrases(self, phrases: list[str]) -> None:
        def save() -> None:
            profile = self.store.load(self.profile_name)
            self.store.save(profile.model_copy(update={"phrases": list(phrases)}))

        self._guard("quick phrases", save)


class CueSpeaker:
    """Speaks scanning cues (the highlighted item's label) on this computer's speakers or headphones only:
    its own quick voice and its own sound output, never the call's microphone. The newest cue replaces
    one not yet spoken."""

    def __init__(self, device: str | None = None, voice_id: str = "espeak:en-us") -> None:
        self._device = device
        self._voice_id = voice_id
        self._queue: queue.Queue[str | None] = queue.Queue(maxsize=1)
        self.problem: str | None = None
        self.sounding_until = 0.0  # monotonic time the last cue written ends (partner captions must not hear it)
        self._thread = threading.Thread(target=self._run, name="cues", daemon=True)
        self._thread.start()

    def say(self, label: str) -> None:
        """Speak `label` soon (a newer cue replaces one still waiting)."""
        try:
            self._queue.get_nowait()
        except queue.Empty:
            pass
        try:
            self._queue.put_nowait(label)
        except queue.Full:
            pass

    def sounding(self) -> bool:
        """Whether a cue may be playing now."""
        return time.monotonic() < self.sounding_until

    def close(self) -> None:
        """Stop the cue thread."""
        try:
            self._queue.get_nowait()
        except queue.Empty:
            pass
        self._queue.put(None)
        self._thread.join(timeout=2)

    def _run(self) -> None:
        from speech.audio_out import open_output
        from speech.registry import get_voice
        from speech.voice import VoiceSettings

        try:
            voice = get_voice(self._voice_id, VoiceSettings(rate=1.3, volume=0.8))
            output = open_output(voice.sample_rate_hz, self._device, latency_ms=60)
        except Exception as exc:  # no speakers: scanning still works, silently, and the status says why
            self.problem = f"spoken cues are off: {exc}"
            return
        try:
            while True:
                label = self._queue.get()
                if label is None:
                    return
                try:
                    audio = voice.synthesize(label).audio
                    start = max(time.monotonic(), self.sounding_until)
                    estimate = start + len(audio) / voice.sample_rate_hz + output.latency_s()
                    # Sounding for as long as the write blocks (it returns when the rest fits the server's
                    # buffer), then for what that buffer still holds: an estimate alone ended too soon when
                    # the stream started late.
                    self.sounding_until = float("inf")
                    try:
                        output.write(audio)
                    finally:
                        self.sounding_until = max(estimate, time.monotonic() + output.latency_s())
                except Exception as exc:
                    self.problem = f"a spoken cue failed: {exc}"
        finally:
            output.close()
            voice.close()
