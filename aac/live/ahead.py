"""What the live engine would work out when a message is spoken, worked out before: while the person composes
(the speech preparer's background thread) or when a banked clip is made ready.

The engine takes these from `Utterance.meta` instead of computing them on the Speak path: "prosody" (the
loudness and pitch the head's nods and the jaw's reach follow) and "ai_marked_audio" (the voice's AI mark, as
the engine marks a message's first sentence: from 0 s; used only when the sentence is spoken first).
"""

from __future__ import annotations

from speech.utterance import Utterance


def work_ahead(utterance: Utterance) -> None:
    """Fill `utterance.meta` with its prosody and its AI-marked audio (kept when already there)."""
    from aac.provenance.audio_mark import mark_audio
    from avatar.motion.prosody import analyse

    if "prosody" not in utterance.meta:
        utterance.meta["prosody"] = analyse(utterance.audio, utterance.sample_rate_hz)
    if "ai_marked_audio" not in utterance.meta:
        utterance.meta["ai_marked_audio"] = mark_audio(utterance.audio, utterance.sample_rate_hz)
