"""coqui-tts voices through the real coqui code path, on a tiny VITS model with random weights built here;
incomplete model folders, a missing model, fetching without network, and the fallback voice when the
coqui worker dies mid-session (in the live engine too)."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile

from speech.coqui_models import CoquiModelError, add_model_folder, check_model_folder, coqui_installed
from speech.errors import BackendUnavailableError

REPO = Path(__file__).resolve().parent.parent


def _coqui_problem() -> str | None:
    if not coqui_installed():
        return "coqui-tts (the neural extra) is not installed: scripts/setup.sh --neural installs it"
    done = subprocess.run([sys.executable, "-c", "import TTS.api"], capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        return f"coqui-tts does not import here: {done.stderr.strip().splitlines()[-1:]}"
    return None


COQUI_PROBLEM = _coqui_problem()
needs_coqui = pytest.mark.skipif(COQUI_PROBLEM is not None, reason=str(COQUI_PROBLEM))


def aac(*args, env, timeout=300):
    return subprocess.run([sys.executable, "-m", "aac", *args], capture_output=True, text=True, env=env,
                          timeout=timeout, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    """A tiny random VITS model folder at 16 kHz, built in its own process (torch stays out of this one)."""
    if COQUI_PROBLEM:
        pytest.skip(COQUI_PROBLEM)
    return build_tiny(tmp_path_factory.mktemp("coqui") / "tiny-vits", "build_tiny_vits", 16000)


def build_tiny(folder: Path, builder: str, *args) -> Path:
    """`folder` made by `tests.coqui_tiny.<builder>(folder, *args)` in its own process (torch stays out of this
    one)."""
    code = f"from tests.coqui_tiny import {builder}; {builder}({', '.join(map(repr, (str(folder), *args)))})"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr[-2000:]
    return folder


@pytest.fixture
def voices_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "voices"
    monkeypatch.setenv("AAC_AVATAR_VOICES_DIR", str(folder))
    return folder


@needs_coqui
def test_tiny_vits_added_loaded_spoken_saved_reloaded_and_moving_the_avatar(tiny_model, voices_dir, tmp_path):
    from avatar.motion.speech_motion import speech_motion
    from speech.registry import get_voice, list_voices

    model = add_model_folder(tiny_model, "tiny")
    assert model.kind == "vits" and model.sample_rate_hz == 16000
    for path in (model.folder, model.checkpoint, model.config_path):
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
    assert "coqui:tiny" in {v.id for v in list_voices()}
    voice = get_voice("coqui:tiny")
    try:
        assert voice.sample_rate_hz == 16000 and voice.device in ("cpu", "cuda")
        parts = list(voice.stream("Good morning to you. How are you today?"))
        assert [p.text for p in parts] == ["Good morning to you.", "How are you today?"]  # first sentence first
        for part in parts:
            assert part.sample_rate_hz == 16000 and not part.has_timing and part.voice_id == "coqui:tiny"
            assert part.duration_s > 0.1 and np.all(np.isfinite(part.audio)) and np.max(np.abs(part.audio)) > 0.01
        wav = tmp_path / "tiny.wav"
        soundfile.write(wav, parts[0].audio, parts[0].sample_rate_hz, subtype="FLOAT")
        again, rate = soundfile.read(wav, dtype="float32")
        assert rate == 16000 and np.array_equal(again, parts[0].audio)
        motion = speech_motion(parts[0], fps=30.0)
        assert motion.source == "audio"  # no phone timing: the lips follow the audio
        assert motion.values.shape[0] == int(np.ceil(parts[0].duration_s * 30.0 - 1e-9))
        assert np.all(np.isfinite(motion.values))
    finally:
        voice.close()
    assert voice._process.poll() is not None  # the worker is gone with the voice
    with pytest.raises(BackendUnavailableError, match=r"coqui:tiny has no speaker 'nobody'.*one voice"):
        get_voice("coqui:tiny#nobody")


@needs_coqui
def test_incomplete_model_folders_are_named_and_nothing_is_added(tiny_model, voices_dir, tmp_path):
    no_checkpoint = tmp_path / "no-checkpoint"
    shutil.copytree(tiny_model, no_checkpoint)
    (no_checkpoint / "model.pth").unlink()
    with pytest.raises(CoquiModelError, match="no-checkpoint is incomplete: missing the checkpoint"):
        check_model_folder(no_checkpoint)
    no_config = tmp_path / "no-config"
    shutil.copytree(tiny_model, no_config)
    (no_config / "config.json").unlink()
    with pytest.raises(CoquiModelError, match="has no config.json"):
        check_model_folder(no_config)
    tacotron = tmp_path / "tacotron"
    shutil.copytree(tiny_model, tacotron)
    text = (tacotron / "config.json").read_text().replace('"model": "vits"', '"model": "tacotron2"', 1)
    (tacotron / "config.json").write_text(text)
    with pytest.raises(CoquiModelError, match="missing a vocoder"):
        check_model_folder(tacotron)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = aac("voices", "add", str(no_checkpoint), env=env)
    assert done.returncode == 2 and "incomplete" in done.stderr and "Traceback" not in done.stderr
    assert not (voices_dir / "coqui" / "no-checkpoint").exists()
    # a broken folder put there by hand is listed as not usable beside a good one; the good one still works
    add_model_folder(tiny_model, "tiny")
    shutil.copytree(no_checkpoint, voices_dir / "coqui" / "broken")
    listing = aac("voices", "--backend", "coqui", env=env).stdout
    assert "coqui:tiny" in listing and "not usable" in listing and "broken is incomplete" in listing
    from speech.registry import get_voice

    with pytest.raises(CoquiModelError, match="broken is incomplete"):
        get_voice("coqui:broken")


def test_missing_model_names_the_installed_ones_and_the_ways_to_get_one(voices_dir):
    from speech.registry import get_voice

    if COQUI_PROBLEM:
        with pytest.raises(BackendUnavailableError, match="neural"):
            get_voice("coqui:nobody")
        return
    with pytest.raises(BackendUnavailableError, match=r"no coqui model 'nobody'.*voices add FOLDER.*voices fetch"):
        get_voice("coqui:nobody")


@needs_coqui
def test_fetch_without_network_says_so_and_leaves_nothing(voices_dir):
    # a proxy that refuses at once stands for no network, the same on every machine
    env = {**os.environ, "PYTHONPATH": str(REPO), "HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9",
           "https_proxy": "http://127.0.0.1:9", "http_proxy": "http://127.0.0.1:9", "NO_PROXY": "", "no_proxy": "",
           "HF_HUB_ETAG_TIMEOUT": "5", "HF_HUB_DOWNLOAD_TIMEOUT": "5"}
    env.pop("COQUI_TOS_AGREED", None)
    done = aac("voices", "fetch", "tts_models/en/ljspeech/vits", env=env)
    assert done.returncode == 2, done.stderr
    assert "no network" in done.stderr and "voices add" in done.stderr and "Traceback" not in done.stderr
    done = aac("voices", "fetch", "xtts_v2", env=env)  # no terminal to agree to its licence in
    assert done.returncode == 2 and "COQUI_TOS_AGREED" in done.stderr
    done = aac("voices", "fetch", "xtts_v2", env={**env, "COQUI_TOS_AGREED": "1"})
    assert done.returncode == 2 and "no network" in done.stderr
    done = aac("voices", "fetch", "vitz", env=env)
    assert done.returncode == 2 and "no model 'vitz'" in done.stderr and "Did you mean" in done.stderr
    coqui = voices_dir / "coqui"
    assert not coqui.exists() or not any(coqui.iterdir())  # no half download, no staging folder


@needs_coqui
def test_the_fallback_voice_speaks_when_the_coqui_worker_dies(tiny_model, voices_dir):
    from speech.fallback import open_with_fallback

    add_model_folder(tiny_model, "tiny")
    shown: list[str] = []
    voice = open_with_fallback("coqui:tiny", "espeak:en-us", on_problem=shown.append)
    try:
        assert voice.primary is not None and voice.problems == []
        voice.primary._process.kill()  # the worker crashes mid-session
        voice.primary._process.wait()
        utterance = voice.synthesize_sentence("Please call my daughter.")
        assert utterance.sample_rate_hz == 16000 == voice.sample_rate_hz  # at the rate the outputs were opened at
        assert utterance.duration_s > 0.5 and np.max(np.abs(utterance.audio)) > 0.05
        assert utterance.has_timing  # espeak-ng's exact timing comes along
        assert len(shown) == 1 and "coqui:tiny could not speak" in shown[0] and "espeak:en-us instead" in shown[0]
        assert "the coqui worker stopped" in shown[0]
    finally:
        voice.close()


@needs_coqui
def test_the_live_engine_keeps_speaking_and_shows_the_failure(tiny_model, voices_dir):
    from tests.gl_probe import GL_PROBLEM

    if GL_PROBLEM:
        pytest.skip(f"no OpenGL 3.3 through EGL: {GL_PROBLEM}")
    from aac.live.engine import EngineSettings, LiveEngine
    from aac.live.video_outputs import FrameCollector
    from avatar.render import Renderer
    from avatar.rig import load_rig
    from profiles.store import BUNDLED_DIR
    from speech.fallback import open_with_fallback

    add_model_folder(tiny_model, "tiny")
    voice = open_with_fallback("coqui:tiny", "espeak:en-us")
    rig = load_rig(BUNDLED_DIR / "default" / "rig.npz")
    engine = LiveEngine(lambda: Renderer(rig, 160, 90), voice, EngineSettings(width=160, height=90, fps=15.0),
                        video_outputs=[FrameCollector()], prepare=False)
    engine.start()
    try:
        first = engine.say("Hello.")
        _wait_idle(engine)
        assert first in engine.stats.first_audio_s and not engine.status().problems
        voice.primary._process.kill()
        second = engine.say("Can you hear me?")
        _wait_idle(engine)
        assert second in engine.stats.first_audio_s  # it was heard all the same
        problems = engine.status().problems
        assert any("coqui:tiny could not speak" in p and "espeak:en-us" in p for p in problems), problems
    finally:
        engine.close()
        voice.close()


def _wait_idle(engine, timeout_s=60.0):
    deadline = time.monotonic() + timeout_s
    time.sleep(0.05)
    while not engine.idle() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert engine.idle()
