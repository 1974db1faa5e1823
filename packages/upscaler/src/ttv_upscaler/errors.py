"""Error codes of ttv-upscaler (range TTV-E320..E329); each has a section in REPAIR.md.

Missing weights (TTV-E020), a missing extra (TTV-E022) and out-of-memory (TTV-E021) are
platform codes from :mod:`ttv_contracts.errors`; this package documents them for its backend
in its REPAIR.md as well.
"""

from __future__ import annotations

from ttv_contracts.errors import register_code

PACKAGE = "ttv-upscaler"

E_MODEL_UNSUPPORTED = register_code(
    "TTV-E320", "Weights file is not a supported super-resolution model", PACKAGE
)
E_MODEL_FAILED = register_code("TTV-E321", "Super-resolution model failed on a frame", PACKAGE)
