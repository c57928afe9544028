"""C2PA content credentials: sign what aac-avatar writes as synthetic media, and read them back.

The manifest declares the file made by aac-avatar (IPTC digital source type "trained
algorithmic media"), with the software's version and the date, and an AI-disclosure assertion.
Personal data: none beyond "consent on record: yes" (the profile's consent record stays home).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from aac.provenance.keys import SigningIdentity, signing_identity

GENERATOR = "aac-avatar"
DISCLOSURE_LABEL = "org.aac-avatar.ai-disclosure"
TRAINED_ALGORITHMIC_MEDIA = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
MIME_TYPES = {".mp4": "video/mp4", ".m4v": "video/mp4", ".mov": "video/quicktime", ".wav": "audio/wav",
              ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


class ManifestError(RuntimeError):
    """A file could not be signed."""

    is_user_error = True


@dataclass(frozen=True)
class ManifestReport:
    """What a file's C2PA manifest says.

    state: "absent" (none), "valid" (intact, signer not trusted here), "trusted" (intact, signed by
    this computer's aac-avatar), "tampered" (the file or manifest changed after signing),
    "unsupported" (no C2PA for this file type), "unreadable" (not a file C2PA can read).
    """

    state: str
    by_aac_avatar: bool = False
    declares_ai: bool = False
    generator: str = ""
    signed_by: str = ""
    date: str = ""
    problems: tuple[str, ...] = field(default_factory=tuple)

    @property
    def intact(self) -> bool:
        """Present and unchanged since signing."""
        return self.state in ("valid", "trusted")


def software_version() -> str:
    """aac-avatar's installed version."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("aac-avatar")
    except PackageNotFoundError:
        return "unknown"


def manifest_definition(title: str, consent_on_record: bool, when: dt.datetime | None = None) -> dict:
    """The manifest aac-avatar writes (see the module's docstring for what it holds)."""
    when = when or dt.datetime.now(dt.UTC)
    stamp = when.replace(microsecond=0).isoformat()
    return {
        "claim_generator_info": [{"name": GENERATOR, "version": software_version()}],
        "title": title,
        "assertions": [
            {"label": "c2pa.actions.v2", "data": {"actions": [{
                "action": "c2pa.created",
                "when": stamp,
                "digitalSourceType": TRAINED_ALGORITHMIC_MEDIA,
                "softwareAgent": {"name": GENERATOR, "version": software_version()},
                "description": "a talking avatar animated from one photo and synthetic speech",
            }]}},
            {"label": DISCLOSURE_LABEL, "data": {
                "ai_generated": True,
                "what": "video of an AI avatar speaking a message its user typed or chose on a communication aid",
                "generator": GENERATOR,
                "date": stamp,
                "consent_on_record": "yes" if consent_on_record else "no",
            }},
        ],
    }


def _signer(identity: SigningIdentity):
    import c2pa

    return c2pa.Signer.from_info(c2pa.C2paSignerInfo(b"es256", identity.chain_pem, identity.key_pem, None))


def sign_file(path: Path, consent_on_record: bool = True, title: str | None = None) -> None:
    """Replace `path` (mp4, wav, png, jpg) by the same file carrying a signed C2PA manifest (same permissions).
    `title`: the file's name in the manifest (default: its own; a temporary file gives its final one)."""
    import c2pa

    path = Path(path)
    mime = MIME_TYPES.get(path.suffix.lower())
    if mime is None:
        raise ManifestError(f"{path}: C2PA cannot be written into {path.suffix or 'this'} files")
    identity = signing_identity()
    builder = c2pa.Builder(manifest_definition(title or path.name, consent_on_record))
    temp = path.with_name(f".{path.name}.c2pa-tmp")
    try:
        with open(path, "rb") as source, open(temp, "w+b") as dest:
            builder.sign(_signer(identity), mime, source, dest)
        os.chmod(temp, stat.S_IMODE(os.stat(path).st_mode))  # an owner-only recording stays owner-only
        os.replace(temp, path)
    except c2pa.C2paError as exc:
        raise ManifestError(f"{path}: the content credentials could not be written ({exc})") from None
    finally:
        if temp.exists():
            temp.unlink()


def _trusting_context(identity: SigningIdentity | None):
    import c2pa

    if identity is None:
        return None
    return c2pa.Context.from_dict({"trust": {"user_anchors": identity.root_pem.decode()},
                                   "verify": {"verify_trust": True}})


def _read_json(data: bytes, mime: str, context) -> dict | None:
    import c2pa

    logging.getLogger("c2pa").setLevel(logging.ERROR)
    try:
        reader = c2pa.Reader(mime, io.BytesIO(data), context=context) if context else \
            c2pa.Reader(mime, io.BytesIO(data))
        with reader:
            return json.loads(reader.json())
    except c2pa.C2paError as exc:
        if "ManifestNotFound" in type(exc).__name__ or "no JUMBF" in str(exc) or "not found" in str(exc).lower():
            return None
        raise


def read_manifest(path: Path, data: bytes | None = None) -> ManifestReport:
    """The C2PA manifest of `path` (its bytes may be given), checked; never raises for a bad file."""
    import c2pa

    path = Path(path)
    mime = MIME_TYPES.get(path.suffix.lower())
    if mime is None:
        return ManifestReport("unsupported")
    if data is None:
        data = path.read_bytes()
    try:
        store = _read_json(data, mime, _trusting_context(signing_identity(create=False)))
    except c2pa.C2paError as exc:
        text = str(exc)
        if any(word in text.lower() for word in ("hash", "mismatch", "signature", "claim")):
            return ManifestReport("tampered", problems=(text[:200],))
        return ManifestReport("unreadable", problems=(text[:200],))
    if store is None:
        return ManifestReport("absent")
    return _report(store)


def _report(store: dict) -> ManifestReport:
    active = store.get("manifests", {}).get(store.get("active_manifest", ""), {})
    generators = [info.get("name", "") for info in active.get("claim_generator_info", [])]
    generator = ", ".join(filter(None, generators)) or str(active.get("claim_generator", ""))
    assertions = {a.get("label", ""): a.get("data", {}) for a in active.get("assertions", [])}
    actions = assertions.get("c2pa.actions.v2", assertions.get("c2pa.actions", {})).get("actions", [])
    sources = {action.get("digitalSourceType", "") for action in actions}
    disclosure = assertions.get(DISCLOSURE_LABEL, {})
    declares_ai = TRAINED_ALGORITHMIC_MEDIA in sources or bool(disclosure.get("ai_generated"))
    codes = [status.get("code", "") for status in store.get("validation_status", [])]
    failures = tuple(code for code in codes if code != "signingCredential.untrusted")
    state_word = str(store.get("validation_state", "")).lower()
    if failures or state_word == "invalid":
        state = "tampered"
    elif state_word == "trusted":
        state = "trusted"
    else:
        state = "valid"
    signature = active.get("signature_info", {})
    return ManifestReport(
        state=state,
        by_aac_avatar=GENERATOR in generators and bool(disclosure),
        declares_ai=declares_ai,
        generator=generator,
        signed_by=" / ".join(filter(None, [signature.get("common_name", ""), signature.get("issuer", "")])),
        date=str(disclosure.get("date", "") or (actions[0].get("when", "") if actions else "")),
        problems=failures,
    )
