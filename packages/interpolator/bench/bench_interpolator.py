"""Interpolator bench: ``flow`` and ``blend`` against FFmpeg's ``minterpolate`` (mci).

Ground truth is known: a synthetic camera move (pan + slow zoom) over a real photograph
shipped by scikit-image is rendered at 24 fps; every other frame is kept (12 fps), converted
back to 24 fps by each method, and the reconstructed odd frames are compared with the true
ones (PSNR and SSIM from ``skimage.metrics``). Frames per second count every output frame
(the even ones are pass-through for every method), wall time, same process, same run;
each method's best of ``--rounds`` interleaved rounds counts.

``minterpolate`` runs through PyAV's bundled FFmpeg (``av.filter.Graph``) with
``mi_mode=mci`` (motion-compensated interpolation, FFmpeg's defaults otherwise) on
``yuv444p`` frames; its time includes the RGB <-> YUV conversions. The PSNR of that
conversion alone (truth -> yuv444p -> RGB) is printed as the ceiling minterpolate can reach.

Needs the bench dependency group (scikit-image, av): ``uv pip install scikit-image av``.
OpenCV runs on ``--threads`` threads (default 1, like minterpolate's single-threaded mci).
Run: ``python packages/interpolator/bench/bench_interpolator.py [--frames 49] [--speed 4]``
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from fractions import Fraction

import av
import cv2
import numpy as np
from skimage import data
from skimage.metrics import peak_signal_noise_ratio, structural_similarity
from ttv_interpolator import BlendInterpolator, FlowInterpolator


def camera_move(n: int, width: int, height: int, speed: float, photo: str) -> np.ndarray:
    """``n`` frames (24 fps) of a pan right + down with a slow zoom in, over a photograph."""
    img = getattr(data, photo)()
    if img.ndim == 2:
        img = np.repeat(img[..., None], 3, axis=2)
    img = img[..., :3]
    # the photograph, resized to cover the frame with room for the move
    src = cv2.resize(img, (width, height), interpolation=cv2.INTER_CUBIC)
    big = cv2.resize(src, (int(width * 1.6), int(height * 1.6)), interpolation=cv2.INTER_CUBIC)
    frames = np.empty((n, height, width, 3), np.uint8)
    for i in range(n):
        s = 1.0 + 0.002 * i  # zoom in 0.2 % per frame
        tx = -0.15 * width - speed * i
        ty = -0.15 * height - 0.4 * speed * i
        m = np.float32([[s, 0, tx * s], [0, s, ty * s]])
        frames[i] = cv2.warpAffine(
            big, m, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT
        )
    return frames


def run_ttv(impl, frames: np.ndarray) -> tuple[list[np.ndarray], float]:
    t0 = time.perf_counter()
    out = list(impl.interpolate(iter(frames), 12, 24))
    return out, time.perf_counter() - t0


def run_minterpolate(frames: np.ndarray) -> tuple[dict[int, np.ndarray], float]:
    """FFmpeg minterpolate (mci) 12 -> 24 fps; returns {24 fps index: RGB frame}."""
    h, w = frames.shape[1:3]
    t0 = time.perf_counter()
    graph = av.filter.Graph()
    src = graph.add_buffer(width=w, height=h, format="yuv444p", time_base=Fraction(1, 12))
    mi = graph.add("minterpolate", "fps=24:mi_mode=mci")
    sink = graph.add("buffersink")
    src.link_to(mi)
    mi.link_to(sink)
    graph.configure()
    out: dict[int, np.ndarray] = {}

    def drain() -> None:
        while True:
            try:
                f = graph.pull()
            except (av.BlockingIOError, av.EOFError):
                return
            k = round(Fraction(f.pts) * f.time_base * 24)
            out[k] = f.to_ndarray(format="rgb24")

    for i, a in enumerate(frames):
        vf = av.VideoFrame.from_ndarray(a, format="rgb24").reformat(format="yuv444p")
        vf.pts = i
        vf.time_base = Fraction(1, 12)
        graph.push(vf)
        drain()
    graph.push(None)
    drain()
    return out, time.perf_counter() - t0


def yuv_roundtrip(frame: np.ndarray) -> np.ndarray:
    vf = av.VideoFrame.from_ndarray(frame, format="rgb24").reformat(format="yuv444p")
    return vf.to_ndarray(format="rgb24")


def score(get: Callable[[int], np.ndarray | None], truth: np.ndarray, ks: list[int]):
    psnr, ssim = [], []
    for k in ks:
        f = get(k)
        if f is None:
            continue
        psnr.append(peak_signal_noise_ratio(truth[k], f, data_range=255))
        ssim.append(structural_similarity(truth[k], f, channel_axis=2, data_range=255))
    return float(np.mean(psnr)), float(np.mean(ssim)), len(psnr)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--frames", type=int, default=49, help="true 24 fps frames (odd number)")
    p.add_argument("--width", type=int, default=1280)
    p.add_argument("--height", type=int, default=720)
    p.add_argument("--speed", type=float, default=4.0, help="pan, px per 24 fps frame")
    p.add_argument("--photo", default="astronaut", choices=["astronaut", "chelsea", "coffee"])
    p.add_argument("--rounds", type=int, default=3, help="timing rounds (best one counts)")
    p.add_argument(
        "--threads",
        type=int,
        default=1,
        help="OpenCV threads (1 matches minterpolate, which is single-threaded)",
    )
    args = p.parse_args(argv)
    cv2.setNumThreads(args.threads)

    truth = camera_move(args.frames, args.width, args.height, args.speed, args.photo)
    src = truth[::2]
    n_out = len(src) * 2
    odd = [k for k in range(1, n_out, 2) if k < len(truth) - 1]
    print(
        f"{args.photo} {args.width}x{args.height}, pan {args.speed:g} px/frame at 24 fps "
        f"+ 0.2 %/frame zoom; {len(src)} frames at 12 fps -> 24 fps; scoring {len(odd)} "
        f"synthesised frames; cv2 threads {cv2.getNumThreads()}"
    )
    methods = {
        "flow": FlowInterpolator(),
        "flow medium": FlowInterpolator(preset="medium"),
        "blend": BlendInterpolator(),
    }
    # Each round runs every method once, interleaved; each method's best round counts, so a
    # busy machine slows every method alike instead of whichever happened to run last.
    best: dict[str, float] = {}
    outputs: dict[str, object] = {}
    counts: dict[str, int] = {}
    for _ in range(args.rounds):
        for name, impl in methods.items():
            out, dt = run_ttv(impl, src)
            best[name] = min(best.get(name, float("inf")), dt)
            outputs[name], counts[name] = out, len(out)
        mi_out, dt = run_minterpolate(src)
        best["minterpolate mci"] = min(best.get("minterpolate mci", float("inf")), dt)
        outputs["minterpolate mci"], counts["minterpolate mci"] = mi_out, len(mi_out)

    results: dict[str, tuple[float, float, float]] = {}
    for name in methods:
        out = outputs[name]
        ps, ss, _ = score(lambda k, out=out: out[k], truth, odd)
        results[name] = (ps, ss, counts[name] / best[name])
    mi_out = outputs["minterpolate mci"]
    ps, ss, n_scored = score(mi_out.get, truth, odd)
    results["minterpolate mci"] = (ps, ss, counts["minterpolate mci"] / best["minterpolate mci"])
    ceiling = np.mean(
        [peak_signal_noise_ratio(truth[k], yuv_roundtrip(truth[k]), data_range=255) for k in odd]
    )

    print(f"{'method':18} {'PSNR dB':>8} {'SSIM':>7} {'fps':>8}")
    for name, (ps, ss, fps) in results.items():
        print(f"{name:18} {ps:8.2f} {ss:7.4f} {fps:8.2f}")
    print(
        f"(minterpolate scored on {n_scored} frames; yuv444p round-trip ceiling {ceiling:.2f} dB)"
    )
    ref = results["minterpolate mci"]
    for name in ("flow", "flow medium", "blend"):
        ps, ss, fps = results[name]
        print(
            f"{name} vs minterpolate: PSNR {ps - ref[0]:+.2f} dB, SSIM {ss - ref[1]:+.4f}, "
            f"speed x{fps / ref[2]:.2f}"
        )


if __name__ == "__main__":
    main()
