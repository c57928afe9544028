"""`aac-avatar bench live`: its bad inputs, and one short real run (the engine, the spinners, the figures)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from aac.live.output_limits import video_format_problem
from tests.gl_probe import requires_gl


@pytest.fixture
def env(tmp_path):
    return {**os.environ, "AAC_AVATAR_PROFILES_DIR": str(tmp_path / "profiles"),
            "XDG_CACHE_HOME": str(tmp_path / "cache"), "PULSE_SERVER": f"unix:{tmp_path}/no-sound-server"}


def bench(*args, env, timeout=300):
    return subprocess.run([sys.executable, "-m", "aac", "bench", "live", *args], capture_output=True, text=True,
                          env=env, timeout=timeout)


@pytest.mark.parametrize(("args", "words"), [
    (("--busy-cores", str((os.cpu_count() or 1) + 1)), f"this machine has {os.cpu_count()} cores"),
    (("--busy-cores", "-1"), "busy cores -1 is out of range"),
    (("--size", "1281x720"), "1281 is odd; video needs even frame sizes"),
    (("--size", "100x80"), "outside what cameras and meeting apps take"),
    (("--size", "5000x3000"), "outside what cameras and meeting apps take"),
    (("--fps", "0"), "frame rate 0.0 is out of range"),
    (("--fps", "nan"), "not a finite number"),
    (("--fps", "120"), "is out of range (1 to 60)"),
    (("--messages", "0"), "count 0 is out of range"),
    (("--minutes", "inf"), "not a finite number"),
])
def test_bad_input_is_a_clear_message_before_anything_starts(env, args, words):
    done = bench(*args, env=env, timeout=60)
    assert done.returncode == 2
    assert words in done.stderr
    assert "Traceback" not in done.stderr and not done.stdout


def test_sizes_and_rates_the_outputs_take():
    for width, height, fps in ((1280, 720, 30), (640, 360, 15), (1920, 1080, 60), (160, 120, 1)):
        assert video_format_problem(width, height, fps) == ""


@requires_gl
def test_a_short_run_prints_every_figure_and_stops_its_spinners(env):
    spinning_before = _spinners()
    done = bench("--json", "--voice", "espeak:en-us", "--size", "320x180", "--idle-seconds", "2", "--messages", "2",
                 "--busy-cores", "1", env=env)
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert figures["busy_cores"] == 1 and figures["frame_size"] == "320x180"
    assert figures["frames_rendered"] > 60
    assert 0 < figures["engine_cpu_cores_idle"] < 2 and 0 < figures["engine_cpu_cores_speaking"] < 2
    assert figures["messages"] == 2 and figures["problems"] == "none"
    # the engine's CPU by thread: the named threads drew and spoke, and the groups add up to the whole
    assert figures["engine_cpu_cores_speaking_render"] > 0 and figures["engine_cpu_cores_speaking_speech"] > 0
    by_thread = sum(v for k, v in figures.items() if k.startswith("engine_cpu_cores_speaking_"))
    assert abs(by_thread - figures["engine_cpu_cores_speaking"]) < 0.05
    assert figures["engine_cpu_cores_composing"] > 0 and figures["engine_cpu_cores_saying"] > 0
    for key in ("speak_to_first_audio_ms_median_composed", "speak_to_first_audio_ms_median_not_composed",
                "speak_to_first_open_mouth_ms_median_composed", "av_offset_ms_median", "rss_mb_end"):
        assert figures[key] == figures[key] and figures[key] > 0, key  # measured: not NaN
    assert not _spinners() - spinning_before, "the bench left its spinning processes running"


def _spinners() -> set[str]:
    found = subprocess.run(["pgrep", "-f", "-x", f"{sys.executable} -c while True: pass"], capture_output=True,
                           text=True).stdout
    return set(found.split())


class _FakeClock:
    def __init__(self) -> None:
        self.now_s = 100.0

    def __call__(self) -> float:
        return self.now_s

    def sleep(self, seconds: float) -> None:
        self.now_s += max(0.0, seconds)


def test_a_gap_inside_a_message_is_an_underrun_and_a_new_message_after_silence_is_not(monkeypatch):
    import numpy as np

    from aac.benches import live

    clock = _FakeClock()
    monkeypatch.setattr(live.time, "sleep", clock.sleep)
    out = live._WatchedOutput(1000)
    out._clock = clock
    out._due = clock()
    playing = {"key": 1}
    out.playing = lambda: playing["key"]
    block = np.zeros(20, np.float32)  # 20 ms at 1 kHz
    for _ in range(10):  # message 1 at pace: the buffer never runs dry
        out.write(block)
    assert out.underruns == 0
    clock.now_s = out._due + 0.05  # message 2 starts 50 ms after message 1 was heard to its end
    playing["key"] = 2
    out.write(block)
    assert out.underruns == 0
    out.write(block)
    clock.now_s = out._due + 0.08  # its next sentence comes 80 ms after the buffer ran dry: heard as a gap
    out.write(block)
    assert out.underruns == 1 and abs(out.starved_s - 0.08) < 1e-9


def test_the_player_tells_which_message_each_block_belongs_to():
    import numpy as np

    from aac.live.player import ClockPlayer
    from speech.audio_out import PacedOutput

    keys = []

    class Noting(PacedOutput):
        def write(self, audio):
            keys.append(player.playing_key())
            super().write(audio)

    player = ClockPlayer([Noting(1000)], 1000)
    player.start()
    try:
        player.queue("first", np.zeros(60, np.float32))
        player.queue("second", np.zeros(40, np.float32))
        player.wait_until_played(lambda: False)
    finally:
        player.stop()
    assert keys == ["first"] * 3 + ["second"] * 2
    assert player.playing_key() is None
