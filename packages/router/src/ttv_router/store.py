"""The router's own SQLite history: Beta posteriors per (slot, candidate, context bucket).

Safe under concurrent runs: WAL journal, a busy timeout, and every update in one
``BEGIN IMMEDIATE`` transaction (read-decay-write cannot interleave). A store that fails
SQLite's ``quick_check`` or lacks the expected schema is reported as ``TTV-E030`` and left
untouched for inspection: it is never silently replaced.
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from ttv_contracts.store import StoreGuard

from .errors import E_STORE_CORRUPT, E_STORE_TOO_NEW, E_STORE_UNWRITABLE, PACKAGE, TTVError

SCHEMA_VERSION = 1
APPLICATION_ID = 0x54545652  # "TTVR"
DB_NAME = "router.sqlite3"
PRIOR = 1.0  # Beta(1, 1): uniform prior; forgetting decays evidence back towards it

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS arms (
    slot TEXT NOT NULL,
    candidate TEXT NOT NULL,
    bucket TEXT NOT NULL,
    alpha REAL NOT NULL,
    beta REAL NOT NULL,
    plays INTEGER NOT NULL DEFAULT 0,
    successes INTEGER NOT NULL DEFAULT 0,
    latency_ewma REAL,
    updated_at REAL NOT NULL,
    PRIMARY KEY (slot, candidate, bucket)
);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    slot TEXT NOT NULL,
    candidate TEXT NOT NULL,
    bucket TEXT NOT NULL,
    success INTEGER NOT NULL,
    latency_s REAL NOT NULL,
    quality REAL,
    reward REAL NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS events_slot_bucket ON events (slot, bucket);
INSERT OR IGNORE INTO meta VALUES ('schema_version', '1');
"""
_TABLES = {"meta", "arms", "events"}


@dataclass(frozen=True)
class Arm:
    slot: str
    candidate: str
    bucket: str
    alpha: float
    beta: float
    plays: int
    successes: int
    latency_ewma: float | None
    updated_at: float

    @property
    def mean(self) -> float:
        return self.alpha / (self.alpha + self.beta)

    @property
    def evidence(self) -> float:
        """Effective number of (discounted) outcomes behind the posterior."""
        return self.alpha + self.beta - 2 * PRIOR


def _corrupt(path: Path, detail: str) -> TTVError:
    return TTVError(
        E_STORE_CORRUPT,
        f"router store {path} is corrupt: {detail}",
        module=PACKAGE,
        hint=(
            "It was left untouched. Move it aside (the router then starts with no history) "
            "or restore it from a backup; see ttv-router REPAIR.md#ttv-e030."
        ),
    )


