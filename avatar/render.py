"""The renderer: a rig and a parameter vector in, an RGB frame out, with OpenGL through EGL.

It runs headless on any GPU, and on the CPU through Mesa's llvmpipe where there is none;
`Renderer.gl_renderer` says which. The blendshapes are summed in the vertex shader (deltas in
a float texture, weights as uniforms), so a frame costs the CPU a few uniform writes, the
draw calls and the readback.
"""

from __future__ import annotations

import numpy as np

from avatar.expression import basis_weights, gaze_shift, head_pose
from avatar.rig import Rig

# One vertex shader for every pass; each pass's fragment shader reads only what it needs, so
# the face pass stays a plain textured fill, which llvmpipe runs about three times faster.
_VERTEX = """
#version 330
in vec3 in_pos;
in vec2 in_uv;
in vec4 in_color;
in float in_head;
uniform sampler2D deltas;      // RGB32F: x = vertex, y = basis
uniform float weights[32];
uniform int n_basis;
uniform mat3 head_rot;
uniform vec3 pivot;
uniform vec3 head_shift;
uniform float head_scale;
uniform vec4 view;             // canvas x, y, width, height shown
uniform vec2 depth;            // z offset and scale into -1..1
uniform vec2 depth_slice;      // scale and offset of this draw's slice of the depth range
out vec2 v_uv;
out vec4 v_color;
out vec2 v_rest;
void main() {
    vec3 p = in_pos;
    for (int k = 0; k < n_basis; k++) {
        if (weights[k] != 0.0) p += weights[k] * texelFetch(deltas, ivec2(gl_VertexID, k), 0).xyz;
    }
    vec3 posed = head_rot * (p - pivot) * head_scale + pivot + head_shift;
    p = mix(p, posed, in_head);
    // y is not flipped: row 0 of the framebuffer (read first) is the top of the picture
    gl_Position = vec4((p.x - view.x) / view.z * 2.0 - 1.0, (p.y - view.y) / view.w * 2.0 - 1.0,
                       (p.z - depth.x) * depth.y * depth_slice.x + depth_slice.y, 1.0);
    v_uv = in_uv;
    v_color = in_color;
    v_rest = in_pos.xy;
}
"""

_FRAGMENT_PHOTO = """
#version 330
in vec2 v_uv;
uniform sampler2D photo;
out vec4 f_color;
void main() { f_color = vec4(texture(photo, v_uv).rgb, 1.0); }
"""

_FRAGMENT_FLAT = """
#version 330
in vec4 v_color;
out vec4 f_color;
void main() { f_color = vec4(v_color.rgb, 1.0); }
"""

_FRAGMENT_EYE = """
#version 330
in vec2 v_rest;
uniform sampler2D photo;
uniform vec2 canvas;
uniform vec3 iris;             // x, y, radius in canvas pixels
uniform vec2 gaze;             // iris shift in canvas pixels
out vec4 f_color;
void main() {
    // move the iris and let the white of the eye close in behind it
    float d = length(v_rest - gaze - iris.xy) / iris.z;
    float follow = 1.0 - smoothstep(1.0, 1.9, d);
    f_color = vec4(texture(photo, (v_rest - gaze * follow) / canvas).rgb, 1.0);
}
"""

# Each draw over the last picture (`Renderer.draw(moving_only=True)`) puts its depths in a slice of
# the depth range nearer than every slice before it, so it needs no depth clear: what an earlier draw
# left is always behind. A scissored clear cost llvmpipe about as much as filling the head's
# rectangle (1.3 ms of its threads and 0.7 ms of the render thread a frame at 720p); the whole depth
# buffer is cleared once every DEPTH_SLICES draws instead. A slice of a 24-bit buffer keeps
# 2^18 depth levels, a few thousandths of a canvas pixel each.
DEPTH_SLICES = 64


def _slice(k: int) -> tuple[float, float]:
    """The (scale, offset) that puts normalized depth -1..1 into slice k (0: the farthest) of DEPTH_SLICES."""
    return 1.0 / DEPTH_SLICES, 1.0 - (2 * k + 1) / DEPTH_SLICES


class RendererUnavailable(RuntimeError):
    """No OpenGL 3.3 context could be made through EGL (no GPU driver and no Mesa llvmpipe)."""

    is_user_error = True


def create_context():
    """A headless moderngl context through EGL: the GPU if its driver is there, else Mesa llvmpipe."""
    import moderngl

    try:
        return moderngl.create_standalone_context(backend="egl")
    except Exception as exc:  # moderngl raises plain Exception for a missing EGL/driver
        raise RendererUnavailable(
            f"cannot start OpenGL through EGL ({exc}); "
            "install Mesa's EGL (Debian: libegl1 libegl-mesa0 libgl1-mesa-dri)"
        ) from exc


