"""The live loop's clock (aac.live.player.ClockPlayer): between messages the wall clock keeps time without steps,
speech queued then starts at once, and the clock never runs backwards across a message's start or end."""

from __future__ import annotations

import threading
import time

import numpy as np

from aac.live.player import ClockPlayer
from speech.audio_out import PacedOutput

RATE_HZ = 16000


def test_the_clock_never_runs_back_and_speech_is_never_placed_in_the_past():
    player = ClockPlayer([PacedOutput(RATE_HZ)], RATE_HZ)
    readings: list[float] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            readings.append(player.position_s())
            time.sleep(0.0003)

    watcher = threading.Thread(target=watch, daemon=True)
    player.start()
    watcher.start()
    try:
        placed = []
        rng = np.random.default_rng(1)
        for _ in range(8):
            time.sleep(float(rng.uniform(0.005, 0.06)))  # said at any moment between the silent ticks
            before_s = player.position_s()
            started = threading.Event()
            segment = player.queue("m", np.full(int(0.05 * RATE_HZ), 0.1, np.float32),
                                   on_start=lambda s, started=started: started.set())
            assert started.wait(2.0)
            placed.append((before_s, segment.start_s))
            while player.busy():
                time.sleep(0.002)
    finally:
        stop.set()
        watcher.join()
        player.stop()
    steps = np.diff(readings)
    assert len(readings) > 500 and steps.min() >= -1e-6, steps.min()  # never backwards
    for before_s, start_s in placed:
        # heard after the moment it was said (a speech placed in the past would cut its own first frames)
        assert start_s >= before_s - 1e-6, (before_s, start_s)


def test_between_messages_the_clock_follows_the_wall_clock_without_ten_ms_steps():
    player = ClockPlayer([PacedOutput(RATE_HZ)], RATE_HZ)
    player.start()
    try:
        time.sleep(0.05)
        readings = []
        for _ in range(200):
            readings.append((time.monotonic(), player.position_s()))
            time.sleep(0.0005)
    finally:
        player.stop()
    wall = np.array([w for w, _ in readings])
    clock = np.array([c for _, c in readings])
    # with the old silent ticks the clock stood still for up to 10 ms and then jumped: most readings repeated
    repeated = np.mean(np.diff(clock) == 0.0)
    assert repeated < 0.2, repeated
    drift = (clock - clock[0]) - (wall - wall[0])
    assert np.abs(drift).max() < 0.005, np.abs(drift).max()
