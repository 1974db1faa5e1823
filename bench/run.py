"""TTV end-to-end benchmarks: every figure is a ratio against a reference measured in the same run.

    python bench/run.py --out reports/bench.json --md reports/bench.md [--quick]

`nox -s bench` runs it with `--quick` and writes `reports/bench-quick.*` (not committed);
`nox -s bench -- --full` writes the committed `reports/bench.*` the site is built from.

Benchmarks (each a function below):

* orchestration   all-stub Pipeline run vs the same stub implementations called in a plain loop
                  (same lesson, same sizes, same encoding): overhead ratio - 1 (aim < 2 %).
* post_timeline   interpolation 12->24 fps, upscaling, watermark and encoding at 1280x720 with
                  the default profile's implementations (resolved through the Registry, so new
                  ones are picked up) vs the video's own duration (aim: <= 0.5, twice faster
                  than real time), per-stage seconds; plus the same chain configured as before
                  issue 18 (Lanczos-4 upscaling, encoder on the calling thread), same frames.
* upscaler        the default upscaler's fast mode vs its exact Lanczos-4 mode: time per frame
                  and PSNR/SSIM of fast's output against exact's, natural frames.
* interpolation   per clip (pan, moving objects, dolly/zoom, the lighthouse render, a natural
                  clip): the default interpolator's PSNR vs FFmpeg minterpolate's and its speed
                  ratio (aim: higher PSNR at >= 5x the speed); see bench/interpolation.py.
* memory          peak RSS of a 10-minute render vs a 10-second render of the same material, in
                  subprocesses (ru_maxrss), stub profile (aim: within 1.5x).
* cost            run time for lessons of 1, 10 and 100 shots; least-squares line and R^2.
* encoder         ttv's Mp4Writer vs PyAV libx264 alone on the same frames.
* cold_start      `ttv --help`, `ttv modules`, `ttv --version` wall time (median) vs a bare
                  interpreter in the same run, and the heavy modules they import (aims 0.3 s,
                  0.5 s, 0.3 s; none of torch, diffusers, transformers).
* batch           lessons per minute: local with 1 worker vs local and Ray with 2 workers
                  (aims 1.6x and 1.4x), and the mean seconds per stage (the capacity page
                  is computed from them).
* ray_cluster     a head and two extra Ray nodes on 127.0.0.1, one killed mid-batch: lessons
                  per node, reruns elsewhere, nothing lost.

`--quick` shrinks every case so the whole run takes a few minutes on 2 cores (CI). Wall-clock
numbers depend on the machine and its load; the ratios are what to compare between runs.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("torch", "diffusers", "transformers", "spandrel", "cv2", "av", "numpy", "scipy", "ray")
FORBIDDEN = ("torch", "diffusers", "transformers")
SETTINGS = ("a school lab", "a quiet beach", "a mountain village", "a busy harbour")
WORDS = [
    "the",
    "tide",
    "rises",
    "while",
    "careful",
    "students",
    "measure",
    "water",
    "light",
    "heat",
    "and",
    "sound",
    "across",
    "a",
    "wide",
    "calm",
    "bay",
    "under",
    "a",
    "pale",
    "morning",
    "sky",
    "with",
    "patient",
    "notes",
    "and",
    "simple",
    "tools",
]

# ============================================================================ helpers


def make_lesson(n_shots: int, words_per_shot: int = 20) -> dict[str, Any]:
    """A lesson of ``n_shots`` sentences (one shot each with the stub and segmenter planners),
    the setting changing every third shot so that transitions blend."""
    scenes = []
    for s in range(0, n_shots, 3):
        sentences = []
        for i in range(s, min(n_shots, s + 3)):
            words = [WORDS[(i * 7 + k) % len(WORDS)] for k in range(words_per_shot)]
            sentences.append(" ".join(words).capitalize() + ".")
        scenes.append({"setting": SETTINGS[(s // 3) % len(SETTINGS)], "text": " ".join(sentences)})
    return {"title": f"Benchmark lesson {n_shots}", "scenes": scenes}


def lesson_for_seconds(seconds: float) -> dict[str, Any]:
    """About ``seconds`` of video with the stub voice (2.6 words/s, 0.4 s pad + 0.4 s shot pad)."""
    per_shot = 20
    shot_s = per_shot / 2.6 + 0.8
    n = max(1, round(seconds / shot_s))
    words = max(3, round((seconds / n - 0.8) * 2.6))
    return make_lesson(n, words)


def small_overrides(width: int, height: int, store_dir: str) -> dict[str, Any]:
    return {
        "width": width,
        "height": height,
        "timeline_width": max(32, (width // 2) // 2 * 2),
        "timeline_height": max(32, (height // 2) // 2 * 2),
        "store_dir": store_dir,
    }


def best_of(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Minimum wall time of ``repeats`` calls (the least disturbed by other load)."""
    best, value = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - t0)
    return best, value


def row(
    name: str,
    what: str,
    measured: float,
    reference: float,
    ratio: float,
    aim: str,
    ok: bool | None,
    unit: str = "s",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "name": name,
        "what": what,
        "measured": round(measured, 4),
        "reference": round(reference, 4),
        "unit": unit,
        "ratio": round(ratio, 4),
        "aim": aim,
        "meets_aim": ok,
        **extra,
    }


# ============================================================================ orchestration


