"""coqui-tts voices (the `neural` extra): neural voices from a local model folder, and XTTS voices cloned
from the person's own recordings (the reference clips their profile keeps, e.g. banked messages).

A voice is `coqui:NAME`, a model folder in the user's voice folder (`voices/coqui/NAME`, see
`speech.coqui_models`); `coqui:NAME#SPEAKER` picks a speaker of a multi-speaker model. The model runs in
a worker process (`speech.coqui_worker`) on the GPU when there is one, so loading and speaking never
block the live engine; sentences are spoken one by one, a long first sentence's first clause first.
A multilingual model speaks the profile's language (`VoiceSettings.language`); an XTTS voice is cloned
from the reference clips once, when it loads.
These voices report no phone timing: the avatar's lips follow their audio.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import numpy as np

from speech.coqui_models import INSTALL_HINT, CoquiModel, coqui_installed, find_model, find_models
from speech.errors import BackendUnavailableError, SpeechError
from speech.utterance import Utterance
from speech.voice import Voice, VoiceInfo, VoiceSettings
from speech.voice_language import pick_language

_LOG_TAIL_CHARS = 600


def _language(model: CoquiModel) -> str:
    if model.clones or len(model.languages) > 1:
        return "multilingual"
    if model.languages:
        return model.languages[0]
    # catalogue folders are named LANG-DATASET-MODEL (speech.coqui_models.local_name)
    head = model.name.split("-")[0]
    return head if 2 <= len(head) <= 3 and head.isalpha() else "unknown"


def _info(model: CoquiModel, speaker: str | None = None) -> VoiceInfo:
    what = "cloned from the profile's reference clips" if model.clones else "its own trained voice"
    name = model.name + (f"#{speaker}" if speaker else "")
    return VoiceInfo(
        id=f"coqui:{name}",
        backend="coqui",
        name=name,
        language=_language(model),
        description=f"coqui-tts {model.kind}, {what} ({model.sample_rate_hz} Hz)",
        has_timing=False,
    )


def list_coqui_voices() -> list[VoiceInfo]:
    """The coqui model folders installed here; BackendUnavailableError when coqui-tts is not installed."""
    if not coqui_installed():
        raise BackendUnavailableError(f"coqui-tts is not installed: {INSTALL_HINT}")
    models, problems = find_models()
    if problems and not models:
        raise BackendUnavailableError("; ".join(problems))
    return [_info(m) for m in models]


def check_reference_clips(clips: tuple[Path, ...]) -> tuple[Path, ...]:
    """The reference recordings, each an audio file that can be read; BackendUnavailableError naming one that is not."""
    import soundfile

    checked = []
    for clip in clips:
        clip = Path(clip)
        try:
            info = soundfile.info(str(clip))
        except Exception as exc:  # soundfile raises its own LibsndfileError, or RuntimeError
            raise BackendUnavailableError(f"the reference clip {clip} cannot be read as audio ({exc})") from None
        if info.frames == 0:
            raise BackendUnavailableError(f"the reference clip {clip} is empty")
        checked.append(clip)
    return tuple(checked)


class CoquiVoice(Voice):
    """A coqui-tts model folder as a voice, e.g. `CoquiVoice("en-ljspeech-vits")`."""

    split_first_clause = True

    def __init__(
        self,
        name: str,
        settings: VoiceSettings | None = None,
        intra_op_threads: int = 1,
        reference_clips: tuple = (),
        device: str | None = None,
    ) -> None:
        if not coqui_installed():
            raise BackendUnavailableError(f"coqui-tts is not installed: {INSTALL_HINT}")
        folder_name, _, speaker = name.partition("#")
        self.model = find_model(folder_name)
        self.settings = settings or VoiceSettings()
        clips: tuple[Path, ...] = ()
        if self.model.clones:
            if not reference_clips:
                raise BackendUnavailableError(
                    f"coqui:{self.model.name} speaks like recordings of the person, and the profile names none. Fix: "
                    f"`aac-avatar voices use coqui:{self.model.name} --reference CLIP.wav` (a banked message will do)"
                )
            clips = check_reference_clips(tuple(reference_clips))
        self.info = _info(self.model, speaker or None)
        self._lock = threading.Lock()
        # the worker's own messages, shown only when it fails; closed in close()
        self._log = tempfile.TemporaryFile()  # noqa: SIM115
        self._process = subprocess.Popen(
            [sys.executable, "-m", "speech.coqui_worker"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log,
        )
        try:
            reply = self._ask({
                "op": "load", "kind": self.model.kind, "checkpoint": str(self.model.checkpoint),
                "config": str(self.model.config_path),
                "vocoder_checkpoint": str(self.model.vocoder_checkpoint) if self.model.vocoder_checkpoint else None,
                "vocoder_config": str(self.model.vocoder_config) if self.model.vocoder_config else None,
                "threads": intra_op_threads, "device": device, "rate": self.settings.rate,
                "reference_clips": [str(c) for c in clips], "speaker": speaker or None,
            })
        except SpeechError as exc:
            self.close()
            raise BackendUnavailableError(f"the coqui model {self.model.folder} could not load: {exc}") from None
        if speaker and speaker not in reply.get("speakers", []):
            self.close()
            known = ", ".join(reply.get("speakers", [])[:10]) or "none: it has one voice"
            raise BackendUnavailableError(f"coqui:{self.model.name} has no speaker {speaker!r} (speakers: {known})")
        self.device = str(reply.get("device", "cpu"))
        self._rate_hz = int(reply["sample_rate_hz"])
        self.language, self.notes = self._choose_language(list(self.model.languages) or reply.get("languages", []))

    def _choose_language(self, offered: list[str]) -> tuple[str | None, tuple[str, ...]]:
        """The model's language for the profile's (settings.language), and a note when it speaks no such language."""
        if not offered:
            return None, ()
        chosen = pick_language(self.settings.language, offered)
        if chosen is not None or not self.settings.language:
            return chosen or offered[0], ()
        return offered[0], (f"{self.info.id} speaks no {self.settings.language} (it speaks "
                            f"{', '.join(offered[:12])}): it speaks {offered[0]}",)

    @property
    def sample_rate_hz(self) -> int:
        return self._rate_hz

    def _log_tail(self) -> str:
        self._log.seek(0)
        text = self._log.read().decode("utf-8", "replace").strip()
        return text[-_LOG_TAIL_CHARS:]

    def _ask(self, request: dict) -> dict:
        """Send one request; the reply (and for "say", its audio in reply["audio"])."""
        process = self._process
        assert process.stdin and process.stdout
        with self._lock:
            try:
                process.stdin.write((json.dumps(request) + "\n").encode("utf-8"))
                process.stdin.flush()
                line = process.stdout.readline()
            except (BrokenPipeError, OSError):
                line = b""
            if not line:
                process.poll()
                raise SpeechError(f"the coqui worker stopped (exit {process.returncode}): {self._log_tail()}")
            reply = json.loads(line)
            if not reply.get("ok"):
                raise SpeechError(str(reply.get("error", "unknown failure")))
            if "samples" in reply:
                raw = process.stdout.read(4 * int(reply["samples"]))
                reply["audio"] = np.frombuffer(raw, dtype="<f4").astype(np.float32)
        return reply

    def _synthesize_sentence(self, sentence: str) -> Utterance:
        try:
            reply = self._ask({"op": "say", "text": sentence, "language": self.language})
        except SpeechError as exc:
            raise SpeechError(f"coqui could not speak {sentence[:40]!r}: {exc}") from None
        # the language the model spoke it in, as the worker reports it
        return Utterance(text=sentence, audio=reply["audio"], sample_rate_hz=self._rate_hz, voice_id=self.info.id,
                         meta={"language": reply.get("language")} if reply.get("language") else {})

    def close(self) -> None:
        process = getattr(self, "_process", None)
        if process is not None and process.poll() is None:
            try:
                if process.stdin:
                    process.stdin.close()  # the worker ends when its stdin closes
                process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                process.kill()
                process.wait()
        log = getattr(self, "_log", None)
        if log is not None:
            log.close()
