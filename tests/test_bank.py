"""Message banking: recordings made ready (every kind of bad input), kept in the profile, listed, removed,
played, exported and imported with the profile. The live engine's side is in test_bank_live.py."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from profiles.bank import INDEX_FILE, add_to_bank, bank_clip_paths, load_bank, phrase_key, remove_from_bank, slug
from profiles.store import ProfileStore
from speech.banked import BANK_RATE_HZ, MAX_CLIP_S, ClipError, load_clip
from speech.loudness import PEAK_CEILING_DBFS, TARGET_RMS_DBFS, level, speech_rms
from speech.registry import get_voice

REPO = Path(__file__).resolve().parents[1]
PHRASE = "Thank you, that helps a lot."


@pytest.fixture(scope="module")
def speech_clip():
    """A phrase in the product's own voice, as a person's recording might be: quiet, with silence around it."""
    utterance = get_voice("espeak:en-us").synthesize(PHRASE)
    rate = utterance.sample_rate_hz
    pad = np.zeros(int(0.8 * rate), np.float32)
    return np.concatenate([pad, 0.1 * utterance.audio, pad]).astype(np.float32), rate


def db(value: float) -> float:
    return float(20 * np.log10(value))


def write(path: Path, audio: np.ndarray, rate: int, subtype: str = "PCM_16", fmt: str | None = None) -> Path:
    sf.write(path, audio, rate, subtype=subtype, format=fmt)
    return path


def run_cli(*args: str, profiles: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "aac", "--profiles-dir", str(profiles), *args],
                          capture_output=True, text=True, env=env, timeout=120)


# -- the clip ------------------------------------------------------------------------------------------
def test_clip_is_trimmed_levelled_and_kept_as_mono_16_bit(speech_clip, tmp_path):
    audio, rate = speech_clip
    clip = load_clip(write(tmp_path / "thanks.wav", audio, rate))
    assert clip.sample_rate_hz == BANK_RATE_HZ and clip.audio.ndim == 1
    spoken_s = (np.abs(audio) > 1e-4).nonzero()[0]
    speech_s = (spoken_s[-1] - spoken_s[0]) / rate
    assert speech_s <= clip.duration_s <= speech_s + 0.2  # 1.6 s of silence trimmed, the phrase whole
    # the aid's common loudness (the voices' level, peaks under the ceiling), from a quiet recording
    voiced = level(audio, rate)
    assert abs(db(speech_rms(clip.audio, clip.sample_rate_hz)) - db(speech_rms(voiced, rate))) < 0.5
    assert db(speech_rms(audio, rate)) < TARGET_RMS_DBFS - 15  # it was far quieter
    assert np.abs(clip.audio).max() <= 10 ** (PEAK_CEILING_DBFS / 20) + 1e-3
    info = sf.info(__import__("io").BytesIO(clip.wav_bytes()))
    assert (info.channels, info.samplerate, info.subtype) == (1, BANK_RATE_HZ, "PCM_16")


@pytest.mark.parametrize("fmt,suffix", [("FLAC", ".flac"), ("OGG", ".ogg"), ("MP3", ".mp3")])
def test_flac_ogg_and_mp3_are_read(speech_clip, tmp_path, fmt, suffix):
    audio, rate = speech_clip
    subtype = {"FLAC": "PCM_16", "OGG": "VORBIS", "MP3": "MPEG_LAYER_III"}[fmt]
    clip = load_clip(write(tmp_path / f"thanks{suffix}", audio, rate, subtype, fmt))
    assert 1.0 < clip.duration_s < 3.0


def test_48_khz_stereo_is_converted_to_mono_at_the_bank_rate(speech_clip, tmp_path):
    from avatar.lipsync.resample import resample

    audio, rate = speech_clip
    high = resample(audio, rate, 48_000)
    stereo = np.stack([high, 0.5 * high], axis=1)
    clip = load_clip(write(tmp_path / "stereo48k.wav", stereo, 48_000))
    assert clip.sample_rate_hz == BANK_RATE_HZ and clip.audio.ndim == 1
    assert any("48000 Hz stereo" in note for note in clip.notes)
    mono = load_clip(write(tmp_path / "mono.wav", audio, rate))
    n = min(len(clip.audio), len(mono.audio))
    assert np.corrcoef(clip.audio[:n], mono.audio[:n])[0, 1] > 0.95  # the same phrase


def test_8_bit_is_read_with_a_note(speech_clip, tmp_path):
    audio, rate = speech_clip
    clip = load_clip(write(tmp_path / "old.wav", audio * 8, rate, "PCM_U8"))
    assert any("8-bit" in note and "old.wav" in note for note in clip.notes)
    assert clip.duration_s > 1.0


def test_clipped_recording_is_kept_with_a_warning(speech_clip, tmp_path):
    audio, rate = speech_clip
    hot = np.clip(audio * 40, -1, 1)
    clip = load_clip(write(tmp_path / "loud.wav", hot, rate))
    assert any("too loud" in note and "loud.wav" in note for note in clip.notes)
    assert not load_clip(write(tmp_path / "fine.wav", audio, rate)).notes


@pytest.mark.parametrize("case,expected", [
    ("not_audio", "could not be decoded"),
    ("empty", "the file is empty"),
    ("silent", "is silent"),
    ("hum", "is silent"),
    ("click", "not a phrase"),
    ("hour", "lasts 60 min"),
    ("missing", "no such file"),
])
def test_bad_clips_are_refused_naming_the_file(tmp_path, case, expected):
    rate = 16_000
    path = tmp_path / f"{case}.wav"
    if case == "not_audio":
        path.write_text("RIFF? no, a shopping list: milk, bread")
    elif case == "empty":
        path.write_bytes(b"")
    elif case == "silent":
        write(path, np.zeros(rate * 2, np.float32), rate)
    elif case == "hum":  # a muted microphone's noise floor
        write(path, (1e-4 * np.random.default_rng(0).standard_normal(rate * 2)).astype(np.float32), rate)
    elif case == "click":
        audio = np.zeros(rate * 2, np.float32)
        audio[rate: rate + 40] = 0.5
        write(path, audio, rate)
    elif case == "hour":
        with sf.SoundFile(path, "w", 8000, 1, subtype="PCM_U8") as out:
            block = np.zeros(8000 * 60, np.float32)
            for _ in range(60):
                out.write(block)
    with pytest.raises(ClipError, match=expected) as caught:
        load_clip(path)
    assert str(path) in str(caught.value) and "Fix:" in str(caught.value)
    assert getattr(caught.value, "is_user_error", False)


def test_the_hour_long_clip_is_refused_from_its_header(tmp_path, monkeypatch):
    """An hour of 48 kHz stereo decoded would be 1.4 GB: the length is checked before decoding."""
    path = tmp_path / "lecture.wav"
    with sf.SoundFile(path, "w", 8000, 1, subtype="PCM_U8") as out:
        out.write(np.zeros(int(8000 * (MAX_CLIP_S + 5)), np.float32))
    monkeypatch.setattr(sf, "read", lambda *a, **k: pytest.fail("decoded an over-long clip"))
    with pytest.raises(ClipError, match="at most 120 s"):
        load_clip(path)


# -- the store -----------------------------------------------------------------------------------------
def test_phrase_matching_ignores_case_and_punctuation():
    assert phrase_key("Thank you, that helps a lot.") == phrase_key("thank you that helps  a LOT!")
    assert phrase_key("I'm cold") != phrase_key("I am cold")
    assert slug("Thank you, that helps!") == "thank-you-that-helps"
    assert slug("Café ça va?") == "cafe-ca-va" and slug("谢谢") == "phrase"


def test_bank_add_replace_remove_owner_only(tmp_path):
    store = ProfileStore(tmp_path / "profiles")
    wav = b"RIFF-not-checked-here"
    first = add_to_bank(store, "default", "Thank you!", wav, 1.5)
    folder = store.profile_dir("default")
    assert store.in_user_store("default")  # the shipped default became the person's own first
    assert first.file == "bank/thank-you.wav" and (folder / first.file).read_bytes() == wav
    again = add_to_bank(store, "default", "thank you", b"new take", 1.2)  # the same phrase: replaced
    assert again.file == first.file and (folder / first.file).read_bytes() == b"new take"
    other = add_to_bank(store, "default", "Thank you?!", b"x", 1.0)
    assert other.file == first.file  # still the same phrase
    add_to_bank(store, "default", "Thank-you note", b"y", 1.0)
    bank = load_bank(store, "default")
    assert [e.phrase for e in bank.entries] == ["Thank you?!", "Thank-you note"]
    assert bank_clip_paths(folder) == [folder / "bank" / "thank-you.wav", folder / "bank" / "thank-you-note.wav"]
    index = json.loads((folder / INDEX_FILE).read_text())
    assert set(index[0]) == {"phrase", "file", "duration_s", "added"}
    for path in [folder / "bank", folder / INDEX_FILE, folder / first.file]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600)
    assert (folder / (first.file + ".bak")).read_bytes() == b"new take"  # the take before the last is kept
    remove_from_bank(store, "default", "THANK YOU")
    assert not (folder / first.file).exists() and not (folder / (first.file + ".bak")).exists()
    assert [e.phrase for e in load_bank(store, "default").entries] == ["Thank-you note"]
    with pytest.raises(ValueError, match="not banked"):
        remove_from_bank(store, "default", "never said")


def test_a_voices_reference_clip_is_not_removed(tmp_path):
    """A cloned voice speaks like the banked recordings it names: removing one would break the voice."""
    store = ProfileStore(tmp_path / "profiles")
    entry = add_to_bank(store, "default", "Good morning", b"RIFF", 1.0)
    profile = store.load("default")
    store.save(profile.model_copy(update={"voice": profile.voice.model_copy(
        update={"reference_clips": [entry.file]})}))
    with pytest.raises(ValueError, match="reference clip of the voice"):
        remove_from_bank(store, "default", "good morning")
    assert (store.profile_dir("default") / entry.file).is_file() and load_bank(store, "default").find("Good morning")


def test_damaged_index_loses_nothing(tmp_path):
    store = ProfileStore(tmp_path / "profiles")
    add_to_bank(store, "default", "Yes please", b"a", 1.0)
    add_to_bank(store, "default", "No thanks", b"b", 1.0)
    index = store.profile_dir("default") / INDEX_FILE
    index.write_text("[{\"phrase\": ")  # a disk error mid-write
    bank = load_bank(store, "default")
    assert [e.phrase for e in bank.entries] == ["Yes please"] and "previous version" in bank.note
    Path(str(index) + ".bak").write_text("{oops")
    bank = load_bank(store, "default")
    assert bank.entries == () and bank.note
    with pytest.raises(ValueError, match="restore"):
        add_to_bank(store, "default", "Hello", b"c", 1.0)
    assert index.read_text() == "[{\"phrase\": "  # both versions are still there to repair by hand


# -- the command line ----------------------------------------------------------------------------------
def test_bank_cli_add_list_remove(speech_clip, tmp_path):
    audio, rate = speech_clip
    profiles = tmp_path / "profiles"
    clip = write(tmp_path / "thanks.wav", audio, rate)
    added = run_cli("bank", "add", str(clip), "--phrase", PHRASE, profiles=profiles)
    assert added.returncode == 0, added.stderr
    assert "banked 'Thank you, that helps a lot.'" in added.stdout
    listed = run_cli("bank", "list", profiles=profiles)
    assert PHRASE in listed.stdout and "bank/thank-you-that-helps-a-lot.wav" in listed.stdout
    assert " s " in listed.stdout
    bad = tmp_path / "notes.wav"
    bad.write_text("not a recording")
    refused = run_cli("bank", "add", str(bad), "--phrase", "Hello", profiles=profiles)
    assert refused.returncode == 2 and str(bad) in refused.stderr and "Traceback" not in refused.stderr
    assert "Hello" not in run_cli("bank", "list", profiles=profiles).stdout  # and nothing else changed
    assert PHRASE in run_cli("bank", "list", profiles=profiles).stdout
    stereo = write(tmp_path / "hot.wav", np.stack([np.clip(audio * 40, -1, 1)] * 2, axis=1), rate)
    noted = run_cli("bank", "add", str(stereo), "--phrase", "Loud and clear", profiles=profiles)
    assert noted.returncode == 0 and "note: " in noted.stderr and "too loud" in noted.stderr
    assert "stereo" in noted.stderr and str(stereo) in noted.stderr
    missing = run_cli("bank", "play", "never banked", profiles=profiles)
    assert missing.returncode == 2 and "not banked" in missing.stderr
    removed = run_cli("bank", "remove", "thank you that helps a lot", profiles=profiles)
    assert removed.returncode == 0 and "removed" in removed.stdout
    assert run_cli("bank", "remove", "LOUD and clear", profiles=profiles).returncode == 0
    assert "no banked phrases" in run_cli("bank", "list", profiles=profiles).stdout


@pytest.mark.pulse
def test_bank_play_reaches_the_speakers(speech_clip, tmp_path, pulse_server):
    from speech.source_recorder import SourceRecorder
    from tests.speech_checks import aligned_correlation

    audio, rate = speech_clip
    profiles = tmp_path / "profiles"
    assert run_cli("bank", "add", str(write(tmp_path / "t.wav", audio, rate)), "--phrase", PHRASE,
                   profiles=profiles).returncode == 0
    with SourceRecorder("test_speakers.monitor", BANK_RATE_HZ) as recorder:
        assert recorder.started.wait(10) and recorder.error is None
        played = run_cli("bank", "play", "Thank you, that helps a lot!", profiles=profiles)
        time.sleep(0.5)  # what is still in the server's buffers
    assert played.returncode == 0, played.stderr
    kept, _ = sf.read(profiles / "default" / "bank" / "thank-you-that-helps-a-lot.wav", dtype="float32")
    assert aligned_correlation(recorder.audio(), kept) > 0.9


# -- moving the profile --------------------------------------------------------------------------------
def test_export_and_import_carry_the_bank(speech_clip, tmp_path):
    from aac.bank import bank_file
    from profiles.archive import export_profile, import_profile

    audio, rate = speech_clip
    store = ProfileStore(tmp_path / "here")
    bank_file(store, "default", write(tmp_path / "t.wav", audio, rate), PHRASE)
    archive = tmp_path / "me.zip"
    members = export_profile(store, "default", archive)
    assert "bank/index.json" in members and "bank/thank-you-that-helps-a-lot.wav" in members
    elsewhere = ProfileStore(tmp_path / "there")
    import_profile(elsewhere, archive, name="me")
    bank = load_bank(elsewhere, "me")
    assert [e.phrase for e in bank.entries] == [PHRASE] and bank.note is None
    assert (elsewhere.profile_dir("me") / bank.entries[0].file).read_bytes() == \
        (store.profile_dir("default") / bank.entries[0].file).read_bytes()


def test_a_big_bank_travels(tmp_path):
    """People with ALS often bank hundreds of messages: the archive's limits must let them through."""
    from profiles.archive import export_profile, import_profile

    store = ProfileStore(tmp_path / "here")
    add_to_bank(store, "default", "Message number 0", b"RIFF" + bytes(64), 1.0)
    folder = store.profile_dir("default")
    entries = json.loads((folder / INDEX_FILE).read_text())
    for i in range(1, 400):  # written directly: 400 atomic saves, each flushed to the disk, take a while
        (folder / "bank" / f"message-number-{i}.wav").write_bytes(b"RIFF" + bytes(64))
        entries.append({**entries[0], "phrase": f"Message number {i}", "file": f"bank/message-number-{i}.wav"})
    (folder / INDEX_FILE).write_text(json.dumps(entries))
    export_profile(store, "default", tmp_path / "big.zip")
    elsewhere = ProfileStore(tmp_path / "there")
    import_profile(elsewhere, tmp_path / "big.zip", name="me")
    assert len(load_bank(elsewhere, "me").entries) == 400


