"""Real recordings with hand-aligned phones, read as `Utterance`s to judge lip sync on (never to train).

A corpus is a folder (searched recursively) of recordings, each an audio file beside a phone
file of the same name:

- TIMIT style: `X.wav` or `X.WAV` (RIFF WAV, or NIST SPHERE as TIMIT ships it, read with
  soundfile; SPHERE compressed with `shorten` cannot be read: convert it with sph2pipe) and
  `X.PHN` / `X.phn`, one phone a line, `START END PHONE` in samples of that audio. The
  transcript, when there is one, comes from `X.TXT` (`START END words...`) or else `X.WRD`.
- Praat: `X.TextGrid` with a phone tier (phones, phone, phonetic, segments or phonemes), the
  words from a `.txt` beside it or its words tier (words, word or text).
- HTK or festival/ESPS xlabel: `X.lab` (avatar.lipsync.label_files).
- The speaker is the name of the folder holding the recording (`DR1/FCJF0/SA1.WAV` is FCJF0,
  NLTK's sample `dr1-fvmh0/sa1.wav` is dr1-fvmh0; a recording at the top is the corpus's own).

Phone sets (`phone_set`; by default TIMIT for `.phn`, ARPAbet for TextGrids and `.lab`):

- ARPAbet (CMU; the phones of flite, festival, MFA, L2-ARCTIC): speech.visemes' CMU map, stress
  digits ignored; `sil`, `sp`, `spn` and empty labels are pauses.
- TIMIT: as its CMU-like names map, plus:

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
  followed by its own release (or `tcl ch`, `dcl jh`, the affricates) becomes one phone from
  the closure's start to the release's end, with the release's viseme, so a p counts once among
  the closures judged, as a synthetic voice's one `p` does. A closure without its release (an
  unreleased stop) is a phone of its own with its stop's viseme.
- MRPA (the Australian machine-readable phonetic alphabet of the EMU demo database and ANDOSL):
  `p b m` PP, `f v` FF, `T D` TH, `t d` DD, `k g N h` kk, `S Z tS dZ` CH, `s z` SS, `n l` nn,
  `r` RR, `A a: V ai au` aa, `e: E @ @: ei e@` E, `i: I j I@` ih, `O o: oi @u` oh, `u: U w U@`
  ou, `H#` and empty labels pauses. Its stops are labelled closure then release: `H`
  (aspiration, the release) joins the stop before it, as TIMIT's release joins its closure.
  Labels that fuse two segments (`db`, `pt`, `kt`, `zs`, `Om`, `NH`) show closed lips when one
  of them is a p or b, else the first segment's mouth.
"""

from __future__ import annotations

import glob
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from avatar.lipsync.label_files import read_lab, textgrid_phones, textgrid_words
from avatar.motion.errors import MotionError
from speech.utterance import TimedPhone, Utterance
from speech.visemes import PHONE_SETS as _SPEECH_PHONE_SETS

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
_CMU = _SPEECH_PHONE_SETS["cmu"]
# a closure and the releases it joins with
_RELEASES: dict[str, tuple[str, ...]] = {
    "pcl": ("p",), "bcl": ("b",), "tcl": ("t", "ch"), "dcl": ("d", "jh"), "kcl": ("k",), "gcl": ("g",),
}
MRPA_VISEMES: dict[str, str] = {
    "h#": "sil", "#": "sil",
    "p": "PP", "b": "PP", "m": "PP", "f": "FF", "v": "FF", "T": "TH", "D": "TH",
    "t": "DD", "d": "DD", "k": "kk", "g": "kk", "N": "kk", "h": "kk",
    "S": "CH", "Z": "CH", "tS": "CH", "dZ": "CH", "s": "SS", "z": "SS", "n": "nn", "l": "nn", "r": "RR",
    "A": "aa", "a:": "aa", "V": "aa", "ai": "aa", "au": "aa",
    "e:": "E", "E": "E", "@": "E", "@:": "E", "ei": "E", "e@": "E",
    "i:": "ih", "I": "ih", "j": "ih", "I@": "ih",
    "O": "oh", "o:": "oh", "oi": "oh", "@u": "oh",
    "u:": "ou", "U": "ou", "w": "ou", "U@": "ou",
}
_MRPA_STOPS = ("p", "b", "t", "d", "k", "g")
PHONE_SETS = ("timit", "arpabet", "mrpa")
_AUDIO_SUFFIXES = (".wav",)
_PHONE_SUFFIXES = (".phn", ".textgrid", ".lab")