def _direct_stub_run(lesson_data: dict, cfg: Any, out: Path) -> float:
    """The same stub implementations the stub profile runs, called in a plain loop: no
    registry, no chains, no run directory, no cache, no report. Same encoding."""
    from ttv_contracts.stubs import STUBS, stable_seed
    from ttv_contracts.v1 import (
        Lesson,
        ProvenanceManifest,
        ShotSpec,
        SubtitleCue,
        WatermarkPayload,
        frames_for_duration,
        output_frame_count,
    )
    from ttv_integration.encoder import Mp4Writer
    from ttv_integration.runner import _fit_audio  # the same resampling the pipeline does

    s = {slot: cls() for slot, cls in STUBS.items()}
    lesson = Lesson.model_validate(lesson_data)
    plan = s["narrative"].plan(lesson)
    cast = s["identity"].resolve(plan)
    book = s["scene"].build(plan, cast)
    track = s["emotion"].analyze(plan)
    audios, counts = [], []
    from ttv_contracts.v1 import VoiceSpec

    for shot in plan.shots:
        audio = s["voice"].synthesize(shot.narration, VoiceSpec(language=plan.language))
        audios.append(audio)
        counts.append(frames_for_duration(audio.duration_s + cfg.shot_pad_s, cfg.timeline_fps))
    clips = []
    for shot, n, audio in zip(plan.shots, counts, audios, strict=True):
        scene = book.for_shot(shot.index)
        spec = ShotSpec(
            shot_index=shot.index,
            prompt=f"{scene.setting}, {shot.narration}"[:2000],
            caption=shot.narration,
            setting=scene.setting,
            palette=scene.palette,
            seed=stable_seed(cfg.seed, scene.background_seed, shot.index),
            width=cfg.timeline_width,
            height=cfg.timeline_height,
            fps=cfg.timeline_fps,
            num_frames=n,
            directives=track.for_shot(shot.index).directives,
        )
        kf = s["keyframe"].render(spec)
        clip = s["motion"].animate(spec, kf)
        clip = s["extender"].extend(clip, n)
        clips.append(s["lipsync"].sync(clip, audio, ()))
    for i in range(len(clips) - 1):
        changed = book.for_shot(i).location_id != book.for_shot(i + 1).location_id
        tspec = s["transitions"].pick(
            track.for_shot(i + 1).transition_hint, changed, cfg.timeline_fps
        )
        if tspec.duration_frames > 0:
            clips[i], clips[i + 1] = s["transitions"].blend(clips[i], clips[i + 1], tspec)
    payload = WatermarkPayload(run_id="direct", content_digest=lesson.digest())
    writer = Mp4Writer(
        out, width=cfg.width, height=cfg.height, fps=cfg.fps, audio_rate=cfg.audio_rate, crf=cfg.crf
    )
    start = 0

    def source() -> Iterator[np.ndarray]:
        nonlocal start
        for shot, n, audio, clip in zip(plan.shots, counts, audios, clips, strict=True):
            a0 = start * cfg.audio_rate // cfg.timeline_fps
            a1 = (start + n) * cfg.audio_rate // cfg.timeline_fps
            writer.write_audio(_fit_audio(audio, cfg.audio_rate, a1 - a0))
            t0 = start / cfg.timeline_fps
            writer.add_cue(
                SubtitleCue(
                    index=shot.index,
                    start_s=round(t0, 3),
                    end_s=round(t0 + n / cfg.timeline_fps, 3),
                    text=shot.narration,
                )
            )
            start += n
            yield from clip.frames

    stream = s["interpolator"].interpolate(source(), cfg.timeline_fps, cfg.fps)
    stream = s["upscaler"].upscale(stream, cfg.width, cfg.height)
    for frame in s["watermark"].embed(stream, payload):
        writer.write_frame(frame)
    writer.close()
    assert writer.frames == output_frame_count(sum(counts), cfg.timeline_fps, cfg.fps)
    manifest = ProvenanceManifest(
        run_id="direct",
        report_sha256="0" * 64,
        modules={},
        payload_hex=payload.hex(),
        created_at="-",
    )
    s["watermark"].sign(out, manifest)
    return sum(counts) / cfg.timeline_fps


def bench_orchestration(quick: bool, tmp: Path) -> list[dict[str, Any]]:
    from ttv_contracts.v1 import Lesson
    from ttv_integration import Pipeline, load_config

    # The same lesson in both modes (quick repeats less): on a lesson of 6 shots at 320x180 a
    # run is 1.2 s and the pipeline's fixed cost per run (run directory, report, OTIO,
    # signing, thread start-up: about 40-50 ms, measured) is 3-5 % of it on its own.
    n_shots, size, repeats = (10, (640, 360), 6) if quick else (10, (640, 360), 8)
    data = make_lesson(n_shots)
    # The plain loop has no compositor; with burned-in text off the pipeline's compositor
    # passes frames through, so both sides do the same pixel work and the gap is orchestration.
    overrides = {
        **small_overrides(*size, str(tmp / "stores")),
        "burn_captions": False,
        "burn_labels": False,
    }
    cfg = load_config(profile="stub", overrides=overrides)
    lesson = Lesson.model_validate(data)
    counter = iter(range(10**6))

    def pipeline() -> float:
        i = next(counter)
        report = Pipeline(cfg).run(lesson, tmp / f"orch-{i}.mp4", run_dir=tmp / f"orch-run-{i}")
        return report.duration_s

    def direct() -> float:
        return _direct_stub_run(data, cfg, tmp / f"direct-{next(counter)}.mp4")

    direct()  # warm both paths (imports, encoder init)
    pipeline()
    # Pairs run back to back, in alternating order (direct first, then pipeline first), so that
    # neither side always follows the other; the figure is the median of the pairs' ratios,
    # which a burst of other load on one run of a pair does not move (single runs of the same
    # side differ by up to 10 % on a shared 2-core machine).
    # The CPU time of each run (every thread of this process) is taken too: it counts the
    # work orchestration adds, which waiting for a core shared with other load does not move.
    t_direct: list[float] = []
    t_pipe: list[float] = []
    cpu_direct: list[float] = []
    cpu_pipe: list[float] = []
    dur = dur2 = 0.0
    for n in range(repeats):
        for side in (direct, pipeline) if n % 2 == 0 else (pipeline, direct):
            c0 = time.process_time()
            t, value = best_of(side, 1)
            cpu = time.process_time() - c0
            if side is direct:
                t_direct.append(t)
                cpu_direct.append(cpu)
                dur = value
            else:
                t_pipe.append(t)
                cpu_pipe.append(cpu)
                dur2 = value
    ratios = sorted(p / d for p, d in zip(t_pipe, t_direct, strict=True))
    overhead = statistics.median(ratios) - 1
    cpu_ratios = sorted(p / d for p, d in zip(cpu_pipe, cpu_direct, strict=True))
    cpu_overhead = statistics.median(cpu_ratios) - 1
    return [
        row(
            "orchestration overhead",
            f"all-stub Pipeline vs plain loop over the same stubs, {n_shots} shots, "
            f"{size[0]}x{size[1]}, {dur:.1f} s video (median of {repeats} pairs, "
            "alternating order)",
            statistics.median(t_pipe),
            statistics.median(t_direct),
            overhead,
            "< 0.02",
            overhead < 0.02,
            note="the Pipeline also runs the router, keeps a resumable cache (written by a "
            "background thread) and writes the report; text burn-in is off on both sides; "
            "pair ratios "
            + ", ".join(f"{r - 1:+.2%}" for r in ratios)
            + f"; fastest runs {min(t_pipe):.3f} s vs {min(t_direct):.3f} s "
            f"({min(t_pipe) / min(t_direct) - 1:+.2%}); CPU time (all threads), median of "
            f"pairs: {cpu_overhead:+.2%} (pairs "
            + ", ".join(f"{r - 1:+.2%}" for r in cpu_ratios)
            + ")",
            video_s=dur2,
            cpu_overhead=round(cpu_overhead, 4),
        )
    ]


