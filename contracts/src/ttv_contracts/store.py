"""A guard for a module's SQLite store, and the tools that keep one trustworthy.

Pure standard library. A module that persists state (identity memory, scene locations, router
history) opens its one file through :class:`StoreGuard`, which does what every store must do
and used to be copied into each package:

* WAL journal, ``synchronous=NORMAL`` and a busy timeout, so concurrent runs wait instead of
  failing, and readers never block the writer;
* ``BEGIN IMMEDIATE`` around "new or ours?", so two runs creating the store at once cannot
  see each other's half-made file as foreign;
* an ``application_id`` and a ``user_version`` check, so another program's database (or a
  store of another module) is refused, never written over;
* ``PRAGMA quick_check`` on open;
* a corruption hook: the module turns a damaged store into its own coded error (default
  TTV-E030), and the file is never replaced or deleted automatically.

The file-level tools (:func:`check_store`, :func:`backup_store`, :func:`restore_store`,
:func:`salvage_store`) back ``ttv stores`` and work on any SQLite file, whatever module owns it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .errors import (
    E_STORE_BUSY,
    E_STORE_CORRUPT,
    E_STORE_RESTORE_REFUSED,
    E_STORE_SALVAGE_FAILED,
    TTVError,
)

#: File names ``ttv stores`` treats as stores (``-wal``/``-shm`` companions excluded).
STORE_SUFFIXES = (".sqlite3", ".sqlite", ".db")
#: SQLite's own 16-byte file header.
SQLITE_MAGIC = b"SQLite format 3\x00"

CorruptHook = Callable[[Path, str], Exception]


def _is_busy(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _switch_to_wal(conn: sqlite3.Connection, timeout_s: float) -> None:
    """Put the file in WAL mode, waiting out other connections doing the same.

    Changing the journal mode of a fresh rollback-journal file needs an exclusive lock, and
    when two processes each hold a shared lock and both ask for it, SQLite answers BUSY at
    once without calling the busy handler (it would be a deadlock). So a run that opened a
    new store at the same moment as another failed with "database is locked" instead of
    waiting. Read the mode first (a file already in WAL needs no lock to stay there) and
    retry the switch with a growing pause until ``timeout_s`` has passed.
    """
    deadline = time.monotonic() + timeout_s
    pause = 0.002
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
                return
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


class StoreGuard:
    """Open one module's SQLite store safely.

    ``application_id`` marks the file as this module's (four ASCII bytes read as an int, e.g.
    ``0x54545631`` for "TTV1"); ``schema`` is the ``CREATE ... IF NOT EXISTS`` script run once
    on a new file; ``on_corrupt(path, detail)`` returns the exception to raise for a damaged
    or foreign file (default: TTV-E030 naming ``module``).
    """

    def __init__(
        self,
        path: str | Path,
        *,
        application_id: int,
        schema: str,
        schema_version: int = 1,
        module: str = "ttv-contracts",
        timeout_s: float = 30.0,
        on_corrupt: CorruptHook | None = None,
        quick_check: bool = True,
    ) -> None:
        if not 0 < application_id < 2**31:
            raise ValueError("application_id must be a positive 32-bit int")
        self.path = Path(path)
        self.application_id = application_id
        self.schema = schema
        self.schema_version = schema_version
        self.module = module
        self.timeout_s = timeout_s
        self.on_corrupt = on_corrupt
        self.quick_check = quick_check

    # ------------------------------------------------------------------ errors

    def corrupt(self, detail: str) -> Exception:
        """The exception for a damaged or foreign store (the module's hook decides)."""
        if self.on_corrupt is not None:
            return self.on_corrupt(self.path, detail)
        return TTVError(
            E_STORE_CORRUPT,
            f"store {self.path} is corrupt: {detail}",
            module=self.module,
            hint="It was left untouched: run `ttv stores check`, then `ttv stores restore` "
            "from a backup or `ttv stores salvage` (the damaged file is kept aside).",
        )

    def busy(self, detail: str) -> TTVError:
        return TTVError(
            E_STORE_BUSY,
            f"store {self.path} stayed locked for {self.timeout_s:.0f} s: {detail}",
            module=self.module,
            hint="Another run holds it; retry, or give this run its own store directory.",
        )

    # ------------------------------------------------------------------ connection

    def connect(self) -> sqlite3.Connection:
        """A checked connection in autocommit mode (use :meth:`transaction` to write)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise self.busy(f"cannot create {self.path.parent}: {exc.strerror}") from exc
        try:
            conn = sqlite3.connect(self.path, timeout=self.timeout_s, isolation_level=None)
        except sqlite3.Error as exc:
            raise self.busy(f"cannot open: {exc}") from exc
        try:
            conn.execute(f"PRAGMA busy_timeout={int(self.timeout_s * 1000)}")
            _switch_to_wal(conn, self.timeout_s)
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("BEGIN IMMEDIATE")
            try:
                self._adopt_or_check(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except TTVError:
            conn.close()
            raise
        except sqlite3.DatabaseError as exc:
            conn.close()
            if _is_busy(exc):
                raise self.busy(str(exc)) from exc
            raise self.corrupt(str(exc)) from exc
        except BaseException:
            conn.close()
            raise
        return conn

    def _adopt_or_check(self, conn: sqlite3.Connection) -> None:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if app_id == 0 and tables == 0:
            conn.execute(f"PRAGMA application_id={self.application_id}")
            conn.execute(f"PRAGMA user_version={self.schema_version}")
            for statement in _statements(self.schema):
                conn.execute(statement)
            return
        if app_id != self.application_id:
            raise self.corrupt(
                f"application_id is {app_id:#x}, expected {self.application_id:#x} "
                "(not this module's store)"
            )
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version != self.schema_version:
            raise self.corrupt(f"schema version {version}, expected {self.schema_version}")
        if self.quick_check:
            result = conn.execute("PRAGMA quick_check").fetchone()[0]
            if result != "ok":
                raise self.corrupt(f"quick_check says {result!r}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A connection inside ``BEGIN IMMEDIATE``: committed on success, rolled back on error;
        SQLite errors become the busy or corrupt error."""
        with closing(self.connect()) as conn:
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.DatabaseError as exc:
                raise (self.busy(str(exc)) if _is_busy(exc) else self.corrupt(str(exc))) from exc
            try:
                yield conn
            except sqlite3.DatabaseError as exc:
                conn.execute("ROLLBACK")
                raise (self.busy(str(exc)) if _is_busy(exc) else self.corrupt(str(exc))) from exc
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def problems(self) -> list[str]:
        """What is wrong with the file, without creating it (``[]`` when none or healthy)."""
        if not self.path.exists():
            return []
        try:
            with closing(self.connect()):
                pass
        except TTVError as err:
            return [f"{err.code}: {err.message}"]
        except Exception as exc:  # the module's hook may raise its own type
            return [str(exc)]
        return []


def _statements(script: str) -> list[str]:
    # Good enough for schemas (no semicolons inside string literals or triggers).
    return [s.strip() for s in script.split(";") if s.strip()]


# ---------------------------------------------------------------------- file-level tools


@dataclass(frozen=True)
class StoreCheck:
    """The verdict on one store file."""

    path: Path
    ok: bool
    verdict: str  # "ok", or the first problem found
    application_id: int | None = None
    user_version: int | None = None
    tables: dict[str, int] = field(default_factory=dict)  # table -> rows (when readable)
    problems: tuple[str, ...] = ()


def _ro_uri(path: Path) -> str:
    return f"{path.resolve().as_uri()}?mode=ro"


def check_store(path: str | Path, *, full: bool = False, timeout_s: float = 5.0) -> StoreCheck:
    """Read-only health check: header, ``quick_check`` (``integrity_check`` if ``full``), and
    a row count per table (which reads every table page). Never writes."""
    path = Path(path)
    problems: list[str] = []
    try:
        head = path.read_bytes()[:100] if path.stat().st_size else b""
    except OSError as exc:
        return StoreCheck(path, False, f"unreadable: {exc.strerror}", problems=(str(exc),))
    if not head:
        return StoreCheck(path, False, "empty file (0 bytes)", problems=("empty file",))
    if not head.startswith(SQLITE_MAGIC):
        return StoreCheck(
            path, False, "not an SQLite database (header overwritten?)", problems=("bad header",)
        )
    app_id = int.from_bytes(head[68:72], "big") if len(head) >= 72 else None
    version = int.from_bytes(head[60:64], "big") if len(head) >= 64 else None
    tables: dict[str, int] = {}
    try:
        with closing(sqlite3.connect(_ro_uri(path), uri=True, timeout=timeout_s)) as conn:
            pragma = "integrity_check" if full else "quick_check"
            rows = [r[0] for r in conn.execute(f"PRAGMA {pragma}(20)")]
            if rows != ["ok"]:
                problems.extend(rows)
            names = [
                r[0]
                for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"
                )
            ]
            for name in names:
                try:
                    q = _quote(name)
                    tables[name] = conn.execute(f"SELECT count(*) FROM {q}").fetchone()[0]
                except sqlite3.DatabaseError as exc:
                    problems.append(f"table {name}: {exc}")
    except sqlite3.DatabaseError as exc:
        problems.append(str(exc))
    verdict = "ok" if not problems else problems[0]
    return StoreCheck(path, not problems, verdict, app_id, version, tables, tuple(problems))


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def store_in_use(path: str | Path) -> str | None:
    """Why ``path`` is in use by another connection (a reason), or ``None`` when it is free.

    Meant for just before the file is replaced. A WAL store is switched to a rollback journal
    and back, which SQLite allows only when no other connection has it open; a store in
    another mode must grant an exclusive lock at once. A file that is not a database is not
    "in use" (that question is for :func:`check_store`).
    """
    path = Path(path)
    if not path.exists():
        return None
    try:
        with closing(sqlite3.connect(path, timeout=0, isolation_level=None)) as conn:
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0].lower()
            if mode == "wal":
                switched = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0].lower()
                if switched == "wal":
                    return "another connection has it open"
                conn.execute("PRAGMA journal_mode=WAL")
            else:
                conn.execute("BEGIN EXCLUSIVE")
                conn.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        if _is_busy(exc):
            return f"another connection has it open ({exc})"
        return None
    except sqlite3.DatabaseError:
        return None
    return None


