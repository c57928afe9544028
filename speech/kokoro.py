"""Kokoro-82M neural voices (optional): 54 voices in 9 languages, with per-phoneme timing.

The files are assembled once by `aac-avatar setup kokoro` (see `speech.kokoro_setup`);
nothing is downloaded here. Text is phonemized by kokoro-onnx's tokenizer (espeak-ng IPA
through phonemizer) and the model is run on a session built here, so that its threads are
set explicitly (onnxruntime ignores `taskset`; the renderer needs the other core).

Timing: the model's encoder predicts how many frames each phoneme lasts (its `Clip`
output, one 600-sample frame at 24 kHz each: the audio is exactly 600 x the frame count).
The released graph does not output it; `aac-avatar setup kokoro` stores the model with
that output added (see `speech.kokoro_setup.add_duration_output`). Three quirks, measured
here, are corrected against the audio itself:
- the leading pad token holds 0.3-0.45 s of silence: trimmed, so speech starts sooner, and
  the first phone starts where the sound does;
- the last phone's frames include the sentence's closing pause: it ends where the sound
  ends, and the rest is a pause;
- the audio runs about 20 ms ahead of the frame counts: every boundary moves 20 ms earlier.
"""

from __future__ import annotations

import dataclasses
import difflib
import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from speech.errors import BackendUnavailableError, SpeechError, VoiceNotFoundError
from speech.kokoro_setup import is_set_up, model_path, voices_path
from speech.pauses import rest_in_pauses
from speech.phoneme_spans import MODIFIERS, PAUSES, STRESS, fold_spans, word_bounds
from speech.utterance import TimedPhone, TimedWord, Utterance, concatenate
from speech.visemes import viseme_for
from speech.voice import Voice, VoiceInfo, VoiceSettings
from speech.words import words_from_spans

SAMPLE_RATE_HZ = 24000
NOT_SET_UP = "Kokoro is not set up: run `aac-avatar setup kokoro`"
NOT_INSTALLED = "Kokoro needs kokoro-onnx: pip install 'aac-avatar[kokoro]' (or run `aac-avatar setup kokoro`)"

# Voice name prefix letter -> (language shown to people, espeak-ng language for phonemizer).
LANGUAGES: dict[str, tuple[str, str]] = {
    "a": ("en-US", "en-us"),
    "b": ("en-GB", "en-gb"),
    "e": ("es", "es"),
    "f": ("fr-FR", "fr-fr"),
    "h": ("hi", "hi"),
    "i": ("it", "it"),
    "j": ("ja", "ja"),
    "p": ("pt-BR", "pt-br"),
    "z": ("zh", "cmn"),
}
# Kokoro was trained on misaki's phonemes for these; espeak-ng's are only an approximation.
_APPROXIMATE = {"j", "z"}
_GENDERS = {"f": "female", "m": "male"}

_MAX_PHONEMES = 510  # the model's context
_SPEED_RANGE = (0.5, 2.0)  # what the model was exported to accept
_LEAD_S = 0.02  # silence kept before the first sound
# Silence kept after the last sound: the pause between sentences (the model leaves 0.3-0.5 s).
_TAIL_S = 0.3
_MIN_PHONE_S = 0.01
_SILENCE_DB = -40.0  # relative to the loudest 5 ms frame, like the timing tests
# The audio runs about 20 ms ahead of the frame counts (measured: the shift that puts the
# model's interior pauses in the quietest audio, median -21 ms over 9 voices x 11 sentences).
_AUDIO_LEAD_S = 0.020


def _language(name: str) -> tuple[str, str]:
    return LANGUAGES.get(name[:1], ("unknown", "en-us"))


def _info(name: str) -> VoiceInfo:
    language, _ = _language(name)
    note = " (pronunciation approximate: espeak-ng phonemes)" if name[:1] in _APPROXIMATE else ""
    return VoiceInfo(
        id=f"kokoro:{name}",
        backend="kokoro",
        name=name,
        language=language,
        gender=_GENDERS.get(name[1:2], "unknown"),
        description=f"Kokoro-82M neural voice{note}",
        has_timing=True,
    )


def _require_setup(folder: Path | None) -> None:
    if not is_set_up(folder):
        raise BackendUnavailableError(NOT_SET_UP)
    if importlib.util.find_spec("kokoro_onnx") is None:
        raise BackendUnavailableError(NOT_INSTALLED)


def _voice_names(folder: Path | None) -> list[str]:
    path = voices_path(folder)
    try:
        with np.load(path) as voices:
            return sorted(voices.files)
    except (OSError, ValueError) as exc:
        raise BackendUnavailableError(
            f"the Kokoro voices file {path} is corrupt ({exc}); run `aac-avatar setup kokoro --force`"
        ) from exc


def list_kokoro_voices(folder: Path | None = None) -> list[VoiceInfo]:
    """Every Kokoro voice set up here; raises BackendUnavailableError when Kokoro is not set up."""
    _require_setup(folder)
    return [_info(name) for name in _voice_names(folder)]