# ============================================================================ post-timeline chain


def default_render_impls() -> dict[str, Any]:
    """The default profile's interpolator, upscaler and watermark, resolved as the runner
    resolves them (Registry + config), so new implementations are picked up without edits."""
    from ttv_integration import Registry, load_config
    from ttv_integration.chain import SlotChain

    cfg = load_config(profile="default")
    registry = Registry()
    out = {}
    for slot in ("interpolator", "upscaler", "watermark"):
        chain = SlotChain(slot, registry, cfg)
        out[slot] = (chain.primary, chain.version(chain.primary), chain.instance(chain.primary))
    return out


def synthetic_frames(n: int, w: int, h: int, seed: int = 0) -> Iterator[np.ndarray]:
    """Moving textured content (gradients, a moving disc, noise) so codecs and flow work."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w]
    base = np.stack([(xx * 255 // w), (yy * 255 // h), ((xx + yy) * 127 // (w + h))], -1).astype(
        np.uint8
    )
    noise = rng.integers(0, 24, (h, w, 3), dtype=np.uint8)
    for i in range(n):
        frame = base + noise
        cx, cy, r = int((0.2 + 0.6 * ((i * 3) % 100) / 100) * w), h // 2, max(4, h // 8)
        mask = (xx - cx) ** 2 + (yy - cy) ** 2 < r * r
        frame = frame.copy()
        frame[mask] = (230, 60, 40)
        yield frame


def _render_chain(
    impls: dict[str, Any],
    frames: list[np.ndarray],
    out: Path,
    size: tuple[int, int],
    fps: tuple[int, int],
    pipelined: bool,
) -> tuple[float, dict[str, float]]:
    """Wall time of interpolator -> upscaler -> watermark -> Mp4Writer over ``frames``, and
    each stage's own seconds (time inside its ``next()`` less its upstream's)."""
    from ttv_contracts.v1 import WatermarkPayload, output_frame_count
    from ttv_integration.encoder import Mp4Writer

    (tl_fps, out_fps), (w, h) = fps, size
    payload = WatermarkPayload(run_id="bench", content_digest="0123456789abcdef")
    times: dict[str, float] = {}

    def timed(name: str, it: Iterator[np.ndarray]) -> Iterator[np.ndarray]:
        it = iter(it)
        while True:
            t0 = time.perf_counter()
            try:
                frame = next(it)
            except StopIteration:
                return
            finally:
                times[name] = times.get(name, 0.0) + time.perf_counter() - t0
            yield frame

    t0 = time.perf_counter()
    stream = timed("source", iter(frames))
    stream = timed("interpolator", impls["interpolator"].interpolate(stream, tl_fps, out_fps))
    stream = timed("upscaler", impls["upscaler"].upscale(stream, w, h))
    stream = timed("watermark", impls["watermark"].embed(stream, payload))
    writer = Mp4Writer(out, width=w, height=h, fps=out_fps, pipelined=pipelined)
    with writer:
        for frame in stream:
            e0 = time.perf_counter()
            writer.write_frame(frame)
            times["encode"] = times.get("encode", 0.0) + time.perf_counter() - e0
        e0 = time.perf_counter()
    times["encode"] = times.get("encode", 0.0) + time.perf_counter() - e0  # close(): flush
    wall = time.perf_counter() - t0
    assert writer.frames == output_frame_count(len(frames), tl_fps, out_fps)
    order = ["source", "interpolator", "upscaler", "watermark"]
    own = {s: times[s] - (times[order[i - 1]] if i else 0.0) for i, s in enumerate(order)}
    own["encode"] = times.get("encode", 0.0)
    # pipelined: "encode" is the time the chain waited for the encoder; this is its work
    own["encoder_busy"] = writer.encode_seconds
    del own["source"]
    return wall, {k: round(v, 3) for k, v in own.items()}


def bench_post_timeline(quick: bool, tmp: Path) -> list[dict[str, Any]]:
    """The render chain with the default profile's implementations, against the video's
    duration; and, in the same run, the same chain as it was configured before issue 18
    (Lanczos-4 upscaler, encoder on the calling thread)."""
    seconds = 4 if quick else 20
    tl_fps, fps, (tw, th), (w, h) = 12, 24, (640, 360), (1280, 720)
    impls = default_render_impls()
    # the source is generated up front so that its cost is not counted
    frames = list(synthetic_frames(seconds * tl_fps, tw, th))
    used = {slot: f"{name}@{version}" for slot, (name, version, _) in impls.items()}
    current = {slot: inst for slot, (_, _, inst) in impls.items()}
    variants: dict[str, tuple[dict[str, Any], bool]] = {"default": (current, True)}
    if impls["upscaler"][0] == "lanczos":
        before = dict(current, upscaler=type(current["upscaler"])(mode="exact"))
        variants["before (lanczos exact, encoder inline)"] = (before, False)
    results: dict[str, tuple[float, dict[str, float]]] = {}
    for chain, pipelined in variants.values():  # warm-up (imports, first-call setup)
        _render_chain(chain, frames[:tl_fps], tmp / "warm.mp4", (w, h), (tl_fps, fps), pipelined)
    for name, (chain, pipelined) in reversed(variants.items()):
        results[name] = _render_chain(
            chain, frames, tmp / "post.mp4", (w, h), (tl_fps, fps), pipelined
        )
    wall, stages = results["default"]
    out = [
        row(
            "post-timeline chain (1280x720)",
            f"{seconds} s of 640x360@12 -> 1280x720@24: "
            + ", ".join(f"{k} {v}" for k, v in used.items())
            + ", libx264 on its own thread; wall time / video duration",
            wall,
            float(seconds),
            wall / seconds,
            "<= 0.5 (twice faster than real time)",
            wall / seconds <= 0.5,
            implementations=used,
            stage_seconds=stages,
        )
    ]
    for name, (b_wall, b_stages) in results.items():
        if name == "default":
            continue
        out.append(
            row(
                f"post-timeline chain, {name}",
                f"the same chain and frames, {name}; ratio = wall time / video duration "
                f"(default chain: {wall / seconds:.3f}, {b_wall / wall:.2f}x faster)",
                b_wall,
                float(seconds),
                b_wall / seconds,
                "-",
                None,
                stage_seconds=b_stages,
            )
        )
    return out


def bench_upscaler(quick: bool, tmp: Path) -> list[dict[str, Any]]:
    """The default upscaler (``lanczos``, ``mode="fast"``) against ``mode="exact"`` (Lanczos-4
    then sharpening) on natural 640x360 frames: time per frame and PSNR/SSIM of its output
    against exact's."""
    import cv2

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import interpolation
    from ttv_upscaler import LanczosUpscaler

    natural = interpolation.load_natural()
    src = [cv2.resize(f, (640, 360), interpolation=cv2.INTER_AREA) for f in natural]
    src = src[:8] if quick else src
    fast, exact = LanczosUpscaler(), LanczosUpscaler(mode="exact")
    t_fast = t_exact = float("inf")
    for _ in range(2 if quick else 3):  # interleaved rounds, best of each
        t, out_exact = best_of(lambda: list(exact.upscale(iter(src), 1280, 720)), 1)
        t_exact = min(t_exact, t)
        t, out_fast = best_of(lambda: list(fast.upscale(iter(src), 1280, 720)), 1)
        t_fast = min(t_fast, t)
    ps = float(
        np.mean([interpolation.psnr(a, b) for a, b in zip(out_fast, out_exact, strict=True)])
    )
    ss = float(
        np.mean([interpolation.ssim(a, b) for a, b in zip(out_fast, out_exact, strict=True)])
    )
    n = len(src)
    return [
        row(
            "upscaler: fast vs exact",
            f"lanczos mode=fast (sharpen at source size, bicubic) vs mode=exact (Lanczos-4, "
            f"sharpen at output size), {n} natural frames 640x360 -> 1280x720; "
            f"fast vs exact: PSNR {ps:.1f} dB, SSIM {ss:.4f}",
            t_fast / n * 1000,
            t_exact / n * 1000,
            t_fast / t_exact,
            "< 0.25 with PSNR > 40 dB",
            t_fast / t_exact < 0.25 and ps > 40,
            unit="ms/frame",
            psnr_vs_exact=round(ps, 2),
            ssim_vs_exact=round(ss, 4),
        )
    ]


