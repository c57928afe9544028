"""Phone spans from a neural voice's per-symbol timing (Piper's alignments, Kokoro's durations).

Both voices time each phoneme symbol of espeak-ng's IPA, including stress marks, length and
other modifiers, word spaces and punctuation. Only sounds should become phones: a stress mark
lends its samples to the phone it precedes, a modifier to the one it follows, and a word
space is shared between its neighbours, so that only real pauses (punctuation, the sentence's
start and end) become silence ("_").
"""

from __future__ import annotations

from collections.abc import Sequence

STRESS = frozenset({"ˈ", "ˌ"})
MODIFIERS = frozenset({"ː", "ˑ", "\u0303", "ʰ", "ʲ", "→", "↓", "↗", "↘"})
# punctuation, and the start/end markers of Piper ("^", "$") and Kokoro's pads ("_")
PAUSES = frozenset(set(';:,.!?—…"()“”-') | {"^", "$", "_"})


def fold_spans(symbols: Sequence[str], edges: Sequence[int]) -> list[list]:
    """[phone, start_sample, end_sample] for each spoken phone and pause, covering all the audio.

    `edges` holds len(symbols) + 1 sample boundaries. Neighbouring pauses merge into one.
    """
    spans: list[list] = []
    pending = 0  # samples waiting for the next phone (stress marks, half a space)
    for i, symbol in enumerate(symbols):
        start, end = int(edges[i]), int(edges[i + 1])
        count = end - start
        if symbol in STRESS:
            pending += count
        elif symbol in MODIFIERS:
            if spans:
                spans[-1][2] += count
            else:
                pending += count
        elif symbol == " ":
            half = count // 2
            if spans:
                spans[-1][2] += half
            pending += count - half
        else:
            name = "_" if symbol in PAUSES else symbol
            begin = spans[-1][2] if spans else start - pending
            spans.append([name, begin, end])
            pending = 0
    if spans and pending:
        spans[-1][2] += pending
    merged: list[list] = []
    for span in spans:
        if merged and span[0] == "_" and merged[-1][0] == "_":
            merged[-1][2] = span[2]
        else:
            merged.append(span)
    return merged


def word_bounds(symbols: Sequence[str], spans: Sequence[Sequence]) -> list[tuple[int, int]]:
    """(start_sample, end_sample) of each spoken word group (phones between spaces and pauses).

    Empty when the symbols' groups do not account for exactly the spoken spans.
    """
    groups: list[int] = []
    count = 0
    for symbol in symbols:
        if symbol == " " or symbol in PAUSES:
            if count:
                groups.append(count)
            count = 0
        elif symbol not in STRESS and symbol not in MODIFIERS:
            count += 1
    if count:
        groups.append(count)
    spoken = [s for s in spans if s[0] != "_"]
    if not spoken or sum(groups) != len(spoken):
        return []
    bounds, i = [], 0
    for n in groups:
        bounds.append((int(spoken[i][1]), int(spoken[i + n - 1][2])))
        i += n
    return bounds
