"""`aac-avatar eval lipsync [...]`: judge lip sync on voices held out from training (DESIGN.md)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from aac.arguments import input_file, number, whole_number


def _lipsync(args: argparse.Namespace) -> int:
    from aac.commands.visemes import text_visemes
    from avatar.lipsync.decoding import DECODERS, DEFAULT_DECODER
    from avatar.lipsync.heldout import HELD_OUT_VOICES
    from avatar.lipsync.judge import judge
    from avatar.lipsync.model import DEFAULT_MODEL_PATH
    from speech.registry import get_voice

    if args.corpus is not None:
        if args.voice or args.phones or args.per_voice:
            print("aac-avatar: --corpus judges the corpus's own recordings: leave out --voice, --phones and "
                  "--per-voice (each speaker is reported)", file=sys.stderr)
            return 2
        return _corpus(args)
    if args.lofo is not None:
        if args.voice or args.phones or args.per_voice or args.model or args.text:
            print("aac-avatar: --lofo judges each model in the folder on its own left-out family: leave out "
                  "--voice, --model, --phones, --per-voice and --text", file=sys.stderr)
            return 2
        return _left_out(args)
    voices = tuple(args.voice) if args.voice else HELD_OUT_VOICES
    if args.model:
        from aac.commands.visemes import load_model

        load_model(args.model)  # a file that is no model is told here, naming it
    figures = judge(args.model or DEFAULT_MODEL_PATH, voices, args.sentences, get_voice, per_voice=args.per_voice,
                    snr_db=args.snr_db, reverb_s=args.reverb_s, world=args.world,
                    text_visemes=text_visemes if args.text else None,
                    decoder=DECODERS.get(args.decoder, DEFAULT_DECODER))
    if args.phones:
        figures.update(_phone_path(voices, args.sentences, get_voice))
    if args.json:
        print(json.dumps(figures))
        return 0
    print(f"held-out voices: {', '.join(voices)}")
    if args.snr_db is not None or args.reverb_s is not None:
        print(f"degraded: noise {args.snr_db} dB below the speech, reverberation {args.reverb_s} s")
    if args.world:
        print("as real recordings: room noise, breaths in the pauses, microphones, call codecs (Opus, AAC)")
    _print_figures(figures, args.phones, args.text)
    print_family_table(figures)
    for key, value in figures.items():
        if "@" in key and "@family:" not in key:
            print(f"  {key}: {value:.3f}")
    return 0


def _print_figures(figures: dict, phones: bool, text: bool) -> None:
    print(f"{figures['utterances']} utterances, {figures['audio_s']:.1f} s of audio, judged at 100 frames/s "
          "in Rhubarb shapes")
    print(f"{'':24s}{'model':>10s}{'loudness':>10s}" + (f"{'phones':>10s}" if phones else "")
          + (f"{'+text':>10s}" if text else ""))
    for key in ("frame_accuracy", "speech_frame_accuracy", "closures_shown", "openness_r", "false_closures",
                "pauses_closed"):
        row = f"{key:24s}{figures['model_' + key]:10.3f}{figures['loudness_' + key]:10.3f}"
        if phones:
            row += f"{figures['phones_' + key]:10.3f}"
        if text:
            row += f"{figures['text_' + key]:10.3f}"
        print(row)
    print(f"model speed: {figures['model_x_realtime']:.0f}x real time on one thread")


def _left_out(args: argparse.Namespace) -> int:
    """`eval lipsync --lofo DIR`: the leave-one-family-out table from DIR/FAMILY.onnx models."""
    from aac.commands.visemes import load_model
    from avatar.lipsync.decoding import DECODERS, DEFAULT_DECODER
    from avatar.lipsync.heldout import LOFO_VOICES
    from avatar.lipsync.judge import judge_left_out
    from speech.registry import get_voice

    found = {family: args.lofo / f"{family}.onnx" for family in LOFO_VOICES}
    models = {family: path for family, path in found.items() if path.is_file()}
    if not models:
        print(f"aac-avatar: {args.lofo}: no leave-one-family-out models in it; expected FAMILY.onnx for FAMILY in "
              f"{', '.join(LOFO_VOICES)} (scripts/train_visemes.py --hold-out FAMILY --out {args.lofo}/FAMILY.onnx)",
              file=sys.stderr)
        return 2
    for path in models.values():
        load_model(path)  # a file that is no model is told here, naming it, before any judging

    def progress(family: str) -> None:
        if not args.json:
            print(f"judging {models[family]} on {', '.join(LOFO_VOICES[family])}", flush=True)

    figures = judge_left_out(models, args.sentences, get_voice, world=args.world,
                             decoder=DECODERS.get(args.decoder, DEFAULT_DECODER), progress=progress)
    if args.json:
        print(json.dumps(figures))
        return 0
    missing = [family for family in LOFO_VOICES if family not in models]
    if missing:
        print(f"no model left out: {', '.join(missing)}")
    if args.world:
        print("as real recordings: room noise, breaths in the pauses, microphones, call codecs (Opus, AAC)")
    print_family_table(figures, "family", "lofo")
    return 0


def _corpus(args: argparse.Namespace) -> int:
    """`eval lipsync --corpus DIR`: the audio path on real recordings with hand-aligned phones."""
    from aac.commands.visemes import load_model, text_visemes
    from avatar.lipsync.corpus import corpus_utterances, find_recordings
    from avatar.lipsync.decoding import DECODERS, DEFAULT_DECODER
    from avatar.lipsync.judge import judge_utterances
    from avatar.lipsync.model import LipsyncModel

    recordings = find_recordings(args.corpus)  # no pairs, or no folder: one line naming it, before any work
    model = load_model(args.model) if args.model else LipsyncModel(threads=1)
    figures = judge_utterances(
        corpus_utterances(args.corpus, args.sentences, args.phone_set), model, group_of=lambda utt: utt.voice_id,
        group_kind="speaker", per_voice=False, snr_db=args.snr_db, reverb_s=args.reverb_s, world=args.world,
        text_visemes=text_visemes if args.text else None, decoder=DECODERS.get(args.decoder, DEFAULT_DECODER),
    )
    figures["corpus_recordings_found"] = len(recordings)
    if args.json:
        print(json.dumps(figures))
        return 0
    speakers = f"{figures['speakers']} speaker" + ("s" if figures["speakers"] != 1 else "")
    print(f"corpus: {args.corpus} ({speakers}, {figures['utterances']} recordings with their phone alignments)")
    if args.snr_db is not None or args.reverb_s is not None:
        print(f"degraded: noise {args.snr_db} dB below the speech, reverberation {args.reverb_s} s")
    if args.world:
        print("as real recordings: room noise, breaths in the pauses, microphones, call codecs (Opus, AAC)")
    _print_figures(figures, False, args.text)
    print_family_table(figures, "speaker")
    if args.text:
        print_family_table(figures, "speaker", "text")
    return 0


def print_family_table(figures: dict, kind: str = "family", path: str = "model") -> None:
    """The model on each held-out family (or a corpus's speaker: `kind`) alone, the worst and the mean;
    `path` "text" for the audio+text path."""
    from avatar.lipsync.judge import FIGURES

    families = sorted({k.split(f"@{kind}:")[1] for k in figures if k.startswith(f"{path}_") and f"@{kind}:" in k})
    if not families:
        return
    lead = "" if path == "model" else f"{path}_"
    if path == "lofo":
        label = "family left out of training"
    else:
        what = "audio model" if path == "model" else "audio model given the text"
        label = f"by {'held-out family' if kind == 'family' else kind} ({what})"
    heads = ("accuracy", "speech", "p/b/m", "open r", "false cl", "pauses")
    print(f"\n{label:34s}" + "".join(f"{h:>10s}" for h in heads))
    for family in families:
        print(f"{family:34s}" + "".join(f"{figures[f'{path}_{k}@{kind}:{family}']:10.3f}" for k in FIGURES))
    print(f"{'worst ' + kind:34s}" + "".join(f"{figures[f'{lead}worst_{kind}_{k}']:10.3f}" for k in FIGURES))
    plural = "families" if kind == "family" else f"{kind}s"
    print(f"{'mean of ' + plural:34s}" + "".join(f"{figures[f'{lead}{kind}_mean_{k}']:10.3f}" for k in FIGURES))


def _phone_path(voices, n_sentences, get_voice) -> dict[str, float]:
    """The phone-timed path judged the same way (its phones are the reference, so this checks
    what coarticulation costs in frame accuracy and that every closure shows)."""
    import numpy as np

    from avatar.lipsync.evaluate import LipsyncScore
    from avatar.lipsync.heldout import heldout_set
    from avatar.motion.coarticulation import viseme_weights
    from avatar.motion.rhubarb import VISEME_OPENNESS, shapes_from_visemes

    score = LipsyncScore()
    for utt in heldout_set(voices, n_sentences, get_voice):
        n = int(utt.duration_s * 100)
        w = viseme_weights(utt.phones, 100.0, n)
        score.add(utt.phones, shapes_from_visemes(w.argmax(axis=1)), w @ VISEME_OPENNESS)
    return {k: float(np.round(v, 6)) for k, v in score.figures("phones_").items()}


# kokoro and piper: to judge a model trained with that family left out (train_visemes.py --hold-out)
HELD_OUT_FAMILIES = ("festival", "flite", "espeak", "kokoro", "piper")


def _heldout_voice(text: str) -> str:
    """An argparse type: a voice with exact phone timing to judge on, "festival:NAME", "flite:NAME",
    "espeak:NAME", or (for a leave-one-family-out model) "kokoro:NAME" or "piper:NAME"."""
    family, sep, name = text.partition(":")
    if not sep or family not in HELD_OUT_FAMILIES or not name.strip():
        from avatar.lipsync.heldout import HELD_OUT_VOICES

        raise argparse.ArgumentTypeError(
            f"{text!r} is not a held-out voice; write festival:NAME, flite:NAME, espeak:NAME, kokoro:NAME or "
            "piper:NAME, "
            f"e.g. one of {', '.join(HELD_OUT_VOICES)}"
        )
    return text


def _corpus_folder(text: str) -> Path:
    """An argparse type: an existing folder."""
    path = Path(text)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text}: no such corpus folder")
    return path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("eval", help="judge quality (lip sync) on held-out data")
    kinds = parser.add_subparsers(dest="eval_kind", metavar="WHAT")
    lip = kinds.add_parser(
        "lipsync", help="lip sync on voices the model never trained on, beside a loudness-only baseline",
        description="Frame accuracy (all and speech frames), share of p/b/m closures shown within 33 ms, "
        "openness correlation and false closures, at 100 frames/s in Rhubarb shapes.",
    )
    lip.add_argument("--voice", action="append", type=_heldout_voice,
                     help="a held-out voice (festival:NAME, flite:NAME, espeak:NAME; kokoro:NAME or piper:NAME "
                     "for a model trained without that family); repeat; default: all")
    lip.add_argument("--sentences", type=whole_number(1, 1000, "sentences per voice"), default=None,
                     help="sentences per voice (default: all 30)")
    lip.add_argument("--model", type=input_file, default=None, help="ONNX model to judge (default: the shipped one)")
    lip.add_argument("--phones", action="store_true", help="also judge the phone-timed path")
    lip.add_argument("--per-voice", action="store_true", help="also show figures for each voice")
    lip.add_argument("--snr-db", type=number(-20.0, 100.0, "noise level in dB"), default=None,
                     help="add pink noise this far below the speech")
    lip.add_argument("--reverb-s", type=number(0.0, 10.0, "reverberation time"), default=None,
                     help="add a room with this reverberation time (RT60)")
    lip.add_argument("--text", action="store_true",
                     help="also judge the audio model given each sentence's text (as `visemes --text`)")
    lip.add_argument("--world", action="store_true",
                     help="as real recordings: room noise, breaths in pauses, microphones, call codecs")
    lip.add_argument("--corpus", type=_corpus_folder, default=None, metavar="DIR",
                     help="judge on real recordings with hand-aligned phones instead (X.wav or X.WAV beside TIMIT's "
                     "X.phn or X.PHN, a Praat X.TextGrid or an HTK/festival X.lab; transcript X.txt or X.wrd; the "
                     "folder holding each is its speaker); "
                     "--sentences is then per speaker")
    lip.add_argument("--lofo", type=_corpus_folder, default=None, metavar="DIR",
                     help="leave-one-family-out: judge DIR/FAMILY.onnx (trained with --hold-out FAMILY) on that "
                     "training family's voices, for each family found, with the worst family")
    lip.add_argument("--phone-set", choices=("timit", "arpabet", "mrpa"), default=None,
                     help="the corpus's phone labels (default: timit for .phn files, arpabet for .TextGrid and .lab; "
                     "mrpa: the EMU / ANDOSL Australian alphabet)")
    lip.add_argument("--decoder", choices=("plain", "steady"), default=None,
                     help="how the model's frames become mouth shapes (avatar.lipsync.decoding); default: the "
                     "shipped one")
    lip.add_argument("--json", action="store_true", help="one JSON object")
    lip.set_defaults(func=_lipsync)
    parser.set_defaults(func=lambda args: parser.print_help() or 2)
