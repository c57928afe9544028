"""Personal Piper voices: any Piper model (`.onnx` + its `.onnx.json`), e.g. one trained on the person's
own recordings, checked and copied into the user's voice folder (`voices/piper/`).

Once added, a voice is an ordinary `piper:NAME` voice: `speech.piper_tts` finds it there and speaks it
with the same exact per-phoneme timing as the default voice.

A model and its config must belong together. The config alone decides how text becomes phoneme ids,
so a config of another model makes noise or crashes mid-sentence; the model's graph tells enough to
catch that before the voice is used: the size of its phoneme embedding (every id in the config's
phoneme map must index it, and `num_symbols` must equal it), and whether it takes a speaker id (and
how many speakers its speaker embedding holds) against `num_speakers`. The sample rate is not in a
Piper graph (every quality uses the same 256-sample hop), so only its range is checked.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from speech.errors import SpeechError
from speech.voice_folders import backend_dir, copy_private

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+-]{0,79}$")
_RATES_HZ = (8000, 48000)


class VoiceFileError(SpeechError):
    """A voice file cannot be used; the message names the file, the problem and the fix."""


@dataclass(frozen=True)
class GraphFacts:
    """What a Piper model's graph says about the config it needs."""

    n_symbols: int  # rows of the phoneme embedding
    n_speakers: int  # rows of the speaker embedding; 1 for a single-speaker model


def piper_voices_dir() -> Path:
    """The folder of personal Piper voices (`<voices>/piper`)."""
    return backend_dir("piper")


def config_beside(model: Path) -> Path | None:
    """The config Piper keeps beside a model: `MODEL.onnx.json` (or `MODEL.json`), when there is one."""
    for candidate in (model.with_name(model.name + ".json"), model.with_suffix(".json")):
        if candidate.is_file():
            return candidate
    return None


def _initializer_rows(graph, name: str) -> int | None:
    for init in graph.initializer:
        if init.name == name and init.dims:
            return int(init.dims[0])
    for node in graph.node:  # some exporters keep weights as Constant nodes
        if node.op_type == "Constant" and name in node.output:
            for attr in node.attribute:
                if attr.name == "value" and attr.t.dims:
                    return int(attr.t.dims[0])
    return None


def _embedding_rows(graph, graph_input: str) -> int | None:
    """Rows of the table a Gather indexes with `graph_input` (Piper's phoneme and speaker embeddings)."""
    for node in graph.node:
        if node.op_type == "Gather" and len(node.input) >= 2 and node.input[1] == graph_input:
            rows = _initializer_rows(graph, node.input[0])
            if rows is not None:
                return rows
    return None


def graph_facts(model, model_path: Path) -> GraphFacts:
    """The phoneme and speaker table sizes of a loaded Piper ONNX model."""
    graph = model.graph
    inputs = {i.name for i in graph.input}
    if "input" not in inputs or "scales" not in inputs:
        raise VoiceFileError(
            f"{model_path} is not a Piper voice model: its inputs are {sorted(inputs)}, Piper's are "
            "input, input_lengths, scales (and sid). Fix: export the model with Piper's exporter"
        )
    n_symbols = _embedding_rows(graph, "input")
    if n_symbols is None:
        raise VoiceFileError(f"{model_path}: no phoneme embedding found in the graph; it is not a Piper voice model")
    n_speakers = _embedding_rows(graph, "sid") if "sid" in inputs else 1
    return GraphFacts(n_symbols, n_speakers or 1)


def check_config_against_graph(config: dict, facts: GraphFacts, model_path: Path, config_path: Path) -> None:
    """Raise VoiceFileError when `config` cannot be the config of the model described by `facts`."""
    other = f"{config_path} is the config of another model, not of {model_path.name}"
    fix = f"Fix: use the .onnx.json that came with {model_path.name}"
    ids = [i for v in (config.get("phoneme_id_map") or {}).values() for i in (v if isinstance(v, list) else [v])]
    if not ids:
        raise VoiceFileError(f"{config_path}: its phoneme_id_map is empty or missing. {fix}")
    if max(ids) >= facts.n_symbols:
        raise VoiceFileError(
            f"{other}: its phoneme map uses ids up to {max(ids)}, but the model knows {facts.n_symbols} "
            f"phoneme symbols. {fix}"
        )
    declared = config.get("num_symbols")
    if declared is not None and int(declared) != facts.n_symbols:
        raise VoiceFileError(
            f"{other}: it says num_symbols {declared}, the model has {facts.n_symbols}. {fix}"
        )
    speakers = int(config.get("num_speakers") or 1)
    if (speakers > 1) != (facts.n_speakers > 1) or speakers > facts.n_speakers:
        raise VoiceFileError(
            f"{other}: it names {speakers} speaker(s), the model has {facts.n_speakers}. {fix}"
        )
    rate = (config.get("audio") or {}).get("sample_rate")
    if not isinstance(rate, int) or not _RATES_HZ[0] <= rate <= _RATES_HZ[1]:
        raise VoiceFileError(
            f"{config_path}: its audio.sample_rate {rate!r} is not a sample rate a Piper voice makes "
            f"({_RATES_HZ[0]} to {_RATES_HZ[1]} Hz). {fix}"
        )