def bench_interpolation(quick: bool, tmp: Path) -> list[dict[str, Any]]:
    """Per clip: the default interpolator against FFmpeg's minterpolate (bench/interpolation.py)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import interpolation

    names = ("pan", "objects", "natural") if quick else interpolation.CLIPS
    results = interpolation.evaluate(
        interpolation.make_clips(tuple(names)),
        rounds=1 if quick else 2,
        log=lambda line: print(f"[bench]   {line}", file=sys.stderr, flush=True),
    )
    return interpolation.rows(results)


# ============================================================================ memory


def _proc_status_kib(field: str) -> int | None:
    """``VmHWM`` / ``VmRSS`` of this process in KiB (Linux), else None."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def _child_memory(seconds: float, width: int, height: int, tmp: str) -> None:
    """Child process: render ~``seconds`` of stub video; print its peak RSS.

    The peak is ``VmHWM`` (this process image's high-water mark) where available: on Linux
    ``ru_maxrss`` also carries the pre-exec peak of the forked parent (the benchmark process
    itself), which would hide the child's own figure. ``ru_maxrss`` is recorded too."""
    from ttv_contracts.v1 import Lesson
    from ttv_integration import Pipeline, load_config

    base = _proc_status_kib("VmRSS") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cfg = load_config(profile="stub", overrides=small_overrides(width, height, f"{tmp}/stores"))
    lesson = Lesson.model_validate(lesson_for_seconds(seconds))
    t0 = time.perf_counter()
    report = Pipeline(cfg).run(lesson, Path(tmp) / "mem.mp4", run_dir=Path(tmp) / "mem-run")
    wall = time.perf_counter() - t0
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak = _proc_status_kib("VmHWM") or maxrss
    print(
        json.dumps(
            {
                "kb_peak": peak,
                "kb_ru_maxrss": maxrss,
                "kb_imports": base,
                "video_s": report.duration_s,
                "wall_s": wall,
                "shots": report.num_shots,
            }
        )
    )


def _run_child(args: list[str]) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_memory(quick: bool, tmp: Path) -> list[dict[str, Any]]:
    long_s, (w, h) = (120, (128, 72)) if quick else (600, (320, 180))
    results = {}
    for label, seconds in (("short", 10), ("long", long_s)):
        d = tmp / f"mem-{label}"
        d.mkdir()
        results[label] = _run_child(
            ["--child-memory", str(seconds), "--size", f"{w}x{h}", "--tmp", str(d)]
        )
    short, long_ = results["short"], results["long"]
    ratio = long_["kb_peak"] / short["kb_peak"]
    grow_mb = (long_["kb_peak"] - short["kb_peak"]) / 1024
    frames_long = long_["video_s"] * 24
    return [
        row(
            "memory against length",
            f"peak RSS (VmHWM), stub profile at {w}x{h} (timeline {w // 2}x{h // 2}): "
            f"{long_['video_s']:.0f} s video vs {short['video_s']:.0f} s video, separate processes",
            long_["kb_peak"] / 1024,
            short["kb_peak"] / 1024,
            ratio,
            "< 1.5",
            ratio < 1.5,
            unit="MiB",
            growth_mib=round(grow_mb, 1),
            growth_bytes_per_output_frame=round(grow_mb * 2**20 / max(1.0, frames_long), 1),
            rss_after_imports_mib=round(short["kb_imports"] / 1024, 1),
            note="small frames keep the 10-minute case affordable; a whole-video buffer "
            f"at this size would be {frames_long * w * h * 3 / 2**20:.0f} MiB of frames "
            f"and {long_['video_s'] * 48000 * 4 / 2**20:.0f} MiB of audio",
        )
    ]


# ============================================================================ cost against length


