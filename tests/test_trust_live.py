"""Issue 17, "must not happen" 2, 6 and 7, in `live` and `render` as a person runs them: words the person
stopped are not captioned or kept, recordings survive SIGTERM / SIGHUP / odd sizes / failed renders and are
owner-only, and a mistyped command never eats the next message."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from aac.live.face import LiveFace
from aac.live.video_outputs import Mp4Recorder
from profiles.schema import Profile
from profiles.store import ProfileStore
from tests.gl_probe import requires_gl

# A 60-word sentence: about 20 s of speech.
LONG_SENTENCE = " ".join(["the quick brown fox jumps over the lazy dog and then"] * 6)
ODD_WIDTH, ODD_HEIGHT = 641, 361  # H.264 needs even sizes: the recording must still be made


@pytest.fixture
def env(tmp_path):
    store = ProfileStore(tmp_path / "profiles")
    # small and slow, to spare the shared CPU; odd on purpose
    store.save(Profile(name="default", outputs={"width": ODD_WIDTH, "height": ODD_HEIGHT, "fps": 12}))
    return {**os.environ, "AAC_AVATAR_PROFILES_DIR": str(tmp_path / "profiles"),
            "XDG_CACHE_HOME": str(tmp_path / "cache"), "PULSE_SERVER": f"unix:{tmp_path}/no-sound-server"}


def _live(env: dict, record: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "aac", "live", "--no-camera", "--no-microphone", "--no-speakers",
         "--voice", "espeak:en-us", "--record", str(record)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )


def _type(process: subprocess.Popen, line: str) -> None:
    process.stdin.write(line + "\n")
    process.stdin.flush()


def _wait_for_start(process: subprocess.Popen, record: Path) -> None:
    deadline = time.monotonic() + 120
    while not list(record.parent.glob(f"{record.name}.unfinished-*/video.mp4")):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "live did not start recording"
        time.sleep(0.1)
    time.sleep(1.0)


def _audio_16k(path: Path) -> np.ndarray:
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1", "-ar", "16000", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.int16).astype(np.float32) / 32768


def _speech_span_s(path: Path) -> tuple[float, float]:
    audio = _audio_16k(path)
    blocks = audio[: len(audio) // 160 * 160].reshape(-1, 160)
    loud = np.nonzero(np.sqrt((blocks**2).mean(axis=1)) > 0.01)[0]
    assert loud.size, f"{path} holds no speech"
    return loud[0] * 0.01, (loud[-1] + 1) * 0.01


def _video_size(path: Path) -> tuple[int, int, float]:
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                          "stream=width,height:format=duration", "-of", "default=nw=1:nk=1", str(path)],
                         capture_output=True, text=True, check=True).stdout.split()
    return int(out[0]), int(out[1]), float(out[2])


def _fragments_over(folder: Path, seconds: float) -> bool:
    """Whether a recording under way in `folder` has written more than `seconds` of playable video."""
    for video in folder.glob("*.unfinished-*/video.mp4"):
        out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of",
                              "default=nw=1:nk=1", str(video)], capture_output=True, text=True).stdout.strip()
        try:
            return float(out) > seconds
        except ValueError:
            return False
    return False


def _frame(path: Path, at_s: float) -> np.ndarray:
    w, h, _ = _video_size(path)
    raw = subprocess.run(["ffmpeg", "-v", "error", "-ss", f"{at_s:.2f}", "-i", str(path), "-frames:v", "1",
                          "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(h, w, 3)


def _caption_band(frame: np.ndarray) -> float:
    """Mean brightness of the caption box's left end (the box darkens the full width; the face is central)."""
    h = frame.shape[0]
    return float(frame[h - h // 8 : h - h // 24, : frame.shape[1] // 16].mean())


def _private(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) == 0o600


@requires_gl
def test_stop_ends_captions_mouth_and_recorded_speech_with_the_voice(tmp_path: Path, env: dict) -> None:
    """The issue's command: (sleep 3; echo LONG; sleep 3; echo /stop; sleep; echo /quit) | live --record."""
    record = tmp_path / "stop.mp4"
    process = _live(env, record)
    _wait_for_start(process, record)
    _type(process, LONG_SENTENCE)
    time.sleep(4.0)
    _type(process, "/stop")
    time.sleep(4.0)
    _type(process, "/quit")
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert "Traceback" not in err and f"recording is saved in {record}" in err
    width, height, duration_s = _video_size(record)
    assert (width, height) == (ODD_WIDTH + 1, ODD_HEIGHT + 1)  # an odd size is padded, not a lost recording
    assert _private(record)
    start_s, end_s = _speech_span_s(record)
    # 20 s of speech was cut after about 4: the recording keeps what was heard, not the rest
    assert end_s - start_s < 6.0, (start_s, end_s)
    assert duration_s > end_s + 3.0  # the session went on, silent
    idle, speaking, after = (_caption_band(_frame(record, t)) for t in (start_s - 0.5, start_s + 1.5, end_s + 1.0))
    assert speaking < idle - 20  # a caption was shown while speaking ...
    assert abs(after - idle) < 5  # ... and none once the voice was stopped


@requires_gl
@pytest.mark.parametrize("kill", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_during_live_record_finishes_the_recording_and_says_so(tmp_path: Path, env: dict, kill) -> None:
    record = tmp_path / "call.mp4"
    process = _live(env, record)
    _wait_for_start(process, record)
    _type(process, "Hello there, this is being recorded.")
    time.sleep(3.0)
    process.send_signal(kill)
    time.sleep(0.05)
    process.send_signal(kill)  # a second one (an impatient window manager) must not cut the finishing short
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert f"ended by {kill.name}" in err and f"recording is saved in {record}" in err
    assert "Traceback" not in err
    assert _private(record)
    start_s, end_s = _speech_span_s(record)
    assert end_s > start_s + 0.5
    assert list(tmp_path.glob("call.mp4.unfinished-*")) == []  # nothing left behind


@requires_gl
def test_kill_9_during_live_record_keeps_what_was_recorded_beside_the_target(tmp_path: Path, env: dict) -> None:
    record = tmp_path / "call.mp4"
    process = _live(env, record)
    _wait_for_start(process, record)
    _type(process, "Hello there, this is being recorded.")
    time.sleep(3.0)
    # ffmpeg writes its fragments a little behind the frames; on a loaded machine give it time to have
    # written more than a second of them, so the kill lands where there is something to keep
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not _fragments_over(tmp_path, 1.0):
        time.sleep(0.5)
    process.kill()
    process.communicate(timeout=60)
    assert not record.exists()
    (kept,) = tmp_path.glob("call.mp4.unfinished-*")
    assert _video_size(kept / "video.mp4")[2] > 1.0  # playable up to its last fragment
    (pcm,) = kept.glob("audio-*hz-s16le-mono.pcm")
    assert np.abs(np.frombuffer(pcm.read_bytes(), np.int16)).max() > 1000  # the speech is there

    # the next recording into that folder makes it whole, beside where it was meant to go
    again = subprocess.run([sys.executable, "-m", "aac", "live", "--no-camera", "--no-microphone", "--no-speakers",
                            "--voice", "espeak:en-us", "--record", str(record)], input="Hi.\n", capture_output=True,
                           text=True, env=env, timeout=300)
    assert again.returncode == 0, again.stderr
    (recovered,) = tmp_path.glob("call (recovered *).mp4")
    assert f"a recording cut short earlier is saved in {recovered}" in again.stderr
    assert _video_size(recovered)[2] > 1.0 and _speech_span_s(recovered)[1] > 0.5
    assert stat.S_IMODE(recovered.stat().st_mode) == 0o600
    assert record.exists() and list(tmp_path.glob("*.unfinished-*")) == []


def _can_mount_in_a_namespace() -> bool:
    return shutil.which("unshare") is not None and subprocess.run(
        ["unshare", "-rm", "true"], capture_output=True).returncode == 0


@requires_gl
@pytest.mark.skipif(not _can_mount_in_a_namespace(), reason="unshare -rm (user and mount namespaces) is not "
                    "available here: the test fills a small tmpfs of its own")
def test_a_render_failing_on_a_full_disk_leaves_the_file_at_the_output_as_it_was(tmp_path: Path, env: dict) -> None:
    """`render -o` onto a disk with 12 KB free, over an earlier 150 KB file: ffmpeg fails (it used to exit 0)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    script = (
        f'mount -t tmpfs -o size=160k tmpfs "{disk}" && head -c 150000 /dev/urandom > "{disk}/hello.mp4" '
        f'&& sha256sum < "{disk}/hello.mp4" && "{sys.executable}" -m aac render --voice espeak:en-us '
        f'--text "Hello there, how are you today? I am fine, thank you." -o "{disk}/hello.mp4"; '
        f'echo "rc=$?"; sha256sum < "{disk}/hello.mp4"; ls -A "{disk}"'
    )
    done = subprocess.run(["unshare", "-rm", "bash", "-c", script], capture_output=True, text=True, env=env,
                          timeout=300)
    lines = done.stdout.split("\n")
    before, rc, after, names = lines[0], lines[1], lines[2], lines[3:]
    assert rc != "rc=0", done.stdout
    assert "Traceback" not in done.stderr and "unexpected error" not in done.stderr, done.stderr
    assert "No space left on device" in done.stderr
    assert after == before  # the earlier video is whole
    assert [n for n in names if n] == ["hello.mp4"]  # and no temporary file left


@requires_gl
def test_render_writes_an_owner_only_video_at_an_odd_size(tmp_path: Path, env: dict) -> None:
    out = tmp_path / "hello.mp4"
    done = subprocess.run([sys.executable, "-m", "aac", "render", "--text", "Hello.", "--voice", "espeak:en-us",
                           "-o", str(out)], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert _video_size(out)[:2] == (ODD_WIDTH + 1, ODD_HEIGHT + 1) and _private(out)


@requires_gl
def test_a_mistyped_emotion_is_reported_at_once_and_the_next_message_is_spoken(tmp_path: Path, env: dict) -> None:
    record = tmp_path / "emotion.mp4"
    process = _live(env, record)
    _wait_for_start(process, record)
    for line in ("/emotion hapy", "/emotion happy lots", "/emotion happy 0.5 more"):
        _type(process, line)
    time.sleep(1.5)
    # each mistake is on stderr before anything else is typed
    os.set_blocking(process.stderr.fileno(), False)
    seen = process.stderr.read() or ""
    assert "unknown emotion 'hapy'" in seen and "'lots' is not a number" in seen and "takes a name" in seen
    os.set_blocking(process.stderr.fileno(), True)
    _type(process, "Hello there.")
    _type(process, "/quit")
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0 and "Traceback" not in err
    start_s, end_s = _speech_span_s(record)  # the message after the mistakes was spoken
    assert end_s - start_s > 0.5


def test_face_cut_ends_the_caption_of_the_sentence_being_said() -> None:
    from aac.live.face import SpokenPart
    from avatar.motion.controls import MotionControls
    from avatar.motion.speech_motion import speech_motion
    from speech.registry import get_voice

    voice = get_voice("espeak:en-us")
    utterance = voice.synthesize("one two three four five six seven eight nine ten")
    face = LiveFace(MotionControls(), 25.0)
    face.place(1.0, SpokenPart(speech_motion(utterance, 25.0), utterance.text, utterance.words, "neutral", 0.6))
    assert face.caption(2.0)
    idle = LiveFace(MotionControls(), 25.0).params(2.5)
    face.cut(2.0)
    assert face.caption(2.1) == "" and face.caption(2.5) == ""
    np.testing.assert_allclose(face.params(2.5), idle, atol=1e-6)  # the mouth is back at rest too


def test_recorder_keeps_only_the_speech_heard_before_a_cut(tmp_path: Path) -> None:
    rate, fps = 16000, 10
    recorder = Mp4Recorder(tmp_path / "r.mp4", 64, 48, fps, rate)
    recorder.add_audio(np.full(rate * 3, 0.5, np.float32), at_s=0.5)  # 3 s of sound from 0.5 s
    frame = np.zeros((48, 64, 3), np.uint8)
    for _ in range(10):  # 1 s of frames
        recorder.send(frame)
    recorder.cut_audio(1.5)
    for _ in range(30):
        recorder.send(frame)
    recorder.close()
    assert _private(tmp_path / "r.mp4")
    start_s, end_s = _speech_span_s(tmp_path / "r.mp4")
    assert start_s == pytest.approx(0.5, abs=0.05) and end_s == pytest.approx(1.5, abs=0.05)


@requires_gl
def test_skip_drops_the_rest_of_one_message_and_records_the_next_whole(tmp_path: Path) -> None:
    """In the engine: a 20 s message skipped after about 2 s; the short one queued after it is recorded whole."""
    from aac.live.engine import EngineSettings, LiveEngine
    from avatar.render import Renderer
    from avatar.rig import load_rig
    from profiles.store import BUNDLED_DIR
    from speech.registry import get_voice

    voice = get_voice("espeak:en-us")
    rig = load_rig(BUNDLED_DIR / "default" / "rig.npz")
    settings = EngineSettings(width=160, height=120, fps=10)
    recorder = Mp4Recorder(tmp_path / "skip.mp4", 160, 120, 10, voice.sample_rate_hz)
    engine = LiveEngine(lambda: Renderer(rig, 160, 120), voice, settings, video_outputs=[recorder], prepare=False)
    engine.start()
    try:
        engine.say(LONG_SENTENCE)
        short = voice.synthesize("Thank you very much.")
        engine.say("Thank you very much.")
        deadline = time.monotonic() + 30
        while not engine.player.busy():
            assert time.monotonic() < deadline
            time.sleep(0.01)
        time.sleep(2.0)
        engine.skip()
        while not engine.idle():
            assert time.monotonic() < deadline + 30
            time.sleep(0.05)
        time.sleep(0.5)
    finally:
        engine.close()
    start_s, end_s = _speech_span_s(tmp_path / "skip.mp4")
    # about 2 s of the long one, then the short one in full: far less than the long one's 20 s
    assert end_s - start_s < 2.0 + short.duration_s + 2.0, (start_s, end_s)
    assert end_s - start_s > short.duration_s + 1.0


@requires_gl
def test_a_picture_of_the_face_is_owner_only_and_a_bad_name_keeps_the_old_one(tmp_path: Path, env: dict) -> None:
    out = tmp_path / "face.png"
    done = subprocess.run([sys.executable, "-m", "aac", "avatar", "pose", "--width", "200", "--height", "200",
                           "-o", str(out)], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert _private(out)
    odd = tmp_path / "face.notanimage"
    odd.write_bytes(b"kept")
    done = subprocess.run([sys.executable, "-m", "aac", "avatar", "pose", "--width", "200", "--height", "200",
                           "-o", str(odd)], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert odd.read_bytes() == b"kept" and sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@requires_gl
def test_render_killed_outright_keeps_the_old_file_and_the_next_render_clears_its_temp(tmp_path: Path,
                                                                                         env: dict) -> None:
    out = tmp_path / "hello.mp4"
    out.write_bytes(b"an earlier video")
    temp_folder = tmp_path / "tmp"  # where a temporary copy of the speech would go: none is ever written
    temp_folder.mkdir()
    env = {**env, "TMPDIR": str(temp_folder)}
    long_text = " ".join(["This message takes a while to render, sentence after sentence."] * 8)
    process = subprocess.Popen([sys.executable, "-m", "aac", "render", "--voice", "espeak:en-us", "--text", long_text,
                                "-o", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    deadline = time.monotonic() + 120
    while not [p for p in tmp_path.glob(".hello.*.mp4") if p.stat().st_size > 0]:
        assert process.poll() is None and time.monotonic() < deadline, "render ended before it could be killed"
        time.sleep(0.05)
    process.kill()
    process.wait(timeout=30)
    assert out.read_bytes() == b"an earlier video"
    assert list(tmp_path.glob(".hello.*.mp4"))  # the killed writer's half file ...
    assert list(temp_folder.rglob("*")) == []  # ... and no copy of the person's words left anywhere else
    done = subprocess.run([sys.executable, "-m", "aac", "render", "--voice", "espeak:en-us", "--text", "Hello.",
                           "-o", str(out)], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert list(tmp_path.glob(".hello.*.mp4")) == []  # ... is cleared by the next render to that name
    assert _video_size(out)[2] > 0.5


def test_the_virtual_camera_gets_an_even_size_from_an_odd_profile() -> None:
    """v4l2loopback's yuv420p and Chrome refuse odd widths: the camera opens one line wider, edge repeated."""
    from aac.live.memory_camera import register_memory_camera
    from aac.live.video_outputs import VirtualCameraOutput

    arrived: list[np.ndarray] = []
    register_memory_camera("aac-trust-odd", arrived.append)
    camera = VirtualCameraOutput(ODD_WIDTH, ODD_HEIGHT, 10, backend="aac-trust-odd")
    assert not camera.error
    frame = np.random.default_rng(0).integers(0, 255, (ODD_HEIGHT, ODD_WIDTH, 3), dtype=np.uint8)
    camera.send(frame)
    camera.close()
    assert not camera.error
    sent = arrived[0].reshape(ODD_HEIGHT + 1, ODD_WIDTH + 1, 3)
    assert np.array_equal(sent[:ODD_HEIGHT, :ODD_WIDTH], frame)
    assert np.array_equal(sent[:ODD_HEIGHT, ODD_WIDTH], frame[:, -1])
