"""The About screen's text: what this is, its licence, and the credits the symbol set asks for."""

from __future__ import annotations


def about_lines() -> list[str]:
    """Lines shown on the About screen."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        ours = version("aac-avatar")
    except PackageNotFoundError:
        ours = "development"
    try:
        from aac.board.symbols import ATTRIBUTION
    except ImportError:
        ATTRIBUTION = "Symbols: OpenMoji (openmoji.org), CC BY-SA 4.0"  # noqa: N806 - same name as the constant
    return [
        f"aac-avatar {ours}: your words, your voice, your face, in any video call.",
        "Free software under the GNU GPL, version 3 or later.",
        "The face in the call is an AI avatar; the video says so.",
        ATTRIBUTION,
        "Voices: Piper and espeak-ng (GPL-3.0). Everything runs on this computer.",
    ]