def _stamp() -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())


def keep_aside(path: str | Path, tag: str) -> Path:
    """Rename ``path`` (and its ``-wal``/``-shm`` companions) to ``<name>.<tag>-<UTC stamp>``;
    never deletes. Returns the new path of the main file."""
    path = Path(path)
    stamp = _stamp()
    target = path.with_name(f"{path.name}.{tag}-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.{tag}-{stamp}-{n}")
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            companion.rename(target.with_name(target.name + suffix))
    path.rename(target)
    return target


def backup_store(src: str | Path, dst: str | Path, *, timeout_s: float = 30.0) -> StoreCheck:
    """Copy a live store with SQLite's online backup API (consistent even while another
    process writes: the copy is one committed state). Returns the check of the copy."""
    src, dst = Path(src), Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(dst.name + ".partial")
    tmp.unlink(missing_ok=True)
    with closing(sqlite3.connect(src, timeout=timeout_s)) as source:
        source.execute(f"PRAGMA busy_timeout={int(timeout_s * 1000)}")
        with closing(sqlite3.connect(tmp)) as target:
            source.backup(target)
            # A backup is a single file: no WAL to carry around or lose.
            target.execute("PRAGMA journal_mode=DELETE")
    os.replace(tmp, dst)
    return check_store(dst)


