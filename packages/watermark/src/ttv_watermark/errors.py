"""Error codes of ttv-watermark (range TTV-E330..E339); each has a section in REPAIR.md."""

from __future__ import annotations

from ttv_contracts.errors import (
    E_CONFIG_INVALID,
    E_KEY_MISSING,
    E_VERIFY_FAILED,
    TTVError,
    register_code,
)

PACKAGE = "ttv-watermark"

E_KEY_INVALID = register_code(
    "TTV-E330", "Signing or trusted key file is not a usable Ed25519 PEM key", PACKAGE
)
E_KEY_EXISTS = register_code("TTV-E331", "Key files already exist; refusing to overwrite", PACKAGE)
E_KEY_PERMISSIONS = register_code(
    "TTV-E332", "Private signing key is readable by other users", PACKAGE
)
E_VIDEO_UNREADABLE = register_code(
    "TTV-E333", "Video could not be decoded for watermark detection", PACKAGE
)
E_C2PA_FORMAT = register_code(
    "TTV-E334", "C2PA manifest cannot be embedded in this file type", PACKAGE
)
E_STORE_UNUSABLE = register_code("TTV-E335", "Manifest store cannot be opened or written", PACKAGE)

__all__ = [
    "E_C2PA_FORMAT",
    "E_CONFIG_INVALID",
    "E_KEY_EXISTS",
    "E_KEY_INVALID",
    "E_KEY_MISSING",
    "E_KEY_PERMISSIONS",
    "E_STORE_UNUSABLE",
    "E_VERIFY_FAILED",
    "E_VIDEO_UNREADABLE",
    "PACKAGE",
    "TTVError",
]
