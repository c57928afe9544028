"""coqui-tts model folders in the user's voice folder (`voices/coqui/NAME/`): checking, adding, fetching.

A model folder holds `config.json` and the checkpoint (`model.pth`, `model_file.pth`, `best_model.pth`,
`checkpoint_*.pth`); XTTS `model.pth` and its tokenizer `vocab.json`; models that are not end to end
(Tacotron 2, Glow-TTS, ...) a `vocoder/` folder with its own config and checkpoint. Nothing here
imports torch: a folder is checked by its files and its config alone, so `aac-avatar voices` lists
quickly and an incomplete folder is named before anything loads.

`fetch` downloads one model of coqui's catalogue once, only when asked (`aac-avatar voices fetch NAME`),
with coqui's own progress bars, into a temporary folder beside the voices; the finished folder is
checked and renamed into place, so a failed or interrupted download leaves nothing behind.
"""

from __future__ import annotations

import difflib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from speech.errors import BackendUnavailableError, SpeechError
from speech.voice_folders import backend_dir, copy_tree_private, make_private_dir

CHECKPOINT_NAMES = ("model.pth", "model_file.pth", "best_model.pth", "model_file.pth.tar", "checkpoint.pth")
# Models that make audio themselves; every other coqui model needs a vocoder beside it.
END_TO_END = frozenset({"vits", "xtts", "bark", "tortoise"})
INSTALL_HINT = "install the neural voices: pip install 'aac-avatar[neural]' (or scripts/setup.sh --neural)"


class CoquiModelError(SpeechError):
    """A coqui model folder that cannot be used, or a fetch that failed; the message says what to do."""


class OfflineError(CoquiModelError):
    """The model could not be downloaded: no network."""


@dataclass(frozen=True)
class CoquiModel:
    """One checked coqui model folder."""

    name: str
    folder: Path
    config_path: Path
    checkpoint: Path  # the file to load, or the folder itself for XTTS
    kind: str  # the config's "model": vits, xtts, tacotron2, ...
    languages: tuple[str, ...]
    sample_rate_hz: int
    vocoder_checkpoint: Path | None = None
    vocoder_config: Path | None = None

    @property
    def clones(self) -> bool:
        """Whether it speaks like reference recordings (XTTS) rather than with its own trained voice."""
        return self.kind == "xtts"


def coqui_voices_dir() -> Path:
    """The folder of coqui model folders (`<voices>/coqui`)."""
    return backend_dir("coqui")


def coqui_installed() -> bool:
    """Whether coqui-tts is installed (found, not imported: importing it loads torch)."""
    import importlib.util

    return importlib.util.find_spec("TTS") is not None


def _read_config(folder: Path) -> tuple[Path, dict]:
    config_path = folder / "config.json"
    if not config_path.is_file():
        raise CoquiModelError(f"the coqui model folder {folder} is incomplete: it has no config.json. "
                              "Fix: copy the whole model folder (config.json and the .pth checkpoint)")
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise CoquiModelError(f"{config_path} cannot be read as a coqui config ({exc})") from None
    if not isinstance(config, dict) or not isinstance(config.get("model"), str):
        raise CoquiModelError(f"{config_path} is not a coqui-tts config (it names no \"model\")")
    return config_path, config


def _checkpoint(folder: Path) -> Path | None:
    for name in CHECKPOINT_NAMES:
        if (folder / name).is_file():
            return folder / name
    found = sorted(folder.glob("*.pth"))
    if len(found) == 1:
        return found[0]
    steps = [p for p in found if p.stem.removeprefix("checkpoint_").isdigit()]
    # the latest of a training run's checkpoints
    return max(steps, key=lambda p: int(p.stem.removeprefix("checkpoint_"))) if steps else None


