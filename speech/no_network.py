"""No network at run time: every library the aid uses is told to stay offline, and anything that still
tries is stopped in the process before it leaves.

The libraries that would otherwise call out: onnxruntime (Piper, Kokoro, the lip-sync model) sends
usage telemetry to mobile.events.data.microsoft.com and writes device data to the user's cache;
huggingface_hub (faster-whisper's captions, transformers under coqui-tts) looks models and updates up
online. The rest (mediapipe's bundled face models, matplotlib, wordfreq, pygame, symspellpy, vosk
with a model path) read only local files; `DO_NOT_TRACK` covers tools that honour that convention.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
import sys

# Set before any of these libraries is imported (`speech` and `avatar` do it on import), and set over a
# value the environment gave: the aid's promise does not depend on the shell it was started from.
OFFLINE_ENVIRONMENT = {
    "ORT_DISABLE_TELEMETRY": "1",  # onnxruntime: no telemetry events, no device id in the cache
    "HF_HUB_OFFLINE": "1",  # huggingface_hub: local files only (faster-whisper, transformers)
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "DO_NOT_TRACK": "1",
}

_RESOLVING = {"socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex", "socket.gethostbyaddr"}
_CONNECTING = {"socket.connect", "socket.sendto", "socket.sendmsg"}


def stay_offline() -> None:
    """Tell every library the aid uses to make no network calls."""
    os.environ.update(OFFLINE_ENVIRONMENT)


def _local(host: object) -> bool:
    if host is None:
        return True  # binding, not reaching out
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    host = str(host)
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse(event: str, target: object) -> None:
    raise OSError(errno.ENETUNREACH, f"aac-avatar makes no network connections ({event} to {target!r} refused)")


def _guard(event: str, args: tuple) -> None:
    if event in _RESOLVING:
        if not _local(args[0]):
            _refuse(event, args[0])
    elif event in _CONNECTING:
        sock, address = args[0], args[-1] if event == "socket.sendmsg" else args[1]
        if address is None or getattr(sock, "family", None) not in (socket.AF_INET, socket.AF_INET6):
            return  # unix sockets (the sound server), netlink: this computer only
        if not (isinstance(address, tuple) and _local(address[0])):
            _refuse(event, address)


def forbid_network() -> None:
    """From now on, refuse in this process any name lookup or connection beyond this computer (an OSError,
    as when offline). For the libraries that ignore `stay_offline`'s settings; native code that opens its own
    sockets is kept offline by those settings, and the network test (`tests/test_trust_network.py`) checks
    the whole process, natives included."""
    sys.addaudithook(_guard)
