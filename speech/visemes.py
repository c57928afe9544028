"""The project's one viseme set, and maps from each phone set to it.

The set is the 15 MPEG-4 / Oculus visemes. Every voice maps its phones here, and the avatar
knows only these names, so a new voice needs one phone map, never a change to the face.

| viseme | sounds            | mouth                                   |
|--------|-------------------|-----------------------------------------|
| sil    | silence, pauses   | closed, relaxed                         |
| PP     | p b m             | lips pressed together                   |
| FF     | f v               | lower lip under the upper teeth         |
| TH     | θ ð               | tongue between the teeth                |
| DD     | t d               | slightly open, tongue behind the teeth  |
| kk     | k g ŋ h           | slightly open, jaw a little down        |
| CH     | tʃ dʒ ʃ ʒ         | lips forward, teeth near                |
| SS     | s z               | teeth together, lips spread             |
| nn     | n l               | slightly open, tongue up                |
| RR     | r ɹ ɚ ɝ           | lips slightly rounded                   |
| aa     | ɑ a æ ʌ aɪ aʊ     | jaw wide open                           |
| E      | e ɛ ə eɪ          | mid open, spread                        |
| ih     | i ɪ j             | narrow, spread                          |
| oh     | o ɔ ɒ oʊ ɔɪ       | open, rounded                           |
| ou     | u ʊ w             | small, rounded (pucker)                 |
"""

from __future__ import annotations

import unicodedata

VISEMES: tuple[str, ...] = ("sil", "PP", "FF", "TH", "DD", "kk", "CH", "SS", "nn", "RR", "aa", "E", "ih", "oh", "ou")

# IPA as espeak-ng (and Piper, which phonemizes with espeak-ng) writes it. Multi-letter
# entries are tried before single letters, so affricates and diphthongs win.
_IPA: dict[str, str] = {
    "": "sil", "_": "sil", " ": "sil",
    "p": "PP", "b": "PP", "m": "PP", "ɱ": "FF",
    "f": "FF", "v": "FF",
    "θ": "TH", "ð": "TH",
    "t": "DD", "d": "DD", "ɾ": "DD", "ʔ": "DD", "c": "kk", "ɟ": "kk",
    "k": "kk", "g": "kk", "ɡ": "kk", "ŋ": "kk", "x": "kk", "ɣ": "kk", "h": "kk", "χ": "kk", "q": "kk",
    "tʃ": "CH", "dʒ": "CH", "ʃ": "CH", "ʒ": "CH", "ç": "CH", "ɕ": "CH", "ʑ": "CH", "ts": "SS", "dz": "SS",
    "s": "SS", "z": "SS",
    "n": "nn", "l": "nn", "ɫ": "nn", "ɲ": "nn", "ɬ": "nn", "ʎ": "nn", "ɳ": "nn",
    "r": "RR", "ɹ": "RR", "ɻ": "RR", "ʁ": "RR", "ʀ": "RR", "ɚ": "RR", "ɝ": "RR",
    "ɑ": "aa", "a": "aa", "æ": "aa", "ʌ": "aa", "ɐ": "aa", "aɪ": "aa", "aʊ": "aa", "ɑː": "aa",
    "e": "E", "ɛ": "E", "ə": "E", "eɪ": "E", "ɜ": "E", "eə": "E", "ɛə": "E", "œ": "E",
    "i": "ih", "ɪ": "ih", "j": "ih", "ɨ": "ih", "y": "ih", "ʏ": "ih", "ɪə": "ih", "iə": "ih",
    "o": "oh", "ɔ": "oh", "ɒ": "oh", "oʊ": "oh", "əʊ": "oh", "ɔɪ": "oh", "ø": "oh",
    "u": "ou", "ʊ": "ou", "w": "ou", "ʉ": "ou", "ɯ": "ou", "ʊə": "ou", "ɥ": "ou",
}

# CMU / ARPAbet phones (flite, festival), lower case.
_CMU: dict[str, str] = {
    "pau": "sil", "sil": "sil", "h#": "sil", "brth": "sil",
    "p": "PP", "b": "PP", "m": "PP", "f": "FF", "v": "FF", "th": "TH", "dh": "TH",
    "t": "DD", "d": "DD", "dx": "DD", "k": "kk", "g": "kk", "ng": "kk", "hh": "kk",
    "ch": "CH", "jh": "CH", "sh": "CH", "zh": "CH", "s": "SS", "z": "SS",
    "n": "nn", "l": "nn", "el": "nn", "en": "nn", "r": "RR", "er": "RR", "axr": "RR",
    "aa": "aa", "ae": "aa", "ah": "aa", "aw": "aa", "ay": "aa",
    "eh": "E", "ey": "E", "ax": "E",
    "ih": "ih", "iy": "ih", "y": "ih", "ix": "ih",
    "ao": "oh", "ow": "oh", "oy": "oh",
    "uh": "ou", "uw": "ou", "w": "ou",
}

PHONE_SETS: dict[str, dict[str, str]] = {"ipa": _IPA, "cmu": _CMU}

# Marks that change a phone's stress or length but not the shape of the mouth.
_IGNORED = set("ˈˌːˑ'̃ʰʲʷ̩̯͡‿-")


def _strip_marks(phone: str) -> str:
    kept = []
    for ch in unicodedata.normalize("NFD", phone):
        if ch in _IGNORED or unicodedata.category(ch) == "Mn":
            continue
        kept.append(ch)
    return "".join(kept)


def viseme_for(phone: str, phone_set: str = "ipa") -> str:
    """The viseme of one phone; unknown consonant-like symbols fall back to a near shape.

    Stress and length marks are ignored. A phone the table lacks is looked up by its longest
    known prefix (so "aɪə" finds "aɪ"), and failing that counts as a neutral "DD".
    """
    table = PHONE_SETS.get(phone_set)
    if table is None:
        raise ValueError(f"unknown phone set {phone_set!r}; known: {', '.join(PHONE_SETS)}")
    key = phone.strip().lower() if phone_set == "cmu" else _strip_marks(phone.strip())
    if key in table:
        return table[key]
    if phone_set == "cmu":
        key = key.rstrip("012")
        return table.get(key, "DD")
    for n in range(len(key) - 1, 0, -1):
        if key[:n] in table:
            return table[key[:n]]
    return "DD"