def bench_cost(quick: bool, tmp: Path) -> list[dict[str, Any]]:
    from ttv_contracts.v1 import Lesson
    from ttv_integration import Pipeline, load_config

    shots = (1, 5, 20) if quick else (1, 10, 100)
    cfg = load_config(profile="stub", overrides=small_overrides(128, 72, str(tmp / "stores")))
    times, durations = [], []
    for n in shots:
        lesson = Lesson.model_validate(make_lesson(n))
        t, report = best_of(
            lambda lesson=lesson, n=n: Pipeline(cfg).run(
                lesson, tmp / f"cost-{n}-{time.monotonic_ns()}.mp4", runs_root=tmp / "cost-runs"
            ),
            1 if n >= 50 else 2,
        )
        times.append(t)
        durations.append(report.duration_s)
    x, y = np.array(shots, float), np.array(times)
    slope, intercept = np.polyfit(x, y, 1)
    pred = slope * x + intercept
    r2 = 1 - float(((y - pred) ** 2).sum()) / float(((y - y.mean()) ** 2).sum() or 1)
    # marginal cost per shot in the first and the second interval: equal when linear
    m1 = (times[1] - times[0]) / (shots[1] - shots[0])
    m2 = (times[2] - times[1]) / (shots[2] - shots[1])
    return [
        row(
            "cost against length",
            f"stub profile at 128x72, lessons of {', '.join(map(str, shots))} shots "
            f"({', '.join(f'{t:.2f} s' for t in times)}); marginal cost per shot "
            f"{shots[1]}->{shots[2]} vs {shots[0]}->{shots[1]}",
            m2,
            m1,
            m2 / m1 if m1 > 0 else float("nan"),
            "~1 (linear), R^2 > 0.98",
            r2 > 0.98,
            unit="s/shot",
            fit={
                "seconds_per_shot": round(float(slope), 4),
                "fixed_s": round(float(intercept), 4),
                "r2": round(r2, 5),
            },
            shots=list(shots),
            seconds=[round(t, 4) for t in times],
            video_s=durations,
        )
    ]


# ============================================================================ encoder


def bench_encoder(quick: bool, tmp: Path) -> list[dict[str, Any]]:
    from fractions import Fraction

    import av
    from ttv_integration.encoder import Mp4Writer

    n, (w, h), repeats = (48, (1280, 720), 2) if quick else (240, (1280, 720), 3)
    frames = list(synthetic_frames(n, w, h, seed=1))

    def ttv() -> None:
        with Mp4Writer(tmp / "enc-ttv.mp4", width=w, height=h, fps=24) as writer:
            for f in frames:
                writer.write_frame(f)

    def pyav() -> None:
        with av.open(str(tmp / "enc-pyav.mp4"), "w", format="mp4") as c:
            s = c.add_stream("libx264", rate=24)
            s.width, s.height, s.pix_fmt = w, h, "yuv420p"
            s.options = {"crf": "23", "preset": "veryfast"}
            for i, f in enumerate(frames):
                vf = av.VideoFrame.from_ndarray(f, format="rgb24")
                vf.pts, vf.time_base = i, Fraction(1, 24)
                for p in s.encode(vf):
                    c.mux(p)
            for p in s.encode(None):
                c.mux(p)

    ttv(), pyav()  # warm
    t_pyav, _ = best_of(pyav, repeats)
    t_ttv, _ = best_of(ttv, repeats)
    return [
        row(
            "encoder",
            f"ttv Mp4Writer (video, AAC and subtitle tracks opened) vs PyAV libx264 alone, "
            f"{n} frames {w}x{h}, crf 23 veryfast (best of {repeats})",
            t_ttv,
            t_pyav,
            t_ttv / t_pyav,
            "~1",
            t_ttv / t_pyav < 1.1,
            fps_ttv=round(n / t_ttv, 1),
            fps_pyav=round(n / t_pyav, 1),
        ),
        _bench_audio(quick),
    ]


def _narration(seconds_min: float) -> np.ndarray:
    """eSpeak narration (the default voice) at 48 kHz, as the render resamples it."""
    from ttv_contracts.v1 import VoiceSpec
    from ttv_integration.registry import Registry
    from ttv_integration.stages.render import resample

    voice = Registry().get("voice", "espeak").load()()
    lines = (
        "Tomas kept the lighthouse on the rocky island for forty years.",
        "Every night he climbed the winding stairs and lit the great lamp.",
        "One stormy evening a small boat appeared through the fog, and Lina waved.",
    )
    parts: list[np.ndarray] = []
    seed = 0
    while sum(p.size for p in parts) < seconds_min * 48000:
        seed += 1
        for text in lines:
            clip = voice.synthesize(
                text, VoiceSpec(gender="female" if seed % 2 else "male", speaker_seed=seed)
            )
            parts.append(resample(np.asarray(clip.samples, np.float32), clip.sample_rate, 48000))
    return np.concatenate(parts)


def _bench_audio(quick: bool) -> dict[str, Any]:
    """CPU of the AAC track on real narration: the writer's coder against FFmpeg's default."""
    import io
    from fractions import Fraction

    import av
    from ttv_integration.encoder import AAC_FRAME, AAC_OPTIONS

    speech = _narration(10.0 if quick else 30.0)

    def encode(options: dict[str, str]) -> tuple[float, float]:
        """(CPU seconds, SNR dB of the decoded track) for one encode of ``speech``."""
        buf = io.BytesIO()
        t0 = time.process_time()
        with av.open(buf, "w", format="mp4") as c:
            a = c.add_stream("aac", rate=48000)
            a.layout, a.options = "mono", dict(options)
            for start in range(0, speech.size, AAC_FRAME):
                f = av.AudioFrame.from_ndarray(
                    np.ascontiguousarray(speech[None, start : start + AAC_FRAME]),
                    format="flt",
                    layout="mono",
                )
                f.sample_rate, f.pts, f.time_base = 48000, start, Fraction(1, 48000)
                for p in a.encode(f):
                    c.mux(p)
            for p in a.encode(None):
                c.mux(p)
        cpu = time.process_time() - t0
        buf.seek(0)
        with av.open(buf) as c:
            out = np.concatenate([f.to_ndarray()[0] for f in c.decode(audio=0)])[: speech.size]
        err = out - speech[: out.size]
        return cpu, float(10 * np.log10(np.sum(speech**2) / np.sum(err**2)))

    repeats = 2 if quick else 3
    ours = min(encode(AAC_OPTIONS) for _ in range(repeats))
    default = min(encode({"aac_coder": "twoloop"}) for _ in range(repeats))
    ratio = ours[0] / default[0]
    return row(
        "audio encode (AAC, narration)",
        f"{speech.size / 48000:.0f} s of eSpeak narration at 48 kHz mono, default bit rate: "
        f"the writer's coder ({AAC_OPTIONS['aac_coder']}) vs FFmpeg's default (twoloop), CPU "
        f"seconds (best of {repeats}); SNR of the decoded track {ours[1]:.1f} dB vs "
        f"{default[1]:.1f} dB",
        ours[0],
        default[0],
        ratio,
        "< 0.5 with SNR no worse",
        bool(ratio < 0.5 and ours[1] >= default[1]),
        snr_db=round(ours[1], 1),
        snr_db_reference=round(default[1], 1),
    )


