"""`aac-avatar eval lipsync --corpus DIR` on a TIMIT-style corpus the test makes itself.

espeak-ng speaks the sentences (its phone timing is exact), and each recording is written as
TIMIT would hold it: audio (RIFF WAV, or NIST SPHERE as `X.WAV`), a sample-indexed `.PHN` with
TIMIT's phone names (stops split into closure + release, `h#` at the ends, `pau` for pauses)
and a `.TXT` or `.WRD` transcript. Judging that folder must give the same figures as judging the
same audio with espeak-ng's own phones through `judge_utterances`, as the held-out voices are.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from aac.cli import main
from avatar.lipsync.corpus import TIMIT_VISEMES, corpus_utterances, find_recordings, read_phones, read_timit_phones
from avatar.lipsync.judge import judge_utterances
from avatar.lipsync.model import LipsyncModel
from avatar.motion.errors import MotionError
from speech.registry import get_voice
from speech.utterance import TimedPhone, Utterance

SENTENCES = (
    "Bob bought a big bag of apples at the market.",
    "Please pass me the map, my friend.",
    "The children watched the judge leave.",
)
# speaker folder -> (espeak voice, write as full TIMIT: upper-case names and NIST SPHERE audio)
SPEAKERS = {"dr1-fjsp0": ("espeak:en-us", False), "TEST/DR2/MRJO0": ("espeak:en-gb", True)}
_VOWEL = {"aa": "aa", "E": "eh", "ih": "iy", "oh": "ow", "ou": "uw", "RR": "r", "SS": "s", "nn": "n"}


def _timit_names(phone: TimedPhone) -> list[str]:
    """TIMIT's name(s) for one espeak-ng phone: a stop is its closure and its release."""
    p, v = phone.phone, phone.viseme
    if v == "sil":
        return ["pau"]
    if v == "PP":
        return ["pcl", "p"] if p.startswith("p") else ["bcl", "b"] if p.startswith("b") else ["m"]
    if v == "DD":
        return ["tcl", "t"] if p.startswith("t") else ["dcl", "d"] if p.startswith("d") else ["dx"]
    if v == "kk":
        return (["kcl", "k"] if p.startswith("k") else ["gcl", "g"] if p.startswith(("g", "ɡ"))
                else ["ng"] if p.startswith("ŋ") else ["hh"])
    if v == "CH":
        return ["tcl", "ch"] if p.startswith("tʃ") else ["dcl", "jh"] if p.startswith("dʒ") else ["sh"]
    if v == "FF":
        return ["f"] if p.startswith("f") else ["v"]
    if v == "TH":
        return ["th"] if p.startswith("θ") else ["dh"]
    return [_VOWEL[v]]


def _phn_lines(utt: Utterance) -> list[str]:
    rate = utt.sample_rate_hz
    lines = []
    for i, phone in enumerate(utt.phones):
        a, b = round(phone.start_s * rate), round(phone.end_s * rate)
        names = _timit_names(phone)
        if names == ["pau"] and i in (0, len(utt.phones) - 1):
            names = ["h#"]
        if len(names) == 2 and b - a >= 2:
            mid = a + (b - a) * 3 // 5
            lines += [f"{a} {mid} {names[0]}", f"{mid} {b} {names[1]}"]
        else:
            lines.append(f"{a} {b} {names[-1]}")
    return lines


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, list[Utterance]]:
    """The corpus folder and the utterances it holds (audio as written, espeak-ng's phones)."""
    root = tmp_path_factory.mktemp("timit")
    made = []
    for speaker, (voice_id, full_timit) in SPEAKERS.items():
        voice = get_voice(voice_id)
        folder = root / speaker
        folder.mkdir(parents=True)
        for n, text in enumerate(SENTENCES):
            utt = voice.synthesize(text)
            stem = folder / (f"SX{n}" if full_timit else f"sx{n}")
            wav, phn = stem.with_suffix(".WAV" if full_timit else ".wav"), stem.with_suffix(".PHN" if full_timit
                                                                                            else ".phn")
            sf.write(wav, utt.audio, utt.sample_rate_hz, format="NIST" if full_timit else "WAV", subtype="PCM_16")
            phn.write_text("\n".join(_phn_lines(utt)) + "\n")
            if n == 1 and not full_timit:  # the words, where no .txt is
                stem.with_suffix(".wrd").write_text("".join(
                    f"{round(w.start_s * utt.sample_rate_hz)} {round(w.end_s * utt.sample_rate_hz)} {w.text}\n"
                    for w in utt.words))
            else:
                txt = stem.with_suffix(".TXT" if full_timit else ".txt")
                txt.write_text(f"0 {len(utt.audio)} {text}\n")
            audio, _ = sf.read(wav, dtype="float32")
            made.append(replace(utt, audio=audio, voice_id=speaker.rsplit("/", 1)[-1]))
    (root / "README").write_text("not a recording\n")
    (root / "dr1-fjsp0" / "orphan.wav").write_bytes((root / "dr1-fjsp0" / "sx0.wav").read_bytes())  # no phones
    return root, made


