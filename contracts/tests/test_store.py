"""The store guard and the file-level store tools (check, backup, restore, salvage)."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
import time
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest
from ttv_contracts.errors import TTVError
from ttv_contracts.store import (
    StoreGuard,
    backup_store,
    check_store,
    keep_aside,
    restore_store,
    salvage_store,
    store_in_use,
)

APP = 0x54545458  # "TTTX"
SCHEMA = """
CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, body TEXT);
"""


def _guard(path: Path, **kw) -> StoreGuard:
    return StoreGuard(path, application_id=APP, schema=SCHEMA, module="ttv-test", **kw)


def _fill(path: Path, n: int = 3000) -> dict[int, tuple]:
    rows = {i: (f"item-{i}", f"body {i} " + "x" * (60 + i % 40)) for i in range(1, n + 1)}
    with _guard(path).transaction() as conn:
        conn.executemany(
            "INSERT INTO items (id, name, body) VALUES (?, ?, ?)",
            [(i, *v) for i, v in rows.items()],
        )
    assert not path.with_name(path.name + "-wal").exists()  # checkpointed on close
    return rows


def _pages(path: Path) -> list[tuple[int, int, int]]:
    """(page number, b-tree page type, cell count) of every page of the file."""
    data = path.read_bytes()
    size = int.from_bytes(data[16:18], "big")
    size = 65536 if size == 1 else size
    out = []
    for p in range(1, len(data) // size + 1):
        off = (p - 1) * size + (100 if p == 1 else 0)
        out.append((p, data[off], int.from_bytes(data[off + 3 : off + 5], "big")))
    return out


def _rows(path: Path) -> dict[int, tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return {r[0]: r[1:] for r in conn.execute("SELECT id, name, body FROM items")}


# ---------------------------------------------------------------------- guard


def test_guard_creates_marks_and_reopens(tmp_path):
    path = tmp_path / "slot" / "items.sqlite3"
    with _guard(path).transaction() as conn:
        conn.execute("INSERT INTO items (name) VALUES ('a')")
    with closing(_guard(path).connect()) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APP
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT name FROM items").fetchall() == [("a",)]
    assert _guard(path).problems() == []


def test_guard_refuses_foreign_and_garbage_files(tmp_path):
    other = tmp_path / "other.sqlite3"
    with closing(sqlite3.connect(other)) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(TTVError) as info:
        _guard(other).connect()
    assert info.value.code == "TTV-E030" and "application_id" in info.value.message

    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"not a database at all" * 100)
    before = garbage.read_bytes()
    assert _guard(garbage).problems()
    assert garbage.read_bytes() == before  # never replaced


def test_guard_corruption_hook_and_schema_version(tmp_path):
    path = tmp_path / "s.sqlite3"
    _guard(path).connect().close()

    class Mine(Exception):
        pass

    seen = []

    def hook(p, detail):
        seen.append((p, detail))
        return Mine(detail)

    with pytest.raises(Mine, match="schema version 1, expected 2"):
        _guard(path, schema_version=2, on_corrupt=hook).connect()
    assert seen and seen[0][0] == path


def test_guard_busy_is_coded(tmp_path):
    path = tmp_path / "s.sqlite3"
    _guard(path).connect().close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(TTVError) as info:
            _guard(path, timeout_s=0.1).connect()
        assert info.value.code == "TTV-E070"
        assert store_in_use(path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert store_in_use(path) is None


def _open_and_insert(args: tuple[str, float]) -> str:
    path, start = args
    while time.time() < start:  # line the processes up so they open the new file together
        pass
    try:
        with _guard(Path(path), timeout_s=10).transaction() as conn:
            conn.execute("INSERT INTO items (name) VALUES ('x')")
    except TTVError as err:
        return f"{err.code}: {err.message}"
    return "ok"


def test_processes_creating_one_store_together_wait_for_each_other(tmp_path):
    # Two processes switching a fresh file to WAL at once get BUSY without the busy handler
    # (SQLite's deadlock rule): before the guard retried the switch, about 4 in 10 of these
    # rounds had a run fail with "database is locked" (a stub fallback in a real batch).
    rounds, procs = 25, 4
    with multiprocessing.get_context("fork").Pool(procs) as pool:
        for k in range(rounds):
            path = str(tmp_path / f"s{k}.sqlite3")
            results = pool.map(_open_and_insert, [(path, time.time() + 0.03)] * procs)
            assert results == ["ok"] * procs, (k, results)
            assert len(_rows(Path(path))) == procs


def test_guard_transactions_are_atomic_under_threads(tmp_path):
    path = tmp_path / "s.sqlite3"
    _guard(path).connect().close()

    def work(k):
        for i in range(20):
            with _guard(path).transaction() as conn:
                n = conn.execute("SELECT count(*) FROM items").fetchone()[0]
                conn.execute("INSERT INTO items (name) VALUES (?)", (f"{k}-{i}-{n}",))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(_rows(path)) == 80


def test_rollback_on_error(tmp_path):
    path = tmp_path / "s.sqlite3"
    with pytest.raises(RuntimeError), _guard(path).transaction() as conn:
        conn.execute("INSERT INTO items (name) VALUES ('lost')")
        raise RuntimeError
    assert _rows(path) == {}


# ---------------------------------------------------------------------- check, backup, restore


def test_check_store_verdicts(tmp_path):
    good = tmp_path / "good.sqlite3"
    _fill(good, 50)
    verdict = check_store(good)
    assert verdict.ok and verdict.tables == {"items": 50} and verdict.application_id == APP
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    assert not check_store(empty).ok
    text = tmp_path / "text.sqlite3"
    text.write_text("hello")
    assert "not an SQLite database" in check_store(text).verdict


def test_backup_and_restore_keep_the_replaced_file(tmp_path):
    live = tmp_path / "live.sqlite3"
    rows = _fill(live, 200)
    copy = tmp_path / "backup" / "live.sqlite3"
    assert backup_store(live, copy).ok
    with _guard(live).transaction() as conn:
        conn.execute("DELETE FROM items")
    aside = restore_store(copy, live)
    assert _rows(live) == rows
    assert aside is not None and aside.exists() and _rows(aside) == {}
    assert _guard(live).problems() == []


def test_restore_refuses_a_target_in_use(tmp_path):
    live = tmp_path / "live.sqlite3"
    _fill(live, 10)
    copy = tmp_path / "b.sqlite3"
    backup_store(live, copy)
    reader = sqlite3.connect(live, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM items").fetchone()  # holds a WAL read snapshot
    try:
        with pytest.raises(TTVError) as info:
            restore_store(copy, live)
        assert info.value.code == "TTV-E073"
    finally:
        reader.execute("COMMIT")
        reader.close()
    assert list(tmp_path.glob("live.sqlite3.replaced-*")) == []


def test_restore_refuses_a_damaged_backup(tmp_path):
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"x" * 4096)
    with pytest.raises(TTVError) as info:
        restore_store(bad, tmp_path / "live.sqlite3")
    assert info.value.code == "TTV-E073"


def test_keep_aside_moves_companions(tmp_path):
    f = tmp_path / "a.sqlite3"
    f.write_bytes(b"1")
    f.with_name("a.sqlite3-wal").write_bytes(b"2")
    aside = keep_aside(f, "damaged")
    assert not f.exists() and aside.read_bytes() == b"1"
    assert aside.with_name(aside.name + "-wal").read_bytes() == b"2"


# ---------------------------------------------------------------------- salvage


def test_salvage_a_truncated_store(tmp_path):
    path = tmp_path / "items.sqlite3"
    rows = _fill(path)
    pages = _pages(path)
    size = int.from_bytes(path.read_bytes()[16:18], "big")
    keep = len(pages) // 2
    # rows live in table-leaf pages (type 13) other than page 1 (the schema)
    expected = sum(cells for p, kind, cells in pages if kind == 13 and 1 < p <= keep)
    assert 0 < expected < len(rows)
    with open(path, "r+b") as fh:
        fh.truncate(keep * size)
    assert not check_store(path).ok

    out = tmp_path / "salvaged.sqlite3"
    report = salvage_store(path, out)
    got = _rows(out)
    assert report.tables == {"items": expected} == {"items": len(got)}
    assert all(rows[i] == v for i, v in got.items())  # every recovered row is intact
    assert check_store(out).ok and check_store(out).application_id == APP
    assert path.exists()  # the damaged file is never touched


def test_salvage_a_store_partly_overwritten_with_garbage(tmp_path):
    path = tmp_path / "items.sqlite3"
    rows = _fill(path)
    pages = _pages(path)
    size = int.from_bytes(path.read_bytes()[16:18], "big")
    leaves = [(p, cells) for p, kind, cells in pages if kind == 13 and p > 1]
    hit = [leaves[len(leaves) // 3], leaves[2 * len(leaves) // 3]]  # two pages mid-table
    rng = np.random.default_rng(7)
    with open(path, "r+b") as fh:
        for p, _ in hit:
            junk = bytearray(rng.integers(0, 256, size, dtype=np.uint8).tobytes())
            junk[0] = 0x42  # not a b-tree page type, whatever the seed gives
            fh.seek((p - 1) * size)
            fh.write(bytes(junk))
    damaged = path.read_bytes()
    assert not check_store(path).ok

    out = tmp_path / "salvaged.sqlite3"
    report = salvage_store(path, out)
    got = _rows(out)
    assert len(got) == len(rows) - sum(cells for _, cells in hit)
    assert report.tables["items"] == len(got) and report.skipped["items"] == 2
    assert all(rows[i] == v for i, v in got.items())
    assert got.keys() >= {1, len(rows)}  # both ends, around the damage
    assert path.read_bytes() == damaged


def test_salvage_keeps_schema_indexes_and_every_table(tmp_path):
    path = tmp_path / "router.sqlite3"
    schema = """
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY AUTOINCREMENT, slot TEXT,
                                       at REAL NOT NULL);
    CREATE INDEX IF NOT EXISTS events_slot ON events (slot);
    """
    guard = StoreGuard(path, application_id=APP, schema=schema, schema_version=3)
    with guard.transaction() as conn:
        conn.execute("INSERT INTO meta VALUES ('schema_version', '3')")
        conn.executemany(
            "INSERT INTO events (slot, at) VALUES (?, ?)",
            [(f"slot-{i % 14}-" + "y" * 50, i * 0.5) for i in range(4000)],
        )
    size = int.from_bytes(path.read_bytes()[16:18], "big")
    with open(path, "r+b") as fh:
        fh.truncate(path.stat().st_size - 10 * size)
    out = tmp_path / "out.sqlite3"
    report = salvage_store(path, out)
    assert report.tables["meta"] == 1 and 0 < report.tables["events"] < 4000
    with closing(sqlite3.connect(out)) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert {"meta", "events", "events_slot"} <= names
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert StoreGuard(out, application_id=APP, schema=schema, schema_version=3).problems() == []


def test_salvage_without_a_header_is_coded(tmp_path):
    path = tmp_path / "items.sqlite3"
    _fill(path, 100)
    with open(path, "r+b") as fh:
        fh.write(b"\0" * 200)
    with pytest.raises(TTVError) as info:
        salvage_store(path, tmp_path / "out.sqlite3")
    assert info.value.code == "TTV-E074"
