"""Judge lip-sync decoder settings on TRAINING voices only (never the held-out families).

    python scripts/tune_lipsync_decoder.py collect [--sentences 11:30] [--out build/decoder_tuning.npz]
    python scripts/tune_lipsync_decoder.py grid [--data build/decoder_tuning.npz]

`collect` runs the shipped model once over training voices (espeak-ng non-Klatt variants,
flite slt/kal16/kal, Piper joe) speaking eval sentences the held-out judging does not use
(11-30; `eval lipsync --sentences 10` reads 1-10), as synthesized and as `--world` records
them, and keeps the model's output and the exact phones. `grid` decodes that output with each
setting and prints, per condition, the mean over training families and the worst family, as
`eval lipsync` reports them, first for the decoders the package names (plain, steady).
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import numpy as np

TRAINING_VOICES = (
    "espeak:en-us", "espeak:en-gb+f3", "espeak:en-us+f2", "espeak:en-gb+m3",
    "flite:slt", "flite:kal16", "flite:kal", "piper:en_US-joe-medium",
)


def _collect(args: argparse.Namespace) -> None:
    from avatar.lipsync.heldout import eval_sentences, heldout_utterance
    from avatar.lipsync.judge import in_the_world
    from avatar.lipsync.model import LipsyncModel
    from speech.registry import get_voice
    from speech.visemes import VISEMES

    first, last = (int(x) for x in args.sentences.split(":"))
    texts = eval_sentences()[first - 1 : last]
    model = LipsyncModel(args.model, threads=1) if args.model else LipsyncModel(threads=1)
    rows: dict[str, list] = {k: [] for k in ("probs", "openness", "loudness", "phones", "voice", "world")}
    i = 0
    for voice in args.voice or TRAINING_VOICES:
        for text in texts:
            try:
                clean = heldout_utterance(voice, text, get_voice)
            except Exception as exc:  # a voice not installed here is reported and skipped
                print(f"skipping {voice}: {exc}", file=sys.stderr)
                break
            for world in (False, True):
                utt = in_the_world(clean, np.random.default_rng([7, i]), ("opus", "aac", None, None)[i % 4]) \
                    if world else clean
                out = model.predict(utt.audio, utt.sample_rate_hz)
                rows["probs"].append(out.probs.astype(np.float32))
                rows["openness"].append(out.openness.astype(np.float32))
                rows["loudness"].append(out.loudness_db.astype(np.float32))
                rows["phones"].append(np.array([(p.start_s, p.end_s, VISEMES.index(p.viseme)
                                                 if p.viseme in VISEMES else VISEMES.index("DD"))
                                                for p in utt.phones], dtype=np.float64))
                rows["voice"].append(voice)
                rows["world"].append(world)
            i += 1
        print(f"{voice}: done ({i} sentences so far)", file=sys.stderr)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out, voice=np.array(rows["voice"]), world=np.array(rows["world"]),
        lengths=np.array([p.shape[0] for p in rows["probs"]]),
        probs=np.concatenate(rows["probs"]), openness=np.concatenate(rows["openness"]),
        loudness=np.concatenate(rows["loudness"]),
        n_phones=np.array([p.shape[0] for p in rows["phones"]]), phones=np.concatenate(rows["phones"]),
    )
    print(f"wrote {args.out}: {len(rows['voice'])} utterances", file=sys.stderr)


def _load(path: str) -> list[dict]:
    """The collected output, each voice's phones moved as the model was taught them (train_visemes.LABEL_LEAD):
    a decoder is judged against the timing the model learnt, not against each engine's own habit."""
    from train_visemes import LABEL_LEAD, lead_phones

    from speech.utterance import TimedPhone
    from speech.visemes import VISEMES

    d = np.load(path)
    utts = []
    f_cut = np.concatenate([[0], np.cumsum(d["lengths"])])
    p_cut = np.concatenate([[0], np.cumsum(d["n_phones"])])
    for i, voice in enumerate(d["voice"]):
        ph = d["phones"][p_cut[i] : p_cut[i + 1]]
        phones = tuple(lead_phones([TimedPhone(VISEMES[int(v)], VISEMES[int(v)], float(a), float(b))
                                    for a, b, v in ph], LABEL_LEAD.get(family(str(voice)), 0)))
        sl = slice(f_cut[i], f_cut[i + 1])
        utts.append({"voice": str(voice), "world": bool(d["world"][i]), "probs": d["probs"][sl],
                     "openness": d["openness"][sl], "loudness": d["loudness"][sl], "phones": phones})
    return utts


def family(voice: str) -> str:
    """A training voice's family (espeak, flite, piper)."""
    return voice.partition(":")[0]


def sticky_filter(probs: np.ndarray, stay: float) -> np.ndarray:
    """Forward (online) filtering of the model's probabilities by a hidden Markov model that keeps its
    viseme with probability `stay` and otherwise moves to any viseme alike. Tried, not shipped: on
    training voices every `stay` tried lowered frame accuracy (the network's output is already
    smooth; the filter only makes each change later)."""
    k = probs.shape[1]
    out = np.empty(probs.shape)
    belief = np.full(k, 1.0 / k)
    for t in range(probs.shape[0]):
        belief = (stay * belief + (1.0 - stay) / k) * probs[t]
        belief /= max(belief.sum(), 1e-300)
        out[t] = belief
    return out


