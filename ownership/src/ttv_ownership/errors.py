"""Error codes of ttv-ownership (platform tooling, TTV-E060-E069; see REPAIR.md)."""

from ttv_contracts.errors import register_code

E_OWNERS_INVALID = register_code(
    "TTV-E060", "ownership/owners.yaml is unreadable or invalid", "ttv-ownership"
)
E_OWNERSHIP_RULES = register_code("TTV-E061", "An ownership rule is broken", "ttv-ownership")
E_GENERATED_STALE = register_code(
    "TTV-E062", "A generated file (CODEOWNERS or owner-doc block) is stale", "ttv-ownership"
)
E_SCAFFOLD_REFUSED = register_code(
    "TTV-E063", "new-module refused to scaffold a package", "ttv-ownership"
)

__all__ = ["E_GENERATED_STALE", "E_OWNERSHIP_RULES", "E_OWNERS_INVALID", "E_SCAFFOLD_REFUSED"]
