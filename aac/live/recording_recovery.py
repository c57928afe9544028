"""Recordings cut short (kill -9, a power cut, a crash) made whole at the next recording into their folder.

A recording in progress is kept in a folder `<name>.unfinished-<pid>-*` beside its target: the
video as fragments ffmpeg can play up to the last one, and the speech as raw PCM (see
`Mp4Recorder`). When its writer is gone, the two are muxed into `<stem> (recovered <time>).mp4`
beside where the recording was meant to go (never over a file the person has), signed like every
recording, and the folder is removed. Nothing recorded is lost, and nothing is left half-made.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import time
from pathlib import Path

from aac.live.video_file import STRICT, discard, put_in_place, temp_beside
from profiles.recovery import process_gone

UNFINISHED = ".unfinished-"
_AUDIO = re.compile(r"^audio-(\d+)hz-s16le-mono\.pcm$")


def unfinished_prefix(target: Path, pid: int) -> str:
    """The name a recording's working folder starts with: it says whose it is, so another session leaves it be."""
    return f"{target.name}{UNFINISHED}{pid}-"


def _writer_gone(folder: Path) -> bool:
    pid_text = folder.name.rpartition(UNFINISHED)[2].partition("-")[0]
    return pid_text.isdigit() and process_gone(int(pid_text))


def _recovered_path(folder: Path) -> Path:
    """Where the recording goes: beside its target, named for when it was cut short; a new name if taken."""
    target = folder.parent / folder.name.rpartition(UNFINISHED)[0]
    video = folder / "video.mp4"
    when = time.strftime("%Y-%m-%d %H-%M", time.localtime(video.stat().st_mtime if video.exists() else time.time()))
    path = target.with_name(f"{target.stem} (recovered {when}){target.suffix or '.mp4'}")
    count = 2
    while path.exists():
        path = target.with_name(f"{target.stem} (recovered {when}, {count}){target.suffix or '.mp4'}")
        count += 1
    return path


def _mux(folder: Path, out: Path) -> str | None:
    """The folder's video and speech into `out`; None when done, else why not."""
    video = folder / "video.mp4"
    audio = next((p for p in folder.iterdir() if _AUDIO.match(p.name)), None)
    if not video.is_file() or video.stat().st_size == 0:
        return "no video was written before it stopped"
    inputs = ["-i", str(video)]
    if audio is not None and audio.stat().st_size > 0:
        rate = _AUDIO.match(audio.name).group(1)  # type: ignore[union-attr]
        inputs += ["-f", "s16le", "-ar", rate, "-ac", "1", "-i", str(audio), "-c:a", "aac", "-b:a", "128k",
                   "-shortest"]
    done = subprocess.run(["ffmpeg", *STRICT, "-loglevel", "error", "-y", *inputs, "-c:v", "copy", str(out)],
                          capture_output=True, text=True, start_new_session=True)
    return None if done.returncode == 0 else (done.stderr.strip()[-200:] or f"ffmpeg exit {done.returncode}")


def recover_unfinished(folder: Path) -> list[str]:
    """Make whole every recording in `folder` whose writer is gone; one sentence for each, saying where it went
    (or why it could not be, and that its parts are kept)."""
    told: list[str] = []
    with contextlib.suppress(OSError):
        candidates = sorted(p for p in Path(folder).iterdir() if UNFINISHED in p.name and p.is_dir())
        for part in candidates:
            if not _writer_gone(part):
                continue
            out = _recovered_path(part)
            temp = temp_beside(out)
            try:
                why = _mux(part, temp)
                if why is None:
                    from aac.provenance.manifest import sign_file

                    sign_file(temp, title=out.name)  # like every recording: C2PA credentials before it is in place
                    put_in_place(temp, out)
                    shutil.rmtree(part, ignore_errors=True)
                    told.append(f"a recording cut short earlier is saved in {out}")
                else:
                    discard(temp)
                    if why.startswith("no video"):
                        shutil.rmtree(part, ignore_errors=True)  # nothing to keep
                    else:
                        told.append(f"a recording cut short earlier could not be made whole ({why}); its parts are "
                                    f"kept in {part}")
            except BaseException:
                discard(temp)
                raise
    return told
