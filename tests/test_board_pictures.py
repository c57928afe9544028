"""Button pictures: every format a board may carry decodes to a square RGBA array; bad data gives None."""

from __future__ import annotations

import io
import struct
import time
import zlib

import numpy as np
import PIL.Image
import pytest

from aac.board.model import Image
from aac.board.pictures import PictureCache, decode_picture
from aac.board.symbols import symbol_image


def _encoded(fmt: str, size: tuple[int, int] = (40, 20), mode: str = "RGB") -> bytes:
    picture = PIL.Image.new(mode, size, (200, 30, 30) if mode == "RGB" else (200, 30, 30, 255))
    out = io.BytesIO()
    picture.save(out, format=fmt)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "BMP", "WEBP"])
def test_raster_formats_decode_square_with_aspect_kept(fmt: str) -> None:
    picture = decode_picture(Image(id="p", content_type=None, data=_encoded(fmt)), 64)
    assert picture is not None
    assert picture.shape == (64, 64, 4) and picture.dtype == np.uint8
    # 40 x 20 scaled to 64 x 32, centred: transparent above and below, red and opaque in the middle.
    assert picture[2, 32, 3] == 0 and picture[61, 32, 3] == 0
    assert picture[32, 32, 3] == 255 and picture[32, 32, 0] > 150 and picture[32, 32, 2] < 80


def test_svg_decodes_whatever_its_content_type_says() -> None:
    svg = (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 20">'
        b'<rect width="10" height="20" fill="#0000ff"/></svg>'
    )
    for content_type in ("image/svg+xml", "image/svg", None, "image/png"):
        picture = decode_picture(Image(id="s", content_type=content_type, data=svg), 50)
        assert picture is not None and picture.shape == (50, 50, 4)
        assert picture[25, 25, 2] == 255 and picture[25, 25, 3] == 255  # blue in the middle
        assert picture[25, 2, 3] == 0  # a tall picture leaves the sides transparent


def test_openmoji_symbol_decodes() -> None:
    picture = decode_picture(symbol_image("1F436", "dog"), 128)
    assert picture is not None and picture.shape == (128, 128, 4)
    assert 0.2 < (picture[..., 3] > 0).mean() < 0.95  # a drawing, not blank, not a filled square


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not a picture at all",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 50,  # a PNG cut short
        b"<svg xmlns='http://www.w3.org/2000/svg'><rect",  # unfinished SVG
        b"\xd7\xcd\xc6\x9a" + b"\x00" * 100,  # WMF (placeable header), which Pillow cannot draw here
        b"\x1f\x8b" + b"garbage",  # "gzip" that is not
    ],
)
def test_undecodable_data_gives_none(data: bytes) -> None:
    assert decode_picture(Image(id="bad", content_type="image/png", data=data), 32) is None


def test_url_only_image_gives_none() -> None:
    assert decode_picture(Image(id="u", url="https://example.org/a.png"), 32) is None


def _png_bomb(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height grey pixels, all zero (compresses ~1000:1)."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    compressor = zlib.compressobj(9)
    row = b"\x00" * (width + 1)
    body = b"".join(compressor.compress(row) for _ in range(64)) + compressor.flush()  # only the first rows
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def test_decompression_bomb_is_refused_fast() -> None:
    bomb = _png_bomb(50_000, 50_000)  # 2.5 gigapixels claimed
    assert len(bomb) < 100_000
    start = time.perf_counter()
    assert decode_picture(Image(id="bomb", data=bomb), 64) is None
    assert time.perf_counter() - start < 5.0  # refused from the header: nothing near 2.5 GB is touched


def test_billion_laughs_svg_gives_none() -> None:
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    svg = (
        f'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY l0 "ha">{entities}]>'
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&l9;</text></svg>'
    ).encode()
    start = time.perf_counter()
    decode_picture(Image(id="laughs", data=svg), 32)  # None or a picture: it must only come back
    assert time.perf_counter() - start < 5.0


def test_bad_size_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="size_px"):
        decode_picture(Image(id="p", data=_encoded("PNG")), 0)


def test_cache_reuses_and_bounds() -> None:
    cache = PictureCache(max_items=2)
    image = Image(id="p", data=_encoded("PNG"))
    first = cache.picture(image, 32)
    assert first is not None and cache.picture(image, 32) is first
    assert not first.flags.writeable
    changed = Image(id="p", data=_encoded("PNG", size=(10, 10)))  # same id, new bytes: decoded again
    assert cache.picture(changed, 32) is not first
    cache.picture(image, 48)
    assert len(cache) == 2
