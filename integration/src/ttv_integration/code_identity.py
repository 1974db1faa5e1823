"""What code made an artifact: a digest of the implementation's installed source files.

Cache keys carry it, so a module fixed in place (same name, same version) recomputes what its
bug produced instead of reusing it. The digest covers every file of the implementation's
top-level package (``ttv_emotion/**``) as installed, whether from a wheel or an editable
checkout, plus ``ttv_contracts`` (whose base classes validate every call).
"""

from __future__ import annotations

import hashlib
import sys
from functools import lru_cache
from pathlib import Path

_SUFFIXES = (".py", ".json", ".txt", ".csv", ".tsv", ".toml", ".yaml", ".onnx", ".bin")


@lru_cache(maxsize=256)
def _tree_digest(root: str) -> str:
    h = hashlib.sha256()
    base = Path(root)
    files = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file())
    for path in files:
        if path.suffix not in _SUFFIXES or "__pycache__" in path.parts:
            continue
        rel = path.name if base.is_file() else path.relative_to(base).as_posix()
        h.update(rel.encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def module_root(module_name: str) -> Path | None:
    """The file or package directory of ``module_name``'s top-level package."""
    top = module_name.split(".")[0]
    mod = sys.modules.get(top)
    if mod is None:
        return None
    paths = list(getattr(mod, "__path__", []) or [])
    if paths:
        return Path(paths[0])
    file = getattr(mod, "__file__", None)
    return Path(file) if file else None


def code_digest(cls: type) -> str:
    """Digest of the source that defines ``cls`` (its top-level package) and of the contracts."""
    parts = []
    for name in (cls.__module__, "ttv_contracts"):
        root = module_root(name)
        parts.append(_tree_digest(str(root)) if root is not None else "?")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def forget() -> None:
    """Drop memoised digests (tests that edit a module's files in place call this)."""
    _tree_digest.cache_clear()
