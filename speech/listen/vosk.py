"""Captions in any language vosk has a model for: the profile names an unpacked vosk model folder.

No registry package ships an English vosk model; the person or caregiver downloads one once. The
folder is checked before Kaldi sees it (Kaldi's own answer to a wrong folder is "Failed to create a
model" and a page of log), and Kaldi's log is kept out of the terminal.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from speech.listen.recognizer import MODEL_RATE_HZ, Caption, HeardWord, ListenError, PhraseRecognizer
from speech.listen.vad import EnergySegmenter, PhraseAudio
from speech.resample import resample

# What every vosk model folder holds: the acoustic model and the decoder's configuration.
MODEL_FILES = ("am/final.mdl", "conf/model.conf")


def vosk_model_problem(folder: Path) -> str | None:
    """Why `folder` is not a vosk model (None when it looks like one)."""
    if not folder.exists():
        return f"{folder}: no such folder; give the folder of an unpacked vosk model"
    if not folder.is_dir():
        return f"{folder}: not a folder; unpack the vosk model (zip) and give the folder it makes"
    missing = [name for name in MODEL_FILES if not (folder / name).is_file()]
    if missing:
        inner = [p for p in folder.iterdir() if p.is_dir() and all((p / n).is_file() for n in MODEL_FILES)]
        hint = f" (the model seems to be in {inner[0]})" if inner else ""
        return (f"{folder}: not a vosk model, {' and '.join(missing)} missing{hint}; give the folder of an unpacked "
                "vosk model (it holds am/, conf/ and graph/)")
    return None


class VoskRecognizer(PhraseRecognizer):
    """Kaldi (vosk) on each phrase, with word times."""

    def __init__(self, model_folder: Path, words: bool = False, segmenter: EnergySegmenter | None = None) -> None:
        super().__init__(segmenter, words)
        folder = Path(model_folder).expanduser()
        problem = vosk_model_problem(folder)
        if problem:
            raise ListenError(problem)
        try:
            import vosk
        except ImportError:
            raise ListenError("vosk captions need the vosk package; run: pip install vosk==0.3.45") from None
        vosk.SetLogLevel(-3)  # Kaldi logs every step of loading, and its errors, to stderr: ours say more
        try:
            self.model = vosk.Model(str(folder))
        except Exception as exc:  # vosk raises a bare Exception("Failed to create a model")
            raise ListenError(f"{folder}: vosk could not load this model ({exc}); it may be damaged or "
                              "for another vosk version: unpack it again") from None
        self._vosk = vosk

    def transcribe(self, phrase: PhraseAudio) -> Caption | None:
        """vosk's caption of one phrase, with its words timed in the stream."""
        audio = phrase.audio
        if phrase.sample_rate_hz != MODEL_RATE_HZ:
            audio = resample(audio, phrase.sample_rate_hz, MODEL_RATE_HZ)
        pcm = (np.clip(audio, -1.0, 1.0) * 32767).astype("<i2").tobytes()
        recognizer = self._vosk.KaldiRecognizer(self.model, MODEL_RATE_HZ)  # one per phrase: times start at 0
        recognizer.SetWords(True)
        recognizer.AcceptWaveform(pcm)
        result = json.loads(recognizer.FinalResult())
        text = " ".join(result.get("text", "").split())
        if not text:
            return None
        words = tuple(HeardWord(w["word"], round(phrase.start_s + float(w["start"]), 3),
                                round(phrase.start_s + float(w["end"]), 3))
                      for w in result.get("result", ()))
        return Caption(text, phrase.start_s, phrase.end_s, True, words if self.words else ())
