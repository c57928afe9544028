"""Voices and sound: text -> `Utterance` (audio with timed words and phones), audio out, listening.

Import what you need from the modules (`speech.registry.get_voice`, `speech.utterance.Utterance`);
backends load their libraries only when a voice of theirs is used.
"""

import os

# onnxruntime (Piper, Kokoro, the lip-sync model) sends usage telemetry unless told not to: the aid makes
# no network calls and writes nothing about the person's device.
os.environ["ORT_DISABLE_TELEMETRY"] = "1"
