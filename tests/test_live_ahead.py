"""Composed speech is prepared with what the engine would otherwise work out at Speak (aac.live.ahead): the
prosody the head follows and the voice's AI mark, the same values the engine computes for itself."""

from __future__ import annotations

import time

import numpy as np

from aac.live.engine import EngineSettings, LiveEngine
from aac.provenance.audio_mark import mark_audio
from avatar.motion.prosody import analyse
from speech.registry import get_voice


def test_a_composed_message_is_prepared_with_its_prosody_and_mark():
    voice = get_voice("espeak:en-us")
    engine = LiveEngine(lambda: None, voice, EngineSettings(width=160, height=90))
    try:
        text = "Could you open the window? It is warm in here."
        said = list(engine.preparer.take(text))  # said once already (history): kept, nothing worked out ahead
        assert all("prosody" not in u.meta for u in said)
        engine.compose(text)  # composed again: what is left is worked out ahead
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            ready = engine.preparer.is_ready(text) and all(
                "ai_marked_audio" in u.meta for u in engine.preparer._cache.values())
            if ready:
                break
            time.sleep(0.02)
        sentences = list(engine.preparer.take(text))
        assert len(sentences) == 2 and engine.preparer.stats["hits"] == 2 and engine.preparer.stats["misses"] == 2
        for utterance in sentences:
            fresh = analyse(utterance.audio, utterance.sample_rate_hz)
            ahead = utterance.meta["prosody"]
            for name in ("loudness_db", "pitch_hz", "speaking"):
                assert np.array_equal(getattr(ahead, name), getattr(fresh, name))
            # marked from 0 s, as the engine marks a message's first sentence (it uses it only for that one)
            marked = utterance.meta["ai_marked_audio"]
            assert np.array_equal(marked, mark_audio(utterance.audio, utterance.sample_rate_hz))
            assert not np.array_equal(marked, utterance.audio)
    finally:
        engine.close()
        voice.close()


def test_quick_phrases_kept_ready_by_the_app_are_said_from_the_prepared_speech():
    from aac.ui.engine_link import EngineSpeaker
    from speech.audio_out import PacedOutput

    voice = get_voice("espeak:en-us")
    # no renderer (the speech is what is checked); the sound paced in real time, as a sound card takes it
    engine = LiveEngine(lambda: None, voice, EngineSettings(width=160, height=90),
                        audio_outputs=[PacedOutput(voice.sample_rate_hz)])
    engine.start()
    try:
        EngineSpeaker(engine).keep_ready(["Yes, please.", "I need a break."])
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not engine.preparer.is_ready("I need a break."):
            time.sleep(0.02)
        assert engine.preparer.is_ready("Yes, please.") and engine.preparer.is_ready("I need a break.")
        misses = engine.preparer.stats["misses"]
        engine.say("I need a break.")  # never composed: a quick phrase
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not engine.idle():
            time.sleep(0.02)
        assert engine.preparer.stats["misses"] == misses, "the phrase was synthesized again at Speak"
        assert engine.preparer.stats["hits"] >= 1
    finally:
        engine.close()
        voice.close()
