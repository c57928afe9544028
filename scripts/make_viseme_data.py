#!/usr/bin/env python3
"""Make multi-voice speech with exact phone alignments for the audio-to-viseme model.

    .venv/bin/python scripts/make_viseme_data.py [--out build/viseme-data] [--scale 1.0] [--families ...]

Training voices: espeak-ng (7 English accents x its non-Klatt variants, and 20 other
languages speaking their own frequent words), flite slt, kal16 and kal (8 kHz), Piper's joe,
and all of Kokoro's voices (9 languages; 8 sentences for each of the 28 English voices, 2 for
each other voice) where `aac-avatar setup kokoro` has been run; each at random speaking rates and
pitches. Labels rest where the audio pauses inside a phone (avatar.lipsync.alignment.rest_in_pauses:
Kokoro's timing puts unpunctuated pauses in phones); `--relabel` applies that to data already made.
Voices held out for evaluation (never written here): every festival voice, flite awb and rms, espeak-ng's Klatt
variant family, and MBROLA (never trained on, by rule). A quarter of the utterances go
through a call codec (Opus 16-32 kbps or AAC 24-48 kbps, ffmpeg) as stored; rooms, breaths
in pauses, noise and microphones are drawn afresh at training time (scripts/train_visemes.py).
English sentences come from the docstrings of Python's standard library (real English, many
phone contexts) plus everyday phrases; the evaluation sentences (avatar/lipsync/eval_sentences.txt)
are never used. One .npz per voice family: 16 kHz int16 audio and 100 fps viseme labels per
utterance. Fixed seed: the same command makes the same data.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
import sysconfig
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from avatar.lipsync.alignment import frame_visemes, rest_in_pauses  # noqa: E402
from avatar.lipsync.conditions import CodecUnavailable, codec_roundtrip  # noqa: E402
from avatar.lipsync.features import FPS, SAMPLE_RATE_HZ, to_model_rate  # noqa: E402
from avatar.lipsync.reference_voices import PiperAligned, Prosody, flite_utterance  # noqa: E402

ESPEAK_ACCENTS = ("en-us", "en-gb", "en-gb-x-rp", "en-029", "en-us-nyc", "en-gb-x-gbclan", "en-gb-scotland")
HELD_OUT_ESPEAK_FAMILY = "klatt"
# espeak-ng voice -> wordfreq language: each speaks strings of its own language's frequent words
WORLD_LANGUAGES = {
    "de": "de", "fr-fr": "fr", "es": "es", "it": "it", "pt": "pt", "nl": "nl", "pl": "pl", "ru": "ru",
    "sv": "sv", "tr": "tr", "cs": "cs", "hi": "hi", "id": "id", "fi": "fi", "hu": "hu", "ro": "ro",
    "el": "el", "da": "da", "uk": "uk", "vi": "vi",
}
# Kokoro's language letter (the voice name's first) -> wordfreq language; "en" speaks the English
# sentences. Every voice set up here is used (all 54 after `aac-avatar setup kokoro`).
KOKORO_LANGUAGES = {"a": "en", "b": "en", "e": "es", "f": "fr", "h": "hi", "i": "it", "j": "ja", "p": "pt", "z": "zh"}
FAMILIES = ("espeak", "espeak-world", "flite", "piper", "kokoro")
EVERYDAY = """Yes please. No thank you. I need a drink of water. Can we stop for a minute?
I don't understand, could you say it again? I love you too. What time is it?
I'm feeling much better today. Where are my glasses? Let's watch a film tonight.
Could you call my sister for me? I'm cold, can I have a blanket? That was very funny.
Hello, my name is Sam and I use this to talk. Give me a moment to type my answer.
I agree with that completely. Not right now, maybe later. Please wait for me.
Happy birthday, I hope you have a wonderful day. My favourite food is spaghetti bolognese.
The weather is beautiful this morning. I'd like to listen to some music.""".replace("\n", " ")


def sentences(seed: int) -> list[str]:
    """Real English sentences from the standard library's docstrings, plus everyday phrases."""
    found: set[str] = set()
    root = Path(sysconfig.get_paths()["stdlib"])
    pattern = re.compile(r"[A-Z][a-z]+(?:[ ,'][a-zA-Z']+|,)*[a-z][.!?]")
    for f in sorted(root.glob("*.py")) + sorted(root.glob("*/*.py")):
        try:
            tree = ast.parse(f.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError, OSError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.ClassDef | ast.Module | ast.AsyncFunctionDef):
                doc = ast.get_docstring(node)
                for s in re.split(r"(?<=[.!?])\s+", " ".join((doc or "").split())):
                    if pattern.fullmatch(s) and 4 <= len(s.split()) <= 16:
                        found.add(s)
    everyday = [s.strip() for s in re.split(r"(?<=[.!?])\s+", EVERYDAY) if s.strip()]
    out = sorted(found)
    np.random.default_rng(seed).shuffle(out)
    return everyday + out


