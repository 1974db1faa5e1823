"""Interpolation benchmark set: ttv's interpolators against FFmpeg's minterpolate, per clip.

Every clip is 25 true frames at 24 fps and 1280x720. The even frames (13, i.e. 12 fps) go
in; each method converts them back to 24 fps; the 12 odd outputs it synthesised are scored
against the true odd frames (PSNR over RGB, SSIM on BT.601 luma, both averaged per frame).

Clips:

* ``pan``         a still picture panned right and down (11 + 4 px between input frames).
* ``objects``     six textured cards crossing a slowly panning background in different
                  directions (up to 36 px between input frames), overlapping each other.
* ``zoom``        a dolly/zoom into a still picture (2 % scale change between input frames).
* ``lighthouse``  the project's own render: the animatic keyframe of the lighthouse lesson's
                  first shot (with its keeper) under the camera motion's parallax move, as
                  the default profile makes it (``ttv_keyframe`` + ``ttv_motion``), faster
                  than the defaults so that the move is large.
* ``natural``     25 frames of *Big Buck Bunny* (bench/data, licence in bench/data/README.md):
                  a character climbing out of a burrow, grass and trees, hand-held camera.

The stills for ``pan``, ``zoom`` and ``objects`` are frames of the same excerpt.

``minterpolate`` runs through PyAV's bundled FFmpeg (``av.filter.Graph``), ``mi_mode=mci``
with FFmpeg's defaults otherwise (``mc_mode=aobmc``, ``me_mode=bidir``, ``me=epzs``), on
``yuv444p`` frames so that chroma does not cost it quality; its time includes the RGB <->
YUV conversions. It is single-threaded, so ttv's interpolators are timed with
``cv2.setNumThreads(1)`` and ``flow`` with ``pipelined=False`` (no flow worker thread). Each method's best of ``rounds`` interleaved rounds counts.

This is the one implementation of the interpolation bench: ``bench/run.py`` (``nox -s bench``)
calls :func:`evaluate` and :func:`rows`, and the interpolator package's
``packages/interpolator/bench/bench_interpolator.py`` is a front end to :func:`main` that
also runs the other presets.

Run alone: ``python bench/interpolation.py [--rounds 2] [--clips pan natural]
[--methods flow flow-medium blend]``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

DATA = Path(__file__).resolve().parent / "data"
NATURAL = DATA / "big_buck_bunny_25f.mp4"
W, H, N = 1280, 720, 25
CLIPS = ("pan", "objects", "zoom", "lighthouse", "natural")


# ============================================================================ clips


def load_natural() -> np.ndarray:
    import av

    with av.open(str(NATURAL)) as c:
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    return np.stack(frames[:N])


def _still(natural: np.ndarray, index: int, scale: float) -> np.ndarray:
    import cv2

    img = natural[index]
    return cv2.resize(img, (int(W * scale), int(H * scale)), interpolation=cv2.INTER_CUBIC)


def _affine(img: np.ndarray, s: float, tx: float, ty: float) -> np.ndarray:
    import cv2

    m = np.float32([[s, 0, tx], [0, s, ty]])
    return cv2.warpAffine(img, m, (W, H), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)


def clip_pan(natural: np.ndarray) -> np.ndarray:
    big = _still(natural, 0, 1.4)
    return np.stack([_affine(big, 1.0, -60 - 5.5 * i, -40 - 2.0 * i) for i in range(N)])


def clip_zoom(natural: np.ndarray) -> np.ndarray:
    big = _still(natural, 12, 1.0)
    out = []
    for i in range(N):
        s = 1.0 + 0.01 * i  # 1 % per 24 fps frame, about the centre
        out.append(_affine(big, s, (W - 1) / 2 * (1 - s), (H - 1) / 2 * (1 - s)))
    return np.stack(out)


def clip_objects(natural: np.ndarray) -> np.ndarray:
    import cv2

    bg = _still(natural, 24, 1.2)
    tex = _still(natural, 6, 1.0)
    rng = np.random.default_rng(7)
    cards = []
    for k in range(6):
        cw, ch = int(rng.integers(120, 260)), int(rng.integers(90, 200))
        sx, sy = int(rng.integers(0, W - cw)), int(rng.integers(0, H - ch))
        patch = tex[sy : sy + ch, sx : sx + cw].copy()
        mask = np.zeros((ch, cw), np.uint8)
        if k % 2:
            cv2.ellipse(mask, (cw // 2, ch // 2), (cw // 2 - 1, ch // 2 - 1), 0, 0, 360, 255, -1)
        else:
            mask[:] = 255
        x0, y0 = float(rng.uniform(0, W - cw)), float(rng.uniform(0, H - ch))
        vx, vy = float(rng.choice([-1, 1]) * rng.uniform(4, 18)), float(rng.uniform(-6, 6))
        cards.append((patch, mask, x0, y0, vx, vy))
    out = []
    for i in range(N):
        frame = _affine(bg, 1.0, -40 - 1.0 * i, -30)
        for patch, mask, x0, y0, vx, vy in cards:
            ch, cw = mask.shape
            m = np.float32([[1, 0, x0 + vx * i], [0, 1, y0 + vy * i]])
            p = cv2.warpAffine(patch, m, (W, H), flags=cv2.INTER_LINEAR)
            a = cv2.warpAffine(mask, m, (W, H), flags=cv2.INTER_LINEAR)
            a3 = (a.astype(np.float32) / 255.0)[..., None]
            frame = (frame * (1 - a3) + p * a3 + 0.5).astype(np.uint8)
        out.append(frame)
    return np.stack(out)


def clip_lighthouse() -> np.ndarray:
    import json

    from ttv_contracts.v1 import CameraMove, CharacterRef, MotionDirectives, ShotSpec
    from ttv_keyframe import AnimaticKeyframe
    from ttv_motion import CameraMotion

    root = Path(__file__).resolve().parent.parent
    lesson = json.loads((root / "examples" / "lessons" / "lighthouse.json").read_text())
    scene = lesson["scenes"][0]
    spec = ShotSpec(
        shot_index=0,
        prompt=f"{scene['setting']}, {scene['text']}",
        caption=scene["text"].split(".")[0] + ".",
        setting=scene["setting"],
        palette=("#2a3550", "#e0a060", "#5a4a40"),
        characters=(CharacterRef(id="tomas", name="Tomas", descriptors=("old", "keeper")),),
        seed=11,
        width=W,
        height=H,
        fps=24,
        num_frames=N,
        directives=MotionDirectives(camera=CameraMove.PARALLAX, motion_scale=1.0, pace=2.0),
    )
    keyframe = AnimaticKeyframe().render(spec)
    clip = CameraMotion(speed=0.5, max_travel=0.3).animate(spec, keyframe)
    return np.stack(clip.frames)


def make_clips(names: tuple[str, ...] = CLIPS) -> dict[str, np.ndarray]:
    natural = load_natural()
    makers: dict[str, Callable[[], np.ndarray]] = {
        "pan": lambda: clip_pan(natural),
        "objects": lambda: clip_objects(natural),
        "zoom": lambda: clip_zoom(natural),
        "lighthouse": clip_lighthouse,
        "natural": lambda: natural,
    }
    return {name: makers[name]() for name in names}


# ============================================================================ metrics


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float32) - b.astype(np.float32)) ** 2))
    return 100.0 if mse == 0 else 10 * np.log10(255.0**2 / mse)


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    """SSIM of the BT.601 luma (Gaussian window, sigma 1.5, as Wang et al. 2004)."""
    import cv2

    x = cv2.cvtColor(a, cv2.COLOR_RGB2GRAY).astype(np.float32)
    y = cv2.cvtColor(b, cv2.COLOR_RGB2GRAY).astype(np.float32)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2

    def g(z: np.ndarray) -> np.ndarray:
        return cv2.GaussianBlur(z, (11, 11), 1.5)

    mx, my = g(x), g(y)
    sxx, syy, sxy = g(x * x) - mx * mx, g(y * y) - my * my, g(x * y) - mx * my
    s = ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2))
    return float(s.mean())


def score(get: Callable[[int], np.ndarray | None], truth: np.ndarray) -> tuple[float, float]:
    ps, ss = [], []
    for k in range(1, len(truth) - 1, 2):
        f = get(k)
        if f is None:
            continue
        ps.append(psnr(truth[k], f))
        ss.append(ssim(truth[k], f))
    return float(np.mean(ps)), float(np.mean(ss))


# ============================================================================ methods


def run_ttv(impl: Any, src: np.ndarray) -> tuple[list[np.ndarray], float]:
    t0 = time.perf_counter()
    out = list(impl.interpolate(iter(src), 12, 24))
    return out, time.perf_counter() - t0


def run_minterpolate(src: np.ndarray) -> tuple[dict[int, np.ndarray], float]:
    """FFmpeg minterpolate (mci) 12 -> 24 fps; returns {24 fps index: RGB frame}."""
    import av

    h, w = src.shape[1:3]
    t0 = time.perf_counter()
    graph = av.filter.Graph()
    buf = graph.add_buffer(width=w, height=h, format="yuv444p", time_base=Fraction(1, 12))
    mi = graph.add("minterpolate", "fps=24:mi_mode=mci:mc_mode=aobmc:me_mode=bidir")
    sink = graph.add("buffersink")
    buf.link_to(mi)
    mi.link_to(sink)
    graph.configure()
    out: dict[int, np.ndarray] = {}

    def drain() -> None:
        while True:
            try:
                f = graph.pull()
            except (av.BlockingIOError, av.EOFError):
                return
            out[round(Fraction(f.pts) * f.time_base * 24)] = f.to_ndarray(format="rgb24")

    for i, a in enumerate(src):
        vf = av.VideoFrame.from_ndarray(a, format="rgb24").reformat(format="yuv444p")
        vf.pts, vf.time_base = i, Fraction(1, 12)
        graph.push(vf)
        drain()
    graph.push(None)
    drain()
    return out, time.perf_counter() - t0


#: Methods the bench can run (``--methods``); ``flow`` is the default preset.
METHODS = ("flow", "flow-medium", "flow-ultrafast", "blend")


def make_methods(names: tuple[str, ...] = ("flow", "blend")) -> dict[str, Any]:
    """ttv interpolators by bench name. Every ``flow`` runs with its flow worker thread off,
    so that it runs on one core like minterpolate (pipelining only overlaps the flow with
    downstream stages anyway)."""
    from ttv_interpolator import BlendInterpolator, FlowInterpolator

    makers: dict[str, Callable[[], Any]] = {
        "flow": lambda: FlowInterpolator(pipelined=False),
        "flow-medium": lambda: FlowInterpolator(preset="medium", pipelined=False),
        "flow-ultrafast": lambda: FlowInterpolator(preset="ultrafast", pipelined=False),
        "blend": BlendInterpolator,
    }
    return {name: makers[name]() for name in names}


def evaluate(
    clips: dict[str, np.ndarray],
    methods: dict[str, Any] | None = None,
    rounds: int = 2,
    log: Callable[[str], None] | None = None,
) -> dict[str, dict[str, dict[str, float]]]:
    """{clip: {method: {psnr, ssim, seconds, fps}}}; minterpolate is ``"minterpolate"``."""
    import cv2

    methods = methods or make_methods()
    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    results: dict[str, dict[str, dict[str, float]]] = {}
    try:
        for name, truth in clips.items():
            src = truth[::2]
            best: dict[str, float] = {}
            outs: dict[str, Any] = {}
            for _ in range(rounds):
                for m, impl in methods.items():
                    out, dt = run_ttv(impl, src)
                    best[m] = min(best.get(m, float("inf")), dt)
                    outs[m] = out
                out, dt = run_minterpolate(src)
                best["minterpolate"] = min(best.get("minterpolate", float("inf")), dt)
                outs["minterpolate"] = out
            row: dict[str, dict[str, float]] = {}
            for m, out in outs.items():
                get = out.get if isinstance(out, dict) else (lambda k, o=out: o[k])
                ps, ss = score(get, truth)
                row[m] = {
                    "psnr": round(ps, 2),
                    "ssim": round(ss, 4),
                    "seconds": round(best[m], 3),
                    "fps": round(2 * len(src) / best[m], 2),
                }
            results[name] = row
            if log:
                log(
                    f"{name}: "
                    + ", ".join(
                        f"{m} {v['psnr']:.2f} dB {v['fps']:.1f} fps" for m, v in row.items()
                    )
                )
    finally:
        cv2.setNumThreads(threads)
    return results


def rows(results: dict[str, dict[str, dict[str, float]]], method: str = "flow") -> list[dict]:
    """bench/run.py rows: per clip, the default preset against minterpolate."""
    out = []
    for clip, r in results.items():
        ours, ref = r[method], r["minterpolate"]
        speed = ref["seconds"] / ours["seconds"]
        out.append(
            {
                "name": f"interpolation: {clip}",
                "what": f"{method} (default preset) vs minterpolate mci/aobmc/bidir, 12->24 fps "
                f"at {W}x{H}, {N // 2} synthesised frames; measured = PSNR dB, "
                f"reference = minterpolate PSNR dB, ratio = speed vs minterpolate "
                f"(both single-threaded)",
                "measured": ours["psnr"],
                "reference": ref["psnr"],
                "unit": "dB",
                "ratio": round(speed, 2),
                "aim": "PSNR > minterpolate at >= 5x its speed",
                "meets_aim": bool(ours["psnr"] > ref["psnr"] and speed >= 5),
                "methods": r,
            }
        )
    return out


def _iter_print(results: dict[str, dict[str, dict[str, float]]]) -> Iterator[str]:
    methods = list(next(iter(results.values())))
    yield f"{'clip':11} " + " ".join(f"{m:>24}" for m in methods)
    for clip, r in results.items():
        yield f"{clip:11} " + " ".join(
            f"{r[m]['psnr']:7.2f} dB {r[m]['ssim']:.4f} {r[m]['fps']:5.1f}/s" for m in methods
        )


def main(argv: list[str] | None = None, methods: tuple[str, ...] = ("flow", "blend")) -> None:
    """The command line; ``methods`` is the default of ``--methods``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--clips", nargs="*", choices=CLIPS, default=list(CLIPS))
    ap.add_argument("--methods", nargs="*", choices=METHODS, default=list(methods))
    args = ap.parse_args(argv)
    results = evaluate(
        make_clips(tuple(args.clips)),
        make_methods(tuple(args.methods)),
        rounds=args.rounds,
        log=print,
    )
    for line in _iter_print(results):
        print(line)
    for clip, r in results.items():
        ref = r["minterpolate"]
        print(
            f"{clip}: "
            + ", ".join(
                f"{m} {v['psnr'] - ref['psnr']:+.2f} dB x{ref['seconds'] / v['seconds']:.2f} speed"
                for m, v in r.items()
                if m != "minterpolate"
            )
            + " vs minterpolate"
        )


if __name__ == "__main__":
    main()
