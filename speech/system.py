"""The operating system's voices through pyttsx3 (SAPI5 on Windows, NSSpeechSynthesizer on macOS).

These voices report no phone timing, so the avatar follows their audio. pyttsx3 runs in a
worker process of its own: its Linux driver would re-initialize the espeak-ng library this
process already uses for `speech.espeak`, and SAPI/NSSpeech want their own thread and run loop.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import numpy as np

from speech.errors import BackendUnavailableError, SpeechError, VoiceNotFoundError
from speech.utterance import Utterance
from speech.voice import Voice, VoiceInfo, VoiceSettings

_DEFAULT_WPM = 180


def _worker_command() -> list[str]:
    return [sys.executable, "-m", "speech.system_worker"]


def _ask(process: subprocess.Popen, request: dict) -> dict:
    assert process.stdin and process.stdout
    process.stdin.write(json.dumps(request) + "\n")
    process.stdin.flush()
    line = process.stdout.readline()
    if not line:
        raise BackendUnavailableError("the system voice worker stopped (is pyttsx3 installed and working?)")
    reply = json.loads(line)
    if not reply.get("ok"):
        raise SpeechError(f"system voice: {reply.get('error', 'unknown failure')}")
    return reply


def _start_worker() -> subprocess.Popen:
    return subprocess.Popen(
        _worker_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )


def _all_system_voices() -> list[VoiceInfo]:
    process = _start_worker()
    try:
        reply = _ask(process, {"op": "list"})
    finally:
        process.kill()
        process.wait()
    return [
        VoiceInfo(
            id=f"system:{v['id']}",
            backend="system",
            name=v["id"],
            language=(v["languages"] or ["unknown"])[0],
            gender=(v["gender"] or "unknown").lower(),
            description=v["name"],
            has_timing=False,
        )
        for v in reply["voices"]
    ]


def list_system_voices() -> list[VoiceInfo]:
    """The system's voices; on Linux pyttsx3 only wraps espeak-ng, which `espeak:` serves better."""
    if sys.platform.startswith("linux"):
        raise BackendUnavailableError(
            "on Linux the system voices are espeak-ng's own: use the espeak: voices (they have exact timing)"
        )
    return _all_system_voices()


class SystemVoice(Voice):
    """A system voice by its pyttsx3 id (e.g. a SAPI registry key or "com.apple.voice.compact.en-US.Samantha")."""

    def __init__(self, name: str, settings: VoiceSettings | None = None) -> None:
        self.settings = settings or VoiceSettings()
        self._process = _start_worker()
        self._lock = threading.Lock()
        self._tmp = Path(tempfile.mkdtemp(prefix="aac-system-voice-"))
        reply = _ask(self._process, {"op": "list"})
        match = next((v for v in reply["voices"] if name.lower() in (v["id"].lower(), v["name"].lower())), None)
        if match is None:
            import difflib

            names = [v["name"] for v in reply["voices"]]
            close = difflib.get_close_matches(name, names, n=5, cutoff=0.5)
            self.close()
            hint = f" Closest: {', '.join(close)}." if close else ""
            raise VoiceNotFoundError(f"no system voice {name!r}.{hint}")
        self._voice_id = match["id"]
        self.info = VoiceInfo(
            id=f"system:{match['id']}",
            backend="system",
            name=match["id"],
            language=(match["languages"] or ["unknown"])[0],
            gender=(match["gender"] or "unknown").lower(),
            description=match["name"],
            has_timing=False,
        )
        self._rate_hz = 0

    @property
    def sample_rate_hz(self) -> int:
        return self._rate_hz or 22050

    def _synthesize_sentence(self, sentence: str) -> Utterance:
        import soundfile

        path = self._tmp / "sentence.wav"
        with self._lock:
            _ask(
                self._process,
                {
                    "op": "say",
                    "text": sentence,
                    "voice": self._voice_id,
                    "rate_wpm": int(_DEFAULT_WPM * self.settings.rate),
                    "path": str(path),
                },
            )
            audio, rate = soundfile.read(path, dtype="float32", always_2d=True)
        self._rate_hz = int(rate)
        mono = np.ascontiguousarray(audio.mean(axis=1), dtype=np.float32)
        return Utterance(text=sentence, audio=mono, sample_rate_hz=int(rate), voice_id=self.info.id)

    def close(self) -> None:
        """Stop the worker process and remove its temporary files."""
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        for f in self._tmp.glob("*"):
            f.unlink(missing_ok=True)
        self._tmp.rmdir()

    def __del__(self) -> None:
        try:
            if self._process.poll() is None:
                self._process.kill()
        except Exception:
            pass
