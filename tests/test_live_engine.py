"""The live engine with the real voice, motion and renderer: camera frames, microphone, recording, control."""

from __future__ import annotations

import time

import numpy as np
import pytest

from aac.live.engine import EngineSettings, LiveEngine
from aac.live.memory_camera import register_memory_camera
from aac.live.overlays import OverlaySettings
from aac.live.video_outputs import FrameCollector, Mp4Recorder, VirtualCameraOutput
from avatar.render import Renderer
from avatar.rig import load_rig
from profiles.store import BUNDLED_DIR
from speech.registry import get_voice
from tests.gl_probe import requires_gl

pytestmark = requires_gl  # every test renders

W, H, FPS = 320, 180, 30.0
LIVE_LATENCY_MS = 100


@pytest.fixture(scope="module")
def rig():
    return load_rig(BUNDLED_DIR / "default" / "rig.npz")


@pytest.fixture(scope="module")
def voice():
    return get_voice("espeak:en-us")


def make_engine(rig, voice, outputs, audio=None, overlays=None, prepare=False):
    settings = EngineSettings(width=W, height=H, fps=FPS, overlays=overlays or OverlaySettings())
    return LiveEngine(lambda: Renderer(rig, W, H), voice, settings, audio_outputs=audio, video_outputs=outputs,
                      prepare=prepare)


def wait_idle(engine, timeout_s=30.0):
    deadline = time.monotonic() + timeout_s
    while not engine.idle() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert engine.idle()


def test_frames_reach_the_camera_at_size_and_rate(rig, voice):
    arrived = []
    register_memory_camera("aac-test-memory", lambda frame: arrived.append((time.monotonic(), frame.size)))
    camera = VirtualCameraOutput(W, H, FPS, backend="aac-test-memory")
    assert not camera.error
    engine = make_engine(rig, voice, [camera])
    engine.start()
    time.sleep(0.5)  # renderer start-up
    t0 = time.monotonic()
    engine.say("Hello, I am here.")
    time.sleep(2.0)
    engine.close()
    frames = [f for f in arrived if f[0] >= t0]  # pyvirtualcam hands backends flat RGB
    assert all(size == H * W * 3 for _, size in frames)
    rate = (len(frames) - 1) / (frames[-1][0] - frames[0][0])
    assert 25 <= rate <= 31  # about 30 fps, never faster than the clock
    status = engine.status()
    assert status.outputs[0].running and not status.problems


def test_idle_face_is_alive(rig, voice):
    collector = FrameCollector(keep=0)
    engine = make_engine(rig, voice, [collector])
    params = []
    engine.start()
    deadline = time.monotonic() + 4.0
    while time.monotonic() < deadline:
        if engine.last_params is not None:
            params.append(engine.last_params.copy())
        time.sleep(1 / 30)
    engine.close()
    params = np.array(params)
    assert np.ptp(params, axis=0).max() > 0.05  # something moves while nothing is said
    from avatar.params import PARAM_INDEX

    assert params[:, PARAM_INDEX["jaw_open"]].max() < 0.1  # and the mouth stays closed


def test_mouth_opens_when_speech_plays(rig, voice):
    from avatar.params import PARAM_INDEX

    engine = make_engine(rig, voice, [FrameCollector()])
    engine.start()
    jaw = []
    entered = time.monotonic()
    engine.say("Wow, that is amazing!")
    deadline = time.monotonic() + 3.0
    while time.monotonic() < deadline:
        if engine.last_params is not None:
            jaw.append((time.monotonic() - entered, float(engine.last_params[PARAM_INDEX["jaw_open"]])))
        time.sleep(0.005)
    engine.close()
    opened = [t for t, j in jaw if j > 0.2]
    assert opened and opened[0] < 0.5


def test_stop_and_skip(rig, voice):
    engine = make_engine(rig, voice, [FrameCollector()])
    engine.start()
    long_text = " ".join(f"This is sentence number {i}." for i in range(30))
    first = engine.say(long_text)
    second = engine.say("Second message.")
    time.sleep(0.8)
    engine.skip()  # drops the long one; the second follows
    time.sleep(0.3)
    wait_idle(engine)
    assert second in engine.stats.first_audio_s
    heard_long = engine.stats.first_audio_s[second] - engine.stats.first_audio_s[first]
    assert heard_long < 3.0  # 30 sentences would take over 30 s
    engine.say(long_text)
    third = engine.say("Never said.")
    time.sleep(0.8)
    engine.stop_speaking()
    wait_idle(engine, timeout_s=5)
    assert third not in engine.stats.first_audio_s
    engine.close()


