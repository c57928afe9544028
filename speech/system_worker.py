"""The pyttsx3 worker process behind `speech.system`: JSON requests on stdin, replies on stdout."""

from __future__ import annotations

import json
import os
import sys


def main() -> int:
    """Serve list and say requests until stdin closes."""
    # Drivers print to stdout (pyttsx3's espeak driver announces every saved file): keep the
    # real stdout for replies and send everything else to stderr.
    replies = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    try:
        import pyttsx3

        engine = pyttsx3.init()
    except Exception as exc:  # any driver failure becomes a reply, not a crash
        print(json.dumps({"ok": False, "error": f"pyttsx3 could not start: {exc}"}), file=replies, flush=True)
        return 1
    for line in sys.stdin:
        try:
            request = json.loads(line)
            if request["op"] == "list":
                voices = [
                    {
                        "id": v.id,
                        "name": v.name,
                        "languages": [str(x) for x in (v.languages or [])],
                        "gender": v.gender,
                    }
                    for v in engine.getProperty("voices")
                ]
                reply = {"ok": True, "voices": voices}
            elif request["op"] == "say":
                engine.setProperty("voice", request["voice"])
                engine.setProperty("rate", request["rate_wpm"])
                engine.save_to_file(request["text"], request["path"])
                engine.runAndWait()
                reply = {"ok": True}
            else:
                reply = {"ok": False, "error": f"unknown request {request.get('op')!r}"}
        except Exception as exc:
            reply = {"ok": False, "error": str(exc)}
        print(json.dumps(reply), file=replies, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