@pytest.mark.parametrize("damage,expected", [
    ("index", "bank/index.json"),
    ("outside", "not a file in bank/"),
    ("missing_clip", "is not in the archive"),
])
def test_import_refuses_a_damaged_bank(speech_clip, tmp_path, damage, expected):
    from aac.bank import bank_file
    from profiles.archive import export_profile, import_profile
    from profiles.errors import ProfileError

    audio, rate = speech_clip
    store = ProfileStore(tmp_path / "here")
    bank_file(store, "default", write(tmp_path / "t.wav", audio, rate), PHRASE)
    good = tmp_path / "good.zip"
    export_profile(store, "default", good)
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "bank/index.json":
                entries = json.loads(data)
                if damage == "index":
                    data = b"[{"
                elif damage == "outside":
                    entries[0]["file"] = "../../.bashrc"
                    data = json.dumps(entries).encode()
            elif damage == "missing_clip" and info.filename.endswith(".wav"):
                continue
            out.writestr(info.filename, data)
    elsewhere = ProfileStore(tmp_path / "there")
    with pytest.raises(ProfileError, match=expected):
        import_profile(elsewhere, bad, name="me")
    assert not (elsewhere.root / "me").exists()


def test_the_app_sees_a_phrase_banked_while_it_runs(speech_clip, tmp_path):
    from aac.bank import BankedPhrases, bank_file

    audio, rate = speech_clip
    store = ProfileStore(tmp_path / "profiles")
    phrases = BankedPhrases(store, "default", 22_050)
    assert phrases.recording(PHRASE) is None
    bank_file(store, "default", write(tmp_path / "t.wav", audio, rate), PHRASE)
    recording = phrases.recording("thank you, THAT helps a lot")
    assert recording is not None and recording.text == "thank you, THAT helps a lot"
    assert recording.voice_id == "recording" and "lipsync" in recording.meta  # lips ready before Speak
    # its prosody too (what the head's nods follow): the face made from it at Speak is the one made from scratch
    from avatar.motion.speech_motion import speech_motion
    from speech.text_visemes import text_visemes

    said = text_visemes(recording.text, "en-US")
    assert said and recording.meta["text_visemes"] == said  # what it says, read when it was made ready
    ahead = speech_motion(recording, 30.0, seed=3, lipsync=recording.meta["lipsync"],
                          prosody=recording.meta["prosody"], text_visemes=recording.meta["text_visemes"])
    fresh = speech_motion(recording, 30.0, seed=3, text_visemes=said)
    assert ahead.source == fresh.source == "audio"
    assert np.allclose(ahead.values, fresh.values, atol=1e-5) and np.allclose(ahead.visemes, fresh.visemes, atol=1e-5)
    assert phrases.recording("thank you") is None  # the whole phrase, not a part of it
    remove_from_bank(store, "default", PHRASE)
    assert phrases.recording(PHRASE) is None and not phrases.problems


