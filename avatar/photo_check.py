"""Reading a profile photo and checking it will make a good avatar, with messages a caregiver can act on."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from avatar.landmarks import (
    FACE_OVAL,
    LandmarkDetector,
    eye_aspect_ratio,
    face_width_px,
    head_roll_deg,
    head_yaw_deg,
)

MIN_FACE_WIDTH_PX = 200
MAX_YAW_DEG = 20.0
MAX_ROLL_DEG = 25.0
# Below this eye aspect ratio (opening / width) an eye is taken as closed;
# open eyes measure about 0.25-0.35 (narrow or smiling eyes about 0.2), closed ones 0.06-0.12.
MIN_EYE_OPENING = 0.14
MIN_FACE_BRIGHTNESS = 55.0  # mean luma (0-255) over the face
# Variance of the Laplacian over the face scaled to 200 px wide; sharp photos and drawings
# measure 60 and more, a face blurred by a few percent of its width under 15.
MIN_SHARPNESS = 15.0
# Above the common cameras (108-megapixel phones); far below what exhausts memory.
MAX_PHOTO_PIXELS = 120_000_000
# A face found only in a turned copy of the photo counts as "the photo is sideways" when, turned, it
# is upright and looks ahead; mediapipe also fits its mesh to faceless things (a coffee cup, turned).
MAX_TURNED_ROLL_DEG = 15.0


class PhotoProblem(ValueError):
    """A photo that will not make a good avatar; the message says what to do instead."""

    is_user_error = True


@dataclass(frozen=True)
class CheckedPhoto:
    """A photo that passed every check, with the landmarks of its one face."""

    image: np.ndarray  # (H, W, 3) uint8 RGB
    landmarks: np.ndarray  # (478, 3) float32, pixels


def load_photo(path: str | Path) -> np.ndarray:
    """Read an image file as RGB uint8, turned upright by its EXIF orientation; PhotoProblem if unreadable."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    path = Path(path)
    if not path.is_file():
        raise PhotoProblem(f"{path}: no such file")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # told below, in words
            img = Image.open(path)
        with img:
            width, height = img.size
            if width * height > MAX_PHOTO_PIXELS:  # asked before decoding: a "decompression bomb" never unpacks
                raise PhotoProblem(
                    f"{path}: the picture is {width}x{height} pixels, far too large "
                    f"(at most {MAX_PHOTO_PIXELS // 1_000_000} megapixels); use a camera or phone photo"
                )
            img.load()
            return _as_rgb8(ImageOps.exif_transpose(img))
    except PhotoProblem:
        raise
    except Image.DecompressionBombError as exc:  # Pillow refuses before our size check can look
        pixels = re.search(r"\((\d+) pixels\)", str(exc))
        size = f" ({int(pixels[1]) // 1_000_000} megapixels)" if pixels else ""
        raise PhotoProblem(
            f"{path}: the picture is far too large{size} (at most {MAX_PHOTO_PIXELS // 1_000_000} megapixels); "
            "use a camera or phone photo"
        ) from None
    except UnidentifiedImageError as exc:
        raise PhotoProblem(f"{path}: not an image this program can read; use a JPEG or PNG photo") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise PhotoProblem(
            f"{path}: the image file is damaged or incomplete ({exc}); copy the photo again from the camera or phone"
        ) from exc


