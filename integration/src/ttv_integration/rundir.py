"""A run's own directory: atomic artifact writes, content-keyed cache for resume.

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

import numpy as np
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


class RunDir:
    """Files of one run. ``cache/`` holds stage artifacts keyed by their input digest."""

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

    def write_bytes(self, relative: str, data: bytes) -> Path:
        target = self.path(relative)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise _disk_error(exc, target) from None
        return target

    def write_text(self, relative: str, text: str) -> Path:
        return self.write_bytes(relative, text.encode("utf-8"))

    def write_json(self, relative: str, obj: Any) -> Path:
        if isinstance(obj, BaseModel):
            text = obj.model_dump_json(indent=2)
        else:
            text = json.dumps(obj, indent=2, sort_keys=True, default=str)
        return self.write_text(relative, text + "\n")

    # ------------------------------------------------------------------ cache

    def _cache(self, stage: str, key: str, suffix: str) -> str:
        return f"cache/{stage}/{key[:32]}{suffix}"

    def has(self, stage: str, key: str, suffix: str) -> bool:
        return self.path(self._cache(stage, key, suffix)).is_file()

    def save_model(self, stage: str, key: str, model: BaseModel) -> None:
        self.write_text(self._cache(stage, key, ".json"), model.model_dump_json())

    def load_model(self, stage: str, key: str, cls: type[BaseModel]) -> BaseModel | None:
        p = self.path(self._cache(stage, key, ".json"))
        if not p.is_file():
            return None
        try:
            return cls.model_validate_json(p.read_text(encoding="utf-8"))
        except Exception:
            return None  # a torn or stale artifact is recomputed, never trusted

    def save_arrays(self, stage: str, key: str, meta: dict[str, Any], **arrays: np.ndarray) -> None:
        """Uncompressed .npz (fast to write and read; the run dir is scratch space)."""
        import io

        buf = io.BytesIO()
        np.savez(buf, __meta__=np.frombuffer(json.dumps(meta).encode(), np.uint8), **arrays)
        self.write_bytes(self._cache(stage, key, ".npz"), buf.getvalue())

    def load_arrays(
        self, stage: str, key: str
    ) -> tuple[dict[str, Any], dict[str, np.ndarray]] | None:
        p = self.path(self._cache(stage, key, ".npz"))
        if not p.is_file():
            return None
        try:
            with np.load(p, allow_pickle=False) as data:
                arrays = {k: data[k] for k in data.files if k != "__meta__"}
                meta = json.loads(bytes(data["__meta__"]).decode())
            return meta, arrays
        except Exception:
            return None
