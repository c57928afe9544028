"""The mouth interior: a dark cavity, a tongue and two rows of teeth, coloured from the photo.

It sits behind the face surface, which has a hole between the inner lips, so it shows only
where the lips part. Geometry is in canvas pixels; each vertex says how far it follows the
jaw, and which vertices form the tongue tip (for `tongue_up`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Interior:
    """Vertices, colours and triangles (in drawing order) of the mouth interior."""

    positions: np.ndarray  # (N, 3)
    colors: np.ndarray  # (N, 4) RGBA 0..1, alpha 1
    triangles: np.ndarray  # (M, 3) indices into positions
    jaw: np.ndarray  # (N,) how much of the jaw's drop each vertex follows
    tongue_tip: np.ndarray  # (N,) 0..1, how much each vertex rises with tongue_up
    upper_teeth_edge_y: float


def _fan(center: np.ndarray, rim: np.ndarray, start: int) -> list[tuple[int, int, int]]:
    n = len(rim)
    return [(start, start + 1 + i, start + 1 + (i + 1) % n) for i in range(n)]


def _teeth_row(cx: float, top: float, bottom: float, half_width: float, arch: float, z: float, start: int):
    # Columns at tooth centres and gaps: incisors widest, canines and premolars narrower;
    # gaps a little darker so the row reads as teeth rather than a white band.
    bounds = np.array([0.0, 0.2, 0.37, 0.52, 0.66, 0.78, 0.89, 1.0])
    us = sorted(set(np.concatenate([-bounds, bounds, -(bounds[:-1] + bounds[1:]) / 2, (bounds[:-1] + bounds[1:]) / 2])))
    us = np.array(us)
    gap = np.isin(np.round(np.abs(us), 4), np.round(bounds, 4))
    verts, shade, tris = [], [], []
    for u, is_gap in zip(us, gap, strict=True):
        lift = arch * u * u  # the row curves back and up toward the corners
        verts.append((cx + u * half_width, top + lift, z + abs(u) * 4))
        verts.append((cx + u * half_width, bottom + lift * (1 if bottom > top else -1), z + abs(u) * 4))
        base = (1.0 - 0.45 * u * u) * (0.92 if is_gap else 1.0)
        shade.extend([base, base])
    for i in range(len(us) - 1):
        a, b, c, d = start + 2 * i, start + 2 * i + 1, start + 2 * i + 2, start + 2 * i + 3
        tris += [(a, b, d), (a, d, c)]
    return np.array(verts, dtype=np.float32), np.array(shade, dtype=np.float32), tris


def build_interior(upper_lip_center: np.ndarray, lower_lip_center: np.ndarray, mouth_width_px: float,
                   lip_rgb: np.ndarray, skin_rgb: np.ndarray, z_px: float) -> Interior:
    """Interior geometry for a mouth of `mouth_width_px` whose inner lips meet at the given points.

    `lip_rgb`, `skin_rgb` (0..1) tint the cavity, tongue and teeth so they sit in the photo's
    light: teeth are an ivory scaled by the skin's brightness, not a pure white.
    """
    w = mouth_width_px
    cx = float((upper_lip_center[0] + lower_lip_center[0]) / 2)
    y_up, y_low = float(upper_lip_center[1]), float(lower_lip_center[1])
    positions, colors, jaw, tip, tris = [], [], [], [], []
    light = float(np.clip(np.mean(skin_rgb) / 0.62, 0.55, 1.15))

    # cavity: an ellipse whose lower half drops with the jaw
    center = np.array([cx, (y_up + y_low) / 2 + 0.05 * w, z_px + 30])
    angles = np.linspace(0, 2 * np.pi, 28, endpoint=False)
    rim = np.stack([cx + 0.62 * w * np.cos(angles), center[1] + 0.3 * w * np.sin(angles),
                    np.full_like(angles, z_px + 30)], axis=1)
    start = 0
    positions += [center, *rim]
    deep = np.clip(lip_rgb * np.array([0.36, 0.2, 0.2]), 0, 1)  # a dark red throat, not a grey hole
    colors += [np.append(deep * 1.3, 1), *[np.append(deep * 0.45, 1)] * len(rim)]
    jaw += [0.5, *np.clip(np.sin(angles) * 1.2 + 0.3, 0, 1)]
    tip += [0.0] * (1 + len(rim))
    tris += _fan(center, rim, start)

    # tongue: a flattened dome lying behind the lower teeth; its upper edge rises with tongue_up
    start = len(positions)
    t_center = np.array([cx, y_low + 0.05 * w, z_px + 20])
    angles = np.linspace(0, 2 * np.pi, 20, endpoint=False)
    t_rim = np.stack([cx + 0.3 * w * np.cos(angles), t_center[1] + 0.09 * w * np.sin(angles),
                      np.full_like(angles, z_px + 20)], axis=1)
    tongue = np.clip(lip_rgb * 0.95 + 0.03, 0, 1)
    positions += [t_center, *t_rim]
    colors += [np.append(tongue * 1.05, 1), *[np.append(tongue * 0.62, 1)] * len(t_rim)]
    jaw += [0.85] * (1 + len(t_rim))
    tip += [0.7, *np.clip(-np.sin(angles), 0, 1)]  # the upper edge rises most
    tris += _fan(t_center, t_rim, start)

    teeth = np.clip(np.array([0.93, 0.9, 0.82]) * light, 0, 1)
    # lower teeth: top edge just under the closed lips, hidden until the jaw drops
    start = len(positions)
    verts, shade, row = _teeth_row(cx, y_low - 0.01 * w, y_low + 0.16 * w, 0.36 * w, 0.04 * w, z_px + 8, start)
    positions += list(verts)
    colors += [np.append(np.clip(teeth * s * 0.85, 0, 1), 1) for s in shade]
    jaw += [1.0] * len(verts)
    tip += [0.0] * len(verts)
    tris += row

    # the tongue's tip in front of the lower teeth: a strip from the tongue's resting top edge
    # to that edge raised by tongue_up; with the tongue down its two rows coincide (no area)
    start = len(positions)
    upper_rim = [k for k in range(len(t_rim)) if np.sin(angles[k]) < -0.2]
    upper_rim.sort(key=lambda k: t_rim[k][0])
    for k in upper_rim:
        positions += [t_rim[k], t_rim[k]]
        colors += [np.append(tongue * 0.8, 1), np.append(tongue * 0.95, 1)]
        jaw += [0.85, 0.85]
        tip += [0.0, float(np.clip(-np.sin(angles[k]), 0, 1))]
    for i in range(len(upper_rim) - 1):
        a, b, c, d = start + 2 * i, start + 2 * i + 1, start + 2 * i + 2, start + 2 * i + 3
        tris += [(a, b, d), (a, d, c)]

    # upper teeth: from behind the upper lip down to a biting edge a little below it
    start = len(positions)
    edge = y_up + 0.07 * w
    verts, shade, row = _teeth_row(cx, y_up - 0.2 * w, edge, 0.42 * w, -0.06 * w, z_px + 6, start)
    positions += list(verts)
    colors += [np.append(np.clip(teeth * s, 0, 1), 1) for s in shade]
    jaw += [0.0] * len(verts)
    tip += [0.0] * len(verts)
    tris += row

    return Interior(
        positions=np.array(positions, dtype=np.float32),
        colors=np.array(colors, dtype=np.float32),
        triangles=np.array(tris, dtype=np.int32),
        jaw=np.array(jaw, dtype=np.float32),
        tongue_tip=np.array(tip, dtype=np.float32),
        upper_teeth_edge_y=edge,
    )