def shapes_of(u: dict, settings, stay: float = 0.0, prior_weights: np.ndarray | None = None) -> np.ndarray:
    """The shapes one utterance's model output shows under `settings` (and, tried and not shipped,
    the sticky filter when `stay` > 0 and the probabilities re-weighted by `prior_weights`, the
    closure rule still reading the model's own probabilities)."""
    from avatar.lipsync.closures import closure_frames
    from avatar.lipsync.decoding import decode_shapes

    if stay <= 0.0 and prior_weights is None:
        return decode_shapes(u["probs"], u["loudness"], settings)
    probs = u["probs"] if prior_weights is None else u["probs"] * prior_weights
    probs = probs / probs.sum(axis=1, keepdims=True)
    if stay > 0.0:
        probs = sticky_filter(probs, stay)
    out = decode_shapes(probs, u["loudness"], settings, closures=False)
    out[closure_frames(u["probs"], out == 0, u["loudness"], settings.peak_prob, settings.dip_prob)] = 0
    return out


def score(utts: list[dict], settings, world: bool, stay: float = 0.0,
          prior_weights: np.ndarray | None = None) -> dict[str, float]:
    """Mean-of-families and worst-family figures of one decoder setting in one condition."""
    from avatar.lipsync.evaluate import LipsyncScore
    from avatar.lipsync.judge import family_figures

    by_family: dict[str, LipsyncScore] = {}
    for u in utts:
        if u["world"] == world:
            by_family.setdefault(family(u["voice"]), LipsyncScore()).add(
                u["phones"], shapes_of(u, settings, stay, prior_weights), u["openness"])
    return {k: v for k, v in family_figures(by_family).items() if isinstance(v, float)}


SHORT = {"frame_accuracy": "acc", "speech_frame_accuracy": "speech", "closures_shown": "pbm",
         "false_closures": "falsecl", "pauses_closed": "pauses"}


def _grid(args: argparse.Namespace) -> None:
    from avatar.lipsync.decoding import DECODERS, DecoderSettings

    utts = _load(args.data)
    rest = [None if r == "none" else float(r) for r in args.rest_below_db]
    # what the model says of each viseme on average here, and how often each is truly shown
    mean_p = np.concatenate([u["probs"] for u in utts]).mean(axis=0)
    print("model's mean probability per viseme:", " ".join(f"{x:.3f}" for x in mean_p))
    grid = [(name, s, 0.0, 0.0) for name, s in DECODERS.items()]
    for stay, power, nw, bias, r, peak, dip in itertools.product(
        args.stay, args.prior_power, args.next_weight, args.closure_bias, rest, args.peak_prob, args.dip_prob
    ):
        s = DecoderSettings(closure_bias=bias, next_weight=nw, rest_below_db=r, peak_prob=peak, dip_prob=dip)
        grid.append((f"stay {stay:g} prior^-{power:g} next {nw:g} bias {bias:g} rest {r} peak {peak:g} dip {dip:g}",
                     s, stay, power))
    print("figures: mean of training families (worst family); clean = as synthesized, world = --world")
    print(f"{'':66s}" + " ".join(f"{c + ' ' + SHORT[k]:>13s}" for c in ("clean", "world") for k in SHORT))
    for name, s, stay, power in grid:
        cells = []
        weights = mean_p ** -power if power else None
        for world in (False, True):
            f = score(utts, s, world, stay, weights)
            cells += [f"{f['family_mean_' + k]:.3f}({f['worst_family_' + k]:.3f})" for k in SHORT]
        print(f"{name:66s}" + " ".join(cells), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("collect", help="run the model on training voices once and keep its output")
    c.add_argument("--sentences", default="11:30", help="eval sentences FIRST:LAST, 1-based (default 11:30)")
    c.add_argument("--voice", action="append", help="a training voice (repeat; default: all listed in the script)")
    c.add_argument("--out", default="build/decoder_tuning.npz")
    c.add_argument("--model", default=None, help="an ONNX model to collect from (default: the shipped one)")
    c.set_defaults(func=_collect)
    g = sub.add_parser("grid", help="judge decoder settings on the collected output")
    g.add_argument("--data", default="build/decoder_tuning.npz")
    g.add_argument("--stay", type=float, nargs="+", default=[0.0],
                   help="sticky forward filter's stay probability (0: none; tried, not shipped)")
    g.add_argument("--prior-power", type=float, nargs="+", default=[0.0],
                   help="divide the probabilities by the model's mean ones to this power (tried, not shipped)")
    g.add_argument("--next-weight", type=float, nargs="+", default=[0.0, 0.5])
    g.add_argument("--closure-bias", type=float, nargs="+", default=[1.2])
    g.add_argument("--rest-below-db", nargs="+", default=["none", "-40"], help="dB, or none")
    g.add_argument("--peak-prob", type=float, nargs="+", default=[0.2, 0.1])
    g.add_argument("--dip-prob", type=float, nargs="+", default=[0.1])
    g.set_defaults(func=_grid)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
