"""Kill a run at a stage boundary or mid-stage; resuming recomputes only unfinished work and
gives the same video as an uninterrupted run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from ttv_contracts.v1 import ModuleInfo

SCRIPT = Path(__file__).with_name("killer_script.py")

# (slot, kill at): after N calls for per-call slots, at output frame N for the interpolator.
ALL_BUT_ROUTER = [
    "narrative",
    "identity",
    "scene",
    "emotion",
    "keyframe",
    "motion",
    "transitions",
    "extender",
    "interpolator",
    "voice",
    "lipsync",
    "upscaler",
    "watermark",
]

KILL_POINTS = [
    ("narrative", 0),  # first stage, before anything is cached
    ("voice", 1),  # mid-stage: shot 0 voiced, shot 1 not
    ("motion", 1),  # mid-stage in the per-shot loop
    ("transitions", 0),  # stage boundary: every shot done, no cut blended
    ("interpolator", 10),  # mid-render, streaming
    ("watermark", 0),  # after the video is encoded, before it is signed
]


def _run(
    lesson: Path, out: Path, run_dir: Path, slot: str, at: int, resume: bool, when: str = "settled"
):
    return subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            str(lesson),
            str(out),
            str(run_dir),
            slot,
            str(at),
            "1" if resume else "0",
            when,
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def reference(tmp_path_factory, request):
    """An uninterrupted run whose run directory has the same name (so the same run id)."""
    tmp = tmp_path_factory.mktemp("reference")
    lesson = tmp / "lesson.json"
    lesson.write_text(
        json.dumps(
            {
                "title": "Magnets",
                "scenes": [
                    {
                        "setting": "a school lab",
                        "text": "Opposite poles attract. Like poles repel.",
                    },
                    {"setting": "a quiet beach", "text": "The needle of a compass is a magnet."},
                ],
            }
        )
    )
    out = tmp / "ref.mp4"
    done = _run(lesson, out, tmp / "run", "none", 0, False)
    assert done.returncode == 0, done.stderr
    return lesson, out


@pytest.mark.parametrize(("slot", "at"), KILL_POINTS)
def test_kill_and_resume(tmp_path, reference, slot, at):
    lesson, ref_out = reference
    run_dir = tmp_path / "run"
    out = tmp_path / "out.mp4"
    first = _run(lesson, out, run_dir, slot, at, False)
    assert first.returncode == -9, first.stderr  # SIGKILL: no cleanup ran
    assert not out.exists()
    second = _run(lesson, out, run_dir, slot, at, True)
    assert second.returncode == 0, second.stderr
    stages = json.loads(second.stdout.strip().splitlines()[-1])
    # Stages run in groups; the per-shot group interleaves its four stages shot by shot. The
    # render pulls shots through lip-sync and transitions one shot ahead; with this lesson's
    # two shots both are synced before the first blend and blended before output frame 10,
    # so the groups stay ordered here (a longer lesson interleaves them with the render).
    groups = [
        ["narrative"],
        ["identity"],
        ["scene"],
        ["emotion"],
        ["voice"],
        ["keyframe", "motion", "extender", "lipsync"],
        ["transitions"],
        ["interpolator", "upscaler", "watermark", "encode"],
        ["sign"],
    ]
    killed = "sign" if slot == "watermark" else slot
    killed_group = next(i for i, g in enumerate(groups) if killed in g)
    for group in groups[:killed_group]:
        for stage in group:
            assert stages[stage][0] == "reused", (stage, stages[stage])
    for group in groups[killed_group + 1 :]:
        for stage in group:
            assert stages[stage][0] != "reused", (stage, stages[stage])
    if slot in ("voice", "motion"):
        assert any("reused 1" in note for note in stages[slot][1]), stages[slot]
    # Same seed, same run id: the resumed video is byte-identical to an uninterrupted run.
    assert out.read_bytes() == ref_out.read_bytes()
    # Its provenance names every module whose work it holds, reused or not: 13 slots (the
    # router ranks, it makes nothing), the killer among them.
    modules = json.loads((run_dir / "provenance.json").read_text())["manifest"]["modules"]
    stub = ModuleInfo(slot="narrative", name="stub", package="ttv-contracts").version
    expected = {s: f"stub@{stub}" for s in ALL_BUT_ROUTER}
    expected[slot] = "killer@1.0.0"
    assert modules == expected


@pytest.mark.parametrize(("slot", "at"), [("motion", 1), ("interpolator", 10)])
def test_kill_without_settling_still_resumes_identically(tmp_path, reference, slot, at):
    """SIGKILL while the cache writer may be mid-write: whatever it left (nothing, a partial
    temporary file, a finished artifact) the resumed video is byte-identical."""
    lesson, ref_out = reference
    run_dir, out = tmp_path / "run", tmp_path / "out.mp4"
    first = _run(lesson, out, run_dir, slot, at, False, when="now")
    assert first.returncode == -9, first.stderr
    second = _run(lesson, out, run_dir, slot, at, True, when="now")
    assert second.returncode == 0, second.stderr
    assert out.read_bytes() == ref_out.read_bytes()
