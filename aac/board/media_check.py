"""Checking the pictures and sounds inside a board file before the app keeps them.

Board files are untrusted: a "picture" may be anything, declare a billion pixels (a
decompression bomb), or be a Windows Metafile the app cannot draw. Each check answers with
the real content type, or a sentence saying why the picture or sound is left out (its button
stays and shows its label).
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import urllib.parse
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

# Far beyond any symbol or photo a board needs (a 12-megapixel phone photo is 12 M), far below
# what would exhaust memory when drawn; Pillow's own warning comes at 89 M.
MAX_PICTURE_PIXELS = 40_000_000

_PIL_TYPES = {
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    "GIF": "image/gif",
    "WEBP": "image/webp",
    "BMP": "image/bmp",
    "ICO": "image/x-icon",
}
_METAFILE_MAGIC = (b"\xd7\xcd\xc6\x9a", b"\x01\x00\x09\x00", b"\x02\x00\x09\x00", b"\x01\x00\x00\x00")
_DATA_URI = re.compile(r"^data:(?P<type>[^;,]*)(?P<params>(;[^;,]*)*?)(?P<b64>;base64)?,(?P<data>.*)$", re.S | re.I)


@dataclass(frozen=True)
class MediaCheck:
    """What a picture or sound turned out to be: its content type and size, or why it was left out."""

    content_type: str | None = None
    width_px: int | None = None
    height_px: int | None = None
    problem: str | None = None


def parse_data_uri(uri: str) -> tuple[str | None, bytes]:
    """The media type and bytes of a `data:` URI (base64 or percent-encoded); ValueError when malformed."""
    match = _DATA_URI.match(uri.strip())
    if not match:
        raise ValueError("not a data: URI")
    media_type = match["type"].strip().lower() or None
    payload = match["data"]
    if match["b64"]:
        try:
            # Some writers break base64 into lines or leave spaces; the alphabet has neither.
            return media_type, base64.b64decode(re.sub(r"\s+", "", urllib.parse.unquote(payload)), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError(f"its base64 data is damaged ({exc})") from None
    return media_type, urllib.parse.unquote_to_bytes(payload)


def normalise_content_type(content_type: str | None) -> str | None:
    """A content type in its standard spelling (`image/svg` -> `image/svg+xml`, `audio/mp3` -> `audio/mpeg`)."""
    if not content_type:
        return None
    text = content_type.split(";")[0].strip().lower()
    return {
        "image/svg": "image/svg+xml",
        "image/jpg": "image/jpeg",
        "image/pjpeg": "image/jpeg",
        "image/ico": "image/x-icon",
        "image/vnd.microsoft.icon": "image/x-icon",
        "audio/mp3": "audio/mpeg",
        "audio/x-mp3": "audio/mpeg",
        "audio/x-wav": "audio/wav",
        "audio/wave": "audio/wav",
    }.get(text, text) or None


def _looks_like_svg(data: bytes) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg")) and b"<svg" in data[:4096].lower()


def _check_svg(data: bytes) -> MediaCheck:
    # Entity declarations are how XML bombs and external-file tricks work; real symbol SVGs have none.
    if b"<!entity" in data.lower():
        return MediaCheck(problem="an SVG picture with entity declarations, which are not allowed")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        return MediaCheck(problem=f"a damaged SVG picture ({exc})")
    if not root.tag.lower().endswith("svg"):
        return MediaCheck(problem="XML that is not an SVG picture")
    return MediaCheck(content_type="image/svg+xml")


def check_image(data: bytes, declared_type: str | None = None, max_pixels: int = MAX_PICTURE_PIXELS) -> MediaCheck:
    """Whether `data` is a picture the app can draw; its real content type and size, or the problem."""
    declared = normalise_content_type(declared_type) or ""
    if not data:
        return MediaCheck(problem="an empty picture")
    if "wmf" in declared or "emf" in declared or data[:4] in _METAFILE_MAGIC:
        return MediaCheck(problem="a Windows Metafile (WMF/EMF) picture, which this app cannot draw")
    if "svg" in declared or _looks_like_svg(data):
        return _check_svg(data)
    try:
        with warnings.catch_warnings():
            # Pillow warns (not raises) between its two limits: treat its warning as the refusal it is.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as picture:
                kind = _PIL_TYPES.get(picture.format or "")
                width_px, height_px = picture.size
                if kind is None:
                    return MediaCheck(problem=f"a {picture.format} picture, a kind this app does not draw")
                if width_px * height_px > max_pixels:
                    return MediaCheck(
                        problem=f"a picture declaring {width_px:,} x {height_px:,} pixels, too big to draw safely"
                    )
                picture.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return MediaCheck(problem="a picture declaring far too many pixels to draw safely (a decompression bomb)")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        if isinstance(exc, UnidentifiedImageError):
            return MediaCheck(problem="not a picture")
        return MediaCheck(problem=f"a damaged picture ({exc})")
    return MediaCheck(content_type=kind, width_px=width_px, height_px=height_px)


def check_sound(data: bytes, declared_type: str | None = None) -> MediaCheck:
    """Whether `data` is a recorded sound (WAV, MP3, OGG, FLAC, M4A); its content type, or the problem."""
    if not data:
        return MediaCheck(problem="an empty sound")
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return MediaCheck(content_type="audio/wav")
    if data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0):
        return MediaCheck(content_type="audio/mpeg")
    if data[:4] == b"OggS":
        return MediaCheck(content_type="audio/ogg")
    if data[:4] == b"fLaC":
        return MediaCheck(content_type="audio/flac")
    if data[4:8] == b"ftyp":
        return MediaCheck(content_type="audio/mp4")
    return MediaCheck(problem="not a sound this app can play")
