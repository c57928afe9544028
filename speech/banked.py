"""Message banking, the sound side: a recorded phrase (WAV, FLAC, OGG, MP3) made ready to keep and to play.

A clip is checked before anything is decoded in full (an hour-long file is refused from its header),
then brought to one form: mono, `BANK_RATE_HZ`, silence trimmed from both ends (a little kept, so the
first consonant is not cut), at the aid's common loudness (`speech.loudness`). What was wrong and could
be mended (8-bit, clipped, stereo, another rate) is said in `BankedClip.notes`; what cannot be used
(not audio, empty, silent, too long) raises `ClipError` naming the file.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from speech.errors import SpeechError
from speech.loudness import level
from speech.resample import resample

BANK_RATE_HZ = 22_050  # the default voice's rate: banked clips play without resampling
MAX_CLIP_S = 120.0  # a message, not a recording of a conversation
MAX_FILE_BYTES = 100 << 20
MIN_SPEECH_S = 0.1  # sound (the kept margins not counted) shorter than a syllable is not a message
SILENT_DBFS = -50.0  # a clip whose loudest 20 ms stays under this is silence (or a muted microphone)
TRIM_BELOW_PEAK_DB = 40.0  # trimmed ends are this far under the clip's loudest 20 ms ...
TRIM_FLOOR_DBFS = -55.0  # ... but never counted as speech under this
TRIM_KEEP_S = 0.06  # kept before the first and after the last speech frame
CLIPPED_LEVEL = 0.995  # a sample this close to full scale, several in a row, was clipped when recorded
CLIPPED_SHARE = 0.0005
_FRAME_S = 0.02
FORMATS = ("WAV", "FLAC", "OGG", "MP3")


class ClipError(SpeechError, ValueError):
    """A sound file that cannot be banked; the message names the file and what to do."""


@dataclass(frozen=True)
class BankedClip:
    """A phrase's recording, ready to keep and to play: mono float32 at `sample_rate_hz`, trimmed, levelled."""

    audio: np.ndarray
    sample_rate_hz: int
    source: str  # the file (or "the recording") it came from, for messages
    notes: tuple[str, ...] = ()  # what was mended ("converted from 48000 Hz stereo", "clipped")

    @property
    def duration_s(self) -> float:
        """How long it plays."""
        return len(self.audio) / self.sample_rate_hz

    def wav_bytes(self) -> bytes:
        """The clip as the bank keeps it: a mono 16-bit PCM WAV file."""
        import soundfile as sf

        out = io.BytesIO()
        sf.write(out, self.audio, self.sample_rate_hz, format="WAV", subtype="PCM_16")
        return out.getvalue()


def _db(db: float) -> float:
    return float(10.0 ** (db / 20.0))


def _frame_levels(audio: np.ndarray, sample_rate_hz: int) -> np.ndarray:
    """RMS of each 20 ms frame (the last, partial frame included)."""
    frame = max(1, int(sample_rate_hz * _FRAME_S))
    n = -(-len(audio) // frame)
    padded = np.zeros(n * frame, dtype=np.float64)
    padded[: len(audio)] = audio
    return np.sqrt(np.mean(padded.reshape(n, frame) ** 2, axis=1))


def trim_silence(audio: np.ndarray, sample_rate_hz: int) -> np.ndarray:
    """`audio` without the silence (room noise, breath before the button press) at both ends."""
    levels = _frame_levels(audio, sample_rate_hz)
    if len(levels) == 0:
        return audio
    threshold = max(float(levels.max()) * _db(-TRIM_BELOW_PEAK_DB), _db(TRIM_FLOOR_DBFS))
    loud = np.flatnonzero(levels > threshold)
    if len(loud) == 0:
        return audio[:0]
    frame = max(1, int(sample_rate_hz * _FRAME_S))
    keep = int(TRIM_KEEP_S * sample_rate_hz)
    start = max(0, loud[0] * frame - keep)
    end = min(len(audio), (loud[-1] + 1) * frame + keep)
    return audio[start:end]


def clipped_share(audio: np.ndarray) -> float:
    """The share of samples in runs of three or more at full scale: the recording was too loud."""
    hot = np.abs(audio) >= CLIPPED_LEVEL
    if not hot.any():
        return 0.0
    # a run of 3: this sample, the one before and the one after are all at full scale
    runs = hot[1:-1] & hot[:-2] & hot[2:]
    return float(runs.sum()) / max(1, len(audio))


def _resample(audio: np.ndarray, in_rate_hz: int, out_rate_hz: int) -> np.ndarray:
    if in_rate_hz == out_rate_hz:
        return audio.astype(np.float32, copy=False)
    return resample(audio, in_rate_hz, out_rate_hz)


def _decode(data: bytes, source: str) -> tuple[np.ndarray, int, object]:
    """Every channel of `data` as float32 with its rate and soundfile's info; ClipError when it is no sound."""
    import soundfile as sf

    if not data:
        raise ClipError(f"{source}: the file is empty. Fix: record the phrase again, or choose another file")
    try:
        info = sf.info(io.BytesIO(data))
    except (RuntimeError, sf.LibsndfileError, TypeError) as exc:
        raise ClipError(f"{source}: the sound could not be decoded ({_reason(exc)}): not a sound file. Fix: give "
                        f"a {', '.join(FORMATS[:-1])} or {FORMATS[-1]} recording") from None
    if info.samplerate <= 0 or info.frames <= 0 or info.channels <= 0:
        raise ClipError(f"{source}: the sound holds no samples. Fix: record the phrase again")
    seconds = info.frames / info.samplerate
    if seconds > MAX_CLIP_S:
        raise ClipError(f"{source}: the recording lasts {_minutes(seconds)}; a banked phrase may last at most "
                        f"{MAX_CLIP_S:.0f} s. Fix: cut out the phrase itself (e.g. in Audacity) and bank that")
    try:
        audio, rate = sf.read(io.BytesIO(data), dtype="float32", always_2d=True)
    except (RuntimeError, sf.LibsndfileError, TypeError) as exc:
        raise ClipError(f"{source}: the sound could not be decoded ({_reason(exc)}). Fix: the file may be "
                        "damaged; export it again from the recorder") from None
    if audio.size == 0:
        raise ClipError(f"{source}: the sound holds no samples. Fix: record the phrase again")
    if not np.isfinite(audio).all():
        raise ClipError(f"{source}: the sound holds invalid samples (NaN or infinite). Fix: export it again")
    return audio, int(rate), info


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
    # libsndfile names the in-memory buffer it was given ("Error opening <_io.BytesIO ...>: "): not the file
    return re.sub(r"^Error opening <[^>]*>:\s*", "", text).rstrip(".").lower() or type(exc).__name__


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.0f} min" if seconds >= 120 else f"{seconds:.0f} s"


