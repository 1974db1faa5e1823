"""Error codes of ttv-lipsync (range TTV-E310..E319); each has a section in REPAIR.md.

The viseme backend degrades rather than fails (no face, no detector: frames pass through
with a note); its codes cover bad configuration that should stop a run early.
"""

from __future__ import annotations

from ttv_contracts.errors import register_code

PACKAGE = "ttv-lipsync"

E_DETECTOR_UNAVAILABLE = register_code(
    "TTV-E310", "Face detector cascade cannot be loaded", PACKAGE
)
