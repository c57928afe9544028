"""Building a rig from one photo and its landmarks: framing, the mesh, the blendshapes, the mouth interior.

The mesh is mediapipe's canonical face triangles over the photo's own landmarks (with their
depth), the eye openings filled, and rings around the face (hair and ears, then a blend
band, then the canvas border) so that the head, neck and background are one surface: a head
turn moves the head, stretches the band, and leaves the background where it was.
"""

from __future__ import annotations

import cv2
import numpy as np
from scipy.spatial import Delaunay

from avatar import landmarks as lm
from avatar.expression import BASIS_NAMES
from avatar.mouth_interior import build_interior
from avatar.rig import Rig

CANVAS_WIDTH_PX = 1280  # 16:9 so that both square and meeting-sized views fit inside
CANVAS_HEIGHT_PX = 720
FACE_HEIGHT_SHARE = 0.36  # forehead-to-chin over the canvas height: head and shoulders
FACE_CENTER_Y_SHARE = 0.44  # the face's centre this far down the canvas


def framing_transform(landmarks: np.ndarray) -> tuple[float, np.ndarray]:
    """Scale and offset taking photo pixels to canvas pixels: the face centred, head and shoulders in view."""
    oval = landmarks[list(lm.FACE_OVAL), :2]
    face_height = float(np.linalg.norm(landmarks[lm.CHIN, :2] - landmarks[lm.FOREHEAD, :2]))
    scale = FACE_HEIGHT_SHARE * CANVAS_HEIGHT_PX / max(face_height, 1.0)
    centre = (oval.min(axis=0) + oval.max(axis=0)) / 2
    offset = np.array([CANVAS_WIDTH_PX / 2, FACE_CENTER_Y_SHARE * CANVAS_HEIGHT_PX]) - centre * scale
    return scale, offset


