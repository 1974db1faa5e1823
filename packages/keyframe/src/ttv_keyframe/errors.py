"""Error codes of ttv-keyframe (slot range TTV-E200..E209); each has a REPAIR.md section."""

from __future__ import annotations

from ttv_contracts.errors import register_code

PACKAGE = "ttv-keyframe"

E_OPTION_INVALID = register_code("TTV-E200", "Keyframe option has an invalid value", PACKAGE)
E_FONT_UNREADABLE = register_code(
    "TTV-E201", "Keyframe font file is missing or unreadable", PACKAGE
)
E_PIPELINE_LOAD = register_code(
    "TTV-E202", "Stable Diffusion weights folder could not be loaded", PACKAGE
)
E_LORA_LOAD = register_code("TTV-E203", "LoRA adapter could not be loaded", PACKAGE)
E_GENERATION_FAILED = register_code(
    "TTV-E204", "Stable Diffusion generation failed or returned an unusable image", PACKAGE
)

__all__ = [
    "E_FONT_UNREADABLE",
    "E_GENERATION_FAILED",
    "E_LORA_LOAD",
    "E_OPTION_INVALID",
    "E_PIPELINE_LOAD",
    "PACKAGE",
]