def restore_store(backup: str | Path, target: str | Path) -> Path | None:
    """Put ``backup`` in place of ``target``; the replaced file is kept aside (its new path is
    returned, ``None`` when there was none). Refused (TTV-E073) when the backup is not
    healthy or the target is in use; nothing changes then."""
    backup, target = Path(backup), Path(target)
    verdict = check_store(backup)
    if not verdict.ok:
        raise TTVError(
            E_STORE_RESTORE_REFUSED,
            f"backup {backup} is not healthy ({verdict.verdict}); not restoring it",
        )
    reason = store_in_use(target)
    if reason:
        raise TTVError(
            E_STORE_RESTORE_REFUSED,
            f"{target} is in use: {reason}",
            hint="Stop the runs that use the stores, then restore again.",
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = target.with_name(target.name + ".restoring")
    fresh.unlink(missing_ok=True)
    with (
        closing(sqlite3.connect(_ro_uri(backup), uri=True)) as source,
        closing(sqlite3.connect(fresh)) as out,
    ):
        source.backup(out)
        out.execute("PRAGMA journal_mode=WAL")
    aside = keep_aside(target, "replaced") if target.exists() else None
    os.replace(fresh, target)
    return aside


# ---------------------------------------------------------------------- salvage


@dataclass
class SalvageReport:
    """What :func:`salvage_store` got back from a damaged file."""

    source: Path
    output: Path
    tables: dict[str, int] = field(default_factory=dict)  # table -> rows recovered
    skipped: dict[str, int] = field(default_factory=dict)  # table -> damaged spans skipped
    notes: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def _read_rows(conn: sqlite3.Connection, table: str, columns: list[str]) -> tuple[list[tuple], int]:
    """Every readable row of a table, stepping over damaged pages by rowid.

    A scan stops at the first damaged page; the rows after it are reached again by seeking
    past the damage (``rowid >= n``: the seek goes down interior pages, not through the
    broken leaf), with an exponential then binary search for the first readable rowid.
    """
    q = _quote(table)
    cols = ", ".join(_quote(c) for c in columns)
    try:
        conn.execute(f"SELECT rowid FROM {q} LIMIT 0")
    except sqlite3.OperationalError:  # WITHOUT ROWID: one scan, as far as it reads
        rows: list[tuple] = []
        try:
            for row in conn.execute(f"SELECT {cols} FROM {q}"):
                rows.append(row)
        except sqlite3.DatabaseError:
            return rows, 1
        return rows, 0

    def first_from(n: int) -> int | bool | None:
        """First rowid >= n (None: no more rows; False: the seek hit damage)."""
        try:
            row = conn.execute(
                f"SELECT rowid FROM {q} WHERE rowid >= ? ORDER BY rowid LIMIT 1", (n,)
            ).fetchone()
        except sqlite3.DatabaseError:
            return False
        return None if row is None else row[0]

    def row_from(n: int) -> tuple | bool | None:
        """First whole row with rowid >= n, read without stepping past it."""
        try:
            return conn.execute(
                f"SELECT rowid, {cols} FROM {q} WHERE rowid >= ? ORDER BY rowid LIMIT 1", (n,)
            ).fetchone()
        except sqlite3.DatabaseError:
            return False

    found: dict[int, tuple] = {}
    skipped = 0
    limit = 2**63 - 1
    pos = -(2**63)
    while pos < limit:
        last = None
        try:
            for row in conn.execute(
                f"SELECT rowid, {cols} FROM {q} WHERE rowid >= ? ORDER BY rowid", (pos,)
            ):
                found[row[0]] = row[1:]
                last = row[0]
            break  # read to the end
        except sqlite3.DatabaseError:
            pass
        if last is not None:
            pos = last + 1
        # A scan steps one row ahead, so the rows just before the damage were read but never
        # handed over: walk them one by one, each query stopping at its row.
        for _ in range(64):
            got = row_from(pos)
            if got is None:
                return [(r, *v) for r, v in sorted(found.items())], skipped
            if got is False:
                break
            found[got[0]] = got[1:]
            pos = got[0] + 1
        else:
            continue  # a long readable run after all: scan again
        skipped += 1
        first = first_from(pos)
        if first is None:
            break
        if first is not False:  # the seek works, the row itself is unreadable: skip just it
            pos = first + 1
            continue
        bad, good, step = pos, None, 1
        while bad < limit:  # exponential search for a readable seek past the damage
            probe = min(limit, bad + step)
            step *= 2
            first = first_from(probe)
            if first is None:
                break
            if first is not False:
                good = probe
                break
            bad = probe
        if good is None:
            break
        while good - bad > 1:  # binary search: the smallest readable seek in (bad, good]
            mid = (bad + good) // 2
            if first_from(mid) is False:
                bad = mid
            else:
                good = mid
        first = first_from(good)
        if first is None or first is False:
            break
        pos = first
    return [(rowid, *values) for rowid, values in sorted(found.items())], skipped


def salvage_store(src: str | Path, dst: str | Path) -> SalvageReport:
    """Recover every readable row of a damaged SQLite file into a fresh file ``dst``.

    Works on a copy (the damaged file and its ``-wal`` are never written). The schema comes
    from the damaged file's first page; tables are recreated, their readable rows copied
    (rowids kept), then indexes and triggers rebuilt; ``application_id`` and ``user_version``
    are carried over. Raises TTV-E074 when not even the schema can be read.
    """
    src, dst = Path(src), Path(dst)
    if dst.exists():
        raise TTVError(E_STORE_SALVAGE_FAILED, f"salvage target {dst} already exists")
    report = SalvageReport(src, dst)
    with tempfile.TemporaryDirectory(prefix="ttv-salvage-") as tmp:
        copy = Path(tmp) / src.name
        shutil.copyfile(src, copy)
        wal = src.with_name(src.name + "-wal")
        if wal.exists():
            shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
        head = copy.read_bytes()[:100]
        if not head.startswith(SQLITE_MAGIC):
            raise TTVError(
                E_STORE_SALVAGE_FAILED,
                f"{src}: the SQLite header is gone (first page overwritten); no schema to "
                "recover rows into",
                hint="Restore the store from a backup (`ttv stores restore`).",
            )
        with closing(sqlite3.connect(copy, isolation_level=None)) as conn:
            try:
                # On the copy only: lets SQLite open a file shorter than its header says
                # (a truncated store) instead of refusing it outright.
                conn.execute("PRAGMA writable_schema=ON")
                schema = conn.execute(
                    "SELECT type, name, tbl_name, sql FROM sqlite_master "
                    "WHERE sql IS NOT NULL ORDER BY rowid"
                ).fetchall()
                app_id = conn.execute("PRAGMA application_id").fetchone()[0]
                version = conn.execute("PRAGMA user_version").fetchone()[0]
            except sqlite3.DatabaseError as exc:
                raise TTVError(
                    E_STORE_SALVAGE_FAILED,
                    f"{src}: the schema page cannot be read ({exc})",
                    hint="Restore the store from a backup (`ttv stores restore`).",
                ) from exc
            tables = [
                (name, sql)
                for kind, name, _t, sql in schema
                if kind == "table" and not name.startswith("sqlite_")
            ]
            rest = [sql for kind, name, _t, sql in schema if kind in ("index", "trigger", "view")]
            dst.parent.mkdir(parents=True, exist_ok=True)
            with closing(sqlite3.connect(dst, isolation_level=None)) as out:
                out.execute(f"PRAGMA application_id={int(app_id)}")
                out.execute(f"PRAGMA user_version={int(version)}")
                out.execute("BEGIN")
                for name, sql in tables:
                    out.execute(sql)
                    columns = [r[1] for r in conn.execute(f"PRAGMA table_info({_quote(name)})")]
                    rows, skipped = _read_rows(conn, name, columns)
                    if rows and len(rows[0]) == len(columns) + 1:
                        names = ", ".join(["rowid", *(_quote(c) for c in columns)])
                        marks = ", ".join("?" * (len(columns) + 1))
                    else:
                        names = ", ".join(_quote(c) for c in columns)
                        marks = ", ".join("?" * len(columns))
                    out.executemany(
                        f"INSERT OR IGNORE INTO {_quote(name)} ({names}) VALUES ({marks})", rows
                    )
                    report.tables[name] = len(rows)
                    if skipped:
                        report.skipped[name] = skipped
                        report.notes.append(f"table {name}: stepped over {skipped} damaged span(s)")
                for sql in rest:
                    try:
                        out.execute(sql)
                    except sqlite3.DatabaseError as exc:  # e.g. a unique index on bad rows
                        report.notes.append(f"could not rebuild {sql.split('(')[0]!r}: {exc}")
                out.execute("COMMIT")
                out.execute("PRAGMA journal_mode=WAL")
    return report


__all__ = [
    "SQLITE_MAGIC",
    "STORE_SUFFIXES",
    "SalvageReport",
    "StoreCheck",
    "StoreGuard",
    "backup_store",
    "check_store",
    "keep_aside",
    "restore_store",
    "salvage_store",
    "store_in_use",
]