def check_model_folder(folder: Path, name: str | None = None) -> CoquiModel:
    """Check that `folder` holds a complete coqui model; raise CoquiModelError naming what is missing."""
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise CoquiModelError(f"{folder} is not a folder: a coqui model is a folder with config.json and a .pth")
    config_path, config = _read_config(folder)
    kind = config["model"].lower()
    missing: list[str] = []
    vocoder_checkpoint = vocoder_config = None
    if kind == "xtts":
        missing += [f for f in ("model.pth", "vocab.json") if not (folder / f).is_file()]
        checkpoint: Path | None = folder
    else:
        checkpoint = _checkpoint(folder)
        if checkpoint is None:
            missing.append("the checkpoint (model.pth, model_file.pth, best_model.pth or one checkpoint_*.pth)")
        if kind not in END_TO_END:
            vocoder = folder / "vocoder"
            vocoder_checkpoint = _checkpoint(vocoder) if vocoder.is_dir() else None
            vocoder_config = vocoder / "config.json" if (vocoder / "config.json").is_file() else None
            if vocoder_checkpoint is None or vocoder_config is None:
                missing.append(f"a vocoder (a {kind} model makes no audio alone: vocoder/config.json and "
                               "vocoder/model_file.pth)")
    args = config.get("model_args") or {}
    for key in ("speakers_file", "d_vector_file", "language_ids_file"):
        for value in [config.get(key), args.get(key)]:
            for ref in value if isinstance(value, list) else [value]:
                if isinstance(ref, str) and ref and not Path(ref).is_file() and not (folder / Path(ref).name).is_file():
                    missing.append(f"{Path(ref).name} (its {key})")
    if missing:
        raise CoquiModelError(f"the coqui model folder {folder} is incomplete: missing {'; '.join(missing)}. "
                              "Fix: copy the whole folder again, or `aac-avatar voices fetch` the model")
    audio = config.get("audio") or {}
    rate = int(audio.get("output_sample_rate") or audio.get("sample_rate") or 0)
    if rate <= 0:
        raise CoquiModelError(f"{config_path} gives no audio sample_rate")
    languages = config.get("languages") or ([config["language"]] if config.get("language") else [])
    assert checkpoint is not None
    return CoquiModel(name or folder.name, folder, config_path, checkpoint, kind, tuple(map(str, languages)),
                      rate, vocoder_checkpoint, vocoder_config)


def find_models() -> tuple[list[CoquiModel], list[str]]:
    """The complete model folders in the user's coqui folder, and a problem line for each incomplete one."""
    folder = coqui_voices_dir()
    models, problems = [], []
    if folder.is_dir():
        for entry in sorted(folder.iterdir()):
            if entry.is_dir() and not entry.name.startswith("."):
                try:
                    models.append(check_model_folder(entry))
                except CoquiModelError as exc:
                    problems.append(str(exc))
    return models, problems


def find_model(name: str) -> CoquiModel:
    """The model folder `name` in the user's coqui folder; BackendUnavailableError saying why not."""
    models, _ = find_models()
    for model in models:
        if model.name.lower() == name.lower():
            return model
    folder = coqui_voices_dir() / name
    if folder.is_dir():
        check_model_folder(folder)  # raises with what is missing
    close = difflib.get_close_matches(name, [m.name for m in models], n=3, cutoff=0.4)
    known = close or [m.name for m in models]
    hint = f" Installed: {', '.join('coqui:' + k for k in known)}." if known else " No coqui model is installed."
    raise BackendUnavailableError(
        f"no coqui model {name!r} in {coqui_voices_dir()}.{hint} Add a model folder with "
        "`aac-avatar voices add FOLDER`, or download one once with `aac-avatar voices fetch NAME`"
    )


def add_model_folder(folder: Path, name: str | None = None, replace: bool = False) -> CoquiModel:
    """Check a coqui model folder and copy it, owner-only, into the user's coqui folder."""
    model = check_model_folder(folder)
    name = name or Path(folder).expanduser().resolve().name
    if not name or name.startswith(".") or "/" in name or "\\" in name:
        raise CoquiModelError(f"{name!r} cannot name a voice: give a plain name with --name")
    target = coqui_voices_dir() / name
    if target.exists() and not replace:
        raise CoquiModelError(f"a coqui voice named {name!r} is already installed ({target}). "
                              "Fix: --name another, or --replace it")
    make_private_dir(target.parent)
    staging = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".new", dir=target.parent))
    try:
        copy_tree_private(model.folder, staging / "model")
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging / "model", target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return check_model_folder(target, name)


# -- fetching from coqui's catalogue -----------------------------------------------------------------

def catalogue() -> dict:
    """coqui-tts's own list of downloadable models (read from its package; nothing is imported)."""
    if not coqui_installed():
        raise BackendUnavailableError(f"coqui-tts is not installed: {INSTALL_HINT}")
    return json.loads(resources.files("TTS").joinpath(".models.json").read_text(encoding="utf-8"))


def catalogue_names(models: dict, model_type: str = "tts_models") -> list[str]:
    """Full names "tts_models/LANG/DATASET/MODEL" of every model of `model_type`."""
    return [
        f"{model_type}/{lang}/{dataset}/{model}"
        for lang, datasets in models.get(model_type, {}).items()
        for dataset, entries in datasets.items()
        for model in entries
    ]


def resolve_name(name: str, models: dict) -> str:
    """The full catalogue name for `name` (a full name, or a unique last part such as "xtts_v2")."""
    names = catalogue_names(models)
    if name in names:
        return name
    matches = [n for n in names if n.split("/")[-1] == name or n.endswith("/" + name)]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise CoquiModelError(f"{name!r} names several coqui models: {', '.join(matches)}. Give the full name")
    lasts = sorted({n.split("/")[-1] for n in names})
    close_lasts = difflib.get_close_matches(name.split("/")[-1], lasts, n=2, cutoff=0.5)
    close = [n for c in close_lasts for n in names if n.split("/")[-1] == c][:5]
    close = close or difflib.get_close_matches(name, names, n=4, cutoff=0.3)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    raise CoquiModelError(f"coqui-tts has no model {name!r}.{hint} `aac-avatar voices fetch --list` lists them")


