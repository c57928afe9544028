"""`aac-avatar bench listen`: partner captions' figures.

- word error rate of the shipped recognizer (Whisper tiny.en, int8, one thread, phrase by phrase as
  captions run) on clear read English: SYNTHETIC speech, the product's own voices (Piper joe and espeak-ng
  variants) saying sentences whose words are known;
- the same on recorded read English that is not the product's voices (the sample recordings of the PyPI
  package moonshine-voice, in the `test` extra: Dickens and Beckett, 131 words), when installed;
- caption lag: the partner's phrase played into the speakers of a private PulseAudio server (started by
  the bench, so nothing is heard), captured from their monitor as in a call, until its caption is handed
  to the board; counted from the phrase's last sample being played;
- the CPU that listening takes (its threads, read from /proc) while the live engine renders the avatar at
  the default profile's size and rate, and the engine's dropped frames with and without listening.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from aac.benches.soak import rss_mb
from aac.commands.bench import print_figures

# Clear read sentences, written for this bench (no numbers or names, whose spelling is a matter of taste).
READ_SENTENCES = (
    "The kettle is on the stove and the water is almost ready.",
    "Please close the window before the rain comes in.",
    "We walked along the river until the sun went down.",
    "The library opens early on weekdays and closes at noon on weekends.",
    "She painted the fence a bright shade of green.",
    "Could you bring me a warm blanket from the cupboard?",
    "The train was late because of the snow on the tracks.",
    "He likes to read the newspaper with his morning coffee.",
    "The children played football in the park after school.",
    "I need to buy bread, milk and a few apples at the shop.",
    "The doctor said that the medicine should be taken with food.",
    "Our neighbours have a small dog that barks at every car.",
    "The meeting has been moved to the large room upstairs.",
    "It is much colder today than it was yesterday.",
    "Turn left at the church and the house is on the right.",
    "The garden looks lovely now that the roses are in bloom.",
)
VOICES = ("piper:en_US-joe-medium", "espeak:en-us", "espeak:en-gb+f3", "espeak:en-us+m3")
PARTNER_PHRASES = ("Shall we meet at the aquarium on Saturday?", "Thank you for the lovely flowers.",
                   "How are you feeling this morning?", "The meeting has been moved to the large room upstairs.",
                   "Could you tell me a little more about the plan?", "I will call you again next week.")


def _word_error_rates(sentences: int) -> dict:
    import numpy as np

    from speech.listen.recognizer import open_recognizer
    from speech.listen.vad import VadSettings
    from speech.listen.wer import word_error_rate, words_of
    from speech.registry import get_voice

    figures: dict = {}
    errors_total, words_total, audio_s, compute_s = 0.0, 0, 0.0, 0.0
    phrase_cpu_s: list[float] = []
    recognizer = open_recognizer("whisper", "en", threads=1)
    texts = READ_SENTENCES[:sentences]
    for voice_id in VOICES:
        voice = get_voice(voice_id)
        rate = voice.sample_rate_hz
        pause = np.zeros(int(0.8 * rate), np.float32)
        stream = np.concatenate([pause] + [part for text in texts for part in (voice.synthesize(text).audio, pause)])
        voice.close()
        step = rate // 50  # 20 ms chunks, as captured
        t0 = time.process_time()
        captions = []
        for i in range(0, len(stream), step):
            t_feed = time.process_time()
            new = recognizer.feed(stream[i:i + step], rate)
            if new:  # this chunk ended a phrase: its cost is the phrase's recognition
                phrase_cpu_s.append(time.process_time() - t_feed)
            captions += new
        captions += recognizer.flush()
        compute_s += time.process_time() - t0
        audio_s += len(stream) / rate
        reference, heard = " ".join(texts), " ".join(c.text for c in captions)
        wer = word_error_rate(reference, heard)
        words = len(words_of(reference))
        errors_total += wer * words
        words_total += words
        figures[f"wer_{voice_id.replace(':', '_').replace('+', '_').replace('-', '_')}"] = round(wer, 4)
    figures.update(wer_synthetic_read_english=round(errors_total / words_total, 4), wer_words=words_total,
                   wer_sentences_per_voice=len(texts), recognizer_cpu_s_per_audio_s=round(compute_s / audio_s, 3),
                   caption_cpu_s_per_phrase_median=round(statistics.median(phrase_cpu_s), 3),
                   vad_end_silence_s=VadSettings().end_silence_s)
    return figures


def _real_read_error_rates() -> dict:
    """Word error rate on recorded read English that is not the product's voices (the recordings
    `moonshine-voice` ships, when installed: the `test` extra), phrase by phrase as captions run."""
    from speech.listen.read_speech import load_readings
    from speech.listen.recognizer import open_recognizer
    from speech.listen.wer import word_error_rate, words_of

    readings = load_readings()
    if not readings:
        return {"wer_recorded_skipped": "moonshine-voice (its sample recordings) is not installed: pip install "
                                        "-e .[test]"}
    figures: dict = {}
    errors, words = 0.0, 0
    for reading in readings:
        recognizer = open_recognizer("whisper", "en", threads=1)
        step = reading.sample_rate_hz // 50
        captions = []
        for i in range(0, len(reading.audio), step):
            captions += recognizer.feed(reading.audio[i:i + step], reading.sample_rate_hz)
        captions += recognizer.flush()
        wer = word_error_rate(reading.text, " ".join(c.text for c in captions))
        count = len(words_of(reading.text))
        errors += wer * count
        words += count
        figures[f"wer_recorded_{reading.name.removesuffix('.wav')}"] = round(wer, 4)
    figures.update(wer_recorded_read_english=round(errors / words, 4), wer_recorded_words=words)
    return figures


def _thread_cpu_s() -> dict[int, float]:
    """CPU seconds of each thread of this process, by thread id (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    result = {}
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the thread ended
        result[int(tid)] = (int(fields[11]) + int(fields[12])) / ticks
    return result


def _play(sink: str, audio, rate: int) -> float:
    """Play `audio` into `sink` from another process (its CPU is not ours); when its last sample was played."""
    subprocess.run(["pacat", "--playback", f"--device={sink}", "--format=float32le", f"--rate={rate}",
                    "--channels=1", "--latency-msec=20"], input=audio.astype("<f4").tobytes(), check=True)
    return time.monotonic()


def _live(seconds: float, rounds: int) -> dict:
    from aac.live.engine import LiveEngine
    from aac.live.memory_camera import register_memory_camera
    from aac.live.profile_settings import engine_settings
    from aac.live.video_outputs import VirtualCameraOutput
    from aac.rig_for_profile import load_profile_rig
    from avatar.render import Renderer
    from profiles.store import ProfileStore
    from speech.listen.listener import Listener, ListenSettings
    from speech.pulse_server import PulseServer, pulseaudio_available
    from speech.registry import get_voice, get_voice_or_fallback
    from speech.voice import VoiceSettings

    if not pulseaudio_available():
        return {"live_skipped": "pulseaudio/pactl are not installed (scripts/setup.sh installs them)"}
    server = PulseServer(Path(tempfile.mkdtemp(prefix="aac-bench-listen-")))
    saved = {key: os.environ.get(key) for key in ("PULSE_SERVER", "PULSE_RUNTIME_PATH")}
    os.environ.update({key: server.env[key] for key in saved})
    partner = get_voice("piper:en_US-joe-medium")
    phrases = [partner.synthesize(text).audio for text in PARTNER_PHRASES]
    store = ProfileStore()
    loaded = store.open("default")
    settings = engine_settings(loaded.profile)
    voice = get_voice_or_fallback(loaded.profile.voice.id, loaded.profile.voice.fallback_id, VoiceSettings()).voice
    rig = load_profile_rig(store, loaded, quiet=True)
    register_memory_camera("aac-bench-listen", None)
    camera = VirtualCameraOutput(settings.width, settings.height, settings.fps, backend="aac-bench-listen")
    engine = LiveEngine(lambda: Renderer(rig, settings.width, settings.height), voice, settings,
                        video_outputs=[camera])
    heard: list[tuple[float, str]] = []
    problems: list[str] = []
    listener = None
    try:
        # first the listening pipeline on its own (no engine): its lag without the avatar competing for the CPU
        quiet_lags: list[float] = []
        listener = Listener(ListenSettings(source="meeting"), lambda c: heard.append((time.monotonic(), c.text)),
                            problems.append)
        listener.start()
        if not listener.ready.wait(60) or problems:
            raise RuntimeError(f"listening did not start: {problems}")
        time.sleep(0.5)
        for audio in phrases[:3]:
            count = len(heard)
            ended = _play("test_speakers", audio, partner.sample_rate_hz)
            while len(heard) == count and time.monotonic() < ended + 10:
                time.sleep(0.005)
            if len(heard) > count:
                quiet_lags.append(heard[count][0] - ended)
            time.sleep(0.8)
        listener.stop()
        listener = None
        engine.start()
        time.sleep(3.0)  # the renderer starts

        def measure(run, into: dict) -> None:
            cpu0, wall0 = time.process_time(), time.monotonic()
            s0 = engine.status()
            run()
            s1 = engine.status()
            into["cpu"] += time.process_time() - cpu0
            into["wall"] += time.monotonic() - wall0
            into["dropped"] += s1.frames_dropped - s0.frames_dropped
            into["frames"] += (s1.frames_rendered - s0.frames_rendered) + (s1.frames_dropped - s0.frames_dropped)

        lags: list[float] = []
        rss_added: list[float] = []
        alone = {"cpu": 0.0, "wall": 0.0, "dropped": 0, "frames": 0}
        partner_only = {"cpu": 0.0, "wall": 0.0, "dropped": 0, "frames": 0}
        listening = {"cpu": 0.0, "wall": 0.0, "dropped": 0, "frames": 0, "listen_cpu": 0.0}

        def conversation(listened: bool = True) -> None:
            end = time.monotonic() + seconds
            i = 0
            while time.monotonic() < end:
                count = len(heard)
                ended = _play("test_speakers", phrases[i % len(phrases)], partner.sample_rate_hz)
                deadline = ended + (10 if listened else 1.5)
                while len(heard) == count and time.monotonic() < deadline:
                    time.sleep(0.005)
                if len(heard) > count:
                    lags.append(heard[count][0] - ended)
                time.sleep(0.8)  # the partner pauses between phrases
                i += 1

        # the engine alone, with the partner's sound playing (the meeting app's part: another process and the
        # sound server), and with listening too, in turns, so all three meet the same load on the machine
        for _ in range(rounds):
            measure(lambda: time.sleep(seconds), alone)
            measure(lambda: conversation(listened=False), partner_only)
            before = set(_thread_cpu_s())
            rss0 = rss_mb()
            listener = Listener(ListenSettings(source="meeting"), lambda c: heard.append((time.monotonic(), c.text)),
                                problems.append, speaking=engine.player.busy)
            listener.start()
            if not listener.ready.wait(60) or problems:
                raise RuntimeError(f"listening did not start: {problems}")
            time.sleep(0.5)
            rss_added.append(rss_mb() - rss0)
            listen_cpu0 = sum(v for k, v in _thread_cpu_s().items() if k not in before)
            measure(conversation, listening)
            listening["listen_cpu"] += sum(v for k, v in _thread_cpu_s().items() if k not in before) - listen_cpu0
            listener.stop()
            listener = None
    finally:
        if listener is not None:
            listener.stop()
        engine.close()
        voice.close()
        partner.close()
        server.stop()
        shutil.rmtree(server.folder, ignore_errors=True)  # the bench's own sound server leaves nothing behind
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return {
        "caption_lag_s_median": round(statistics.median(lags), 3) if lags else None,
        "caption_lag_s_max": round(max(lags), 3) if lags else None,
        "caption_lag_s_median_without_engine": round(statistics.median(quiet_lags), 3) if quiet_lags else None,
        "partner_phrases_captioned": len(lags),
        "listening_cpu_cores": round(listening["listen_cpu"] / listening["wall"], 3),
        "listening_memory_mb": round(rss_added[0], 1) if rss_added else None,  # the first start: model loaded
        "process_cpu_cores_engine_alone": round(alone["cpu"] / alone["wall"], 3),
        "process_cpu_cores_engine_and_listening": round(listening["cpu"] / listening["wall"], 3),
        "engine_dropped_frames_ratio_alone": round(alone["dropped"] / max(1, alone["frames"]), 5),
        "engine_dropped_frames_ratio_partner_playing": round(partner_only["dropped"] / max(1, partner_only["frames"]),
                                                             5),
        "engine_dropped_frames_ratio_listening": round(listening["dropped"] / max(1, listening["frames"]), 5),
        "engine_width_px": settings.width, "engine_height_px": settings.height, "engine_fps": settings.fps,
        "rounds": rounds, "seconds_per_phase": seconds,
    }


def run(args: argparse.Namespace) -> int:
    figures: dict = {}
    try:
        if not args.no_wer:
            figures.update(_word_error_rates(args.sentences))
            figures.update(_real_read_error_rates())
        if not args.no_live:
            figures.update(_live(args.seconds, args.rounds))
    except Exception as exc:
        if getattr(exc, "is_user_error", False):
            print(f"aac-avatar: {exc}", file=sys.stderr)
            return 2
        raise
    print_figures({k: v for k, v in figures.items() if v is not None}, args.json)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("listen", help="partner captions: word error rate, caption lag, CPU, frames")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--sentences", type=int, default=len(READ_SENTENCES),
                        help=f"read sentences per voice for the word error rate (at most {len(READ_SENTENCES)})")
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each live phase")
    parser.add_argument("--rounds", type=int, default=3, help="turns of engine alone / engine and listening")
    parser.add_argument("--no-wer", action="store_true", help="skip the word error rate")
    parser.add_argument("--no-live", action="store_true", help="skip the live figures (lag, CPU, frames)")
    parser.set_defaults(func=run)


