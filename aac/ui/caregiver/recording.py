"""Recording a phrase in caregiver mode: one take from the microphone on its own thread, with the level for
the meter while it runs; then the caregiver keeps it (banked, `aac.bank`) or discards it.

The chunks come from a chunk source (a callable giving the next chunk of mono float32 audio, blocking), so
the flow runs the same on a real microphone (`microphone_source`) and on audio a test plays or hands in.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from aac.ui.caregiver.files import FoundFile, _listed
from speech.banked import BANK_RATE_HZ, MAX_CLIP_S

ChunkSource = Callable[[], np.ndarray]
MicrophoneFactory = Callable[[], tuple[ChunkSource | None, Callable[[], None], str]]  # source, release, problem
SOUND_SUFFIXES = (".wav", ".flac", ".ogg", ".oga", ".mp3")
METER_FLOOR_DBFS = -60.0
REDRAWS_PER_S = 15.0


def microphone_source(sample_rate_hz: int = BANK_RATE_HZ,
                      device: str | None | Callable[[], str | None] = None) -> MicrophoneFactory:
    """A factory opening the computer's microphone (the default input, or `device`; a callable is asked at each
    take: the profile's choice as it is then)."""

    def open_it() -> tuple[ChunkSource | None, Callable[[], None], str]:
        from speech.errors import AudioDeviceError
        from speech.microphone import Microphone

        try:
            mic = Microphone(sample_rate_hz, device() if callable(device) else device)
        except AudioDeviceError as exc:
            return None, lambda: None, str(exc)
        return mic.read, mic.close, ""

    return open_it


def meter_fraction(dbfs: float) -> float:
    """How full the level meter is for a level in dBFS (-60 dBFS and below: empty; 0 dBFS: full)."""
    return float(min(1.0, max(0.0, (dbfs - METER_FLOOR_DBFS) / -METER_FLOOR_DBFS)))


class Take:
    """One recording: `start()`, watch `level_dbfs` / `seconds`, `stop()`, then `audio()`.

    With `threaded` (a real microphone) a thread of its own reads the chunks; without (tests, in simulated
    time) each `poll()` reads one. It stops by itself at `max_s` (a banked phrase may not be longer), when
    the source has nothing more, or when the microphone fails. `on_change` is called a few times a second
    while it records (the screen redraws the meter) and when it ends.
    """

    def __init__(self, source: ChunkSource, sample_rate_hz: int, on_change: Callable[[], None] = lambda: None,
                 max_s: float = MAX_CLIP_S, threaded: bool = True) -> None:
        self._source = source
        self.sample_rate_hz = sample_rate_hz
        self._on_change = on_change
        self._max_samples = int(max_s * sample_rate_hz)
        self._threaded = threaded
        self._chunks: list[np.ndarray] = []
        self._count = 0
        self._lock = threading.Lock()
        self._running = False
        self._thread: threading.Thread | None = None
        self._shown_at = 0.0
        self.level_dbfs = METER_FLOOR_DBFS
        self.peak_dbfs = METER_FLOOR_DBFS  # the loudest so far: too loud shows before it is kept
        self.error: str | None = None

    @property
    def recording(self) -> bool:
        """True until stopped (by the caregiver, the length limit, or a failing microphone)."""
        return self._running

    @property
    def seconds(self) -> float:
        """How much has been recorded."""
        return self._count / self.sample_rate_hz

    def start(self) -> None:
        """Start recording (on a thread of its own when threaded)."""
        self._running = True
        if self._threaded:
            self._thread = threading.Thread(target=self._run, name="record-phrase", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while self._running and self.poll():
            pass

    def poll(self) -> bool:
        """Record the next chunk; False once the take has ended."""
        if not self._running:
            return False
        try:
            chunk = np.asarray(self._source(), dtype=np.float32)
        except Exception as exc:  # the microphone went away: what was recorded is kept, the screen says why
            self.error = f"the microphone stopped ({exc})"
            return self._end()
        if chunk.size == 0:
            return self._end()  # the source has nothing more (a recorded source at its end)
        chunk = chunk[: self._max_samples - self._count]
        with self._lock:
            self._chunks.append(chunk)
            self._count += chunk.size
        rms = float(np.sqrt(np.mean(np.square(chunk, dtype=np.float64))))
        self.level_dbfs = max(METER_FLOOR_DBFS, 20 * np.log10(max(rms, 1e-9)))
        self.peak_dbfs = max(self.peak_dbfs, 20 * np.log10(max(float(np.abs(chunk).max()), 1e-9)))
        if self._count >= self._max_samples:
            return self._end()
        now = time.monotonic()
        if not self._threaded or now - self._shown_at >= 1 / REDRAWS_PER_S:
            self._shown_at = now
            self._on_change()
        return True

    def _end(self) -> bool:
        self._running = False
        self.level_dbfs = METER_FLOOR_DBFS
        self._on_change()
        return False

    def stop(self) -> None:
        """Stop recording (within one chunk)."""
        self._running = False
        if self._thread is not None:
            self._thread.join(timeout=2)

    def audio(self) -> np.ndarray:
        """Everything recorded, as one array."""
        with self._lock:
            return np.concatenate(self._chunks) if self._chunks else np.zeros(0, np.float32)


def sound_files(home: Path, current_dir: Path) -> list[FoundFile]:
    """Recordings a caregiver may bank: the top level of Music, Recordings, Downloads, Documents, Desktop,
    the home folder and the current folder."""
    folders = [(home / name, name) for name in ("Music", "Recordings", "Downloads", "Documents", "Desktop")]
    return _listed([*folders, (home, "home"), (current_dir, "this folder")], SOUND_SUFFIXES)
