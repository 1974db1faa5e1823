"""The location store: one SQLite file under the configured ``store_dir``.

A sequel lesson that returns to a place gets the same location id, palette and background
seed. Concurrency and corruption handling follow the identity store's rules: WAL, a busy
timeout, one ``BEGIN IMMEDIATE`` transaction per build, and a file that is not this store
raises TTV-E121 and is never replaced.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from ttv_contracts.errors import TTVError
from ttv_contracts.store import StoreGuard

from .errors import E_SCENE_STORE_BUSY, E_SCENE_STORE_CORRUPT

FILENAME = "locations.sqlite3"
APPLICATION_ID = 0x54545653  # "TTVS"
SCHEMA_VERSION = 1
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS locations (
    key TEXT PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    palette TEXT NOT NULL,
    seed INTEGER NOT NULL
);
"""


@dataclass
class StoredLocation:
    key: str
    id: str
    name: str
    description: str
    palette: list[str]
    seed: int


class LocationStore:
    def __init__(self, store_dir: str | Path, timeout_s: float = 30.0) -> None:
        self.dir = Path(store_dir)
        self.path = self.dir / FILENAME
        self.timeout_s = timeout_s

    def _corrupt(self, detail: str) -> TTVError:
        return TTVError(
            E_SCENE_STORE_CORRUPT,
            f"location store {self.path} is corrupt: {detail}",
            hint="Move the file aside (keep it for inspection) or restore a backup; "
            "the store is never replaced automatically.",
        )

    def _busy(self, detail: str) -> TTVError:
        return TTVError(
            E_SCENE_STORE_BUSY,
            f"location store {self.path}: {detail}",
            hint="Another run holds it, or the directory is not writable.",
        )

    def _connect(self) -> sqlite3.Connection:
        # The shared guard (WAL, busy timeout, application_id, user_version, quick_check);
        # the codes stay this module's (TTV-E121 corrupt, TTV-E122 busy).
        return _LocationGuard(self).connect()

    def _row(self, row: tuple) -> StoredLocation:
        key, id_, name, description, palette, seed = row
        try:
            colours = json.loads(palette)
            if not (
                isinstance(colours, list)
                and colours
                and all(isinstance(c, str) and _HEX.match(c) for c in colours)
            ):
                raise ValueError(f"palette {palette!r}")
            if not (isinstance(seed, int) and 0 <= seed < 2**32):
                raise ValueError(f"seed {seed!r}")
        except (ValueError, TypeError) as exc:
            raise self._corrupt(f"row {key!r} does not parse: {exc}") from exc
        return StoredLocation(key, id_, name, description, colours, seed)

    def problems(self) -> list[str]:
        """What is wrong with the store file, without creating or changing it."""
        if not self.path.exists():
            return []
        try:
            self.all()
        except TTVError as err:
            return [f"{err.code}: {err.message}"]
        return []

    def all(self) -> list[StoredLocation]:
        with closing(self._connect()) as conn:
            try:
                rows = conn.execute(
                    "SELECT key, id, name, description, palette, seed FROM locations ORDER BY key"
                ).fetchall()
            except sqlite3.DatabaseError as exc:
                raise self._corrupt(str(exc)) from exc
        return [self._row(r) for r in rows]

    def reconcile(self, found: Iterable[StoredLocation]) -> list[StoredLocation]:
        """Stored version of each location (inserting new ones), in one transaction."""
        found = list(found)
        with closing(self._connect()) as conn:
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    out = [self._one(conn, f) for f in found]
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc) or "busy" in str(exc):
                    raise self._busy(f"stayed locked for {self.timeout_s:.0f} s") from exc
                raise self._corrupt(str(exc)) from exc
            except sqlite3.DatabaseError as exc:
                raise self._corrupt(str(exc)) from exc
        return out

    def _one(self, conn: sqlite3.Connection, f: StoredLocation) -> StoredLocation:
        row = conn.execute(
            "SELECT key, id, name, description, palette, seed FROM locations WHERE key = ?",
            (f.key,),
        ).fetchone()
        if row is not None:
            return self._row(row)
        taken = {r[0] for r in conn.execute("SELECT id FROM locations")}
        new_id, n = f.id, 2
        while new_id in taken:
            new_id, n = f"{f.id}-{n}", n + 1
        f.id = new_id
        conn.execute(
            "INSERT INTO locations (key, id, name, description, palette, seed) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (f.key, f.id, f.name, f.description, json.dumps(f.palette), f.seed),
        )
        return f


class _LocationGuard(StoreGuard):
    def __init__(self, store: LocationStore) -> None:
        super().__init__(
            store.path,
            application_id=APPLICATION_ID,
            schema=_SCHEMA,
            schema_version=SCHEMA_VERSION,
            module="ttv-scene",
            timeout_s=store.timeout_s,
            on_corrupt=lambda _path, detail: store._corrupt(detail),
        )
        self.store = store

    def busy(self, detail: str) -> TTVError:
        return self.store._busy(detail)
