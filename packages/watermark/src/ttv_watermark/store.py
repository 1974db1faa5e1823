"""The manifest store: the soft binding from a watermark payload back to a signed manifest.

Modelled on C2PA soft bindings: the invisible mark carries only an 8-byte payload; the signed
record it stands for lives in a store the watermark module owns. ``sign()`` appends every
record it makes; ``verify()`` on a copy that lost its provenance box (re-encoded, stripped,
screen-recorded) reads the payload from the pixels and looks the record up here.

One SQLite file, ``manifests.sqlite3``, under the configured ``store_dir`` (the integration
passes ``<store root>/<namespace>/watermark``; the root is ``store_dir`` in the pipeline
config, else ``$TTV_STORE_DIR``, else ``.ttv/stores``; the namespace defaults to ``default``).
Rows are never rewritten: the same payload signed
twice (a re-render) keeps both rows; lookups return the newest first.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ttv_contracts.v1 import ProvenanceRecord

from .errors import E_STORE_UNUSABLE, PACKAGE, TTVError

DB_NAME = "manifests.sqlite3"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS manifests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    payload_hex TEXT NOT NULL,
    title TEXT NOT NULL,
    run_id TEXT NOT NULL,
    key_id TEXT NOT NULL,
    signed_at TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    record_json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS manifests_payload ON manifests (payload_hex);
"""


@dataclass(frozen=True)
class StoredManifest:
    title: str
    signed_at: str
    record: ProvenanceRecord


class ManifestStore:
    """Append-only manifest store (one SQLite file; safe for concurrent runs)."""

    def __init__(self, store_dir: str | Path, timeout_s: float = 30.0) -> None:
        self.dir = Path(store_dir)
        self.path = self.dir / DB_NAME
        self.timeout_s = timeout_s

    def _connect(self, create: bool) -> sqlite3.Connection:
        try:
            if create:
                self.dir.mkdir(parents=True, exist_ok=True)
            con = sqlite3.connect(self.path, timeout=self.timeout_s)
            con.executescript(_SCHEMA)
            return con
        except (OSError, sqlite3.Error) as exc:
            raise TTVError(
                E_STORE_UNUSABLE,
                f"manifest store {self.path} cannot be opened ({exc})",
                module=PACKAGE,
            ) from None

    def exists(self) -> bool:
        return self.path.is_file()

    def add(self, record: ProvenanceRecord, title: str) -> None:
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        con = self._connect(create=True)
        try:
            with con:
                con.execute(
                    "INSERT INTO manifests (payload_hex, title, run_id, key_id, signed_at, "
                    "file_sha256, record_json) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        record.manifest.payload_hex,
                        title,
                        record.manifest.run_id,
                        record.key_id,
                        now,
                        record.file_sha256,
                        record.model_dump_json(),
                    ),
                )
        except sqlite3.Error as exc:
            raise TTVError(
                E_STORE_UNUSABLE,
                f"manifest store {self.path} cannot be written ({exc})",
                module=PACKAGE,
            ) from None
        finally:
            con.close()

    def lookup(self, payload_hex: str) -> list[StoredManifest]:
        """Records whose manifest carries ``payload_hex``, newest first ([] if no store)."""
        if not self.exists():
            return []
        con = self._connect(create=False)
        try:
            rows = con.execute(
                "SELECT title, signed_at, record_json FROM manifests WHERE payload_hex = ? "
                "ORDER BY id DESC",
                (payload_hex,),
            ).fetchall()
        except sqlite3.Error as exc:
            raise TTVError(
                E_STORE_UNUSABLE,
                f"manifest store {self.path} cannot be read ({exc})",
                module=PACKAGE,
            ) from None
        finally:
            con.close()
        out = []
        for title, signed_at, data in rows:
            try:
                out.append(
                    StoredManifest(title, signed_at, ProvenanceRecord.model_validate_json(data))
                )
            except ValueError:
                continue
        return out
