"""Thread priorities of the live engine: what the person hears comes before what is seen.

On Linux each thread is a task with its own nice value, and a process may lower (never raise)
its own threads' priority without privileges. The render thread is lowered a little, so with
a meeting app keeping a core busy the scheduler gives the audio and speech threads their turn
first and the renderer drops a frame instead; the render loop's pacing spreads those drops out.
"""

from __future__ import annotations

import os
import threading

RENDER_NICE = 5  # a small step: the renderer still gets most of what is left, just not first


def lower_this_thread(nice: int = RENDER_NICE) -> bool:
    """Lower the calling thread's priority by `nice` steps (Linux); False where the platform has no per-thread nice."""
    try:
        tid = threading.get_native_id()
        current = os.getpriority(os.PRIO_PROCESS, tid)
        os.setpriority(os.PRIO_PROCESS, tid, min(19, current + nice))
    except (AttributeError, OSError):
        return False  # Windows and macOS: threads share the process's priority class
    return True
