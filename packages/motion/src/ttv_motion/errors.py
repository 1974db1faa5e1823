"""Error codes of ttv-motion (slot range TTV-E210..E219); each has a REPAIR.md section."""

from __future__ import annotations

from ttv_contracts.errors import register_code

PACKAGE = "ttv-motion"

E_OPTION_INVALID = register_code("TTV-E210", "Motion option has an invalid value", PACKAGE)
E_PIPELINE_LOAD = register_code(
    "TTV-E211", "AnimateDiff weights or motion adapter could not be loaded", PACKAGE
)
E_GENERATION_FAILED = register_code(
    "TTV-E212", "AnimateDiff generation failed or returned unusable frames", PACKAGE
)

__all__ = ["E_GENERATION_FAILED", "E_OPTION_INVALID", "E_PIPELINE_LOAD", "PACKAGE"]
