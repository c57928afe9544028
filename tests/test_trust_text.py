"""Issue 17, "must not happen" 3: text is spoken as typed (stacked combining marks kept) and captions on the
video show every script a voice offers: a font that has the glyphs, shaped and ordered by libraqm."""

from __future__ import annotations

import numpy as np
import pytest

from aac.fonts import LaidOutFont, _coverage, font_for, installed_fonts, needs_layout
from aac.live.overlays import OverlaySettings, OverlayState, draw
from speech.text import clean_text

# Each has a mark that follows another mark (or a letter with two marks).
TYPED = {
    "Hindi": "मैं माँ में हूँ",
    "Thai": "ก่อน น้ำ ที่นั่น",
    "Arabic": "مُحَمَّد شدّة",
    "Hebrew": "שָׁלוֹם בְּרֵאשִׁית",
    "Bengali": "চাঁদ আঁকা",
    "Vietnamese": "Tiếng Việt",
    "Persian (half-space)": "می‌خواهم",
}


@pytest.mark.parametrize("language", TYPED)
def test_typed_text_reaches_the_voice_unchanged(language: str) -> None:
    assert clean_text(TYPED[language]) == TYPED[language]


def test_what_is_not_speech_still_goes() -> None:
    assert clean_text("\u0301lone mark") == "lone mark"  # a mark on nothing says nothing
    assert clean_text("ok\ufe0f\u200b") == "ok"  # variation selector, zero-width space
    assert clean_text("👍\u200d🔥") == "thumbs up sign fire"  # an emoji's joiner is not a word's


def test_espeak_speaks_the_marks_it_is_given() -> None:
    """The marks change the word: espeak says "मैं" (I) differently from "मै" (the text it got before)."""
    from speech.registry import get_voice

    voice = get_voice("espeak:hi")
    with_marks = voice.synthesize("मैं माँ में हूँ")
    without = voice.synthesize("मै मा मे हू")
    assert [p.phone for p in with_marks.phones] != [p.phone for p in without.phones]


needs_noto = pytest.mark.skipif(not any("Noto" in (p or "") for p in installed_fonts()),
                                reason="no Noto fonts installed (scripts/setup.sh installs fonts-noto-core)")


@needs_noto
@pytest.mark.parametrize("language", TYPED)
def test_a_caption_font_has_every_glyph_and_shapes_the_script(language: str) -> None:
    text = TYPED[language]
    font = font_for(text, 30)
    letters = "".join(ch for ch in text if not ch.isspace() and ch != "\u200c")
    if language == "Vietnamese":
        return  # Latin with marks: pygame's own renderer draws it, from a font that has the letters
    assert needs_layout(text) and isinstance(font, LaidOutFont)
    assert all(m is not None for m in _coverage(font.path).get_metrics(letters)), font.path


@needs_noto
def test_captions_on_the_video_are_drawn_in_the_script() -> None:
    """Drawn captions differ where the text differs only by a mark, and right-to-left text starts at the right."""

    def caption_of(text: str) -> np.ndarray:
        frame = np.full((240, 640, 3), 90, np.uint8)
        draw(frame, OverlayState(caption=text), OverlaySettings(ai_label=False, typing_indicator=False))
        return frame

    assert not np.array_equal(caption_of("मैं"), caption_of("मै"))
    # Hebrew: the first letter typed is drawn rightmost
    first, whole = caption_of("ש"), caption_of("שלום")
    ink = lambda frame: np.nonzero((frame[180:, :, 0] > 200).any(axis=0))[0]  # noqa: E731 - white text columns
    assert ink(whole).max() > ink(first).max()  # the word runs further right than its first letter alone ...
    # ... and the first letter's shape is at the right end of the word, not the left
    right = whole[180:, ink(whole).max() - 20 : ink(whole).max() + 1, 0] > 200
    left = whole[180:, ink(whole).min() : ink(whole).min() + 21, 0] > 200
    alone = first[180:, ink(first).max() - 20 : ink(first).max() + 1, 0] > 200
    assert (right == alone).mean() > (left == alone).mean()


# A greeting in each script of espeak-ng's languages that pygame's own font cannot draw (language code: text).
ESPEAK_SCRIPTS = {
    "am": "ሰላም", "ar": "مرحبا", "as": "নমস্কাৰ", "bn": "নমস্কার", "chr": "ᏣᎳᎩ", "cmn": "你好", "el": "Γειά σου",
    "fa": "سلام", "gu": "નમસ્તે", "he": "שלום", "hi": "नमस्ते", "hy": "Բարեւ", "ja": "こんにちは", "ka": "გამარჯობა",
    "kk": "Сәлем", "kn": "ನಮಸ್ಕಾರ", "ko": "안녕하세요", "ml": "നമസ്കാരം", "my": "မင်္ဂလာပါ", "or": "ନମସ୍କାର",
    "pa": "ਸਤ ਸ੍ਰੀ ਅਕਾਲ", "ru": "Привет", "sd": "سنڌي", "shn": "မႂ်ႇသုင်ၶႃႈ", "si": "ආයුබෝවන්", "ta": "வணக்கம்",
    "te": "నమస్కారం", "th": "สวัสดี", "ug": "ئۇيغۇرچە", "ur": "سلامتی ہے", "yue": "廣東話",
}


@needs_noto
@pytest.mark.parametrize("language", ESPEAK_SCRIPTS)
def test_every_script_an_espeak_voice_speaks_has_a_caption_font(language: str) -> None:
    from aac.fonts import _covers

    text = ESPEAK_SCRIPTS[language]
    assert any(_covers(path, text.replace(" ", "")) for path in installed_fonts()), language
    font = font_for(text, 30)
    if needs_layout(text):
        assert isinstance(font, LaidOutFont) and _covers(font.path, text.replace(" ", ""))
