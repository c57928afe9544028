"""Voices and sound: text -> `Utterance` (audio with timed words and phones), audio out, listening.

Import what you need from the modules (`speech.registry.get_voice`, `speech.utterance.Utterance`);
backends load their libraries only when a voice of theirs is used.
"""

from speech.no_network import stay_offline

# onnxruntime (Piper, Kokoro, the lip-sync model) sends usage telemetry unless told not to, huggingface_hub
# looks models up online: the aid makes no network calls and writes nothing about the person's device.
stay_offline()
