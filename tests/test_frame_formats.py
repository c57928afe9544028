"""One I420 conversion per frame, shared by the camera and the recording, and none for a frame sent again."""

from __future__ import annotations

import subprocess

import numpy as np
import pyvirtualcam.util

from aac.live.frame_formats import Planes, as_frame, i420
from aac.live.memory_camera import register_memory_camera
from aac.live.video_outputs import Mp4Recorder, VirtualCameraOutput

W, H = 64, 48


def _picture() -> np.ndarray:
    y, x = np.mgrid[0:H, 0:W]
    return np.stack([x * 4, y * 5, (x + y) * 2], axis=2).astype(np.uint8)


def test_a_frame_is_converted_once_whoever_asks():
    frame = as_frame(_picture())
    planes = i420(frame)
    assert planes.shape == (H * 3 // 2, W) and i420(frame) is planes
    white = i420(np.full((H, W, 3), 255, np.uint8))
    assert white[:H].min() == 235  # BT.601 limited range, as libyuv (the camera) and ffmpeg make it


def test_a_4_2_0_camera_gets_the_shared_planes_and_an_rgb_one_the_frame():
    got = {}
    register_memory_camera("aac-test-i420", lambda f: got.setdefault("i420", f.copy()),
                           native_fourcc=pyvirtualcam.util.encode_fourcc("I420"))
    register_memory_camera("aac-test-rgb", lambda f: got.setdefault("rgb", f.copy()))
    frame = as_frame(_picture())
    for backend in ("aac-test-i420", "aac-test-rgb"):
        camera = VirtualCameraOutput(W, H, 30.0, backend=backend)
        camera.send(frame)
        assert not camera.error
        camera.close()
    assert np.array_equal(got["i420"], i420(frame).reshape(-1))
    assert np.array_equal(got["rgb"], frame.reshape(-1))


def test_the_recording_takes_the_planes_and_keeps_the_colours(tmp_path):
    path = tmp_path / "take.mp4"
    recorder = Mp4Recorder(path, W, H, 30.0, 16000)
    frame = as_frame(_picture())
    for _ in range(10):
        recorder.send(frame)
    recorder.close()
    raw = subprocess.run(["ffmpeg", "-loglevel", "error", "-i", str(path), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         capture_output=True, check=True).stdout
    decoded = np.frombuffer(raw, np.uint8).reshape(-1, H, W, 3)
    assert len(decoded) == 10
    error = np.abs(decoded[5].astype(int) - _picture()).mean()
    assert error < 6, f"colours changed by {error:.1f} levels on average"



def test_a_reused_buffer_converts_only_where_it_changed_and_exactly():
    class Rect:
        def __init__(self, x0, y0, x1, y1):
            self.x0, self.y0, self.x1, self.y1 = x0, y0, x1, y1

    buffer = _picture()
    kept = Planes()
    first = as_frame(buffer)
    first.converts_into(kept)
    planes = i420(first)
    assert kept.planes is planes and not kept.pending
    # drawn again in the same buffer, twice, the planes asked for after the second only
    buffer[5:20, 7:30] = 200  # odd edges: widened to whole 2x2 chroma blocks
    kept.changed([Rect(7, 5, 30, 20)])
    buffer[40:47, 60:63] = 17
    buffer[6:10, 8:12] = 90  # inside the first rectangle, and given twice: converted once
    kept.changed([Rect(60, 40, 63, 47), Rect(8, 6, 12, 10), Rect(60, 40, 63, 47)])
    again = as_frame(buffer)
    again.converts_into(kept)
    converted = i420(again)
    assert converted is planes  # updated in place: no new planes each frame
    assert np.array_equal(converted, i420(np.asarray(buffer).copy()))
    assert not kept.pending and i420(again) is converted