def test_overlays_drawn_when_on_and_absent_when_off(rig, voice):
    def top_right_band(overlays):
        collector = FrameCollector(keep=1)
        engine = make_engine(rig, voice, [collector], overlays=overlays)
        engine.start()
        engine.compose("I am typ")
        time.sleep(1.2)
        engine.close()
        return collector.frames[-1]

    on = top_right_band(OverlaySettings(captions=True, typing_indicator=True, ai_label=True))
    off = top_right_band(OverlaySettings(captions=False, typing_indicator=False, ai_label=False))
    corner = (slice(0, H // 8), slice(W - W // 3, W))
    typing_box = (slice(0, H // 8), slice(0, W // 3))
    # the label and the typing box are dark boxes with white text where they are on
    for region in (corner, typing_box):
        assert on[region].max() > 200 and on[region].astype(int).min() < 60
        assert np.abs(on[region].astype(int) - off[region].astype(int)).mean() > 10


def test_captions_follow_the_words(rig, voice):
    collector = FrameCollector(keep=0)
    engine = make_engine(rig, voice, [collector])
    engine.start()
    time.sleep(0.3)
    engine.say("One two three four five six seven.")
    captions = []
    deadline = time.monotonic() + 3.5
    while time.monotonic() < deadline:
        captions.append(engine.face.caption(engine.player.position_s()))
        time.sleep(0.02)
    engine.close()
    shown = [c for c in captions if c]
    assert shown[0].startswith("One") and len(shown[0].split()) <= 2  # words appear as they are spoken
    assert shown[-1].startswith("One two three") and "seven." in shown[-1]


def test_camera_failing_on_open_or_mid_stream_leaves_the_engine_running(rig, voice):
    register_memory_camera("aac-test-no-driver", fail_on_open="camera driver not loaded")
    broken = VirtualCameraOutput(W, H, FPS, backend="aac-test-no-driver")
    assert "camera driver not loaded" in broken.error
    register_memory_camera("aac-test-unplugged", fail_after=10)
    unplugged = VirtualCameraOutput(W, H, FPS, backend="aac-test-unplugged")
    collector = FrameCollector()
    engine = make_engine(rig, voice, [broken, unplugged, collector])
    engine.start()
    engine.say("Still talking.")
    time.sleep(2.0)
    status = engine.status()
    engine.close()
    by_name = {(o.name, i): o for i, o in enumerate(status.outputs)}
    assert not by_name[("camera", 0)].running and "driver" in by_name[("camera", 0)].detail
    assert not by_name[("camera", 1)].running and "unplugged" in by_name[("camera", 1)].detail
    assert by_name[("collector", 2)].running and collector.frames_sent > 30


@pytest.mark.pulse
def test_virtual_microphone_receives_the_speech(rig, voice, pulse_server):
    from speech.audio_out import open_output
    from speech.source_recorder import SourceRecorder
    from speech.virtual_mic import VirtualMicrophone
    from tests.speech_checks import aligned_correlation

    rate = voice.sample_rate_hz
    with VirtualMicrophone() as mic, SourceRecorder("aac_avatar_microphone", rate) as recorder:
        assert recorder.started.wait(10) and recorder.error is None
        out = open_output(rate, mic.playback_device, latency_ms=LIVE_LATENCY_MS)
        engine = make_engine(rig, voice, [FrameCollector()], audio=[out])
        played = []
        queue = engine.player.queue
        engine.player.queue = lambda key, audio, on_start=None: played.append(audio) or queue(key, audio, on_start)
        engine.start()
        engine.say("Can you pass me the water, please?")
        time.sleep(1.0)
        wait_idle(engine)
        time.sleep(0.5)  # what is still in the server's buffers
        engine.close()
        out.close()
    # compare with what the engine played: the same sentence synthesized again differs slightly
    assert aligned_correlation(recorder.audio(), np.concatenate(played)) > 0.95


def test_recording_keeps_mouth_and_voice_in_sync(rig, voice, tmp_path):
    """The mp4's A/V offset: mouth opening (landmarks on the decoded frames) against the voice's
    loudness; and what is left once the motion's own lag and the face's deliberate lead are counted."""
    from aac.live.av_sync import av_offset, motion_lag_ms
    from aac.live.face import VISUAL_LEAD_S
    from avatar.motion.speech_motion import speech_motion
    from avatar.params import PARAM_INDEX

    text = "Papa, mama, baby! Bob ate a big apple. Wow, amazing."
    path = tmp_path / "session.mp4"
    recorder = Mp4Recorder(path, W, H, FPS, voice.sample_rate_hz)
    engine = make_engine(rig, voice, [recorder], overlays=OverlaySettings(False, False, False))
    engine.start()
    time.sleep(0.5)
    engine.say(text)
    time.sleep(0.3)
    wait_idle(engine)
    time.sleep(0.5)
    engine.close()
    measured = av_offset(path, W, H, FPS, voice.sample_rate_hz)
    utterance = voice.synthesize(text)
    own = motion_lag_ms(utterance.audio, utterance.sample_rate_hz,
                        speech_motion(utterance, FPS).values[:, PARAM_INDEX["jaw_open"]], FPS)
    assert measured.correlation > 0.3  # the mouth really follows the voice
    assert -45 <= measured.offset_ms <= 20  # never sound more than 20 ms before the mouth, nor 45 ms after
    assert abs(measured.offset_ms - own + VISUAL_LEAD_S * 1000) <= 34  # beyond the lead, at most a frame


def test_preview_window_shows_frames_with_the_dummy_video_driver(rig, voice, monkeypatch):
    from aac.live.video_outputs import PreviewWindow

    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")  # no display here: SDL's dummy driver
    window = PreviewWindow(W, H)
    assert not window.error
    engine = make_engine(rig, voice, [window])
    engine.start()
    time.sleep(1.0)
    engine.close()
    status = window.status()
    assert status.running and window.frames_sent > 10
