"""This process's memory as the kernel counts it (Linux /proc; NaN elsewhere), for the benches.

RSS mixes two kinds of page: the process's own data (anonymous: heaps, arrays, model weights,
Python objects) and pages of mapped files (mostly shared libraries: LLVM for llvmpipe,
onnxruntime, OpenCV), which the kernel shares with every process that maps the same file.
Growth over a long run shows in the anonymous part.
"""

from __future__ import annotations

_KB = 1024


def _fields(path: str, names: tuple[str, ...]) -> dict[str, float]:
    values = {name: float("nan") for name in names}
    try:
        with open(path, encoding="ascii") as status:
            for line in status:
                key = line.split(":", 1)[0]
                if key in values:
                    values[key] = int(line.split()[1]) / _KB
    except OSError:
        pass
    return values


def peak_rss_mb() -> float:
    """The highest RSS this process has had (VmHWM), start-up included."""
    return _fields("/proc/self/status", ("VmHWM",))["VmHWM"]


def anonymous_mb() -> float:
    """Resident memory that is this process's own data, not pages of mapped files."""
    return _fields("/proc/self/smaps_rollup", ("Anonymous",))["Anonymous"]


def private_mb() -> float:
    """RSS less the pages other processes map too (shared libraries in use elsewhere)."""
    fields = _fields("/proc/self/smaps_rollup", ("Private_Clean", "Private_Dirty"))
    return fields["Private_Clean"] + fields["Private_Dirty"]
