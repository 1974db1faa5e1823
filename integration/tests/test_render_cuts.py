"""The render tells the interpolator where the hard cuts are, so no output frame mixes two
shots (in lighthouse, a flow interpolator morphed Tomas at the lamp into Tomas by the window
for one frame, because both shots share the lamp room's background)."""

from __future__ import annotations

import numpy as np
from ttv_contracts.stubs import STUBS
from ttv_contracts.v1 import Lesson, TransitionKind, TransitionSpec, resample_pairs
from ttv_integration import Pipeline, Registry, load_config
from ttv_integration.stages import render

SMALL = {"width": 128, "height": 72, "timeline_width": 64, "timeline_height": 36}


class CrossFade(STUBS["interpolator"]):
    def _interpolate(self, frames, fps_in, fps_out):
        for a, b, t in resample_pairs(frames, fps_in, fps_out):
            yield (a * (1 - t) + b * t).round().astype(np.uint8)


class Recording(STUBS["watermark"]):
    frames: list[np.ndarray] = []

    def _embed_frame(self, frame, payload):
        Recording.frames.append(frame.copy())
        return super()._embed_frame(frame, payload)


class Entry:
    def __init__(self, n: int) -> None:
        self.num_frames = n


def test_hard_cuts_are_the_unblended_shot_starts():
    cut = TransitionSpec(kind=TransitionKind.CUT, duration_frames=0)
    dissolve = TransitionSpec(kind=TransitionKind.DISSOLVE, duration_frames=6)
    zero = TransitionSpec(kind=TransitionKind.DISSOLVE, duration_frames=0)
    timeline = [Entry(10), Entry(20), Entry(5), Entry(7)]
    assert render.hard_cuts(timeline, [cut, dissolve, zero]) == [10, 35]
    assert render.hard_cuts(timeline[:1], []) == []


def test_no_rendered_frame_mixes_the_shots_on_either_side_of_a_hard_cut(tmp_path, monkeypatch):
    found: list[list[int]] = []
    real = render.hard_cuts
    monkeypatch.setattr(render, "hard_cuts", lambda *a: found.append(real(*a)) or found[-1])
    reg = Registry(eps=[])
    reg.register("interpolator", "crossfade", CrossFade)
    reg.register("watermark", "recording", Recording)
    cfg = load_config(
        profile="stub",
        use={"interpolator": "crossfade", "watermark": "recording"},
        overrides={**SMALL, "store_dir": str(tmp_path / "s"), "burn_captions": False},
    )
    lesson = Lesson(
        title="Cuts",
        text="The red ball rolls. The blue ball stops. The green ball waits. The end comes.",
    )
    Recording.frames = []
    report = Pipeline(cfg, registry=reg).run(lesson, tmp_path / "o.mp4", run_dir=tmp_path / "r")
    assert report.status == "ok"
    (st_cuts,) = found
    assert len(st_cuts) == report.num_shots - 1, "one location: every cut is hard"
    frames = Recording.frames
    ratio = cfg.fps // cfg.timeline_fps
    for c in st_cuts:
        before, gap, after = frames[c * ratio - ratio], frames[c * ratio - 1], frames[c * ratio]
        assert not np.array_equal(before, after), "the shots differ, so a mix would show"
        assert np.array_equal(gap, before), f"output {c * ratio - 1} mixes shots at cut {c}"
