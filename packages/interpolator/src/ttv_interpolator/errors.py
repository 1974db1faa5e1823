"""Error codes of ttv-interpolator (range TTV-E240..E249); REPAIR.md explains each."""

from ttv_contracts.errors import register_code

E_OPTION_RANGE = register_code("TTV-E240", "Interpolator option out of range", "ttv-interpolator")

__all__ = ["E_OPTION_RANGE"]
