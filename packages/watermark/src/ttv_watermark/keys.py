"""Ed25519 key handling: load from a configured path or ``TTV_SIGNING_KEY``; create on request.

Keys are never generated silently: a missing key is ``TTV-E050``. Nothing here logs or
prints key material; error messages name paths only.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .errors import (
    E_KEY_EXISTS,
    E_KEY_INVALID,
    E_KEY_MISSING,
    E_KEY_PERMISSIONS,
    PACKAGE,
    TTVError,
)

ENV_VAR = "TTV_SIGNING_KEY"
PRIVATE_NAME = "ttv-signing-key.pem"
PUBLIC_NAME = "ttv-signing-key.pub.pem"


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(key: Ed25519PublicKey) -> str:
    """Short public fingerprint: first 16 hex digits of SHA-256 of the raw public key."""
    return hashlib.sha256(raw_public(key)).hexdigest()[:16]


def init_keys(directory: str | os.PathLike[str]) -> tuple[Path, Path]:
    """Create an Ed25519 pair in ``directory`` (private 0600, public 0644); never overwrite.

    Returns ``(private_path, public_path)``.
    """
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    priv_path, pub_path = d / PRIVATE_NAME, d / PUBLIC_NAME
    existing = [p for p in (priv_path, pub_path) if p.exists()]
    if existing:
        raise TTVError(
            E_KEY_EXISTS,
            f"key file {existing[0]} already exists; refusing to overwrite it",
            module=PACKAGE,
            hint="Move the old pair away first if you really mean to replace it.",
        )
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # O_EXCL + mode 0600 at creation: the private key is never readable by others, not even
    # for an instant, and a racing writer cannot be overwritten.
    fd = os.open(priv_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    os.chmod(priv_path, 0o600)
    pub = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    fd = os.open(pub_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pub)
    return priv_path, pub_path


def resolve_private_path(key_path: str | os.PathLike[str] | None) -> Path:
    """The configured key path (a PEM file or a directory made by ``init_keys``), else the
    ``TTV_SIGNING_KEY`` environment variable; neither -> ``TTV-E050``."""
    source = "option key_path"
    if key_path is None:
        env = os.environ.get(ENV_VAR)
        if not env:
            raise TTVError(
                E_KEY_MISSING,
                f"no signing key configured: set the watermark option key_path or {ENV_VAR}",
                module=PACKAGE,
                hint="Create a pair with `ttv keys init DIR` and point key_path at DIR; "
                "keys are never generated silently.",
            )
        key_path, source = env, f"environment variable {ENV_VAR}"
    path = Path(key_path)
    if path.is_dir():
        path = path / PRIVATE_NAME
    if not path.is_file():
        raise TTVError(
            E_KEY_MISSING,
            f"signing key {path} (from {source}) does not exist",
            module=PACKAGE,
            hint="Create a pair with `ttv keys init DIR`; keys are never generated silently.",
        )
    return path


def load_private_key(key_path: str | os.PathLike[str] | None) -> Ed25519PrivateKey:
    path = resolve_private_path(key_path)
    if os.name == "posix" and path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise TTVError(
            E_KEY_PERMISSIONS,
            f"private key {path} is accessible by group or others",
            module=PACKAGE,
            hint=f"Run `chmod 600 {path}`.",
        )
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError, OSError) as exc:
        raise TTVError(
            E_KEY_INVALID,
            f"{path} is not an unencrypted PEM private key ({type(exc).__name__})",
            module=PACKAGE,
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise TTVError(E_KEY_INVALID, f"{path} is not an Ed25519 key", module=PACKAGE)
    return key


def load_public_key(path: str | os.PathLike[str]) -> Ed25519PublicKey:
    """A trusted public key: a PEM public key, a PEM private key (its public half), or a
    directory made by ``init_keys``."""
    p = Path(path)
    if p.is_dir():
        p = p / PUBLIC_NAME
    if not p.is_file():
        raise TTVError(E_KEY_MISSING, f"trusted public key {p} does not exist", module=PACKAGE)
    data = p.read_bytes()
    try:
        if b"PRIVATE KEY" in data:
            key = serialization.load_pem_private_key(data, password=None).public_key()
        else:
            key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        raise TTVError(
            E_KEY_INVALID, f"{p} is not a PEM key ({type(exc).__name__})", module=PACKAGE
        ) from None
    if not isinstance(key, Ed25519PublicKey):
        raise TTVError(E_KEY_INVALID, f"{p} is not an Ed25519 key", module=PACKAGE)
    return key
