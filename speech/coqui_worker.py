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


def _read_clip(path: str, rate_hz: int):
    """A reference clip as a (1, samples) float tensor at `rate_hz`. Read with soundfile, not coqui's own loader:
    that goes through torchaudio.load -> torchcodec, whose native libraries a CPU-only torch may not load."""
    import soundfile
    import torch
    import torchaudio

    data, rate = soundfile.read(path, dtype="float32", always_2d=True)
    audio = torch.from_numpy(data.mean(axis=1))[None]
    return torchaudio.functional.resample(audio, rate, rate_hz) if rate != rate_hz else audio


def _clone_voice(model, clips: list[str]) -> tuple:
    """XTTS's conditioning of the person's clips (the GPT's latents and the speaker embedding), computed once
    for the voice: coqui's `synthesize` works them out again for every sentence. The same steps and settings as
    its `get_conditioning_latents`, with the clips read by `_read_clip`."""
    import torch

    config = model.config
    load_rate_hz = 22050  # the rate XTTS's conditioning expects (get_conditioning_latents' load_sr)
    audios, embeddings = [], []
    with torch.inference_mode():
        for clip in clips:
            audio = _read_clip(clip, load_rate_hz)[:, : load_rate_hz * int(config.max_ref_len)].to(model.device)
            if config.sound_norm_refs:
                audio = audio / audio.abs().max() * 0.75
            embeddings.append(model.get_speaker_embedding(audio, load_rate_hz))
            audios.append(audio)
        latents = model.get_gpt_cond_latents(torch.cat(audios, dim=-1), load_rate_hz, length=config.gpt_cond_len,
                                             chunk_length=config.gpt_cond_chunk_len)
        return latents, torch.stack(embeddings).mean(dim=0)


def _language(request: dict, state: dict) -> str | None:
    wanted = request.get("language") or state["language"]
    if not state["languages"]:
        return None
    return wanted if wanted in state["languages"] else state["languages"][0]


def _say(tts, request: dict, state: dict):
    """The sentence's audio, and the model's language it was spoken in (None: the model has one)."""
    import numpy as np

    language = _language(request, state)
    if state["kind"] == "xtts":
        # the sentence from the voice cloned once at load (Xtts.synthesize's sampling settings, from its config)
        model = tts.synthesizer.tts_model
        config = model.config
        latents, embedding = state["cloned"]
        language = language or "en"
        out = model.inference(request["text"], language, latents, embedding,
                              temperature=config.temperature, length_penalty=config.length_penalty,
                              repetition_penalty=config.repetition_penalty, top_k=config.top_k, top_p=config.top_p,
                              speed=state["rate"])
        wav = out["wav"]
    else:
        options: dict = {"split_sentences": False}  # the aid splits sentences itself, and speaks the first first
        if state["speakers"]:
            options["speaker"] = state["speaker"] or state["speakers"][0]
        if language is not None:
            options["language"] = language
        wav = tts.tts(request["text"], **options)
    return np.clip(np.asarray(wav, dtype="<f4").reshape(-1), -1.0, 1.0), language


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
                tts = None  # until the whole voice is ready (an XTTS voice: cloned too)
                loaded, device, speakers, languages = _load(request)
                state = {
                    "kind": request["kind"], "rate": float(request.get("rate", 1.0)),
                    "reference_clips": request.get("reference_clips") or None,
                    "speaker": request.get("speaker"), "language": request.get("language"),
                    "speakers": speakers, "languages": languages,
                }
                if request["kind"] == "xtts":
                    if not state["reference_clips"]:
                        raise RuntimeError("an XTTS voice needs reference clips of the person")
                    state["cloned"] = _clone_voice(loaded.synthesizer.tts_model, state["reference_clips"])
                tts = loaded
                reply({"ok": True, "sample_rate_hz": int(tts.synthesizer.output_sample_rate), "device": device,
                       "speakers": speakers[:200], "languages": languages})
            elif request["op"] == "say":
                if tts is None:
                    raise RuntimeError("no model loaded")
                audio, language = _say(tts, request, state)
                reply({"ok": True, "samples": int(audio.size), "language": language}, audio)
            else:
                reply({"ok": False, "error": f"unknown request {request.get('op')!r}"})
        except Exception as exc:  # every failure becomes a reply the voice turns into a clear error
            reply({"ok": False, "error": f"{type(exc).__name__}: {exc}"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
