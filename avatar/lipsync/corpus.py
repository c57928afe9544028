"""Real recordings with hand-aligned phones, read as `Utterance`s to judge lip sync on (never to train).

A corpus is a folder (searched recursively) of recordings, each an audio file beside a phone
file of the same name:

- TIMIT style: `X.wav` or `X.WAV` (RIFF WAV, or NIST SPHERE as TIMIT ships it, read with
  soundfile; SPHERE compressed with `shorten` cannot be read: convert it with sph2pipe) and
  `X.PHN` / `X.phn`, one phone a line, `START END PHONE` in samples of that audio. The
  transcript, when there is one, comes from `X.TXT` (`START END words...`) or else `X.WRD`.
- The speaker is the name of the folder holding the recording (`DR1/FCJF0/SA1.WAV` is FCJF0,
  NLTK's sample `dr1-fvmh0/sa1.wav` is dr1-fvmh0; a recording at the top is the corpus's own).

TIMIT's phones map to the project's visemes (speech.visemes) as its CMU-like names do, plus:

| TIMIT                     | viseme | why                                                       |
|---------------------------|--------|-----------------------------------------------------------|
| `h#`, `pau`, `epi`        | sil    | the ends of the file, pauses, epenthetic silence          |
| `pcl`, `bcl`              | PP     | the lips are closed while a p or b is held                |
| `tcl`, `dcl`              | DD     | the closure of t and d                                    |
| `kcl`, `gcl`              | kk     | the closure of k and g                                    |
| `em`                      | PP     | syllabic m                                                |
| `en`, `nx`, `el`          | nn     | syllabic n, nasal flap, syllabic l                        |
| `eng`, `hv`               | kk     | syllabic ng, voiced h (as ng and h)                       |
| `dx`, `q`                 | DD     | flap, glottal stop (as the project's IPA ɾ and ʔ)          |
| `ix`                      | ih     | reduced i                                                 |
| `ax-h`                    | E      | devoiced schwa (as ax)                                    |
| `ux`                      | ou     | fronted u (as uw)                                         |

TIMIT splits each stop into a closure and a release (`pcl p`, `tcl t`, `dcl jh`): a closure
followed by its own release (or `tcl ch`, `dcl jh`, the affricates) becomes one phone from the
closure's start to the release's end, with the release's viseme, so a p counts once among the
closures judged, as a synthetic voice's one `p` does. A closure without its release (an
unreleased stop) is a phone of its own with its stop's viseme.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from avatar.motion.errors import MotionError
from speech.utterance import TimedPhone, Utterance

TIMIT_VISEMES: dict[str, str] = {
    "h#": "sil", "pau": "sil", "epi": "sil",
    "p": "PP", "b": "PP", "m": "PP", "em": "PP", "pcl": "PP", "bcl": "PP",
    "f": "FF", "v": "FF",
    "th": "TH", "dh": "TH",
    "t": "DD", "d": "DD", "dx": "DD", "q": "DD", "tcl": "DD", "dcl": "DD",
    "k": "kk", "g": "kk", "ng": "kk", "eng": "kk", "hh": "kk", "hv": "kk", "kcl": "kk", "gcl": "kk",
    "ch": "CH", "jh": "CH", "sh": "CH", "zh": "CH",
    "s": "SS", "z": "SS",
    "n": "nn", "nx": "nn", "en": "nn", "l": "nn", "el": "nn",
    "r": "RR", "er": "RR", "axr": "RR",
    "aa": "aa", "ae": "aa", "ah": "aa", "aw": "aa", "ay": "aa",
    "eh": "E", "ey": "E", "ax": "E", "ax-h": "E",
    "ih": "ih", "iy": "ih", "ix": "ih", "y": "ih",
    "ao": "oh", "ow": "oh", "oy": "oh",
    "uh": "ou", "uw": "ou", "ux": "ou", "w": "ou",
}
# a closure and the releases it joins with
_RELEASES: dict[str, tuple[str, ...]] = {
    "pcl": ("p",), "bcl": ("b",), "tcl": ("t", "ch"), "dcl": ("d", "jh"), "kcl": ("k",), "gcl": ("g",),
}
_AUDIO_SUFFIXES = (".wav",)
_PHONE_SUFFIXES = (".phn",)


@dataclass(frozen=True)
class CorpusRecording:
    """One recording of a corpus: its audio, its phone file, its transcript file (if any), its speaker."""

    audio_path: Path
    phones_path: Path
    text_path: Path | None
    speaker: str


def _sibling(path: Path, suffixes: tuple[str, ...]) -> Path | None:
    """The file beside `path` with the same stem and one of `suffixes` in any letter case."""
    for suffix in suffixes:
        for candidate in (path.with_suffix(suffix), path.with_suffix(suffix.upper())):
            if candidate.is_file():
                return candidate
    return None


def find_recordings(root: str | Path) -> list[CorpusRecording]:
    """Every audio file under `root` with a phone file beside it, sorted by speaker then path.

    MotionError naming the folder when it is missing or holds no such pair.
    """
    root = Path(root)
    if not root.is_dir():
        raise MotionError(f"{root}: no such corpus folder")
    found = []
    for audio in sorted(p for p in root.rglob("*") if p.suffix.lower() in _AUDIO_SUFFIXES and p.is_file()):
        phones = _sibling(audio, _PHONE_SUFFIXES)
        if phones is None:
            continue
        text = _sibling(audio, (".txt",)) or _sibling(audio, (".wrd",))
        speaker = audio.parent.name if audio.parent != root else root.name
        found.append(CorpusRecording(audio, phones, text, speaker))
    if not found:
        raise MotionError(
            f"{root}: no recordings with phones found (expected X.wav or X.WAV beside X.phn or X.PHN, TIMIT style)"
        )
    return sorted(found, key=lambda r: (r.speaker, str(r.audio_path)))


def read_timit_phones(path: Path, sample_rate_hz: int, n_samples: int) -> tuple[TimedPhone, ...]:
    """The phones of a TIMIT `.PHN` file (sample-indexed) as timed phones with visemes, closures joined
    to their releases (see the module's docstring). MotionError naming the file and line on bad input."""
    raw: list[tuple[str, int, int]] = []
    try:
        lines = path.read_text(encoding="ascii").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise MotionError(f"{path}: not a readable phone file ({exc})") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        fields = line.split()
        try:
            start, end, phone = int(fields[0]), int(fields[1]), fields[2].lower()
        except (IndexError, ValueError):
            raise MotionError(
                f"{path}, line {number}: expected 'START END PHONE' in samples, got {line.strip()!r}") from None
        if phone not in TIMIT_VISEMES:
            raise MotionError(f"{path}, line {number}: {phone!r} is not a TIMIT phone")
        if start < 0 or end < start:
            raise MotionError(f"{path}, line {number}: the phone ends ({end}) before it starts ({start})")
        if raw and start < raw[-1][2]:
            raise MotionError(f"{path}, line {number}: the phone starts ({start}) before the one above ends "
                              f"({raw[-1][2]})")
        if end > n_samples:
            raise MotionError(f"{path}, line {number}: the phone ends at sample {end}, past the audio's end "
                              f"({n_samples} samples)")
        raw.append((phone, start, end))
    if not raw:
        raise MotionError(f"{path}: the phone file holds no phones")
    phones: list[TimedPhone] = []
    i = 0
    while i < len(raw):
        phone, start, end = raw[i]
        after = raw[i + 1] if i + 1 < len(raw) else None
        if after is not None and after[0] in _RELEASES.get(phone, ()) and after[1] == end:
            phone, end = after[0], after[2]  # closure + release: one stop
            i += 1
        phones.append(TimedPhone(phone, TIMIT_VISEMES[phone], start / sample_rate_hz, end / sample_rate_hz))
        i += 1
    return tuple(phones)


def read_transcript(path: Path | None) -> str:
    """The words of a TIMIT `.TXT` (`START END words`) or `.WRD` (`START END word` a line); '' without one."""
    if path is None:
        return ""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise MotionError(f"{path}: not a readable transcript ({exc})") from None
    if path.suffix.lower() == ".txt":
        return " ".join(" ".join(line.split()[2:]) for line in lines).strip()
    return " ".join(line.split()[2] for line in lines if len(line.split()) >= 3)


def _read_audio(path: Path) -> tuple[np.ndarray, int]:
    import soundfile as sf

    try:
        audio, rate = sf.read(str(path), dtype="float32", always_2d=True)
    except (RuntimeError, sf.LibsndfileError) as exc:
        with open(path, "rb") as f:
            sphere = f.read(7) == b"NIST_1A"
        if sphere:
            raise MotionError(f"{path}: NIST SPHERE audio that soundfile cannot read (compressed with shorten?); "
                              "convert it to WAV with sph2pipe") from None
        raise MotionError(f"{path}: not a readable audio file: {exc}") from None
    if audio.shape[0] == 0:
        raise MotionError(f"{path}: the audio file holds no samples")
    mono = audio.mean(axis=1).astype(np.float32)
    if not np.isfinite(mono).all():
        raise MotionError(f"{path}: the audio holds invalid (NaN or infinite) samples")
    return mono, int(rate)


def load_recording(recording: CorpusRecording) -> Utterance:
    """One recording as an Utterance: its audio, its transcript as the text, its hand-aligned phones
    (exact timing), and its speaker as the voice."""
    audio, rate = _read_audio(recording.audio_path)
    phones = read_timit_phones(recording.phones_path, rate, len(audio))
    return Utterance(read_transcript(recording.text_path), audio, rate, recording.speaker, phones=phones,
                     has_timing=True, phone_set="timit", meta={"path": str(recording.audio_path)})


def corpus_utterances(root: str | Path, per_speaker: int | None = None) -> Iterator[Utterance]:
    """Every recording of the corpus (at most `per_speaker` for each speaker), read one at a time."""
    taken: dict[str, int] = {}
    for recording in find_recordings(root):
        if per_speaker is not None and taken.get(recording.speaker, 0) >= per_speaker:
            continue
        taken[recording.speaker] = taken.get(recording.speaker, 0) + 1
        yield load_recording(recording)
