"""Several `ttv generate` runs at once on one machine: separate run directories, and the
shared identity and router stores stay intact."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LESSON = ROOT / "examples" / "lessons" / "potter.json"


def test_parallel_runs_share_nothing_but_intact_stores(tmp_path):
    cfg = tmp_path / "small.toml"
    cfg.write_text("width = 192\nheight = 108\ntimeline_width = 96\ntimeline_height = 54\n")
    env = {**os.environ, "TTV_STORE_DIR": str(tmp_path / "stores")}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ttv_integration.cli",
                "generate",
                str(LESSON),
                "-o",
                str(tmp_path / f"out{i}.mp4"),
                "-q",
                "--config",
                str(cfg),
                "--runs-root",
                str(tmp_path / "runs"),
            ],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(3)
    ]
    results = [p.communicate(timeout=900) for p in procs]
    for p, (out, err) in zip(procs, results, strict=True):
        assert p.returncode == 0, out + err
    # run directories only: the runs root also keeps its cache ledger (.cache-ledger.json)
    run_dirs = sorted(p for p in (tmp_path / "runs").iterdir() if p.is_dir())
    assert len(run_dirs) == 3 and len({d.name for d in run_dirs}) == 3
    for i in range(3):
        assert (tmp_path / f"out{i}.mp4").stat().st_size > 0
    databases = [
        p for p in (tmp_path / "stores").rglob("*") if p.suffix in {".sqlite", ".sqlite3", ".db"}
    ]
    for db in databases:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok", db
