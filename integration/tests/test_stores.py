"""``ttv stores check|backup|restore|salvage`` on real store files: exit codes 0/1/2, coded
problems with repair pointers, damaged files kept aside, never deleted."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

from ttv_contracts.store import StoreGuard
from ttv_integration.cli import app
from typer.testing import CliRunner

runner = CliRunner()
APP = 0x54545631


def _run(args: list[str]):
    result = runner.invoke(app, ["stores", *args])
    return result.exit_code, (result.output or "") + (getattr(result, "stderr", "") or "")


def _store(path: Path, n: int) -> None:
    guard = StoreGuard(
        path,
        application_id=APP,
        schema="CREATE TABLE IF NOT EXISTS identities (key TEXT PRIMARY KEY, name TEXT, "
        "seed INTEGER)",
    )
    with guard.transaction() as conn:
        conn.executemany(
            "INSERT INTO identities VALUES (?, ?, ?)",
            [(f"name:person-{i}", f"Person {i} " + "z" * 80, i) for i in range(n)],
        )


def _count(path: Path) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT count(*) FROM identities").fetchone()[0]


def _layout(root: Path) -> tuple[Path, Path]:
    """One store in the flat layout, one under a project namespace."""
    flat = root / "identity" / "identities.sqlite3"
    spaced = root / "series-a" / "scene" / "locations.sqlite3"
    _store(flat, 2000)
    _store(spaced, 30)
    return flat, spaced


def test_check_all_layouts(tmp_path):
    root = tmp_path / "stores"
    _layout(root)
    code, out = _run(["check", "--stores", str(root), "--json"])
    assert code == 0, out
    report = json.loads(out)
    assert {r["store"] for r in report["stores"]} == {
        "identity/identities.sqlite3",
        "series-a/scene/locations.sqlite3",
    }
    assert all(r["status"] == "ok" for r in report["stores"])


def test_check_reports_damage_with_code_and_exit_1(tmp_path):
    root = tmp_path / "stores"
    flat, _ = _layout(root)
    with open(flat, "r+b") as fh:
        fh.truncate(flat.stat().st_size // 2)
    code, out = _run(["check", "--stores", str(root)])
    assert code == 1
    assert "damaged" in out and "TTV-E071" in out and "REPAIR.md#ttv-e071" in out


def test_bad_input_exits_2(tmp_path):
    code, out = _run(["check", "--stores", str(tmp_path / "nope")])
    assert code == 2 and "TTV-E075" in out
    code, out = _run(["restore", str(tmp_path / "no-backup"), "--stores", str(tmp_path)])
    assert code == 2 and "TTV-E075" in out
    code, out = _run(["salvage", str(tmp_path / "missing.sqlite3"), "--stores", str(tmp_path)])
    assert code == 2 and "TTV-E075" in out


def test_empty_root_is_fine(tmp_path):
    code, out = _run(["check", "--stores", str(tmp_path)])
    assert code == 0 and "no stores" in out


def test_backup_then_restore_round_trip(tmp_path):
    root = tmp_path / "stores"
    flat, spaced = _layout(root)
    dest = tmp_path / "backups" / "one"
    code, out = _run(["backup", "--stores", str(root), "--to", str(dest)])
    assert code == 0, out
    manifest = json.loads((dest / "manifest.json").read_text())
    assert {f["path"] for f in manifest["files"]} == {
        "identity/identities.sqlite3",
        "series-a/scene/locations.sqlite3",
    }
    flat.write_bytes(b"scribbled over" * 500)  # the live store is ruined
    code, out = _run(["restore", str(dest), "--stores", str(root)])
    assert code == 0, out
    assert _count(flat) == 2000 and _count(spaced) == 30
    kept = list(flat.parent.glob("identities.sqlite3.replaced-*"))
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"scribbled")
    code, _ = _run(["check", "--stores", str(root)])
    assert code == 0


def test_default_backup_folder_is_beside_the_root(tmp_path):
    root = tmp_path / "stores"
    _layout(root)
    code, out = _run(["backup", "--stores", str(root)])
    assert code == 0, out
    folders = list((tmp_path / "store-backups").iterdir())
    assert len(folders) == 1 and (folders[0] / "manifest.json").is_file()


def test_restore_refused_while_a_store_is_open(tmp_path):
    root = tmp_path / "stores"
    flat, _ = _layout(root)
    dest = tmp_path / "b"
    assert _run(["backup", "--stores", str(root), "--to", str(dest)])[0] == 0
    holder = sqlite3.connect(flat, isolation_level=None)
    holder.execute("SELECT 1 FROM identities LIMIT 1").fetchone()
    try:
        code, out = _run(["restore", str(dest), "--stores", str(root)])
    finally:
        holder.close()
    assert code == 1 and "refused" in out and "TTV-E070" in out
    assert not list(flat.parent.glob("*.replaced-*"))


def test_salvage_truncated_and_overwritten_stores(tmp_path):
    root = tmp_path / "stores"
    flat, spaced = _layout(root)
    before = _count(flat)
    with open(flat, "r+b") as fh:  # garbage over a stretch in the middle
        fh.seek(flat.stat().st_size // 2)
        fh.write(b"\xde\xad\xbe\xef" * 2048)
    size = spaced.stat().st_size
    with open(spaced, "r+b") as fh:
        fh.truncate(size - 4096)
    code, out = _run(["salvage", "--stores", str(root)])
    assert code == 0, out
    assert out.count("salvaged") == 2
    recovered = _count(flat)
    assert 0 < recovered < before
    damaged = list(flat.parent.glob("identities.sqlite3.damaged-*"))
    assert len(damaged) == 1 and damaged[0].stat().st_size > 0  # kept, never deleted
    code, out = _run(["check", "--stores", str(root), "--json"])
    assert code == 0, out  # the .damaged-* files are not stores any more
    # a healthy store is left alone
    code, out = _run(["salvage", "--stores", str(root)])
    assert code == 0 and "nothing to salvage" in out


def test_salvage_without_header_fails_with_code_and_keeps_the_file(tmp_path):
    root = tmp_path / "stores"
    flat, _ = _layout(root)
    with open(flat, "r+b") as fh:
        fh.write(b"\0" * 4096)
    before = flat.read_bytes()
    code, out = _run(["salvage", str(flat), "--stores", str(root)])
    assert code == 1 and "TTV-E074" in out
    assert flat.read_bytes() == before
    assert not list(flat.parent.glob("*.salvaging*"))


def test_doctor_links_each_problem_to_its_repair_section(tmp_path, monkeypatch):
    store = tmp_path / "stores" / "router"
    store.mkdir(parents=True)
    (store / "router.sqlite3").write_bytes(b"garbage" * 200)
    monkeypatch.setenv("TTV_STORE_DIR", str(tmp_path / "stores"))
    result = runner.invoke(app, ["doctor", "--config", "stub"])
    assert result.exit_code == 1
    assert "store router: see ttv-contracts/REPAIR.md#ttv-e030" in result.output


def test_repair_links_prefer_the_modules_own_code():
    import pytest
    from ttv_integration.doctor import repair_links

    pytest.importorskip("ttv_identity.errors")  # registers the identity codes

    detail = "TTV-E111: identity store /x/identities.sqlite3 is corrupt"
    assert repair_links(detail, "ttv-identity") == ["ttv-identity/REPAIR.md#ttv-e111"]
    assert repair_links("no module loads", "ttv-motion") == ["ttv-motion/REPAIR.md"]
    assert repair_links("nothing known") == []
