"""Ed25519 key handling: a configured path, else ``TTV_SIGNING_KEY``, else the user's own key.

The user's own key lives in the user's config folder (``$TTV_CONFIG_DIR/keys``, else
``$XDG_CONFIG_HOME/ttv/keys``, else ``~/.config/ttv/keys``). It is created on first use with
mode 0600 (never in the project tree, so it is never committed), and its creation is
announced once on stderr with its path and public key id. Nothing here logs or prints key
material; messages name paths and public fingerprints only.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
import time
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

    Safe against a concurrent creator (several first runs at once): the pair is written
    whole in a private temporary folder, then published by hard links, which never replace
    an existing file. The public key is linked first and is the claim: the process that
    links it also links its private key; any other gets TTV-E331. A private key file, once
    visible, is complete and has its public half beside it.

    Returns ``(private_path, public_path)``.
    """
    import shutil
    import tempfile

    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    priv_path, pub_path = d / PRIVATE_NAME, d / PUBLIC_NAME
    existing = [p for p in (priv_path, pub_path) if p.exists()]
    if existing:
        raise _exists(existing[0])
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    pub = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    staging = Path(tempfile.mkdtemp(prefix=".keys-", dir=d))  # mode 0700
    try:
        # mode 0600 at creation: the private key is never readable by others, not even for
        # an instant
        fd = os.open(staging / PRIVATE_NAME, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        os.chmod(staging / PRIVATE_NAME, 0o600)
        fd = os.open(staging / PUBLIC_NAME, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pub)
        try:
            os.link(staging / PUBLIC_NAME, pub_path)
        except FileExistsError:
            raise _exists(pub_path) from None
        os.link(staging / PRIVATE_NAME, priv_path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return priv_path, pub_path


def _exists(path: Path) -> TTVError:
    return TTVError(
        E_KEY_EXISTS,
        f"key file {path} already exists; refusing to overwrite it",
        module=PACKAGE,
        hint="Move the old pair away first if you really mean to replace it.",
    )


def user_key_dir() -> Path:
    """Where the user's own signing key lives (see the module docstring)."""
    base = os.environ.get("TTV_CONFIG_DIR")
    if base:
        return Path(base) / "keys"
    xdg = os.environ.get("XDG_CONFIG_HOME")
    root = Path(xdg) if xdg else Path.home() / ".config"
    return root / "ttv" / "keys"


def ensure_user_key() -> Path:
    """The user's own private key, created (0600) and announced on first use."""
    directory = user_key_dir()
    private = directory / PRIVATE_NAME
    if private.is_file():
        return private
    try:
        directory.mkdir(parents=True, exist_ok=True)
        os.chmod(directory, 0o700)
        priv, _ = init_keys(directory)
    except TTVError:  # another process is creating it this moment: wait for its private half
        deadline = time.monotonic() + 10
        while not private.is_file() and time.monotonic() < deadline:
            time.sleep(0.01)
        if private.is_file():
            return private
        raise
    except OSError as exc:
        raise TTVError(
            E_KEY_MISSING,
            f"cannot create the user signing key in {directory}: {exc.strerror or exc}",
            module=PACKAGE,
            hint=f"Set {ENV_VAR} to a key made with `ttv keys init DIR`, or TTV_CONFIG_DIR "
            "to a writable folder.",
        ) from None
    public = load_public_key(directory)
    sys.stderr.write(
        f"ttv: created your signing key {priv} (mode 0600, public id {key_id(public)}); "
        f"videos you make are signed with it. Back it up; never share the private file.\n"
    )
    return priv


def resolve_private_path(key_path: str | os.PathLike[str] | None) -> Path:
    """The configured key path (a PEM file or a directory made by ``init_keys``), else the
    ``TTV_SIGNING_KEY`` environment variable, else the user's own key (created on first
    use)."""
    source = "option key_path"
    if key_path is None:
        env = os.environ.get(ENV_VAR)
        if not env:
            return ensure_user_key()
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
