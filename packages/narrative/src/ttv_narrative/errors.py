"""Error codes of ttv-narrative (range TTV-E100..E109)."""

from ttv_contracts.errors import register_code

PACKAGE = "ttv-narrative"

E_NARRATIVE_OPTION = register_code("TTV-E100", "Narrative option is invalid", PACKAGE)
E_TOO_MANY_SHOTS = register_code("TTV-E101", "Lesson cannot fit the contract's shot limit", PACKAGE)
