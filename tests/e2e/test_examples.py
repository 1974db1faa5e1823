"""End to end through the `ttv` CLI, as a user runs it, on every example lesson."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from ttv_integration.encoder import probe

ROOT = Path(__file__).resolve().parents[2]
LESSONS = sorted((ROOT / "examples" / "lessons").glob("*.json"))
SMALL = ["--config"]


def ttv(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ttv_integration.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=900,
    )


def small_config(tmp_path: Path, profile: str) -> Path:
    cfg = tmp_path / f"{profile}.toml"
    cfg.write_text(
        f'profile = "{profile}"\nwidth = 320\nheight = 180\n'
        "timeline_width = 160\ntimeline_height = 90\n"
    )
    return cfg


def check_video(out: Path, run_root: Path) -> dict:
    reports = list(run_root.glob("*/report.json"))
    assert len(reports) == 1
    report = json.loads(reports[0].read_text())
    info = probe(out)
    assert info["streams"]["video"]["codec"] == "h264"
    assert info["streams"]["audio"]["codec"] == "aac"
    assert info["streams"]["subtitle"]["codec"] == "mov_text"
    assert info["cues"] == report["num_shots"] >= 1
    assert abs(info["duration_s"] - report["duration_s"]) <= 1 / report["fps"] + 1e-6
    stages = {s["stage"] for s in report["stages"]}
    assert {
        "narrative",
        "identity",
        "scene",
        "emotion",
        "voice",
        "keyframe",
        "motion",
        "extender",
        "lipsync",
        "transitions",
        "interpolator",
        "upscaler",
        "watermark",
        "encode",
        "sign",
    } <= stages
    return report


@pytest.mark.parametrize("profile", ["default", "stub"])
@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_generate_example(tmp_path, lesson, profile):
    out = tmp_path / f"{lesson.stem}.mp4"
    done = ttv(
        "generate",
        str(lesson),
        "-o",
        str(out),
        "-q",
        "--config",
        str(small_config(tmp_path, profile)),
        "--runs-root",
        str(tmp_path / "runs"),
        "--strict",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    report = check_video(out, tmp_path / "runs")
    assert report["status"] == "ok"  # strict: not one fallback
    if profile == "stub":
        assert all(
            s["implementation"] in ("stub", "-", "cut", "pyav-libx264")
            or s["slot"] not in ("narrative", "voice", "keyframe")
            for s in report["stages"]
        )


def test_first_readme_run_on_a_fresh_machine_is_ok_and_verifies(tmp_path, monkeypatch):
    """No key, no config: the README's generate command ends "ok" (exit 0) with a signed
    video that `ttv verify` accepts; the user's key is created once and announced."""
    home = tmp_path / "fresh-user"
    monkeypatch.setenv("TTV_CONFIG_DIR", str(home))
    monkeypatch.delenv("TTV_SIGNING_KEY", raising=False)
    out = tmp_path / "short.mp4"
    lesson = ROOT / "examples" / "lessons" / "short.json"
    # 640x360: the watermark is sized for real output (360p and up), and verify reads it
    cfg = tmp_path / "fresh.toml"
    cfg.write_text("width = 640\nheight = 360\ntimeline_width = 320\ntimeline_height = 180\n")
    args = ["--config", str(cfg), "--runs-root", str(tmp_path / "r")]
    done = ttv("generate", str(lesson), "-o", str(out), "-q", *args, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("ok wrote"), done.stdout
    assert "created your signing key" in done.stderr
    assert (home / "keys" / "ttv-signing-key.pem").stat().st_mode & 0o077 == 0
    verified = ttv("verify", str(out), cwd=tmp_path)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "VERIFIED" in verified.stdout and "NOT VERIFIED" not in verified.stdout
    again = ttv("generate", str(lesson), "-o", str(tmp_path / "b.mp4"), "-q", *args, cwd=tmp_path)
    assert again.returncode == 0 and "created your signing key" not in again.stderr


def test_the_extender_stretches_short_clips_in_a_default_run(tmp_path):
    """Motion that returns short clips (like a fixed-length video model): the extender's
    real work runs in the default chain, strict, and the video keeps the timeline."""
    cfg = small_config(tmp_path, "default")
    cfg.write_text(
        cfg.read_text() + '[slots.motion]\nuse = "camera"\noptions = { clip_seconds = 1.0 }\n'
    )
    out = tmp_path / "short.mp4"
    lesson = ROOT / "examples" / "lessons" / "short.json"
    done = ttv(
        "generate",
        str(lesson),
        "-o",
        str(out),
        "-q",
        "--strict",
        "--config",
        str(cfg),
        "--runs-root",
        str(tmp_path / "runs"),
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = check_video(out, tmp_path / "runs")
    stages = {s["stage"]: s for s in report["stages"]}
    assert stages["extender"]["implementation"] == "slowmo"
    assert any(n.startswith(("slowed", "held")) for n in stages["extender"]["notes"]), stages
    assert any("short clip" in n for n in stages["motion"]["notes"])


def test_a_markdown_lesson_is_narrated_without_its_markup(tmp_path):
    """examples/lessons/space_station.md: "# Living in Space" was the first caption and a
    narrated line, "## A day on the station" the fourth."""
    lesson = ROOT / "examples" / "lessons" / "space_station.md"
    out = tmp_path / "space.mp4"
    args = ["--config", str(small_config(tmp_path, "default")), "--runs-root", str(tmp_path / "r")]
    done = ttv("generate", str(lesson), "-o", str(out), "-q", "--strict", *args, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    report = check_video(out, tmp_path / "r")
    assert report["lesson_title"] == "Living in Space"
    captions = out.with_suffix(".srt").read_text(encoding="utf-8")
    assert "Yuki wakes up in a sleeping bag" in captions and "straw." in captions
    for markup in ("#", "**", "- Yuki", "A day on the station"):
        assert markup not in captions
