#!/usr/bin/env python3
"""Train the audio-to-viseme model, export it to ONNX, and judge it on held-out voices.

    .venv/bin/pip install -e '.[train]'          # torch==2.13.0 (CPU), only needed here
    .venv/bin/python scripts/train_visemes.py     # about 46 minutes on 2 cores (two seeds, 4000 steps each)

The first run makes the training data (scripts/make_viseme_data.py --scale 1, about 20 minutes
on 2 cores, most of it Kokoro's 54 voices where `aac-avatar setup kokoro` has run: aligned
multi-voice speech in build/viseme-data) when the folder is empty.
Leave-one-family-out: `--hold-out kokoro` trains without that family's files and judges the
model on that family's voices speaking the held-out sentences too (LOFO_VOICES), beside the
families no training ever hears; the table at the end gives each family and the worst.

Fixed seed. The model: two causal 1-D convolutions over 40 log-mel bands, a GRU, a viseme
head (15 classes) and a mouth-openness head. For each new 10 ms frame it answers for the
frame 8 frames earlier, so it looks at most 90 ms ahead. Augmentation on the fly: real-room
pauses (silence before and after, breaths in the pauses, room noise: the mouth must rest
there), speaking rate (resampling), vocal-tract length (warped mel filters), a microphone's
colouring, gain (with clipping), noise, reverberation, and a lower sample rate (8 or 11.025
kHz telephone-like band limits); pitch and rate variety also come from the synthesizers'
own settings, and call codecs from the data. The loss weighs p/b/m frames up and punishes
closed lips on open vowels (false closures). Writes avatar/lipsync/visemes.onnx and prints
the held-out figures (voices never trained on, sentences never trained on), family by family
with the worst, beside a loudness-only baseline.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from scipy.signal import fftconvolve, lfilter, resample_poly

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from avatar.lipsync.alignment import frame_openness  # noqa: E402
from avatar.lipsync.conditions import microphone, pause_life  # noqa: E402
from avatar.lipsync.features import HOP, N_MELS, SAMPLE_RATE_HZ, log_mel, mel_filterbank  # noqa: E402
from avatar.lipsync.heldout import LOFO_VOICES  # noqa: E402
from avatar.lipsync.model import DEFAULT_MODEL_PATH  # noqa: E402
from speech.visemes import VISEMES  # noqa: E402

DELAY = 8  # frames of lookahead the output waits for (80 ms + the 10 ms frame itself)
HISTORY = 8  # frames the two kernel-5 convolutions look back
HIDDEN = 192
CONV = 128
CROP = 300  # frames per training crop (3 s)
SIL = VISEMES.index("sil")
SILENT_FEATURE = float(np.log(1e-8))


def family_table(items: list[tuple[np.ndarray, np.ndarray, str]]) -> None:
    """Utterances, minutes and voices of the training data, backend by backend (espeak holds espeak-world)."""
    rows: dict[str, list] = {}
    for audio, _, voice in items:
        row = rows.setdefault(voice.partition(":")[0], [0, 0.0, set()])
        row[0] += 1
        row[1] += len(audio) / SAMPLE_RATE_HZ / 60
        row[2].add(voice)
    print(f"{'voice backend':18s}{'utts':>8s}{'minutes':>9s}{'voices':>8s}")
    for family, (n, minutes, voices) in sorted(rows.items()):
        print(f"{family:18s}{n:8d}{minutes:9.1f}{len(voices):8d}")


def load_data(
    folder: Path, hold_out: tuple[str, ...] = (), skip: frozenset[str] = frozenset(), make: bool = True,
    lead: dict[str, int] | None = None,
) -> list[tuple[np.ndarray, np.ndarray, str]]:
    """(16 kHz float audio, 100 fps viseme labels, voice id) for every utterance in the folder,
    less the families (file name prefixes) in `hold_out` and the file names in `skip`; the labels of
    an engine in `lead` (the file name's first part: espeak, flite, kokoro, piper) move that many
    frames earlier."""
    items = []
    files = sorted(f for f in folder.glob("*.npz") if not f.name.endswith(".part.npz"))
    if not files and make:
        print(f"no data in {folder}: making it (scripts/make_viseme_data.py --scale 1)", flush=True)
        import subprocess

        script = Path(__file__).with_name("make_viseme_data.py")
        subprocess.run([sys.executable, str(script), "--out", str(folder), "--scale", "1"], check=True)
        files = sorted(folder.glob("*.npz"))
    for f in files:
        if f.name in skip:
            continue
        if any(f.stem == h or f.stem.startswith(h + "-") for h in hold_out):
            print(f"held out: {f.name}", flush=True)
            continue
        with np.load(f) as d:  # each d[key] reads (and unzips) the whole array again: once each
            all_audio, all_labels, voices = d["audio"], d["labels"], d["voices"]
            a_off = np.concatenate([[0], np.cumsum(d["audio_lengths"])])
            l_off = np.concatenate([[0], np.cumsum(d["label_lengths"])])
        for i in range(len(voices)):
            audio = all_audio[a_off[i] : a_off[i + 1]].astype(np.float32) / 32767
            labels = lead_labels(all_labels[l_off[i] : l_off[i + 1]].astype(np.int64),
                                 (lead or {}).get(f.stem.split("-")[0], 0))
            items.append((audio, labels, str(voices[i])))
    return items


# How many 10 ms frames each engine's labels move earlier. espeak-ng, Kokoro and Piper label a p/b/m
# 7-10 ms after the sound closes and opens, flite 2 ms before it (scripts/label_timing.py: vowel-p/b/m-vowel
# landmarks in the training data; hand-aligned TIMIT, judging only, puts its labels 2 ms after). Taught on the
# mix as it was, the model was late by 10-20 ms on real speakers and on a left-out flite, and early by 20-30 ms
# on a left-out Kokoro: labels that agree with the sound teach one timing.
LABEL_LEAD = {"espeak": 1, "kokoro": 1, "piper": 1}
# Two models from two seeds, averaged, miss fewer p/b/m and follow openness better than either alone.
SEEDS = (7, 8)


def lead_labels(labels: np.ndarray, frames: int) -> np.ndarray:
    """Labels `frames` earlier (the last label held at the end); negative moves them later."""
    if frames == 0 or labels.size == 0:
        return labels
    if frames > 0:
        return np.concatenate([labels[frames:], np.repeat(labels[-1:], min(frames, labels.size))])[: labels.size]
    return np.concatenate([np.repeat(labels[:1], min(-frames, labels.size)), labels[:frames]])[: labels.size]


def lead_phones(phones, frames: int) -> list:
    """Timed phones `frames` 10 ms frames earlier (clipped at 0), as `lead_labels` moves frame labels:
    an engine's phones as the model is taught them (LABEL_LEAD), for judging against that timing."""
    from dataclasses import replace

    lead_s = frames / 100
    return [replace(p, start_s=max(0.0, p.start_s - lead_s), end_s=max(0.0, p.end_s - lead_s)) for p in phones]


# how often and how strongly rooms are simulated (set from the command line before training)
ROOM = {"reverb_prob": 0.3, "reverb_gain": 0.5, "pause_prob": 0.7, "mic_prob": 0.4, "warp_prob": 0.5}
OPEN_VOWELS = [VISEMES.index("aa"), VISEMES.index("E")]  # Rhubarb D and C: closed lips there are false
_FILTERBANKS: dict[float, np.ndarray] = {}


def augment(
    audio: np.ndarray, labels: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """One random variant of an utterance (labels follow any change of speed or padding), and the
    mel filters to read it with (warped for a different vocal-tract length, or None)."""
    x = audio
    if rng.random() < ROOM["pause_prob"]:  # pauses as rooms have them: breaths, noise
        x, labels = pause_life(x, labels, rng)
    if rng.random() < 0.5:  # speaking rate (and pitch with it), up to +-15%
        down = int(rng.integers(87, 116))
        x = resample_poly(x, 100, down).astype(np.float32)
        r = down / 100
        idx = np.minimum((np.arange(int(len(labels) / r)) * r).astype(int), len(labels) - 1)
        labels = labels[idx]
    if rng.random() < ROOM["reverb_prob"]:  # reverberation: an exponentially decaying noise tail
        rt60 = rng.uniform(0.15, 0.7)
        n = int(rt60 * SAMPLE_RATE_HZ)
        t = np.arange(n) / SAMPLE_RATE_HZ
        rir = rng.standard_normal(n) * np.exp(-6.9 * t / rt60) * rng.uniform(0.1, ROOM["reverb_gain"])
        rir[0] = 1.0
        x = fftconvolve(x, rir)[: len(x)].astype(np.float32)
        x /= max(np.abs(x).max(), 1e-6) / max(np.abs(audio).max(), 1e-6)
    if rng.random() < 0.25:  # telephone-like sample rates
        low = [8000, 11025][rng.integers(2)]
        from math import gcd

        g = gcd(low, SAMPLE_RATE_HZ)
        y = resample_poly(x, low // g, SAMPLE_RATE_HZ // g)
        x = resample_poly(y, SAMPLE_RATE_HZ // g, low // g)[: len(x)].astype(np.float32)
    if rng.random() < ROOM["mic_prob"]:
        x = microphone(x, rng)
    x = x * np.float32(10 ** (rng.uniform(-28, 4) / 20))  # gain
    if rng.random() < 0.08:  # clipping
        x = np.clip(x * 4, -1, 1)
    if rng.random() < 0.6:  # noise: white or pink-ish, 5-45 dB below the speech
        noise = rng.standard_normal(len(x)).astype(np.float32)
        if rng.random() < 0.5:
            noise = lfilter([1.0], [1.0, -0.95], noise).astype(np.float32)
        speech_rms = np.sqrt(np.mean(x**2) + 1e-12)
        noise *= speech_rms / np.sqrt(np.mean(noise**2) + 1e-12) * 10 ** (-rng.uniform(5, 45) / 20)
        x = x + noise
    fb = None
    if rng.random() < ROOM["warp_prob"]:  # vocal-tract length, +-12%
        warp = round(float(rng.uniform(0.88, 1.12)), 2)
        fb = _FILTERBANKS.setdefault(warp, mel_filterbank(warp))
    return np.clip(x, -1, 1).astype(np.float32), labels, fb


def example(audio: np.ndarray, labels: np.ndarray, rng: np.random.Generator):
    """Features (history + crop) and targets of one random crop, exactly as the stream sees them."""
    x, lab, fb = augment(audio, labels, rng)
    # the stream ends by feeding silence for the lookahead: do the same here
    x = np.concatenate([x, np.zeros((DELAY + 1) * HOP, np.float32)])
    feats, _ = log_mel(x) if fb is None else log_mel(x, filterbank=fb)
    target = np.concatenate([np.full(DELAY, SIL), lab])
    n = min(len(feats), len(target))
    feats, target = feats[:n], target[:n]
    openness = frame_openness(target)
    t0 = int(rng.integers(0, max(1, n - CROP + 1)))
    t1 = min(n, t0 + CROP)
    hist = feats[max(0, t0 - HISTORY) : t0]
    if len(hist) < HISTORY:
        hist = np.concatenate([np.full((HISTORY - len(hist), N_MELS), SILENT_FEATURE, np.float32), hist])
    return np.concatenate([hist, feats[t0:t1]]), target[t0:t1], openness[t0:t1]


def make_batch(items, size: int, rng: np.random.Generator):
    """Padded features, targets, openness and a mask for `size` random crops (longer utterances likelier)."""
    import torch

    lengths = np.array([len(a) for a, _, _ in items], dtype=np.float64)
    batch = [example(*items[i][:2], rng) for i in rng.choice(len(items), size, p=lengths / lengths.sum())]
    t = max(len(b[1]) for b in batch)
    feats = np.full((size, t + HISTORY, N_MELS), SILENT_FEATURE, np.float32)
    target = np.zeros((size, t), np.int64)
    opened = np.zeros((size, t), np.float32)
    mask = np.zeros((size, t), np.float32)
    for j, (f, y, o) in enumerate(batch):
        feats[j, : len(f)] = f
        target[j, : len(y)] = y
        opened[j, : len(o)] = o
        mask[j, : len(y)] = 1
    return torch.from_numpy(feats), torch.from_numpy(target), torch.from_numpy(opened), torch.from_numpy(mask)


def _batches_class():
    import torch

    class Batches(torch.utils.data.IterableDataset):
        """`steps` random batches, made in a worker process while the model trains."""

        def __init__(self, items, size: int, steps: int, seed: int, folder: Path | None = None,
                     hold_out: tuple[str, ...] = (), lead: dict[str, int] | None = None) -> None:
            self.items, self.size, self.steps, self.seed = items, size, steps, seed
            self.folder, self.hold_out, self.lead = folder, hold_out, lead
            self.seen = frozenset(f.name for f in folder.glob("*.npz")) if folder else frozenset()

        def __iter__(self):
            rng = np.random.default_rng([self.seed, 99])
            for step in range(self.steps):
                if self.folder is not None and step % 100 == 99:
                    # a family whose data was still being made when training began joins when written
                    # (never the case when the data is made first, as the recipe does)
                    settled = time.time() - 20  # written a while ago: complete
                    done = frozenset(f.name for f in self.folder.glob("*.npz")
                                     if f.stat().st_mtime < settled and not f.name.endswith(".part.npz"))
                    if done - self.seen:
                        try:
                            new = load_data(self.folder, self.hold_out, self.seen | (frozenset(
                                f.name for f in self.folder.glob("*.npz")) - done), make=False, lead=self.lead)
                        except (OSError, ValueError, KeyError):
                            new = None  # still being written: next time
                        if new is not None:
                            self.items = self.items + new
                            print(f"step {step}: added {', '.join(sorted(done - self.seen))}", flush=True)
                            self.seen = done
                yield make_batch(self.items, self.size, rng)

    return Batches


def build_model(mean: np.ndarray, std: np.ndarray, hidden: int = HIDDEN, conv: int = CONV):
    import torch
    from torch import nn

    class VisemeNet(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32))
            self.register_buffer("std", torch.tensor(std, dtype=torch.float32))
            self.conv1 = nn.Conv1d(N_MELS, conv, 5)
            self.conv2 = nn.Conv1d(conv, conv, 5)
            self.gru = nn.GRU(conv, hidden, batch_first=True)
            self.visemes = nn.Linear(hidden, len(VISEMES))
            self.openness = nn.Linear(hidden, 1)

        def forward(self, features, state):
            x = ((features - self.mean) / self.std).transpose(1, 2)
            x = torch.relu(self.conv2(torch.relu(self.conv1(x)))).transpose(1, 2)
            y, state = self.gru(x, state)
            return self.visemes(y), self.openness(y)[..., 0], state

    return VisemeNet()


def load_onnx_weights(model, path: Path) -> None:
    """Start from an exported model of the same shape (fine-tuning): ONNX's GRU keeps its gates
    in z, r, h order with both biases in one tensor; torch keeps r, z, n."""
    import onnx
    import torch
    from onnx import numpy_helper

    m = onnx.load(str(path))
    init = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    gru = next(n for n in m.graph.node if n.op_type == "GRU")
    w, r, b = (init[name] for name in gru.input[1:4])

    def rzn(x: np.ndarray) -> np.ndarray:
        z, r_, h = np.split(x, 3, axis=0)
        return np.concatenate([r_, z, h], axis=0)

    matmuls = sorted((k for k in init if k.startswith("onnx::MatMul")), key=lambda k: int(k.split("_")[-1]))
    state = {
        "mean": init["net.mean"], "std": init["net.std"],
        "conv1.weight": init["net.conv1.weight"], "conv1.bias": init["net.conv1.bias"],
        "conv2.weight": init["net.conv2.weight"], "conv2.bias": init["net.conv2.bias"],
        "gru.weight_ih_l0": rzn(w[0]), "gru.weight_hh_l0": rzn(r[0]),
        "gru.bias_ih_l0": rzn(b[0, : b.shape[1] // 2]), "gru.bias_hh_l0": rzn(b[0, b.shape[1] // 2 :]),
        "visemes.weight": init[matmuls[0]].T, "visemes.bias": init["net.visemes.bias"],
        "openness.weight": init[matmuls[1]].T, "openness.bias": init["net.openness.bias"],
    }
    model.load_state_dict({k: torch.tensor(np.ascontiguousarray(v)) for k, v in state.items()})


def export(members: list, path: Path) -> None:
    """The trained models as one ONNX model: with several, each keeps its own slice of the recurrent
    state and their probabilities and openness are averaged (an ensemble the run time sees as one)."""
    import onnx
    import torch

    sizes = [net.gru.hidden_size for net in members]

    class Exported(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.net = members[0]

        def forward(self, features, state_in):
            logits, openness, state = self.net(features, state_in)
            return torch.softmax(logits, -1), torch.sigmoid(openness), state

    class Averaged(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.nets = torch.nn.ModuleList(members)

        def forward(self, features, state_in):
            probs, opened, states = [], [], []
            for net, state in zip(self.nets, torch.split(state_in, sizes, dim=-1), strict=True):
                logits, openness, state = net(features, state)
                probs.append(torch.softmax(logits, -1))
                opened.append(torch.sigmoid(openness))
                states.append(state)
            return torch.stack(probs).mean(0), torch.stack(opened).mean(0), torch.cat(states, dim=-1)

    import warnings

    # the legacy exporter's notices (deprecation, GRU batch size) are about other models than this one
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=UserWarning)
    wrapped = (Exported() if len(members) == 1 else Averaged()).eval()
    hidden = sum(sizes)
    feats = torch.zeros(1, HISTORY + 50, N_MELS)
    state = torch.zeros(1, 1, hidden)
    torch.onnx.export(
        wrapped, (feats, state), str(path), dynamo=False, opset_version=17,
        input_names=["features", "state_in"], output_names=["probs", "openness", "state_out"],
        dynamic_axes={"features": {1: "frames"}, "probs": {1: "out_frames"}, "openness": {1: "out_frames"}},
    )
    m = onnx.load(str(path))
    for key, value in {"delay_frames": DELAY, "history_frames": HISTORY, "hidden_size": hidden,
                       "members": len(members), "fps": 100, "visemes": ",".join(VISEMES)}.items():
        entry = m.metadata_props.add()
        entry.key, entry.value = key, str(value)
    onnx.save(m, str(path))


def train(args: argparse.Namespace, items: list, seed: int):
    """One model trained on `items` from `seed` (the recipe's settings in `args`)."""
    import torch
    from tqdm import tqdm

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    Batches = _batches_class()
    # the input's normalisation, from up to 200 utterances
    picked = rng.choice(len(items), min(200, len(items)), replace=False)
    sample = np.concatenate([log_mel(items[i][0])[0] for i in picked])
    model = build_model(sample.mean(0), sample.std(0) + 1e-3, args.hidden, args.conv)
    if args.init is not None:
        load_onnx_weights(model, args.init)
        print(f"starting from {args.init}", flush=True)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    class_weight = torch.ones(len(VISEMES))
    class_weight[VISEMES.index("PP")] = args.closure_weight
    ce = torch.nn.CrossEntropyLoss(weight=class_weight, reduction="none")
    batches = torch.utils.data.DataLoader(
        Batches(items, args.batch, args.steps, seed, args.data, tuple(args.hold_out), args.label_lead),
        batch_size=None, num_workers=1
    )
    started = time.time()
    model.train()
    bar = tqdm(total=args.steps, unit="step", mininterval=10, file=sys.stderr)
    for step, (feats, target, opened, mask) in enumerate(batches):
        bar.update(1)
        progress = step / args.steps
        if args.max_minutes:
            progress = max(progress, (time.time() - started) / (args.max_minutes * 60))
        lr = args.lr * min(1.0, (step + 1) / 100) * 0.5 * (1 + np.cos(np.pi * min(progress, 1.0)))
        for group in opt.param_groups:
            group["lr"] = lr
        logits, openness, _ = model(feats, torch.zeros(1, feats.shape[0], args.hidden))
        m = mask
        loss_cls = (ce(logits.reshape(-1, len(VISEMES)), target.reshape(-1)) * m.reshape(-1)).sum()
        loss_open = (((torch.sigmoid(openness) - opened) ** 2) * m).sum()
        # closed lips in the middle of an open vowel are the worst error a viewer sees
        p_closed = torch.softmax(logits, -1)[..., VISEMES.index("PP")]
        on_vowel = (target.unsqueeze(-1) == torch.tensor(OPEN_VOWELS)).any(-1).float() * m
        loss_false = (-torch.log1p(-p_closed.clamp(max=0.999)) * on_vowel).sum()
        loss = (loss_cls + 4.0 * loss_open + args.false_closure_weight * loss_false) / m.sum()
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % args.log_every == 0 or step == args.steps - 1:
            with torch.no_grad():
                acc = ((logits.argmax(-1) == target).float() * m).sum() / m.sum()
            bar.write(f"step {step}: loss {loss.item():.3f}, train frame accuracy {acc.item():.3f}, "
                      f"{time.time() - started:.0f} s")
        if args.max_minutes and time.time() - started > args.max_minutes * 60:
            bar.write(f"stopping at step {step}: --max-minutes reached")
            break
    bar.close()
    model.eval()
    return model


def _combine(paths: list[Path], out: Path) -> int:
    """`--combine`: trained models exported as one that averages them, as `--seeds` would have made."""
    import onnx

    members = []
    for path in paths:
        try:
            m = onnx.load(str(path))
        except Exception as exc:  # a missing or unreadable file: one line naming it
            print(f"train_visemes: {path}: not an ONNX model ({exc})", file=sys.stderr)
            return 2
        meta = {p.key: p.value for p in m.metadata_props}
        if meta.get("members", "1") != "1":
            print(f"train_visemes: {path} already averages {meta['members']} models: give single ones",
                  file=sys.stderr)
            return 2
        conv = next(i for i in m.graph.initializer if i.name == "net.conv1.weight").dims[0]
        net = build_model(np.zeros(N_MELS), np.ones(N_MELS), int(meta["hidden_size"]), int(conv))
        load_onnx_weights(net, path)
        members.append(net.eval())
    out.parent.mkdir(parents=True, exist_ok=True)
    export(members, out)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB): {len(members)} models averaged")
    return 0


def _lead(text: str) -> tuple[str, int]:
    engine, _, frames = text.partition("=")
    try:
        return engine, int(frames)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text}: expected ENGINE=FRAMES, such as kokoro=1") from None


def main() -> int:
    ap = argparse.ArgumentParser(description="train the audio-to-viseme model")
    ap.add_argument("--data", type=Path, default=Path("build/viseme-data"))
    ap.add_argument("--out", type=Path, default=DEFAULT_MODEL_PATH)
    ap.add_argument("--steps", type=int, default=4000)
    ap.add_argument("--batch", type=int, default=24)
    ap.add_argument("--max-minutes", type=float, default=None,
                    help="stop training after this long; the learning rate then anneals by the clock "
                    "(whichever of steps and time is further along), so the run is not step-for-step reproducible")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (batches are made in one more process)")
    ap.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS),
                    help="one model per seed; more than one are exported as one model averaging them")
    ap.add_argument("--combine", type=Path, nargs="+", default=None, metavar="ONNX",
                    help="no training: export these trained models (one seed each) as one averaging them")
    ap.add_argument("--hidden", type=int, default=HIDDEN, help="GRU state size")
    ap.add_argument("--conv", type=int, default=CONV, help="channels of the two convolutions")
    ap.add_argument("--init", type=Path, default=None,
                    help="start from this exported model (same shape) instead of random weights")
    ap.add_argument("--lr", type=float, default=3e-3, help="peak learning rate")
    ap.add_argument("--log-every", type=int, default=100)
    ap.add_argument("--reverb-prob", type=float, default=0.3, help="share of examples put in a room")
    ap.add_argument("--reverb-gain", type=float, default=0.5, help="strongest reverberant tail (direct sound 1)")
    ap.add_argument("--closure-weight", type=float, default=3.0, help="loss weight of p/b/m frames")
    ap.add_argument("--false-closure-weight", type=float, default=2.0,
                    help="loss weight of -log(1 - p(closed lips)) on open-vowel frames")
    ap.add_argument("--pause-prob", type=float, default=0.7, help="share of examples given real-room pauses")
    ap.add_argument("--hold-out", nargs="*", default=[],
                    help="training families (data file prefixes) left out: leave-one-family-out validation")
    ap.add_argument("--label-lead", type=_lead, nargs="*", default=list(LABEL_LEAD.items()),
                    help="ENGINE=FRAMES: move an engine's labels that many 10 ms frames earlier (default: "
                         + " ".join(f"{k}={v}" for k, v in LABEL_LEAD.items()) + "; none given: no lead)")
    ap.add_argument("--eval-sentences", type=int, default=10,
                    help="held-out sentences per held-out voice (0: judge later, `aac-avatar eval lipsync --model`)")
    args = ap.parse_args()
    args.label_lead = dict(args.label_lead)
    if args.combine:
        return _combine(args.combine, args.out)

    import torch

    ROOM.update(reverb_prob=args.reverb_prob, reverb_gain=args.reverb_gain, pause_prob=args.pause_prob)
    torch.set_num_threads(args.threads)
    items = load_data(args.data, tuple(args.hold_out), lead=args.label_lead)
    if not items:
        held = ", ".join(args.hold_out) or "none"
        print(f"train_visemes: {args.data}: no training utterances left (held out: {held})", file=sys.stderr)
        return 2
    lengths = np.array([len(a) for a, _, _ in items], dtype=np.float64)
    print(f"{len(items)} utterances, {lengths.sum() / SAMPLE_RATE_HZ / 60:.1f} min, "
          f"voices: {len({v for _, _, v in items})}", flush=True)
    family_table(items)

    started = time.time()
    members = [train(args, items, seed) for seed in args.seeds]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    export(members, args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB) after {time.time() - started:.0f} s")

    if args.eval_sentences <= 0:
        return 0
    from aac.commands.eval import print_family_table
    from avatar.lipsync.heldout import HELD_OUT_VOICES
    from avatar.lipsync.judge import judge
    from speech.registry import get_voice

    # the families no training hears, and any training family this run left out
    voices = HELD_OUT_VOICES + tuple(v for family in args.hold_out for v in LOFO_VOICES.get(family, ()))
    figures = judge(args.out, voices, args.eval_sentences, get_voice)
    print("held-out voices:", ", ".join(voices))
    for key, value in figures.items():
        if "family" not in key:
            print(f"  {key}: {value:.3f}" if isinstance(value, float) else f"  {key}: {value}")
    print_family_table(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