def _eval(capsys, *args) -> tuple[int, dict | None, str]:
    code = main(["eval", "lipsync", *map(str, args)])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 and "--json" in args else None), err


def test_reads_timit_pairs_in_both_letter_cases(corpus):
    root, made = corpus
    found = find_recordings(root)
    assert len(found) == len(made)  # the README and the audio without phones are not recordings
    assert {r.speaker for r in found} == {"dr1-fjsp0", "MRJO0"}
    assert {r.audio_path.suffix for r in found} == {".wav", ".WAV"}
    assert {r.text_path.suffix for r in found} == {".txt", ".TXT", ".wrd"}


def test_closures_join_their_releases(tmp_path):
    """`pcl p` is one p (counted once among the closures); an unreleased `bcl` keeps closed lips."""
    path = tmp_path / "x.phn"
    path.write_text("0 100 h#\n100 300 pcl\n300 350 p\n350 600 aa\n600 700 bcl\n700 800 m\n"
                    "800 900 tcl\n900 950 ch\n950 1000 epi\n1000 1600 h#\n")
    phones = read_timit_phones(path, 1000, 1600)
    assert [(p.phone, p.viseme, p.start_s, p.end_s) for p in phones] == [
        ("h#", "sil", 0.0, 0.1), ("p", "PP", 0.1, 0.35), ("aa", "aa", 0.35, 0.6), ("bcl", "PP", 0.6, 0.7),
        ("m", "PP", 0.7, 0.8), ("ch", "CH", 0.8, 0.95), ("epi", "sil", 0.95, 1.0), ("h#", "sil", 1.0, 1.6)]
    assert {TIMIT_VISEMES[p] for p in ("h#", "pau", "epi")} == {"sil"}
    assert TIMIT_VISEMES["pcl"] == TIMIT_VISEMES["bcl"] == "PP" and TIMIT_VISEMES["kcl"] == "kk"


def test_corpus_figures_match_judging_the_same_audio(corpus, capsys):
    root, made = corpus
    code, figures, err = _eval(capsys, "--corpus", root, "--text", "--json")
    assert code == 0, err
    from aac.commands.visemes import text_visemes

    expected = judge_utterances(made, LipsyncModel(threads=1), group_of=lambda u: u.voice_id,
                                group_kind="speaker", text_visemes=text_visemes)
    assert figures["utterances"] == len(made) and figures["speakers"] == 2
    assert figures["audio_s"] == pytest.approx(sum(u.duration_s for u in made))
    for key, value in expected.items():
        if key == "model_x_realtime":
            continue
        assert key in figures, key
        if isinstance(value, str):
            assert figures[key] == value, key
        else:
            assert figures[key] == pytest.approx(value, abs=1e-9), key
    # the figures are judged, not constant: the audio model sees real speech, and the text helps
    assert 0.3 < figures["model_frame_accuracy"] < 1.0
    assert figures["model_closures_shown"] > 0.5
    for key in ("frame_accuracy", "speech_frame_accuracy", "closures_shown", "openness_r", "false_closures"):
        per = [figures[f"model_{key}@speaker:{s}"] for s in ("dr1-fjsp0", "MRJO0")]
        worst = max(per) if key == "false_closures" else min(per)
        assert figures[f"worst_speaker_{key}"] == worst
        assert figures[f"speaker_mean_{key}"] == pytest.approx(np.mean(per))
        assert f"text_worst_speaker_{key}" in figures


