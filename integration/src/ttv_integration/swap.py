"""The swap matrix: every slot x every installed implementation (others on their defaults),
the all-stub profile, and a pairwise sample of two-slot swaps. Derived from the registry, so it
grows with every new implementation without edits.

Each cell renders a small lesson and checks what a player would see: the video decodes, has
the expected duration, frame rate, size, audio and subtitle streams, and the report names the
implementation that was asked for. Cells on the default profile run ``strict``: any fallback
fails the cell.
"""

from __future__ import annotations

import itertools
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ttv_contracts.errors import TTVError
from ttv_contracts.v1 import SLOTS, Lesson, LessonScene

from .config import DEFAULT_PREFERENCES, load_config
from .encoder import probe
from .registry import Registry
from .runner import Pipeline

SWAP_SIZE = {
    "width": 192,
    "height": 108,
    "timeline_width": 96,
    "timeline_height": 54,
    "fps": 24,
    "timeline_fps": 12,
}

SWAP_LESSON = Lesson(
    title="Swap check",
    scenes=(
        LessonScene(
            setting="a pottery workshop at dawn",
            text="Ravi was an old potter. He shaped a bowl for his granddaughter Mira.",
        ),
        LessonScene(
            setting="a river bank at night",
            text="Mira carried the bowl to the river. She was delighted, and she laughed.",
        ),
    ),
)


def _needs_assets(registry: Registry, slot: str, name: str) -> str | None:
    try:
        needs = registry.get(slot, name).info.needs
    except TTVError as exc:
        return f"cannot load: {exc.message}"
    if needs.weights_path:
        return "needs model weights (weights_path)"
    if needs.gpu:
        return "needs a GPU"
    return None


def cells(
    registry: Registry, *, slot: str | None = None, pairwise: bool = True
) -> list[dict[str, Any]]:
    """Cells as {"id", "group", "use"}; ``slot`` restricts to one slot's single swaps."""
    out: list[dict[str, Any]] = []
    for s in SLOTS if slot is None else [slot]:
        for name in registry.names(s):
            out.append({"id": f"{s}={name}", "group": s, "use": {s: name}})
    if slot is None:
        out.append(
            {
                "id": "all-stub",
                "group": "all-stub",
                "use": dict.fromkeys(SLOTS, "stub"),
                "profile": "stub",
            }
        )
        if pairwise:
            out.extend(pairwise_cells(registry))
    return out


def pairwise_cells(registry: Registry) -> list[dict[str, Any]]:
    """A deterministic sample of slot pairs, each slot swapped to its second runnable
    implementation (the stub when it has no other)."""
    out = []

    def alternative(slot: str) -> str:
        # a runnable implementation other than the default profile's choice, else the stub
        default = DEFAULT_PREFERENCES.get(slot, ("",))[0]
        runnable = [
            n
            for n in registry.names(slot)
            if n not in ("stub", default) and _needs_assets(registry, slot, n) is None
        ]
        return runnable[0] if runnable else "stub"

    alt = {s: alternative(s) for s in SLOTS}
    pairs = list(itertools.combinations(SLOTS, 2))
    # every pair would be 91 cells; a stride sample keeps every slot in several pairs
    for a, b in pairs[::7]:
        out.append(
            {"id": f"{a}={alt[a]}+{b}={alt[b]}", "group": "pairwise", "use": {a: alt[a], b: alt[b]}}
        )
    return out


