"""The Python API page's example runs as written (docs/python-api.md), and the CLI is built on
the API (`ttv generate` calls `ttv.generate`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "python-api.md"


def _python_blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


def test_the_python_api_example_on_the_site_runs(tmp_path, monkeypatch, capsys):
    blocks = _python_blocks(PAGE.read_text(encoding="utf-8"))
    assert len(blocks) == 1, "the page has one runnable example"
    monkeypatch.chdir(tmp_path)  # the example's default stores and runs stay in tmp
    monkeypatch.setenv("TTV_STORE_DIR", str(tmp_path / "stores"))
    exec(compile(blocks[0], str(PAGE), "exec"), {"__name__": "__docs__"})
    printed = capsys.readouterr().out
    assert "3 shots" in printed and "reused" in printed


def test_import_ttv_is_the_api():
    import ttv
    from ttv_integration import api

    assert ttv.generate is api.generate and ttv.render_timeline is api.render_timeline
    assert ttv.load_lesson({"title": "T", "text": "One line."}).title == "T"
    with pytest.raises(ttv.TTVError) as info:
        ttv.load_lesson({"title": "no text"})
    assert info.value.code == "TTV-E001"
    with pytest.raises(ttv.TTVError) as info:
        ttv.load_config("stub", width=7)
    assert info.value.code == "TTV-E002"
    with pytest.raises(ttv.TTVError) as info:  # refused before anything runs
        ttv.generate({"title": "T", "text": "One line."}, "x.mp4", "stub", otio="x.txt")
    assert info.value.code == "TTV-E083"
    cfg = ttv.load_config("stub", use={"emotion": "stub"}, width=128, height=72)
    assert ttv.load_config(cfg, seed=3).seed == 3 and cfg.width == 128


def test_ttv_generate_calls_the_api(tmp_path, lesson_file, monkeypatch):
    from ttv_integration import api
    from ttv_integration.cli import app
    from typer.testing import CliRunner

    calls = []

    def fake(lesson, output, config, **kw):
        calls.append((lesson.title, Path(output).name, config.profile, kw["otio"]))
        raise SystemExit(0)  # stop here: only the call matters

    monkeypatch.setattr(api, "generate", fake)
    out = tmp_path / "m.mp4"
    CliRunner().invoke(app, ["generate", str(lesson_file), "-o", str(out), "--config", "stub"])
    assert calls == [("Magnets", "m.mp4", "stub", None)]
