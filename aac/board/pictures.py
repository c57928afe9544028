"""Button pictures as pixels: PNG, JPEG, GIF, BMP, WebP and SVG bytes to a square RGBA array.

Pictures come from our own vocabulary (OpenMoji SVGs) and from any imported board, where they can
be anything: the kind is sniffed from the bytes, never trusted from `content_type` (real OBF files
say "image/svg" or nothing at all). A picture that cannot be decoded (WMF, damaged bytes, URL-only,
a decompression bomb) gives None, so the button shows its label; decoding never raises.

SVG goes through resvg (`resvg-py`: Rust, MIT; resvg itself MIT/Apache-2.0), about 3 ms for an
OpenMoji picture at 128 px on this machine; raster formats through Pillow.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import logging
import warnings
from collections import OrderedDict

import numpy as np
import PIL.Image
import PIL.ImageOps
import resvg_py

from aac.board.model import Image

log = logging.getLogger(__name__)

# Bigger than any sensible button picture; past these the bytes are refused unread.
MAX_DATA_BYTES = 16 * 1024 * 1024
MAX_SVG_BYTES = 4 * 1024 * 1024
# A raster picture whose header claims more pixels than this is a bomb (or a poster): never decoded.
MAX_SOURCE_PIXELS = 40_000_000
MAX_SIZE_PX = 2048


def decode_picture(image: Image, size_px: int) -> np.ndarray | None:
    """The picture as RGBA uint8, `size_px` x `size_px`, aspect kept, centred on transparent; None if undecodable.

    Never raises on bad picture data; a bad `size_px` (not 1..2048) is a programming error: ValueError.
    """
    if not 1 <= size_px <= MAX_SIZE_PX:
        raise ValueError(f"size_px must be 1..{MAX_SIZE_PX}, got {size_px}")
    data = image.data
    if not data or len(data) > MAX_DATA_BYTES:
        return None
    try:
        if _looks_gzipped(data):  # .svgz
            data = _gunzip_limited(data, MAX_SVG_BYTES)
            if data is None:
                return None
        picture = _decode_svg(data, size_px) if _looks_like_svg(data) else _decode_raster(data, size_px)
    except Exception as error:  # any decoder failure means "show the label instead"
        log.debug("picture %r not decoded: %s", image.id, error)
        return None
    return None if picture is None else _centre(picture, size_px)


class PictureCache:
    """Decoded pictures kept by (image id, bytes hash, size), the least recently used dropped past `max_items`.

    The arrays handed out are read-only and shared: copy one before drawing on it.
    """

    def __init__(self, max_items: int = 512) -> None:
        if max_items < 1:
            raise ValueError(f"max_items must be at least 1, got {max_items}")
        self.max_items = max_items
        self._items: OrderedDict[tuple[str, str, int], np.ndarray | None] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def picture(self, image: Image, size_px: int) -> np.ndarray | None:
        """`decode_picture(image, size_px)`, from the cache when this picture was decoded at this size before."""
        digest = hashlib.blake2b(image.data or b"", digest_size=16).hexdigest()
        key = (image.id, digest, size_px)
        if key in self._items:
            self._items.move_to_end(key)
            return self._items[key]
        picture = decode_picture(image, size_px)
        if picture is not None:
            picture.setflags(write=False)
        self._items[key] = picture  # a failure is remembered too: no retrying a bad picture every frame
        while len(self._items) > self.max_items:
            self._items.popitem(last=False)
        return picture


def _looks_gzipped(data: bytes) -> bool:
    return data[:2] == b"\x1f\x8b"


def _gunzip_limited(data: bytes, limit: int) -> bytes | None:
    with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
        out = stream.read(limit + 1)
    return None if len(out) > limit else out


def _looks_like_svg(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") and b"<svg" in data[:65536].lower()


def _decode_svg(data: bytes, size_px: int) -> np.ndarray | None:
    if len(data) > MAX_SVG_BYTES:
        return None
    text = data.decode("utf-8", errors="replace")
    # resvg keeps the aspect for one given side: fit the width, then the height if it came out too tall.
    picture = _png_to_rgba(resvg_py.svg_to_bytes(svg_string=text, width=size_px, skip_system_fonts=True))
    if picture is not None and picture.shape[0] > size_px:
        picture = _png_to_rgba(resvg_py.svg_to_bytes(svg_string=text, height=size_px, skip_system_fonts=True))
    return picture


def _png_to_rgba(png: bytes) -> np.ndarray | None:
    with PIL.Image.open(io.BytesIO(bytes(png))) as im:
        if im.width < 1 or im.height < 1:
            return None
        return np.asarray(im.convert("RGBA"))


def _decode_raster(data: bytes, size_px: int) -> np.ndarray | None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", PIL.Image.DecompressionBombWarning)
        with PIL.Image.open(io.BytesIO(data)) as im:
            # The header says how big it is before any pixel is decompressed.
            if im.width < 1 or im.height < 1 or im.width * im.height > MAX_SOURCE_PIXELS:
                return None
            if im.format == "JPEG":
                im.draft("RGB", (size_px, size_px))  # decode at a reduced scale: much faster for photos
            im.seek(0)  # the first frame of an animation
            upright = PIL.ImageOps.exif_transpose(im)
            rgba = upright.convert("RGBA")
    scale = size_px / max(rgba.width, rgba.height)
    width, height = max(1, round(rgba.width * scale)), max(1, round(rgba.height * scale))
    if (width, height) != rgba.size:
        rgba = rgba.resize((width, height), PIL.Image.Resampling.LANCZOS)
    return np.asarray(rgba)


def _centre(picture: np.ndarray, size_px: int) -> np.ndarray:
    height, width = picture.shape[:2]
    if (height, width) == (size_px, size_px):
        return np.ascontiguousarray(picture, dtype=np.uint8)
    height, width = min(height, size_px), min(width, size_px)
    out = np.zeros((size_px, size_px, 4), dtype=np.uint8)
    top, left = (size_px - height) // 2, (size_px - width) // 2
    out[top : top + height, left : left + width] = picture[:height, :width]
    return out