def _as_rgb8(img) -> np.ndarray:
    """RGB uint8 pixels of any image mode; 16- and 32-bit greyscale scaled down, not clipped to white."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        grey = np.asarray(img, dtype=np.float64)
        top = 65535.0 if img.mode.startswith("I;16") else max(float(grey.max()), 1.0)
        grey8 = np.clip(grey * (255.0 / top), 0, 255).round().astype(np.uint8)
        return np.ascontiguousarray(np.repeat(grey8[..., None], 3, axis=2))
    return np.asarray(img.convert("RGB"), dtype=np.uint8).copy()


def face_mask(image_shape: tuple[int, ...], landmarks: np.ndarray) -> np.ndarray:
    """Boolean mask of the face inside its silhouette."""
    mask = np.zeros(image_shape[:2], dtype=np.uint8)
    cv2.fillPoly(mask, [np.round(landmarks[list(FACE_OVAL), :2]).astype(np.int32)], 1)
    return mask.astype(bool)


def face_sharpness(image: np.ndarray, landmarks: np.ndarray) -> float:
    """Variance of the Laplacian over the face box, scaled to 200 px wide (higher is sharper)."""
    x0, y0 = np.floor(landmarks[:, :2].min(axis=0)).astype(int)
    x1, y1 = np.ceil(landmarks[:, :2].max(axis=0)).astype(int)
    h, w = image.shape[:2]
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)
    crop = cv2.cvtColor(image[y0:y1, x0:x1], cv2.COLOR_RGB2GRAY)
    scale = 200.0 / max(crop.shape[1], 1)
    crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
    return float(cv2.Laplacian(crop.astype(np.float32), cv2.CV_32F).var())


def face_brightness(image: np.ndarray, landmarks: np.ndarray) -> float:
    """Mean luma (0-255) inside the face silhouette."""
    luma = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    return float(luma[face_mask(image.shape, landmarks)].mean())


def _looks_like_a_face(pts: np.ndarray) -> bool:
    """Whether a detection is upright, looks ahead and has open eyes (not a mesh fitted to an object)."""
    return (
        abs(head_roll_deg(pts)) <= MAX_TURNED_ROLL_DEG
        and abs(head_yaw_deg(pts)) <= 2 * MAX_YAW_DEG
        and min(eye_aspect_ratio(pts, "left"), eye_aspect_ratio(pts, "right")) >= MIN_EYE_OPENING
    )


def check_photo(image: np.ndarray, name: str, detector: LandmarkDetector | None = None) -> CheckedPhoto:
    """The photo's one face, or PhotoProblem saying (with `name`, the file) what is wrong and what to do."""
    own = detector is None
    detector = detector or LandmarkDetector(max_faces=2)
    try:
        faces = detector.detect(image)
        if not faces:
            for turns, how in ((1, "sideways"), (3, "sideways"), (2, "upside down")):
                turned = detector.detect(np.ascontiguousarray(np.rot90(image, turns)))
                if any(_looks_like_a_face(pts) for pts in turned):
                    raise PhotoProblem(f"{name}: the photo is {how}; rotate it so the face is upright")
            raise PhotoProblem(
                f"{name}: no face found; use a photo where the face is clearly visible and looks at the camera"
            )
    finally:
        if own:
            detector.close()
    if len(faces) > 1:
        count = {2: "two faces", 3: "three faces"}.get(len(faces), f"{len(faces)} faces")
        raise PhotoProblem(f"{name}: {count} found; crop the photo so only the user's face is in it")
    pts = faces[0]
    width = face_width_px(pts)
    if width < MIN_FACE_WIDTH_PX:
        raise PhotoProblem(
            f"{name}: the face is only {width:.0f} px across (at least {MIN_FACE_WIDTH_PX} needed); "
            "use a larger photo or one taken closer"
        )
    roll = head_roll_deg(pts)
    if abs(roll) > 60:
        how = "upside down" if abs(roll) > 135 else "sideways"
        raise PhotoProblem(f"{name}: the photo is {how}; rotate it so the face is upright")
    if abs(roll) > MAX_ROLL_DEG:
        raise PhotoProblem(
            f"{name}: the head is tilted {abs(roll):.0f} degrees (at most {MAX_ROLL_DEG:.0f}); "
            "use a photo with the head upright"
        )
    yaw = head_yaw_deg(pts)
    if abs(yaw) > MAX_YAW_DEG:
        raise PhotoProblem(
            f"{name}: the face is turned {abs(yaw):.0f} degrees to the side (at most {MAX_YAW_DEG:.0f}); "
            "use a photo looking straight at the camera"
        )
    # one shut eye is refused too: the rig's rest pose would keep it shut
    if min(eye_aspect_ratio(pts, "left"), eye_aspect_ratio(pts, "right")) < MIN_EYE_OPENING:
        raise PhotoProblem(f"{name}: the eyes look closed; use a photo with both eyes open")
    brightness = face_brightness(image, pts)
    if brightness < MIN_FACE_BRIGHTNESS:
        raise PhotoProblem(
            f"{name}: the photo is too dark (face brightness {brightness:.0f} of 255); take it in better light"
        )
    sharpness = face_sharpness(image, pts)
    if sharpness < MIN_SHARPNESS:
        raise PhotoProblem(
            f"{name}: the face is blurred (sharpness {sharpness:.0f}, at least {MIN_SHARPNESS:.0f} needed); "
            "use a sharp photo, with the camera held still and focused on the face"
        )
    return CheckedPhoto(image=image, landmarks=pts)