@dataclass(frozen=True)
class CorpusRecording:
    """One recording of a corpus: its audio, its phone file, its transcript file (if any), its speaker."""

    audio_path: Path
    phones_path: Path
    text_path: Path | None
    speaker: str


def _sibling(path: Path, suffixes: tuple[str, ...]) -> Path | None:
    """The file beside `path` with the same stem and one of `suffixes` (lower case) in any letter case."""
    for suffix in suffixes:
        for candidate in (path.with_suffix(suffix), path.with_suffix(suffix.upper())):
            if candidate.is_file():
                return candidate
        for candidate in path.parent.glob(f"{glob.escape(path.stem)}.*"):
            if candidate.suffix.lower() == suffix and candidate.is_file():
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
            f"{root}: no recordings with phones found (expected X.wav or X.WAV beside X.phn or X.PHN, TIMIT style, "
            "or X.TextGrid or X.lab)"
        )
    return sorted(found, key=lambda r: (r.speaker, str(r.audio_path)))


def _timit_labels(path: Path, sample_rate_hz: int) -> list[tuple[str, float, float, str]]:
    """(phone, start_s, end_s, where) of a sample-indexed TIMIT `.PHN` file."""
    out = []
    try:
        lines = path.read_text(encoding="ascii").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise MotionError(f"{path}: not a readable phone file ({exc})") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        fields = line.split()
        try:
            start, end, phone = int(fields[0]), int(fields[1]), fields[2]
        except (IndexError, ValueError):
            raise MotionError(
                f"{path}, line {number}: expected 'START END PHONE' in samples, got {line.strip()!r}") from None
        out.append((phone, start / sample_rate_hz, end / sample_rate_hz, f"line {number}"))
    return out


def _viseme(label: str, phone_set: str) -> str | None:
    """The viseme of one label in `phone_set`, or None when the set has no such phone."""
    if phone_set == "timit":
        return TIMIT_VISEMES.get(label.lower())
    if phone_set == "arpabet":
        key = label.lower().rstrip("012")
        return "sil" if key in ("", "sil", "sp", "spn", "pau", "h#") else _CMU.get(key)
    if label in ("", "H#") or label in MRPA_VISEMES:
        return MRPA_VISEMES.get(label, "sil")
    parts = [label[:n] for n in (2, 1) if label[:n] in MRPA_VISEMES]  # a fused label: its first segment
    if not parts:
        return None
    rest = label[len(parts[0]):]
    if rest and rest not in MRPA_VISEMES and rest != "H":
        return None
    return "PP" if {parts[0], rest} & {"p", "b"} else MRPA_VISEMES[parts[0]]


# How far past the audio's end a label may end and be taken as ending with it: less than one frame
# of the judging (10 ms); HTK's 100 ns units and a TextGrid's rounded decimals overshoot by far less.
_END_SLACK_S = 0.005


def timed_phones(labels: list[tuple[str, float, float, str]], phone_set: str, path: Path,
                 duration_s: float) -> tuple[TimedPhone, ...]:
    """Labels (phone, start_s, end_s, where in the file) as timed phones with visemes, closures joined
    to their releases (see the module's docstring); MotionError naming the file and place on bad input."""
    if phone_set not in PHONE_SETS:
        raise ValueError(f"unknown phone set {phone_set!r}; known: {', '.join(PHONE_SETS)}")
    checked: list[tuple[str, float, float]] = []
    for label, start, end, where in labels:
        if _viseme(label, phone_set) is None and not (phone_set == "mrpa" and label == "H"):
            others = ", ".join(p for p in PHONE_SETS if p != phone_set)
            raise MotionError(f"{path}, {where}: {label!r} is not a {phone_set.upper()} phone "
                              f"(another phone set? --phone-set {others})")
        if start < 0 or end < start:
            raise MotionError(f"{path}, {where}: the phone ends ({end:g}) before it starts ({start:g})")
        if checked and start < checked[-1][2] - 1e-9:
            raise MotionError(f"{path}, {where}: the phone starts ({start:g}) before the one above ends "
                              f"({checked[-1][2]:g})")
        if end > duration_s + _END_SLACK_S:
            unit = "sample" if phone_set == "timit" and path.suffix.lower() == ".phn" else "time"
            raise MotionError(f"{path}, {where}: the phone ends past the audio's end ({end:.4f} s > "
                              f"{duration_s:.4f} s; {unit} indices of another recording?)")
        # labels written in 100 ns units (HTK) or rounded decimals may end a hair past the audio
        start, end = min(start, duration_s), min(end, duration_s)
        checked.append((label, start, end))
    if not checked:
        raise MotionError(f"{path}: the phone file holds no phones")
    phones: list[TimedPhone] = []
    i = 0
    while i < len(checked):
        label, start, end = checked[i]
        after = checked[i + 1] if i + 1 < len(checked) else None
        if phone_set == "timit" and after is not None and after[0].lower() in _RELEASES.get(label.lower(), ()) \
                and abs(after[1] - end) < 1e-9:
            label, end = after[0], after[2]  # closure + release: one stop
            i += 1
        elif phone_set == "mrpa" and label == "H":
            if phones and phones[-1].phone in _MRPA_STOPS and abs(phones[-1].end_s - start) < 1e-9:
                last = phones.pop()  # the release of the stop before
                label, start = last.phone, last.start_s
            else:
                label = "h"  # aspiration with no stop before it: an h
        phones.append(TimedPhone(label, _viseme(label, phone_set) or "sil", start, end))
        i += 1
    return tuple(phones)


