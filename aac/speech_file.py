"""Speech saved to a file sentence by sentence: memory stays that of one sentence however long the
text (100,000 characters is a book chapter), a progress bar shows on long work, and the file
appears whole or not at all (written beside it, renamed into place at the end).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from speech.utterance import TimedPhone, TimedWord
from speech.voice import Voice

# Below this many characters the work takes a second or two: no bar.
PROGRESS_FROM_CHARS = 2000


class SpeechFileError(OSError):
    """The speech could not be written (disk full, folder gone): the message names the file."""

    is_user_error = True


@dataclass(frozen=True)
class SavedSpeech:
    """What was written: seconds of speech, and the timed words and phones when asked for."""

    duration_s: float
    words: int
    phones: int


def save_speech(
    voice: Voice, text: str, wav: Path | None, timings: Path | None, progress: bool | None = None
) -> SavedSpeech:
    """Speak `text` into `wav` (WAV/FLAC/OGG by its extension) and its timings into `timings` (JSON)."""
    import soundfile
    from tqdm import tqdm

    sentences = voice.sentences(text)
    total_chars = sum(len(s) for s in sentences)
    show = progress if progress is not None else total_chars >= PROGRESS_FROM_CHARS
    words: list[TimedWord] = []
    phones: list[TimedPhone] = []
    offset_s = 0.0
    rate = voice.sample_rate_hz
    with contextlib.ExitStack() as stack:
        sink = None
        if wav is not None:
            temp = stack.enter_context(_replacing(wav))
            kind, subtype = _format(wav)
            sink = stack.enter_context(_guard(wav, lambda: soundfile.SoundFile(
                temp, "w", samplerate=rate, channels=1, subtype=subtype, format=kind)))
        bar = stack.enter_context(tqdm(total=total_chars, unit="char", unit_scale=True, disable=not show,
                                       desc="speaking", file=sys.stderr, leave=False))
        for sentence in sentences:
            utterance = voice.synthesize_sentence(sentence)
            if sink is not None:
                _guard_call(wav, lambda u=utterance: sink.write(u.audio))
            if timings is not None:
                words += [TimedWord(w.text, w.start_s + offset_s, w.end_s + offset_s) for w in utterance.words]
                phones += [TimedPhone(p.phone, p.viseme, p.start_s + offset_s, p.end_s + offset_s)
                           for p in utterance.phones]
            offset_s += utterance.duration_s
            bar.update(len(sentence))
    if timings is not None:
        doc = {"text": text, "voice": voice.info.id, "sample_rate_hz": rate, "duration_s": round(offset_s, 6),
               "has_timing": voice.info.has_timing,
               "words": [{"text": w.text, "start_s": round(w.start_s, 6), "end_s": round(w.end_s, 6)} for w in words],
               "phones": [{"phone": p.phone, "viseme": p.viseme, "start_s": round(p.start_s, 6),
                           "end_s": round(p.end_s, 6)} for p in phones]}
        data = json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")
        with _replacing(timings) as temp:
            _guard_call(timings, lambda: temp.write_bytes(data))
    return SavedSpeech(offset_s, len(words), len(phones))


def _format(path: Path) -> tuple[str, str]:
    """(container, sample format) by the file's extension: 16-bit PCM, or Vorbis in OGG."""
    return {".wav": ("WAV", "PCM_16"), ".flac": ("FLAC", "PCM_16"), ".ogg": ("OGG", "VORBIS")}[path.suffix.lower()]


@contextlib.contextmanager
def _replacing(target: Path):
    """A temporary file beside `target` that replaces it when the block ends well (removed otherwise)."""
    target = Path(target)
    _guard_call(target, lambda: target.parent.mkdir(parents=True, exist_ok=True))
    fd, name = _guard_call(target, lambda: tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part",
                                                            dir=target.parent))
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
        _guard_call(target, lambda: os.replace(temp, target))
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()


def _guard_call(path: Path, call):
    try:
        return call()
    except (OSError, RuntimeError) as exc:  # soundfile's LibsndfileError is a RuntimeError
        raise _error(path, exc) from None


@contextlib.contextmanager
def _guard(path: Path, opener):
    handle = _guard_call(path, opener)
    try:
        yield handle
    finally:
        _guard_call(path, handle.close)


def _nearly_full(path: Path) -> bool:
    try:
        return shutil.disk_usage(Path(path).parent).free < (1 << 20)
    except OSError:
        return False


def _error(path: Path, exc: BaseException) -> SpeechFileError:
    from aac.plain_errors import explain

    if isinstance(exc, OSError):
        exc.filename = exc.filename2 = None  # the name of our temporary file would only confuse
    detail = explain(exc) if isinstance(exc, OSError) else None
    if detail is None and _nearly_full(path):
        # libsndfile reports a failed write as "System error." without the reason: the disk tells it
        detail = "the disk is full. Fix: free some space, or choose another folder"
    if detail is None:
        detail = str(exc) or type(exc).__name__
    return SpeechFileError(f"{path}: the speech could not be saved: {detail.removeprefix(': ')}")
