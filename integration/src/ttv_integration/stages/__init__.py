"""The pipeline's stages, one file each, found by scanning this package.

Each module defines ``STAGE`` (a :class:`~ttv_integration.stages.base.Stage`). The run order
follows the declared data flow (a stage runs once every input it reads has been written), and
``rank`` orders stages that become ready together. Adding a stage is one new file here plus
its test; see the "Add a stage" page of the docs.
"""

from __future__ import annotations

import heapq
import importlib
import pkgutil
from functools import lru_cache

from .base import Link, PerShot, Stage, State

#: Values the pipeline provides before any stage runs (``edit``: an edited timeline, or None).
SEEDED = frozenset({"lesson", "rd", "run_id", "report_now", "edit"})


class StageGraphError(ValueError):
    """The declared stages do not form a pipeline (a missing input, two writers, a cycle)."""


def discover() -> list[Stage]:
    """Every ``STAGE`` declared by a module of this package."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        stage = getattr(module, "STAGE", None)
        if isinstance(stage, Stage):
            found.append(stage)
    return found


def order(stages: list[Stage], seeded: frozenset[str] = SEEDED) -> list[Stage]:
    """Stages in run order: data dependencies first, then ``rank``; errors for a pipeline
    that cannot run."""
    writers: dict[str, Stage] = {}
    for stage in stages:
        for out in stage.outputs:
            if out in writers or out in seeded:
                other = writers[out].name if out in writers else "the pipeline"
                raise StageGraphError(f"{out!r} is written by both {other} and {stage.name}")
            writers[out] = stage
    by_name = {s.name: s for s in stages}
    if len(by_name) != len(stages):
        raise StageGraphError("two stages share a name")
    graph: dict[str, set[str]] = {}
    for stage in stages:
        deps = set()
        for name in stage.inputs:
            if name in seeded:
                continue
            if name not in writers:
                raise StageGraphError(f"stage {stage.name} reads {name!r}, which no stage writes")
            deps.add(writers[name].name)
        graph[stage.name] = deps
    # Kahn's algorithm, always taking the ready stage of lowest rank next.
    waiting = {name: len(deps) for name, deps in graph.items()}
    children: dict[str, list[str]] = {name: [] for name in graph}
    for name, deps in graph.items():
        for dep in deps:
            children[dep].append(name)
    ready = [(by_name[n].rank, n) for n, k in waiting.items() if k == 0]
    heapq.heapify(ready)
    out: list[Stage] = []
    while ready:
        _, name = heapq.heappop(ready)
        out.append(by_name[name])
        for child in children[name]:
            waiting[child] -= 1
            if waiting[child] == 0:
                heapq.heappush(ready, (by_name[child].rank, child))
    if len(out) != len(stages):
        stuck = sorted(n for n, k in waiting.items() if k > 0)
        raise StageGraphError(f"stages form a cycle: {', '.join(stuck)}")
    return out


@lru_cache(maxsize=1)
def pipeline_stages() -> tuple[Stage, ...]:
    """The default pipeline: every declared stage, in run order."""
    return tuple(order(discover()))


__all__ = [
    "Link",
    "PerShot",
    "Stage",
    "StageGraphError",
    "State",
    "discover",
    "order",
    "pipeline_stages",
]
