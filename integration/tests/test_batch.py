"""`ttv batch` on the local executor: good lessons become videos, a malformed one is in the
batch report with its code, a second run skips finished lessons and redoes only the failed
one, and a lost worker is retried in isolation, then recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ttv_integration.batch import run_batch
from ttv_integration.cli import app
from ttv_integration.encoder import probe
from typer.testing import CliRunner

SMALL = {"width": 128, "height": 72, "timeline_width": 64, "timeline_height": 36}
GOOD = {
    "alpha": {"title": "Magnets", "text": "Opposite poles attract. Like poles repel."},
    "beta": {"title": "Rain", "text": "Water rises as vapour and falls as rain."},
}
BAD = {"title": "Broken"}  # neither text nor scenes: TTV-E001


def make_lessons(root: Path) -> Path:
    lessons = root / "lessons"
    lessons.mkdir()
    for stem, data in GOOD.items():
        (lessons / f"{stem}.json").write_text(json.dumps(data))
    (lessons / "broken.json").write_text(json.dumps(BAD))
    (lessons / "README.md").write_text("# not a lesson\n")
    return lessons


def small_config(tmp_path: Path) -> Path:
    cfg = tmp_path / "small.toml"
    cfg.write_text(
        'profile = "stub"\n'
        + "".join(f"{k} = {v}\n" for k, v in SMALL.items())
        + f'store_dir = "{tmp_path / "stores"}"\n'
    )
    return cfg


def check_first_run(report: dict, out: Path) -> None:
    by = {r["lesson"]: r for r in report["lessons"]}
    assert set(by) == {"alpha", "beta", "broken"}  # README.md is not a lesson
    assert by["broken"]["status"] == "failed"
    assert by["broken"]["error"]["code"] == "TTV-E001"
    assert by["broken"]["output"] is None
    for stem in GOOD:
        rec = by[stem]
        assert rec["status"] == "ok", rec
        assert rec["output"] == str((out / "videos" / f"{stem}.mp4").resolve())
        info = probe(Path(rec["output"]))
        assert info["streams"]["video"]["codec"] == "h264"
        assert (info["streams"]["video"]["width"], info["streams"]["video"]["height"]) == (128, 72)
        assert info["frames"] > 0 and info["streams"]["audio"]["codec"] == "aac"
        assert (out / "runs" / stem / "report.json").is_file()
        assert rec["timings"]["wall_s"] > 0 and "render" not in rec["timings"]["stages"]
        assert "encode" in rec["timings"]["stages"]
        assert rec["degraded_stages"] == []
    assert report["counts"] == {"ok": 2, "degraded": 0, "failed": 1}
    saved = json.loads((out / "batch.json").read_text())
    assert saved["counts"] == report["counts"] and len(saved["lessons"]) == 3


def check_second_run(report: dict, out: Path, mtimes: dict[str, int]) -> None:
    by = {r["lesson"]: r for r in report["lessons"]}
    assert report["skipped"] == 2 and report["rendered"] == 1
    for stem in GOOD:
        assert by[stem]["this_run"] == "skipped" and by[stem]["status"] == "ok"
        assert Path(by[stem]["output"]).stat().st_mtime_ns == mtimes[stem]
    assert by["broken"]["this_run"] == "rendered"
    assert by["broken"]["status"] == "failed" and by["broken"]["error"]["code"] == "TTV-E001"


def test_local_batch_and_rerun(tmp_path):
    lessons = make_lessons(tmp_path)
    out = tmp_path / "out"
    runner = CliRunner()
    args = ["batch", str(lessons), "-o", str(out), "-c", str(small_config(tmp_path))]
    result = runner.invoke(app, [*args, "--workers", "2", "--quiet"])
    assert result.exit_code == 1, result.output  # one lesson failed
    assert "TTV-E001" in result.output and "Traceback" not in result.output
    report = json.loads((out / "batch.json").read_text())
    check_first_run(report, out)
    assert report["executor"] == "local" and report["workers"] == 2
    # one store directory for every worker (absolute, as configured)
    assert report["store_dir"] == str((tmp_path / "stores").resolve())

    mtimes = {s: (out / "videos" / f"{s}.mp4").stat().st_mtime_ns for s in GOOD}
    result = runner.invoke(app, [*args, "--workers", "2", "--quiet"])
    assert result.exit_code == 1
    check_second_run(json.loads((out / "batch.json").read_text()), out, mtimes)

    # Fix the broken lesson and edit a good one: exactly those two are rendered again.
    (lessons / "broken.json").write_text(json.dumps({"title": "Fixed", "text": "Now it works."}))
    (lessons / "beta.json").write_text(json.dumps({"title": "Rain", "text": "It rains."}))
    result = runner.invoke(app, [*args, "--workers", "1", "--quiet"])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "batch.json").read_text())
    by = {r["lesson"]: r for r in report["lessons"]}
    assert {s for s, r in by.items() if r["this_run"] == "rendered"} == {"broken", "beta"}
    assert all(r["status"] == "ok" for r in by.values())
    assert probe(out / "videos" / "broken.mp4")["frames"] > 0


def test_resume_of_an_interrupted_run_dir(tmp_path, stub_config):
    """A lesson whose run directory exists (same lesson) resumes it instead of starting over."""
    lessons = make_lessons(tmp_path)
    (lessons / "broken.json").unlink()
    out = tmp_path / "out"
    first = run_batch(lessons, out, stub_config, workers=1)
    assert first["counts"]["ok"] == 2
    (out / "videos" / "alpha.mp4").unlink()  # the video is gone: alpha is not finished
    second = run_batch(lessons, out, stub_config, workers=1)
    by = {r["lesson"]: r for r in second["lessons"]}
    assert by["alpha"]["this_run"] == "rendered" and by["alpha"]["resumed"] is True
    assert by["alpha"]["status"] == "ok" and by["beta"]["this_run"] == "skipped"
    stages = json.loads((out / "runs" / "alpha" / "report.json").read_text())["stages"]
    assert {s["stage"]: s["status"] for s in stages}["narrative"] == "reused"


def test_config_change_redoes_everything(tmp_path, stub_config):
    lessons = make_lessons(tmp_path)
    out = tmp_path / "out"
    run_batch(lessons, out, stub_config, workers=2)
    other = stub_config.model_copy(update={"crf": 30})
    report = run_batch(lessons, out, other, workers=2)
    assert report["skipped"] == 0 and report["rendered"] == 3


CRASHER = """
import os
from ttv_integration.batch import render_lesson


