"""Which of a multilingual voice's languages speaks the profile's language.

Profiles name languages as BCP-47 tags ("en-US", "pt-BR", "zh-CN"); models name theirs their own way
("en", "pt-br", "zh-cn", "fr-fr"). The best match is the same tag (any case, "_" or "-"), else the same
language with another region or none.
"""

from __future__ import annotations

from collections.abc import Sequence


def _norm(tag: str) -> str:
    return tag.strip().lower().replace("_", "-")


def pick_language(wanted: str | None, offered: Sequence[str]) -> str | None:
    """The entry of `offered` that speaks `wanted`, or None when none does (or nothing is wanted)."""
    if not wanted or not offered:
        return None
    want = _norm(wanted)
    for language in offered:
        if _norm(language) == want:
            return language
    primary = want.split("-")[0]
    same = [language for language in offered if _norm(language).split("-")[0] == primary]
    if not same:
        return None
    # the language on its own ("pt") before another region of it ("pt-pt" for a "pt-BR" profile)
    plain = [language for language in same if "-" not in _norm(language)]
    return (plain or same)[0]
