"""Bad input: one paragraph with a code and a repair pointer, exit 2, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from ttv_integration.cli import app
from typer.testing import CliRunner

runner = CliRunner()
SMALL = ["--config", "stub"]


def _run(args: list[str]):
    result = runner.invoke(app, args)
    return result.exit_code, (result.output or "") + (getattr(result, "stderr", "") or "")


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ("{not json", "TTV-E001"),
        (json.dumps({"title": "x"}), "TTV-E001"),
        (json.dumps({"title": "x", "scenes": []}), "TTV-E001"),
        (json.dumps({"title": "x", "text": "   "}), "TTV-E001"),
        (json.dumps(["a", "list"]), "TTV-E001"),
        (json.dumps({"title": "x", "text": "y", "colour": "red"}), "TTV-E001"),
    ],
)
def test_malformed_lessons(tmp_path, content, code):
    lesson = _write(tmp_path, "bad.json", content)
    exit_code, out = _run(["generate", str(lesson), "-o", str(tmp_path / "o.mp4"), *SMALL])
    assert exit_code == 2
    assert code in out and "REPAIR.md#" in out
    assert "Traceback" not in out


def test_missing_lesson(tmp_path):
    exit_code, out = _run(["generate", str(tmp_path / "nope.json"), "-o", str(tmp_path / "o.mp4")])
    assert exit_code == 2 and "TTV-E001" in out


@pytest.mark.parametrize(
    ("toml", "code"),
    [
        ("width = 100000\n", "TTV-E002"),
        ("fps = 0\n", "TTV-E002"),
        ("width = 1281\n", "TTV-E002"),
        ("[slots.nonsense]\nuse = 'x'\n", "TTV-E002"),
        ("this is = = not toml", "TTV-E002"),
        ("[slots.emotion]\nuse = 'does-not-exist'\n", "TTV-E003"),
    ],
)
def test_bad_configs(tmp_path, lesson_file, toml, code):
    cfg = _write(tmp_path, "c.toml", toml)
    exit_code, out = _run(
        ["generate", str(lesson_file), "-o", str(tmp_path / "o.mp4"), "--config", str(cfg)]
    )
    assert exit_code == 2 and code in out, out


@pytest.mark.parametrize("use", ["emotion", "nonslot=stub", "emotion=nope"])
def test_bad_use(tmp_path, lesson_file, use):
    exit_code, out = _run(
        ["generate", str(lesson_file), "-o", str(tmp_path / "o.mp4"), *SMALL, "--use", use]
    )
    assert exit_code == 2 and "TTV-E003" in out


def test_unwritable_output(tmp_path, lesson_file):
    exit_code, out = _run(
        ["generate", str(lesson_file), "-o", str(tmp_path / "missing-dir" / "o.mp4"), *SMALL]
    )
    assert exit_code == 2 and "TTV-E004" in out
    exit_code, out = _run(["generate", str(lesson_file), "-o", str(tmp_path / "o.avi"), *SMALL])
    assert exit_code == 2 and "TTV-E004" in out


def test_path_escaping_run_dir(tmp_path):
    from ttv_contracts.errors import TTVError
    from ttv_integration.rundir import RunDir

    rd = RunDir(tmp_path / "run").create()
    for bad in ("../outside.json", "/etc/passwd", "cache/../../x"):
        with pytest.raises(TTVError) as info:
            rd.write_text(bad, "x")
        assert info.value.code == "TTV-E005"
    assert not (tmp_path / "outside.json").exists()


def test_resume_rejects_foreign_directory(tmp_path, lesson_file):
    (tmp_path / "notarun").mkdir()
    exit_code, out = _run(
        [
            "generate",
            str(lesson_file),
            "-o",
            str(tmp_path / "o.mp4"),
            *SMALL,
            "--resume",
            str(tmp_path / "notarun"),
        ]
    )
    assert exit_code == 2 and "TTV-E043" in out


def test_modules_and_schema(tmp_path):
    exit_code, out = _run(["modules", "--json"])
    assert exit_code == 0
    rows = json.loads(out)
    assert {r["slot"] for r in rows if r["name"] == "stub"} >= {"narrative", "watermark", "router"}
    exit_code, out = _run(["schema", "--out", str(tmp_path / "schemas")])
    assert exit_code == 0 and (tmp_path / "schemas" / "Lesson.json").is_file()


def test_help_imports_no_heavy_modules():
    code = (
        "import sys\n"
        "from ttv_integration import cli\n"
        "cli._mount_plugins()\n"
        "heavy = [m for m in ('torch', 'diffusers', 'transformers', 'av', 'cv2') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert out.stdout.strip() == "", f"ttv --help imports {out.stdout.strip()}"


def test_doctor_flags_a_corrupt_store(tmp_path, monkeypatch):
    store = tmp_path / "stores" / "router"
    store.mkdir(parents=True)
    (store / "router.sqlite").write_bytes(b"garbage" * 200)
    monkeypatch.setenv("TTV_STORE_DIR", str(tmp_path / "stores"))
    exit_code, out = _run(["doctor", "--config", "stub"])
    assert exit_code == 1 and "TTV-E030" in out
