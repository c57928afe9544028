"""The rig: a textured mesh over the framed photo with blendshape deltas, and its cache file (.npz)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

RIG_FORMAT_VERSION = 1


class RigFileError(ValueError):
    """A rig file that cannot be read; rebuilding it from the photo fixes it."""

    is_user_error = True


@dataclass(frozen=True)
class Rig:
    """Everything the renderer needs, in canvas pixels (the texture's pixel grid, y down, z away from the camera).

    The mesh covers the whole canvas: face, hair, neck, shoulders and background are one
    surface, so nothing tears; `head_weight` says how much of the head's pose each vertex
    follows (1 on the head, 0 on the background). `deltas[k]` is the displacement of every
    vertex at full weight of basis shape `basis_names[k]` (see avatar.expression).
    """

    texture: np.ndarray  # (H, W, 3) uint8 RGB: the framed photo
    positions: np.ndarray  # (V, 3) float32 rest positions
    uvs: np.ndarray  # (V, 2) float32 texture coordinates 0..1
    colors: np.ndarray  # (V, 4) float32 RGBA; alpha 1 = flat colour (mouth interior), 0 = textured
    head_weight: np.ndarray  # (V,) float32
    deltas: np.ndarray  # (K, V, 3) float32
    basis_names: tuple[str, ...]
    face_triangles: np.ndarray  # (F, 3) int32: the surface, drawn with depth test
    eye_triangles: tuple[np.ndarray, np.ndarray]  # the person's left and right eye openings
    interior_triangles: np.ndarray  # mouth interior, in drawing order, behind the surface
    pivot: np.ndarray  # (3,) head rotation centre
    irises: np.ndarray  # (2, 3): x, y, radius of the left and right iris
    face_width_px: float
    face_height_px: float
    landmarks: np.ndarray  # (478, 3) the photo's landmarks in canvas pixels
    photo_sha256: str = ""  # of the photo file it was built from: tells a stale cache

    @property
    def canvas_size(self) -> tuple[int, int]:
        """Width and height of the canvas (the texture) in pixels."""
        return self.texture.shape[1], self.texture.shape[0]

    @property
    def moving_vertices(self) -> np.ndarray:
        """(V,) bool: the vertices a parameter can move (they follow the head or a blendshape)."""
        return (self.head_weight > 0) | (np.abs(self.deltas).max(axis=(0, 2)) > 0)


_ARRAYS = (
    "positions", "uvs", "colors", "head_weight", "deltas", "face_triangles", "interior_triangles",
    "pivot", "irises", "landmarks",
)


def rig_to_bytes(rig: Rig) -> bytes:
    """The rig as .npz bytes; the texture goes in as PNG to keep the file small."""
    ok, png = cv2.imencode(".png", cv2.cvtColor(rig.texture, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_PNG_COMPRESSION, 6])
    if not ok:
        raise RuntimeError("could not encode the rig texture")
    arrays = {name: getattr(rig, name) for name in _ARRAYS}
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer,
        version=np.array(RIG_FORMAT_VERSION),
        texture_png=png.reshape(-1),
        basis_names=np.array(rig.basis_names),
        eye_left=rig.eye_triangles[0],
        eye_right=rig.eye_triangles[1],
        sizes=np.array([rig.face_width_px, rig.face_height_px], dtype=np.float64),
        photo_sha256=np.array(rig.photo_sha256),
        **arrays,
    )
    return buffer.getvalue()


def save_rig(rig: Rig, path: str | Path) -> None:
    """Write the rig to an .npz cache file, atomically (never a half-written rig in a profile)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(rig_to_bytes(rig))
    tmp.replace(path)


def load_rig(path: str | Path) -> Rig:
    """Read a rig cache written by save_rig; RigFileError if it is missing, damaged or of another version."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as data:
            version = int(data["version"])
            if version != RIG_FORMAT_VERSION:
                raise RigFileError(
                    f"{path}: rig format {version}, this program reads {RIG_FORMAT_VERSION}; rebuild it from the photo"
                )
            bgr = cv2.imdecode(data["texture_png"], cv2.IMREAD_COLOR)
            if bgr is None:
                raise RigFileError(f"{path}: the rig's texture is damaged; rebuild it from the photo")
            fields = {name: data[name] for name in _ARRAYS}
            return Rig(
                texture=cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB),
                basis_names=tuple(str(n) for n in data["basis_names"]),
                eye_triangles=(data["eye_left"], data["eye_right"]),
                face_width_px=float(data["sizes"][0]),
                face_height_px=float(data["sizes"][1]),
                photo_sha256=str(data["photo_sha256"]),
                **fields,
            )
    except FileNotFoundError as exc:
        raise RigFileError(f"{path}: no rig file; build it with `aac-avatar avatar build PHOTO`") from exc
    except (KeyError, ValueError, OSError) as exc:
        if isinstance(exc, RigFileError):
            raise
        raise RigFileError(f"{path}: not a readable rig file ({exc}); rebuild it from the photo") from exc
