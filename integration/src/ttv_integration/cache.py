"""The run's artifact cache: stage outputs keyed by their inputs, kept off the critical path.

A stage's output goes into a memory tier at once (later stages read it from there) and is
written to disk by one background thread at low CPU priority, compressed by its
:mod:`~ttv_integration.artifacts` codec. The memory tier is bounded: past its budget the least
recently used artifact that is already on disk is dropped, and a producer that outruns the
writer by more than :data:`WRITE_BEHIND_MB` waits (back-pressure) instead of growing memory
with the video's length.

Each artifact's ``.meta.json`` is written last (the commit marker) and records its lineage:
which implementation, at which version, made it and everything it was made from. A resumed
run reads the lineage back, so its provenance names the modules whose work it really used.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import queue
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ttv_contracts.errors import E_DISK_FULL, E_OUTPUT_UNWRITABLE, TTVError

from .artifacts import Artifact, header_json
from .rundir import write_atomic

#: Unwritten artifacts held at once, at most (MiB; never more than the memory budget). The
#: writer runs at low priority, so while the render keeps both cores busy it falls behind;
#: this bound keeps a long video's memory flat (the stream waits for the writer instead).
WRITE_BEHIND_MB = 64

#: slot -> "implementation@version" of everything an artifact was made from.
Lineage = dict[str, str]


@dataclass
class _Entry:
    value: Any
    lineage: Lineage
    nbytes: int
    pending: bool
    discard: bool = False  # dropped while its write was pending: forget it once written


class ArtifactCache:
    """``cache/<stage>/<key><suffix>`` plus ``<key>.meta.json``, with a memory tier."""

    def __init__(
        self,
        root: Path,
        *,
        memory_budget_mb: int = 512,
        persist: bool = True,
        write_behind_mb: int = WRITE_BEHIND_MB,
    ) -> None:
        self.root = Path(root)
        self.budget = memory_budget_mb * 1024 * 1024
        # Unwritten bytes allowed at once: a producer that outruns the writer waits here.
        self.write_behind = min(self.budget, write_behind_mb * 1024 * 1024)
        self.persist = persist
        self._mem: OrderedDict[tuple[str, str], _Entry] = OrderedDict()
        self._used = 0
        self._lock = threading.Condition()
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self.bytes_written = 0

    # ------------------------------------------------------------------ paths

    def _paths(self, stage: str, key: str, artifact: Artifact) -> tuple[Path, Path]:
        base = self.root / stage / key[:32]
        return base.with_suffix(artifact.suffix), base.with_name(base.name + ".meta.json")

    def on_disk(self, stage: str, key: str, artifact: Artifact) -> bool:
        return self._paths(stage, key, artifact)[1].is_file()

    # ------------------------------------------------------------------ read

    def get(self, stage: str, key: str, artifact: Artifact) -> tuple[Any, Lineage] | None:
        """The artifact and its lineage, from memory or disk; None when absent or unreadable
        (a torn or stale file is recomputed, never trusted)."""
        with self._lock:
            entry = self._mem.get((stage, key))
            if entry is not None:
                self._mem.move_to_end((stage, key))
                return entry.value, entry.lineage
        data_path, meta_path = self._paths(stage, key, artifact)
        if not meta_path.is_file():
            return None
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            value = artifact.decode(data_path.read_bytes(), meta["header"])
            lineage = dict(meta.get("lineage", {}))
        except Exception:
            return None
        self._remember(stage, key, value, lineage, artifact.nbytes(value), pending=False)
        return value, lineage

    def lineage(self, stage: str, key: str, artifact: Artifact) -> Lineage | None:
        """Only the lineage (no decoding), or None when the artifact is absent."""
        with self._lock:
            entry = self._mem.get((stage, key))
            if entry is not None:
                return entry.lineage
        meta_path = self._paths(stage, key, artifact)[1]
        try:
            return dict(json.loads(meta_path.read_text(encoding="utf-8")).get("lineage", {}))
        except (OSError, ValueError):
            return None

    # ------------------------------------------------------------------ write

    def put(
        self,
        stage: str,
        key: str,
        artifact: Artifact,
        value: Any,
        lineage: Lineage,
        *,
        persist: bool = True,
    ) -> None:
        """Keep ``value`` in memory now; write it to disk in the background when ``persist``."""
        self._raise_writer_error()
        write = persist and self.persist
        self._remember(stage, key, value, lineage, artifact.nbytes(value), pending=write)
        if write:
            self._ensure_writer()
            self._queue.put((stage, key, artifact, value, lineage))
            # Back-pressure: wait while unwritten artifacts exceed the write-behind budget.
            with self._lock:
                while self._pending_bytes() > self.write_behind and self._error is None:
                    self._lock.wait(0.5)

    def _remember(
        self, stage: str, key: str, value: Any, lineage: Lineage, nbytes: int, *, pending: bool
    ) -> None:
        with self._lock:
            old = self._mem.pop((stage, key), None)
            if old is not None:
                self._used -= old.nbytes
            self._mem[(stage, key)] = _Entry(value, lineage, nbytes, pending)
            self._used += nbytes
            self._evict()

    def _pending_bytes(self) -> int:
        return sum(e.nbytes for e in self._mem.values() if e.pending)

    def _evict(self) -> None:
        for k in list(self._mem):
            if self._used <= self.budget:
                break
            entry = self._mem[k]
            if entry.pending:
                continue
            del self._mem[k]
            self._used -= entry.nbytes

    def drop(self, stage: str, key: str) -> None:
        """Forget an in-memory artifact that is not needed again (it stays on disk; one whose
        write is still pending is forgotten as soon as it is written)."""
        with self._lock:
            entry = self._mem.get((stage, key))
            if entry is None:
                return
            if entry.pending:
                entry.discard = True
            else:
                del self._mem[(stage, key)]
                self._used -= entry.nbytes

    # ------------------------------------------------------------------ the writer thread

    def _ensure_writer(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._write_loop, name="ttv-cache-writer")
            self._thread.daemon = True
            self._thread.start()

    def defer(self, fn) -> None:
        """Run ``fn()`` on the writer thread, after the writes queued before it (housekeeping
        such as evicting old runs' caches, off the critical path). Errors are ignored."""
        self._ensure_writer()
        self._queue.put(fn)

    def _write_loop(self) -> None:
        with contextlib.suppress(Exception):  # Linux: lower this thread's priority only
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
        while True:
            item = self._queue.get()
            if item is None:
                return
            if callable(item):
                with contextlib.suppress(Exception):
                    item()
                continue
            stage, key, artifact, value, lineage = item
            try:
                if self._error is None:
                    data, header = artifact.encode(value)
                    data_path, meta_path = self._paths(stage, key, artifact)
                    write_atomic(data_path, data)
                    meta = {"stage": stage, "key": key, "lineage": lineage, "header": header}
                    meta_bytes = header_json(meta)
                    write_atomic(meta_path, meta_bytes)
                    self.bytes_written += len(data) + len(meta_bytes)
            except BaseException as exc:  # reported to the run at its next put or flush
                self._error = exc
            finally:
                with self._lock:
                    entry = self._mem.get((stage, key))
                    if entry is not None and entry.value is value:
                        entry.pending = False
                        if entry.discard:
                            del self._mem[(stage, key)]
                            self._used -= entry.nbytes
                    self._evict()
                    self._lock.notify_all()

    def _raise_writer_error(self) -> None:
        exc = self._error
        if exc is None:
            return
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            raise TTVError(
                E_DISK_FULL,
                f"disk full while writing the cache under {self.root}",
                module="ttv-integration",
            ) from exc
        raise TTVError(
            E_OUTPUT_UNWRITABLE,
            f"cannot write the cache under {self.root}: {exc}",
            module="ttv-integration",
        ) from exc

    def flush(self) -> None:
        """Wait until every artifact handed to :meth:`put` is on disk."""
        with self._lock:
            while self._pending_bytes() and self._error is None:
                self._lock.wait(0.2)
        self._raise_writer_error()

    def close(self) -> None:
        """Finish pending writes and stop the writer thread."""
        try:
            self.flush()
        finally:
            if self._thread is not None:
                self._queue.put(None)
                self._thread.join()
                self._thread = None
            with self._lock:
                self._mem.clear()
                self._used = 0
