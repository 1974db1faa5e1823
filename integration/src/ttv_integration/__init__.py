"""TTV integration: assembles slot implementations into a pipeline.

Public surface: :class:`Registry`, :class:`PipelineConfig`, :func:`load_config`,
:class:`Pipeline`, :func:`load_lesson`. They are imported on first use, so that
``ttv --help`` does not pay for numpy, pydantic models or PyAV.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from ttv_contracts import version_of

from . import _malloc  # noqa: F401  (caps malloc arenas before any thread allocates)

__version__ = version_of("ttv-integration")  # pyproject.toml is the one source

_LAZY = {
    "Pipeline": ".runner",
    "PipelineConfig": ".config",
    "Registry": ".registry",
    "load_config": ".config",
    "load_lesson": ".lesson",
}

__all__ = ["Pipeline", "PipelineConfig", "Registry", "__version__", "load_config", "load_lesson"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
