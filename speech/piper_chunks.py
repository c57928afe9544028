"""Piper's graph split in two, the HiFi-GAN decoder run over a sentence in overlapping chunks.

A Piper (VITS) graph turns a whole sentence into audio in one run; its decoder, which upsamples the
latent `z` 256 times to audio, needs working memory in proportion to the sentence (about 40 MB per
second of speech). Split at the decoder's input, the front (text encoder, durations, flow) runs the
sentence whole, as before, and the decoder runs on windows of `z` a fixed number of frames long: each
window carries `context_frames` more than the decoder's receptive field on each side, and only its
centre is kept, so the joined audio is the whole graph's (to float rounding) while the decoder's
memory is that of one window, whatever the sentence's length.

The split point is found by the decoder's first convolution (`dec.conv_pre`, by node or weight name):
the exporters Piper has used name it so. A graph where it is not found, or whose decoder would need
more than `z` (and the speaker id), is not split: the caller runs it whole.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from speech.piper_conv2d import decoder_as_2d

# Decoder windows of 64 frames of z (0.74 s at 22,050 Hz; 13 of them context each side for the default
# voice), with onnxruntime's arena: about 27 MB kept. With the decoder's convolutions in 2-D
# (speech.piper_conv2d) they cost 73 ms of CPU per second of speech, the whole 1-D graph without an arena
# 90; 128 frames would save 14% more but keep about 24 MB more for good (`aac-avatar bench piper`, README
# "Memory of the live engine" and "Fifth day").
WINDOW_FRAMES = 64
CONTEXT_KEY = "aac_context_frames"  # the decoder model's metadata: frames of context each side


@dataclass(frozen=True)
class SplitPoint:
    """Where a Piper graph divides: the decoder's input latent and what the decoder needs besides."""

    latent_name: str  # the tensor z fed to the decoder, [batch, channels, frames]
    audio_name: str  # the graph output the decoder makes, the audio
    speaker_inputs: tuple[str, ...]  # graph inputs the decoder also reads (the speaker id of multi-speaker voices)
    context_frames: int  # frames of z each side that reach an output sample, rounded up, plus one


@dataclass(frozen=True)
class Window:
    """One decoder run: frames [start, end) of z go in, frames [keep_start, keep_end) of its audio are kept."""

    start: int
    end: int
    keep_start: int
    keep_end: int


def _is_conv_pre(node) -> bool:
    if node.op_type != "Conv":
        return False
    if "dec" in node.name and "conv_pre" in node.name:
        return True
    return len(node.input) > 1 and node.input[1].startswith("dec.conv_pre.")


def _producers(graph) -> dict[str, int]:
    return {name: i for i, node in enumerate(graph.node) for name in node.output if name}


def _reachable_nodes(graph, outputs: list[str], stop: set[str]) -> tuple[list[int], set[str]]:
    """Indices (in graph order) of the nodes `outputs` depend on without passing `stop`, and the graph
    inputs they read."""
    producer = _producers(graph)
    graph_inputs = {i.name for i in graph.input}
    seen: set[int] = set()
    read_inputs: set[str] = set()
    stack = list(outputs)
    while stack:
        name = stack.pop()
        if name in stop or not name:
            continue
        if name in graph_inputs:
            read_inputs.add(name)
            continue
        index = producer.get(name)
        if index is None or index in seen:
            continue  # an initializer
        seen.add(index)
        stack.extend(graph.node[index].input)
    return sorted(seen), read_inputs


def _attribute(node, name: str, default):
    import onnx

    for attr in node.attribute:
        if attr.name == name:
            return onnx.helper.get_attribute_value(attr)
    return default


