"""The coqui-tts worker process behind `speech.coqui_tts`: JSON requests on stdin, replies on stdout.

torch and coqui run here, not in the aid's own process: a model that takes seconds to load or to
speak, holds the GIL in its text front end, or crashes, never stalls the live engine's threads, and
torch's gigabyte never enters the app. A reply is one JSON line; a "say" reply is followed by its
audio as `samples` little-endian float32 values.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import warnings


def _load(request: dict):
    import torch

    torch.set_num_threads(max(1, int(request.get("threads", 1))))
    from TTS.api import TTS

    device = request.get("device") or ("cuda" if torch.cuda.is_available() else "cpu")
    tts = TTS(
        model_path=request["checkpoint"],
        config_path=request["config"],
        vocoder_path=request.get("vocoder_checkpoint"),
        vocoder_config_path=request.get("vocoder_config"),
        progress_bar=False,
    ).to(device)
    model = tts.synthesizer.tts_model
    rate = float(request.get("rate", 1.0))
    if request["kind"] != "xtts" and hasattr(model, "length_scale"):
        model.length_scale = float(model.length_scale) / rate  # VITS and friends: longer phones, slower speech
    speakers = list(tts.speakers or []) if tts.is_multi_speaker else []
    languages = list(tts.languages or []) if tts.is_multi_lingual else []
    return tts, device, speakers, languages


def _say(tts, request: dict, state: dict):
    import numpy as np

    options: dict = {"split_sentences": False}  # the aid splits sentences itself, and speaks the first first
    if state["kind"] == "xtts":
        options["speaker_wav"] = state["reference_clips"]
        options["speed"] = state["rate"]
    if state["speakers"]:
        options["speaker"] = state["speaker"] or state["speakers"][0]
    if state["languages"]:
        options["language"] = state["language"] if state["language"] in state["languages"] else state["languages"][0]
    wav = tts.tts(request["text"], **options)
    return np.clip(np.asarray(wav, dtype="<f4").reshape(-1), -1.0, 1.0)


def main() -> int:
    """Serve load and say requests until stdin closes."""
    replies = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)  # coqui prints progress to stdout: keep the real stdout for replies
    logging.disable(logging.WARNING)
    warnings.filterwarnings("ignore")

    def reply(message: dict, audio=None) -> None:
        replies.write((json.dumps(message) + "\n").encode("utf-8"))
        if audio is not None:
            replies.write(audio.tobytes())

    tts = None
    state: dict = {}
    for line in sys.stdin.buffer:
        try:
            request = json.loads(line)
            if request["op"] == "load":
                tts, device, speakers, languages = _load(request)
                state = {
                    "kind": request["kind"], "rate": float(request.get("rate", 1.0)),
                    "reference_clips": request.get("reference_clips") or None,
                    "speaker": request.get("speaker"), "language": request.get("language"),
                    "speakers": speakers, "languages": languages,
                }
                reply({"ok": True, "sample_rate_hz": int(tts.synthesizer.output_sample_rate), "device": device,
                       "speakers": speakers[:200], "languages": languages})
            elif request["op"] == "say":
                if tts is None:
                    raise RuntimeError("no model loaded")
                audio = _say(tts, request, state)
                reply({"ok": True, "samples": int(audio.size)}, audio)
            else:
                reply({"ok": False, "error": f"unknown request {request.get('op')!r}"})
        except Exception as exc:  # every failure becomes a reply the voice turns into a clear error
            reply({"ok": False, "error": f"{type(exc).__name__}: {exc}"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
