"""Error codes of ttv-extender (range TTV-E230..E239); REPAIR.md explains each."""

from ttv_contracts.errors import register_code

E_OPTION_RANGE = register_code("TTV-E230", "Extender option out of range", "ttv-extender")

__all__ = ["E_OPTION_RANGE"]