def read_timit_phones(path: Path, sample_rate_hz: int, n_samples: int) -> tuple[TimedPhone, ...]:
    """The phones of a TIMIT `.PHN` file (sample-indexed) as timed phones with visemes."""
    return timed_phones(_timit_labels(path, sample_rate_hz), "timit", path, n_samples / sample_rate_hz)


def read_phones(path: Path, sample_rate_hz: int, n_samples: int, phone_set: str | None = None
                ) -> tuple[TimedPhone, ...]:
    """The phones of a `.phn`, `.TextGrid` or `.lab` file beside audio of `n_samples` at `sample_rate_hz`."""
    suffix = path.suffix.lower()
    if suffix == ".phn":
        labels = _timit_labels(path, sample_rate_hz)
    else:
        items = textgrid_phones(path) if suffix == ".textgrid" else read_lab(path)
        kind = "interval" if suffix == ".textgrid" else "label"
        labels = [(label, start, end, f"{kind} {n}") for n, (label, start, end) in enumerate(items, 1)]
    return timed_phones(labels, phone_set or default_phone_set(path), path, n_samples / sample_rate_hz)


def default_phone_set(path: Path) -> str:
    """TIMIT for a `.phn` file, ARPAbet for the others."""
    return "timit" if path.suffix.lower() == ".phn" else "arpabet"


def read_transcript(path: Path | None) -> str:
    """The words of a `.txt` (TIMIT's `START END words`, or the words alone), a TIMIT `.WRD` (`START
    END word` a line) or a TextGrid's word tier; '' without one."""
    if path is None:
        return ""
    if path.suffix.lower() == ".textgrid":
        return textgrid_words(path)
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise MotionError(f"{path}: not a readable transcript ({exc})") from None
    if path.suffix.lower() == ".txt":
        words = " ".join(lines).split()
        if len(words) >= 2 and words[0].isdigit() and words[1].isdigit():
            words = words[2:]
        return " ".join(words)
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


def load_recording(recording: CorpusRecording, phone_set: str | None = None) -> Utterance:
    """One recording as an Utterance: its audio, its transcript as the text, its hand-aligned phones
    (exact timing; `phone_set` as in read_phones), and its speaker as the voice."""
    audio, rate = _read_audio(recording.audio_path)
    phones = read_phones(recording.phones_path, rate, len(audio), phone_set)
    text_path = recording.text_path
    if text_path is None and recording.phones_path.suffix.lower() == ".textgrid":
        text_path = recording.phones_path
    return Utterance(read_transcript(text_path), audio, rate, recording.speaker, phones=phones, has_timing=True,
                     phone_set=phone_set or default_phone_set(recording.phones_path),
                     meta={"path": str(recording.audio_path)})


def corpus_utterances(root: str | Path, per_speaker: int | None = None,
                      phone_set: str | None = None) -> Iterator[Utterance]:
    """Every recording of the corpus (at most `per_speaker` for each speaker), read one at a time."""
    taken: dict[str, int] = {}
    for recording in find_recordings(root):
        if per_speaker is not None and taken.get(recording.speaker, 0) >= per_speaker:
            continue
        taken[recording.speaker] = taken.get(recording.speaker, 0) + 1
        yield load_recording(recording, phone_set)