def decode_mono(data: bytes, source: str) -> tuple[np.ndarray, int]:
    """The sound in `data` as mono float32 at its own rate, checked as a banked clip is (not audio, empty,
    too long, invalid samples: ClipError naming `source`), with nothing trimmed or levelled."""
    audio, rate, _ = _decode(data, source)
    return (audio.mean(axis=1) if audio.shape[1] > 1 else audio[:, 0]), rate


def prepare_clip(data: bytes, source: str) -> BankedClip:
    """The recording in `data` (from `source`, a file name for messages) as a clip ready to bank.

    Raises ClipError (naming `source`) for what cannot be a banked phrase: not audio, empty, longer than
    `MAX_CLIP_S`, silent, or too short once the silence is trimmed.
    """
    audio, rate, info = _decode(data, source)
    notes: list[str] = []
    subtype = str(getattr(info, "subtype", "") or "")
    if subtype in ("PCM_U8", "PCM_S8", "ULAW", "ALAW"):
        notes.append(f"{source} is 8-bit audio: it was converted, but it hisses; record at 16 bits if you can")
    channels = audio.shape[1]
    share = clipped_share(audio)
    if share > CLIPPED_SHARE:
        notes.append(f"{source} was recorded too loud (clipped: {share:.1%} of samples at full scale); it will "
                     "sound harsh. Record it again a little further from the microphone if you can")
    mono = audio.mean(axis=1) if channels > 1 else audio[:, 0]
    if channels > 1 or rate != BANK_RATE_HZ:
        notes.append(f"converted from {rate} Hz{' ' + _channels(channels) if channels > 1 else ''} to "
                     f"{BANK_RATE_HZ} Hz mono")
    mono = _resample(mono, rate, BANK_RATE_HZ)
    mono = mono - np.float32(mono.mean())  # a cheap microphone's DC offset would read as sound, never as silence
    peak_frame = float(_frame_levels(mono, BANK_RATE_HZ).max()) if len(mono) else 0.0
    if peak_frame < _db(SILENT_DBFS):
        loudest = f"its loudest moment is {20 * np.log10(peak_frame):.0f} dBFS" if peak_frame > 0 else "no sound at all"
        raise ClipError(f"{source}: the recording is silent ({loudest}). Fix: check that the microphone is on and "
                        "not muted, and record again")
    trimmed = trim_silence(mono, BANK_RATE_HZ)
    sound_s = len(trimmed) / BANK_RATE_HZ - 2 * TRIM_KEEP_S
    if sound_s < MIN_SPEECH_S:
        raise ClipError(f"{source}: only {max(sound_s, 0.0) * 1000:.0f} ms of sound once the silence is trimmed; "
                        "that is not a phrase. Fix: record the whole phrase")
    return BankedClip(level(trimmed, BANK_RATE_HZ), BANK_RATE_HZ, source, tuple(notes))


def _channels(count: int) -> str:
    return "stereo" if count == 2 else f"{count} channels"


def load_clip(path: Path) -> BankedClip:
    """`prepare_clip` for a file; ClipError naming it when it is missing, unreadable or too big."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ClipError(f"{path}: no such file. Fix: check the path") from None
    except OSError as exc:
        raise ClipError(f"{path}: cannot be read ({exc.strerror}). Fix: check its permissions") from None
    if not path.is_file():
        raise ClipError(f"{path}: not a file. Fix: give a WAV, FLAC, OGG or MP3 file")
    if size > MAX_FILE_BYTES:
        raise ClipError(f"{path}: {size >> 20} MB is far too big for one phrase (at most {MAX_FILE_BYTES >> 20} "
                        "MB). Fix: cut out the phrase itself and bank that")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ClipError(f"{path}: cannot be read ({exc.strerror}). Fix: check its permissions") from None
    return prepare_clip(data, str(path))


def clip_from_samples(audio: np.ndarray, sample_rate_hz: int, source: str = "the recording") -> BankedClip:
    """`prepare_clip` for samples already in memory (a microphone recording)."""
    import soundfile as sf

    out = io.BytesIO()
    sf.write(out, np.asarray(audio, dtype=np.float32), int(sample_rate_hz), format="WAV", subtype="FLOAT")
    return prepare_clip(out.getvalue(), source)
