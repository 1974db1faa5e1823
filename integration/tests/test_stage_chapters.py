"""The chapters stage (the docs' worked example of adding a stage): discovered without any
registration, ordered by its inputs, and its file is delivered next to the video."""

from __future__ import annotations

from ttv_integration import Pipeline, load_lesson
from ttv_integration.config import load_config
from ttv_integration.stages import pipeline_stages


def test_chapters_stage_runs_after_the_render_and_is_delivered(
    tmp_path, small_overrides, lesson_file
):
    names = [s.name for s in pipeline_stages()]
    assert names.index("render") < names.index("chapters") < names.index("sign")
    cfg = load_config(profile="stub", overrides=small_overrides)
    out = tmp_path / "magnets.mp4"
    report = Pipeline(cfg).run(load_lesson(lesson_file), out, run_dir=tmp_path / "run")
    vtt = (tmp_path / "magnets.mp4.chapters.vtt").read_text()
    cues = [line for line in vtt.splitlines() if " --> " in line]
    assert vtt.startswith("WEBVTT") and len(cues) == 2  # the lesson has two scenes
    assert cues[0].startswith("00:00:00.000 --> ")
    # the last chapter ends where the video ends
    end = cues[-1].split(" --> ")[1]
    h, m, s = end.split(":")
    assert abs(int(h) * 3600 + int(m) * 60 + float(s) - report.duration_s) < 1e-3
    assert "a school lab" in vtt and "a quiet beach" in vtt
