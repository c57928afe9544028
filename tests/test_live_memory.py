"""What the live path loads: no scipy (about 76 MB of imports for a resampler and a peak finder)
and no onnx package (11 MB) once a voice's patched model is cached."""

import json
import subprocess
import sys

from speech.registry import get_voice

_LIVE_PATH = r"""
import json, sys
import numpy as np
from aac.live.engine import LiveEngine  # noqa: F401
from aac.live.profile_settings import engine_settings
from aac.rig_for_profile import load_profile_rig
from avatar.lipsync.model import default_model
from avatar.motion.speech_motion import speech_motion
from profiles.store import ProfileStore
from speech.registry import get_voice

store = ProfileStore()
loaded = store.open("default")
engine_settings(loaded.profile, None, None, None)
load_profile_rig(store, loaded, quiet=True)
voice = get_voice(sys.argv[1])
utt = voice.synthesize("Could we go for a walk later?")
speech_motion(utt, 30.0)  # from the voice's phones, with the prosody's nods and brows
speech_motion(utt, 30.0, prefer_audio=True, lipsync=default_model())  # from the audio: resampler, log-mel
stream = default_model().stream(utt.sample_rate_hz)
stream.push(utt.audio[:5000]); stream.flush()
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


def _top_level_modules(voice_id: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", _LIVE_PATH, voice_id], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_the_live_path_with_espeak_imports_no_scipy():
    modules = _top_level_modules("espeak:en-us")
    assert "avatar" in modules and "onnxruntime" in modules  # the path ran: the lip-sync model was loaded
    assert "scipy" not in modules


def test_the_live_path_with_piper_imports_neither_scipy_nor_onnx():
    get_voice("piper:en_US-joe-medium").close()  # patches and caches the model once, if not done yet
    modules = _top_level_modules("piper:en_US-joe-medium")
    assert "piper" in modules and "scipy" not in modules and "onnx" not in modules