def frame_photo(image: np.ndarray, scale: float, offset: np.ndarray) -> np.ndarray:
    """The canvas texture: the photo scaled and shifted; past its edges, its edge colours, blurred and fading."""
    matrix = np.array([[scale, 0, offset[0]], [0, scale, offset[1]]], dtype=np.float64)
    src = image
    if scale < 0.7:  # shrink first with area averaging: warpAffine alone would alias
        src = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        sx, sy = src.shape[1] / image.shape[1], src.shape[0] / image.shape[0]
        matrix = np.array([[scale / sx, 0, offset[0]], [0, scale / sy, offset[1]]], dtype=np.float64)
    size = (CANVAS_WIDTH_PX, CANVAS_HEIGHT_PX)
    inside = cv2.warpAffine(src, matrix, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    mask = cv2.warpAffine(np.full(src.shape[:2], 255, np.uint8), matrix, size, flags=cv2.INTER_NEAREST)
    if mask.min() == 255:
        return inside
    # Past the photo's edge: its edge colours drawn outward and blurred (a mirror image would
    # show ghost faces around a tight crop), faded in over a band inside the edge so no seam
    # shows when a wide output looks past a narrow photo.
    small = cv2.resize(inside, (CANVAS_WIDTH_PX // 8, CANVAS_HEIGHT_PX // 8), interpolation=cv2.INTER_AREA)
    near = cv2.resize(cv2.GaussianBlur(small, (0, 0), 3), size, interpolation=cv2.INTER_CUBIC).astype(np.float32)
    # further out, fade to the mean colour of the photo's rim so the streaks die away
    rim = (mask > 0) & (cv2.erode(mask, np.ones((5, 5), np.uint8)) == 0)
    far = inside[rim].reshape(-1, 3).mean(0) if rim.any() else inside.reshape(-1, 3).mean(0)
    distance = cv2.distanceTransform((mask == 0).astype(np.uint8), cv2.DIST_L2, 5)
    t = np.clip(distance / (0.3 * CANVAS_HEIGHT_PX), 0, 1)[..., None]
    fill = near * (1 - t) + far * t
    band = max(4, int(0.02 * CANVAS_HEIGHT_PX))
    inner = cv2.erode(mask, np.ones((2 * band + 1, 2 * band + 1), np.uint8))
    alpha = cv2.GaussianBlur(inner.astype(np.float32) / 255.0, (0, 0), band / 2)[..., None]
    alpha = np.minimum(alpha, mask[..., None] / 255.0)
    return (inside * alpha + fill * (1 - alpha)).round().astype(np.uint8)


def _soft_field(xy: np.ndarray, anchors: np.ndarray, anchor_deltas: np.ndarray, sigma: float,
                receivers: np.ndarray) -> np.ndarray:
    """Displacements: exact at the anchors, Gaussian-weighted blends of them at the receivers, fading to 0 far away."""
    out = np.zeros((len(xy), 3), dtype=np.float32)
    recv = np.flatnonzero(receivers & ~np.isin(np.arange(len(xy)), anchors))
    if len(recv) and len(anchors):
        d2 = ((xy[recv, None, :] - xy[None, anchors, :]) ** 2).sum(-1)
        phi = np.exp(-d2 / (2 * sigma * sigma))
        out[recv] = (phi @ anchor_deltas) / (phi.sum(1, keepdims=True) + np.exp(-2.0))
    out[anchors] = anchor_deltas
    return out


def _polygon_triangles(points: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Triangles filling a simple polygon (given in order), by Delaunay kept inside it."""
    tri = Delaunay(points)
    poly = points.astype(np.float32).reshape(-1, 1, 2)
    keep = [t for t in tri.simplices if cv2.pointPolygonTest(poly, tuple(map(float, points[t].mean(0))), False) > 0]
    return ids[np.array(keep, dtype=np.int32)] if keep else np.zeros((0, 3), np.int32)


def _rays_to_border(origin: np.ndarray, through: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where rays from origin through each point leave the canvas, and which side (0 top, 1 right, 2 bottom, 3 left)."""
    w, h = CANVAS_WIDTH_PX, CANVAS_HEIGHT_PX
    out, sides = [], []
    for p in through:
        d = p - origin
        ts = []
        if d[1] < 0:
            ts.append(((0 - origin[1]) / d[1], 0))
        if d[0] > 0:
            ts.append(((w - origin[0]) / d[0], 1))
        if d[1] > 0:
            ts.append(((h - origin[1]) / d[1], 2))
        if d[0] < 0:
            ts.append(((0 - origin[0]) / d[0], 3))
        t, side = min(ts)
        out.append(origin + d * t)
        sides.append(side)
    return np.array(out), np.array(sides)


def _strip(inner: list[int], outer: list[int]) -> list[tuple[int, int, int]]:
    n = len(inner)
    tris = []
    for i in range(n):
        j = (i + 1) % n
        tris += [(inner[i], outer[i], outer[j]), (inner[i], outer[j], inner[j])]
    return tris


def _mean_colour(texture: np.ndarray, points: np.ndarray, hole: np.ndarray | None = None) -> np.ndarray:
    """Mean RGB (0..1) inside a polygon, less an optional inner polygon (the lips without the teeth)."""
    mask = np.zeros(texture.shape[:2], np.uint8)
    cv2.fillPoly(mask, [np.round(points).astype(np.int32)], 1)
    if hole is not None:
        cv2.fillPoly(mask, [np.round(hole).astype(np.int32)], 0)
    if mask.sum() == 0:
        return np.array([0.6, 0.45, 0.4])
    return texture[mask.astype(bool)].reshape(-1, 3).mean(0) / 255.0


def build_rig(image: np.ndarray, landmarks: np.ndarray) -> Rig:
    """A rig from an RGB photo and the (478, 3) landmarks of its face (pixels, as LandmarkDetector gives)."""
    scale, offset = framing_transform(landmarks)
    texture = frame_photo(image, scale, offset)
    pts = landmarks.astype(np.float64).copy()
    pts[:, :2] = pts[:, :2] * scale + offset
    pts[:, 2] *= scale
    face = pts[: lm.N_MESH]
    fw = float(np.linalg.norm(pts[lm.FACE_LEFT_SIDE, :2] - pts[lm.FACE_RIGHT_SIDE, :2]))
    fh = float(np.linalg.norm(pts[lm.CHIN, :2] - pts[lm.FOREHEAD, :2]))

    # --- rings around the face: hair and ears (move with the head), blend band, border (still)
    oval_ids = list(lm.FACE_OVAL)
    oval = face[oval_ids]
    centre = oval[:, :2].mean(0)
    direction = oval[:, :2] - centre
    # Above, the hair needs room and a wide band to stretch over; below, the neck band stays
    # short so that collars and shoulders are not dragged along.
    up = np.clip(-direction[:, 1] / np.linalg.norm(direction, axis=1), 0, 1)[:, None]
    down = np.clip(direction[:, 1] / np.linalg.norm(direction, axis=1), 0, 1)[:, None]
    ring1 = centre + direction * (1.22 + 0.22 * up - 0.1 * down)
    ring2 = centre + direction * (1.8 + 0.35 * up - 0.3 * down)
    margin = 4.0
    ring2 = np.clip(ring2, margin, [CANVAS_WIDTH_PX - margin, CANVAS_HEIGHT_PX - margin])
    ring1 = np.clip(ring1, margin / 2 + 1, [CANVAS_WIDTH_PX - 3, CANVAS_HEIGHT_PX - 3])
    border, sides = _rays_to_border(centre, ring2)
    w_px, h_px = CANVAS_WIDTH_PX, CANVAS_HEIGHT_PX
    corners = np.array([[0, 0], [w_px, 0], [w_px, h_px], [0, h_px]], float)

    side_depth = float(np.mean(face[[lm.FACE_LEFT_SIDE, lm.FACE_RIGHT_SIDE], 2]))
    far = float(face[:, 2].max() + fw)
    n = len(oval_ids)
    base = lm.N_MESH
    r1 = list(range(base, base + n))
    r2 = list(range(base + n, base + 2 * n))
    bd = list(range(base + 2 * n, base + 3 * n))
    cn = list(range(base + 3 * n, base + 3 * n + 4))
    positions = np.concatenate([
        face,
        np.column_stack([ring1, oval[:, 2] + 0.04 * fw]),
        np.column_stack([ring2, np.full(n, far)]),
        np.column_stack([border, np.full(n, far)]),
        np.column_stack([corners, np.full(4, far)]),
    ])
    head_weight = np.concatenate([np.ones(lm.N_MESH), 1.0 - 0.4 * down[:, 0] ** 2, np.zeros(2 * n + 4)])

    tris = [tuple(t) for t in lm.mesh_triangles()]
    tris += _strip(oval_ids, r1) + _strip(r1, r2) + _strip(r2, bd)
    for i in range(n):
        j = (i + 1) % n
        if sides[i] != sides[j]:
            corner = cn[(sides[j]) % 4] if (sides[i] + 1) % 4 == sides[j] else None
            if corner is not None:
                tris.append((bd[i], corner, bd[j]))
    face_triangles = np.array(tris, dtype=np.int32)

    eyes = []
    for upper, lower in ((lm.LEFT_EYE_UPPER, lm.LEFT_EYE_LOWER), (lm.RIGHT_EYE_UPPER, lm.RIGHT_EYE_LOWER)):
        ring = np.array(list(upper) + list(lower[-2:0:-1]))
        eyes.append(_polygon_triangles(face[ring, :2], ring))

    # --- mouth interior, behind a hole in the surface between the inner lips
    upper_in, lower_in = list(lm.LIPS_UPPER_INNER), list(lm.LIPS_LOWER_INNER)
    mouth_w = float(np.linalg.norm(face[lm.MOUTH_CORNERS[1], :2] - face[lm.MOUTH_CORNERS[0], :2]))
    lip_poly = np.concatenate([face[list(lm.LIPS_UPPER_OUTER), :2], face[list(lm.LIPS_LOWER_OUTER)[::-1], :2]])
    cheek_poly = face[[205, 50, 118, 117, 123, 147, 187], :2]
    mouth_poly = np.concatenate([face[list(lm.LIPS_UPPER_INNER), :2], face[list(lm.LIPS_LOWER_INNER)[::-1], :2]])
    lip_rgb = _mean_colour(texture, lip_poly, hole=mouth_poly)
    skin_rgb = _mean_colour(texture, cheek_poly)
    interior = build_interior(face[13], face[14], mouth_w, lip_rgb, skin_rgb, float(face[[13, 14], 2].mean()))
    i_base = len(positions)
    # The photo's own view between the lips (teeth in a smiling photo) is kept as a patch that
    # follows the upper lip, drawn over the made-up interior: neutral shows exactly the photo.
    patch_ids = upper_in + lower_in[1:-1]
    p_base = i_base + len(interior.positions)
    patch_index = {lid: p_base + k for k, lid in enumerate(patch_ids)}
    patch_tris = []
    for i in range(len(upper_in) - 1):
        a, b = patch_index[upper_in[i]], patch_index[upper_in[i + 1]]
        lo = [upper_in[0]] + lower_in[1:-1] + [upper_in[-1]]
        c, d = patch_index[lo[i]], patch_index[lo[i + 1]]
        patch_tris += [(a, b, d), (a, d, c)]
    positions = np.concatenate([positions, interior.positions, face[patch_ids]])
    head_weight = np.concatenate([head_weight, np.ones(len(interior.positions) + len(patch_ids))])
    interior_triangles = np.concatenate([interior.triangles + i_base, np.array(patch_tris, np.int32)])
    n_vertices = len(positions)
    colors = np.zeros((n_vertices, 4), np.float32)
    colors[i_base:p_base] = interior.colors
    uv_xy = positions[:, :2].copy()
    uvs = (uv_xy / [CANVAS_WIDTH_PX, CANVAS_HEIGHT_PX]).astype(np.float32)

    deltas = _blendshapes(positions, face, fw, fh, mouth_w, interior, i_base, p_base, patch_ids)

    pivot = np.array([centre[0], pts[lm.NOSE_TIP, 1] + 0.1 * fh, side_depth + 0.1 * fw])
    irises = []
    for iris in (lm.LEFT_IRIS, lm.RIGHT_IRIS):
        ring = pts[list(iris[1:]), :2]
        irises.append([*pts[iris[0], :2], float(np.linalg.norm(ring - pts[iris[0], :2], axis=1).mean())])
    return Rig(
        texture=texture,
        positions=positions.astype(np.float32),
        uvs=uvs,
        colors=colors,
        head_weight=head_weight.astype(np.float32),
        deltas=deltas.astype(np.float32),
        basis_names=BASIS_NAMES,
        face_triangles=face_triangles,
        eye_triangles=(eyes[0].astype(np.int32), eyes[1].astype(np.int32)),
        interior_triangles=interior_triangles.astype(np.int32),
        pivot=pivot.astype(np.float32),
        irises=np.array(irises, dtype=np.float32),
        face_width_px=fw,
        face_height_px=fh,
        landmarks=pts.astype(np.float32),
    )


def _midline(a: np.ndarray, b: np.ndarray):
    """y of the line halfway between two point rows, as a function of x (flat beyond the ends)."""
    mid = (a + b) / 2
    order = np.argsort(mid[:, 0])
    return lambda x: np.interp(x, mid[order, 0], mid[order, 1])


def _blendshapes(positions, face, fw, fh, mouth_w, interior, i_base, p_base, patch_ids) -> np.ndarray:
    """Deltas (K, V, 3) for BASIS_NAMES, in canvas pixels."""
    n_vertices = len(positions)
    xy = positions[:, :2]
    is_face = np.zeros(n_vertices, bool)
    is_face[: lm.N_MESH] = True
    shapes = {name: np.zeros((n_vertices, 3), np.float32) for name in BASIS_NAMES}
    wm = mouth_w
    uo, lo_, ui, li = (list(c) for c in (lm.LIPS_UPPER_OUTER, lm.LIPS_LOWER_OUTER, lm.LIPS_UPPER_INNER,
                                         lm.LIPS_LOWER_INNER))
    corners = [uo[0], uo[-1], ui[0], ui[-1]]
    cx = float(face[[uo[0], uo[-1]], 0].mean())
    half = wm / 2
    mouth_mid = _midline(face[ui, :2], face[li, :2])
    below = positions[:, 1] > mouth_mid(positions[:, 0])
    below[uo + ui] = False
    below[lo_ + li] = True
    below[corners] = False  # corners take the upper contours' values
    near_mouth = np.linalg.norm(xy - [cx, face[13, 1]], axis=1) < 1.6 * wm
    upper_recv = is_face & near_mouth & ~below
    lower_recv = is_face & near_mouth & below
    upper_pins = [1, 2, 98, 327, 4, 5]
    lower_pins: list[int] = []  # single pinned points would dent the chin; the field fades by itself

    def u_of(ids):
        return np.clip((face[ids, 0] - cx) / half, -1, 1)

    def mouth_shape(name, per_contour, sigma=0.3):
        """per_contour(contour_ids, u) -> (len, 3) deltas for each of the four lip contours."""
        up_ids, up_d, lo_ids, lo_d = [], [], [], []
        for ids in (uo, ui):
            up_ids += ids
            up_d.append(per_contour(ids, u_of(ids)))
        for ids in (lo_, li):
            lo_ids += ids
            lo_d.append(per_contour(ids, u_of(ids)))
        up_d, lo_d = np.concatenate(up_d), np.concatenate(lo_d)
        ua = np.array(up_ids + upper_pins)
        la = np.array(lo_ids + lower_pins)
        f_up = _soft_field(xy, ua, np.concatenate([up_d, np.zeros((len(upper_pins), 3))]), sigma * wm, upper_recv)
        f_lo = _soft_field(xy, la, np.concatenate([lo_d, np.zeros((len(lower_pins), 3))]), sigma * wm, lower_recv)
        shapes[name] += np.where(below[:, None], f_lo, f_up)

    def contour_is(ids, group):
        return ids[0] in group and ids[-1] in group and ids[len(ids) // 2] in group

    # jaw: it swings from hinges by the ears, so seen from the front the lower face slides down
    # by an amount that depends on how far in front of the hinges a point is: the chin and
    # lower lip nearly fully, the jaw's angles at the sides hardly (the chin keeps its shape)
    drop = 0.4 * wm
    dx = np.abs(positions[:, 0] - cx)
    hinge_z = float(face[[lm.FACE_LEFT_SIDE, lm.FACE_RIGHT_SIDE], 2].mean())
    in_front = np.clip((hinge_z - positions[:, 2]) / max(hinge_z - face[14, 2], 1e-3) / 0.75, 0, 1)
    dy = positions[:, 1] - mouth_mid(positions[:, 0])
    vert = np.clip(dy / (1 + 0.9 * np.maximum(dx - half, 0)), 0, 1)
    chin_y = face[lm.CHIN, 1]
    neck = np.clip(1 - (positions[:, 1] - chin_y) / (0.3 * fh), 0, 1)
    # and nothing at the far sides, where the jaw's angle meets the hair and ears
    sides = 1 - np.clip((dx - 0.3 * fw) / (0.18 * fw), 0, 1)
    m = in_front * vert * neck * sides
    # the lower lip opens as an arc, not a sliding bar: most in the middle, least at the corners
    m[lo_ + li] = 0.3 + 0.7 * np.sqrt(1 - u_of(lo_ + li) ** 2)
    m[corners] = 0.2
    m[lm.N_MESH + len(lm.FACE_OVAL):] = 0.0  # the blend band and border stay; the interior is set below
    jaw = np.zeros((n_vertices, 3), np.float32)
    jaw[:, 1] = drop * m
    jaw[i_base:p_base, 1] = drop * interior.jaw
    jaw[p_base:] = 0.0
    shapes["jaw_open"] = jaw

    # lips close over an open jaw: the upper lip comes down a fifth of the way, the lower lip the rest
    def close_over_jaw(ids, u):
        # each upper lip point meets the lower lip point below it, which the jaw took down
        if contour_is(ids, ui):
            return np.column_stack([0 * u, 0.2 * jaw[li, 1], 0 * u])
        if contour_is(ids, uo):
            return np.column_stack([0 * u, 0.17 * jaw[li, 1], 0 * u])
        return np.column_stack([0 * u, -0.8 * jaw[ids, 1], 0 * u])

    mouth_shape("jaw_open*lips_together", close_over_jaw, 0.35)

    # lips together at rest: close whatever gap the photo's mouth has
    gap = face[li, :2] - face[ui, :2]

    def seal(ids, u):
        g = np.column_stack([gap, np.zeros(len(gap))])
        scale = 0.5 if ids[len(ids) // 2] in ui + li else 0.3
        return g * scale if ids[len(ids) // 2] in ui + uo else -g * scale

    mouth_shape("lips_together", seal, 0.3)

    up_thick = np.linalg.norm(face[ui, :2] - face[uo, :2], axis=1)
    lo_thick = np.linalg.norm(face[li, :2] - face[lo_, :2], axis=1)

    def pressed(ids, u):
        if contour_is(ids, uo):
            return np.column_stack([0 * u, 0.4 * up_thick, 0 * u])
        if contour_is(ids, lo_):
            return np.column_stack([0 * u, -0.4 * lo_thick, 0 * u])
        return np.zeros((len(ids), 3))

    mouth_shape("lips_pressed", pressed, 0.25)
    mouth_shape("mouth_pucker", lambda ids, u: np.column_stack([-0.22 * wm * u, 0 * u, -0.15 * wm * (1 - u * u)]))

    def funnel(ids, u, open_only=False):
        bulge = 1 - u * u
        sign = -1.0 if ids[len(ids) // 2] in ui + uo else 1.0
        inner = ids[len(ids) // 2] in ui + li
        open_y = sign * (0.1 if inner else 0.04) * wm * bulge
        if open_only:
            return np.column_stack([0 * u, open_y, 0 * u])
        return np.column_stack([-0.13 * wm * u, open_y, -0.1 * wm * bulge])

    mouth_shape("mouth_funnel", funnel)
    # weighted negatively by funnel*lips_together: closed lips keep the rounding, not the opening
    mouth_shape("mouth_funnel*lips_together", lambda ids, u: funnel(ids, u, open_only=True))
    mouth_shape("mouth_stretch", lambda ids, u: np.column_stack([0.13 * wm * u, 0.01 * wm * u * u, 0 * u]), 0.4)
    mouth_shape("mouth_smile", lambda ids, u: np.column_stack([0.08 * wm * u, -0.13 * wm * u ** 2, 0 * u]), 0.45)
    mouth_shape("mouth_frown", lambda ids, u: np.column_stack([0 * u, 0.11 * wm * u ** 2, 0 * u]), 0.45)

    def lip_move(group, amount):
        def f(ids, u):
            if contour_is(ids, group[0]):
                return np.column_stack([0 * u, amount * wm * (1 - 0.6 * u * u), 0 * u])
            if contour_is(ids, group[1]):
                return np.column_stack([0 * u, 0.75 * amount * wm * (1 - 0.6 * u * u), 0 * u])
            return np.zeros((len(ids), 3))
        return f

    mouth_shape("upper_lip_up", lip_move((ui, uo), -0.09), 0.3)
    mouth_shape("lower_lip_down", lip_move((li, lo_), 0.1), 0.3)
    for name in ("upper_lip_up", "lower_lip_down", "jaw_open*lips_together", "lips_together"):
        shapes[name][list(lm.MOUTH_CORNERS) + [ui[0], ui[-1]]] = 0.0

    # tongue: its front rises to the upper teeth; a second shape cancels the jaw's drop for it
    tip = np.zeros(n_vertices, np.float32)
    tip[i_base:p_base] = interior.tongue_tip
    tongue_top = interior.positions[:, 1][interior.tongue_tip > 0.99].min() if (interior.tongue_tip > 0.99).any() else 0
    shapes["tongue_up"][:, 1] = tip * (interior.upper_teeth_edge_y - tongue_top + 0.02 * wm)
    shapes["jaw_open*tongue_up"][:, 1] = -tip * jaw[:, 1]

    # The patch of photo in the hole (its own view between the lips) follows the upper lip
    # where the lips part; in the other shapes it follows both lips, so no sliver of the
    # interior opens at the corners.
    parting = {"jaw_open", "jaw_open*lips_together", "lips_together", "lower_lip_down", "mouth_funnel",
               "mouth_funnel*lips_together"}
    for name in BASIS_NAMES:
        d = shapes[name]
        for k, lid in enumerate(patch_ids):
            src = ui[li.index(lid)] if lid not in ui and name in parting else lid
            d[p_base + k] = d[src]

    _eye_shapes(shapes, positions, face, fw, fh, is_face)
    return np.stack([shapes[name] for name in BASIS_NAMES])


def _eye_shapes(shapes, positions, face, fw, fh, is_face) -> None:
    for side, upper, lower, brow in (
        ("left", lm.LEFT_EYE_UPPER, lm.LEFT_EYE_LOWER, lm.LEFT_BROW),
        ("right", lm.RIGHT_EYE_UPPER, lm.RIGHT_EYE_LOWER, lm.RIGHT_BROW),
    ):
        _one_eye(shapes, positions, face, fw, fh, is_face, side, upper, lower, brow)
    shapes["cheek_raise"][:, 2] = 0


def _one_eye(shapes, positions, face, fw, fh, is_face, side, upper, lower, brow) -> None:
    """Lids, brow and cheek shapes of one eye ('left' = the person's left)."""
    xy = positions[:, :2]
    up, lo = np.array(upper), np.array(lower)
    ew = float(np.linalg.norm(face[up[0], :2] - face[up[-1], :2]))
    centre = face[np.concatenate([up, lo]), :2].mean(0)
    mid = _midline(face[up, :2], face[lo, :2])
    near = is_face & (np.linalg.norm(xy - centre, axis=1) < 1.3 * ew)
    above = positions[:, 1] < mid(positions[:, 0])
    height = face[lo, :2] - face[up, :2]
    h3 = np.column_stack([height, np.zeros(len(up))])
    h3[[0, -1]] = 0
    brow_ids = np.array(brow)
    lower_pins = np.array([i for i in (118, 119, 100, 347, 348, 329) if np.linalg.norm(xy[i] - centre) < 1.3 * ew])

    def lids(upper_d, lower_d, sigma=0.3):
        ua = np.concatenate([up, brow_ids])
        f_up = _soft_field(xy, ua, np.concatenate([upper_d, np.zeros((len(brow_ids), 3))]), sigma * ew,
                           near & above)
        la = np.concatenate([lo, lower_pins]).astype(int)
        f_lo = _soft_field(xy, la, np.concatenate([lower_d, np.zeros((len(lower_pins), 3))]), sigma * ew,
                           near & ~above)
        out = np.where(above[:, None], f_up, f_lo)
        out[up] = upper_d
        out[lo] = lower_d
        out[[up[0], up[-1]]] = 0
        return out

    shapes[f"blink_{side}"] += lids(1.06 * h3, 0.06 * h3, 0.12)  # lids meet just below the lower lid line
    shapes[f"squint_{side}"] += lids(0.08 * h3, -0.35 * h3)
    shapes["eye_wide"] += lids(-0.3 * h3, 0 * h3)

    # brows: inner or outer ends rise, or the whole brow lowers and draws in
    b = face[brow_ids, :2]
    outer_end, inner_end = face[brow[0], :2], face[brow[4], :2]
    t = np.clip(np.linalg.norm(b - outer_end, axis=1) / max(np.linalg.norm(inner_end - outer_end), 1), 0, 1)
    toward_centre = np.sign(face[lm.NOSE_TIP, 0] - centre[0])
    forehead = is_face & (positions[:, 1] < face[up, 1].min()) & (np.abs(positions[:, 0] - centre[0]) < 1.5 * ew)
    pins = np.array([10, 151, 9, 8])
    anchors = np.concatenate([brow_ids, up, pins])

    def brow_field(d):
        zeros = np.zeros((len(up) + len(pins), 3))
        f = _soft_field(xy, anchors, np.concatenate([d, zeros]), 0.45 * ew, forehead)
        f[up] = 0
        f[pins] = 0
        return f

    shapes["brow_inner_up"] += brow_field(np.column_stack([0 * t, -0.07 * fh * t ** 1.5, 0 * t]))
    shapes["brow_outer_up"] += brow_field(np.column_stack([0 * t, -0.06 * fh * (1 - t) ** 1.2, 0 * t]))
    shapes["brow_down"] += brow_field(np.column_stack([toward_centre * 0.03 * fw * t, 0.045 * fh + 0 * t, 0 * t]))

    # cheeks: a soft lift centred between the outer eye corner and the mouth corner
    mouth_corner = face[lm.MOUTH_CORNERS[0] if side == "right" else lm.MOUTH_CORNERS[1], :2]
    cheek = (face[up[0], :2] * 0.55 + mouth_corner * 0.45)
    r2 = ((xy - cheek) ** 2).sum(1) / (0.22 * fw) ** 2
    lift = np.exp(-r2) * is_face
    lift[up] = 0
    shapes["cheek_raise"][:, 1] -= 0.035 * fh * lift
    shapes["cheek_raise"][lo] += np.column_stack([0.2 * -height, np.zeros(len(lo))]) * 1.0
