"""End to end on the stub profile: a real, decodable MP4 with audio and subtitles."""

from __future__ import annotations

import json

import pytest
from ttv_integration import Pipeline, load_lesson
from ttv_integration.encoder import probe


def test_stub_profile_writes_valid_mp4(tmp_path, stub_config, lesson_file):
    out = tmp_path / "out.mp4"
    report = Pipeline(stub_config).run(load_lesson(lesson_file), out, runs_root=tmp_path / "runs")
    info = probe(out)
    assert info["streams"]["video"]["codec"] == "h264"
    assert (info["streams"]["video"]["width"], info["streams"]["video"]["height"]) == (128, 72)
    assert info["streams"]["audio"]["codec"] == "aac"
    assert info["streams"]["subtitle"]["codec"] == "mov_text"
    assert info["cues"] == report.num_shots == 3
    # Duration equals the sum of the shots within one output frame.
    assert abs(info["duration_s"] - report.duration_s) <= 1 / 24 + 1e-6
    assert info["frames"] == int(report.duration_s * 24 + 1e-9)
    assert report.status == "ok"
    stages = [s.stage for s in report.stages]
    for stage in (
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
    ):
        assert stage in stages
    saved = json.loads((tmp_path / "runs" / report.run_id / "report.json").read_text())
    assert saved["status"] == "ok" and len(saved["stages"]) == len(report.stages)
    srt = out.with_suffix(".srt").read_text()
    assert srt.count("-->") == 3 and "Opposite poles attract." in srt


def test_runs_never_share_files(tmp_path, stub_config, lesson_file):
    lesson = load_lesson(lesson_file)
    a = Pipeline(stub_config).run(lesson, tmp_path / "a.mp4", runs_root=tmp_path / "runs")
    b = Pipeline(stub_config).run(lesson, tmp_path / "b.mp4", runs_root=tmp_path / "runs")
    assert a.run_id != b.run_id
    files_a = {
        p.relative_to(tmp_path / "runs" / a.run_id)
        for p in (tmp_path / "runs" / a.run_id).rglob("*")
    }
    files_b = {
        p.relative_to(tmp_path / "runs" / b.run_id)
        for p in (tmp_path / "runs" / b.run_id).rglob("*")
    }
    assert files_a == files_b  # same layout, in two separate directories
    assert probe(tmp_path / "a.mp4")["frames"] == probe(tmp_path / "b.mp4")["frames"]


@pytest.mark.parametrize("slot", ["emotion", "identity", "scene", "interpolator"])
def test_swapping_a_slot_to_stub_keeps_a_valid_video(tmp_path, small_overrides, lesson_file, slot):
    from ttv_integration.config import load_config

    cfg = load_config(profile="default", use={slot: "stub"}, overrides=small_overrides)
    out = tmp_path / "out.mp4"
    report = Pipeline(cfg).run(load_lesson(lesson_file), out, runs_root=tmp_path / "runs")
    record = next(s for s in report.stages if s.stage == slot)
    assert record.implementation == "stub"
    info = probe(out)
    assert info["cues"] == report.num_shots
    assert abs(info["duration_s"] - report.duration_s) <= 1 / 24 + 1e-6


def test_two_shot_lesson_keeps_both_shots(tmp_path, stub_config):
    """Regression: with two shots both transition cache keys were equal, so the second shot's
    frames replaced the first's and the video came out short (TTV-E040)."""
    from ttv_contracts.v1 import Lesson, LessonScene

    lesson = Lesson(
        title="Two",
        scenes=(
            LessonScene(setting="a lab", text="Poles attract."),
            LessonScene(setting="a beach", text="Waves roll in."),
        ),
    )
    out = tmp_path / "two.mp4"
    report = Pipeline(stub_config).run(lesson, out, runs_root=tmp_path / "runs")
    assert report.num_shots == 2
    assert abs(probe(out)["duration_s"] - report.duration_s) <= 1 / 24 + 1e-6
