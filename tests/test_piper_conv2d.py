"""Piper's decoder run with 2-D convolutions (speech.piper_conv2d): the same audio, what it rewrites and what not."""

from __future__ import annotations

import numpy as np
import pytest

onnx = pytest.importorskip("onnx", reason="onnx is not installed (a core dependency: run scripts/setup.sh)")
ort = pytest.importorskip("onnxruntime")

from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from speech.piper_conv2d import decoder_as_2d  # noqa: E402


def _decoder(extra_nodes=(), extra_inits=(), channels: int = 8) -> onnx.ModelProto:
    """A small HiFi-GAN-like decoder: conv_pre, a leaky ReLU, an upsampler, a residual conv, the mean of two
    branches, conv_post, tanh and the final Unsqueeze Piper's graph ends with."""
    rng = np.random.default_rng(3)

    def weight(name, *shape):
        return numpy_helper.from_array((rng.standard_normal(shape) * 0.3).astype(np.float32), name)

    inits = [
        weight("pre.w", channels, 4, 7), weight("pre.b", channels),
        weight("up.w", channels, channels // 2, 8), weight("up.b", channels // 2),
        weight("res.w", channels // 2, channels // 2, 3), weight("res.b", channels // 2),
        weight("post.w", 1, channels // 2, 7),
        numpy_helper.from_array(np.array(2.0, np.float32), "two"),
        numpy_helper.from_array(np.array([1], np.int64), "axis1"),
        *extra_inits,
    ]
    nodes = [
        helper.make_node("Conv", ["z", "pre.w", "pre.b"], ["a"], kernel_shape=[7], pads=[3, 3]),
        helper.make_node("LeakyRelu", ["a"], ["b"], alpha=0.1),
        helper.make_node("ConvTranspose", ["b", "up.w", "up.b"], ["c"], kernel_shape=[8], strides=[4], pads=[2, 2]),
        helper.make_node("LeakyRelu", ["c"], ["d"], alpha=0.1),
        helper.make_node("Conv", ["d", "res.w", "res.b"], ["e"], kernel_shape=[3], pads=[3, 3], dilations=[3]),
        helper.make_node("Add", ["e", "c"], ["f"]),
        helper.make_node("Add", ["f", "c"], ["g"]),
        helper.make_node("Div", ["g", "two"], ["h"]),
        *extra_nodes,
        helper.make_node("Conv", ["h", "post.w"], ["i"], kernel_shape=[7], pads=[3, 3]),
        helper.make_node("Tanh", ["i"], ["j"]),
        helper.make_node("Unsqueeze", ["j", "axis1"], ["audio"]),
    ]
    latent = helper.make_tensor_value_info("z", TensorProto.FLOAT, ["batch", 4, "frames"])
    audio = helper.make_tensor_value_info("audio", TensorProto.FLOAT, ["batch", 1, 1, "samples"])
    graph = helper.make_graph(nodes, "piper_decoder", [latent], [audio], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15)])
    helper.set_model_props(model, {"aac_context_frames": "9"})
    return model


def _run(model, latent: np.ndarray) -> np.ndarray:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    return session.run(None, {"z": latent})[0]


def test_a_decoder_of_convolutions_gives_the_same_audio_in_2d():
    model = _decoder()
    flat = decoder_as_2d(model)
    assert flat is not None
    assert all(len(t.dims) == 4 for t in flat.graph.initializer if t.name.endswith(".w"))
    assert {p.key: p.value for p in flat.metadata_props} == {"aac_context_frames": "9"}
    latent = np.random.default_rng(0).standard_normal((1, 4, 50)).astype(np.float32)
    reference, ours = _run(model, latent), _run(flat, latent)
    assert reference.shape == ours.shape == (1, 1, 1, 200)
    assert np.allclose(reference, ours, atol=1e-5)
    assert all(len(t.dims) == 3 for t in model.graph.initializer if t.name.endswith(".w"))  # the original untouched


def test_a_decoder_with_other_operators_or_inputs_is_left_alone():
    reshape = helper.make_node("Reshape", ["h", "shape"], ["h2"])
    shape = numpy_helper.from_array(np.array([1, 4, -1], np.int64), "shape")
    with_reshape = _decoder([reshape], [shape])
    with_reshape.graph.node[-3].input[0] = "h2"
    assert decoder_as_2d(with_reshape) is None
    # a pointwise operator with a per-channel constant ([channels, 1] broadcasts against 3-D only)
    bias = numpy_helper.from_array(np.ones((4, 1), np.float32), "bias")
    with_bias = _decoder([helper.make_node("Add", ["h", "bias"], ["h2"])], [bias])
    with_bias.graph.node[-3].input[0] = "h2"
    assert decoder_as_2d(with_bias) is None
    # a speaker's embedding read beside the latent (multi-speaker voices)
    two_inputs = _decoder()
    two_inputs.graph.input.append(helper.make_tensor_value_info("sid", TensorProto.INT64, [1]))
    assert decoder_as_2d(two_inputs) is None


def test_the_default_voices_cached_decoder_is_2d_and_an_older_one_is_replaced(tmp_path, monkeypatch):
    pytest.importorskip("piper", reason="piper-tts is not installed (a core dependency: run scripts/setup.sh)")
    from speech.piper_tts import PiperVoice

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = PiperVoice()
    cache = tmp_path / "aac-avatar" / "piper"
    (decoder,) = cache.glob("*-decoder-v2.onnx")
    weights = [t for t in onnx.load(str(decoder)).graph.initializer if t.name.startswith("dec.") and len(t.dims) > 1]
    assert weights and all(len(t.dims) == 4 for t in weights)
    assert first.synthesize("Hello there.").duration_s > 0.3
    first.close()
    # a decoder cached by an earlier version (1-D, named without the version) is made again and removed
    old = decoder.with_name(decoder.name.replace("-decoder-v2.onnx", "-decoder.onnx"))
    decoder.rename(old)
    again = PiperVoice()
    assert decoder.is_file() and not old.exists()
    assert again.synthesize("Hello there.").duration_s > 0.3
    again.close()
