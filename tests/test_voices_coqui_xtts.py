"""An XTTS voice cloned from the person's banked recordings, through the real coqui code path on a tiny XTTS with
random weights built here (tests/coqui_tiny.py): banked -> chosen as references -> cloned once when it loads ->
speaks the profile's language, sentence by sentence -> moves the avatar. And the language choice itself."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np
import pytest
import soundfile
import yaml

from speech.voice_language import pick_language
from tests.test_voices_coqui import COQUI_PROBLEM, REPO, aac, build_tiny, needs_coqui


@pytest.fixture(scope="module")
def tiny_xtts(tmp_path_factory) -> Path:
    """A tiny random XTTS model folder (en, de, fr), built in its own process (torch stays out of this one)."""
    if COQUI_PROBLEM:
        pytest.skip(COQUI_PROBLEM)
    return build_tiny(tmp_path_factory.mktemp("coqui") / "tiny-xtts", "build_tiny_xtts")


def _set_language(profiles: Path, language: str) -> None:
    path = profiles / "default" / "profile.yaml"
    data = yaml.safe_load(path.read_text())
    data["language"] = language
    path.write_text(yaml.safe_dump(data, sort_keys=False))


@needs_coqui
def test_xtts_cloned_once_from_banked_clips_speaks_the_profiles_language(tiny_xtts, tmp_path, monkeypatch):
    from avatar.motion.speech_motion import speech_motion
    from profiles.bank import bank_clip_paths
    from speech.espeak import EspeakVoice
    from speech.fallback import open_with_fallback
    from speech.registry import get_voice
    from speech.voice import VoiceSettings

    profiles, voices = tmp_path / "profiles", tmp_path / "voices"
    env = {**os.environ, "PYTHONPATH": str(REPO), "AAC_AVATAR_PROFILES_DIR": str(profiles),
           "AAC_AVATAR_VOICES_DIR": str(voices)}
    monkeypatch.setenv("AAC_AVATAR_VOICES_DIR", str(voices))
    # the person's recordings, banked as a caregiver would bank them (spoken here by another voice)
    speaker = EspeakVoice("en-gb")
    try:
        for phrase in ("Good morning, how are you?", "Thank you very much."):
            clip = tmp_path / f"{len(phrase)}.wav"
            utterance = speaker.synthesize(phrase)
            soundfile.write(clip, utterance.audio, utterance.sample_rate_hz)
            done = aac("bank", "add", str(clip), "--phrase", phrase, env=env)
            assert done.returncode == 0, done.stderr
    finally:
        speaker.close()
    clips = bank_clip_paths(profiles / "default")
    assert len(clips) == 2
    done = aac("voices", "add", str(tiny_xtts), "--name", "tinyx", env=env)
    assert done.returncode == 0, done.stderr
    # the banked clips become the voice's references (named in place): the voice is cloned to be chosen
    done = aac("voices", "use", "coqui:tinyx", *[a for c in clips for a in ("--reference", str(c))], env=env)
    assert done.returncode == 0, done.stderr
    references = yaml.safe_load((profiles / "default" / "profile.yaml").read_text())["voice"]["reference_clips"]
    assert sorted(references) == sorted(f"bank/{c.name}" for c in clips)

    # the profile's language reaches the model: German text spoken as German, from `say` with the profile
    _set_language(profiles, "de-DE")
    out = tmp_path / "guten-morgen.wav"
    done = aac("say", "Guten Morgen. Wie geht es dir?", "-o", str(out), env=env)
    assert done.returncode == 0, done.stderr
    assert "speaks no" not in done.stderr and "instead" not in done.stderr, done.stderr  # no fallback, no caveat
    audio, rate = soundfile.read(out, dtype="float32")
    assert rate == 24000 and audio.size > 0.2 * rate and np.max(np.abs(audio)) > 0.01
    # a language the model does not speak: said, with the model's first language, and the person is told
    _set_language(profiles, "sv-SE")
    done = aac("say", "Hej.", "-o", str(out), env=env)
    assert done.returncode == 0 and "coqui:tinyx speaks no sv-SE" in done.stderr and "it speaks en" in done.stderr

    voice = get_voice("coqui:tinyx", VoiceSettings(language="de-DE"), reference_clips=tuple(clips))
    try:
        assert voice.language == "de" and voice.notes == ()
        # cloned once, when it loaded: the clips are not read again for each sentence
        moved = [c.rename(c.with_suffix(".away")) for c in clips]
        parts = list(voice.stream("Guten Morgen. Wie geht es dir heute?"))
        assert [p.text for p in parts] == ["Guten Morgen.", "Wie geht es dir heute?"]  # first sentence first
        for part in parts:
            assert part.sample_rate_hz == 24000 and part.meta["language"] == "de" and not part.has_timing
            assert part.duration_s > 0.1 and np.all(np.isfinite(part.audio)) and np.max(np.abs(part.audio)) > 0.001
        motion = speech_motion(parts[0], fps=30.0)
        assert motion.source == "audio" and np.all(np.isfinite(motion.values))
        assert motion.values.shape[0] == int(np.ceil(parts[0].duration_s * 30.0 - 1e-9))
        for away, clip in zip(moved, clips, strict=True):
            away.rename(clip)
    finally:
        voice.close()
    # a voice that cannot be cloned (its clips gone) falls back to the fallback voice and says why
    for clip in clips:
        clip.unlink()
    shown: list[str] = []
    fallback = open_with_fallback("coqui:tinyx", "espeak:en-us", VoiceSettings(language="en-US"),
                                  reference_clips=tuple(clips), on_problem=shown.append)
    try:
        assert fallback.primary is None and "could not load" in shown[0] and "espeak:en-us instead" in shown[0]
        assert fallback.synthesize_sentence("Hello.").duration_s > 0.2
    finally:
        fallback.close()


def test_the_profiles_language_is_the_voices(tmp_path, monkeypatch):
    from aac.voice_setup import voice_request
    from profiles.store import ProfileStore

    store = ProfileStore(tmp_path / "profiles")
    store.save(store.open("default").profile.model_copy(update={"language": "pt-BR"}))
    args = argparse.Namespace(profiles_dir=tmp_path / "profiles", profile="default", voice=None, rate=None,
                              pitch=None, volume=None)
    assert voice_request(args).settings.language == "pt-BR"


@pytest.mark.parametrize(("wanted", "offered", "chosen"), [
    ("en-US", ["en", "de", "fr"], "en"),
    ("de-DE", ["en", "de", "fr"], "de"),
    ("zh-CN", ["en", "zh-cn"], "zh-cn"),          # XTTS writes its Chinese zh-cn
    ("pt-BR", ["en", "fr-fr", "pt-br"], "pt-br"),  # YourTTS writes region tags in lower case
    ("pt-PT", ["en", "pt-br"], "pt-br"),           # the language, in another region, before none
    ("pt_BR", ["pt", "pt-br"], "pt-br"),
    ("fr-CA", ["fr", "fr-fr"], "fr"),              # the language on its own before another region
    ("sv-SE", ["en", "de"], None),
    (None, ["en", "de"], None),
    ("en-US", [], None),
])
def test_a_multilingual_voice_speaks_the_profiles_language(wanted, offered, chosen):
    assert pick_language(wanted, offered) == chosen
