"""Run directories on disk: which are in use, how much cache they hold, and eviction.

Every run holds an exclusive lock on ``<run>/run.lock`` while it works, so cleaning never
touches a run in progress. Eviction removes a finished run's ``cache/`` folder only (its
video, report, subtitles and provenance stay); the run can still be resumed, it just
recomputes. After each run the pipeline evicts the least recently used caches under the
runs root until they fit ``cache_budget_mb`` (scanning the root only when its ledger says the
budget may be exceeded, or every :data:`EVICT_INTERVAL_S`); ``ttv runs clean`` does the same
on demand.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

LOCK = "run.lock"


@dataclass(frozen=True)
class RunInfo:
    path: Path
    status: str
    cache_bytes: int
    total_bytes: int
    last_used: float  # mtime of the newest file, seconds since the epoch
    in_use: bool


def _size(path: Path) -> tuple[int, float]:
    """Bytes under ``path`` and the newest modification time (os.scandir: no Path objects)."""
    total, newest = 0, 0.0
    stack = [str(path)]
    while stack:
        with contextlib.suppress(OSError), os.scandir(stack.pop()) as it:
            for entry in it:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                elif entry.is_file(follow_symlinks=False):
                    st = entry.stat(follow_symlinks=False)
                    total += st.st_size
                    newest = max(newest, st.st_mtime)
    return total, newest


class RunLock:
    """An exclusive ``flock`` on the run's lock file, held for the run's lifetime."""

    def __init__(self, run_dir: Path) -> None:
        self.path = Path(run_dir) / LOCK
        self._fh = None

    def acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+")  # noqa: SIM115 - held until release()
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            return False
        self._fh = fh
        return True

    def release(self) -> None:
        if self._fh is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None


def in_use(run_dir: Path) -> bool:
    lock = RunLock(run_dir)
    if not lock.path.is_file():
        return False
    if lock.acquire():
        lock.release()
        return False
    return True


def scan(root: Path, *, totals: bool = True) -> list[RunInfo]:
    """Every run directory under ``root`` (a folder holding ``lesson.json``); ``totals``
    also sizes the whole run (not only its cache)."""
    out = []
    if not Path(root).is_dir():
        return out
    for lesson in sorted(Path(root).glob("*/lesson.json")):
        run = lesson.parent
        status = "unknown"
        with contextlib.suppress(OSError, ValueError):
            status = json.loads((run / "report.json").read_text(encoding="utf-8"))["status"]
        cache_bytes, newest = _size(run / "cache") if (run / "cache").is_dir() else (0, 0.0)
        total, newest_all = _size(run) if totals else (cache_bytes, newest)
        out.append(RunInfo(run, status, cache_bytes, total, max(newest, newest_all), in_use(run)))
    return out


def evict(
    root: Path,
    budget_bytes: int,
    *,
    older_than_s: float | None = None,
    keep: Path | None = None,
    dry_run: bool = False,
) -> list[RunInfo]:
    """Remove the caches of least recently used runs until the caches under ``root`` fit
    ``budget_bytes`` (and every cache older than ``older_than_s``). Runs in use and ``keep``
    are never touched. Returns the runs whose cache was (or would be) removed."""
    return _evict(root, budget_bytes, older_than_s=older_than_s, keep=keep, dry_run=dry_run)[0]


def _evict(
    root: Path,
    budget_bytes: int,
    *,
    older_than_s: float | None = None,
    keep: Path | None = None,
    dry_run: bool = False,
) -> tuple[list[RunInfo], int]:
    """:func:`evict`, and the cache bytes left under ``root``."""
    runs = [r for r in scan(root, totals=False) if r.cache_bytes]
    keep = Path(keep).resolve() if keep else None
    total = sum(r.cache_bytes for r in runs)
    now = time.time()
    removed = []
    for run in sorted(runs, key=lambda r: r.last_used):
        if run.in_use or (keep is not None and run.path.resolve() == keep):
            continue
        too_old = older_than_s is not None and now - run.last_used > older_than_s
        if total <= budget_bytes and not too_old:
            continue
        if not dry_run:
            shutil.rmtree(run.path / "cache", ignore_errors=True)
        total -= run.cache_bytes
        removed.append(run)
    return removed, total


#: the runs root's ledger of its cache bytes (approximate) and of its last full scan
LEDGER = ".cache-ledger.json"
#: a full scan of the runs root at least this often, and whenever the ledger is over budget
EVICT_INTERVAL_S = 600.0


def _read_ledger(root: Path) -> dict[str, float]:
    try:
        data = json.loads((Path(root) / LEDGER).read_text(encoding="utf-8"))
        return {"scanned_at": float(data["scanned_at"]), "bytes": float(data["bytes"])}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _write_ledger(root: Path, ledger: dict[str, float]) -> None:
    from .rundir import write_atomic

    with contextlib.suppress(OSError):  # without a ledger the next run scans: nothing is lost
        write_atomic(Path(root) / LEDGER, json.dumps(ledger).encode())


def maybe_evict(root: Path, budget_bytes: int, *, keep: Path | None = None) -> list[RunInfo]:
    """:func:`evict` after a run, without walking every run's cache each time.

    A full scan costs a walk of every cache under the runs root, so it grows with the number
    of runs (about 50 ms for a dozen small runs, measured: a run's whole orchestration
    budget). The root's ledger keeps the bytes found by the last scan plus those each run
    wrote since (:func:`note_cache_bytes`); the scan runs only when the ledger is over
    budget, is missing, or is older than :data:`EVICT_INTERVAL_S`. Runs that write their
    caches at the same moment may miss each other's bytes until the next full scan."""
    ledger = _read_ledger(root)
    fresh = ledger and time.time() - ledger["scanned_at"] < EVICT_INTERVAL_S
    if fresh and ledger["bytes"] <= budget_bytes:
        return []
    removed, total = _evict(root, budget_bytes, keep=keep)
    _write_ledger(root, {"scanned_at": time.time(), "bytes": total})
    return removed


def note_cache_bytes(root: Path, nbytes: int) -> None:
    """Add a run's newly written cache bytes to the runs root's ledger."""
    if nbytes <= 0:
        return
    ledger = _read_ledger(root)
    if ledger:  # without a ledger the next run scans anyway
        ledger["bytes"] += nbytes
        _write_ledger(root, ledger)


def parse_size(text: str) -> int:
    """``"2GB"``, ``"500M"``, ``"0"`` -> bytes."""
    units = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}
    t = text.strip().upper().removesuffix("B").removesuffix("I")
    for suffix in ("K", "M", "G", "T"):
        if t.endswith(suffix):
            return int(float(t[: -len(suffix)]) * units[suffix])
    return int(float(t))