@dataclass
class _KokoroModel:
    session: object
    duration_output: str | None
    tokens_input: str
    tokens_dtype: type


def load_kokoro_model(path: Path, intra_op_threads: int = 1) -> _KokoroModel:
    """The model (with the duration output setup added) on an onnxruntime session with our thread settings.

    Raises BackendUnavailableError naming the file when it is missing or corrupt.
    """
    try:
        import onnxruntime
    except ImportError as exc:
        raise BackendUnavailableError(NOT_INSTALLED) from exc
    try:
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = intra_op_threads
        options.inter_op_num_threads = 1
        session = onnxruntime.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own error types
        raise BackendUnavailableError(
            f"the Kokoro model {path} is missing or corrupt ({type(exc).__name__}); "
            "run `aac-avatar setup kokoro --force`"
        ) from exc
    # Setup adds "duration"; a model without it still speaks, with lips from the audio.
    duration = "duration" if "duration" in {o.name for o in session.get_outputs()} else None
    inputs = {i.name: i.type for i in session.get_inputs()}
    # Older exports name the token input "tokens", newer ones "input_ids".
    tokens_input = "input_ids" if "input_ids" in inputs else "tokens"
    dtype = np.int32 if inputs.get(tokens_input) == "tensor(int32)" else np.int64
    return _KokoroModel(session, duration, tokens_input, dtype)


def _sound_bounds(audio: np.ndarray) -> tuple[int, int] | None:
    """First and last sample of 5 ms frames louder than the silence floor (None: all silent)."""
    frame = SAMPLE_RATE_HZ // 200
    n = len(audio) // frame
    if n == 0:
        return None
    rms = np.sqrt(np.mean(audio[: n * frame].astype(np.float64).reshape(n, frame) ** 2, axis=1))
    if rms.max() <= 0:
        return None
    loud = np.nonzero(rms > rms.max() * 10 ** (_SILENCE_DB / 20))[0]
    return int(loud[0] * frame), int((loud[-1] + 1) * frame)


def _fit_to_sound(audio: np.ndarray, spans: list[list]) -> tuple[np.ndarray, list[list]]:
    """Trim the silence before and after the sound and fit the first and last phones to where it is."""
    bounds = _sound_bounds(audio)
    spoken = [i for i, s in enumerate(spans) if s[0] != "_"]
    if bounds is None or not spoken:
        return audio, spans
    onset, offset = bounds
    cut = max(0, onset - int(_LEAD_S * SAMPLE_RATE_HZ))
    audio = audio[cut:]
    onset, offset = onset - cut, offset - cut
    spans = [[p, max(0, s - cut), max(0, e - cut)] for p, s, e in spans]
    first, last = spoken[0], spoken[-1]
    # The sound starts before the first phone's token (the pad's frames carry its onset).
    if spans[first][1] > onset:
        spans[first][1] = onset
        if first > 0:
            spans[first - 1][2] = onset
    # The last phone's frames run on through the sentence's closing pause: end it with the sound.
    min_len = int(_MIN_PHONE_S * SAMPLE_RATE_HZ)
    limit = offset
    for i in range(last, -1, -1):
        span = spans[i]
        end = limit if i == last else min(span[2], limit)
        start = max(0, min(span[1], end - min_len))
        unchanged = i < last and end == span[2] and start == span[1]
        span[1], span[2] = start, end
        if unchanged:
            break
        limit = start
    spans = [s for s in spans[: last + 1] if s[2] > s[1]]
    if spans and spans[0][1] > 0:
        spans.insert(0, ["_", 0, spans[0][1]])
    audio = audio[: offset + int(_TAIL_S * SAMPLE_RATE_HZ)]
    if spans[-1][2] < len(audio):
        spans.append(["_", spans[-1][2], len(audio)])
    return audio, spans


def _words(sentence: str, spans: list[list], symbols: list[str]) -> tuple[TimedWord, ...]:
    """Words timed by the groups of phones between spaces and pauses (spread by length if counts differ)."""
    bounds = word_bounds(symbols, spans)
    return words_from_spans(sentence, [(b / SAMPLE_RATE_HZ, e / SAMPLE_RATE_HZ) for b, e in bounds]) if bounds else ()