def test_sentences_per_speaker_and_the_table(corpus, capsys):
    root, _ = corpus
    code, figures, err = _eval(capsys, "--corpus", root, "--sentences", "1", "--json")
    assert code == 0, err
    assert figures["utterances"] == 2 and figures["speakers"] == 2
    assert main(["eval", "lipsync", "--corpus", str(root)]) == 0
    out = capsys.readouterr().out
    assert "2 speakers, 6 recordings" in out
    assert "by speaker (audio model)" in out and "worst speaker" in out and "MRJO0" in out


def _bad_corpus(tmp_path: Path, corpus_root: Path, phn: str | None = None, wav: bytes | None = None) -> Path:
    bad = tmp_path / "bad" / "spk0"
    bad.mkdir(parents=True)
    src = corpus_root / "dr1-fjsp0"
    (bad / "sx0.wav").write_bytes(wav if wav is not None else (src / "sx0.wav").read_bytes())
    (bad / "sx0.phn").write_text(phn if phn is not None else (src / "sx0.phn").read_text())
    return bad.parent


@pytest.mark.parametrize(
    ("case", "names", "says"),
    [
        ("past_end", "sx0.phn", "past the audio's end"),
        ("bad_line", "sx0.phn", "line 2: expected 'START END PHONE'"),
        ("unknown_phone", "sx0.phn", "'zz' is not a TIMIT phone"),
        ("backwards", "sx0.phn", "before it starts"),
        ("not_audio", "sx0.wav", "not a readable audio file"),
        ("shorten", "sx0.wav", "NIST SPHERE audio that soundfile cannot read"),
        ("empty_phn", "sx0.phn", "holds no phones"),
    ],
)
def test_bad_corpus_input_is_one_line_naming_the_file(corpus, tmp_path, capsys, case, names, says):
    root, _ = corpus
    n = sf.info(root / "dr1-fjsp0" / "sx0.wav").frames
    sphere = (b"NIST_1A\n   1024\nchannel_count -i 1\nsample_rate -i 16000\nsample_n_bytes -i 2\n"
              b"sample_count -i 100\nsample_coding -s26 pcm,embedded-shorten-v2.00\nend_head\n").ljust(1024) + bytes(64)
    phn, wav = {
        "past_end": (f"0 100 h#\n100 {n + 1600} aa\n", None),  # 100 ms past: another recording's
        "bad_line": ("0 100 h#\n100 aa\n", None),
        "unknown_phone": ("0 100 h#\n100 200 zz\n", None),
        "backwards": ("0 100 h#\n300 200 aa\n", None),
        "not_audio": (None, b"this is not audio at all" * 10),
        "shorten": (None, sphere),
        "empty_phn": ("\n", None),
    }[case]
    folder = _bad_corpus(tmp_path, root, phn, wav)
    code, _, err = _eval(capsys, "--corpus", folder, "--json")
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err
    assert names in lines[0] and says in lines[0], lines[0]


def test_no_pairs_and_wrong_options(tmp_path, capsys, corpus):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "a.wav").write_bytes(b"")
    code, _, err = _eval(capsys, "--corpus", empty)
    assert code == 2 and str(empty) in err and "no recordings with phones found" in err
    with pytest.raises(SystemExit):
        main(["eval", "lipsync", "--corpus", str(tmp_path / "missing")])
    assert "no such corpus folder" in capsys.readouterr().err
    code, _, err = _eval(capsys, "--corpus", corpus[0], "--voice", "flite:awb")
    assert code == 2 and "--corpus" in err
    with pytest.raises(MotionError, match="no such corpus folder"):
        find_recordings(tmp_path / "missing")


