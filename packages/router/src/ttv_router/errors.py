"""Error codes of ttv-router (range TTV-E340..E349); each has a section in REPAIR.md."""

from __future__ import annotations

from ttv_contracts.errors import E_CONFIG_INVALID, E_STORE_CORRUPT, TTVError, register_code

PACKAGE = "ttv-router"

E_STORE_TOO_NEW = register_code(
    "TTV-E340", "Router store was written by a newer ttv-router schema", PACKAGE
)
E_STORE_UNWRITABLE = register_code(
    "TTV-E341", "Router store directory cannot be created or written", PACKAGE
)

__all__ = [
    "E_CONFIG_INVALID",
    "E_STORE_CORRUPT",
    "E_STORE_TOO_NEW",
    "E_STORE_UNWRITABLE",
    "PACKAGE",
    "TTVError",
]
