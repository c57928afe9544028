"""A cheaper frame: redraw only what moved, over the picture as last drawn, and not at all when nothing moved.

The rig's mesh covers the whole picture, but most of it (background, shoulders) is fixed: only
triangles with a vertex that follows the head or a blendshape can change. `FrameCache` renders the
whole picture once and keeps it as last drawn; per frame it draws and reads back only the rectangle
of the triangles whose vertices moved since the last frame drawn (where they were and where they
are now; the eyes too when the gaze changed), with the GL scissor, at the output size itself (the
size the meeting app is sent), and pastes it into the kept picture. The framebuffer keeps the last
drawn picture: inside the rectangle only the triangles that can move are drawn again over it
(`Renderer.draw(moving_only=True)`), and the still ones, and everything outside it, are as they
were, so the frame equals the full render.

`changed(params)` tells whether a frame's moving vertices (and irises) would land `still_px` or
more from where they were last drawn (the head's drift alone: `head_still_px`): when not, the
caller shows its previous frame again and skips its own work for it too (overlays, conversions).
The difference from a full render is then below that displacement; `tests/test_frame_cache.py`
states the PSNR it keeps.
"""
from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from avatar.expression import HEAD_PARAMS, basis_weights, gaze_shift, head_pose
from avatar.params import PARAM_INDEX
from avatar.params import neutral as params_neutral
from avatar.region import Region
from avatar.render import Renderer

# A redraw margin: rasterizing a triangle edge touches the pixel its boundary passes through.
_MARGIN_PX = 2
# Sub-pixel drift the eye cannot see on a 720p call picture; idle breathing moves the head about
# this much per frame, so most idle frames need no drawing at all.
STILL_PX = 0.25
# The head's own slow drift (sway, breathing), while nothing else moves, is drawn when it has moved the
# face this much: half a pixel of a 720p picture, which a meeting app then scales down and compresses.
HEAD_STILL_PX = 0.5
_HEAD = np.array([PARAM_INDEX[name] for name in HEAD_PARAMS])


class _WaitOutsideInterpreter:
    """Waits for the GL work queued so far without holding Python's interpreter lock.

    moderngl holds the lock through a read-back, which waits for the whole rasterization (on
    llvmpipe 10-40 ms when the machine is busy): the audio and speech threads, and the app's
    window, could not run Python meanwhile. A GL fence waited on through ctypes (which lets go
    of the lock during the call) makes the read-back itself a copy. Linux (glvnd's libOpenGL);
    elsewhere, or without it, reading back waits as before.
    """

    _SYNC_GPU_COMMANDS_COMPLETE = 0x9117
    _SYNC_FLUSH_COMMANDS_BIT = 0x1
    _TIMEOUT_NS = 1_000_000_000

    def __init__(self) -> None:
        self._gl = None
        if not sys.platform.startswith("linux"):
            return
        try:
            gl = ctypes.CDLL("libOpenGL.so.0")
            gl.glFenceSync.restype = ctypes.c_void_p
            gl.glFenceSync.argtypes = (ctypes.c_uint, ctypes.c_uint)
            gl.glClientWaitSync.restype = ctypes.c_uint
            gl.glClientWaitSync.argtypes = (ctypes.c_void_p, ctypes.c_uint, ctypes.c_uint64)
            gl.glDeleteSync.argtypes = (ctypes.c_void_p,)
        except (OSError, AttributeError):
            return
        self._gl = gl

    def __call__(self) -> None:
        gl = self._gl
        if gl is None:
            return
        fence = gl.glFenceSync(self._SYNC_GPU_COMMANDS_COMPLETE, 0)
        if not fence:  # no current context seen through glvnd: read back as before
            self._gl = None
            return
        gl.glClientWaitSync(fence, self._SYNC_FLUSH_COMMANDS_BIT, self._TIMEOUT_NS)
        gl.glDeleteSync(fence)


@dataclass
class CacheStats:
    """How much was drawn: frames and pixels (a full render would draw width x height each)."""

    drawn: int = 0
    pixels_drawn: int = 0