def receptive_frames(graph, nodes: list[int], latent_name: str) -> float:
    """How many frames of z, each side, can reach one output sample of the decoder `nodes` (an upper bound).

    Tracked per tensor: its rate (samples per frame of z) and its reach (frames of z each side).
    A convolution adds its widest one-sided span over the rate; a transposed convolution as many of
    its input samples as one output sample draws on; other operators keep the widest of their inputs.
    """
    rate = {latent_name: 1.0}
    reach = {latent_name: 0.0}
    for index in nodes:
        node = graph.node[index]
        known = [name for name in node.input if name in rate]
        if not known:
            continue
        in_rate = max(rate[name] for name in known)
        in_reach = max(reach[name] for name in known)
        out_rate, out_reach = in_rate, in_reach
        if node.op_type in ("Conv", "ConvTranspose"):
            kernel = int(_attribute(node, "kernel_shape", [1])[0])
            dilation = int((_attribute(node, "dilations", None) or [1])[0])
            stride = int((_attribute(node, "strides", None) or [1])[0])
            pads = _attribute(node, "pads", None) or [0, 0]
            span = (kernel - 1) * dilation
            one_side = max(int(pads[0]), span - int(pads[0]), 0)
            if node.op_type == "Conv":
                out_reach = in_reach + one_side / in_rate
                out_rate = in_rate / stride
            else:
                out_reach = in_reach + math.ceil(one_side / stride) / in_rate
                out_rate = in_rate * stride
        for name in node.output:
            rate[name] = out_rate
            reach[name] = out_reach
    return max(reach.values())


def find_split(model) -> SplitPoint | None:
    """The split point of a Piper graph, or None when it has none this module can use."""
    graph = model.graph
    outputs = [o.name for o in graph.output]
    conv_pre = [node for node in graph.node if _is_conv_pre(node)]
    if len(conv_pre) != 1 or not outputs:
        return None
    latent = conv_pre[0].input[0]
    audio = outputs[0]
    nodes, read_inputs = _reachable_nodes(graph, [audio], {latent})
    if not nodes or not read_inputs <= {"sid"}:
        return None  # the decoder would need more of the sentence than z
    if not any(name == latent for i in nodes for name in graph.node[i].input):
        return None
    context = math.ceil(receptive_frames(graph, nodes, latent)) + 1
    return SplitPoint(latent, audio, tuple(sorted(read_inputs)), context)


def split_model(model, split: SplitPoint):
    """(front, decoder) ONNX models: the front makes z and the graph's other outputs (Piper's alignment),
    the decoder makes the audio from z (and the speaker id)."""
    import onnx

    graph = model.graph
    others = [o for o in graph.output if o.name != split.audio_name]
    front_nodes, _ = _reachable_nodes(graph, [split.latent_name, *(o.name for o in others)], set())
    decoder_nodes, _ = _reachable_nodes(graph, [split.audio_name], {split.latent_name})
    latent_info = onnx.helper.make_tensor_value_info(
        split.latent_name, onnx.TensorProto.FLOAT, ["batch", "channels", "frames"]
    )

    def used(nodes: list[int]) -> set[str]:
        return {name for i in nodes for name in graph.node[i].input}

    def build(nodes: list[int], inputs, outputs, name: str):
        needed = used(nodes)
        sub = onnx.helper.make_graph(
            [graph.node[i] for i in nodes],
            name,
            inputs,
            outputs,
            initializer=[t for t in graph.initializer if t.name in needed],
        )
        made = onnx.helper.make_model(sub, opset_imports=model.opset_import, ir_version=model.ir_version)
        made.producer_name = model.producer_name
        return made

    front_inputs = [i for i in graph.input if i.name in used(front_nodes)]
    front = build(front_nodes, front_inputs, [latent_info, *others], "piper_front")
    decoder_inputs = [latent_info, *(i for i in graph.input if i.name in split.speaker_inputs)]
    audio = [o for o in graph.output if o.name == split.audio_name]
    decoder = build(decoder_nodes, decoder_inputs, audio, "piper_decoder")
    decoder = decoder_as_2d(decoder) or decoder  # the same audio, a fifth faster where it applies
    onnx.helper.set_model_props(decoder, {CONTEXT_KEY: str(split.context_frames)})
    return front, decoder


