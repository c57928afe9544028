"""Voices and sound: text -> `Utterance` (audio with timed words and phones), audio out, listening.

Import what you need from the modules (`speech.registry.get_voice`, `speech.utterance.Utterance`);
backends load their libraries only when a voice of theirs is used.
"""