def test_a_dc_offset_is_not_taken_for_sound(tmp_path):
    """A cheap USB microphone left muted: no sound, but its samples sit at a constant offset."""
    offset = np.full(16_000 * 2, 0.2, np.float32)
    with pytest.raises(ClipError, match="is silent"):
        load_clip(write(tmp_path / "muted.wav", offset, 16_000))


def test_a_phrase_banked_while_the_app_runs_is_made_ready_before_it_is_spoken(speech_clip, tmp_path):
    from aac.bank import bank_file, banked_phrases

    audio, rate = speech_clip
    store = ProfileStore(tmp_path / "profiles")
    phrases = banked_phrases(store, "default", 22_050)
    bank_file(store, "default", write(tmp_path / "t.wav", audio, rate), PHRASE)  # kept in caregiver mode
    phrases.bank()  # the app's next look at the index (any Speak) sees the change and starts the work
    deadline = time.monotonic() + 30
    while not phrases.is_ready(PHRASE) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert phrases.is_ready(PHRASE)


def test_a_folder_of_recordings_is_banked_each_as_its_file_names_phrase(speech_clip, tmp_path):
    """A bank made elsewhere (another app's export, a folder of takes): every recording, named for its phrase."""
    from aac.bank import phrase_from_file_name

    assert phrase_from_file_name(Path("017_thank_you-so much.wav")) == "thank you so much"
    assert phrase_from_file_name(Path("03 - Good morning.flac")) == "Good morning"
    assert phrase_from_file_name(Path("2 cups of tea.mp3")) == "2 cups of tea"
    audio, rate = speech_clip
    folder = tmp_path / "exported"
    folder.mkdir()
    write(folder / "01_good_morning.wav", audio, rate)
    sf.write(folder / "02_Thank-you.flac", audio, rate)
    write(folder / "03_good morning.wav", audio, rate)  # the same phrase again: the first is kept
    (folder / "04_broken.wav").write_bytes(b"RIFF not really")
    (folder / "notes.txt").write_text("not a recording")
    profiles = tmp_path / "profiles"
    done = run_cli("bank", "add", str(folder), profiles=profiles)
    assert done.returncode == 2, done.stderr  # not all of it banked: said, and the rest banked all the same
    assert "banked 2 of 4 recordings" in done.stdout and "Traceback" not in done.stderr
    assert "04_broken.wav" in done.stderr and "03_good morning.wav" in done.stderr and "notes.txt" not in done.stderr
    bank = load_bank(ProfileStore(profiles), "default")
    assert sorted(e.phrase for e in bank.entries) == ["Thank you", "good morning"]
    done = run_cli("bank", "add", str(folder), "--phrase", "hello", profiles=profiles)
    assert done.returncode == 2 and "not a file" in done.stderr
    done = run_cli("bank", "add", str(tmp_path / "none.wav"), profiles=profiles)
    assert done.returncode == 2 and "--phrase" in done.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    done = run_cli("bank", "add", str(empty), profiles=profiles)
    assert done.returncode == 2 and "holds no recordings" in done.stderr