_ARPABET = {"sil": "sil", "FF": "F", "TH": "TH", "DD": "T", "kk": "K", "CH": "SH", "SS": "S", "nn": "N", "RR": "R",
            "aa": "AA1", "E": "EH0", "ih": "IY1", "oh": "OW1", "ou": "UW1"}


def _arpabet(phone: TimedPhone) -> str:
    if phone.viseme == "PP":
        return "P" if phone.phone.startswith("p") else "B" if phone.phone.startswith("b") else "M"
    return _ARPABET[phone.viseme]


def _textgrid(utt: Utterance) -> str:
    """A Praat TextGrid in its long text format: a words tier, then a phones tier in ARPAbet."""
    def tier(name: str, items: list[tuple[float, float, str]]) -> str:
        rows = "".join(f'        intervals [{i}]:\n            xmin = {a!r}\n            xmax = {b!r}\n'
                       f'            text = "{t}"\n' for i, (a, b, t) in enumerate(items, 1))
        return (f'    item [{name[0]}]:\n        class = "IntervalTier"\n        name = "{name[1]}"\n'
                f'        xmin = 0\n        xmax = {utt.duration_s!r}\n        intervals: size = {len(items)}\n{rows}')
    words = [(w.start_s, w.end_s, w.text) for w in utt.words]
    phones = [(p.start_s, p.end_s, "" if p.viseme == "sil" else _arpabet(p)) for p in utt.phones]
    return (f'File type = "ooTextFile"\nObject class = "TextGrid"\n\nxmin = 0\nxmax = {utt.duration_s!r}\n'
            f'tiers? <exists>\nsize = 2\nitem []:\n' + tier((1, "words"), words) + tier((2, "Phones"), phones))


@pytest.fixture(scope="module")
def textgrid_and_lab_corpus(tmp_path_factory) -> tuple[Path, list[Utterance]]:
    """A corpus of TextGrids (ARPAbet, words from its tier) and HTK .lab files (transcript in a .txt)."""
    root = tmp_path_factory.mktemp("tg")
    made = []
    for speaker, voice_id in (("tg", "espeak:en-us"), ("htk", "espeak:en-gb")):
        (root / speaker).mkdir()
        voice = get_voice(voice_id)
        for n, text in enumerate(SENTENCES[:2]):
            utt = voice.synthesize(text)
            stem = root / speaker / f"u{n}"
            sf.write(stem.with_suffix(".wav"), utt.audio, utt.sample_rate_hz, subtype="PCM_16")
            if speaker == "tg":
                stem.with_suffix(".TextGrid").write_text(_textgrid(utt))
            else:
                stem.with_suffix(".lab").write_text("".join(
                    f"{round(p.start_s * 1e7)} {round(p.end_s * 1e7)} {_arpabet(p)}\n" for p in utt.phones))
                stem.with_suffix(".txt").write_text(text + "\n")
            audio, _ = sf.read(stem.with_suffix(".wav"), dtype="float32")
            made.append(replace(utt, audio=audio, voice_id=speaker))
    return root, made


def test_textgrid_and_htk_lab_figures_match_judging_the_same_audio(textgrid_and_lab_corpus, capsys):
    root, made = textgrid_and_lab_corpus
    from aac.commands.visemes import text_visemes

    texts = {u.voice_id: u.text for u in corpus_utterances(root)}  # the TextGrid's words tier, the .txt
    assert texts["tg"].split()[:2] == SENTENCES[1].split()[:2] and texts["htk"] == SENTENCES[1]
    code, figures, err = _eval(capsys, "--corpus", root, "--text", "--json")
    assert code == 0, err
    expected = judge_utterances(made, LipsyncModel(threads=1), group_of=lambda u: u.voice_id,
                                group_kind="speaker", text_visemes=text_visemes)
    assert figures["speakers"] == 2 and figures["utterances"] == 4
    for key, value in expected.items():
        if key != "model_x_realtime" and not isinstance(value, str):
            assert figures[key] == pytest.approx(value, abs=2e-3), key


