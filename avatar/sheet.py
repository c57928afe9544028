"""A labelled contact sheet of a rig: every viseme, blinks, brows, emotions, gaze and head turns, to look at."""

from __future__ import annotations

import cv2
import numpy as np

from avatar import params
from avatar.render import Renderer


def sheet_entries() -> list[tuple[str, dict[str, float]]]:
    """Label and parameters of every tile, in order."""
    entries: list[tuple[str, dict[str, float]]] = [("neutral", {})]
    entries += [(f"viseme {name}", dict(shape)) for name, shape in params.VISEME_SHAPES.items() if name != "sil"]
    entries += [
        ("jaw open 1", {"jaw_open": 1.0}),
        ("jaw 1 + lips together", {"jaw_open": 1.0, "lips_together": 1.0}),
        ("tongue up", {"jaw_open": 0.35, "tongue_up": 1.0}),
        ("blink left", {"blink_left": 1.0}),
        ("blink right", {"blink_right": 1.0}),
        ("blink both", {"blink_left": 1.0, "blink_right": 1.0}),
        ("squint", {"squint_left": 1.0, "squint_right": 1.0}),
        ("brow inner up", {"brow_inner_up": 1.0}),
        ("brow outer up", {"brow_outer_up": 1.0}),
        ("brow down", {"brow_down": 1.0}),
    ]
    # the emotions as the motion layer will show them, at full intensity
    from avatar.motion.emotion import EXPRESSIONS

    entries += [(f"emotion {name}", dict(shape)) for name, shape in EXPRESSIONS.items() if name != "neutral"]
    entries += [
        ("gaze left", {"gaze_x": -1.0}),
        ("gaze right", {"gaze_x": 1.0}),
        ("gaze up", {"gaze_y": 1.0}),
        ("gaze down", {"gaze_y": -1.0}),
        ("yaw -25", {"head_yaw_deg": -25.0}),
        ("yaw +25", {"head_yaw_deg": 25.0}),
        ("pitch +20 (up)", {"head_pitch_deg": 20.0}),
        ("pitch -20 (down)", {"head_pitch_deg": -20.0}),
        ("roll +20", {"head_roll_deg": 20.0}),
        ("lean in, talk", {"head_z": 1.0, "jaw_open": 0.5, "head_yaw_deg": 10.0}),
    ]
    return entries


def contact_sheet(renderer: Renderer, columns: int = 7, tile_px: int = 320, crop_to_face: bool = True) -> np.ndarray:
    """All sheet entries rendered and labelled, as one RGB image of square tiles `tile_px` wide.

    Render at a larger size than the tile (512 is good): the crop to the face then shrinks, staying sharp.
    """
    tiles = []
    rig = renderer.rig
    for label, values in sheet_entries():
        frame = renderer.render(params.from_dict(values)).copy()
        if crop_to_face:
            frame = _face_crop(frame, renderer, rig)
        frame = np.ascontiguousarray(cv2.resize(frame, (tile_px, tile_px), interpolation=cv2.INTER_AREA))
        cv2.rectangle(frame, (0, 0), (frame.shape[1], 22), (0, 0, 0), -1)
        cv2.putText(frame, label, (5, 16), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255), 1, cv2.LINE_AA)
        tiles.append(frame)
    blank = np.zeros_like(tiles[0])
    while len(tiles) % columns:
        tiles.append(blank)
    rows = [np.hstack(tiles[i:i + columns]) for i in range(0, len(tiles), columns)]
    return np.vstack(rows)


def _face_crop(frame: np.ndarray, renderer: Renderer, rig) -> np.ndarray:
    """The head and neck, so expressions are big enough to judge."""
    vx, vy, vw, vh = renderer.view
    sx, sy = renderer.width / vw, renderer.height / vh
    centre = rig.landmarks[1, :2]
    half = 1.05 * rig.face_height_px
    x0 = int(np.clip((centre[0] - half - vx) * sx, 0, renderer.width - 1))
    y0 = int(np.clip((centre[1] - half - vy) * sy, 0, renderer.height - 1))
    x1 = int(np.clip((centre[0] + half - vx) * sx, x0 + 1, renderer.width))
    y1 = int(np.clip((centre[1] + half - vy) * sy, y0 + 1, renderer.height))
    return frame[y0:y1, x0:x1]
