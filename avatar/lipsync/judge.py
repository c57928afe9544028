"""Judge the audio-to-viseme model on held-out voices, beside a loudness-only baseline."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

import numpy as np
from scipy.signal import fftconvolve, lfilter

from avatar.lipsync.alignment import frame_visemes
from avatar.lipsync.conditions import codec_roundtrip, microphone, pause_life
from avatar.lipsync.decoding import DEFAULT_DECODER, DecoderSettings
from avatar.lipsync.evaluate import LipsyncScore
from avatar.lipsync.features import SAMPLE_RATE_HZ, to_model_rate
from avatar.lipsync.heldout import HELD_OUT_VOICES, LOFO_VOICES, family_of, heldout_set
from avatar.lipsync.loudness import loudness_mouth
from avatar.lipsync.model import DEFAULT_MODEL_PATH, LipsyncModel
from avatar.lipsync.text_sharpen import sharpen
from speech.utterance import Utterance


def judge(
    model_path: str | Path = DEFAULT_MODEL_PATH,
    voices: tuple[str, ...] = HELD_OUT_VOICES,
    n_sentences: int | None = None,
    espeak_voice: Callable[[str], object] | None = None,
    per_voice: bool = False,
    snr_db: float | None = None,
    reverb_s: float | None = None,
    world: bool = False,
    text_visemes: Callable[[str], list[str]] | None = None,
    decoder: DecoderSettings = DEFAULT_DECODER,
) -> dict[str, float | int | str]:
    """The lip-sync figures of the model and of the loudness baseline on the same utterances.

    Keys: `model_*` and `loudness_*` (frame_accuracy, speech_frame_accuracy, closures_shown,
    openness_r, false_closures), `audio_s`, `model_x_realtime` (one thread), and with
    `per_voice` a `model_frame_accuracy@VOICE` for each voice. `snr_db` adds pink noise that
    far below the speech and `reverb_s` a room with that reverberation time (RT60), both
    seeded, to see how the figures hold up in a real room. `world` puts every utterance in a
    real-room recording (seeded): pauses before and after with breaths and room noise, a
    microphone's colouring, and every other one through a call codec (Opus 24 kbps, AAC 32 kbps).

    Each held-out family is also judged alone (`model_*@family:NAME`), and the worst family's
    figures reported (`worst_family_*`: lowest accuracy, closures, r and resting pauses,
    highest false closures, each over the families), since a mean flatters a model that
    fails on one kind of voice. With `text_visemes` (text -> the words' visemes in order, as
    `aac-avatar visemes --text` finds them) the audio+text path is judged too (`text_*`).
    `decoder`: how the model's frames become shapes (avatar.lipsync.decoding).
    """
    model = LipsyncModel(model_path, threads=1)
    return judge_utterances(heldout_set(voices, n_sentences, espeak_voice), model, per_voice=per_voice, snr_db=snr_db,
                            reverb_s=reverb_s, world=world, text_visemes=text_visemes, decoder=decoder)


def judge_left_out(
    models: dict[str, Path],
    n_sentences: int | None = None,
    espeak_voice: Callable[[str], object] | None = None,
    world: bool = False,
    decoder: DecoderSettings = DEFAULT_DECODER,
    progress: Callable[[str], None] | None = None,
) -> dict[str, float | int | str]:
    """Leave-one-family-out: each training family judged by the model trained without it.

    `models` maps a training family (a key of LOFO_VOICES) to the model trained with that family
    held out (scripts/train_visemes.py --hold-out FAMILY). Keys: `lofo_*@family:NAME`,
    `lofo_worst_family_*` and `lofo_family_mean_*`, as `family_figures` names them, and
    `lofo_families`. The worst family says how the shipped recipe may fare on a kind of voice it
    never heard, which no mean over families can.
    """
    per: dict[str, dict[str, float]] = {}
    for family, path in sorted(models.items()):
        if family not in LOFO_VOICES:
            raise ValueError(f"{path}: {family!r} is not a training family (one of {', '.join(LOFO_VOICES)})")
        if progress is not None:
            progress(family)
        figures = judge_utterances(heldout_set(LOFO_VOICES[family], n_sentences, espeak_voice),
                                   LipsyncModel(path, threads=1), group_of=lambda _utt: "all", world=world,
                                   decoder=decoder)
        per[family] = {key: float(figures[f"model_{key}"]) for key in FIGURES}
    out: dict[str, float | int | str] = dict(summarise_groups(per, "family", "lofo"))
    out["lofo_families"] = len(per)
    return out


def judge_utterances(
    utterances: Iterable[Utterance],
    model: LipsyncModel,
    group_of: Callable[[Utterance], str] = lambda utt: family_of(utt.voice_id),
    group_kind: str = "family",
    per_voice: bool = False,
    snr_db: float | None = None,
    reverb_s: float | None = None,
    world: bool = False,
    text_visemes: Callable[[str], list[str]] | None = None,
    decoder: DecoderSettings = DEFAULT_DECODER,
) -> dict[str, float | int | str]:
    """`judge` on any utterances with exact phones (held-out voices, a corpus of real recordings).

    Each group (`group_of`: by default the voice's held-out family; a corpus's speaker) is also
    judged alone, `model_*@GROUP_KIND:NAME`, with the worst group's figures (`worst_GROUP_KIND_*`)
    and the mean over groups (`GROUP_KIND_mean_*`); with `text_visemes` the same for the
    audio+text path, prefixed `text_`.
    """
    ours, base, with_text = LipsyncScore(), LipsyncScore(), LipsyncScore()
    by_voice: dict[str, LipsyncScore] = {}
    by_group: dict[str, LipsyncScore] = {}
    text_by_group: dict[str, LipsyncScore] = {}
    audio_s = 0.0
    model_s = 0.0
    rng = np.random.default_rng(0)
    for i, utt in enumerate(utterances):
        if world:
            utt = in_the_world(utt, np.random.default_rng([1, i]), codec=("opus", "aac", None, None)[i % 4])
        if snr_db is not None or reverb_s is not None:
            utt = replace(utt, audio=degrade(utt.audio, utt.sample_rate_hz, snr_db, reverb_s, rng))
        t = time.perf_counter()
        out = model.predict(utt.audio, utt.sample_rate_hz)
        model_s += time.perf_counter() - t
        audio_s += utt.duration_s
        shapes = out.shapes(decoder=decoder)
        opened = out.shown_openness(decoder)
        ours.add(utt.phones, shapes, opened)
        if per_voice:
            by_voice.setdefault(utt.voice_id, LipsyncScore()).add(utt.phones, shapes, opened)
        group = group_of(utt)
        by_group.setdefault(group, LipsyncScore()).add(utt.phones, shapes, opened)
        b_shapes, b_open = loudness_mouth(utt.audio, utt.sample_rate_hz)
        base.add(utt.phones, b_shapes, b_open)
        if text_visemes is not None:
            # as the live engine and `visemes --text` use the text: sharpening the audio path, closure rule after
            sharpened = sharpen(out, text_visemes(utt.text))
            t_shapes, t_opened = sharpened.shapes(decoder=decoder), sharpened.shown_openness(decoder)
            with_text.add(utt.phones, t_shapes, t_opened)
            text_by_group.setdefault(group, LipsyncScore()).add(utt.phones, t_shapes, t_opened)
    figures: dict[str, float | int | str] = {}
    figures.update(ours.figures("model_"))
    figures.update(base.figures("loudness_"))
    if text_visemes is not None:
        figures.update(with_text.figures("text_"))
    figures["audio_s"] = audio_s
    figures["utterances"] = len(ours.ref_open)
    figures["model_x_realtime"] = audio_s / max(model_s, 1e-9)
    figures.update(family_figures(by_group, group_kind))
    if text_visemes is not None:
        figures.update(family_figures(text_by_group, group_kind, path="text"))
    for voice, score in by_voice.items():
        f = score.figures()
        figures[f"model_frame_accuracy@{voice}"] = f["frame_accuracy"]
        figures[f"model_closures_shown@{voice}"] = f["closures_shown"]
    return figures


FIGURES = ("frame_accuracy", "speech_frame_accuracy", "closures_shown", "openness_r", "false_closures",
           "pauses_closed")


def family_figures(by_family: dict[str, LipsyncScore], kind: str = "family",
                   path: str = "model") -> dict[str, float | str]:
    """Each family's figures, the worst family's figure for each, and the mean over families.

    `kind` names the groups in the keys (a corpus's "speaker": `model_*@speaker:NAME`,
    `worst_speaker_*`, `speaker_mean_*`); `path` "text" judges the audio+text path
    (`text_*@speaker:NAME`, `text_worst_speaker_*`, `text_speaker_mean_*`).
    """
    return summarise_groups({family: score.figures() for family, score in by_family.items()}, kind, path)


def summarise_groups(per: dict[str, dict[str, float]], kind: str = "family",
                     path: str = "model") -> dict[str, float | str]:
    """`family_figures` from each group's figures already computed (`LipsyncScore.figures()`)."""
    out: dict[str, float | str] = {}
    lead = "" if path == "model" else f"{path}_"
    per = dict(sorted(per.items()))
    for family, f in per.items():
        for key in FIGURES:
            out[f"{path}_{key}@{kind}:{family}"] = f[key]
    if not per:
        return out
    for key in FIGURES:
        values = {family: f[key] for family, f in per.items()}
        pick = max if key == "false_closures" else min
        worst = pick(values, key=values.__getitem__)
        out[f"{lead}worst_{kind}_{key}"] = values[worst]
        out[f"{lead}worst_{kind}_{key}_{kind}"] = worst
        out[f"{lead}{kind}_mean_{key}"] = float(np.mean(list(values.values())))
    if path == "model":
        out["families" if kind == "family" else f"{kind}s"] = len(per)
    return out


