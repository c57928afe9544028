"""Listening: the conversation partner's speech, recognized offline, as captions.

`capture` reads a PulseAudio source (a microphone, or the monitor of the speakers where the meeting
is heard); `gate` silences what was captured while the aid's own voice played; `vad` cuts the sound
into spoken phrases; a `Recognizer` (`whisper`: Whisper tiny.en, out of the box; `vosk`: any vosk
model folder) turns each phrase into a `Caption`; `listener` runs all of it on worker threads.
"""
