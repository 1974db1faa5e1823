"""Structure that keeps long lessons affordable (asserted on counts and bytes, never on time):
the render stage pulls frames lazily through bounded iterators, and a lesson four times as
long does not need four times the memory."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator

import numpy as np
import pytest
from ttv_contracts.stubs import STUBS
from ttv_contracts.v1 import Lesson
from ttv_integration import Pipeline, Registry, load_config

SMALL = {"width": 128, "height": 72, "timeline_width": 64, "timeline_height": 36}


def lesson(n_shots: int) -> Lesson:
    sentences = " ".join(f"Sentence number {i} tells a short fact." for i in range(n_shots))
    return Lesson(title=f"Long {n_shots}", text=sentences)


class Probe:
    """Shared counters: frames pulled from the timeline source, frames given to the encoder."""

    pulled = 0
    written = 0
    lead: list[int] = []


class ProbeInterpolator(STUBS["interpolator"]):
    """The stub interpolator, counting the source frames it has pulled."""

    def _interpolate(self, frames: Iterator[np.ndarray], fps_in: int, fps_out: int):
        def counted() -> Iterator[np.ndarray]:
            for frame in frames:
                Probe.pulled += 1
                yield frame

        return super()._interpolate(counted(), fps_in, fps_out)


class ProbeWatermark(STUBS["watermark"]):
    """The stub watermark (last stream stage before the encoder), recording at each frame
    how far the source has run ahead of what reaches the encoder."""

    def _embed_frame(self, frame: np.ndarray, payload):
        Probe.written += 1
        # 12 -> 24 fps: output frame k needs source frame ceil(k / 2)
        Probe.lead.append(Probe.pulled - (Probe.written + 1) // 2)
        return super()._embed_frame(frame, payload)


def _registry() -> Registry:
    reg = Registry(eps=[])
    reg.register("interpolator", "probe", ProbeInterpolator)
    reg.register("watermark", "probe", ProbeWatermark)
    return reg


def test_render_stage_pulls_frames_lazily(tmp_path):
    Probe.pulled, Probe.written, Probe.lead = 0, 0, []
    cfg = load_config(
        profile="stub",
        use={"interpolator": "probe", "watermark": "probe"},
        overrides={**SMALL, "store_dir": str(tmp_path / "s")},
    )
    report = Pipeline(cfg, registry=_registry()).run(
        lesson(8), tmp_path / "o.mp4", run_dir=tmp_path / "run"
    )
    total_in = round(report.duration_s * 12)
    assert Probe.pulled == total_in > 100  # the whole timeline went through the probe
    assert Probe.written == round(report.duration_s * 24)
    # Never more than a couple of frames buffered between the source and the encoder,
    # however long the video: the stages are generators chained frame by frame.
    assert max(Probe.lead) <= 2, max(Probe.lead)
    assert min(Probe.lead) >= 0


def _traced_peak(tmp_path, n_shots: int, memory_mb: int = 0) -> tuple[int, int]:
    # cache_memory_mb bounds the cache's memory tier (the clips later stages read back
    # without decoding); with 0 every artifact goes straight to disk and nothing is held.
    cfg = load_config(
        profile="stub",
        overrides={**SMALL, "store_dir": str(tmp_path / "s"), "cache_memory_mb": memory_mb},
    )
    gc.collect()
    tracemalloc.start()
    try:
        report = Pipeline(cfg, registry=Registry(eps=[])).run(
            lesson(n_shots), tmp_path / f"o{n_shots}.mp4", run_dir=tmp_path / f"run{n_shots}"
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, round(report.duration_s * 24)


# Six shots fill what a run holds at once (the shots queued for the render, the compositor's
# sprite caches), so the longer lesson adds only what grows with length.
SHORT, LONG = 6, 24


def test_memory_does_not_grow_with_length(tmp_path):
    _traced_peak(tmp_path, 1)  # warm-up: one-time imports and caches are not the lesson's
    peak_short, frames_short = _traced_peak(tmp_path, SHORT)
    peak_long, frames_long = _traced_peak(tmp_path, LONG)
    assert frames_long >= 3.5 * frames_short
    frame_bytes = 128 * 72 * 3
    # Holding the whole video would add (frames_long - frames_short) output frames, i.e.
    # several MB here; streaming adds per-shot bookkeeping only (plan, cues, report rows).
    growth = peak_long - peak_short
    assert growth < 0.1 * (frames_long - frames_short) * frame_bytes, (
        peak_short,
        peak_long,
        frames_short,
        frames_long,
    )
    assert peak_long < 1.5 * peak_short, (peak_short, peak_long)


def test_memory_is_bounded_by_the_cache_tier_budget(tmp_path):
    """A memory tier lets the peak grow with the lesson by at most its budget (1 MiB here,
    unwritten artifacts included) and one artifact in flight, over what the same lessons
    need without a tier (whose own growth the test above bounds)."""
    growth = {}
    for mb in (0, 1):
        d = tmp_path / f"tier{mb}"
        d.mkdir()
        _traced_peak(d, 1, memory_mb=mb)
        peak_short, _ = _traced_peak(d, SHORT, memory_mb=mb)
        peak_long, _ = _traced_peak(d, LONG, memory_mb=mb)
        growth[mb] = peak_long - peak_short
    assert growth[1] - growth[0] < 1.5 * 1024 * 1024, growth


HEAVY_PROBE = (
    "import sys\n"
    "sys.argv = ['ttv', *sys.argv[1:]]\n"
    "from ttv_integration.cli import main\n"
    "try:\n"
    "    main()\n"
    "except SystemExit:\n"
    "    pass\n"
    "heavy = ('torch', 'diffusers', 'transformers', 'ray', 'av')\n"
    "print('@@' + ','.join(m for m in heavy if m in sys.modules), file=sys.stderr)\n"
)


@pytest.mark.parametrize(
    ("args", "allowed"),
    [
        (["modules", "--json"], {"av"}),  # lists every installed implementation
        (["batch", "--help"], set()),
    ],
)
def test_listing_commands_import_no_heavy_library(args, allowed):
    """`ttv modules` loads every implementation class (their info), yet none may import torch,
    diffusers or transformers at import time; `ttv batch --help` imports neither Ray nor PyAV."""
    out = subprocess.run(
        [sys.executable, "-c", HEAVY_PROBE, *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    line = [ln for ln in out.stderr.splitlines() if ln.startswith("@@")][-1]
    heavy = {m for m in line[2:].split(",") if m}
    assert heavy <= allowed, f"ttv {' '.join(args)} imports {sorted(heavy - allowed)}"
