"""What the app asks of whoever speaks for it: the live engine, or a recorder in tests and benches."""

from __future__ import annotations

from typing import Protocol


class Speaker(Protocol):
    """The voice and face of the app (see `aac.ui.engine_link.EngineSpeaker`)."""

    def say(self, text: str, emotion: str | None = None) -> None:
        """Speak `text` now (after anything already being said), showing `emotion`."""

    def compose(self, text: str) -> None:
        """The person is composing `text`: show "typing..." and prepare its speech."""

    def stop(self) -> None:
        """Stop speaking at once."""

    def keep_ready(self, texts: list[str]) -> None:
        """Keep the speech of `texts` (the quick phrases) prepared, so that saying one starts at once."""

    def play_sound(self, data: bytes, label: str) -> None:
        """Play a recorded sound (a board button's) instead of synthesizing `label`."""
