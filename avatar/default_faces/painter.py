"""Painting a portrait of nobody: a lit relief of a head, eyes, lips, brows, hair and clothes.

The face is a height field (skull, brow ridge, eye sockets, cheekbones, nose, lips, chin,
and for age the folds and lines) lit by a key and a fill light, so shading, creases and
highlights agree with each other the way they do in a photo. Eyes, lips, brows and hair are
painted over it. Everything is in "design units" of a 960-high portrait, scaled to the
canvas. Deterministic: a spec paints the same pixels every run.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

WIDTH_PX = 1280
HEIGHT_PX = 740


@dataclass(frozen=True)
class FaceSpec:
    """What one painted face looks like. Colours are linear-ish RGB in 0..1."""

    face_id: str
    description: str
    feminine: bool
    age_years: int
    skin: tuple[float, float, float]
    hair: tuple[float, float, float]
    hair_style: str  # "curly", "short", "bob", "long"
    eyes: tuple[float, float, float]
    shirt: tuple[float, float, float]
    background: tuple[float, float, float]
    seed: int
    monolid: bool = False  # no visible upper-lid crease


def _smooth(t):
    t = np.clip(t, 0, 1)
    return t * t * (3 - 2 * t)


class _Painter:
    def __init__(self, spec: FaceSpec, width: int, height: int) -> None:
        self.spec = spec
        self.w, self.h = width, height
        self.s = height / 960
        y, x = np.mgrid[0:height, 0:width].astype(np.float32)
        self.x, self.y = x + 0.5, y + 0.5
        self.rgb = np.zeros((height, width, 3), np.float32)
        self.rng = np.random.default_rng(spec.seed)
        self.cx = width / 2

    # --- helpers, all lengths in design units (multiplied by self.s)
    def X(self, v):
        return self.cx + v * self.s

    def Y(self, v):
        return v * self.s

    def paint(self, alpha, colour) -> None:
        a = np.clip(alpha, 0, 1)[..., None]
        self.rgb = self.rgb * (1 - a) + np.asarray(colour, np.float32) * a

    def gauss(self, x, y, rx, ry, angle_deg=0.0):
        t = np.radians(angle_deg)
        dx, dy = self.x - self.X(x), self.y - self.Y(y)
        u = (dx * np.cos(t) + dy * np.sin(t)) / (rx * self.s)
        v = (-dx * np.sin(t) + dy * np.cos(t)) / (ry * self.s)
        return np.exp(-(u * u + v * v))

    def ellipse(self, x, y, rx, ry, soft=1.5):
        u = (self.x - self.X(x)) / (rx * self.s)
        v = (self.y - self.Y(y)) / (ry * self.s)
        r = np.sqrt(u * u + v * v)
        return np.clip((1 - r) * min(rx, ry) * self.s / soft + 0.5, 0, 1)

    def pts(self, points):
        p = np.asarray(points, np.float64)
        return np.stack([self.X(p[:, 0]), self.Y(p[:, 1])], 1)

    def polygon(self, points, blur=1.0):
        mask = np.zeros((self.h, self.w), np.uint8)
        cv2.fillPoly(mask, [np.round(self.pts(points) * 16).astype(np.int32)], 255, cv2.LINE_AA, 4)
        out = mask.astype(np.float32) / 255
        return cv2.GaussianBlur(out, (0, 0), blur * self.s) if blur > 0 else out

    def line_distance(self, points):
        """Distance in design units to a polyline."""
        mask = np.full((self.h, self.w), 255, np.uint8)
        cv2.polylines(mask, [np.round(self.pts(points)).astype(np.int32)], False, 0, 1)
        return cv2.distanceTransform(mask, cv2.DIST_L2, 5) / self.s

    def stroke(self, points, width, blur=0.7):
        mask = np.zeros((self.h, self.w), np.uint8)
        thick = max(1, int(round(width * self.s)))
        cv2.polylines(mask, [np.round(self.pts(points) * 16).astype(np.int32)], False, 255, thick, cv2.LINE_AA, 4)
        out = mask.astype(np.float32) / 255
        return cv2.GaussianBlur(out, (0, 0), blur * self.s) if blur > 0 else out

    def noise(self, scale, seed_offset=0):
        """Smooth noise about N(0, 1) with features about `scale` design units."""
        rng = np.random.default_rng(self.spec.seed + 7919 * (seed_offset + 1))
        cells = (max(2, int(self.h / (scale * self.s)) + 2), max(2, int(self.w / (scale * self.s)) + 2))
        small = rng.normal(0, 1, cells)
        big = cv2.resize(small.astype(np.float32), (self.w, self.h), interpolation=cv2.INTER_CUBIC)
        return big / max(float(big.std()), 1e-6)


def _arc(cx, cy, rx, ry, a0, a1, n=40):
    t = np.radians(np.linspace(a0, a1, n))
    return np.stack([cx + rx * np.cos(t), cy + ry * np.sin(t)], axis=1)


LIGHT = np.array([-0.42, -0.5, 0.76])
FILL = np.array([0.6, -0.1, 0.8])


def _normals(z: np.ndarray, s: float) -> np.ndarray:
    gy, gx = np.gradient(z * s)
    n = np.stack([-gx, -gy, np.ones_like(z)], -1)
    return n / np.linalg.norm(n, axis=-1, keepdims=True)


def _shade(albedo: np.ndarray, n: np.ndarray, z: np.ndarray, s: float, sheen: float, ao_weight=1.0) -> np.ndarray:
    """Skin under a soft key light and a cool fill: shadows turn deeper and warmer, as skin does."""
    key = LIGHT / np.linalg.norm(LIGHT)
    fill = FILL / np.linalg.norm(FILL)
    d = (n @ key.astype(np.float32) + 0.35) / 1.35  # wrapped diffuse: light bleeds past the terminator
    d = np.clip(d, 0, 1)
    f = np.clip(n @ fill.astype(np.float32), 0, 1)
    # cavities (nostrils' sides, eye corners, mouth corners) get less light
    cavity = z - cv2.GaussianBlur(z, (0, 0), 14 * s)
    ao = np.clip(1 + 0.035 * cavity * ao_weight, 0.55, 1.1)
    deep = albedo * albedo * 1.05  # multiplied-through colour: richer in shadow
    lit = albedo * 1.06
    t = (d ** 0.9)[..., None]
    col = deep * (1 - t) + lit * t
    col = col * (0.82 + 0.18 * f[..., None]) * ao[..., None]
    h = key + np.array([0, 0, 1.0])
    h = h / np.linalg.norm(h)
    spec = np.clip(n @ h.astype(np.float32), 0, 1) ** 36
    return col + (sheen * spec)[..., None] * np.array([1.0, 0.97, 0.93], np.float32)


def paint_face(spec: FaceSpec, width: int = WIDTH_PX, height: int = HEIGHT_PX) -> np.ndarray:
    """The portrait of `spec` as (height, width, 3) uint8 RGB."""
    p = _Painter(spec, width, height)
    s = p.s
    rng = p.rng
    skin = np.asarray(spec.skin, np.float32)
    old = float(np.clip((spec.age_years - 40) / 35, 0, 1))
    fem = spec.feminine

    # ---- background: a soft studio backdrop, lighter behind the head
    bg = np.asarray(spec.background, np.float32)
    glow = np.exp(-(((p.x - p.X(-60)) / (0.55 * width)) ** 2 + ((p.y - p.Y(380)) / (0.9 * height)) ** 2))
    p.rgb[:] = bg * (0.72 + 0.38 * glow)[..., None]
    p.rgb *= (1 + 0.015 * p.noise(40, 1))[..., None]

    # ---- proportions
    fy, fry = 440.0, 208.0
    frx = 143.0 if fem else 154.0
    eye_y, eye_dx = 422.0, 63.0
    ny = 508.0
    my = 574.0 + 3 * old
    mw = 48.0 if fem else 52.0
    chin_y = fy + fry

    # ---- hair behind the head (long styles)
    hair_col = np.asarray(spec.hair, np.float32)
    if spec.hair_style in ("bob", "long", "curly"):
        _hair_back(p, spec, hair_col)


    # ---- neck: a lit cylinder with the jaw's shadow on it
    nw = 66.0 if fem else 80.0
    neck = p.polygon([(-nw, 560), (nw, 560), (nw + 4, 680), (nw + 80, 740), (nw + 80, 840), (-nw - 80, 840),
                      (-nw - 80, 740), (-nw - 4, 680)], blur=2)
    u = np.clip((p.x - p.cx) / ((nw + 12 + 80 * _smooth((p.y - p.Y(670)) / (70 * s))) * s), -1, 1)
    zn = 60 * np.sqrt(np.clip(1 - u * u, 0, 1))
    neck_rgb = _shade(skin * 0.93, _normals(zn, s), zn, s, 0.0)
    jaw_shadow = _smooth((p.Y(chin_y + 55) - p.y) / (70 * s)) * 0.55 + 0.25 * _smooth((p.y - p.Y(740)) / (30 * s))
    neck_rgb *= (1 - jaw_shadow)[..., None]
    p.paint(neck, 0)
    p.rgb += neck[..., None] * neck_rgb

    # ---- shoulders and clothes, over the neck's base
    _clothes(p, spec)

    # ---- ears, behind the face's edge
    for side in (-1, 1):
        ex = side * (frx + 4)
        ear = p.ellipse(ex, 462, 24, 48, soft=1.5) * (p.y < p.Y(520)) + p.ellipse(ex - side * 4, 488, 18, 34, 1.5)
        ear = np.clip(ear, 0, 1)
        ze = 20 * p.gauss(ex + side * 6, 460, 16, 38) - 10 * p.gauss(ex + side * 4, 462, 9, 24)
        ear_rgb = _shade(skin * np.array([0.98, 0.92, 0.9], np.float32), _normals(ze, s), ze, s, 0.05)
        p.paint(ear, 0)
        p.rgb += ear[..., None] * ear_rgb * (0.92 if side < 0 else 0.82)

    # ---- the face: a height field
    v = (p.y - p.Y(fy)) / (fry * s)
    taper = 1 - (0.16 if fem else 0.08) * np.clip(v, 0, 1) ** 2.2 - 0.06 * np.clip(-v, 0, 1) ** 2
    uu = (p.x - p.cx) / (frx * s * taper)
    expo = np.where(v > 0, 2.0 if fem else 2.5, 2.0)
    r = (np.abs(uu) ** expo + np.abs(v) ** expo) ** (1 / expo)
    head = np.clip((1 - r) * frx * s / 1.5 + 0.5, 0, 1)
    # the skull above the forehead, under the hair
    head = np.maximum(head, p.ellipse(0, 380, frx + 6, 230, soft=1.5) * (p.y < p.Y(420)))
    # a rounded surface whose slope stays finite at the silhouette (a dark outline would look drawn)
    z = 130 * np.sqrt(np.clip(1 - np.minimum(r, 0.97) ** 2, 0.0, 1))
    # brow ridge and forehead
    ridge = np.exp(-((p.y - p.Y(eye_y - 34)) / (16 * s)) ** 2) * np.exp(-((p.x - p.cx) / (95 * s)) ** 4)
    z += (6 if fem else 10) * ridge
    z += 6 * p.gauss(0, 300, 110, 70)
    for side in (-1, 1):
        ex = side * eye_dx
        z -= 16 * p.gauss(ex, eye_y - 2, 34, 20)  # socket
        z += 9 * p.gauss(side * 78, eye_y + 58, 42, 28)  # cheekbone
        z += 4 * p.gauss(side * 48, eye_y + 95, 40, 30)  # cheek
        z -= (4 + 6 * old) * p.gauss(side * 120, eye_y + 110, 28, 60)  # under the cheekbone
    # nose: bridge, tip, wings
    bridge = np.exp(-((p.x - p.cx) / (13 * s)) ** 2) * _smooth((p.y - p.Y(eye_y - 20)) / (75 * s))
    z += 26 * bridge * _smooth((p.Y(ny + 6) - p.y) / (12 * s))
    z += 14 * p.gauss(0, ny - 6, 17, 15)
    for side in (-1, 1):
        z += 9 * p.gauss(side * 21, ny + 2, 12, 10)
        z -= 6 * p.gauss(side * 33, ny + 4, 6, 12)  # crease behind the wing
    z -= 5 * p.gauss(0, ny + 24, 22, 7)  # under the nose
    # mouth: lips bulge, philtrum, the dip under the lower lip, chin
    z += 10 * p.gauss(0, my, mw * 1.05, 22)
    z -= 2.5 * p.gauss(0, my - 26, 4, 9)
    z -= 5 * p.gauss(0, my + 30, 26, 6)
    z += 10 * p.gauss(0, chin_y - 30, 36, 22)
    for side in (-1, 1):
        z -= 3 * p.gauss(side * (mw + 4), my + 1, 6, 9)  # mouth corners
    # age: folds and lines are grooves in the surface, so light treats them like the rest
    folds = 1.5 + 4.0 * old
    for side in (-1, 1):
        fold = [(side * 30, ny + 4), (side * 44, ny + 28), (side * 54, my - 4), (side * 58, my + 22)]
        d = p.line_distance(np.array(_bezier(fold, 24)))
        z -= folds * np.exp(-(d / 5) ** 2)
        z += folds * 0.6 * np.exp(-((d - 9) / 6) ** 2) * (np.sign(p.x - p.cx) == side)
        if old > 0:
            z -= 3.5 * old * np.exp(-(p.line_distance(_arc(side * eye_dx, eye_y + 6, 26, 16, 20, 160, 20)) / 3) ** 2)
            for k in range(3):  # crow's feet
                a = np.radians(-25 + 25 * k)
                base = np.array([side * (eye_dx + 34), eye_y + 2])
                tip = base + np.array([side * np.cos(a), np.sin(a)]) * 22
                z -= 2.2 * old * np.exp(-(p.line_distance([base, tip]) / 1.6) ** 2)
            jowl = [(side * 62, my + 30), (side * 74, my + 62)]
            z -= 1.5 * old * np.exp(-(p.line_distance(jowl) / 4) ** 2)
    if old > 0:
        for k, yl in enumerate((300, 322, 344)):
            line = [(-70 + 10 * k, yl + 3), (-20, yl - 2), (25, yl), (72 - 8 * k, yl + 4)]
            z -= 2.6 * old * np.exp(-(p.line_distance(_bezier(line, 20)) / 2.2) ** 2)
    z = cv2.GaussianBlur(z.astype(np.float32), (0, 0), 0.8 * s)
    n = _normals(z, s)

    # albedo: warmer cheeks, nose and lips, a little variation
    alb = np.broadcast_to(skin, z.shape + (3,)).copy()
    warm = np.array([1.03, 0.95, 0.94], np.float32)
    for side in (-1, 1):
        alb *= 1 + (warm - 1) * (0.6 * p.gauss(side * 80, eye_y + 70, 45, 32))[..., None]
    alb *= 1 + (warm - 1) * (0.5 * p.gauss(0, ny - 4, 20, 18))[..., None]
    alb *= 1 + (np.array([0.97, 0.99, 1.0], np.float32) - 1) * (0.5 * p.gauss(0, my + 10, 60, 50))[..., None]
    alb *= (1 + 0.008 * p.noise(14, 2) + 0.006 * p.noise(3, 3))[..., None]
    if old > 0:  # a few age spots
        for _ in range(10):
            sx, sy = rng.uniform(-110, 110), rng.uniform(290, 520)
            alb *= 1 - 0.06 * old * p.gauss(sx, sy, rng.uniform(3, 7), rng.uniform(3, 7))[..., None]
    # no occlusion at the silhouette: there the blurred surface only meets the flat outside (a drawn outline)
    inner = _smooth((0.93 - r) / 0.12)
    n = n * np.array([1, 1, 1], np.float32) + (1 - inner)[..., None] * np.array([0, 0, 0.8], np.float32)
    n = n / np.linalg.norm(n, axis=-1, keepdims=True)
    face_rgb = _shade(alb, n, z, s, 0.10 if spec.skin[0] < 0.6 else 0.07, ao_weight=inner)
    p.paint(head, 0)
    p.rgb += head[..., None] * face_rgb

    # ---- eyes, brows, nose details, lips
    for side in (-1, 1):
        _eye(p, spec, side * eye_dx, eye_y, side, old)
        _brow(p, spec, side * eye_dx, eye_y, side, old)
    _nostrils(p, skin, ny)
    _lips(p, spec, my, mw, old)

    # ---- hair on top
    _hair_front(p, spec, hair_col, frx)

    # a touch of film grain, then the softness of a photo
    grain = cv2.GaussianBlur(rng.normal(0, 1, (height, width)).astype(np.float32), (0, 0), 0.7)
    p.rgb *= (1 + 0.012 * grain)[..., None]
    out = cv2.GaussianBlur(p.rgb, (0, 0), 0.55)
    return np.clip(out * 255 + 0.5, 0, 255).astype(np.uint8)


def _bezier(points, n):
    """n points along the Bezier curve with these control points (de Casteljau)."""
    pts = np.asarray(points, np.float64)
    t = np.linspace(0, 1, n)[:, None, None]
    curve = np.broadcast_to(pts, (n, *pts.shape)).copy()
    while curve.shape[1] > 1:
        curve = curve[:, :-1] * (1 - t) + curve[:, 1:] * t
    return curve[:, 0]


def _clothes(p: _Painter, spec: FaceSpec) -> None:
    s = p.s
    shirt = np.asarray(spec.shirt, np.float32)
    sw = 330 if spec.feminine else 380  # half the shoulders' width
    nb = 86 if spec.feminine else 100  # half the neck's width where it meets the shoulders
    outline = np.concatenate([
        [(-nb, 700)],
        _bezier([(-nb, 700), (-nb - 90, 735), (-sw + 40, 745), (-sw, 830), (-sw - 10, 980)], 30),
        [(sw + 10, 980)],
        _bezier([(sw + 10, 980), (sw, 830), (sw - 40, 745), (nb + 90, 735), (nb, 700)], 30),
    ])
    body = p.polygon(outline, blur=1.5)
    u = np.clip((p.x - p.cx) / ((sw + 20) * s), -1, 1)
    vv = np.clip((p.y - p.Y(900)) / (260 * s), -1, 1)
    zb = 200 * np.sqrt(np.clip(1 - u * u - 0.6 * vv * vv, 0.02, 1))
    folds = 1.5 * p.noise(60, 5) + 40 * np.exp(-((p.x - p.cx) / (60 * s)) ** 2) * _smooth((p.y - p.Y(760)) / (60 * s))
    cloth = _shade(shirt, _normals(zb + folds, s), zb, s, 0.02)
    # neckline: a round collar or a V, with the shirt's inside showing darker
    if spec.feminine:
        neckline = _arc(0, 712, nb + 14, 52, 0, 180)
    else:
        neckline = np.array([(-nb - 4, 712), (0, 790), (nb + 4, 712)])
    opening = p.polygon(np.concatenate([[(-nb - 60, 650)], neckline[::-1] if spec.feminine else neckline,
                                        [(nb + 60, 650)]]), blur=0.8)
    body = body * (1 - opening)
    p.paint(body, 0)
    p.rgb += body[..., None] * cloth
    # the collar's edge, and its shadow on the skin
    p.paint(p.stroke(neckline, 6, blur=1.2) * 0.8, shirt * 0.7)


def _hair_back(p: _Painter, spec: FaceSpec, hair: np.ndarray) -> None:
    s = p.s
    if spec.hair_style == "curly":
        mass = p.ellipse(0, 330, 250, 235, soft=3)
        mass *= 1 - _smooth((p.y - p.Y(560)) / (40 * s))
        edge = p.noise(9, 11) * 0.5 + p.noise(3, 12) * 0.5
        mass = np.clip(mass + 0.25 * edge * (mass > 0.02) * (mass < 0.98), 0, 1)
    elif spec.hair_style == "bob":
        mass = p.polygon(np.concatenate([_arc(0, 395, 200, 248, 180, 360, 40), [(205, 560), (180, 610), (-180, 610),
                                                                                 (-205, 560)]]), blur=3)
    else:
        mass = p.polygon(np.concatenate([_arc(0, 395, 195, 248, 180, 360, 40), [(215, 650), (240, 780),
                                                                                 (-240, 780), (-215, 650)]]), blur=3)
    shade = 0.55 + 0.45 * np.clip(1 - ((p.x - p.X(-60)) / (300 * s)) ** 2 - ((p.y - p.Y(250)) / (380 * s)) ** 2, 0, 1)
    col = hair[None, None] * shade[..., None] * 0.8
    p.paint(mass, 0)
    p.rgb += mass[..., None] * col


def _strand_layer(p: _Painter, strands, base=128, width=1) -> np.ndarray:
    """Draw strands (lists of design-unit points with a tone 0..255) onto a grey layer: -1..1 around `base`."""
    layer = np.full((p.h, p.w), base, np.uint8)
    for points, tone in strands:
        pts = np.round(p.pts(points) * 16).astype(np.int32)
        cv2.polylines(layer, [pts], False, int(tone), width, cv2.LINE_AA, 4)
    return (layer.astype(np.float32) - base) / 127


def _hair_front(p: _Painter, spec: FaceSpec, hair: np.ndarray, frx: float) -> None:
    s, rng = p.s, p.rng
    style = spec.hair_style
    noise_edge = p.noise(5, 21)
    if style == "curly":
        # the hairline: a soft arc over the forehead, fuzzed
        top = p.polygon(np.concatenate([_arc(0, 330, 238, 226, 180, 360, 50),
                                        [(225, 430), (frx - 4, 410), (frx - 20, 330), (90, 290), (0, 280),
                                         (-90, 290), (-frx + 20, 330), (-frx + 4, 410), (-225, 430)]]), blur=2)
        back = p.ellipse(0, 330, 250, 235, soft=3) * (1 - _smooth((p.y - p.Y(430)) / (30 * s)))
        mass = np.clip(np.maximum(top, back * (np.abs(p.x - p.cx) > (frx - 2) * s)), 0, 1)
        mass = np.clip(mass + 0.35 * noise_edge * (mass > 0.02) * (mass < 0.98), 0, 1)
        curls = []
        for _ in range(9000):
            cx_, cy_ = rng.uniform(-260, 260), rng.uniform(80, 450)
            curls.append((cx_, cy_, rng.uniform(2.5, 6.0), rng.uniform(0, 360), rng.uniform(120, 300),
                          rng.choice([40, 80, 170, 210, 235])))
        layer = np.full((p.h, p.w), 128, np.uint8)
        for cx_, cy_, rad, a0, span, tone in curls:
            c = (int(round(p.X(cx_) * 16)), int(round(p.Y(cy_) * 16)))
            r_ = int(round(rad * s * 16))
            cv2.ellipse(layer, c, (r_, r_), a0, 0, span, int(tone), 1, cv2.LINE_AA, 4)
        tex = (layer.astype(np.float32) - 128) / 127
        vol = np.clip(1 - ((p.x - p.X(-70)) / (260 * s)) ** 2 - ((p.y - p.Y(200)) / (260 * s)) ** 2, 0, 1)
        shade = 0.55 + 0.6 * vol
        col = hair[None, None] * (shade * (1 + 0.45 * tex))[..., None]
    else:
        if style == "short":
            outline = np.concatenate([_arc(0, 384, frx + 20, 234, 180, 360, 50),
                                      [(frx + 16, 400), (frx - 6, 420), (frx - 10, 350), (110, 300), (40, 282),
                                       (-60, 280), (-120, 296), (-frx + 8, 350), (-frx + 4, 420), (-frx - 16, 400)]])
            crown, length, spread = (20, 190), (10, 26), 1.0
        elif style == "bob":
            outline = np.concatenate([_arc(0, 395, frx + 40, 248, 180, 360, 50),
                                      [(frx + 44, 560), (frx + 10, 575), (frx - 8, 420), (frx - 30, 330),
                                       (60, 300), (-20, 310), (-90, 292), (-frx + 16, 340), (-frx + 6, 420),
                                       (-frx - 10, 575), (-frx - 44, 560)]])
            crown, length, spread = (-30, 185), (120, 260), 1.0
        else:  # long
            outline = np.concatenate([_arc(0, 395, frx + 34, 248, 180, 360, 50),
                                      [(frx + 40, 600), (frx + 62, 760), (frx + 6, 760), (frx - 6, 430),
                                       (frx - 34, 320), (30, 282), (-40, 276), (-frx + 30, 320),
                                       (-frx + 6, 430), (-frx - 6, 760), (-frx - 62, 760), (-frx - 40, 600)]])
            crown, length, spread = (-25, 185), (200, 520), 1.0
        mass = p.polygon(outline, blur=2)
        mass = np.clip(mass + 0.18 * noise_edge * (mass > 0.02) * (mass < 0.98), 0, 1)
        strands = []
        count = 5200 if style == "short" else 3200
        for _ in range(count):
            ang = rng.uniform(-180, 0)
            start = np.array(crown, float) + rng.normal(0, 10 if style != "short" else 60, 2)
            pts = [start]
            dirv = np.array([np.cos(np.radians(ang)), np.sin(np.radians(ang))]) * spread
            n_steps = 10
            step = rng.uniform(*length) / n_steps
            for _k in range(n_steps):
                # hair springs from the crown and falls: the direction turns downward as it goes
                dirv = dirv + np.array([0.0, 0.22 if style != "short" else 0.08]) + rng.normal(0, 0.05, 2)
                if style != "short":
                    # fall around the face, not across it
                    side = np.sign(pts[-1][0] + 1e-3)
                    if abs(pts[-1][0]) < frx + 10 and pts[-1][1] > 330:
                        dirv[0] += side * 0.35
                dirv = dirv / np.linalg.norm(dirv)
                pts.append(pts[-1] + dirv * step)
            tone = rng.choice([30, 70, 110, 170, 215, 240], p=[0.12, 0.2, 0.2, 0.22, 0.16, 0.1])
            strands.append((np.array(pts), tone))
        tex = cv2.GaussianBlur(_strand_layer(p, strands), (0, 0), 0.5)
        # a sheen band across the crown, as hair shows under a soft light
        dist = np.hypot(p.x - p.X(crown[0] - 40), (p.y - p.Y(crown[1])) * 1.0) / s
        sheen = np.exp(-((dist - (110 if style != "short" else 80)) / 26) ** 2) * _smooth((p.X(120) - p.x) / (120 * s))
        vol = np.clip(1 - ((p.x - p.X(-70)) / (300 * s)) ** 2 - ((p.y - p.Y(220)) / (330 * s)) ** 2, 0, 1)
        light_hair = float(np.mean(hair)) > 0.5  # grey hair: softer sheen, or it reads as metal
        shade = 0.5 + 0.55 * vol + (0.12 if light_hair else 0.35) * sheen
        col = hair[None, None] * (shade * (1 + (0.22 if light_hair else 0.35) * tex))[..., None]
        col += (0.06 * sheen)[..., None] * np.array([1, 0.95, 0.9], np.float32)
    # the hairline is thinner: the skin shows through there
    p.rgb *= (1 - 0.25 * cv2.GaussianBlur(mass, (0, 0), 6 * s) * (1 - mass))[..., None]  # hair's shadow on skin
    p.paint(mass, 0)
    p.rgb += mass[..., None] * np.clip(col, 0, 1)


def _eye(p: _Painter, spec: FaceSpec, ex: float, ey: float, side: int, old: float) -> None:
    s = p.s
    skin = np.asarray(spec.skin, np.float32)
    half = 30.0
    t = np.linspace(0, np.pi, 32)
    xs = ex - side * half * np.cos(t)  # from the inner corner (t=0) to the outer
    lift = 3.0 * np.cos(t) * -1  # the outer corner a touch higher
    top_h = 13.0 if not spec.monolid else 10.5
    top = np.stack([xs, ey + 2 - top_h * np.sin(t) ** 0.85 * (1 - 0.15 * np.cos(t)) + lift], 1)
    bottom = np.stack([xs, ey + 2 + 7.5 * np.sin(t) ** 1.2 + lift * 0.6], 1)
    almond = np.concatenate([top, bottom[::-1]])
    opening = p.polygon(almond, blur=0.5)
    # lid skin: darker, and a crease above (none for a monolid)
    p.paint(p.gauss(ex, ey - 9, 30, 10) * 0.18, skin * 0.6)
    if not spec.monolid:
        crease = p.stroke(_arc(ex, ey + 4, 31, 24 - 2 * old, 200, 340), 2.0, blur=1.6)
        p.paint(crease * 0.45, skin * skin * 0.7)
    # sclera, shadowed under the upper lid and toward the corners
    sclera = np.array([0.9, 0.87, 0.84], np.float32) * (0.9 + 0.1 * skin / max(skin.max(), 1e-3))
    p.paint(opening, sclera)
    d_top = p.line_distance(top)
    corner = np.clip(np.abs(p.x - p.X(ex)) / (half * s), 0, 1) ** 2
    p.rgb *= (1 - opening * np.clip(0.35 * np.exp(-d_top / 4) + 0.3 * corner, 0, 0.6))[..., None]
    # iris: radial fibres, a darker rim, a lighter ring around the pupil
    ix, iy, ir = ex + side * 1.0, ey + 1.5, 12.0
    dx, dy = p.x - p.X(ix), p.y - p.Y(iy)
    rr = np.hypot(dx, dy) / (ir * s)
    ang = np.arctan2(dy, dx)
    fib = np.interp(ang, np.linspace(-np.pi, np.pi, 90), p.rng.normal(0, 1, 90))
    iris_a = np.clip((1 - rr) * ir * s / 0.9 + 0.5, 0, 1) * opening
    eye_col = np.asarray(spec.eyes, np.float32)
    radial = (1.15 - 0.5 * rr ** 2 + 0.12 * fib * (rr > 0.35)) * (1 - 0.6 * _smooth((rr - 0.82) / 0.18))
    icol = eye_col[None, None] * radial[..., None] + (0.18 * _smooth(1 - np.abs(rr - 0.45) / 0.12))[..., None] * eye_col
    p.paint(iris_a, 0)
    p.rgb += iris_a[..., None] * np.clip(icol, 0, 1)
    p.paint(p.ellipse(ix, iy, 4.6, 4.6, soft=0.7) * opening, [0.03, 0.025, 0.025])
    # the lid's shadow across the top of the iris
    p.rgb *= (1 - opening * 0.4 * np.exp(-d_top / 3.5))[..., None]
    p.paint(p.ellipse(ix - 4.5, iy - 4.5, 2.2, 2.0, soft=0.6) * opening * 0.9, [1, 1, 1])
    p.paint(p.ellipse(ix + 4, iy + 4, 1.0, 1.0, soft=0.6) * opening * 0.35, [1, 1, 1])
    # tear duct
    p.paint(p.ellipse(ex - side * (half - 3), ey + 3, 3.2, 2.6, soft=1.2) * 0.8, [0.78, 0.5, 0.48])
    # lash line: thick at the outer half, a few lashes flicking out
    lash_col = np.array([0.07, 0.05, 0.045], np.float32)
    for k in range(len(top) - 1):
        wk = (1.6 + 2.4 * (k / len(top))) * (1.25 if spec.feminine else 1.0)
        p.paint(p.stroke(top[k:k + 2] + [0, 0.4], wk, blur=0.6) * 0.9, lash_col)
    for k in range(6, len(top) - 1, 2):
        base = top[k]
        outward = np.array([side * (0.3 + 0.7 * k / len(top)) * 5, -5.5 if spec.feminine else -3.5])
        p.paint(p.stroke([base, base + outward * 0.5 + [side * 1, -1], base + outward], 1.0, blur=0.5) * 0.6,
                lash_col)
    # the lower lid: a moist rim (so a closed eye shows skin, not white) and a faint lash line
    p.paint(p.stroke(bottom - [0, 1.6], 3.2, blur=0.8) * 0.75, skin * np.array([1.0, 0.78, 0.76]) * 0.95)
    p.paint(p.stroke(bottom + [0, 0.8], 1.0, blur=0.8) * 0.45, skin * 0.45)
    # under-eye shadow, deeper with age
    p.paint(p.gauss(ex, ey + 16, 26, 6) * (0.1 + 0.15 * old), skin * skin * 0.75)


def _brow(p: _Painter, spec: FaceSpec, ex: float, ey: float, side: int, old: float) -> None:
    rng = p.rng
    hair = np.asarray(spec.hair, np.float32)
    grey = float(np.mean(hair))
    # brows keep more colour than grey hair, and stay darker than blond hair
    col = hair * 0.6 if grey < 0.5 else np.array([0.42, 0.4, 0.38], np.float32)
    thick = 7.5 if spec.feminine else 10.0
    arch = _bezier([(ex - side * 30, ey - 26), (ex - side * 2, ey - 44 + (0 if spec.feminine else 4)),
                    (ex + side * 30, ey - 36), (ex + side * 42, ey - 28)], 30)
    for k in range(len(arch) - 1):
        tk = k / len(arch)
        w = thick * (1.0 - 0.65 * tk) * (1.1 if tk < 0.15 else 1)
        p.paint(p.stroke(arch[k:k + 2], w, blur=1.6) * 0.35, col)
    for _ in range(260):
        k = rng.integers(0, len(arch) - 1)
        tk = k / len(arch)
        w = thick * (1.0 - 0.65 * tk)
        base = arch[k] + [0, rng.normal(0, w * 0.28)]
        direction = arch[min(k + 1, len(arch) - 1)] - arch[max(k - 1, 0)]
        direction = direction / (np.linalg.norm(direction) + 1e-6)
        if tk < 0.2:  # inner hairs point up
            direction = np.array([side * 0.35, -1.0])
        length = rng.uniform(4, 8)
        tone = rng.uniform(0.6, 1.1)
        p.paint(p.stroke([base, base + direction * length], 0.9, blur=0.45) * 0.55, col * tone)


def _nostrils(p: _Painter, skin: np.ndarray, ny: float) -> None:
    for side in (-1, 1):
        nos = p.ellipse(side * 11, ny + 13, 6.5, 3.2, soft=1.5)
        p.paint(nos * 0.85, skin * skin * skin * 0.7)
    p.paint(p.gauss(0, ny + 14, 4, 3) * 0.15, skin * 1.1)


def _lips(p: _Painter, spec: FaceSpec, my: float, mw: float, old: float) -> None:
    s = p.s
    skin = np.asarray(spec.skin, np.float32)
    lip = np.clip(skin ** 1.15 * np.array([1.02, 0.74, 0.76]), 0, 1)
    if spec.feminine:
        lip = lip * np.array([1.04, 0.9, 0.93])
    xs = np.linspace(-mw, mw, 49)
    k = xs / mw
    seam = my + 1.0 * (1 - k * k) - 2.5 * k ** 4
    up_h = (13.5 if spec.feminine else 12.0) * (1 - 0.25 * old)
    lo_h = (17.5 if spec.feminine else 16.0) * (1 - 0.2 * old)
    bow = 2.6 * np.exp(-((np.abs(xs) - 9) / 6) ** 2) - 1.6 * np.exp(-(xs / 4) ** 2)
    upper_edge = seam - up_h * np.cos(k * np.pi / 2) ** 0.6 - bow
    lower_edge = seam + lo_h * np.cos(k * np.pi / 2) ** 0.8
    upper = np.concatenate([np.stack([xs, upper_edge], 1), np.stack([xs, seam], 1)[::-1]])
    lower = np.concatenate([np.stack([xs, seam], 1), np.stack([xs, lower_edge], 1)[::-1]])
    ua = p.polygon(upper, blur=0.9)
    la = p.polygon(lower, blur=0.9)
    # keep the face's shading under the lip colour: multiply toward the lip pigment
    tint = lip / np.maximum(skin, 1e-3)
    dy_u = np.clip((p.y - p.Y(my - up_h)) / (up_h * s), 0, 1)  # the upper lip faces down: darker to the seam
    p.rgb *= 1 + ua[..., None] * ((tint * (0.95 - 0.15 * dy_u)[..., None]) - 1)
    dy_l = np.clip((p.y - p.Y(my)) / (lo_h * s), 0, 1)
    p.rgb *= 1 + la[..., None] * (tint * (1.0 + 0.08 * (1 - dy_l))[..., None] - 1)
    # a gloss on the lower lip, texture lines, the dark seam
    p.paint(p.gauss(-8, my + 5.5, 14, 2.6) * la * 0.25, [1, 0.92, 0.9])
    lines = np.zeros_like(ua)
    for x0 in np.linspace(-mw * 0.8, mw * 0.8, 14):
        lines += p.gauss(x0, my + 6, 0.8, 5)
    p.rgb *= (1 - 0.05 * lines * la)[..., None]
    seam_line = p.stroke(np.stack([xs, seam + 0.3], 1), 2.0, blur=0.7)
    p.paint(seam_line * 0.85, lip * lip * 0.45)
    for side in (-1, 1):
        p.paint(p.gauss(side * (mw + 1), seam[0 if side < 0 else -1] + 0.5, 3.5, 2.5) * 0.35, skin * skin * 0.6)