# ============================================================================ cold start

_IMPORTS = (
    "import sys, time\n"
    "t0 = time.perf_counter()\n"
    "sys.argv = ['ttv'] + sys.argv[1:]\n"
    "from ttv_integration.cli import main\n"
    "try:\n"
    "    main()\n"
    "except SystemExit:\n"
    "    pass\n"
    "heavy = {heavy!r}\n"
    "print('@@' + ','.join(m for m in heavy if m in sys.modules), file=sys.stderr)\n"
)


def _ttv_cmd() -> list[str]:
    script = Path(sys.executable).with_name("ttv")
    return [str(script)] if script.exists() else [sys.executable, "-m", "ttv_integration.cli"]


def _wall(cmd: list[str], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=False)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


#: Aims of issue 18: wall time of each command, measured against `python -c pass` in the run.
COLD_START_AIMS = {"--help": 0.3, "modules": 0.5, "--version": 0.3}


def _has_bytecode() -> bool:
    """Whether the environment's installed packages carry compiled bytecode (uv's
    ``compile-bytecode``): these machines set PYTHONDONTWRITEBYTECODE=1, so without it every
    start compiles its imports again."""
    import typer

    cache = Path(typer.__file__).parent / "__pycache__"
    return cache.is_dir() and any(cache.glob("main.*.pyc"))


def bench_cold_start(quick: bool, tmp: Path) -> list[dict[str, Any]]:
    repeats = 5 if quick else 9
    commands = [["--help"], ["modules"], ["--version"]]
    samples: dict[str, list[float]] = {"bare": [], **{" ".join(a): [] for a in commands}}
    subprocess.run([*_ttv_cmd(), "--help"], capture_output=True, check=False)  # page cache
    for _ in range(repeats):  # interleaved: a burst of load hits the reference alike
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], capture_output=True, check=False)
        samples["bare"].append(time.perf_counter() - t0)
        for args in commands:
            t0 = time.perf_counter()
            subprocess.run([*_ttv_cmd(), *args], capture_output=True, check=False)
            samples[" ".join(args)].append(time.perf_counter() - t0)
    bare = statistics.median(samples["bare"])
    bytecode = _has_bytecode()
    rows = []
    for args in commands:
        key = " ".join(args)
        wall = statistics.median(samples[key])
        probe = subprocess.run(
            [sys.executable, "-c", _IMPORTS.format(heavy=HEAVY), *args],
            capture_output=True,
            text=True,
            check=False,
        )
        line = [ln for ln in probe.stderr.splitlines() if ln.startswith("@@")]
        heavy = [m for m in (line[-1][2:].split(",") if line else ["?"]) if m]
        forbidden = [m for m in heavy if m in FORBIDDEN]
        aim = COLD_START_AIMS[args[0]]
        rows.append(
            row(
                f"cold start: ttv {key}",
                f"median wall of {repeats} runs, interleaved with a bare `python -c pass` "
                f"({bare:.3f} s median); installed bytecode: {'yes' if bytecode else 'NO'}",
                wall,
                bare,
                wall / bare if bare else float("nan"),
                f"<= {aim} s, no torch/diffusers/transformers",
                wall <= aim and not forbidden,
                heavy_modules=heavy,
                forbidden_imported=forbidden,
                over_bare_s=round(wall - bare, 4),
                min_s=round(min(samples[key]), 4),
                max_s=round(max(samples[key]), 4),
                bytecode=bytecode,
            )
        )
    return rows


# ============================================================================ batch


#: Batch lessons: 6 to 8 shots at 320x180, a few seconds each, so that the measurement is of
#: rendering and not of process start-up alone (lessons of 3 shots at 128x72 take 0.2 s).
BATCH_SIZE = (320, 180)


def _batch_lessons(tmp: Path, n: int) -> Path:
    lessons = tmp / "batch-lessons"
    lessons.mkdir(exist_ok=True)
    for i in range(n):
        (lessons / f"lesson{i:02d}.json").write_text(json.dumps(make_lesson(6 + i % 3)))
    return lessons


def _stage_seconds(reports: list[dict]) -> dict[str, float]:
    """Mean seconds per stage per lesson over the rendered lessons of batch reports."""
    totals: dict[str, float] = {}
    count = 0
    for report in reports:
        for rec in report["lessons"]:
            stages = (rec.get("timings") or {}).get("stages") or {}
            if rec.get("this_run") == "rendered" and stages:
                count += 1
                for stage, sec in stages.items():
                    totals[stage] = totals.get(stage, 0.0) + float(sec or 0.0)
    return {k: round(v / count, 4) for k, v in totals.items()} if count else {}


def _pool_ceiling(usage: dict[int, list[tuple[float, float]]]) -> str:
    """What bounds local x2, from the CPU the workers used: one worker alone already keeps
    ``cpu/wall`` cores busy (its encoder thread and the shot producer run beside the render),
    so two workers on two cores can give at most ``2 x wall(x1) / cpu(x2)``, where
    ``cpu(x2)`` is the CPU the same lessons need in workers of one core each."""
    if not usage[1] or not usage[2]:
        return ""
    wall1, cpu1 = min(usage[1])
    wall2, cpu2 = min(usage[2])
    return (
        f"one worker alone kept {cpu1 / wall1:.2f} cores busy ({cpu1:.1f} s CPU in "
        f"{wall1:.1f} s); two workers kept {cpu2 / wall2:.2f} of 2 busy ({cpu2:.1f} s CPU in "
        f"{wall2:.1f} s); on 2 cores two workers can give at most 2 x {wall1:.1f} / "
        f"{cpu2:.1f} = {2 * wall1 / cpu2:.2f}x one worker (fastest run of each)"
    )


