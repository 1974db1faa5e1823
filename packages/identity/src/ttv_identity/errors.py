"""Error codes of ttv-identity (range TTV-E110..E119)."""

from ttv_contracts.errors import register_code

PACKAGE = "ttv-identity"

E_IDENTITY_OPTION = register_code("TTV-E110", "Identity option is invalid", PACKAGE)
E_IDENTITY_STORE_CORRUPT = register_code("TTV-E111", "Identity store is corrupt", PACKAGE)
E_IDENTITY_STORE_BUSY = register_code("TTV-E112", "Identity store is locked or unwritable", PACKAGE)
