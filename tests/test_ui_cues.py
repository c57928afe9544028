"""Scanning cues reach the person's own speakers, never the call's microphone (a PulseAudio the test starts)."""

from __future__ import annotations

import time

import numpy as np
import pytest

from aac.ui.engine_link import CueSpeaker
from speech.source_recorder import SourceRecorder
from speech.virtual_mic import VirtualMicrophone

pytestmark = pytest.mark.pulse
RATE = 22050


def test_cues_go_to_the_speakers_and_not_into_the_call(pulse_server):
    with VirtualMicrophone(), SourceRecorder("test_speakers.monitor", RATE) as speakers, \
                SourceRecorder("aac_avatar_microphone", RATE) as call:
        assert speakers.started.wait(10) and call.started.wait(10)
        cues = CueSpeaker()
        try:
            for label in ("Feelings", "Speak", "Yes"):
                cues.say(label)
                time.sleep(0.8)
            time.sleep(0.5)
        finally:
            cues.close()
        assert cues.problem is None
    heard = np.abs(speakers.audio()).max(initial=0.0)
    leaked = np.abs(call.audio()).max(initial=0.0)
    assert heard > 0.05, "the cues were not heard on the speakers"
    assert leaked < 0.001, "a cue reached the call's microphone"
