"""Cache bounds: each run holds a lock; eviction drops least recently used caches of finished
runs (never one in progress) and keeps their videos; ``ttv runs clean`` does it on demand."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from ttv_integration import Pipeline, load_lesson
from ttv_integration.config import load_config
from ttv_integration.runs import RunLock, evict, parse_size, scan


def _run(tmp_path, overrides, lesson_file, name, **extra):
    cfg = load_config(profile="stub", overrides={**overrides, **extra})
    return Pipeline(cfg).run(
        load_lesson(lesson_file), tmp_path / f"{name}.mp4", run_dir=tmp_path / "runs" / name
    )


def test_runs_over_budget_drop_the_oldest_caches(tmp_path, small_overrides, lesson_file):
    _run(tmp_path, small_overrides, lesson_file, "a")
    old = time.time() - 3600
    for p in (tmp_path / "runs" / "a").rglob("*"):
        os.utime(p, (old, old))
    _run(tmp_path, small_overrides, lesson_file, "b", cache_budget_mb=0)  # evicts "a", not itself
    runs = {r.path.name: r for r in scan(tmp_path / "runs")}
    assert runs["a"].cache_bytes == 0 and (tmp_path / "runs" / "a" / "video.mp4").is_file()
    assert runs["b"].cache_bytes > 0
    # "a" can still be resumed: it recomputes and gives the same video
    report = _run(tmp_path, small_overrides, lesson_file, "a")
    assert report.status == "ok"


def test_a_run_in_progress_is_never_evicted(tmp_path, small_overrides, lesson_file):
    _run(tmp_path, small_overrides, lesson_file, "a")
    lock = RunLock(tmp_path / "runs" / "a")
    assert lock.acquire()
    try:
        assert scan(tmp_path / "runs")[0].in_use
        assert evict(tmp_path / "runs", 0) == []
    finally:
        lock.release()
    assert [r.path.name for r in evict(tmp_path / "runs", 0)] == ["a"]


def test_runs_clean_command(tmp_path, small_overrides, lesson_file):
    _run(tmp_path, small_overrides, lesson_file, "a")
    cmd = [sys.executable, "-m", "ttv_integration.cli", "runs", "clean", "--runs-root"]
    dry = subprocess.run(
        [*cmd, str(tmp_path / "runs"), "--max-size", "0", "--dry-run"],
        capture_output=True,
        text=True,
    )
    assert dry.returncode == 0 and "would remove cache of a" in dry.stdout
    assert (tmp_path / "runs" / "a" / "cache").is_dir()
    done = subprocess.run(
        [*cmd, str(tmp_path / "runs"), "--max-size", "0"], capture_output=True, text=True
    )
    assert done.returncode == 0 and "removed cache of a" in done.stdout
    assert not (tmp_path / "runs" / "a" / "cache").exists()
    bad = subprocess.run(
        [*cmd, str(tmp_path / "runs"), "--max-size", "lots"], capture_output=True, text=True
    )
    assert bad.returncode == 2 and "TTV-E002" in bad.stderr


def test_parse_size():
    assert parse_size("2GB") == 2 * 1024**3 and parse_size("500M") == 500 * 1024**2
    assert parse_size("0") == 0 and parse_size("1.5k") == 1536


def test_eviction_scans_the_runs_root_only_when_the_ledger_says_so(
    tmp_path, small_overrides, lesson_file, monkeypatch
):
    import json

    from ttv_integration import runs

    scans = []
    real_scan = runs.scan
    monkeypatch.setattr(runs, "scan", lambda *a, **k: scans.append(a) or real_scan(*a, **k))
    _run(tmp_path, small_overrides, lesson_file, "a")
    assert len(scans) == 1  # no ledger yet: one full scan
    ledger = json.loads((tmp_path / "runs" / runs.LEDGER).read_text())
    a_bytes = real_scan(tmp_path / "runs")[0].cache_bytes
    assert ledger["bytes"] >= a_bytes > 0  # the run added what it wrote
    _run(tmp_path, small_overrides, lesson_file, "b")
    assert len(scans) == 1  # fresh ledger, under budget: no walk of every run's cache
    _run(tmp_path, small_overrides, lesson_file, "c", cache_budget_mb=0)
    assert len(scans) == 2  # over budget: scanned, and the other runs' caches went
    left = {r.path.name: r.cache_bytes for r in real_scan(tmp_path / "runs")}
    assert left["a"] == left["b"] == 0 and left["c"] > 0
    # a stale ledger is rescanned even under budget
    stale = json.loads((tmp_path / "runs" / runs.LEDGER).read_text())
    stale["scanned_at"] -= runs.EVICT_INTERVAL_S + 1
    (tmp_path / "runs" / runs.LEDGER).write_text(json.dumps(stale))
    _run(tmp_path, small_overrides, lesson_file, "d")
    assert len(scans) == 3
