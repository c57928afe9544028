"""The default avatar's face: a painted portrait of nobody, drawn from scratch by this code.

The product needs a face before the user brings a photo, and it must not be a real person.
This paints one with shaded shapes (a lit head, eyes with irises and lids, brows, nose,
lips, hair, shoulders) and a little skin texture, enough for the landmark model to read it
like a photo. Deterministic: the same pixels every run.
"""

from __future__ import annotations

import cv2
import numpy as np

# wide enough to fill a 16:9 meeting frame around the head and shoulders
WIDTH_PX = 1800
HEIGHT_PX = 1040


class _Canvas:
    def __init__(self, width: int, height: int) -> None:
        self.w, self.h = width, height
        y, x = np.mgrid[0:height, 0:width].astype(np.float32)
        self.x, self.y = x + 0.5, y + 0.5
        self.rgb = np.zeros((height, width, 3), np.float32)

    def paint(self, alpha: np.ndarray, colour) -> None:
        a = np.clip(alpha, 0, 1)[..., None]
        colour = np.asarray(colour, np.float32)
        self.rgb = self.rgb * (1 - a) + colour * a

    def ellipse(self, cx, cy, rx, ry, soft=1.5, angle_deg=0.0) -> np.ndarray:
        """Coverage (0..1) of an ellipse with a soft edge `soft` pixels wide."""
        t = np.radians(angle_deg)
        dx, dy = self.x - cx, self.y - cy
        u = (dx * np.cos(t) + dy * np.sin(t)) / rx
        v = (-dx * np.sin(t) + dy * np.cos(t)) / ry
        r = np.sqrt(u * u + v * v)
        return np.clip((1 - r) * min(rx, ry) / soft + 0.5, 0, 1)

    def polygon(self, points, blur=1.0) -> np.ndarray:
        mask = np.zeros((self.h, self.w), np.uint8)
        cv2.fillPoly(mask, [np.round(np.asarray(points) * 4).astype(np.int32)], 255, lineType=cv2.LINE_AA, shift=2)
        out = mask.astype(np.float32) / 255
        return cv2.GaussianBlur(out, (0, 0), blur) if blur > 0 else out

    def stroke(self, points, width, blur=0.8) -> np.ndarray:
        mask = np.zeros((self.h, self.w), np.uint8)
        pts = np.round(np.asarray(points) * 4).astype(np.int32)
        cv2.polylines(mask, [pts], False, 255, thickness=max(1, int(round(width))), lineType=cv2.LINE_AA, shift=2)
        out = mask.astype(np.float32) / 255
        return cv2.GaussianBlur(out, (0, 0), blur) if blur > 0 else out


def _arc(cx, cy, rx, ry, a0, a1, n=40):
    t = np.radians(np.linspace(a0, a1, n))
    return np.stack([cx + rx * np.cos(t), cy + ry * np.sin(t)], axis=1)


def _lambert(c: _Canvas, cx, cy, rx, ry, light=(-0.45, -0.55, 0.7)) -> np.ndarray:
    """Diffuse light on an ellipsoid seen from the front: gives shapes their roundness."""
    u = np.clip((c.x - cx) / rx, -1, 1)
    v = np.clip((c.y - cy) / ry, -1, 1)
    z = np.sqrt(np.clip(1 - u * u - v * v, 0, 1))
    n = np.stack([u, v, z], -1)
    lv = np.asarray(light, np.float32)
    lv = lv / np.linalg.norm(lv)
    return np.clip((n * lv).sum(-1), 0, 1)


