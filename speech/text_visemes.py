"""The visemes of a text, in order, without its timing: what a recording or a voice without phone
timing says, for the lips to follow (avatar.lipsync.text_sharpen).

espeak-ng reads the text in the voice's language (its phones, not its timing, are used).
"""

from __future__ import annotations

from speech.errors import SpeechError


def espeak_language(language: str) -> str | None:
    """The espeak-ng voice for a language tag ("en-US", "de", "pt_BR"), or None when it has none."""
    from speech.espeak import list_espeak_voices

    tag = language.strip().lower().replace("_", "-")
    known = {v.name.lower() for v in list_espeak_voices()}
    for candidate in (tag, tag.split("-")[0]):
        if candidate in known:
            return candidate
    return None


def text_visemes(text: str, language: str = "en-us") -> list[str] | None:
    """The text's visemes in order (speech.visemes names), or None when it cannot be read (no
    espeak-ng voice for the language, or espeak-ng failed)."""
    from speech.espeak import EspeakVoice

    name = espeak_language(language) or ("en-us" if not language else None)
    if name is None or not text.strip():
        return None
    try:
        voice = EspeakVoice(name)
        try:
            return [p.viseme for p in voice.synthesize(text).phones]
        finally:
            voice.close()
    except (SpeechError, OSError, ValueError):
        return None
