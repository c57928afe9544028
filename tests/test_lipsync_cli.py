"""`aac-avatar visemes` and `aac-avatar eval lipsync` for real: formats, text alignment, bad audio."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
import soundfile as sf

from aac.cli import main
from avatar.motion.rhubarb import SHAPES
from speech.registry import get_voice

TEXT = "Bob bought a big bag of apples at the market."


@pytest.fixture(scope="module")
def speech_wav(tmp_path_factory):
    """A real utterance (espeak-ng) with a third of a second of silence each side, saved as a 22,050 Hz
    mono WAV, with its exact phones."""
    from dataclasses import replace

    from speech.utterance import TimedPhone

    said = get_voice("espeak:en-us").synthesize(TEXT)
    pad = int(said.sample_rate_hz / 3)
    pad_s = pad / said.sample_rate_hz
    phones = (TimedPhone("_", "sil", 0.0, pad_s),
              *(replace(p, start_s=p.start_s + pad_s, end_s=p.end_s + pad_s) for p in said.phones),
              TimedPhone("_", "sil", said.duration_s + pad_s, said.duration_s + 2 * pad_s))
    quiet = np.zeros(pad, dtype=np.float32)
    utt = replace(said, audio=np.concatenate([quiet, said.audio, quiet]), phones=phones)
    path = tmp_path_factory.mktemp("audio") / "speech.wav"
    sf.write(path, utt.audio, utt.sample_rate_hz)
    return path, utt


def _cues(capsys, *args) -> dict:
    assert main(["visemes", *map(str, args)]) == 0
    return json.loads(capsys.readouterr().out)


def _check_rhubarb(doc: dict, duration_s: float) -> None:
    assert set(doc) == {"metadata", "mouthCues"}
    assert doc["metadata"]["duration"] == pytest.approx(duration_s, abs=0.01)
    cues = doc["mouthCues"]
    assert cues and cues[0]["start"] == 0.0
    assert cues[-1]["end"] == pytest.approx(duration_s, abs=0.011)
    for a, b in zip(cues, cues[1:], strict=False):
        assert a["end"] == b["start"] and a["value"] != b["value"]
    assert {c["value"] for c in cues} <= set(SHAPES)
    assert all(set(c) == {"start", "end", "value"} for c in cues)


def test_rhubarb_json_output_file(speech_wav, tmp_path, capsys):
    path, utt = speech_wav
    out = tmp_path / "cues.json"
    assert main(["visemes", str(path), "--format", "rhubarb-json", "-o", str(out)]) == 0
    doc = json.loads(out.read_text())
    _check_rhubarb(doc, utt.duration_s)
    values = [c["value"] for c in doc["mouthCues"]]
    assert "A" in values and "X" in values and ({"C", "D"} & set(values))


def test_our_json_has_visemes_and_openness(speech_wav, capsys):
    path, utt = speech_wav
    doc = _cues(capsys, path)
    assert doc["method"] == "audio" and doc["fps"] == 100.0
    assert len(doc["openness"]) == int(utt.duration_s * 100)
    assert max(doc["openness"]) > 0.5 and min(doc["openness"]) < 0.1
    assert {"PP", "sil"} <= {c["viseme"] for c in doc["cues"]}


@pytest.mark.skipif(shutil.which("flite") is None, reason="flite is not installed (scripts/setup.sh)")
def test_text_makes_the_cues_follow_the_words(speech_wav, tmp_path, capsys):
    from avatar.lipsync.evaluate import LipsyncScore
    from avatar.lipsync.heldout import eval_sentences, heldout_utterance

    path, _ = speech_wav
    assert _cues(capsys, path, "--text", TEXT)["method"] == "audio+text"

    def frames(doc, n):
        ids = np.zeros(n, dtype=np.int64)
        for c in doc["mouthCues"]:
            ids[int(round(c["start"] * 100)) : int(round(c["end"] * 100))] = SHAPES.index(c["value"])
        return ids

    # a voice of a family the model never trained on, three held-out sentences
    free, guided = LipsyncScore(), LipsyncScore()
    for i, text in enumerate(eval_sentences()[:3]):
        utt = heldout_utterance("flite:rms", text)
        wav = tmp_path / f"rms{i}.wav"
        sf.write(wav, utt.audio, utt.sample_rate_hz)
        n = int(utt.duration_s * 100)
        free.add(utt.phones, frames(_cues(capsys, wav, "--format", "rhubarb-json"), n), np.zeros(n))
        guided.add(utt.phones, frames(_cues(capsys, wav, "--format", "rhubarb-json", "--text", text), n), np.zeros(n))
    # knowing the words, only the timing is left to find (here 0.71 -> 0.78 of speech frames; on 30
    # held-out utterances of flite, festival and espeak-klatt voices 0.76 -> 0.84)
    assert guided.figures()["speech_frame_accuracy"] >= free.figures()["speech_frame_accuracy"] + 0.03


def _write(path, audio, rate):
    sf.write(path, audio, rate)
    return path


@pytest.mark.parametrize(
    "name,make",
    [
        ("silence", lambda rng: (np.zeros(16000, np.float32), 16000)),
        ("clipped", lambda rng: (np.clip(rng.standard_normal(32000) * 3, -1, 1).astype(np.float32), 16000)),
        ("short", lambda rng: (rng.standard_normal(1600).astype(np.float32) * 0.1, 16000)),
        ("tiny", lambda rng: (np.zeros(10, np.float32), 44100)),
    ],
)
def test_odd_audio_still_gets_cues(name, make, tmp_path, capsys):
    audio, rate = make(np.random.default_rng(0))
    path = _write(tmp_path / f"{name}.wav", audio, rate)
    doc = _cues(capsys, path, "--format", "rhubarb-json")
    if len(audio) / rate >= 0.01:
        _check_rhubarb(doc, len(audio) / rate)
    if name == "silence":
        assert {c["value"] for c in doc["mouthCues"]} <= {"X", "A"}


def test_8khz_and_stereo_and_float_wav_of_speech(speech_wav, tmp_path, capsys):
    from scipy.signal import resample_poly

    _, utt = speech_wav
    low = resample_poly(utt.audio, 160, 441).astype(np.float32)
    doc8 = _cues(capsys, _write(tmp_path / "8k.wav", low, 8000), "--format", "rhubarb-json")
    _check_rhubarb(doc8, len(low) / 8000)
    assert "A" in {c["value"] for c in doc8["mouthCues"]}
    stereo = np.stack([utt.audio, utt.audio * 0.5], axis=1)
    doc2 = _cues(capsys, _write(tmp_path / "st.wav", stereo, utt.sample_rate_hz), "--format", "rhubarb-json")
    _check_rhubarb(doc2, utt.duration_s)


def test_48khz_stereo_speech_and_music_without_voice(speech_wav, tmp_path, capsys):
    from scipy.signal import resample_poly

    _, utt = speech_wav
    mono48 = resample_poly(utt.audio, 320, 147).astype(np.float32)
    stereo = np.stack([mono48, np.roll(mono48, 24) * 0.7], axis=1)
    doc = _cues(capsys, _write(tmp_path / "48k.wav", stereo, 48000), "--format", "rhubarb-json")
    _check_rhubarb(doc, len(mono48) / 48000)
    assert "A" in {c["value"] for c in doc["mouthCues"]}
    # four seconds of chords with no voice: cues over the whole file, not a hang or a traceback
    t = np.arange(4 * 44100) / 44100
    chords = sum(np.sin(2 * np.pi * f * t) for f in (220.0, 277.2, 329.6, 440.0)) * 0.2
    chords *= 0.5 + 0.5 * np.sign(np.sin(2 * np.pi * 1.5 * t))  # on and off, like strummed chords
    doc = _cues(capsys, _write(tmp_path / "music.wav", chords.astype(np.float32), 44100), "--format", "rhubarb-json")
    _check_rhubarb(doc, 4.0)


def test_nan_and_too_low_rate_and_truncated_files(speech_wav, tmp_path, capsys):
    _, utt = speech_wav
    bad = utt.audio.copy()
    bad[5000] = np.nan
    path = tmp_path / "nan.wav"
    sf.write(path, bad, utt.sample_rate_hz, subtype="FLOAT")
    assert main(["visemes", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "nan.wav" in err and "NaN" in err
    low = _write(tmp_path / "low.wav", np.zeros(2000, np.float32), 2000)
    assert main(["visemes", str(low)]) == 2
    err = capsys.readouterr().err.strip()
    assert "low.wav" in err and "too low" in err
    # a download cut short: the header promises more samples than the file holds
    whole = _write(tmp_path / "whole.wav", utt.audio, utt.sample_rate_hz).read_bytes()
    cut = tmp_path / "cut.wav"
    cut.write_bytes(whole[: len(whole) // 2])
    code = main(["visemes", str(cut), "--format", "rhubarb-json"])
    out, err = capsys.readouterr()
    if code == 0:
        assert json.loads(out)["mouthCues"]
    else:
        assert code == 2 and "cut.wav" in err and err.strip().count("\n") == 0


@pytest.mark.slow
def test_an_hour_of_audio_is_streamed_in_bounded_memory(speech_wav, tmp_path):
    """An hour of speech (16 kHz, on disk, 115 MB) is read in blocks: the command's peak memory stays
    far below what holding the whole file as float32 would add (230 MB), and every cue is there."""
    import subprocess
    import sys

    from scipy.signal import resample_poly

    _, utt = speech_wav
    speech = resample_poly(utt.audio, 320, 441).astype(np.float32)
    gap = np.zeros(8000, np.float32)
    piece = np.concatenate([speech, gap])
    path = tmp_path / "hour.wav"
    total = 3600 * 16000
    with sf.SoundFile(path, "w", 16000, 1, subtype="PCM_16") as f:
        written = 0
        while written < total - 8000:
            block = np.tile(piece, 200)[: total - 8000 - written]
            f.write(block)
            written += len(block)
        f.write(np.zeros(8000, np.float32))  # the hour ends in a pause
    out = tmp_path / "hour.json"
    probe = (
        "import resource, sys; from aac.cli import main; "
        f"code = main(['visemes', {str(path)!r}, '--format', 'rhubarb-json', '-o', {str(out)!r}]); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss); sys.exit(code)"
    )
    baseline = subprocess.run([sys.executable, "-c", "import resource; from aac.cli import main; "
                               "from avatar.lipsync.model import default_model; default_model(); "
                               "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"],
                              capture_output=True, text=True, check=True, timeout=300)
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=1500)
    assert run.returncode == 0, run.stderr[-2000:]
    grown_mb = (int(run.stdout.split()[-1]) - int(baseline.stdout.split()[-1])) / 1024
    assert grown_mb < 200, f"peak memory grew {grown_mb:.0f} MB over the loaded model"
    doc = json.loads(out.read_text())
    _check_rhubarb(doc, 3600.0)
    assert len(doc["mouthCues"]) > 20000
    assert doc["mouthCues"][-1]["value"] == "X"  # mouth at rest in the final pause


def test_not_audio_and_missing_files_give_one_line_errors(tmp_path, capsys):
    bad = tmp_path / "notes.wav"
    bad.write_text("this is not audio")
    assert main(["visemes", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "notes.wav" in err and "not a readable audio file" in err
    assert main(["visemes", str(tmp_path / "nope.wav")]) == 2
    err = capsys.readouterr().err.strip()
    assert "nope.wav" in err and "no such audio file" in err
    empty = _write(tmp_path / "empty.wav", np.zeros(0, np.float32), 16000)
    assert main(["visemes", str(empty)]) == 2
    assert "holds no samples" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("flite") is None, reason="flite is not installed (scripts/setup.sh)")
def test_eval_lipsync_reports_model_and_baseline(capsys):
    assert main(["eval", "lipsync", "--voice", "flite:rms", "--sentences", "2", "--phones", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    for prefix in ("model_", "loudness_", "phones_"):
        for key in ("frame_accuracy", "speech_frame_accuracy", "closures_shown", "openness_r", "false_closures"):
            assert 0.0 <= figures[prefix + key] <= 1.0 or key == "openness_r"
    assert figures["utterances"] == 2 and figures["phones_closures_shown"] == 1.0
    assert figures["model_frame_accuracy"] > figures["loudness_frame_accuracy"]


@pytest.mark.skipif(shutil.which("flite") is None, reason="flite is not installed (scripts/setup.sh)")
def test_eval_lipsync_in_a_noisy_room(capsys):
    args = ["eval", "lipsync", "--voice", "flite:awb", "--sentences", "3", "--json"]
    assert main(args) == 0
    clean = json.loads(capsys.readouterr().out)
    assert main([*args, "--snr-db", "15", "--reverb-s", "0.5"]) == 0
    noisy = json.loads(capsys.readouterr().out)
    assert noisy["model_frame_accuracy"] < clean["model_frame_accuracy"]  # the room really is worse
    assert noisy["model_frame_accuracy"] > noisy["loudness_frame_accuracy"]


def test_text_in_another_language_and_an_unknown_language(tmp_path, capsys):
    utt = get_voice("espeak:de").synthesize("Bitte bring mir ein Brot mit Butter.")
    path = tmp_path / "de.wav"
    sf.write(path, utt.audio, utt.sample_rate_hz)
    doc = _cues(capsys, str(path), "--text", "Bitte bring mir ein Brot mit Butter.", "--language", "de")
    assert doc["method"] == "audio+text"
    assert "PP" in {c["viseme"] for c in doc["cues"]}  # Bitte, Brot, Butter, mir
    with pytest.raises(SystemExit):
        main(["visemes", str(path), "--text", "hallo", "--language", "xx"])
    assert "no espeak-ng voice reads language 'xx'" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("flite") is None, reason="flite is not installed (scripts/setup.sh)")
def test_eval_lipsync_leave_one_family_out_table(tmp_path, capsys):
    from avatar.lipsync.model import DEFAULT_MODEL_PATH

    # any real model stands in for one trained without the family: the table must judge each on
    # its own family's voices, exactly as judging that model on those voices does
    folder = tmp_path / "lofo"
    folder.mkdir()
    shutil.copy(DEFAULT_MODEL_PATH, folder / "flite.onnx")
    shutil.copy(DEFAULT_MODEL_PATH, folder / "espeak-world.onnx")
    assert main(["eval", "lipsync", "--lofo", str(folder), "--sentences", "1", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["lofo_families"] == 2
    assert main(["eval", "lipsync", "--voice", "flite:slt", "--voice", "flite:kal16", "--sentences", "1",
                 "--model", str(folder / "flite.onnx"), "--json"]) == 0
    direct = json.loads(capsys.readouterr().out)
    assert figures["lofo_frame_accuracy@family:flite"] == direct["model_frame_accuracy"]
    assert figures["lofo_closures_shown@family:flite"] == direct["model_closures_shown"]
    both = (figures["lofo_frame_accuracy@family:flite"], figures["lofo_frame_accuracy@family:espeak-world"])
    assert figures["lofo_worst_family_frame_accuracy"] == min(both)
    assert figures["lofo_family_mean_frame_accuracy"] == pytest.approx(sum(both) / 2)

    assert main(["eval", "lipsync", "--lofo", str(folder), "--sentences", "1"]) == 0
    table = capsys.readouterr().out
    assert "family left out of training" in table and "no model left out: espeak, piper, kokoro" in table
    assert "worst family" in table


def test_eval_lipsync_leave_one_family_out_bad_folders(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["eval", "lipsync", "--lofo", str(empty)]) == 2
    err = capsys.readouterr().err
    assert str(empty) in err and "FAMILY.onnx" in err and "--hold-out" in err
    (empty / "flite.onnx").write_bytes(b"not a model")
    assert main(["eval", "lipsync", "--lofo", str(empty)]) == 2
    assert "flite.onnx" in capsys.readouterr().err
    assert main(["eval", "lipsync", "--lofo", str(empty), "--model", str(empty / "flite.onnx")]) == 2
    assert "--lofo" in capsys.readouterr().err
