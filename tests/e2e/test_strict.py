"""(Needs the workspace: real identity, scene and extender modules.) Runs never fail quietly: a module that starts failing degrades the run with exit 3 and a
printed fallback (code, message, REPAIR pointer); ``--strict`` fails it with exit 1 naming
the module. Faults from the issue: a corrupt identity store and a corrupt scene store. The
issue's third fault, a misconfigured extender (an unknown option), is now caught before the
run starts, from the extender's typed options model (exit 2, TTV-E002): see
``test_options.py``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

SMALL = 'width = 128\nheight = 72\ntimeline_width = 64\ntimeline_height = 36\nprofile = "stub"\n'


def _corrupt(tmp: Path, slot: str, filename: str) -> None:
    folder = tmp / "stores" / "default" / slot
    folder.mkdir(parents=True)
    (folder / filename).write_bytes(b"not a database, a torn copy " * 200)


FAULTS = {
    # slot: (how to break it, extra config, module named, code)
    "identity": (
        lambda tmp: _corrupt(tmp, "identity", "identities.sqlite3"),
        '[slots.identity]\nuse = "coref"\n',
        "ttv-identity",
        "TTV-E111",
    ),
    "scene": (
        lambda tmp: _corrupt(tmp, "scene", "locations.sqlite3"),
        '[slots.scene]\nuse = "graph"\n',
        "ttv-scene",
        None,
    ),
}


@pytest.mark.parametrize("slot", sorted(FAULTS))
def test_a_failing_module_is_loud_and_strict_fails(tmp_path, slot, ttv):
    breaker, extra, module, code = FAULTS[slot]
    lesson_file = tmp_path / "lesson.json"
    lesson_file.write_text(
        json.dumps(
            {
                "title": "The potter",
                "scenes": [
                    {"setting": "a workshop", "text": "Ravi, the old potter, shaped a bowl."},
                    {"setting": "a market", "text": "He sold it to Meera at the market."},
                ],
            }
        )
    )
    breaker(tmp_path)
    cfg = tmp_path / "c.toml"
    cfg.write_text(SMALL + extra)
    common = ["generate", str(lesson_file), "-q", "--config", str(cfg)]

    degraded = ttv(tmp_path, *common, "-o", str(tmp_path / "a.mp4"), "--runs-root", "r1")
    assert degraded.returncode == 3, degraded.stdout + degraded.stderr
    assert degraded.stdout.startswith("degraded wrote"), degraded.stdout
    line = next(x for x in degraded.stderr.splitlines() if x.startswith(f"fallback in {slot}"))
    assert "REPAIR.md#ttv-e" in line and "[TTV-E" in line, line
    if code:
        assert code in line and f"{module}/REPAIR.md#{code.lower()}" in line, line
    report = json.loads(next((tmp_path / "r1").glob("*/report.json")).read_text())
    assert report["status"] == "degraded"

    strict = ttv(tmp_path, *common, "-o", str(tmp_path / "b.mp4"), "--runs-root", "r2", "--strict")
    assert strict.returncode == 1, strict.stdout + strict.stderr
    assert "strict run" in strict.stderr and module in strict.stderr, strict.stderr
    assert "Traceback" not in strict.stderr
    assert not (tmp_path / "b.mp4").exists()
    report = json.loads(next((tmp_path / "r2").glob("*/report.json")).read_text())
    assert report["status"] == "failed"
