"""One exception type for the whole pipeline, carrying a stable code and a repair pointer.

Codes are stable: a code is never reused for another meaning. Each code names the package
whose REPAIR.md explains it and the anchor of its section there.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ErrorCode:
    """A catalogued failure: stable code, short title, the package that documents it."""

    code: str
    title: str
    package: str  # distribution whose REPAIR.md documents the code, e.g. "ttv-integration"

    @property
    def anchor(self) -> str:
        return self.code.lower()

    @property
    def repair(self) -> str:
        return f"{self.package}/REPAIR.md#{self.anchor}"

    def repair_path(self):  # -> pathlib.Path | None
        """The installed REPAIR.md that documents this code (the wheel's ``docs/``), or None."""
        from .meta import doc_path

        return doc_path(self.package, "REPAIR.md")


_CATALOG: dict[str, ErrorCode] = {}


def register_code(code: str, title: str, package: str) -> ErrorCode:
    """Add a code to the catalog; registering one code twice with another meaning is a bug."""
    existing = _CATALOG.get(code)
    entry = ErrorCode(code, title, package)
    if existing is not None and existing != entry:
        raise ValueError(f"error code {code} already registered as {existing}")
    _CATALOG[code] = entry
    return entry


def repair_path(code: str):  # -> pathlib.Path | None
    """The installed REPAIR.md documenting ``code`` (see :mod:`ttv_contracts.repair`)."""
    from .repair import repair_path as _find

    return _find(code)


def catalog() -> dict[str, ErrorCode]:
    """Every registered code, sorted by code."""
    return dict(sorted(_CATALOG.items()))


# Platform-wide codes. Module packages register their own codes (TTV-E1xx..E9xx ranges per
# slot, see DESIGN.md) with :func:`register_code` at import time of their errors module.
E_LESSON_INVALID = register_code(
    "TTV-E001", "Lesson file is unreadable or invalid", "ttv-integration"
)
E_CONFIG_INVALID = register_code("TTV-E002", "Pipeline config is invalid", "ttv-integration")
E_UNKNOWN_IMPL = register_code("TTV-E003", "Unknown slot or implementation", "ttv-integration")
E_OUTPUT_UNWRITABLE = register_code("TTV-E004", "Output path is not writable", "ttv-integration")
E_PATH_ESCAPE = register_code("TTV-E005", "Path escapes the run directory", "ttv-integration")
E_DUPLICATE_IMPL = register_code("TTV-E006", "Two implementations share a name", "ttv-integration")
E_CONTRACT_MAJOR = register_code(
    "TTV-E007", "Implementation built for another contract major", "ttv-integration"
)
E_STAGE_FAILED = register_code("TTV-E010", "An implementation raised", "ttv-contracts")
E_STAGE_TIMEOUT = register_code(
    "TTV-E011", "An implementation exceeded its time budget", "ttv-contracts"
)
E_INVALID_OUTPUT = register_code(
    "TTV-E012", "An implementation returned invalid output", "ttv-contracts"
)
E_INVALID_INPUT = register_code("TTV-E013", "A slot received invalid input", "ttv-contracts")
E_WEIGHTS_MISSING = register_code(
    "TTV-E020", "Model weights path is missing or unreadable", "ttv-contracts"
)
E_OUT_OF_MEMORY = register_code("TTV-E021", "A model backend ran out of memory", "ttv-contracts")
E_EXTRA_MISSING = register_code(
    "TTV-E022", "An optional dependency (extra) is not installed", "ttv-contracts"
)
E_STORE_CORRUPT = register_code(
    "TTV-E030", "A module's persistent store is corrupt", "ttv-contracts"
)
E_AV_MISMATCH = register_code("TTV-E040", "Audio and video lengths disagree", "ttv-integration")
E_ENCODE_FAILED = register_code("TTV-E041", "Encoding the MP4 failed", "ttv-integration")
E_DISK_FULL = register_code("TTV-E042", "Disk full while writing the run", "ttv-integration")
E_RESUME_INVALID = register_code("TTV-E043", "Run directory cannot be resumed", "ttv-integration")
E_KEY_MISSING = register_code("TTV-E050", "Signing key is missing or unreadable", "ttv-contracts")
E_VERIFY_FAILED = register_code("TTV-E051", "Provenance verification failed", "ttv-contracts")
# Stores (ttv_contracts.store and `ttv stores`): TTV-E070..E079.
E_STORE_BUSY = register_code(
    "TTV-E070", "A store is locked or in use by another process", "ttv-integration"
)
E_STORE_DAMAGED = register_code("TTV-E071", "A store failed its integrity check", "ttv-integration")
E_STORE_BACKUP_FAILED = register_code("TTV-E072", "A store backup failed", "ttv-integration")
E_STORE_RESTORE_REFUSED = register_code(
    "TTV-E073", "A store restore was refused or failed", "ttv-integration"
)
E_STORE_SALVAGE_FAILED = register_code(
    "TTV-E074", "A damaged store could not be salvaged", "ttv-integration"
)
E_STORES_NOT_FOUND = register_code(
    "TTV-E075", "Stores root or backup folder not found", "ttv-integration"
)
# Timelines (OpenTimelineIO export and `ttv render TIMELINE`): TTV-E080..E084.
E_TIMELINE_UNREADABLE = register_code("TTV-E080", "Timeline file is unreadable", "ttv-integration")
E_TIMELINE_FOREIGN = register_code(
    "TTV-E081", "Timeline was not made by TTV or has another metadata version", "ttv-integration"
)
E_TIMELINE_INVALID = register_code(
    "TTV-E082", "Edited timeline cannot be rendered", "ttv-integration"
)
E_TIMELINE_EXPORT = register_code(
    "TTV-E083", "Timeline export or conversion failed", "ttv-integration"
)


class TTVError(Exception):
    """The pipeline's one exception: a stable code, the module that raised it, a repair pointer.

    ``str(err)`` is a one-paragraph, user-facing message that ends with the repair pointer.
    """

    def __init__(
        self,
        code: ErrorCode | str,
        message: str,
        *,
        module: str | None = None,
        hint: str | None = None,
    ) -> None:
        if isinstance(code, str):
            code = _CATALOG.get(code) or ErrorCode(code, "uncatalogued", module or "ttv-contracts")
        self.error = code
        self.code = code.code
        self.module = module or code.package
        self.message = message
        self.hint = hint
        super().__init__(self.render())

    @property
    def repair(self) -> str:
        return self.error.repair

    def render(self) -> str:
        text = f"[{self.code}] {self.message}"
        if self.hint:
            text += f" {self.hint}"
        # the file path names the repository layout; the command works for an installed user
        return (
            f"{text} (module: {self.module}; see {self.repair}, "
            f"or run `python -m ttv_contracts.repair {self.code}`)"
        )

    def to_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "module": self.module,
            "message": self.message,
            "repair": self.repair,
        }
