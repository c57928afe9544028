"""The training recipe end to end on a little data the test makes: seeded, so the same command
gives the same model, which the runtime loads (scripts/make_viseme_data.py, scripts/train_visemes.py)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]

pytest.importorskip("torch", reason="training needs torch (pip install -e '.[train]')")
pytestmark = pytest.mark.skipif(shutil.which("flite") is None, reason="flite is not installed (scripts/setup.sh)")


def _run(*args: str) -> str:
    done = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def _weights(path: Path) -> dict[str, np.ndarray]:
    import onnx
    from onnx import numpy_helper

    return {i.name: numpy_helper.to_array(i) for i in onnx.load(str(path)).graph.initializer}


def test_the_same_command_trains_the_same_model(tmp_path):
    data = tmp_path / "data"
    made = _run("scripts/make_viseme_data.py", "--families", "flite", "--scale", "0.02", "--out", str(data))
    assert "flite-slt: 2 utterances" in made
    assert sorted(f.name for f in data.glob("*.npz")) == ["flite-kal.npz", "flite-kal16.npz", "flite-slt.npz"]

    outs = []
    for name in ("a", "b"):
        out = tmp_path / f"{name}.onnx"
        log = _run("scripts/train_visemes.py", "--data", str(data), "--out", str(out), "--steps", "3", "--batch", "2",
                   "--hidden", "16", "--conv", "8", "--eval-sentences", "0", "--seeds", "7")
        assert "6 utterances" in log and "wrote" in log
        outs.append(_weights(out))
    assert outs[0].keys() == outs[1].keys()
    for key in outs[0]:
        np.testing.assert_array_equal(outs[0][key], outs[1][key], err_msg=key)

    from avatar.lipsync.model import LipsyncModel

    model = LipsyncModel(tmp_path / "a.onnx", threads=1)
    assert model.hidden_size == 16
    audio = np.random.default_rng(0).standard_normal(16000).astype(np.float32) * 0.1
    out = model.predict(audio, 16000)
    assert len(out.shapes()) == 100  # one shape per 10 ms frame of the second of audio


def test_several_seeds_are_exported_as_one_model_averaging_them(tmp_path):
    data = tmp_path / "data"
    _run("scripts/make_viseme_data.py", "--families", "flite", "--scale", "0.02", "--out", str(data))
    common = ("--data", str(data), "--steps", "3", "--batch", "2", "--hidden", "16", "--conv", "8",
              "--eval-sentences", "0")
    for name, seeds in (("a", ["7"]), ("b", ["8"]), ("both", ["7", "8"])):
        _run("scripts/train_visemes.py", *common, "--out", str(tmp_path / f"{name}.onnx"), "--seeds", *seeds)

    from avatar.lipsync.model import LipsyncModel

    audio = np.random.default_rng(1).standard_normal(24000).astype(np.float32) * 0.1
    alone = [LipsyncModel(tmp_path / f"{name}.onnx", threads=1).predict(audio, 16000) for name in ("a", "b")]
    both_model = LipsyncModel(tmp_path / "both.onnx", threads=1)
    assert both_model.hidden_size == 32  # each member keeps its own state
    # streamed in pieces, as the live engine feeds it: the members' states travel together
    stream = both_model.stream(16000)
    parts = [stream.push(audio[i : i + 3000]) for i in range(0, audio.size, 3000)] + [stream.flush()]
    probs = np.concatenate([p.probs for p in parts])
    openness = np.concatenate([p.openness for p in parts])
    np.testing.assert_allclose(probs, (alone[0].probs + alone[1].probs) / 2, atol=1e-5)
    np.testing.assert_allclose(openness, (alone[0].openness + alone[1].openness) / 2, atol=1e-5)
    assert not np.allclose(alone[0].probs, alone[1].probs, atol=1e-3)  # two different members

    # models trained apart combine into the model the seeds make together, without training
    log = _run("scripts/train_visemes.py", "--combine", str(tmp_path / "a.onnx"), str(tmp_path / "b.onnx"),
               "--out", str(tmp_path / "combined.onnx"))
    assert "2 models averaged" in log
    combined = LipsyncModel(tmp_path / "combined.onnx", threads=1).predict(audio, 16000)
    np.testing.assert_allclose(combined.probs, probs, atol=1e-6)
    done = subprocess.run([sys.executable, "scripts/train_visemes.py", "--combine", str(tmp_path / "both.onnx"),
                           "--out", str(tmp_path / "x.onnx")], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 2 and "already averages 2 models" in done.stderr


def test_an_engines_labels_can_lead_its_audio():
    sys.path.insert(0, str(ROOT / "scripts"))
    from train_visemes import lead_labels

    labels = np.array([0, 0, 1, 1, 2, 2, 2])
    assert lead_labels(labels, 1).tolist() == [0, 1, 1, 2, 2, 2, 2]
    assert lead_labels(labels, -2).tolist() == [0, 0, 0, 0, 1, 1, 2]
    assert lead_labels(labels, 0) is labels
    assert lead_labels(labels, 9).tolist() == [2] * 7
    assert lead_labels(np.zeros(0, np.int64), 1).size == 0