def windows(total_frames: int, window_frames: int, context_frames: int) -> list[Window]:
    """The fewest decoder runs covering `total_frames` of z, none longer than `window_frames`, each kept part
    with `context_frames` of z either side that is not the sentence's own edge.

    The runs are of one length (to a frame): the kept parts at the sentence's edges are longer by the
    context they need not carry. A short last window, or one moved back to full length, would cost more
    (the latter decoded up to a window twice: a median sentence took a third more CPU).
    """
    keep_frames = window_frames - 2 * context_frames
    if keep_frames <= 0:
        raise ValueError(f"a window of {window_frames} frames keeps nothing with {context_frames} of context each side")
    if total_frames <= window_frames:
        return [Window(0, total_frames, 0, total_frames)]
    count = math.ceil((total_frames - 2 * context_frames) / keep_frames)
    part = (total_frames - 2 * context_frames) / count
    edges = [0, *(context_frames + round(k * part) for k in range(1, count)), total_frames]
    return [
        Window(max(0, a - context_frames), min(total_frames, b + context_frames), a, b)
        for a, b in zip(edges, edges[1:], strict=False)
    ]


def decode_in_chunks(
    decoder,
    latent: np.ndarray,
    split: SplitPoint,
    extra: dict[str, np.ndarray],
    window_frames: int = WINDOW_FRAMES,
) -> Iterator[np.ndarray]:
    """The audio of `latent` ([1, channels, frames]) from the `decoder` session, one kept window at a time
    (flat float32 arrays, in order; joined, the whole graph's audio)."""
    total = int(latent.shape[-1])
    for run in windows(total, window_frames, split.context_frames):
        feed = {split.latent_name: np.ascontiguousarray(latent[..., run.start : run.end]), **extra}
        audio = decoder.run([split.audio_name], feed)[0].reshape(-1)
        hop = len(audio) // (run.end - run.start)
        yield audio[(run.keep_start - run.start) * hop : (run.keep_end - run.start) * hop]


class ChunkedPiperSession:
    """What `piper.PiperVoice` needs of an onnxruntime session (`run`), made of the front and the
    decoder sessions: the same outputs as the whole graph, with the decoder run in windows."""

    def __init__(self, front, decoder, split: SplitPoint, window_frames: int = WINDOW_FRAMES) -> None:
        self.front = front
        self.decoder = decoder
        self.split = split
        self.window_frames = window_frames
        self._front_inputs = {i.name for i in front.get_inputs()}

    def latent(self, feed: dict[str, np.ndarray]) -> tuple[np.ndarray, list[np.ndarray]]:
        """z for `feed` and the front's other outputs (Piper's alignment)."""
        results = self.front.run(None, {name: value for name, value in feed.items() if name in self._front_inputs})
        return results[0], list(results[1:])

    def stream(self, feed: dict[str, np.ndarray]) -> tuple[list[np.ndarray], Iterator[np.ndarray]]:
        """The front's other outputs at once, and the audio as a generator of chunks (the first one can be
        played while the rest are decoded)."""
        latent, others = self.latent(feed)
        extra = {name: feed[name] for name in self.split.speaker_inputs if name in feed}
        return others, decode_in_chunks(self.decoder, latent, self.split, extra, self.window_frames)

    def run(self, output_names, feed: dict[str, np.ndarray]) -> list[np.ndarray]:
        """As `onnxruntime.InferenceSession.run` on the whole graph: [audio, alignment...]."""
        others, chunks = self.stream(feed)
        audio = np.concatenate(list(chunks)).reshape(1, 1, -1)
        return [audio, *others]


def split_point_of(decoder) -> SplitPoint:
    """The split point a decoder session was made for (`split_model` writes its context in the model's
    metadata)."""
    inputs = [i.name for i in decoder.get_inputs()]
    context = int(decoder.get_modelmeta().custom_metadata_map[CONTEXT_KEY])
    return SplitPoint(inputs[0], decoder.get_outputs()[0].name, tuple(inputs[1:]), context)