def test_short_textgrid_xlabel_and_mrpa(tmp_path):
    """Praat's short text format reads as its long one; an xlabel .lab's labels run from the previous end;
    MRPA's release H joins its stop, and a fused db shows closed lips."""
    short = tmp_path / "s.TextGrid"
    short.write_text('File type = "ooTextFile"\nObject class = "TextGrid"\n\n0\n1\n<exists>\n2\n'
                     '"TextTier"\n"marks"\n0\n1\n1\n0.5\n"peak"\n'
                     '"IntervalTier"\n"Phonetic"\n0\n1\n4\n0\n0.2\n""\n0.2\n0.5\n"t"\n0.5\n0.6\n"H"\n0.6\n1\n"@:"\n')
    phones = read_phones(short, 100, 100, "mrpa")
    assert [(p.phone, p.viseme, p.start_s, p.end_s) for p in phones] == [
        ("", "sil", 0.0, 0.2), ("t", "DD", 0.2, 0.6), ("@:", "E", 0.6, 1.0)]
    lab = tmp_path / "x.lab"
    lab.write_text("signal x\nnfields 1\n#\n\t0.25\t125\tH#\n\t0.5\t125\tdb\n\t0.75\t125\tA\n\t1.0\t125\tH\n")
    phones = read_phones(lab, 100, 100, "mrpa")
    assert [(p.phone, p.viseme, p.start_s, p.end_s) for p in phones] == [
        ("H#", "sil", 0.0, 0.25), ("db", "PP", 0.25, 0.5), ("A", "aa", 0.5, 0.75), ("h", "kk", 0.75, 1.0)]


def test_a_label_rounded_a_hair_past_the_audios_end_ends_with_it(tmp_path):
    """HTK's 100 ns units and rounded decimals may end the last phone past the audio by less than a
    sample; that is the audio's end. A phone a frame or more past it is still refused."""
    lab = tmp_path / "x.lab"
    lab.write_text("0 5000000 sil\n5000000 10000001 aa\n")  # 1.0000001 s of labels, 1 s of audio
    phones = read_phones(lab, 16000, 16000, "arpabet")
    assert phones[-1].end_s == 1.0
    lab.write_text("0 5000000 sil\n5000000 10200000 aa\n")  # 20 ms past the end
    with pytest.raises(MotionError, match="past the audio's end"):
        read_phones(lab, 16000, 16000, "arpabet")


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("a.TextGrid", 'File type = "ooTextFile"\nObject class = "TextGrid"\n0\n1\n<exists>\n1\n"IntervalTier"\n'
         '"words"\n0\n1\n1\n0\n1\n"hello"\n', "no phone tier (one named phones"),
        ("a.TextGrid", "just some text\n", "not a Praat TextGrid"),
        ("a.TextGrid", 'File type = "ooTextFile"\nObject class = "TextGrid"\n0\n1\n<exists>\n1\n"IntervalTier"\n'
         '"phones"\n0\n1\n2\n0\n0.5\n"AA1"\n', "ends part way"),
        ("a.lab", "0 5000000 AA1\n5000000 x B\n", "line 2: expected 'START END LABEL' in 100 ns (HTK)"),
        ("a.lab", "0 5000000 AA1\n5000000 9000000 Q9\n", "'Q9' is not a ARPABET phone"),
    ],
)
def test_bad_textgrid_and_lab_name_the_file(tmp_path, name, content, says):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(MotionError) as err:
        read_phones(path, 100, 100)
    assert str(path) in str(err.value) and says in str(err.value), str(err.value)
