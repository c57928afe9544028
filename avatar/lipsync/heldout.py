"""The voices and sentences lip sync is judged on: none of them is in the training data."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from avatar.lipsync.reference_voices import festival_utterance, flite_utterance
from speech.utterance import Utterance

# whole synthesis families the model never hears in training: festival (diphone and HTS),
# flite's awb and rms, and espeak-ng's Klatt formant variants
HELD_OUT_VOICES: tuple[str, ...] = (
    "festival:kal_diphone",
    "festival:ked_diphone",
    "festival:cmu_us_slt_arctic_hts",
    "flite:awb",
    "flite:rms",
    "espeak:en-us+klatt",
    "espeak:en-gb+klatt2",
    "espeak:en-us+klatt4",
)
# The same voices by synthesis family: each family is judged on its own and the worst reported,
# since the mean of families flatters a model that fails on one kind of voice.
HELD_OUT_FAMILIES: dict[str, tuple[str, ...]] = {
    "festival-diphone": ("festival:kal_diphone", "festival:ked_diphone"),
    "festival-hts": ("festival:cmu_us_slt_arctic_hts",),
    "flite-unseen-speakers": ("flite:awb", "flite:rms"),
    "espeak-klatt": ("espeak:en-us+klatt", "espeak:en-gb+klatt2", "espeak:en-us+klatt4"),
}
# Leave-one-family-out: the voices that judge a training family when a model is trained without
# it (scripts/train_visemes.py --hold-out FAMILY). Their exact phone timing is the truth, and the
# held-out sentences are never in any training data. Keys are the training data's file prefixes.
LOFO_VOICES: dict[str, tuple[str, ...]] = {
    "espeak": ("espeak:en-us", "espeak:en-gb+f3", "espeak:en-029+m2"),
    "espeak-world": ("espeak:de", "espeak:es+f2"),
    "flite": ("flite:slt", "flite:kal16"),
    "piper": ("piper:en_US-joe-medium",),
    "kokoro": ("kokoro:af_heart", "kokoro:am_michael", "kokoro:bf_emma", "kokoro:bm_george"),
}
SENTENCES_PATH = Path(__file__).with_name("eval_sentences.txt")


def family_of(voice: str) -> str:
    """The held-out family a voice belongs to (a voice of no listed family is its own backend's)."""
    for family, voices in HELD_OUT_FAMILIES.items():
        if voice in voices:
            return family
    backend, _, name = voice.partition(":")
    if backend == "espeak" and "klatt" in name.lower():
        return "espeak-klatt"
    if backend == "espeak" and name.lower().startswith("mb-"):
        return "mbrola"
    return backend


def eval_sentences() -> list[str]:
    """The held-out sentences (never used in training)."""
    return [s.strip() for s in SENTENCES_PATH.read_text(encoding="utf-8").splitlines() if s.strip()]


def heldout_utterance(voice: str, text: str, espeak_voice: Callable[[str], object] | None = None) -> Utterance:
    """One sentence from a held-out voice ("festival:NAME", "flite:NAME", or any voice with exact
    phone timing that `espeak_voice` makes: "espeak:NAME", "kokoro:NAME", "piper:NAME").

    Those need `espeak_voice`, a function from a voice id to a speech `Voice`
    (speech.registry.get_voice), since the avatar package does not choose voices itself. Judging
    a training family (Kokoro, Piper) is for leave-one-family-out runs, whose model never heard it.
    """
    backend, _, name = voice.partition(":")
    if backend == "festival":
        return festival_utterance(text, name)
    if backend == "flite":
        return flite_utterance(text, name)
    if backend in ("espeak", "kokoro", "piper"):
        if espeak_voice is None:
            raise ValueError(f"{backend} voices need the espeak_voice factory")
        return espeak_voice(voice).synthesize(text)  # type: ignore[attr-defined]
    raise ValueError(f"unknown held-out voice {voice!r}")


def heldout_set(
    voices: tuple[str, ...] = HELD_OUT_VOICES,
    n_sentences: int | None = None,
    espeak_voice: Callable[[str], object] | None = None,
) -> Iterator[Utterance]:
    """Every held-out sentence in every held-out voice."""
    texts = eval_sentences()[:n_sentences]
    for voice in voices:
        for text in texts:
            yield heldout_utterance(voice, text, espeak_voice)
