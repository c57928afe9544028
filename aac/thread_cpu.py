"""This process's CPU time by thread, grouped by what the thread does (Linux /proc; empty elsewhere).

The live engine names its Python threads (render, speech, speech-prepare, audio-clock), which the
kernel does not see before Python 3.14, so they are matched by their native id; Mesa's llvmpipe
names its rasterizer threads llvmpipe-N in the kernel. The benches use it to say where the engine's CPU goes.
"""

from __future__ import annotations

import os
import threading

_TICKS_PER_S = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _group(name: str) -> str:
    if name.startswith("llvmpipe"):
        return "llvmpipe"
    if name in ("render", "speech", "speech-prepare", "audio-clock"):
        return name.replace("-", "_")
    return "other"


def thread_cpu_s() -> dict[str, float]:
    """CPU seconds (user + system) of each group of this process's live threads, since each started.

    Threads that ended are not counted: compare two readings of the same long-lived threads.
    """
    totals: dict[str, float] = {}
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return totals
    python_names = {thread.native_id: thread.name for thread in threading.enumerate()}
    for tid in tasks:
        try:
            with open(f"/proc/self/task/{tid}/stat", encoding="ascii", errors="replace") as stat:
                text = stat.read()
        except OSError:
            continue  # the thread ended meanwhile
        # the name is in brackets and may hold spaces; utime and stime are fields 14 and 15
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        seconds = (int(fields[11]) + int(fields[12])) / _TICKS_PER_S
        group = _group(python_names.get(int(tid), name))
        totals[group] = totals.get(group, 0.0) + seconds
    return totals


def difference(after: dict[str, float], before: dict[str, float]) -> dict[str, float]:
    """CPU seconds each group spent between two readings."""
    return {group: after[group] - before.get(group, 0.0) for group in after}