def crashing_task(job, events=None):
    # A worker that dies (as an OOM kill would) for the lesson named 'crash'.
    if job["stem"] == "crash":
        os._exit(3)
    return render_lesson(job, events)
"""


def crasher(tmp_path: Path, monkeypatch):
    """The crashing task, from an importable module (spawned workers import it by name)."""
    import importlib

    helper = tmp_path / "helper"
    helper.mkdir()
    (helper / "ttv_batch_crasher.py").write_text(CRASHER)
    monkeypatch.syspath_prepend(str(helper))
    return importlib.import_module("ttv_batch_crasher").crashing_task


def test_lost_worker_is_retried_alone_then_recorded(tmp_path, stub_config, monkeypatch):
    crashing_task = crasher(tmp_path, monkeypatch)
    lessons = make_lessons(tmp_path)
    (lessons / "broken.json").unlink()
    (lessons / "crash.json").write_text(json.dumps(GOOD["alpha"]))
    out = tmp_path / "out"
    report = run_batch(lessons, out, stub_config, workers=2, max_retries=1, task=crashing_task)
    by = {r["lesson"]: r for r in report["lessons"]}
    assert by["crash"]["status"] == "failed"
    assert by["crash"]["error"]["code"] == "TTV-E010"
    assert "lost" in by["crash"]["error"]["message"]
    assert by["crash"]["attempts"] == 2  # one retry, then recorded
    assert by["alpha"]["status"] == by["beta"]["status"] == "ok"  # the others go on


def test_bad_batch_input(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["batch", str(tmp_path / "nope"), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2 and "TTV-E001" in result.output
    (tmp_path / "empty").mkdir()
    result = runner.invoke(app, ["batch", str(tmp_path / "empty"), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2 and "TTV-E001" in result.output
    lessons = make_lessons(tmp_path)
    result = runner.invoke(
        app, ["batch", str(lessons), "-o", str(tmp_path / "o"), "--executor", "dask"]
    )
    assert result.exit_code == 2 and "TTV-E002" in result.output


@pytest.mark.parametrize("names", [["a.json", "a.txt"], ["b.md"]])
def test_discovery_gives_unique_stems(tmp_path, names):
    from ttv_integration.batch import discover_lessons

    for name in names:
        (tmp_path / name).write_text("Some text.")
    (tmp_path / ".hidden.json").write_text("{}")
    stems = [s for s, _ in discover_lessons(tmp_path)]
    assert len(stems) == len(set(stems)) == len(names)


def test_longest_lessons_start_first_and_results_keep_the_lesson_order(tmp_path, stub_config):
    from ttv_integration.batch import longest_first, make_jobs

    lessons = tmp_path / "sized"
    lessons.mkdir()
    for stem, words in (("a", 4), ("b", 40), ("c", 12), ("d", 40)):
        (lessons / f"{stem}.txt").write_text(" ".join(["Word"] * words) + ".")
    jobs = make_jobs(lessons, tmp_path / "o", stub_config)
    assert [j.stem for j in jobs] == ["a", "b", "c", "d"]
    assert [j.stem for j in longest_first(jobs)] == ["b", "d", "c", "a"]  # ties keep order
    gone = jobs[0].__class__(**{**jobs[0].to_dict(), "source": str(tmp_path / "missing")})
    assert longest_first([gone, *jobs])[-1] is gone  # unreadable: no size, last
