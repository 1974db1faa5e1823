"""Run the stub pipeline with one slot that SIGKILLs the process once (used by test_resume)."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

from ttv_contracts import stubs
from ttv_contracts.v1 import ModuleInfo
from ttv_integration import Pipeline, Registry, load_lesson
from ttv_integration.config import load_config

SMALL = {"width": 128, "height": 72, "timeline_width": 64, "timeline_height": 36}

# slot -> (stub class, method to wrap, when to die: call number or frame number)
TARGETS = {
    "narrative": (stubs.StubNarrative, "_plan"),
    "voice": (stubs.StubVoice, "_synthesize"),
    "motion": (stubs.StubMotion, "_animate"),
    "transitions": (stubs.StubTransitions, "_blend"),
    "interpolator": (stubs.StubInterpolator, "_interpolate"),
    "watermark": (stubs.StubWatermark, "_sign"),
}


def settle(cache: Path, quiet_s: float = 0.3, limit_s: float = 10.0) -> None:
    """Wait until the cache's background writer has gone quiet: no temporary file and no new
    artifact for ``quiet_s``. Cache writes are off the critical path, so what a SIGKILL finds
    on disk is what the writer had finished; settling first makes "what was done" exact."""

    def snapshot() -> tuple[int, bool]:
        files = list(cache.rglob("*")) if cache.is_dir() else []
        return len(files), any(f.name.endswith(".tmp") for f in files)

    deadline = time.monotonic() + limit_s
    last, since = snapshot(), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.05)
        now = snapshot()
        if now != last or now[1]:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return


def killer(slot: str, marker: Path, at: int, cache: Path | None):
    base, method = TARGETS[slot]
    calls = {"n": 0}

    def die() -> None:
        if not marker.exists():
            marker.write_text("killed")
            if cache is not None:
                settle(cache)
            os.kill(os.getpid(), signal.SIGKILL)

    if slot == "interpolator":

        def wrapped(self, frames, fps_in, fps_out):
            for i, frame in enumerate(getattr(base, method)(self, frames, fps_in, fps_out)):
                if i == at:
                    die()
                yield frame
    else:

        def wrapped(self, *args):
            calls["n"] += 1
            if calls["n"] > at:
                die()
            return getattr(base, method)(self, *args)

    info = ModuleInfo(slot=slot, name="killer", version="1.0.0", package="tests")
    return type(f"Killer{slot.title()}", (base,), {"info": info, method: wrapped})


def main() -> None:
    lesson_path, out, run_dir, slot, at, resume = sys.argv[1:7]
    settled = len(sys.argv) < 8 or sys.argv[7] != "now"
    marker = Path(run_dir + ".killed")
    registry = Registry(eps=[])
    use = {}
    if slot != "none":
        cache = Path(run_dir) / "cache" if settled else None
        registry.register(slot, "killer", killer(slot, marker, int(at), cache))
        use = {slot: "killer"}
    cfg = load_config(
        profile="stub", use=use, overrides={**SMALL, "store_dir": run_dir + ".stores"}
    )
    report = Pipeline(cfg, registry=registry).run(
        load_lesson(lesson_path), out, run_dir=run_dir, resume=resume == "1"
    )
    print(json.dumps({s.stage: [s.status, s.notes] for s in report.stages}))


if __name__ == "__main__":
    main()
