"""Error codes of ttv-scene (range TTV-E120..E129)."""

from ttv_contracts.errors import register_code

PACKAGE = "ttv-scene"

E_SCENE_OPTION = register_code("TTV-E120", "Scene option is invalid", PACKAGE)
E_SCENE_STORE_CORRUPT = register_code("TTV-E121", "Scene location store is corrupt", PACKAGE)
E_SCENE_STORE_BUSY = register_code(
    "TTV-E122", "Scene location store is locked or unwritable", PACKAGE
)
E_SCENE_EXPORT = register_code("TTV-E123", "Scene graph export failed", PACKAGE)
