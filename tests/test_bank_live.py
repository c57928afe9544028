"""Message banking end to end through the real live engine: a recording made with the product's own voice is
banked, the person speaks its phrase on the board, and the engine plays the recording (not synthesis) with
the lips following its audio, closed in its pause."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

import time

import numpy as np
import pytest
import soundfile as sf

from aac.bank import BankedPhrases, bank_file
from aac.board.vocabulary import default_board_set, keyboard_board
from aac.live.engine import EngineSettings, LiveEngine
from aac.live.video_outputs import FrameCollector
from aac.provenance.audio_mark import mark_audio
from aac.ui.engine_link import EngineSpeaker
from aac.ui.model import AppModel
from avatar.params import PARAM_INDEX
from avatar.render import Renderer
from avatar.rig import load_rig
from profiles.store import BUNDLED_DIR, ProfileStore
from speech.registry import get_voice
from tests.gl_probe import requires_gl

pytestmark = requires_gl  # the engine renders every frame
W, H, FPS = 320, 180, 30.0
PHRASE = "Good to see you again!"


@pytest.fixture(scope="module")
def voice():
    return get_voice("espeak:en-us")


@pytest.fixture
def engine(voice):
    rig = load_rig(BUNDLED_DIR / "default" / "rig.npz")
    live = LiveEngine(lambda: Renderer(rig, W, H), voice, EngineSettings(width=W, height=H, fps=FPS),
                      video_outputs=[FrameCollector()])
    live.played, live.parts = [], []
    queue, place = live.player.queue, live.face.place
    live.player.queue = lambda key, audio, on_start=None: live.played.append(audio) or queue(key, audio, on_start)
    live.face.place = lambda start_s, part: live.parts.append(part) or place(start_s, part)
    live.start()
    yield live
    live.close()


def speak_and_watch(engine: LiveEngine, model: AppModel, text: str, timeout_s: float = 20.0):
    """Speak `text` from the board; the jaw at each clock time (relative to the message's first sound)."""
    model.text = text
    model.speak()
    seen = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if engine.last_params is not None:
            seen.append((engine.player.position_s(), float(engine.last_params[PARAM_INDEX["jaw_open"]])))
        if engine.stats.first_audio_s and engine.idle():
            break
        time.sleep(0.005)
    assert engine.idle() and engine.stats.first_audio_s
    start_s = max(engine.stats.first_audio_s.values())
    return np.array([(t - start_s, jaw) for t, jaw in seen if t >= start_s])


def quiet_stretches(audio: np.ndarray, rate: int, min_s: float = 0.4) -> list[tuple[float, float]]:
    """(start_s, end_s) of each stretch at least `min_s` long with no sound in it."""
    frame = rate // 100
    loud = np.sqrt(np.mean(audio[: len(audio) // frame * frame].reshape(-1, frame) ** 2, axis=1)) > 1e-3
    stretches, start = [], None
    for i, is_loud in enumerate([*loud, True]):
        if not is_loud and start is None:
            start = i
        elif is_loud and start is not None:
            if (i - start) / 100 >= min_s:
                stretches.append((start / 100, i / 100))
            start = None
    return stretches


def test_a_banked_phrase_plays_its_recording_with_lips_from_its_audio(engine, voice, tmp_path):
    rate = voice.sample_rate_hz
    first, second = voice.synthesize("Good to see you."), voice.synthesize("Again!")
    pause = np.zeros(int(0.8 * rate), np.float32)
    recorded = np.concatenate([pause, first.audio, pause, second.audio, pause])
    sf.write(tmp_path / "greeting.wav", recorded, rate, subtype="PCM_16")
    store = ProfileStore(tmp_path / "profiles")
    entry = bank_file(store, "default", tmp_path / "greeting.wav", PHRASE).entry
    kept, kept_rate = sf.read(store.profile_dir("default") / entry.file, dtype="float32")
    assert kept_rate == rate and len(kept) < len(recorded) - int(1.2 * rate)  # the silence around it trimmed

    model = AppModel(default_board_set("en"), {"qwerty": keyboard_board("qwerty")},
                     EngineSpeaker(engine, BankedPhrases(store, "default", rate)))
    jaw = speak_and_watch(engine, model, "good to see you again")  # case and punctuation do not matter

    assert len(engine.played) == 1
    heard = engine.played[0]
    marked = mark_audio(kept, rate)  # everything the avatar says carries the voice's AI mark (issue 16)
    assert len(heard) == len(kept) and np.corrcoef(heard, marked)[0, 1] > 0.999  # the recording, not a voice
    assert engine.parts[0].motion.source == "audio" and engine.parts[0].text == "good to see you again"
    # its lips worked out ahead are the audio path's own: the same as the model gives on the recording now
    # (from the recording as the engine read it: what is heard also carries the voice's AI mark),
    # sharpened by the message's text read in the voice's language
    from aac.live.recording import recording_utterance
    from avatar.motion.speech_motion import speech_motion
    from speech.text_visemes import text_visemes
    from speech.utterance import Utterance

    unmarked = recording_utterance((store.profile_dir("default") / entry.file).read_bytes(), "x", rate).audio
    fresh = speech_motion(Utterance("x", unmarked, rate, "recording"), FPS,
                          text_visemes=text_visemes("good to see you again", "en-us"))
    assert np.allclose(engine.parts[0].motion.visemes, fresh.visemes, atol=1e-5)
    audio_only = speech_motion(Utterance("x", unmarked, rate, "recording"), FPS)
    assert not np.allclose(engine.parts[0].motion.visemes, audio_only.visemes, atol=1e-3)
    assert not engine.status().problems

    (gap_start, gap_end), = quiet_stretches(kept, rate)  # the pause between the two parts
    speech = jaw[(jaw[:, 0] > 0.05) & (jaw[:, 0] < gap_start - 0.05)]
    in_gap = jaw[(jaw[:, 0] > gap_start + 0.15) & (jaw[:, 0] < gap_end - 0.15)]
    after = jaw[(jaw[:, 0] > gap_end + 0.05) & (jaw[:, 0] < len(kept) / rate - 0.1)]
    assert len(speech) > 5 and len(in_gap) > 3 and len(after) > 3
    assert speech[:, 1].max() > 0.2 and after[:, 1].max() > 0.2  # the lips move with the recording
    assert in_gap[:, 1].max() < 0.08  # and rest closed in its pause


def test_a_message_not_banked_is_synthesized(engine, voice, tmp_path):
    rate = voice.sample_rate_hz
    sf.write(tmp_path / "yes.wav", voice.synthesize("Yes please.").audio, rate)
    store = ProfileStore(tmp_path / "profiles")
    bank_file(store, "default", tmp_path / "yes.wav", "Yes please")
    model = AppModel(default_board_set("en"), {"qwerty": keyboard_board("qwerty")},
                     EngineSpeaker(engine, BankedPhrases(store, "default", rate)),
                     phrases=["Yes please", "See you later"])
    # quick phrases are kept ready by the voice, but not a banked one: its recording is played
    assert engine.preparer.kept_ready == ["See you later"]
    speak_and_watch(engine, model, "Yes please, later")
    assert engine.parts and engine.parts[0].motion.source == "phones"  # the voice, with its exact timing


def test_a_banked_clip_gone_from_disk_is_spoken_by_the_voice(engine, voice, tmp_path):
    rate = voice.sample_rate_hz
    sf.write(tmp_path / "no.wav", voice.synthesize("No thanks.").audio, rate)
    store = ProfileStore(tmp_path / "profiles")
    entry = bank_file(store, "default", tmp_path / "no.wav", "No thanks").entry
    banked = BankedPhrases(store, "default", rate)
    (store.profile_dir("default") / entry.file).write_bytes(b"damaged")
    model = AppModel(default_board_set("en"), {"qwerty": keyboard_board("qwerty")}, EngineSpeaker(engine, banked))
    speak_and_watch(engine, model, "No thanks.")
    assert engine.parts and engine.parts[0].motion.source == "phones"  # never silent
    assert any("could not be played" in p and entry.file in p for p in engine.status().problems)


def test_aac_avatar_live_plays_a_banked_phrase(voice, tmp_path):
    """`aac-avatar live` in a real process: a typed line that is a banked phrase is the recording in the mp4."""
    import subprocess
    import sys

    from tests.speech_checks import aligned_correlation

    rate = voice.sample_rate_hz
    other = get_voice("espeak:en-gb+f3").synthesize("Thank you very much.")  # not the voice `live` speaks with
    sf.write(tmp_path / "ty.wav", other.audio, other.sample_rate_hz)
    store = ProfileStore(tmp_path / "profiles")
    entry = bank_file(store, "default", tmp_path / "ty.wav", "Thank you very much.").entry
    record = tmp_path / "session.mp4"
    env = {**os.environ, "AAC_AVATAR_PROFILES_DIR": str(store.root), "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "PULSE_SERVER": f"unix:{tmp_path}/no-sound-server"}
    done = subprocess.run([sys.executable, "-m", "aac", "live", "--voice", "espeak:en-us", "--fps", "20",
                           "--record", str(record)], input="thank you very much\n", capture_output=True, text=True,
                          env=env, timeout=180)
    assert done.returncode == 0, done.stderr
    heard = tmp_path / "heard.wav"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(record), "-ac", "1", "-ar", str(rate), str(heard)],
                   check=True)
    audio, _ = sf.read(heard, dtype="float32")
    kept, kept_rate = sf.read(store.profile_dir("default") / entry.file, dtype="float32")
    kept = mark_audio(kept, kept_rate)  # with the voice's AI mark, as everything the avatar says (issue 16)
    assert aligned_correlation(audio, kept) > 0.99  # the recording itself, not espeak saying the line
    spoken = voice.synthesize("thank you very much").audio
    assert aligned_correlation(np.concatenate([spoken, np.zeros(len(kept), np.float32)]), kept) < 0.5
