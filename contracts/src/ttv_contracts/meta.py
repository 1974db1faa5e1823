"""Installed-package facts, read from the distribution metadata (never a second copy).

A package's version lives in one place: ``version`` in its pyproject.toml. Code reads it back
with :func:`version_of`, so ``__version__``, ``ModuleInfo.version`` and ``ttv modules`` cannot
drift from what pip installed.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

#: The owner docs every TTV wheel carries under ``<import name>/docs/``.
DOC_NAMES = (
    "README.md",
    "OWNER.md",
    "MIGRATION.md",
    "REPAIR.md",
    "TIME-TO-MASTER.md",
    "CHANGELOG.md",
)


def version_of(dist: str) -> str:
    """The installed version of distribution ``dist`` (e.g. ``"ttv-emotion"``).

    ``"0+unknown"`` when it is not installed (a source tree on ``sys.path`` only), so an
    import never fails on it; the ownership check catches that case in CI.
    """
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "0+unknown"


def import_name(dist: str) -> str:
    """``ttv-emotion`` -> ``ttv_emotion`` (every TTV package follows this rule)."""
    return dist.replace("-", "_").lower()


def doc_path(dist: str, name: str) -> Path | None:
    """Where an installed package's owner doc ``name`` (``"REPAIR.md"``...) lives, or None.

    Looks in this order: the wheel's ``<import>/docs/<name>`` (what ``pip install`` gives),
    then the package's source checkout (``src/<import>/../../<name>``, an editable install).
    The package is located without importing it.
    """
    from importlib.util import find_spec

    try:
        spec = find_spec(import_name(dist))
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        pkg = Path(location)
        for candidate in (pkg / "docs" / name, pkg.parent.parent / name):
            if candidate.is_file():
                return candidate
    return None


__all__ = ["DOC_NAMES", "doc_path", "import_name", "version_of"]
