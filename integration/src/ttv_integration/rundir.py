"""A run's own directory: atomic writes of its files (the stage cache is :mod:`.cache`).

Nothing is shared between runs: every file a run writes lives under its directory, and every
relative name is checked so that it cannot escape it.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import secrets
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from ttv_contracts.errors import E_DISK_FULL, E_OUTPUT_UNWRITABLE, E_PATH_ESCAPE, TTVError
from ttv_contracts.v1 import slugify


def digest(*parts: Any) -> str:
    """SHA-256 over the JSON of ``parts`` (models dumped as JSON)."""
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, BaseModel):
            part = part.model_dump(mode="json")
        h.update(json.dumps(part, sort_keys=True, default=str).encode())
        h.update(b"\x1f")
    return h.hexdigest()


def new_run_id(title: str) -> str:
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    return f"{slugify(title, max_len=24)}-{stamp}-{secrets.token_hex(3)}"


def _disk_error(exc: OSError, path: Path) -> TTVError:
    if exc.errno == errno.ENOSPC:
        return TTVError(E_DISK_FULL, f"disk full while writing {path}", module="ttv-integration")
    return TTVError(
        E_OUTPUT_UNWRITABLE, f"cannot write {path}: {exc.strerror or exc}", module="ttv-integration"
    )


def write_atomic(path: Path, data: bytes, *, durable: bool = False) -> None:
    """Write ``path`` whole or not at all: a temporary file beside it, then a rename (no
    temporary file is left behind on failure). ``durable`` also fsyncs, for files that must
    survive a power cut, not just a killed process."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


class RunDir:
    """Files of one run. ``cache/`` holds stage artifacts (see :mod:`.cache`)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()

    def create(self) -> RunDir:
        try:
            (self.root / "cache").mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _disk_error(exc, self.root) from None
        return self

    def path(self, relative: str) -> Path:
        """``root / relative``, refusing absolute paths and ``..`` escapes."""
        candidate = (self.root / relative).resolve()
        if Path(relative).is_absolute() or not candidate.is_relative_to(self.root):
            raise TTVError(
                E_PATH_ESCAPE,
                f"path {relative!r} escapes the run directory {self.root}",
                module="ttv-integration",
            )
        return candidate

    # ------------------------------------------------------------------ atomic writes

    def write_bytes(self, relative: str, data: bytes, *, durable: bool = False) -> Path:
        """Atomic (temporary file, then rename). ``durable`` also fsyncs, for files that must
        survive a power cut, not just a killed process (the final report, provenance)."""
        target = self.path(relative)
        try:
            write_atomic(target, data, durable=durable)
        except OSError as exc:
            raise _disk_error(exc, target) from None
        return target

    def write_text(self, relative: str, text: str, *, durable: bool = False) -> Path:
        return self.write_bytes(relative, text.encode("utf-8"), durable=durable)

    def write_json(self, relative: str, obj: Any, *, durable: bool = False) -> Path:
        if isinstance(obj, BaseModel):
            text = obj.model_dump_json(indent=2)
        else:
            text = json.dumps(obj, indent=2, sort_keys=True, default=str)
        return self.write_text(relative, text + "\n", durable=durable)
