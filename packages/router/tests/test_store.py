"""Store hard cases: concurrent writers, corruption, schema, options, CLI."""

from __future__ import annotations

import sqlite3

import pytest
from ttv_contracts.errors import TTVError
from ttv_contracts.testing.processes import run_in_processes
from ttv_contracts.v1 import RouteContext, RouteOutcome, RouteRequest
from ttv_router import BanditRouter
from ttv_router.cli import app
from ttv_router.store import DB_NAME
from typer.testing import CliRunner

WRITERS, PER_WRITER = 4, 40


def _writer(store_dir: str, index: int) -> None:
    r = BanditRouter(store_dir=store_dir, seed=index)
    for i in range(PER_WRITER):
        cand = f"c{(i + index) % 3}"
        r.rank(RouteRequest(slot="motion", candidates=("c0", "c1", "c2")))
        r.record(RouteOutcome(slot="motion", candidate=cand, success=i % 4 != 0, latency_s=0.5))
    r.close()
    return index


def test_concurrent_processes_lose_no_outcome(tmp_path) -> None:
    store = str(tmp_path / "shared")
    BanditRouter(store_dir=store).store.close()  # create it once (as the first run would)
    # fresh interpreters writing at once (fork from pytest can deadlock)
    assert run_in_processes(__file__, "_writer", [[store, i] for i in range(WRITERS)]) == list(
        range(WRITERS)
    )
    r = BanditRouter(store_dir=store)
    assert r.store.total_events() == WRITERS * PER_WRITER
    arms = r.store.arms("motion")
    assert sum(a.plays for a in arms.values()) == WRITERS * PER_WRITER
    assert r.store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_concurrent_first_creation(tmp_path) -> None:
    store = str(tmp_path / "fresh")
    assert run_in_processes(__file__, "_writer", [[store, i] for i in range(3)]) == [0, 1, 2]
    assert BanditRouter(store_dir=store).store.total_events() == 3 * PER_WRITER


def test_garbage_store_is_e030_and_left_untouched(tmp_path) -> None:
    d = tmp_path / "s"
    d.mkdir()
    (d / DB_NAME).write_bytes(b"this is not a database" * 100)
    before = (d / DB_NAME).read_bytes()
    r = BanditRouter(store_dir=str(d))  # constructing does not open the store
    with pytest.raises(TTVError) as info:
        r.rank(RouteRequest(slot="motion", candidates=("a", "b")))
    assert info.value.code == "TTV-E030"
    assert "left untouched" in str(info.value)
    assert (d / DB_NAME).read_bytes() == before


def test_truncated_store_is_e030(tmp_path) -> None:
    d = tmp_path / "s"
    r = BanditRouter(store_dir=str(d))
    for i in range(50):
        r.record(RouteOutcome(slot="motion", candidate=f"c{i}", success=True, latency_s=1))
    r.close()
    db = d / DB_NAME
    for side in d.glob(DB_NAME + "-*"):
        side.unlink()
    data = db.read_bytes()
    db.write_bytes(data[:100] + b"\x00" * 200 + data[300 : len(data) // 2])
    with pytest.raises(TTVError) as info:
        BanditRouter(store_dir=str(d)).rank(RouteRequest(slot="motion", candidates=("a",)))
    assert info.value.code == "TTV-E030"


def test_foreign_database_is_e030(tmp_path) -> None:
    d = tmp_path / "s"
    d.mkdir()
    con = sqlite3.connect(d / DB_NAME)
    con.execute("CREATE TABLE something_else (x)")
    con.commit()
    con.close()
    with pytest.raises(TTVError) as info:
        BanditRouter(store_dir=str(d)).record(
            RouteOutcome(slot="m", candidate="a", success=True, latency_s=1)
        )
    assert info.value.code == "TTV-E030"


def test_newer_schema_is_e340(tmp_path) -> None:
    d = tmp_path / "s"
    BanditRouter(store_dir=str(d)).store.close()
    con = sqlite3.connect(d / DB_NAME)
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    with pytest.raises(TTVError) as info:
        BanditRouter(store_dir=str(d)).rank(RouteRequest(slot="m", candidates=("a",)))
    assert info.value.code == "TTV-E340"


def test_unwritable_store_dir_is_e341(tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(TTVError) as info:
        BanditRouter(store_dir=str(blocker / "router")).rank(
            RouteRequest(slot="m", candidates=("a",))
        )
    assert info.value.code == "TTV-E341"


def test_no_store_dir_learns_in_memory() -> None:
    r = BanditRouter()
    assert any("in memory" in n for n in r.drain_notes())
    r.record(RouteOutcome(slot="m", candidate="a", success=True, latency_s=1))
    assert r.store.total_events() == 1


@pytest.mark.parametrize(
    "options", [{"bogus": 1}, {"decay": 0.1}, {"seed": "x"}, {"latency_weight": 2}]
)
def test_bad_options_are_e002(options) -> None:
    with pytest.raises(TTVError) as info:
        BanditRouter(**options)
    assert info.value.code == "TTV-E002"


def test_ranking_edge_cases(tmp_path) -> None:
    r = BanditRouter(store_dir=str(tmp_path / "s"))
    assert r.rank(RouteRequest(slot="m", candidates=("stub",))).ranking == ("stub",)
    dec = r.rank(RouteRequest(slot="m", candidates=("a", "a", "stub")))
    assert sorted(dec.ranking) == ["a", "a", "stub"] and dec.ranking[-1] == "stub"
    big = RouteContext(width=8192, height=8192, num_frames=100000, time_budget_s=0.001)
    assert r.rank(RouteRequest(slot="m", candidates=("x", "y"), context=big)).preset == "draft"


def test_stats_cli(tmp_path, monkeypatch) -> None:
    store = tmp_path / "stores" / "router"
    r = BanditRouter(store_dir=str(store))
    r.record(RouteOutcome(slot="motion", candidate="svd", success=True, latency_s=3.0))
    r.record(RouteOutcome(slot="motion", candidate="stub", success=False, latency_s=0.1))
    r.close()
    runner = CliRunner()
    runner = CliRunner(env={"COLUMNS": "200"})
    res = runner.invoke(app, ["stats", "--store", str(store)])
    assert res.exit_code == 0, res.output
    assert "svd" in res.output and "motion" in res.output and "2 outcomes" in res.output
    monkeypatch.setenv("TTV_STORE_DIR", str(tmp_path / "stores"))
    res = runner.invoke(app, ["stats"])
    assert res.exit_code == 0 and "svd" in res.output
    monkeypatch.delenv("TTV_STORE_DIR")
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["stats"])
    assert res.exit_code == 0 and "no router history" in res.output
    (tmp_path / ".ttv" / "stores" / "router").mkdir(parents=True)
    (tmp_path / ".ttv" / "stores" / "router" / DB_NAME).write_bytes(b"junk" * 500)
    res = runner.invoke(app, ["stats"])
    assert res.exit_code == 2 and "TTV-E030" in res.output


def test_import_is_light() -> None:
    import subprocess
    import sys

    code = (
        "import sys, ttv_router; "
        "print(int(any(m in sys.modules for m in ('typer', 'rich', 'sqlite3'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"


def test_entry_points_registered() -> None:
    from importlib.metadata import entry_points

    assert {e.name: e.value for e in entry_points(group="ttv.router")}["bandit"] == (
        "ttv_router:BanditRouter"
    )
    assert {e.name: e.value for e in entry_points(group="ttv.commands")}["router"] == (
        "ttv_router.cli:app"
    )
