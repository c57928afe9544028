"""`aac-avatar bench mark`: what the AI marks cost and whether they survive a meeting app.

Cost: marking a 1280x720 frame (the live loop's budget), marking a second of speech, PSNR of a
marked rendered frame. Survival (`--clips N --reencodes R`): the avatar speaks N different messages, rendered
and marked as `render` does, each about 10 s; every clip is then re-encoded R times as a meeting
app would, each time differently: a random crop of 0-5% on each side, scaled to 640x360, H.264 at 500 kbps, the voice in
Opus at 24 kbps, a slight brightness and contrast change, all metadata stripped; verify looks for
the marks in the result.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SENTENCES = (
    "Good morning, everyone. Thank you for waiting while I type.",
    "I have a question about the plan for next week.",
    "Could you say that again, a little more slowly please?",
    "I agree with what Sam said. Let us try it on Tuesday.",
    "My sister is visiting on Sunday, so I will be away.",
    "That sounds good to me. Please send me the notes afterwards.",
    "I am not sure yet. Give me a moment to think about it.",
    "The room was too warm yesterday. Can we open a window?",
    "I would like to hear what the others think first.",
    "Thank you all. I need a short break now, back in five minutes.",
)


def _median_ms(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return float(np.median(times) * 1000.0)


def _cost(renderer) -> dict:
    from aac.provenance.audio_mark import mark_audio
    from aac.provenance.frame_mark import FrameMarker, psnr_db
    from avatar import params
    from speech.registry import get_voice

    frame = renderer.render(params.from_dict({}))
    marker = FrameMarker()
    marker.mark(frame.copy())  # the pattern for this size is made once, before the live loop needs it
    work = frame.copy()
    mark_ms = _median_ms(lambda: marker.mark(work), 300)
    marked = marker.mark(frame.copy())
    voice = get_voice("espeak:en-us")
    try:
        speech = voice.synthesize(" ".join(SENTENCES[:3]))
    finally:
        voice.close()
    audio_ms = _median_ms(lambda: mark_audio(speech.audio, speech.sample_rate_hz), 5)
    return {
        "frame_mark_ms_per_1280x720_frame": round(mark_ms, 3),
        "frame_mark_psnr_db": round(psnr_db(frame, marked), 2),
        "audio_mark_ms_per_s_of_speech": round(audio_ms / speech.duration_s, 2),
    }


def _meeting_app(source: Path, target: Path, rng: np.random.Generator) -> str:
    left, right, top, bottom = rng.uniform(0.0, 0.05, 4)
    brightness, contrast = rng.uniform(-0.03, 0.03), rng.uniform(0.95, 1.05)
    video = (f"crop=iw*{1 - left - right:.4f}:ih*{1 - top - bottom:.4f}:iw*{left:.4f}:ih*{top:.4f},"
             f"scale=640:360,eq=brightness={brightness:.3f}:contrast={contrast:.3f}")
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-i", str(source), "-vf", video, "-c:v", "libx264", "-b:v", "500k",
         "-maxrate", "500k", "-bufsize", "1000k", "-c:a", "libopus", "-b:a", "24k", "-map_metadata", "-1",
         "-map_chapters", "-1", "-fflags", "+bitexact", str(target)],
        check=True, capture_output=True,
    )
    return f"crop l{left:.3f} r{right:.3f} t{top:.3f} b{bottom:.3f}"


def _survival(renderer, settings, clips: int, reencodes: int, seed: int, progress: bool) -> dict:
    from aac.live.offline import render_message
    from aac.provenance.verify import verify
    from speech.registry import get_voice

    rng = np.random.default_rng(seed)
    voice = get_voice("espeak:en-us")
    frames_found = audio_found = 0
    frame_strengths, audio_strengths, durations = [], [], []
    try:
        with tempfile.TemporaryDirectory(prefix="aac-bench-mark-") as tmp:
            for k in range(clips):
                picks = rng.choice(len(SENTENCES), size=3, replace=False)
                text = " ".join(SENTENCES[i] for i in picks)
                rendered, received = Path(tmp) / f"clip{k}.mp4", Path(tmp) / f"clip{k}.mkv"
                figures = render_message(renderer, voice, text, settings, rendered, emotion=None, intensity=None)
                for _ in range(reencodes):  # each a different crop, brightness and contrast
                    durations.append(figures["duration_s"])
                    how = _meeting_app(rendered, received, rng)
                    verdict = verify(received)
                    frames_found += bool(verdict.frame_mark and verdict.frame_mark.found)
                    audio_found += bool(verdict.audio_mark and verdict.audio_mark.found)
                    frame_strengths.append(verdict.frame_mark.strength_sigma if verdict.frame_mark else 0.0)
                    audio_strengths.append(verdict.audio_mark.strength_sigma if verdict.audio_mark else 0.0)
                    received.unlink()
                    if progress:  # a long run can be read as it goes (stderr; the figures stay one JSON line)
                        print(f"clip {k + 1}/{clips} {figures['duration_s']:.1f} s {how}: frame mark "
                              f"{frame_strengths[-1]:.1f} sigma, voice mark {audio_strengths[-1]:.1f} sigma",
                              file=sys.stderr, flush=True)
                rendered.unlink()
    finally:
        voice.close()
    trials = len(durations)
    return {
        "clips_rendered": clips,
        "reencodes": trials,
        "clip_duration_s_mean": round(float(np.mean(durations)), 2),
        "frame_mark_found_share": round(frames_found / trials, 4),
        "frame_mark_strength_sigma_min": round(float(np.min(frame_strengths)), 2),
        "frame_mark_strength_sigma_median": round(float(np.median(frame_strengths)), 2),
        "audio_mark_found_share": round(audio_found / trials, 4),
        "audio_mark_strength_sigma_min": round(float(np.min(audio_strengths)), 2),
        "audio_mark_strength_sigma_median": round(float(np.median(audio_strengths)), 2),
    }


def run(args: argparse.Namespace) -> int:
    from aac.commands.bench import print_figures
    from aac.live.engine import EngineSettings
    from avatar.render import Renderer
    from avatar.rig import load_rig
    from profiles.bundled_faces import default_face

    settings = EngineSettings(width=1280, height=720, fps=30.0)
    renderer = Renderer(load_rig(default_face(args.face).rig_path), settings.width, settings.height)
    try:
        figures = _cost(renderer)
        if args.clips:
            figures.update(_survival(renderer, settings, args.clips, args.reencodes, args.seed, args.progress))
    finally:
        renderer.release()
    print_figures(figures, args.json)
    return 0


def register(benches: argparse._SubParsersAction) -> None:
    from aac.arguments import whole_number
    from profiles.bundled_faces import default_face_ids

    parser = benches.add_parser("mark", help="AI mark cost, PSNR, and survival of a meeting app's re-encoding")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--clips", type=whole_number(0, 10_000, "clips"), default=0,
                        help="also render and re-encode this many ~10 s clips")
    parser.add_argument("--face", default="hazel", choices=default_face_ids(), help="the shipped face to render")
    parser.add_argument("--reencodes", type=whole_number(1, 100, "re-encodes"), default=1,
                        help="meeting-app re-encodes of each rendered clip")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--progress", action="store_true", help="print each clip's result on stderr")
    parser.set_defaults(func=run)
