"""Capacity on paper: a plan for N lessons a day computed from measured per-stage costs.

    python bench/capacity.py [--bench reports/bench.json] [--runs runs] [--out reports/capacity.md]

The docs build calls :func:`page` (``docs/gen_pages.py``), so the site's capacity page is
recomputed from whatever ``reports/bench.json`` and the run reports hold at build time.
Every number in the plan is either read from those files (and says which) or is an
assumption listed in :data:`ASSUMPTIONS`, printed on the page; nothing is typed in twice.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

#: What the plan assumes and cannot measure here. Change them here; the page shows them all.
ASSUMPTIONS: dict[str, tuple[float, str]] = {
    "lessons_per_day": (10_000, "lessons to render per day"),
    "peak_factor": (2.0, "peak hour load / mean hour load (lessons arrive unevenly)"),
    "target_utilisation": (0.7, "busiest fraction of a node's CPU we plan to use"),
    "cpu_node_vcpus": (16, "vCPUs per CPU node"),
    "cpu_vcpu_hour_usd": (0.04, "price of one vCPU-hour (on-demand, compute-optimised class)"),
    "gpu_node_hour_usd": (0.80, "price of one GPU node-hour (one 24 GB inference GPU)"),
    "gpu_keyframe_s_per_shot": (
        3.0,
        "GPU seconds per keyframe (SD 1.5, 512x512, 25 steps): NOT measured (no GPU in CI)",
    ),
    "gpu_motion_s_per_shot": (
        25.0,
        "GPU seconds per AnimateDiff clip (16 frames, 512x512): NOT measured (no GPU in CI)",
    ),
    "gpu_share": (0.0, "fraction of lessons rendered with the diffusers profile (GPU stages)"),
}

#: Stages that would run on a GPU node in the diffusers profile (the others stay on CPU).
GPU_STAGES = {"keyframe": "gpu_keyframe_s_per_shot", "motion": "gpu_motion_s_per_shot"}


@dataclass
class Inputs:
    """What was measured, with where it came from."""

    stage_s: dict[str, float] = field(default_factory=dict)  # seconds per lesson, per stage
    video_s: float = 0.0  # seconds of video per lesson
    shots: float = 0.0  # shots per lesson
    source: str = ""
    runs_used: int = 0
    parallel_efficiency: float | None = None  # local x2 / (2 * local x1)
    ray_factor: float | None = None  # ray x2 / local x2
    bench_meta: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _bench_rows(bench: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r.get("name", ""): r for r in bench.get("results", [])}


def read_inputs(bench_path: Path, runs_dir: Path | None) -> Inputs:
    inp = Inputs()
    bench: dict[str, Any] = {}
    if bench_path.is_file():
        try:
            bench = json.loads(bench_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            inp.notes.append(f"`{bench_path.name}` is unreadable ({exc}); bench figures missing")
    else:
        inp.notes.append(f"no `{bench_path.name}`: run `nox -s bench -- --full` to measure")
    inp.bench_meta = bench.get("meta", {})
    rows = _bench_rows(bench)

    # 1. per-stage seconds of whole lessons: run reports of the default profile (real sizes)
    reports = []
    if runs_dir is not None and runs_dir.is_dir():
        for path in sorted(runs_dir.glob("*/report.json")):
            try:
                rep = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if rep.get("status") in ("ok", "degraded") and rep.get("stages"):
                reports.append(rep)
    if reports:
        per_video_s: dict[str, list[float]] = {}
        for rep in reports:
            dur = float(rep.get("duration_s") or 0) or 1.0
            for st in rep["stages"]:
                per_video_s.setdefault(st["stage"], []).append(
                    float(st.get("duration_s") or 0) / dur
                )
        inp.video_s = statistics.median(float(r.get("duration_s") or 0) for r in reports)
        inp.shots = statistics.median(float(r.get("num_shots") or 0) for r in reports)
        inp.stage_s = {k: statistics.median(v) * inp.video_s for k, v in per_video_s.items()}
        inp.runs_used = len(reports)
        inp.source = (
            f"{len(reports)} run reports in `{runs_dir.name}/` (median seconds per second of "
            f"video, per stage, times the median lesson of {inp.video_s:.0f} s, "
            f"{inp.shots:.0f} shots)"
        )
    else:
        # 2. the bench: per-stage seconds of the batch benchmark's stub lessons, with the
        #    streaming stages replaced by the post-timeline benchmark at 1280x720
        batch = rows.get("batch: local x1 (reference)", {})
        post = rows.get("post-timeline chain (1280x720)", {})
        cost = rows.get("cost against length", {})
        stage_s = dict(batch.get("stage_seconds") or {})
        video = 0.0
        if cost.get("video_s") and cost.get("shots"):
            video = float(cost["video_s"][1]) / float(cost["shots"][1]) * 8  # 8-shot lesson
        inp.shots = 8.0
        inp.video_s = video or 36.0
        if post.get("stage_seconds") and post.get("reference"):
            per_s = {k: v / float(post["reference"]) for k, v in post["stage_seconds"].items()}
            for stage, v in per_s.items():
                stage_s[stage] = v * inp.video_s
        inp.stage_s = stage_s
        inp.source = (
            "`reports/bench.json`: the batch benchmark's stub-profile lessons for the per-shot stages, "
            "the post-timeline benchmark (1280x720) for interpolation, upscaling, watermark and "
            f"encoding, scaled to an {inp.shots:.0f}-shot lesson of {inp.video_s:.0f} s. No run "
            "reports were found, so the per-shot stages are the stubs' (a floor, not a forecast)"
        )
        if not stage_s:
            inp.notes.append("no per-stage measurements at all: the plan below is empty")

    one = rows.get("batch: local x1 (reference)", {}).get("measured")
    two = rows.get("batch: local x2", {}).get("measured")
    ray2 = rows.get("batch: ray x2, workers reused", {}).get("measured") or rows.get(
        "batch: ray x2", {}
    ).get("measured")
    if one and two:
        inp.parallel_efficiency = min(1.0, float(two) / (2 * float(one)))
    if two and ray2:
        inp.ray_factor = float(ray2) / float(two)
    return inp


@dataclass
class Plan:
    cpu_s_per_lesson: float
    gpu_s_per_lesson: float
    cpu_nodes: int
    gpu_nodes: int
    usd_per_lesson: float
    usd_per_day: float
    bottleneck: str
    bottleneck_share: float
    lessons_per_cpu_node_hour: float
    efficiency: float


def plan(inp: Inputs, a: dict[str, float] | None = None) -> Plan:
    a = {k: v for k, (v, _) in ASSUMPTIONS.items()} | (a or {})
    eff = inp.parallel_efficiency or 1.0
    if inp.ray_factor:
        eff *= min(1.0, inp.ray_factor)  # lessons are spread by Ray across nodes
    gpu_share = a["gpu_share"]
    cpu_stages = dict(inp.stage_s)
    gpu_s = 0.0
    for stage, key in GPU_STAGES.items():
        # in the diffusers share of lessons the stage runs on a GPU instead of the CPU
        gpu_s += gpu_share * a[key] * inp.shots
        if stage in cpu_stages:
            cpu_stages[stage] *= 1 - gpu_share
    cpu_s = sum(cpu_stages.values())
    per_day = a["lessons_per_day"]
    peak_per_hour = per_day / 24 * a["peak_factor"]
    # one vCPU renders 3600 / cpu_s lessons an hour at 100 %; scaled by measured efficiency
    lessons_per_vcpu_hour = 3600 / cpu_s * eff if cpu_s else math.inf
    node_per_hour = lessons_per_vcpu_hour * a["cpu_node_vcpus"] * a["target_utilisation"]
    cpu_nodes = math.ceil(peak_per_hour / node_per_hour) if cpu_s else 0
    gpu_nodes = math.ceil(peak_per_hour * gpu_s / 3600 / a["target_utilisation"]) if gpu_s else 0
    # cost per lesson: the resources it uses (at the planned utilisation), not idle capacity
    usd_cpu = cpu_s / eff / 3600 * a["cpu_vcpu_hour_usd"] / a["target_utilisation"]
    usd_gpu = gpu_s / 3600 * a["gpu_node_hour_usd"] / a["target_utilisation"]
    shares = {k: v / cpu_s for k, v in cpu_stages.items()} if cpu_s else {}
    bottleneck = max(shares, key=shares.get) if shares else "-"
    if (
        gpu_s
        and gpu_nodes * a["gpu_node_hour_usd"]
        > cpu_nodes * a["cpu_node_vcpus"] * a["cpu_vcpu_hour_usd"]
    ):
        bottleneck = "GPU stages (keyframe, motion)"
    return Plan(
        cpu_s_per_lesson=cpu_s,
        gpu_s_per_lesson=gpu_s,
        cpu_nodes=cpu_nodes,
        gpu_nodes=gpu_nodes,
        usd_per_lesson=usd_cpu + usd_gpu,
        usd_per_day=(usd_cpu + usd_gpu) * per_day,
        bottleneck=bottleneck,
        bottleneck_share=shares.get(bottleneck, 1.0) if shares else 0.0,
        lessons_per_cpu_node_hour=node_per_hour,
        efficiency=eff,
    )


def page(root: Path = ROOT, runs_dir: Path | None = None) -> str:
    """The capacity page (markdown), from ``reports/bench.json`` and the run reports."""
    inp = read_inputs(root / "reports" / "bench.json", runs_dir or root / "runs")
    p = plan(inp)
    diff = plan(inp, {"gpu_share": 1.0})
    a = {k: v for k, (v, _) in ASSUMPTIONS.items()}
    meta = inp.bench_meta
    lines = [
        "# Capacity plan",
        "",
        f"How many nodes {a['lessons_per_day']:,.0f} lessons a day need, what a lesson costs and "
        "where the bottleneck sits, **computed at each docs build** from the measured per-stage "
        "costs (`bench/capacity.py`). Measured figures say where they come from; everything "
        "else is an assumption in the table below.",
        "",
        "## Measured inputs",
        "",
        f"- Per-stage seconds: {inp.source or 'none'}.",
        f"- Bench run: {meta.get('finished_at', 'never')} on {meta.get('cpu_count', '?')} CPUs, "
        f"load average {meta.get('load_avg_before', '?')} before it "
        "(a loaded machine makes every stage look slower: the plan errs on the safe side).",
        "- Parallel efficiency per vCPU: "
        + (
            f"{inp.parallel_efficiency:.2f} (local pool x2 / 2 x local x1, same run)"
            if inp.parallel_efficiency is not None
            else "not measured (assumed 1.0)"
        )
        + ".",
        "- Ray against the local pool: "
        + (
            f"{inp.ray_factor:.2f} (Ray x2 / local x2, same run)"
            if inp.ray_factor is not None
            else "not measured"
        )
        + ".",
        *(f"- Note: {n}." for n in inp.notes),
        "",
        "| stage | seconds per lesson | share |",
        "| --- | --- | --- |",
    ]
    total = sum(inp.stage_s.values()) or 1.0
    for stage, sec in sorted(inp.stage_s.items(), key=lambda kv: -kv[1]):
        lines.append(f"| {stage} | {sec:.2f} | {sec / total:.0%} |")
    lines += [
        f"| **total (CPU, one lesson, one vCPU)** | **{total:.1f}** | 100% |",
        "",
        "## Assumptions",
        "",
        "| assumption | value | meaning |",
        "| --- | --- | --- |",
        *(f"| `{k}` | {v:g} | {why} |" for k, (v, why) in ASSUMPTIONS.items()),
        "",
        "## Plan",
        "",
        "| | default profile (CPU only) | diffusers profile (every lesson) |",
        "| --- | --- | --- |",
        f"| CPU seconds per lesson | {p.cpu_s_per_lesson:.1f} | {diff.cpu_s_per_lesson:.1f} |",
        f"| GPU seconds per lesson | {p.gpu_s_per_lesson:.1f} | {diff.gpu_s_per_lesson:.1f} |",
        f"| lessons per CPU node-hour | {p.lessons_per_cpu_node_hour:.0f} | "
        f"{diff.lessons_per_cpu_node_hour:.0f} |",
        f"| **CPU nodes** ({a['cpu_node_vcpus']:g} vCPUs) | **{p.cpu_nodes}** | "
        f"**{diff.cpu_nodes}** |",
        f"| **GPU nodes** | **{p.gpu_nodes}** | **{diff.gpu_nodes}** |",
        f"| **cost per lesson** | **${p.usd_per_lesson:.4f}** | **${diff.usd_per_lesson:.4f}** |",
        f"| cost per day | ${p.usd_per_day:,.0f} | ${diff.usd_per_day:,.0f} |",
        f"| bottleneck | {p.bottleneck} ({p.bottleneck_share:.0%} of CPU time) | "
        f"{diff.bottleneck} |",
        "",
        "How it is computed: CPU seconds per lesson are the sum of the stages above (the GPU "
        "stages' share moves to the GPU in the diffusers column); a vCPU renders "
        "`3600 / cpu_s x efficiency` lessons an hour, efficiency being the measured parallel "
        "efficiency times Ray's factor (when below 1); nodes are sized for the peak hour "
        "(`lessons_per_day / 24 x peak_factor`) at `target_utilisation`; the cost of a lesson "
        "is the resources it uses at that utilisation.",
        "",
        "What would change the plan most: the bottleneck stage (halving it saves about "
        f"{p.bottleneck_share / 2:.0%} of CPU), and in the diffusers profile the GPU seconds per "
        "shot, which are assumptions until a GPU benchmark records them.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", type=Path, default=ROOT)
    ap.add_argument("--runs", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    text = page(args.root, args.runs)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
