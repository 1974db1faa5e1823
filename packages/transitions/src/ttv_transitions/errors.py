"""Error codes of ttv-transitions (range TTV-E220..E229); REPAIR.md explains each."""

from ttv_contracts.errors import register_code

E_OPTION_RANGE = register_code("TTV-E220", "Transition option out of range", "ttv-transitions")

__all__ = ["E_OPTION_RANGE"]
