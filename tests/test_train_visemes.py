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
                   "--hidden", "16", "--conv", "8", "--eval-sentences", "0")
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