class Renderer:
    """Renders frames of one rig at one size. Not thread-safe; make one per thread.

    The view shows the rig canvas's full height (or full width for very wide sizes), centred,
    so the face sits in the same place whatever the size.
    """

    def __init__(self, rig: Rig, width: int, height: int, context=None) -> None:
        import moderngl

        self.rig = rig
        self.width, self.height = int(width), int(height)
        self._own_context = context is None
        self.ctx = context or create_context()
        ctx = self.ctx
        self.gl_renderer: str = ctx.info.get("GL_RENDERER", "unknown")
        self._photo_prog = ctx.program(vertex_shader=_VERTEX, fragment_shader=_FRAGMENT_PHOTO)
        self._flat_prog = ctx.program(vertex_shader=_VERTEX, fragment_shader=_FRAGMENT_FLAT)
        self._eye_prog = ctx.program(vertex_shader=_VERTEX, fragment_shader=_FRAGMENT_EYE)
        self._programs = (self._photo_prog, self._flat_prog, self._eye_prog)
        n_basis, n_vertices = rig.deltas.shape[:2]
        if n_basis > 32:
            raise ValueError("the shader takes at most 32 blendshape bases")
        self._n_basis = n_basis

        cw, ch = rig.canvas_size
        self.photo = ctx.texture((cw, ch), 3, np.ascontiguousarray(rig.texture).tobytes())
        self.photo.filter = (moderngl.LINEAR, moderngl.LINEAR)
        self.photo.repeat_x = self.photo.repeat_y = False
        self.deltas = ctx.texture((n_vertices, n_basis), 3, np.ascontiguousarray(rig.deltas, np.float32).tobytes(),
                                  dtype="f4")
        self.deltas.filter = (moderngl.NEAREST, moderngl.NEAREST)
        vertex_data = np.concatenate(
            [rig.positions, rig.uvs, rig.colors, rig.head_weight[:, None]], axis=1
        ).astype(np.float32)
        self.vbo = ctx.buffer(vertex_data.tobytes())

        self._index_buffers: list = []

        def vao(program, triangles: np.ndarray, attributes: tuple[str, ...]):
            if not len(triangles):
                return None
            # skip (as padding) the attributes this pass's shaders do not read
            fmt = " ".join(f if name in attributes else f"{int(f[0]) * 4}x"
                           for f, name in (("3f", "in_pos"), ("2f", "in_uv"), ("4f", "in_color"), ("1f", "in_head")))
            ibo = ctx.buffer(np.ascontiguousarray(triangles, np.int32).tobytes())
            self._index_buffers.append(ibo)
            return ctx.vertex_array(program, [(self.vbo, fmt, *attributes)], index_buffer=ibo, index_element_size=4)

        def passes(keep) -> tuple:
            """The passes' vertex arrays, each over the triangles `keep(triangles)` selects."""
            interior = rig.interior_triangles[keep(rig.interior_triangles)]
            flat = rig.colors[interior[:, 0], 3] > 0.5
            return (vao(self._flat_prog, interior[flat], ("in_pos", "in_color", "in_head")),
                    vao(self._photo_prog, interior[~flat], ("in_pos", "in_uv", "in_head")),
                    vao(self._photo_prog, rig.face_triangles[keep(rig.face_triangles)], ("in_pos", "in_uv", "in_head")))

        self._all = passes(lambda t: np.full(len(t), True))
        # the triangles a parameter can change: those with a vertex that moves (the eyes' too, with
        # the gaze). Their union covers the same pixels whatever the parameters (the edges they share
        # with still triangles are still), so drawing them alone over the last picture gives the full render
        moving = rig.moving_vertices
        self._moving = passes(lambda t: moving[t].any(axis=1))
        self._eyes = [vao(self._eye_prog, t, ("in_pos", "in_head")) for t in rig.eye_triangles]

        self.color = ctx.renderbuffer((self.width, self.height), 4)
        self.depth = ctx.depth_renderbuffer((self.width, self.height))
        self.fbo = ctx.framebuffer(color_attachments=[self.color], depth_attachment=self.depth)

        aspect = self.width / self.height
        if aspect <= cw / ch:
            vw, vh = ch * aspect, float(ch)
        else:
            vw, vh = float(cw), cw / aspect
        self.view = ((cw - vw) / 2, (ch - vh) / 2, vw, vh)
        z = rig.positions[:, 2]
        margin = 3.0 * rig.face_width_px  # room for turned and scaled heads
        zmin, zmax = float(z.min()) - margin, float(z.max()) + margin
        for prog in self._programs:
            prog["view"].value = self.view
            prog["depth"].value = ((zmin + zmax) / 2, 2.0 / (zmax - zmin))
            prog["n_basis"].value = n_basis
            prog["pivot"].value = tuple(map(float, rig.pivot))
            prog["deltas"].value = 1
        for prog in (self._photo_prog, self._eye_prog):
            prog["photo"].value = 0
        self._eye_prog["canvas"].value = (float(cw), float(ch))
        self._iris_radius = float(rig.irises[:, 2].mean())
        self._next_slice = 0  # the depth slice the next draw uses; DEPTH_SLICES: the depth must be cleared first

    def _set_params(self, params: np.ndarray) -> None:
        weights = np.zeros(32, np.float32)
        weights[: self._n_basis] = basis_weights(params)
        weights = weights.tobytes()
        rot, shift, scale = head_pose(params, self.rig.face_width_px, self.rig.face_height_px)
        # GLSL matrices are column-major: hand over the transpose's bytes
        rot = np.ascontiguousarray(rot.T, np.float32).tobytes()
        shift = tuple(map(float, shift))
        for prog in self._programs:
            prog["weights"].write(weights)
            prog["head_rot"].write(rot)
            prog["head_shift"].value = shift
            prog["head_scale"].value = scale
        self._eye_prog["gaze"].value = tuple(map(float, gaze_shift(params, self._iris_radius)))

    def draw(self, params: np.ndarray, moving_only: bool = False) -> None:
        """Render one frame into the framebuffer (read it with `read`).

        `moving_only`: draw only the triangles a parameter can change, over the picture the
        framebuffer holds (a frame drawn whole before, and only such draws since): the same
        pixels as drawing it whole, without clearing and filling the still parts again (with
        the scissor: llvmpipe's fill of the head's rectangle costs about a quarter less). Its
        depths go in a slice of the range nearer than the last draw's, so the depth left by
        earlier draws needs no clearing (see DEPTH_SLICES).
        """
        import moderngl

        self._set_params(params)
        ctx = self.ctx
        fbo = self.fbo
        fbo.use()
        ctx.viewport = (0, 0, self.width, self.height)
        self.photo.use(0)
        self.deltas.use(1)
        if not moving_only:
            fbo.clear(0.0, 0.0, 0.0, 1.0, depth=1.0)
            self._next_slice = 0
        elif self._next_slice == DEPTH_SLICES:
            # the depth alone, all of it (the scissor lifted): the colour of what is not drawn again stays
            scissor = fbo.scissor
            fbo.scissor = None
            fbo.color_mask = (False, False, False, False)
            fbo.clear(depth=1.0)
            fbo.color_mask = (True, True, True, True)
            fbo.scissor = scissor
            fbo.use()  # the colour mask and scissor reach GL when the framebuffer is bound
            self._next_slice = 0
        depth_slice = _slice(self._next_slice)
        self._next_slice += 1
        for prog in self._programs:
            prog["depth_slice"].value = depth_slice
        interior_flat, interior_photo, face = self._moving if moving_only else self._all
        # mouth interior first, without depth: the face surface, drawn next with its hole
        # between the lips, covers all of it but the opening
        ctx.disable(moderngl.DEPTH_TEST)
        for vao in (interior_flat, interior_photo):
            if vao is not None:
                vao.render(moderngl.TRIANGLES)
        ctx.enable(moderngl.DEPTH_TEST)
        if face is not None:
            face.render(moderngl.TRIANGLES)
        for iris, vao in zip(self.rig.irises, self._eyes, strict=True):
            if vao is not None:
                self._eye_prog["iris"].value = tuple(map(float, iris))
                vao.render(moderngl.TRIANGLES)

    def read(self, out: np.ndarray | None = None) -> np.ndarray:
        """The last drawn frame as (height, width, 3) uint8 RGB, top row first."""
        if out is None:
            out = np.empty((self.height, self.width, 3), np.uint8)
        self.fbo.read_into(out, components=3, alignment=1)
        return out

    def render(self, params: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """One frame for a parameter vector (avatar.params order): (height, width, 3) uint8 RGB."""
        self.draw(params)
        return self.read(out)

    def render_batch(self, params: np.ndarray) -> np.ndarray:
        """Frames for a (frames, params) array: (frames, height, width, 3) uint8."""
        params = np.atleast_2d(params)
        frames = np.empty((len(params), self.height, self.width, 3), np.uint8)
        for i, p in enumerate(params):
            self.render(p, frames[i])
        return frames

    def release(self) -> None:
        """Free the GL objects, and the context if this renderer made it."""
        if self._own_context:
            self.ctx.release()
            return
        for obj in (*self._all, *self._moving, *self._eyes, *self._index_buffers, *self._programs,
                    self.vbo, self.photo, self.deltas, self.fbo, self.color, self.depth):
            if obj is not None:
                obj.release()


def framed_photo(rig: Rig, width: int, height: int) -> np.ndarray:
    """The rig's photo as the renderer frames it at this size, by plain bilinear resampling: the neutral reference."""
    import cv2

    cw, ch = rig.canvas_size
    aspect = width / height
    vw, vh = (ch * aspect, float(ch)) if aspect <= cw / ch else (float(cw), cw / aspect)
    vx, vy = (cw - vw) / 2, (ch - vh) / 2
    sx, sy = vw / width, vh / height
    matrix = np.array([[sx, 0, vx + 0.5 * sx - 0.5], [0, sy, vy + 0.5 * sy - 0.5]], dtype=np.float64)
    return cv2.warpAffine(rig.texture, matrix, (width, height), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                          borderMode=cv2.BORDER_REPLICATE)