def run_cell(
    cell: dict[str, Any], workdir: Path, registry: Registry | None = None
) -> dict[str, Any]:
    registry = registry or Registry()
    result: dict[str, Any] = {
        "id": cell["id"],
        "group": cell["group"],
        "use": cell["use"],
        "status": "pass",
        "checks": {},
        "duration_s": 0.0,
    }
    for s, name in cell["use"].items():
        why = _needs_assets(registry, s, name)
        if why:
            result.update(status="skipped", reason=f"{s}={name}: {why}")
            return result
    started = time.perf_counter()
    workdir.mkdir(parents=True, exist_ok=True)
    out = workdir / "out.mp4"
    profile = cell.get("profile", "default")
    try:
        cfg = load_config(
            profile=profile,
            use=cell["use"],
            # Default-profile cells run strict: a swap that only "works" by falling back fails.
            overrides={
                **SWAP_SIZE,
                "store_dir": str(workdir / "stores"),
                "strict": profile == "default",
            },
        )
        report = Pipeline(cfg, registry=registry).run(SWAP_LESSON, out, runs_root=workdir / "runs")
        info = probe(out)
    except TTVError as exc:
        result.update(
            status="fail", reason=str(exc), duration_s=round(time.perf_counter() - started, 2)
        )
        return result
    video = info["streams"].get("video", {})
    stages = {st.stage: st for st in report.stages}
    checks = {
        "decodes": info["frames"] > 0,
        "duration": abs(info["duration_s"] - report.duration_s) <= 1 / cfg.fps + 1e-6,
        "fps": round(video.get("fps", 0)) == cfg.fps,
        "size": (video.get("width"), video.get("height")) == (cfg.width, cfg.height),
        "audio": info["streams"].get("audio", {}).get("codec") == "aac",
        "subtitles": info["cues"] == report.num_shots,
        "implementation": all(_used(stages, s, name) for s, name in cell["use"].items()),
    }
    result["checks"] = checks
    result["report_status"] = report.status
    result["duration_s"] = round(time.perf_counter() - started, 2)
    if not all(checks.values()):
        result["status"] = "fail"
        result["reason"] = "failed checks: " + ", ".join(k for k, v in checks.items() if not v)
    return result


def _used(stages: dict, slot: str, name: str) -> bool:
    """The report names ``name`` as the implementation of ``slot``, with no fallback."""
    stage = {"router": "route"}.get(slot, slot)
    if stage not in stages:
        return slot == "router"  # no slot had two candidates to rank: the router was not asked
    used = {part.split(" x")[0] for part in stages[stage].implementation.split(", ")}
    return name in used and stages[stage].status != "fallback"


def merge_report(path: Path, results: list[dict[str, Any]]) -> dict[str, Any]:
    """Merge cell results into the JSON report the docs site renders (by cell id)."""
    data: dict[str, Any] = {"cells": []}
    if path.is_file():
        try:
            data = json.loads(path.read_text())
        except json.JSONDecodeError:
            data = {"cells": []}
    # A group that ran replaces its old cells entirely: a cell whose id is no longer made
    # (an implementation renamed or removed, a new pairwise sample) must not linger.
    ran = {r["group"] for r in results}
    by_id = {c["id"]: c for c in data.get("cells", []) if c.get("group") not in ran}
    for r in results:
        by_id[r["id"]] = r
    data["cells"] = sorted(by_id.values(), key=lambda c: (c["group"], c["id"]))
    data["generated_at"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    data["summary"] = {
        status: sum(1 for c in data["cells"] if c["status"] == status)
        for status in ("pass", "fail", "skipped")
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")
    return data


def main(argv: list[str] | None = None) -> int:
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--slot", help="only this slot's cells")
    parser.add_argument("--group", choices=["all-stub", "pairwise"], help="only this group")
    parser.add_argument("--report", type=Path, default=Path("reports/swap.json"))
    args = parser.parse_args(argv)
    registry = Registry()
    chosen = cells(registry, slot=args.slot) if args.slot else cells(registry)
    if args.group:
        chosen = [c for c in chosen if c["group"] == args.group]
    elif not args.slot:
        chosen = [c for c in chosen if c["group"] in SLOTS]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, cell in enumerate(chosen):
            r = run_cell(cell, Path(tmp) / f"cell{i}", registry)
            print(f"{r['status']:>7}  {r['id']}  {r.get('reason', '')}", flush=True)
            results.append(r)
    merge_report(args.report, results)
    return 1 if any(r["status"] == "fail" for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