def bench_batch(quick: bool, tmp: Path) -> list[dict[str, Any]]:
    """Lessons per minute of the process pool with 1 and 2 workers, and of a local Ray
    instance with 2 workers, on the same stub lessons; each against local x1 of this run.

    The pool's start-up (spawning and importing) is inside its wall time. Ray's start-up
    (the instance and warming its two workers, which later batches reuse) is reported
    apart, as Ray is meant to stay up across batches; Ray is also measured on a second
    batch on the same instance (its workers reused)."""
    import importlib.util

    from ttv_integration import load_config
    from ttv_integration.batch import run_batch

    n = 8 if quick else 12
    lessons = _batch_lessons(tmp, n)
    cfg = load_config(
        profile="stub", overrides=small_overrides(*BATCH_SIZE, str(tmp / "batch-stores"))
    )
    counter = iter(range(1000))
    reports: list[dict] = []
    #: (wall s, CPU s of the pool's worker processes) of each local run, by worker count
    usage: dict[int, list[tuple[float, float]]] = {1: [], 2: []}

    def lpm(executor: str, workers: int) -> float:
        import resource

        out = tmp / f"batch-{executor}-{workers}-{next(counter)}"
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        report = run_batch(lessons, out, cfg, executor=executor, workers=workers)
        wall = time.perf_counter() - t0
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        assert report["counts"]["failed"] == 0, report
        reports.append(report)
        if executor == "local":  # the pool's workers are this process's children, reaped
            cpu = r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime
            usage[workers].append((wall, cpu))
        return n / wall * 60

    # interleaved and repeated: the best of each (least disturbed by other load)
    repeats = 2
    base = two = 0.0
    for _ in range(repeats):
        base = max(base, lpm("local", 1))
        two = max(two, lpm("local", 2))
    rows = [
        row(
            "batch: local x1 (reference)",
            f"{n} stub lessons of 6-8 shots at {BATCH_SIZE[0]}x{BATCH_SIZE[1]}, process pool, "
            f"1 worker (pool start-up included; best of {repeats})",
            base,
            base,
            1.0,
            "-",
            None,
            unit="lessons/min",
        ),
        row(
            "batch: local x2",
            f"{n} stub lessons, process pool, 2 workers (pool start-up included; best of "
            f"{repeats}), vs local x1",
            two,
            base,
            two / base,
            ">= 1.6 (2 cores)",
            two / base >= 1.6,
            unit="lessons/min",
        ),
    ]
    rows[1]["note"] = _pool_ceiling(usage)
    if importlib.util.find_spec("ray") is None:
        rows.append(
            {"name": "batch: ray x2", "skipped": "ray is not installed (ttv-integration[ray])"}
        )
        return rows
    from ttv_integration.batch import ray_env, start_ray, warm_ray_workers

    ray_env()  # before Ray is imported: it reads the variable once
    import ray

    t0 = time.perf_counter()
    try:
        try:
            start_ray(None, num_cpus=2)
        except Exception:  # the raylet has 30 s to come up; a loaded machine can miss it once
            ray.shutdown()
            start_ray(None, num_cpus=2)
        startup = time.perf_counter() - t0
        t1 = time.perf_counter()
        warm_ray_workers(2)
        warmup = time.perf_counter() - t1
    except Exception as exc:
        ray.shutdown()
        rows.append({"name": "batch: ray x2", "error": f"Ray did not start: {exc}"[:300]})
        return rows
    try:
        ray_first = lpm("ray", 2)
        ray_reused = lpm("ray", 2)
        base_again = lpm("local", 1)  # the reference once more, next to the Ray runs
    finally:
        ray.shutdown()
    ref = max(base, base_again)
    rows.append(
        row(
            "batch: ray x2",
            f"{n} stub lessons, local Ray instance (loopback only, no dashboard, no usage "
            f"stats), 2 workers, vs local x1 (best reference {ref:.1f}); Ray start-up "
            f"{startup:.1f} s and warming its 2 workers {warmup:.1f} s not included",
            ray_first,
            ref,
            ray_first / ref,
            ">= 1.4 (2 cores)",
            ray_first / ref >= 1.4,
            unit="lessons/min",
            ray_startup_s=round(startup, 2),
            ray_worker_warmup_s=round(warmup, 2),
        )
    )
    rows.append(
        row(
            "batch: ray x2, workers reused",
            "a second batch on the same Ray instance (its workers already hold the imports), "
            "vs local x1",
            ray_reused,
            ref,
            ray_reused / ref,
            ">= 1.4 (2 cores)",
            ray_reused / ref >= 1.4,
            unit="lessons/min",
        )
    )
    rows[0]["stage_seconds"] = _stage_seconds(reports)
    rows[0]["note"] = "stage seconds: mean per lesson over every rendered lesson of this benchmark"
    return rows


def bench_ray_cluster(quick: bool, tmp: Path) -> list[dict[str, Any]]:
    """A batch on a Ray cluster of a head and two extra nodes on this machine (separate
    ``ray start`` process groups, every address on 127.0.0.1), one node killed mid-batch:
    lessons per node, lessons that ran again elsewhere, and a second batch that skips all."""
    import importlib.util
    import threading

    if importlib.util.find_spec("ray") is None:
        return [{"name": "ray cluster", "skipped": "ray is not installed (ttv-integration[ray])"}]
    from ttv_integration import load_config
    from ttv_integration.batch import LoopbackRayCluster, run_batch

    n = 6 if quick else 9
    lessons = tmp / "cluster-lessons"
    lessons.mkdir()
    for i in range(n):  # long enough (24 shots) for the kill to land mid-lesson
        (lessons / f"lesson{i:02d}.json").write_text(json.dumps(make_lesson(24)))
    cfg = load_config(profile="stub", overrides=small_overrides(128, 72, str(tmp / "rc-stores")))
    out = tmp / "cluster-out"
    with LoopbackRayCluster(
        [{"num_cpus": 1}, {"num_cpus": 1}, {"num_cpus": 1}], start_timeout_s=180
    ) as cluster:
        names = {node.node_id: node.name for node in cluster.nodes}
        victim = cluster.node("node1").node_id
        result: dict[str, Any] = {}
        t0 = time.perf_counter()
        driver = threading.Thread(
            target=lambda: result.update(
                report=run_batch(lessons, out, cfg, executor="ray", workers=3, max_retries=2)
            )
        )
        driver.start()
        killed_at = None
        deadline = time.monotonic() + 300
        while driver.is_alive() and killed_at is None and time.monotonic() < deadline:
            logs = list((out / "runs").glob(".*.attempts")) if (out / "runs").is_dir() else []
            if any(victim in log.read_text() for log in logs):
                cluster.kill("node1")  # it has just started a lesson
                killed_at = time.perf_counter() - t0
            time.sleep(0.1)
        driver.join()
        wall = time.perf_counter() - t0
        report = result["report"]
        again = run_batch(lessons, out, cfg, executor="ray", workers=2)
        startup = cluster.startup_s
    per_node = {names.get(k, k): v for k, v in report.get("lessons_per_node", {}).items()}
    rerun = {
        rec["lesson"]: [names.get(x, x) for x in rec.get("attempt_nodes", [])]
        for rec in report["lessons"]
        if rec.get("attempts", 1) > 1
    }
    ok = report["counts"]["ok"] + report["counts"]["degraded"]
    return [
        row(
            "ray cluster: node killed mid-batch",
            f"{n} stub lessons on a head + 2 extra Ray nodes (127.0.0.1, 1 CPU each, "
            f"started in {startup:.0f} s), node1 killed {killed_at or float('nan'):.1f} s into "
            f"the batch: lessons finished / lessons",
            float(ok),
            float(n),
            ok / n,
            "1 (nothing lost), reruns elsewhere, second batch skips all",
            ok == n and bool(rerun) and again["skipped"] == n,
            unit="lessons",
            lessons_per_node=per_node,
            rerun_lessons=rerun,
            second_batch_skipped=again["skipped"],
            wall_s=round(wall, 2),
            cluster_startup_s=round(startup, 2),
            note=f"lessons per node (where each finished): {per_node}; ran again after the "
            f"kill (attempt nodes): {rerun}; second batch skipped {again['skipped']} of {n}",
        )
    ]


