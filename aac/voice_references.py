"""Choosing a profile's voice (`aac-avatar voices use`), with the recordings a cloning voice copies.

The voice is loaded before anything is saved, so a profile never names a voice that cannot speak;
reference clips outside the profile folder are copied into it (`voice/references/`), so the profile
keeps them and moves with them; banked messages already in the profile are named where they are.
"""

from __future__ import annotations

from pathlib import Path

from profiles.store import ProfileStore
from speech.errors import SpeechError

REFERENCES_FOLDER = "voice/references"


def _relative_in(folder: Path, clip: Path) -> str | None:
    try:
        return clip.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return None


def use_voice(profiles_dir: Path | None, profile_name: str, voice_id: str,
              references: list[Path]) -> tuple[Path, list[str]]:
    """Make `voice_id` the profile's voice (and `references` its reference clips, when given).

    Returns the saved profile file and the problems met on the way (none stop the change). Raises
    SpeechError when the voice cannot load or a clip is not audio: then nothing is changed.
    """
    from speech.coqui_tts import check_reference_clips
    from speech.registry import get_voice

    store = ProfileStore(profiles_dir)
    loaded = store.open(profile_name)
    section = loaded.profile.voice
    files: dict[str, Path] = {}
    if references:
        clips = check_reference_clips(tuple(Path(r).expanduser() for r in references))
        relative = []
        for clip in clips:
            inside = None if loaded.bundled else _relative_in(loaded.directory, clip)
            if inside is None:
                inside = f"{REFERENCES_FOLDER}/{clip.name}"
                files[inside] = clip
            relative.append(inside)
        absolute = clips
    else:
        relative = list(section.reference_clips)
        absolute = tuple(loaded.resolve(c) for c in relative)
    try:
        voice = get_voice(voice_id, reference_clips=absolute)
    except SpeechError as exc:
        raise SpeechError(f"{voice_id} was not chosen: {exc}") from None
    voice.close()
    try:
        voice_section = section.model_copy(update={"id": voice_id, "reference_clips": relative})
        profile = loaded.profile.model_copy(update={"voice": type(section).model_validate(voice_section.model_dump())})
    except ValueError as exc:
        raise SpeechError(f"{voice_id} was not chosen: {exc}") from None
    problems = []
    if relative and not voice_id.startswith("coqui:"):
        problems.append(f"{voice_id} does not clone a voice: the reference clips are kept for later")
    return store.save(profile, files), problems
