"""The live loop's timing without busy waiting: the audio clock in silence, its wake-up on speech,
the speech thread's wait for playback, and the render loop's pacer."""

from __future__ import annotations

import threading
import time

import numpy as np

from aac.live.pacing import FramePacer
from aac.live.player import ClockPlayer
from speech.audio_out import PacedOutput

RATE = 16000


def _thread_wakeups(thread: threading.Thread) -> int:
    with open(f"/proc/self/task/{thread.native_id}/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("voluntary_ctxt_switches"))


def test_the_clock_runs_in_silence_while_its_thread_sleeps_and_speech_wakes_it_at_once():
    player = ClockPlayer([PacedOutput(RATE)], RATE)
    player.start()
    try:
        time.sleep(0.1)
        woken = _thread_wakeups(player._thread)
        readings = []
        for _ in range(10):
            readings.append((time.monotonic(), player.position_s()))
            time.sleep(0.03)
        # the clock follows the wall clock smoothly between readings (it used to stand still between
        # the thread's wakes every 10 ms)...
        steps = np.diff(np.array(readings), axis=0)
        # (a reading held up between its two clocks on a busy machine may miss: two are let go)
        assert np.sum(np.abs(steps[:, 1] - steps[:, 0]) >= 0.005) <= 2, steps
        # ...while the thread slept (a wake every 10 ms would be about 30 here)
        assert _thread_wakeups(player._thread) - woken <= 3
        said_at = time.monotonic()
        segment = player.queue("hello", np.full(RATE // 5, 0.1, np.float32))
        while segment.start_s < 0 and time.monotonic() - said_at < 1.0:
            time.sleep(0.001)
        assert time.monotonic() - said_at < 0.2, "queued speech waited for the silent thread"
        # placed at the clock's time: nothing was buffered in silence
        assert abs(segment.start_s - player.position_s()) < 0.05
        player.wait_until_played(lambda: False)
        assert segment.finished and not player.busy()
    finally:
        player.stop()


def test_waiting_for_playback_ends_when_speech_is_cut():
    player = ClockPlayer([PacedOutput(RATE)], RATE)
    player.start()
    try:
        player.queue("long", np.zeros(RATE * 5, np.float32))
        threading.Timer(0.2, player.cut).start()
        started = time.monotonic()
        player.wait_until_played(lambda: False, poll_s=10.0)  # told of the cut: no poll needed
        assert time.monotonic() - started < 1.0
    finally:
        player.stop()


def test_the_pacer_starts_frames_early_by_the_median_drawing_time_at_most_half_a_frame():
    pacer = FramePacer(30.0)
    assert pacer.ahead_s == 0.0
    for took in (0.004, 0.006, 0.005, 0.2, 0.005):
        pacer.drawn(took)
    assert abs(pacer.ahead_s - 0.005) < 1e-9  # one slow frame does not move it
    for _ in range(40):
        pacer.drawn(0.05)
    assert pacer.ahead_s == 0.5 / 30.0