def world_text(lang: str, rng: np.random.Generator) -> str:
    """5-14 of the language's 3,000 most frequent words, a sentence's worth of its sounds."""
    import wordfreq

    words = wordfreq.top_n_list(lang, 3000)
    return " ".join(words[i] for i in rng.integers(0, len(words), int(rng.integers(5, 15)))) + "."


def _call_codec(audio: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A quarter of utterances as a call would carry them: Opus 16-32 kbps or AAC 24-48 kbps."""
    if rng.random() >= 0.25:
        return audio
    codec = "opus" if rng.random() < 0.6 else "aac"
    kbps = int(rng.choice([16, 24, 32])) if codec == "opus" else int(rng.choice([24, 32, 48]))
    try:
        return codec_roundtrip(audio, codec, kbps)
    except CodecUnavailable as exc:
        print(f"  (no codec: {exc})", flush=True)
        return audio


def _record(utt, store: dict, rng: np.random.Generator) -> None:
    audio = _call_codec(to_model_rate(utt.audio, utt.sample_rate_hz), rng)
    n = int(len(audio) // (SAMPLE_RATE_HZ / FPS))
    store["audio"].append((np.clip(audio, -1, 1) * 32767).astype(np.int16))
    # the mouth rests where the voice pauses inside a phone (Kokoro's timing puts pauses there)
    labels = rest_in_pauses(frame_visemes(utt.phones, n, FPS), audio, SAMPLE_RATE_HZ, FPS)
    store["labels"].append(labels.astype(np.int8))
    store["voice"].append(utt.voice_id)


def _save(out: Path, name: str, store: dict) -> None:
    lengths = np.array([len(a) for a in store["audio"]])
    part = out / f"{name}.part.npz"
    np.savez(
        part,
        audio=np.concatenate(store["audio"]),
        audio_lengths=lengths,
        labels=np.concatenate(store["labels"]),
        label_lengths=np.array([len(lab) for lab in store["labels"]]),
        voices=np.array(store["voice"]),
    )
    part.replace(out / f"{name}.npz")  # whole or not at all: training may be watching the folder
    print(f"{name}: {len(lengths)} utterances, {lengths.sum() / SAMPLE_RATE_HZ / 60:.1f} min", flush=True)


def relabel(out: Path) -> None:
    """Apply the label rules to data already made (rest_in_pauses reads the stored audio), in place."""
    for path in sorted(out.glob("*.npz")):
        if path.name.endswith(".part.npz"):
            continue
        with np.load(path) as d:
            arrays = {k: d[k] for k in d.files}
        a_off = np.concatenate([[0], np.cumsum(arrays["audio_lengths"])])
        l_off = np.concatenate([[0], np.cumsum(arrays["label_lengths"])])
        labels = arrays["labels"].copy()
        for i in range(len(arrays["voices"])):
            audio = arrays["audio"][a_off[i] : a_off[i + 1]].astype(np.float32) / 32767
            span = slice(l_off[i], l_off[i + 1])
            labels[span] = rest_in_pauses(labels[span].astype(np.int64), audio, SAMPLE_RATE_HZ, FPS)
        changed = int((labels != arrays["labels"]).sum())
        arrays["labels"] = labels
        part = path.with_name(path.stem + ".part.npz")
        np.savez(part, **arrays)
        part.replace(path)
        print(f"{path.name}: {changed} of {len(labels)} frames now at rest", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--out", type=Path, default=Path("build/viseme-data"))
    ap.add_argument("--scale", type=float, default=1.0, help="multiply the number of utterances")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--families", nargs="+", choices=FAMILIES, default=list(FAMILIES),
                    help="which voice families to make (each has its own seed stream)")
    ap.add_argument("--relabel", action="store_true",
                    help="only apply the current label rules to the data already in --out, synthesizing nothing")
    args = ap.parse_args()
    if args.relabel:
        relabel(args.out)
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    texts = sentences(args.seed)

    def texter(family: str):
        """Sentences for one family: its own stream, so families made alone get the same texts."""
        text_rng = np.random.default_rng([args.seed, 99, FAMILIES.index(family)])
        cursor = FAMILIES.index(family) * 2000 % len(texts)

        def text() -> str:
            nonlocal cursor
            # one or two sentences, so utterances hold pauses between sentences too
            k = 1 if text_rng.random() < 0.7 else 2
            t = " ".join(texts[(cursor + i) % len(texts)] for i in range(k))
            cursor += k
            return t

        return text

    def count(n: int) -> int:
        return max(1, int(round(n * args.scale)))

    started = time.time()
    from speech.espeak import list_espeak_variants
    from speech.registry import get_voice
    from speech.voice import VoiceSettings

    def family_rng(name: str) -> np.random.Generator:
        # each family its own stream, so making one family alone gives the same data
        return np.random.default_rng([args.seed, FAMILIES.index(name)])

    variants = [""] + [name for name, _ in list_espeak_variants() if HELD_OUT_ESPEAK_FAMILY not in name.lower()]
    if "espeak" in args.families:
        rng, text = family_rng("espeak"), texter("espeak")
        store = {"audio": [], "labels": [], "voice": []}
        for _ in range(count(360)):
            accent = ESPEAK_ACCENTS[rng.integers(len(ESPEAK_ACCENTS))]
            variant = variants[rng.integers(len(variants))]
            settings = VoiceSettings(rate=float(rng.uniform(0.75, 1.5)), pitch_semitones=float(rng.uniform(-5, 5)))
            voice = get_voice(f"espeak:{accent}+{variant}" if variant else f"espeak:{accent}", settings)
            _record(voice.synthesize(text()), store, rng)
        _save(args.out, "espeak", store)

    if "espeak-world" in args.families:
        rng = family_rng("espeak-world")
        store = {"audio": [], "labels": [], "voice": []}
        languages = sorted(WORLD_LANGUAGES)
        for _ in range(count(240)):
            lang = languages[rng.integers(len(languages))]
            variant = variants[rng.integers(len(variants))]
            settings = VoiceSettings(rate=float(rng.uniform(0.75, 1.4)), pitch_semitones=float(rng.uniform(-5, 5)))
            voice = get_voice(f"espeak:{lang}+{variant}" if variant else f"espeak:{lang}", settings)
            _record(voice.synthesize(world_text(WORLD_LANGUAGES[lang], rng)), store, rng)
        _save(args.out, "espeak-world", store)

    if "flite" in args.families:
        rng, text = family_rng("flite"), texter("flite")
        for name in ("slt", "kal16", "kal"):
            store = {"audio": [], "labels": [], "voice": []}
            for _ in range(count(110)):
                prosody = Prosody(float(rng.uniform(0.8, 1.35)), float(rng.uniform(-4, 4)))
                _record(flite_utterance(text(), name, prosody), store, rng)
            _save(args.out, f"flite-{name}", store)

    if "kokoro" in args.families:
        from speech.kokoro_setup import is_set_up

        if not is_set_up():
            print("kokoro: skipped (run `aac-avatar setup kokoro` first)", flush=True)
        else:
            import functools

            import speech.kokoro
            from speech.kokoro import list_kokoro_voices

            # one model session for all 54 voices (each voice is only a style vector): loading it
            # again per voice would cost more than the voice's sentences
            speech.kokoro.load_kokoro_model = functools.lru_cache(maxsize=1)(speech.kokoro.load_kokoro_model)
            rng, text = family_rng("kokoro"), texter("kokoro")
            by_language: dict[str, list[str]] = {}
            for info in list_kokoro_voices():
                by_language.setdefault(info.name[:1], []).append(info.name)
            # one file per language: slow to make, so training can take each as it lands
            for letter, names in sorted(by_language.items()):
                store = {"audio": [], "labels": [], "voice": []}
                lang = KOKORO_LANGUAGES.get(letter, "en")
                for name in names:
                    voice = get_voice(f"kokoro:{name}", VoiceSettings(rate=float(rng.uniform(0.85, 1.25))))
                    # Kokoro's voices were learnt from real people, so its English is the closest to
                    # real speech here: 8 sentences per English voice (28), 2 per voice of the other
                    # languages (Kokoro makes speech about 1.5x faster than real time on 2 cores)
                    for _ in range(count(8) if lang == "en" else count(2)):
                        said = text() if lang == "en" else world_text(lang, rng)
                        try:
                            _record(voice.synthesize(said), store, rng)
                        except Exception as exc:  # noqa: BLE001 - one odd sentence must not lose the family
                            print(f"  kokoro:{name}: skipped one utterance ({type(exc).__name__}: {exc})",
                                  flush=True)
                    voice.close()
                    print(f"  kokoro:{name} done, {time.time() - started:.0f} s", flush=True)
                if store["audio"]:
                    _save(args.out, f"kokoro-{letter}", store)

    if "piper" in args.families:
        rng, text = family_rng("piper"), texter("piper")
        piper = PiperAligned()
        store = {"audio": [], "labels": [], "voice": []}
        for _ in range(count(260)):
            _record(piper.utterance(text(), Prosody(float(rng.uniform(0.8, 1.3)))), store, rng)
        _save(args.out, "piper-joe", store)

    print(f"done in {time.time() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
