"""Native libraries' chatter kept out of the terminal.

mediapipe and TensorFlow Lite write lines such as "Created TensorFlow Lite XNNPACK delegate" and
"Feedback manager requires a model with a single signature" straight to file descriptor 2 from
C++ (before their logging can be configured), so Python's `sys.stderr` cannot hold them back:
the descriptor itself is pointed at the null device while they run, then given back.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading

_lock = threading.Lock()


@contextlib.contextmanager
def native_stderr_silenced():
    """Silence file descriptor 2 for the block (Python's own exceptions still propagate after it)."""
    with _lock:
        with contextlib.suppress(Exception):
            sys.stderr.flush()
        try:
            saved = os.dup(2)
        except OSError:  # no descriptor 2 at all (a service): nothing to silence
            yield
            return
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, 2)
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            os.close(devnull)