def read_config(config_path: Path) -> dict:
    """The config as a dict Piper can use; VoiceFileError naming the file otherwise."""
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise VoiceFileError(f"{config_path} cannot be read ({exc.strerror})") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise VoiceFileError(f"{config_path} is not a Piper voice config (not JSON: {exc})") from None
    try:
        from piper.config import PiperConfig

        PiperConfig.from_dict(config)
    except ImportError:
        pass  # checked by the keys below alone
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise VoiceFileError(f"{config_path} is not a Piper voice config (missing or wrong {exc})") from None
    if not isinstance(config, dict) or "phoneme_id_map" not in config:
        raise VoiceFileError(f"{config_path} is not a Piper voice config (no phoneme_id_map)")
    return config


def check_piper_files(model_path: Path, config_path: Path | None = None) -> tuple[Path, dict, GraphFacts]:
    """Check that `model_path` is a Piper model and `config_path` (default: beside it) its config.

    Returns (config path, config, graph facts); raises VoiceFileError with the file, problem and fix.
    """
    model_path = Path(model_path).expanduser()
    if not model_path.is_file():
        raise VoiceFileError(f"{model_path}: no such file")
    if model_path.suffix.lower() != ".onnx":
        raise VoiceFileError(f"{model_path} is not a Piper voice: Piper models end in .onnx (with a .onnx.json)")
    if config_path is None:
        config_path = config_beside(model_path)
        if config_path is None:
            raise VoiceFileError(
                f"{model_path} has no config beside it: a Piper voice is two files, {model_path.name} and "
                f"{model_path.name}.json. Fix: put the .onnx.json that came with it in the same folder, "
                "or name it with --config"
            )
    config = read_config(Path(config_path))
    try:
        import onnx

        model = onnx.load(str(model_path), load_external_data=False)
    except ImportError as exc:
        raise VoiceFileError("checking a Piper voice needs the onnx package: pip install onnx") from exc
    except Exception as exc:  # onnx raises protobuf's DecodeError and others
        raise VoiceFileError(f"{model_path} is not an ONNX model ({type(exc).__name__}); it is damaged or "
                             "not a Piper voice") from None
    facts = graph_facts(model, model_path)
    check_config_against_graph(config, facts, model_path, Path(config_path))
    return Path(config_path), config, facts


@dataclass(frozen=True)
class AddedVoice:
    """A voice now in the user's voice folder."""

    voice_id: str
    model_path: Path
    config_path: Path


def add_piper_voice(
    model_path: Path, config_path: Path | None = None, name: str | None = None, replace: bool = False
) -> AddedVoice:
    """Check a Piper model and its config, and copy both into the user's voice folder as `piper:NAME`.

    Nothing is copied when a check fails; an existing voice of that name is kept unless `replace`.
    """
    model_path = Path(model_path).expanduser()
    checked_config, _, _ = check_piper_files(model_path, config_path)
    name = name or model_path.name.removesuffix(".onnx").removesuffix(".ONNX")
    if not _NAME_RE.match(name):
        raise VoiceFileError(
            f"{name!r} cannot name a voice: use letters, digits and . _ + - (up to 80), e.g. en_GB-mum-medium"
        )
    from speech.piper_tts import find_piper_voices

    folder = piper_voices_dir()
    target_model, target_config = folder / f"{name}.onnx", folder / f"{name}.onnx.json"
    taken = [f for f in find_piper_voices() if f.name.lower() == name.lower()]
    if taken and not (replace and taken[0].model_path == target_model):
        where = taken[0].source
        raise VoiceFileError(
            f"a Piper voice named {name!r} is already installed ({where}). Fix: add it under another name "
            "with --name" + (", or --replace to overwrite your own" if taken[0].model_path == target_model else "")
        )
    # the config first: a model is listed only once its config is beside it
    copy_private(checked_config, target_config)
    copy_private(model_path, target_model)
    return AddedVoice(f"piper:{name}", target_model, target_config)


def remove_piper_voice(name: str) -> list[Path]:
    """Delete the personal Piper voice `name` (model and config); return the files removed."""
    folder = piper_voices_dir()
    files = [folder / f"{name}.onnx", folder / f"{name}.onnx.json"]
    if not files[0].is_file():
        raise VoiceFileError(f"no personal Piper voice {name!r} in {folder} (voices of packages cannot be removed)")
    for path in files:
        path.unlink(missing_ok=True)
    return files