class Store:
    """One SQLite file under the configured ``store_dir`` (or in memory when none)."""

    def __init__(self, store_dir: Path | None) -> None:
        self.path: Path | None = None
        if store_dir is None:
            target = Path(":memory:")
        else:
            try:
                Path(store_dir).mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise TTVError(
                    E_STORE_UNWRITABLE,
                    f"cannot create router store directory {store_dir} ({exc.strerror})",
                    module=PACKAGE,
                ) from None
            self.path = target = Path(store_dir) / DB_NAME
            _stamp_legacy(target)
        # WAL, busy timeout, "new or ours?" under BEGIN IMMEDIATE, application_id,
        # user_version and quick_check: the shared guard; corrupt is TTV-E030 with the
        # router's hint, busy or unwritable is TTV-E341.
        self.db = _RouterGuard(target).connect()
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise _corrupt(target, str(exc)) from None
        if row is None or not str(row[0]).isdigit():
            self.db.close()
            raise _corrupt(target, "schema version missing")
        if int(row[0]) > SCHEMA_VERSION:
            self.db.close()
            raise TTVError(
                E_STORE_TOO_NEW,
                f"router store {target} has schema {row[0]}; this ttv-router reads {SCHEMA_VERSION}",
                module=PACKAGE,
            )

    def close(self) -> None:
        self.db.close()

    def arms(self, slot: str, bucket: str | None = None) -> dict[tuple[str, str], Arm]:
        sql = "SELECT * FROM arms WHERE slot = ?"
        args: tuple = (slot,)
        if bucket is not None:
            sql += " AND bucket = ?"
            args = (slot, bucket)
        return {(a.candidate, a.bucket): a for a in (Arm(*r) for r in self._q(sql, args))}

    def all_arms(self) -> list[Arm]:
        return [Arm(*r) for r in self._q("SELECT * FROM arms ORDER BY slot, bucket, candidate", ())]

    def count(self, slot: str, bucket: str) -> int:
        return int(
            self._q("SELECT COUNT(*) FROM events WHERE slot=? AND bucket=?", (slot, bucket))[0][0]
        )

    def total_events(self) -> int:
        return int(self._q("SELECT COUNT(*) FROM events", ())[0][0])

    def _q(self, sql: str, args: tuple) -> list[tuple]:
        try:
            return self.db.execute(sql, args).fetchall()
        except sqlite3.DatabaseError as exc:
            raise _corrupt(self.path or Path(":memory:"), str(exc)) from None

    def record(
        self,
        *,
        slot: str,
        candidate: str,
        bucket: str,
        success: bool,
        latency_s: float,
        quality: float | None,
        reward: float,
        decay: float,
        latency_alpha: float = 0.3,
    ) -> None:
        """Discount every arm of (slot, bucket) towards the prior, then add this outcome."""
        now = time.time()
        db = self.db
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute(
                    "UPDATE arms SET alpha = ? + ? * (alpha - ?), beta = ? + ? * (beta - ?) "
                    "WHERE slot = ? AND bucket = ?",
                    (PRIOR, decay, PRIOR, PRIOR, decay, PRIOR, slot, bucket),
                )
                db.execute(
                    "INSERT INTO arms (slot, candidate, bucket, alpha, beta, plays, successes, "
                    "latency_ewma, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?) "
                    "ON CONFLICT (slot, candidate, bucket) DO UPDATE SET "
                    "alpha = alpha + ?, beta = beta + ?, plays = plays + 1, "
                    "successes = successes + excluded.successes, "
                    "latency_ewma = CASE WHEN latency_ewma IS NULL THEN excluded.latency_ewma "
                    "ELSE (1 - ?) * latency_ewma + ? * excluded.latency_ewma END, "
                    "updated_at = excluded.updated_at",
                    (
                        slot,
                        candidate,
                        bucket,
                        PRIOR + reward,
                        PRIOR + 1 - reward,
                        int(success),
                        latency_s,
                        now,
                        reward,
                        1 - reward,
                        latency_alpha,
                        latency_alpha,
                    ),
                )
                db.execute(
                    "INSERT INTO events (slot, candidate, bucket, success, latency_s, quality, "
                    "reward, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (slot, candidate, bucket, int(success), latency_s, quality, reward, now),
                )
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                raise
            raise _corrupt(self.path or Path(":memory:"), str(exc)) from None


class _RouterGuard(StoreGuard):
    def __init__(self, path: Path) -> None:
        super().__init__(
            path,
            application_id=APPLICATION_ID,
            schema=_SCHEMA,
            schema_version=SCHEMA_VERSION,
            module=PACKAGE,
            on_corrupt=_corrupt,
        )

    def busy(self, detail: str) -> TTVError:
        return TTVError(E_STORE_UNWRITABLE, f"router store {self.path}: {detail}", module=PACKAGE)


def _stamp_legacy(path: Path) -> None:
    """Give a store written before the guard (application_id 0, the router's tables, a
    ``meta`` row) the router's application_id, so the guard accepts it. Only the header's
    id and ``user_version`` change; rows and schema stay. Anything else is left to the
    guard to judge (and refuse)."""
    if not path.is_file():
        return
    try:
        with closing(sqlite3.connect(path, timeout=30.0, isolation_level=None)) as conn:
            if conn.execute("PRAGMA application_id").fetchone()[0] != 0:
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                tables = {
                    r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
                }
                row = (
                    conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
                    if tables >= _TABLES
                    else None
                )
                if conn.execute("PRAGMA application_id").fetchone()[0] == 0 and row is not None:
                    conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
                    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            finally:
                conn.execute("COMMIT")
    except sqlite3.DatabaseError:
        return  # damaged or busy: the guard reports it with the right code
