"""The live engine's state as a sentence for people (`/status`), not a Python object.

Why an output is off was said once when it opened; here it is only "off", so the long
camera-setup notice is not repeated every time someone asks.
"""

from __future__ import annotations

from aac.live.engine import EngineStatus


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def describe_status(status: EngineStatus) -> str:
    """One or two lines: speaking or quiet, waiting messages, frames, each output on or off, problems."""
    doing = "speaking" if status.speaking else "quiet"
    if status.queued_messages:
        doing += f", {_plural(status.queued_messages, 'message')} waiting"
    shown = status.frames_rendered
    dropped = status.frames_dropped
    share = 100.0 * dropped / max(1, shown + dropped)
    frames = f"{_plural(shown, 'frame')} shown, {dropped} dropped ({share:.1f}%)"
    outputs = "; ".join(f"{out.name} {'on' if out.running else 'off'}" for out in status.outputs)
    line = f"status: {doing}; {frames}" + (f"; {outputs}" if outputs else "")
    if status.problems:
        line += "\nproblems: " + "; ".join(status.problems[-3:])
    return line
