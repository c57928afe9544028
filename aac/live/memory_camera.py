"""An in-memory virtual camera: a pyvirtualcam backend for benchmarks and tests.

Everything above the device runs for real (pyvirtualcam's checks, the engine's camera output);
frames go to a callback instead of /dev/video or OBS. A failure can be asked for, on opening or
after some frames, to see the engine survive a driver that is missing or a device unplugged.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def register_memory_camera(
    name: str,
    on_frame: Callable[[np.ndarray], None] | None = None,
    fail_on_open: str | None = None,
    fail_after: int | None = None,
    native_fourcc: int | None = None,
) -> None:
    """Register pyvirtualcam backend `name`; each frame (flat RGB bytes) goes to `on_frame`.

    `fail_on_open` makes opening raise RuntimeError with that message; `fail_after` makes
    sending raise OSError("device unplugged") once that many frames were sent. `native_fourcc`
    (e.g. `pyvirtualcam.util.encode_fourcc("I420")`) makes it report a device format as
    v4l2loopback does, so the output hands it I420 frames (flat) as it would the real device.
    """
    import pyvirtualcam

    class MemoryCamera:
        def __init__(self, width: int, height: int, fps: float, fourcc: int, device: str | None, **kwargs) -> None:
            if fail_on_open:
                raise RuntimeError(fail_on_open)
            self.sent = 0

        def send(self, frame: np.ndarray) -> None:
            if fail_after is not None and self.sent >= fail_after:
                raise OSError("device unplugged")
            self.sent += 1
            if on_frame is not None:
                on_frame(frame)

        def close(self) -> None:
            pass

        def device(self) -> str:
            return f"memory:{name}"

        def native_fourcc(self) -> int | None:
            return native_fourcc

    pyvirtualcam.register_backend(name, MemoryCamera)