# ============================================================================ report

BENCHES: dict[str, Callable[[bool, Path], list[dict[str, Any]]]] = {
    "orchestration": bench_orchestration,
    "post_timeline": bench_post_timeline,
    "upscaler": bench_upscaler,
    "interpolation": bench_interpolation,
    "memory": bench_memory,
    "cost": bench_cost,
    "encoder": bench_encoder,
    "cold_start": bench_cold_start,
    "batch": bench_batch,
    "ray_cluster": bench_ray_cluster,
}


def _fmt(value: float) -> str:
    if value != value:  # nan
        return "-"
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:.0f}"


def markdown(result: dict[str, Any]) -> str:
    meta = result["meta"]
    lines = [
        "# Benchmarks",
        "",
        f"Generated by `python bench/run.py{' --quick' if meta['quick'] else ''}` on "
        f"{meta['finished_at']} ({meta['cpu_count']} CPUs, Python {meta['python']}, "
        f"load average {meta['load_avg_before']} before the run). Each figure is a ratio "
        "against a reference measured in the same run; absolute times depend on the machine.",
        "",
        "| benchmark | measured | reference | ratio | aim | meets aim | what |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in result["results"]:
        if "skipped" in r:
            lines.append(f"| {r['name']} | - | - | - | - | skipped | {r['skipped']} |")
            continue
        if "error" in r:
            lines.append(f"| {r['name']} | - | - | - | - | error | {r['error']} |")
            continue
        ok = {True: "yes", False: "**no**", None: "-"}[r["meets_aim"]]
        lines.append(
            f"| {r['name']} | {_fmt(r['measured'])} {r['unit']} | {_fmt(r['reference'])} "
            f"{r['unit']} | {_fmt(r['ratio'])} | {r['aim']} | {ok} | {r['what']} |"
        )
    notes = [
        r
        for r in result["results"]
        if r.get("note")
        or r.get("stage_seconds")
        or r.get("heavy_modules") is not None
        or r.get("fit")
    ]
    if notes:
        lines += ["", "## Details", ""]
        for r in notes:
            bits = []
            if r.get("stage_seconds"):
                bits.append(
                    "seconds per stage: "
                    + ", ".join(f"{k} {v}" for k, v in r["stage_seconds"].items())
                )
            if r.get("fit"):
                f = r["fit"]
                bits.append(
                    f"fit: {f['fixed_s']} s + {f['seconds_per_shot']} s/shot, R^2 = {f['r2']}"
                )
            if r.get("heavy_modules") is not None:
                bits.append("heavy modules imported: " + (", ".join(r["heavy_modules"]) or "none"))
            if r.get("growth_mib") is not None:
                bits.append(
                    f"growth {r['growth_mib']} MiB ({r['growth_bytes_per_output_frame']} bytes per output frame); RSS after imports {r['rss_after_imports_mib']} MiB"
                )
            if r.get("note"):
                bits.append(r["note"])
            lines.append(f"- **{r['name']}**: " + "; ".join(bits) + ".")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "reports" / "bench.json")
    ap.add_argument("--md", type=Path, default=ROOT / "reports" / "bench.md")
    ap.add_argument("--quick", action="store_true", help="small cases for CI")
    ap.add_argument("--only", nargs="*", choices=sorted(BENCHES), help="run only these")
    ap.add_argument("--child-memory", type=float, help=argparse.SUPPRESS)
    ap.add_argument("--size", default="128x72", help=argparse.SUPPRESS)
    ap.add_argument("--tmp", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child_memory is not None:
        w, h = (int(v) for v in args.size.split("x"))
        _child_memory(args.child_memory, w, h, args.tmp)
        return 0
    result: dict[str, Any] = {
        "meta": {
            "quick": args.quick,
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpu_count": os.cpu_count(),
            "load_avg_before": ", ".join(f"{v:.1f}" for v in os.getloadavg()),
            "started_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
        "results": [],
    }
    with tempfile.TemporaryDirectory(prefix="ttv-bench-") as tmpdir:
        for name, fn in BENCHES.items():
            if args.only and name not in args.only:
                continue
            tmp = Path(tmpdir) / name
            tmp.mkdir()
            t0 = time.perf_counter()
            print(f"[bench] {name} ...", file=sys.stderr, flush=True)
            try:
                rows = fn(args.quick, tmp)
            except Exception as exc:  # one broken benchmark must not lose the others
                rows = [{"name": name, "error": f"{type(exc).__name__}: {exc}"[:300]}]
            for r in rows:
                r["bench"] = name
                print(f"[bench]   {json.dumps(r)}", file=sys.stderr, flush=True)
            result["results"] += rows
            print(f"[bench] {name} took {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    result["meta"]["finished_at"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    result["meta"]["load_avg_after"] = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    args.md.parent.mkdir(parents=True, exist_ok=True)
    args.md.write_text(markdown(result))
    print(markdown(result))
    return 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