def in_the_world(utt, rng: np.random.Generator, codec: str | None = None):
    """The utterance as a real recording would bring it (16 kHz): 0.3-0.8 s of room before and
    after, breaths in the pauses, room noise, a microphone's colouring, and optionally a call codec.
    The phones move with the padding; the padding and breaths are silence."""
    x = to_model_rate(utt.audio, utt.sample_rate_hz)
    labels = frame_visemes(utt.phones, len(x) // 160)
    before, after = int(rng.uniform(30, 80)), int(rng.uniform(30, 80))
    x, _ = pause_life(x, labels, rng, breath_prob=0.9, pad_frames=(before, after))
    x = microphone(x, rng)
    if codec is not None:
        x = codec_roundtrip(x, codec, 24 if codec == "opus" else 32)
    shift = before / 100
    phones = tuple(replace(p, start_s=p.start_s + shift, end_s=p.end_s + shift) for p in utt.phones)
    return replace(utt, audio=x, sample_rate_hz=SAMPLE_RATE_HZ, phones=phones)


def degrade(audio: np.ndarray, rate: int, snr_db: float | None, reverb_s: float | None,
            rng: np.random.Generator) -> np.ndarray:
    """The audio in a reverberant room (exponential noise tail of RT60 `reverb_s`) with pink-ish
    noise `snr_db` below the speech."""
    x = audio.astype(np.float32)
    if reverb_s:
        n = int(reverb_s * rate)
        t = np.arange(n) / rate
        rir = rng.standard_normal(n) * np.exp(-6.9 * t / reverb_s) * 0.3
        rir[0] = 1.0
        y = fftconvolve(x, rir)[: len(x)]
        x = (y * np.abs(x).max() / max(np.abs(y).max(), 1e-9)).astype(np.float32)
    if snr_db is not None:
        noise = lfilter([1.0], [1.0, -0.95], rng.standard_normal(len(x))).astype(np.float32)
        speech_rms = np.sqrt(np.mean(x**2) + 1e-12)
        noise *= speech_rms / np.sqrt(np.mean(noise**2) + 1e-12) * 10 ** (-snr_db / 20)
        x = np.clip(x + noise, -1, 1).astype(np.float32)
    return x
