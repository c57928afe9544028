"""Helpers for the hostile-input tests: run the real command line and judge what a person sees."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# What must never reach a person (issue 17): a traceback, or "unexpected error ... please report it".
NEVER = ("Traceback", "unexpected error", "Exception ignored")


def run_cli(profiles_dir: Path, *args: str, stdin: str | bytes = "", timeout: float = 120,
            cwd: Path | None = None, env_changes: dict[str, str] | None = None,
            wrap: list[str] | None = None, **kwargs) -> subprocess.CompletedProcess:
    """`python -m aac --profiles-dir DIR ARGS...` with stdin from `stdin`; raises TimeoutExpired on a hang.

    `wrap`: a command line to run it inside (e.g. `unshare ... --`).
    """
    env = {k: v for k, v in os.environ.items() if k != "AAC_AVATAR_PROFILES_DIR"}
    env["PYTHONPATH"] = str(REPO)
    env.update(env_changes or {})
    command = [sys.executable, "-m", "aac", "--profiles-dir", str(profiles_dir), *args]
    return subprocess.run(
        [*(wrap or []), *command],
        input=stdin.encode() if isinstance(stdin, str) else stdin,
        capture_output=True,
        cwd=cwd or REPO,
        env=env,
        timeout=timeout,
        **kwargs,
    )


def text(result: subprocess.CompletedProcess) -> tuple[str, str]:
    """(stdout, stderr) decoded."""
    return result.stdout.decode(errors="replace"), result.stderr.decode(errors="replace")


def assert_clear_refusal(result: subprocess.CompletedProcess, *expected: str) -> str:
    """A non-zero exit with a message (containing each of `expected`), never a traceback; returns stderr."""
    out, err = text(result)
    for bad in NEVER:
        assert bad not in err and bad not in out, f"{bad!r} shown:\n{err}"
    assert result.returncode != 0, f"accepted:\n{out}\n{err}"
    for fragment in expected:
        assert fragment in err or fragment in out, f"{fragment!r} not in:\n{out}\n{err}"
    return err


def assert_no_noise(result: subprocess.CompletedProcess) -> None:
    """No traceback and no native library chatter (mediapipe, TensorFlow Lite, absl)."""
    out, err = text(result)
    for bad in (*NEVER, "TensorFlow Lite", "W0000", "absl::", "inference_feedback_manager", "XNNPACK"):
        assert bad not in err and bad not in out, f"{bad!r} shown:\n{err}"