def draw_default_face(width: int = WIDTH_PX, height: int = HEIGHT_PX) -> np.ndarray:
    """The default avatar's portrait as (height, width, 3) uint8 RGB."""
    rng = np.random.default_rng(20261124)
    c = _Canvas(width, height)
    s = height / 960  # every length below is for a 960 px high design
    cx, cy = width / 2, 430 * s

    # background: soft studio grey-blue with a lighter centre
    bg = 1 - 0.35 * np.clip(((c.x - cx) ** 2 + (c.y - cy * 0.9) ** 2) / (0.8 * width) ** 2, 0, 1)
    c.rgb[:] = np.array([0.55, 0.6, 0.66], np.float32) * bg[..., None]

    skin = np.array([0.86, 0.66, 0.54], np.float32)
    shadow_skin = np.array([0.55, 0.36, 0.3], np.float32)

    # hair behind the head
    c.paint(c.ellipse(cx, cy - 40 * s, 205 * s, 235 * s, soft=6), [0.2, 0.13, 0.09])

    # shoulders and shirt
    shirt = c.ellipse(cx, 1000 * s, 470 * s, 310 * s, soft=3)
    shirt_light = 0.7 + 0.3 * _lambert(c, cx, 1000 * s, 470 * s, 310 * s)
    c.paint(shirt, np.array([0.16, 0.38, 0.42], np.float32) * 1.0)
    c.rgb *= (1 - shirt * (1 - shirt_light))[..., None]
    # neck, shaded under the jaw
    neck = c.polygon([(cx - 78 * s, 560 * s), (cx + 78 * s, 560 * s), (cx + 92 * s, 740 * s), (cx - 92 * s, 740 * s)],
                     blur=3 * s)
    neck_shade = np.clip((c.y - 560 * s) / (140 * s), 0, 1)[..., None]
    c.paint(neck, 0)
    c.rgb += (neck[..., None] * (shadow_skin * (1 - neck_shade) * 0.9 + skin * neck_shade * 0.85))
    collar = c.stroke(_arc(cx, 712 * s, 104 * s, 45 * s, 0, 180), 10 * s, blur=2)
    c.paint(collar * (c.y > 700 * s), [0.1, 0.26, 0.29])

    # ears
    for side in (-1, 1):
        ear = c.ellipse(cx + side * 160 * s, 450 * s, 28 * s, 52 * s, soft=2)
        c.paint(ear, skin * 0.85)
        c.paint(c.ellipse(cx + side * 163 * s, 452 * s, 14 * s, 34 * s, soft=4) * 0.5, shadow_skin)

    # the face: an egg, lit from the upper left
    fx, fy, frx, fry = cx, 440 * s, 158 * s, 200 * s
    taper = 1 - 0.18 * np.clip((c.y - fy) / fry, 0, 1)  # narrower toward the chin
    u = (c.x - fx) / (frx * taper)
    v = (c.y - fy) / fry
    face = np.clip((1 - np.sqrt(u * u + v * v)) * frx / 2.0 + 0.5, 0, 1)
    light = _lambert(c, fx - 10 * s, fy - 20 * s, frx * 1.05, fry * 1.05)
    shade = (0.55 + 0.5 * light)[..., None]
    c.paint(face, 0)
    c.rgb += face[..., None] * np.clip(skin * shade, 0, 1)
    # jaw and cheek shadows, blush
    c.paint(c.ellipse(fx, fy + 175 * s, 120 * s, 40 * s, soft=30) * 0.25 * face, shadow_skin)
    for side in (-1, 1):
        c.paint(c.ellipse(fx + side * 95 * s, fy + 55 * s, 45 * s, 30 * s, soft=25) * 0.25 * face, [0.85, 0.45, 0.42])
        c.paint(c.ellipse(fx + side * 150 * s, fy + 20 * s, 30 * s, 140 * s, soft=30) * 0.35 * face, shadow_skin)

    eye_y = 420 * s
    for side in (-1, 1):
        ex = fx + side * 64 * s
        # socket shadow and lid crease
        c.paint(c.ellipse(ex, eye_y - 8 * s, 44 * s, 24 * s, soft=14) * 0.3, shadow_skin)
        crease = c.stroke(_arc(ex, eye_y + 2 * s, 36 * s, 22 * s, 200, 340), 2.2 * s, blur=1.5)
        c.paint(crease * 0.55, shadow_skin * 0.8)
        # the opening: an almond between two arcs
        t = np.linspace(0, np.pi, 30)
        xs = ex - side * 34 * s * np.cos(t)
        top = np.stack([xs, eye_y + 2 * s - 15 * s * np.sin(t) ** 0.9 - 2 * s * np.cos(t) * side], 1)
        bottom = np.stack([xs, eye_y + 2 * s + 7 * s * np.sin(t) ** 1.1 - 2 * s * np.cos(t) * side], 1)
        almond = np.concatenate([top, bottom[::-1]])
        opening = c.polygon(almond, blur=0.7)
        c.paint(opening, [0.93, 0.91, 0.88])
        c.paint(opening * c.ellipse(ex, eye_y - 8 * s, 40 * s, 16 * s, soft=10) * 0.35, [0.6, 0.55, 0.55])
        iris = c.ellipse(ex + side * -2 * s, eye_y, 14 * s, 14 * s, soft=1.0) * opening
        ring = np.clip(np.hypot(c.x - ex, c.y - eye_y) / (14 * s), 0, 1)[..., None]
        iris_col = np.array([0.32, 0.45, 0.3], np.float32) * (1.15 - 0.55 * ring)
        c.paint(iris, 0)
        c.rgb += iris[..., None] * iris_col
        c.paint(c.ellipse(ex + side * -2 * s, eye_y, 5.5 * s, 5.5 * s, soft=0.8) * opening, [0.04, 0.03, 0.03])
        c.paint(c.ellipse(ex - 5 * s, eye_y - 5 * s, 2.6 * s, 2.6 * s, soft=0.8) * opening, [1, 1, 1])
        # upper lid line and lashes, lower lid line
        c.paint(c.stroke(top + [0, 1.2 * s], 5.5 * s, blur=0.9), [0.12, 0.07, 0.06])  # lid rim and lash line
        for k in range(3, len(top) - 2, 2):
            p = top[k]
            out = np.array([(p[0] - ex) * 0.35, -4 * s])
            c.paint(c.stroke([p, p + out], 1.2 * s, blur=0.7) * 0.6, [0.1, 0.06, 0.05])
        # the lower lid's rim: a pink waterline, so a closed eye shows no white under its lashes
        c.paint(c.stroke(bottom - [0, 2.5 * s], 6.0 * s, blur=1.0) * 0.9, [0.78, 0.52, 0.48])
        c.paint(c.stroke(bottom, 1.6 * s, blur=1.0) * 0.6, [0.45, 0.27, 0.24])

        # brow: a tapered band of short strokes
        brow = _arc(ex + side * 6 * s, eye_y - 8 * s, 48 * s, 40 * s, 200, 340, 24)
        if side < 0:
            brow = brow[::-1]
        for k in range(len(brow) - 1):
            thick = (9 - 5 * k / len(brow)) * s
            c.paint(c.stroke(brow[k:k + 2], thick, blur=1.2) * 0.85, [0.22, 0.14, 0.1])
        for _ in range(50):
            k = rng.integers(0, len(brow) - 1)
            p = brow[k] + rng.normal(0, 2.0 * s, 2)
            d = brow[k + 1] - brow[k]
            c.paint(c.stroke([p, p + d * 1.6], 1.2 * s, blur=0.5) * 0.5, [0.16, 0.1, 0.07])

    # nose: bridge shading, tip, wings, nostrils
    ny = 505 * s
    for side, strength in ((-1, 0.22), (1, 0.4)):
        c.paint(c.ellipse(fx + side * 16 * s, fy + 10 * s, 6 * s, 62 * s, soft=8) * strength, shadow_skin)
    c.paint(c.ellipse(fx - 3 * s, ny - 6 * s, 20 * s, 15 * s, soft=10) * 0.35, [1, 0.85, 0.75])
    for side in (-1, 1):
        c.paint(c.ellipse(fx + side * 24 * s, ny + 2 * s, 12 * s, 12 * s, soft=7) * 0.55, shadow_skin)
        wing = _arc(fx + side * 20 * s, ny + 2 * s, 10 * s, 11 * s, 90 - side * 90, 90 - side * 90 + side * 140)
        c.paint(c.stroke(wing, 1.6 * s, blur=1.2) * 0.45, shadow_skin)
        nostril = c.ellipse(fx + side * 11 * s, ny + 12 * s, 7 * s, 3.5 * s, soft=1.5, angle_deg=side * 20)
        c.paint(nostril, [0.3, 0.15, 0.12])
    c.paint(c.ellipse(fx, ny + 22 * s, 26 * s, 8 * s, soft=8) * 0.35, shadow_skin)

    # lips, closed with a slight smile: upper lip with a cupid's bow, fuller lower lip
    my, mw = 576 * s, 60 * s
    xs = np.linspace(-mw, mw, 41)
    seam = my - 3 * s * (xs / mw) ** 2 + 1.5 * s * (1 - (xs / mw) ** 2)
    upper_edge = my - 10 * s * np.cos(xs / mw * np.pi / 2) ** 0.7 - 5 * s * np.exp(-(xs / (8 * s)) ** 2) * -0.8
    upper_edge -= 4 * s * np.exp(-((np.abs(xs) - 11 * s) / (7 * s)) ** 2)
    lower_edge = my + 17 * s * np.cos(xs / mw * np.pi / 2) ** 0.8
    upper = np.concatenate([np.stack([fx + xs, upper_edge], 1), np.stack([fx + xs, seam], 1)[::-1]])
    lower = np.concatenate([np.stack([fx + xs, seam], 1), np.stack([fx + xs, lower_edge], 1)[::-1]])
    c.paint(c.polygon(upper, blur=1.0), [0.66, 0.33, 0.33])
    c.paint(c.polygon(lower, blur=1.0), [0.76, 0.42, 0.4])
    c.paint(c.ellipse(fx, my + 8 * s, 22 * s, 4 * s, soft=4) * 0.35, [1, 0.8, 0.75])
    c.paint(c.stroke(np.stack([fx + xs, seam], 1), 2.2 * s, blur=0.9), [0.32, 0.13, 0.13])
    c.paint(c.ellipse(fx, lower_edge.max() + 9 * s, 30 * s, 7 * s, soft=7) * 0.35, shadow_skin)

    # fringe: hair falling over the top of the forehead, in strands
    fringe = c.polygon(np.concatenate([
        _arc(cx, 420 * s, 178 * s, 215 * s, 180, 360, 60),
        [[cx + 165 * s, 330 * s], [cx + 70 * s, 300 * s], [cx - 20 * s, 320 * s], [cx - 120 * s, 300 * s],
         [cx - 172 * s, 360 * s]],
    ]), blur=3 * s)
    c.paint(fringe, [0.24, 0.15, 0.1])
    c.rgb *= (1 - fringe * 0.25 * (1 - _lambert(c, cx - 40 * s, 260 * s, 200 * s, 120 * s)))[..., None]
    # side hair down to the jaw, then combed strands over all the hair
    for side in (-1, 1):
        # beside the jaw, not over it: the jaw moves when the mouth opens, the hair must not
        side_hair = c.polygon([(cx + side * 150 * s, 320 * s), (cx + side * 208 * s, 380 * s),
                               (cx + side * 204 * s, 550 * s), (cx + side * 176 * s, 585 * s),
                               (cx + side * 163 * s, 430 * s)], blur=4 * s)
        c.paint(side_hair, [0.22, 0.14, 0.1])
    hair = np.clip(fringe + c.ellipse(cx, cy - 40 * s, 205 * s, 235 * s, soft=6) * (1 - face), 0, 1)
    for _ in range(420):
        a0 = rng.uniform(185, 355)
        start = np.array([cx + rng.uniform(-60, 90) * s, 215 * s + rng.uniform(0, 25) * s])
        direction = np.array([np.cos(np.radians(a0)) * 1.4, 0.6 + rng.uniform(0, 0.8)])
        length = rng.uniform(90, 260) * s
        pts = [start + direction * length * t + [0, 60 * s * t * t] for t in np.linspace(0, 1, 8)]
        tone = rng.uniform(0.6, 1.7)
        c.paint(c.stroke(pts, 1.4 * s, blur=0.7) * 0.3 * hair, np.array([0.3, 0.2, 0.13]) * tone)

    # skin and paper texture, then a touch of softening as a painted portrait has
    grain = cv2.GaussianBlur(rng.normal(0, 1, (height, width)).astype(np.float32), (0, 0), 1.2)
    c.rgb *= (1 + 0.05 * grain)[..., None]
    out = cv2.GaussianBlur(c.rgb, (0, 0), 0.6)
    return np.clip(out * 255 + 0.5, 0, 255).astype(np.uint8)


def main(argv: list[str] | None = None) -> int:
    """Paint the default face and build its rig into a folder: `python -m avatar.default_face FOLDER`."""
    import argparse
    from pathlib import Path

    from PIL import Image

    from avatar.from_photo import rig_from_photo
    from avatar.rig import save_rig

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    args.folder.mkdir(parents=True, exist_ok=True)
    photo = args.folder / "photo.png"
    Image.fromarray(draw_default_face()).save(photo, optimize=True)
    save_rig(rig_from_photo(photo), args.folder / "rig.npz")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