class KokoroVoice(Voice):
    """A Kokoro voice by name, e.g. `KokoroVoice("af_heart")` or `KokoroVoice("bm_george")`."""

    split_first_clause = True

    def __init__(
        self,
        name: str = "af_heart",
        settings: VoiceSettings | None = None,
        intra_op_threads: int = 1,
        folder: Path | None = None,
    ) -> None:
        _require_setup(folder)
        names = _voice_names(folder)
        if name not in names:
            close = difflib.get_close_matches(name, names, n=5, cutoff=0.5)
            hint = f" Did you mean {', '.join('kokoro:' + c for c in close)}?" if close else ""
            raise VoiceNotFoundError(f"no Kokoro voice {name!r}.{hint} See `aac-avatar voices --backend kokoro`.")
        self.settings = settings or VoiceSettings()
        self.info = _info(name)
        self._lang = _language(name)[1]
        with np.load(voices_path(folder)) as voices:
            self._style = np.asarray(voices[name], dtype=np.float32).reshape(-1, 1, 256)
        self._model = load_kokoro_model(model_path(folder), intra_op_threads)
        try:
            from kokoro_onnx.tokenizer import Tokenizer

            self._tokenizer = Tokenizer()
        except ImportError as exc:
            raise BackendUnavailableError(NOT_INSTALLED) from exc
        except RuntimeError as exc:  # espeak-ng could not be loaded
            raise BackendUnavailableError(f"Kokoro's phonemizer could not start: {exc}") from exc
        # Kokoro has no pitch control; rate maps to the model's speed within what it accepts.
        low, high = _SPEED_RANGE
        self._speed = float(min(max(self.settings.rate, low), high))
        self.info = dataclasses.replace(self.info, has_timing=self._model.duration_output is not None)

    @property
    def sample_rate_hz(self) -> int:
        return SAMPLE_RATE_HZ

    def phonemize(self, sentence: str) -> str:
        """The phonemes Kokoro will speak for `sentence` (only symbols in its vocabulary)."""
        try:
            phonemes = self._tokenizer.phonemize(sentence, self._lang)
        except Exception as exc:  # phonemizer raises RuntimeError and its own types
            raise SpeechError(f"Kokoro could not phonemize {sentence[:40]!r}: {exc}") from exc
        return self._tokenizer.known(" ".join(phonemes.split()))

    def _run(self, phonemes: str) -> tuple[np.ndarray, np.ndarray | None]:
        tokens = self._tokenizer.tokenize(phonemes)
        model = self._model
        inputs = {
            model.tokens_input: np.array([[0, *tokens, 0]], dtype=model.tokens_dtype),
            "style": self._style[min(len(tokens), len(self._style)) - 1],
            "speed": np.array([self._speed], dtype=np.float32),
        }
        wanted = ["audio"] + ([model.duration_output] if model.duration_output else [])
        try:
            outputs = model.session.run(wanted, inputs)
        except Exception as exc:  # onnxruntime's own error types
            raise SpeechError(f"Kokoro could not speak {phonemes[:40]!r}: {exc}") from exc
        audio = np.asarray(outputs[0], dtype=np.float32).ravel()
        frames = np.asarray(outputs[1]).ravel() if len(outputs) > 1 else None
        return audio, frames

    def _speak_phonemes(self, sentence: str, phonemes: str) -> Utterance:
        audio, frames = self._run(phonemes)
        symbols = ["_", *phonemes, "_"]
        if frames is None or len(frames) != len(symbols) or frames.sum() <= 0:
            return Utterance(sentence, audio, SAMPLE_RATE_HZ, self.info.id)
        # Each frame is the same number of samples (600 at 24 kHz); scale in case an export differs.
        edges = np.round(np.concatenate([[0], np.cumsum(frames)]) * (len(audio) / frames.sum())).astype(np.int64)
        lead = int(_AUDIO_LEAD_S * SAMPLE_RATE_HZ)
        edges[1:-1] = np.clip(edges[1:-1] - lead, 0, len(audio))
        audio, spans = _fit_to_sound(audio, fold_spans(symbols, edges))
        rate = SAMPLE_RATE_HZ
        phones = tuple(TimedPhone(p, viseme_for(p), s / rate, e / rate) for p, s, e in spans)
        # pauses without punctuation hide in a phone's predicted duration: the mouth rests there
        phones = rest_in_pauses(phones, audio, rate)
        return Utterance(
            text=sentence,
            audio=audio,
            sample_rate_hz=rate,
            voice_id=self.info.id,
            words=_words(sentence, spans, symbols),
            phones=phones,
            has_timing=True,
        )

    def _synthesize_sentence(self, sentence: str) -> Utterance:
        phonemes = self.phonemize(sentence)
        if not any(p not in PAUSES and p not in STRESS and p not in MODIFIERS and p != " " for p in phonemes):
            return self.silence(sentence)  # nothing speakable (punctuation only)
        if len(phonemes) <= _MAX_PHONEMES:
            return self._speak_phonemes(sentence, phonemes)
        # Rare: a sentence longer than the model's context (long numbers spelled out).
        from kokoro_onnx.chunker import split_phonemes

        parts = [self._speak_phonemes(sentence, piece) for piece in split_phonemes(phonemes, _MAX_PHONEMES)]
        joined = concatenate(parts, text=sentence)
        return Utterance(joined.text, joined.audio, SAMPLE_RATE_HZ, self.info.id, (), joined.phones, joined.has_timing)

    def close(self) -> None:
        self._model = None