def local_name(full_name: str) -> str:
    """The folder (and voice) name of a fetched model: "tts_models/en/ljspeech/vits" -> "en-ljspeech-vits"."""
    return "-".join(full_name.split("/")[1:])


def _is_offline(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        name = type(seen).__name__
        if isinstance(seen, ConnectionError | TimeoutError) or any(
            key in name for key in ("ConnectionError", "ConnectError", "LocalEntryNotFound", "Timeout",
                                    "ProxyError", "NameResolution", "MaxRetry", "SSLError", "RequestException")
        ):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def fetch(name: str, replace: bool = False, say: Callable[[str], None] = print) -> CoquiModel:
    """Download coqui model `name` (and its vocoder) once into the user's coqui folder.

    Progress bars are coqui's and Hugging Face's own, on the terminal. Raises OfflineError when the
    network cannot be reached, CoquiModelError for anything else, leaving nothing half-downloaded.
    """
    models = catalogue()
    full = resolve_name(name, models)
    _, lang, dataset, model_name = full.split("/")
    item = models["tts_models"][lang][dataset][model_name]
    target = coqui_voices_dir() / local_name(full)
    if target.exists() and not replace:
        raise CoquiModelError(f"{full} is already fetched: coqui:{target.name} ({target}). --replace fetches it again")
    if item.get("tos_required") and os.environ.get("COQUI_TOS_AGREED") != "1":
        import sys

        if not sys.stdin.isatty():
            raise CoquiModelError(
                f"{full} is under {item.get('license', 'its own licence')}, which must be agreed to before it "
                "downloads: run `aac-avatar voices fetch` in a terminal to answer, or set COQUI_TOS_AGREED=1"
            )
    make_private_dir(target.parent)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".download", dir=target.parent))
    # Hugging Face models would otherwise also stay in its own cache: keep every byte in the staging folder
    os.environ["HF_HUB_CACHE"] = str(staging / "hf")
    # The one command that downloads: lift the offline switches `speech.no_network` set for run time
    os.environ.update({"HF_HUB_OFFLINE": "0", "TRANSFORMERS_OFFLINE": "0", "HF_DATASETS_OFFLINE": "0"})
    import logging

    # coqui logs a full traceback for a failed download; the message below says it in one line
    coqui_log = logging.getLogger("TTS")
    level = coqui_log.level
    coqui_log.setLevel(logging.CRITICAL)
    try:
        from TTS.utils.manage import ModelManager

        manager = ModelManager(output_prefix=staging, progress_bar=True)
        say(f"downloading {full} ({item.get('license', 'licence unknown')}) ...")
        _, config_path, _ = manager.download_model(full)
        downloaded = Path(config_path).parent
        folder = staging / "model"
        copy_tree_private(downloaded, folder)
        vocoder_name = item.get("default_vocoder")
        if vocoder_name:
            say(f"downloading its vocoder {vocoder_name} ...")
            _, vocoder_config, _ = manager.download_model(vocoder_name)
            copy_tree_private(Path(vocoder_config).parent, folder / "vocoder")
        checked = check_model_folder(folder, target.name)  # the download must be complete
        _repoint_paths(checked.config_path, downloaded, target)
        if target.exists():
            shutil.rmtree(target)
        os.replace(folder, target)
    except SpeechError:
        raise
    except BaseException as exc:
        if _is_offline(exc):
            raise OfflineError(
                f"could not download {full}: no network ({type(exc).__name__}). `aac-avatar voices fetch` needs "
                "the internet once; or copy a model folder from another computer and `aac-avatar voices add` it"
            ) from None
        if isinstance(exc, KeyboardInterrupt):
            raise CoquiModelError(f"the download of {full} was interrupted; nothing was kept") from None
        if isinstance(exc, EOFError) or "terms of service" in str(exc):
            raise CoquiModelError(f"{full} was not downloaded: its licence was not agreed to") from None
        raise CoquiModelError(f"could not download {full}: {type(exc).__name__}: {exc}") from None
    finally:
        coqui_log.setLevel(level)
        os.environ.pop("HF_HUB_CACHE", None)
        shutil.rmtree(staging, ignore_errors=True)
    return check_model_folder(target, target.name)


def _repoint_paths(config_path: Path, downloaded: Path, final: Path) -> None:
    """coqui writes absolute paths of its download folder into config.json: make them the final folder's."""
    text = config_path.read_text(encoding="utf-8")
    if str(downloaded) in text:
        config_path.write_text(text.replace(str(downloaded), str(final)), encoding="utf-8")
