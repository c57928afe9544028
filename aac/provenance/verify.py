"""Was this file made by aac-avatar? The C2PA manifest, the frame mark and the voice mark, checked and told."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aac.provenance.audio_mark import AudioMarkResult, detect_audio
from aac.provenance.frame_mark import PRODUCT_KEY, MarkResult, detect
from aac.provenance.manifest import ManifestReport, read_manifest
from aac.provenance.media import Media, MediaError, read_media

AUDIO_RATE_HZ = 16_000


@dataclass(frozen=True)
class Verdict:
    """Everything verify found about one file."""

    path: Path
    kind: str
    manifest: ManifestReport
    frame_mark: MarkResult | None
    audio_mark: AudioMarkResult | None
    notes: tuple[str, ...] = ()
    problem: str = ""

    @property
    def made_by_aac_avatar(self) -> bool:
        """An intact aac-avatar manifest, or either mark found."""
        return bool(
            (self.manifest.intact and self.manifest.by_aac_avatar)
            or (self.frame_mark and self.frame_mark.found)
            or (self.audio_mark and self.audio_mark.found)
        )

    def as_dict(self) -> dict:
        """A flat, JSON-ready summary."""
        out: dict = {
            "path": str(self.path), "kind": self.kind, "made_by_aac_avatar": self.made_by_aac_avatar,
            "problem": self.problem or None,
            "manifest_state": self.manifest.state, "manifest_by_aac_avatar": self.manifest.by_aac_avatar,
            "manifest_declares_ai": self.manifest.declares_ai, "manifest_generator": self.manifest.generator or None,
            "manifest_signed_by": self.manifest.signed_by or None, "manifest_date": self.manifest.date or None,
            "manifest_problems": list(self.manifest.problems),
            "frame_mark_found": None, "frame_mark_confidence": None, "frame_mark_strength_sigma": None,
            "frames_checked": 0,
            "audio_mark_found": None, "audio_mark_confidence": None, "audio_mark_strength_sigma": None,
            "speech_checked_s": 0.0, "notes": list(self.notes),
        }
        if self.frame_mark is not None:
            out.update(frame_mark_found=self.frame_mark.found,
                       frame_mark_confidence=round(self.frame_mark.confidence, 3),
                       frame_mark_strength_sigma=round(self.frame_mark.strength_sigma, 2),
                       frames_checked=self.frame_mark.frames_used)
        if self.audio_mark is not None:
            out.update(audio_mark_found=self.audio_mark.found,
                       audio_mark_confidence=round(self.audio_mark.confidence, 3),
                       audio_mark_strength_sigma=round(self.audio_mark.strength_sigma, 2),
                       speech_checked_s=round(self.audio_mark.speech_s, 2))
        return out


def verify(path: Path, key: bytes = PRODUCT_KEY) -> Verdict:
    """Check `path` (video, picture, sound, or a folder of frames); never raises for a bad file."""
    path = Path(path)
    try:
        media = read_media(path, AUDIO_RATE_HZ)
    except MediaError as exc:
        return Verdict(path, "unreadable", ManifestReport("unreadable"), None, None, problem=str(exc))
    manifest = ManifestReport("unsupported") if path.is_dir() else read_manifest(path)
    frame_mark = detect(media.frames, key) if media.frames else None
    audio_mark = _audio_mark(media, key)
    return Verdict(path, media.kind, manifest, frame_mark, audio_mark, media.notes)


def _audio_mark(media: Media, key: bytes) -> AudioMarkResult | None:
    if media.audio.size == 0:
        return None
    return detect_audio(media.audio, media.sample_rate_hz, key)


_MANIFEST_WORDS = {
    "absent": "no content credentials (C2PA manifest) in the file",
    "unsupported": "content credentials cannot be carried by this kind of file",
    "unreadable": "the content credentials could not be read",
}


def describe(verdict: Verdict) -> list[str]:
    """The verdict in sentences a person understands, the answer first."""
    if verdict.problem:
        return [f"could not check it: {verdict.problem}"]
    lines = [
        f"{verdict.path}: made by aac-avatar (an AI avatar)" if verdict.made_by_aac_avatar
        else f"{verdict.path}: no sign that aac-avatar made it"
    ]
    m = verdict.manifest
    if m.state in ("valid", "trusted"):
        who = "aac-avatar" if m.by_aac_avatar else (m.generator or "another tool")
        ai = "declares it AI-generated (synthetic media)" if m.declares_ai else "does not declare it AI-generated"
        trust = ("signed by aac-avatar on this computer" if m.state == "trusted"
                 else f"signed by {m.signed_by or 'an unknown signer'}, a certificate this computer does not know "
                      "(aac-avatar signs with a key made on the computer that made the file)")
        dated = f"; dated {m.date}" if m.date else ""
        lines.append(f"content credentials: intact, made by {who}, {ai}; {trust}{dated}")
    elif m.state == "tampered":
        lines.append("content credentials: TAMPERED - the file or its credentials changed after signing "
                     f"({', '.join(m.problems) or 'signature check failed'})")
    else:
        lines.append(f"content credentials: {_MANIFEST_WORDS.get(m.state, m.state)}")
    if verdict.frame_mark is not None:
        f = verdict.frame_mark
        lines.append(
            f"mark in the pictures: {'found' if f.found else 'not found'} (confidence {f.confidence:.0%}, "
            f"{f.frames_used} frame{'s' if f.frames_used != 1 else ''} checked)"
        )
    if verdict.audio_mark is not None:
        a = verdict.audio_mark
        if a.speech_s < 2.0:
            lines.append(f"mark in the voice: not checked (only {a.speech_s:.1f} s of sound)")
        else:
            lines.append(f"mark in the voice: {'found' if a.found else 'not found'} (confidence {a.confidence:.0%}, "
                         f"{a.speech_s:.0f} s of sound checked)")
    lines.extend(f"note: {note}" for note in verdict.notes)
    return lines
