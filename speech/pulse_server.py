"""A private PulseAudio server: its own socket, no hardware, gone when stopped.

For the tests and for benchmarks on machines without a sound server (CI, headless).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

PULSE_CONFIG = """
load-module module-native-protocol-unix auth-anonymous=1 socket={socket}
load-module module-null-sink sink_name=test_speakers sink_properties=device.description=TestSpeakers
set-default-sink test_speakers
"""


def pulseaudio_available() -> bool:
    """Whether the pulseaudio and pactl programs are installed."""
    return shutil.which("pulseaudio") is not None and shutil.which("pactl") is not None


class PulseServer:
    """Starts `pulseaudio` on a socket in `folder`; `env` points libpulse and pactl at it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.socket = folder / "native"
        config = folder / "test.pa"
        config.write_text(PULSE_CONFIG.format(socket=self.socket))
        self.env = {
            **os.environ,
            "PULSE_SERVER": f"unix:{self.socket}",
            "PULSE_RUNTIME_PATH": str(folder),
            "PULSE_STATE_PATH": str(folder),
            "HOME": str(folder),
        }
        self.process = subprocess.Popen(
            ["pulseaudio", "--daemonize=no", "--exit-idle-time=-1", "--disallow-exit", "-n", "-F", str(config),
             "--system=false", "--use-pid-file=false", "--log-target=stderr"],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"pulseaudio exited: {self.process.stderr.read().decode()[-2000:]}")
            ok = subprocess.run(["pactl", "info"], env=self.env, capture_output=True).returncode == 0
            if ok:
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("pulseaudio did not start within 15 s")

    def stop(self) -> None:
        """Stop the server."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