class FrameCache:
    """Frames of one renderer, drawn only where the face moves. Same thread rules as `Renderer`.

    Set up before the renderer draws anything else: the cached picture is its first frame.
    """

    def __init__(self, renderer: Renderer, still_px: float = STILL_PX, head_still_px: float | None = None,
                 finish: Callable[[np.ndarray, int, int], None] | None = None) -> None:
        self.renderer = renderer
        self.still_px = float(still_px)
        # the same share of the face at any size (a 360p call picture gets a quarter pixel), never finer than still_px
        self.head_still_px = float(head_still_px) if head_still_px is not None else \
            max(self.still_px, HEAD_STILL_PX * renderer.height / 720)
        # a per-pixel step every frame gets (an invisible mark): done once on the cached picture and
        # then on each redrawn rectangle only, `finish(pixels, x0, y0)` in place
        self._finish = finish
        rig = renderer.rig
        self.width, self.height = renderer.width, renderer.height
        moves = rig.moving_vertices
        eyes = np.concatenate([np.full(len(t), True) for t in rig.eye_triangles]) if rig.eye_triangles else \
            np.zeros(0, bool)
        triangles = np.concatenate([rig.face_triangles, rig.interior_triangles, *rig.eye_triangles]).astype(np.int64)
        is_eye = np.concatenate([np.zeros(len(rig.face_triangles) + len(rig.interior_triangles), bool), eyes])
        moving = moves[triangles].any(axis=1)
        # every vertex of a moving triangle bounds the redraw, fixed ones included
        self._vertices, local = np.unique(triangles[moving], return_inverse=True)
        self._triangles = local.reshape(-1, 3)  # the moving triangles, as indices into `_vertices`
        self._eye_triangles = is_eye[moving]  # drawn by the eye shader: they change with the gaze too
        # float32 throughout: a pixel's position to 1e-4 px, and half the memory each frame reads
        self._rest = rig.positions[self._vertices].astype(np.float32)
        # one (bases, vertices * 3) matrix: the blendshapes' sum is a matrix-vector product
        self._deltas = rig.deltas[:, self._vertices].astype(np.float32).reshape(len(rig.deltas), -1)
        self._head = rig.head_weight[self._vertices, None].astype(np.float32)
        self._pivot = rig.pivot.astype(np.float32)
        vx, vy, vw, vh = renderer.view
        self._origin = np.array([vx, vy])
        self._scale = np.array([self.width / vw, self.height / vh])
        self._iris_radius = float(rig.irises[:, 2].mean())
        self._face_width_px, self._face_height_px = rig.face_width_px, rig.face_height_px

        neutral = params_neutral()
        # the picture as last drawn (marked, no overlays); the framebuffer holds the same outside
        # what is drawn next, so a frame redraws only where its moving triangles were or are now
        self._picture = renderer.render(neutral)
        if finish is not None:
            finish(self._picture, 0, 0)
        self._drawn = neutral.astype(np.float32)  # the parameters the picture shows
        self._last_pixels = self._pixels(neutral)
        self._last_gaze = self._gaze(neutral)
        self._background_box = self._box(self._last_pixels)
        self.last_region = self._background_box  # the rectangle the last frame drew (outside it: the one before)
        self._planned: tuple[np.ndarray, np.ndarray] | None = None  # (params, pixels) of the last `changed`
        self.stats = CacheStats()
        self._wait = _WaitOutsideInterpreter()

    def _pixels(self, params: np.ndarray) -> np.ndarray:
        """Where the moving triangles' vertices land in the frame, as the vertex shader places them."""
        return self._posed(self._shaped(params), params)

    def _shaped(self, params: np.ndarray) -> np.ndarray:
        """The moving vertices with the blendshapes of `params` (the head's pose does not enter)."""
        weights = basis_weights(params).astype(np.float32)
        return self._rest + (weights[: len(self._deltas)] @ self._deltas).reshape(self._rest.shape)

    def _posed(self, p: np.ndarray, params: np.ndarray) -> np.ndarray:
        """Shaped vertices `p` in the frame, with the head's pose of `params`."""
        rot, shift, scale = head_pose(params, self._face_width_px, self._face_height_px)
        posed = (p - self._pivot) @ np.asarray(rot, np.float32).T * scale + self._pivot + np.asarray(shift, np.float32)
        p = p + self._head * (posed - p)
        return (p[:, :2] - self._origin) * self._scale

    def _gaze(self, params: np.ndarray) -> np.ndarray:
        return gaze_shift(params, self._iris_radius) * self._scale

    def _box(self, pixels: np.ndarray, also: np.ndarray | None = None) -> Region:
        """The rectangle of the frame the points `pixels` (and `also`) fall in, with the redraw margin."""
        low, high = pixels.min(axis=0), pixels.max(axis=0)
        if also is not None:
            low, high = np.minimum(low, also.min(axis=0)), np.maximum(high, also.max(axis=0))
        x0, y0 = (int(v) - _MARGIN_PX for v in np.floor(low))
        x1, y1 = (int(v) + _MARGIN_PX + 1 for v in np.ceil(high))
        return Region(max(0, x0), max(0, y0), min(self.width, x1), min(self.height, y1))

    @staticmethod
    def _union(a: Region, b: Region) -> Region:
        return Region(min(a.x0, b.x0), min(a.y0, b.y0), max(a.x1, b.x1), max(a.y1, b.y1))

    def region(self, params: np.ndarray) -> Region:
        """The rectangle the head covers for `params` and in the cached picture (neutral)."""
        return self._union(self._box(self._pixels(params)), self._background_box)

    def changed(self, params: np.ndarray) -> bool:
        """Whether a frame for `params` would differ visibly from the last one drawn.

        Visibly: a moving vertex (or an iris) lands `still_px` or more from where it was drawn. The
        head's own drift (breathing, sway) is let add up to `head_still_px` first, when nothing
        else moved: a face that is redrawn anyway (the mouth, the lids, the eyes) is drawn with the
        head where it is, so blinks and gaze shifts are never held back.
        """
        params = np.asarray(params, np.float32)
        shaped = self._shaped(params)
        moved = self._posed(shaped, params)
        self._planned = (params.copy(), moved)  # `render` of the same params reuses them
        gaze_moved = np.abs(self._gaze(params) - self._last_gaze).max() >= self.still_px
        if np.abs(moved - self._last_pixels).max() < self.still_px and not gaze_moved:
            return False
        held = params.copy()
        held[_HEAD] = self._drawn[_HEAD]
        held_pixels = self._posed(shaped, held)  # the face as it is now, the head as it was drawn
        if gaze_moved or np.abs(held_pixels - self._last_pixels).max() >= self.still_px:
            return True
        return bool(np.abs(moved - held_pixels).max() >= self.head_still_px)

    def render(self, params: np.ndarray) -> np.ndarray:
        """The frame for `params` exactly: a new (height, width, 3) uint8 RGB array, the caller's to keep or draw on.

        Only the triangles whose vertices moved since the last frame drawn (where they were and
        where they are now), and the eyes when the gaze changed, are drawn again.
        """
        self.draw(params)
        return self._picture.copy()

    @property
    def picture(self) -> np.ndarray:
        """The picture as last drawn (read only: it changes with each `draw`)."""
        view = self._picture.view()
        view.flags.writeable = False
        return view

    def draw(self, params: np.ndarray) -> Region:
        """Bring `picture` to `params` exactly, drawing only what moved (as `render`); the rectangle it drew in."""
        params = np.asarray(params, np.float32)
        planned, self._planned = self._planned, None
        reuse = planned is not None and np.array_equal(planned[0], params)
        pixels = planned[1] if reuse else self._pixels(params)
        gaze = self._gaze(params)
        damaged = np.any(pixels != self._last_pixels, axis=1)[self._triangles].any(axis=1)
        if not np.array_equal(gaze, self._last_gaze):
            damaged |= self._eye_triangles
        if damaged.all():  # as in speech: every moving triangle, so every one of their vertices
            box = self._box(pixels, self._last_pixels)
            self._draw(params, box)
        elif damaged.any():
            corners = self._triangles[damaged].reshape(-1)
            box = self._box(pixels[corners], self._last_pixels[corners])
            self._draw(params, box)
        else:
            box = Region(0, 0, 0, 0)
        self._drawn, self._last_pixels, self._last_gaze = params.copy(), pixels, gaze
        self.last_region = box
        self.stats.drawn += 1
        self.stats.pixels_drawn += box.area_px
        return box

    def _draw(self, params: np.ndarray, box: Region) -> None:
        """Draw `params` inside `box` only and read that rectangle into the picture."""
        r = self.renderer
        w, h = box.x1 - box.x0, box.y1 - box.y0
        if w <= 0 or h <= 0:
            return
        # framebuffer row 0 is the top of the picture (the renderer does not flip y), so the box's
        # rows are GL's rows as they are
        r.fbo.scissor = (box.x0, box.y0, w, h)  # the clear and every pass keep inside it
        try:
            r.draw(params, moving_only=True)  # the still triangles are in the framebuffer as last drawn
        finally:
            r.fbo.scissor = None
        self._wait()  # other Python threads run while it rasterizes
        # read as the framebuffer holds it (RGBA: a copy of rows) and drop alpha with OpenCV, which writes
        # straight into the picture's rectangle: about a quarter less than GL's own conversion to RGB
        rgba = np.empty((h, w, 4), np.uint8)
        r.fbo.read_into(rgba, viewport=(box.x0, box.y0, w, h), components=4, alignment=1)
        patch = self._picture[box.y0 : box.y1, box.x0 : box.x1]
        written = cv2.cvtColor(rgba, cv2.COLOR_RGBA2RGB, dst=patch)
        if written is not patch:  # OpenCV made its own array after all
            patch[...] = written
        if self._finish is not None:
            self._finish(patch, box.x0, box.y0)

    def release(self) -> None:
        """Release the renderer."""
        self.renderer.release()

