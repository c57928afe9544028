"""The signing identity of this computer's aac-avatar: a local root certificate and a signing key.

Made on first use, owner-only, in the user's config folder (`AAC_AVATAR_KEYS_DIR` overrides it).
The root is self-made: no public certificate authority vouches for it, so C2PA validators
elsewhere report the signature as valid but its signer as untrusted; on this computer verify
trusts its own root. The signing certificate is an end-entity certificate issued by that root
(C2PA refuses a self-signed signing certificate).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from profiles.atomic import make_private_dir, write_atomic

ENV_VAR = "AAC_AVATAR_KEYS_DIR"
ROOT_CERT = "root.pem"
SIGNING_CERT = "signing-chain.pem"  # signing certificate, then the root
SIGNING_KEY = "signing-key.pem"
VALID_YEARS = 10


class KeysError(RuntimeError):
    """The key folder cannot be read or written."""

    is_user_error = True


@dataclass(frozen=True)
class SigningIdentity:
    """PEM bytes of the certificate chain, the private key, and the root this computer trusts."""

    chain_pem: bytes
    key_pem: bytes
    root_pem: bytes
    folder: Path


def keys_dir() -> Path:
    """Where this computer's signing identity lives."""
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        return Path(from_env).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("aac-avatar", appauthor=False)) / "provenance"


def _name(common_name: str):
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "aac-avatar (made on this computer)"),
    ])


def _key_usage(sign: bool):
    from cryptography import x509

    return x509.KeyUsage(
        digital_signature=sign, content_commitment=False, key_encipherment=False, data_encipherment=False,
        key_agreement=False, key_cert_sign=not sign, crl_sign=not sign, encipher_only=False, decipher_only=False,
    )


def _make_identity() -> tuple[bytes, bytes, bytes]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID

    now = dt.datetime.now(dt.UTC)
    until = now + dt.timedelta(days=365 * VALID_YEARS)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = _name("aac-avatar local root")
    root = (
        x509.CertificateBuilder().subject_name(root_name).issuer_name(root_name)
        .public_key(root_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(sign=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder().subject_name(_name("aac-avatar on this computer")).issuer_name(root_name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(sign=True), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    root_pem = root.public_bytes(pem)
    key_pem = key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    # The root's private key is not kept: nothing else is ever issued from it.
    return leaf.public_bytes(pem) + root_pem, key_pem, root_pem


def signing_identity(create: bool = True) -> SigningIdentity | None:
    """This computer's identity; made (owner-only) on first use when `create`, else None when missing."""
    folder = keys_dir()
    paths = [folder / ROOT_CERT, folder / SIGNING_CERT, folder / SIGNING_KEY]
    try:
        if not all(path.is_file() for path in paths):
            if not create:
                return None
            chain_pem, key_pem, root_pem = _make_identity()
            make_private_dir(folder)
            write_atomic(folder / SIGNING_KEY, key_pem)
            write_atomic(folder / SIGNING_CERT, chain_pem)
            write_atomic(folder / ROOT_CERT, root_pem)  # last: its presence means the set is whole
        root_pem, chain_pem, key_pem = (path.read_bytes() for path in paths)
    except OSError as exc:
        raise KeysError(
            f"{folder}: the signing key cannot be read or made ({exc.strerror or exc}). "
            f"Fix: check that folder's permissions, or point {ENV_VAR} at a writable folder"
        ) from None
    return SigningIdentity(chain_pem, key_pem, root_pem, folder)
