"""Error codes of ttv-voice (range TTV-E300..E309); each has a section in REPAIR.md."""

from __future__ import annotations

from ttv_contracts.errors import register_code

PACKAGE = "ttv-voice"

E_ENGINE_UNAVAILABLE = register_code(
    "TTV-E300", "eSpeak NG library or data could not be loaded", PACKAGE
)
E_VOICE_UNKNOWN = register_code("TTV-E301", "Voice or language not available in eSpeak NG", PACKAGE)
E_SYNTH_FAILED = register_code("TTV-E302", "eSpeak NG failed to synthesize the text", PACKAGE)
