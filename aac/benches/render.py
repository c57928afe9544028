"""`aac-avatar bench render`: avatar frames per second (readback included), rig load time, neutral PSNR,
and the live engine's frame path at 1280x720, whole frames against the cheaper frame (CPU per frame)."""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from aac.arguments import DURATION_S


def _default_rig_path():
    from profiles.store import BUNDLED_DIR

    return BUNDLED_DIR / "default" / "rig.npz"


def _moving_params(n: int) -> np.ndarray:
    """A talking, blinking, turning sequence: every frame differs, as in a call."""
    from avatar import params

    t = np.arange(n, dtype=np.float32) / 30.0
    p = np.zeros((n, len(params.PARAMS)), np.float32)
    idx = params.PARAM_INDEX
    p[:, idx["jaw_open"]] = 0.4 + 0.4 * np.sin(t * 9.0)
    p[:, idx["mouth_smile"]] = 0.3 + 0.3 * np.sin(t * 1.3)
    p[:, idx["blink_left"]] = p[:, idx["blink_right"]] = (np.sin(t * 2.0) > 0.95).astype(np.float32)
    p[:, idx["head_yaw_deg"]] = 10 * np.sin(t * 0.7)
    p[:, idx["head_pitch_deg"]] = 5 * np.sin(t * 1.1)
    p[:, idx["gaze_x"]] = 0.5 * np.sin(t * 0.5)
    return params.clip(p)


def _fps(renderer, frames: np.ndarray, seconds: float) -> float:
    renderer.render(frames[0])  # compiles shaders and warms the caches
    out = np.empty((renderer.height, renderer.width, 3), np.uint8)
    count, start = 0, time.perf_counter()
    while True:
        renderer.render(frames[count % len(frames)], out)
        count += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return count / elapsed


def _frame_path_cpu_ms(rig, ctx, frames_each: int) -> dict[str, float]:
    """CPU ms per live frame at 1280x720 (render, overlays, the outputs' I420), idle and speaking, drawn
    whole as before and through the cheaper frame (`aac.live.frames`), alternating in one run (best of two)."""
    import dataclasses

    import cv2

    from aac.live.frame_formats import i420
    from aac.live.frames import LiveFrames
    from aac.live.overlays import OverlaySettings, OverlayState, draw
    from avatar.motion.controls import MotionControls
    from avatar.motion.generator import MotionGenerator
    from avatar.motion.speech_motion import speech_motion
    from avatar.render import Renderer
    from speech.registry import get_voice

    full = Renderer(rig, 1280, 720, context=ctx)
    cached = LiveFrames(Renderer(rig, 1280, 720, context=ctx), OverlaySettings())
    generator = MotionGenerator(30.0, MotionControls(seed=2))
    idle = generator.frames(np.arange(frames_each) / 30)
    utterance = get_voice("espeak:en-us").synthesize("Hello, I would like a cup of tea, please, and then a walk.")
    generator.place(dataclasses.replace(speech_motion(utterance, 30.0, seed=1, head_amount=1.0), start_s=100.0))
    speech = generator.frames(100 + np.arange(min(frames_each, int(utterance.duration_s * 30) - 3)) / 30)

    def whole(params, state):
        frame = full.render(params)
        draw(frame, state, OverlaySettings())
        cv2.cvtColor(frame, cv2.COLOR_RGB2YUV_I420)

    def cheaper(params, state):
        i420(cached.frame(params, state)[0])

    best: dict[str, float] = {}
    for _ in range(2):
        for name, frames, caption in (("idle", idle, ""), ("speaking", speech, "Hello, I would like a cup of tea")):
            for label, draw_frame in (("whole", whole), ("cached", cheaper)):
                cpu = time.process_time()
                for i, params in enumerate(frames):
                    draw_frame(params, OverlayState(caption=caption, time_s=i / 30))
                ms = (time.process_time() - cpu) / len(frames) * 1000
                key = f"frame_cpu_ms_{name}_{label}_1280x720"
                best[key] = round(min(best.get(key, ms), ms), 2)
    full.release()
    cached.release()
    return best


def measure(seconds: float, rig_path=None) -> dict[str, float | int | str]:
    """Every render figure for the default face's rig (or the rig file given)."""
    from avatar.render import Renderer, create_context, framed_photo
    from avatar.rig import load_rig

    rig_path = rig_path or _default_rig_path()
    load_rig(rig_path)  # the first read pays for imports and a cold disk cache
    t = time.perf_counter()
    rig = load_rig(rig_path)
    figures: dict[str, float | int | str] = {"rig_load_ms": round((time.perf_counter() - t) * 1000, 2)}
    t = time.perf_counter()
    ctx = create_context()
    figures["context_start_ms"] = round((time.perf_counter() - t) * 1000, 2)
    frames = _moving_params(300)
    for key, (w, h) in (("512", (512, 512)), ("1280x720", (1280, 720))):
        t = time.perf_counter()
        renderer = Renderer(rig, w, h, context=ctx)
        figures[f"renderer_start_{key}_ms"] = round((time.perf_counter() - t) * 1000, 2)
        figures[f"fps_{key}"] = round(_fps(renderer, frames, seconds), 1)
        neutral = renderer.render(np.zeros(frames.shape[1], np.float32))
        ref = framed_photo(rig, w, h).astype(np.float64)
        mse = float(((neutral - ref) ** 2).mean())
        figures[f"neutral_psnr_whole_frame_{key}_db"] = round(10 * np.log10(255**2 / max(mse, 1e-10)), 2)
        figures["renderer"] = renderer.gl_renderer
        renderer.release()
    figures.update(_frame_path_cpu_ms(rig, ctx, 150 if seconds >= 1 else 20))
    figures["triangles"] = int(len(rig.face_triangles) + len(rig.interior_triangles) + sum(map(len, rig.eye_triangles)))
    figures["vertices"] = int(len(rig.positions))
    # other work on the machine slows llvmpipe directly: keep the figures' context with them
    figures["cpu_load_1min"] = round(os.getloadavg()[0], 2)
    figures["cpu_count"] = os.cpu_count() or 0
    ctx.release()
    return figures


def run(args: argparse.Namespace) -> int:
    from aac.commands.bench import print_figures

    print_figures(measure(args.seconds, args.rig), args.json)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("render", help="avatar frames per second at 512x512 and 1280x720, rig load time")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--seconds", type=DURATION_S, default=3.0, help="time spent rendering at each size")
    parser.add_argument("--rig", default=None, help="a rig file (default: the default face's)")
    parser.set_defaults(func=run)
