"""Upscaler throughput at 640x360 -> 1280x720, against plain cv2.resize in the same run.

    python packages/upscaler/bench/bench_upscaler.py [--frames N] [--weights PATH]

References measured here: ``cv2.resize`` with INTER_LINEAR (the cheapest usable resize) and
with INTER_LANCZOS4 (the same filter without letterboxing or sharpening), and the contracts'
nearest-neighbour stub. With ``--weights`` (a local spandrel-supported model file and the
``spandrel`` extra installed) the spandrel backend is timed too.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Iterator

import cv2
import numpy as np
from ttv_contracts.stubs import StubUpscaler
from ttv_upscaler import LanczosUpscaler, SpandrelUpscaler

SRC = (640, 360)
DST = (1280, 720)


def frames(n: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    small = rng.integers(0, 256, size=(45, 80, 3), dtype=np.uint8)
    base = cv2.resize(small, SRC, interpolation=cv2.INTER_CUBIC)
    return np.stack([np.roll(base, 3 * i, axis=1) for i in range(n)])


def fps(run: Callable[[np.ndarray], Iterator[np.ndarray]], data: np.ndarray) -> float:
    for _ in run(data[:2]):  # warm-up
        pass
    start = time.perf_counter()
    count = sum(1 for _ in run(data))
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--frames", type=int, default=120)
    parser.add_argument("--weights", default=None)
    parser.add_argument("--tile", type=int, default=256)
    parser.add_argument(
        "--random-compact",
        action="store_true",
        help="time spandrel on an SRVGGNetCompact of realesr-general-x4v3's size (64 features, "
        "32 convs, x4) with random weights: speed does not depend on weight values",
    )
    args = parser.parse_args()
    data = frames(args.frames)
    w, h = DST

    results = {
        "cv2.resize linear": fps(
            lambda d: (cv2.resize(f, DST, interpolation=cv2.INTER_LINEAR) for f in d), data
        ),
        "cv2.resize lanczos4": fps(
            lambda d: (cv2.resize(f, DST, interpolation=cv2.INTER_LANCZOS4) for f in d), data
        ),
        "stub (nearest)": fps(lambda d: StubUpscaler().upscale(iter(d), w, h), data),
        "lanczos (default)": fps(lambda d: LanczosUpscaler().upscale(iter(d), w, h), data),
        "lanczos sharpen=0": fps(lambda d: LanczosUpscaler(sharpen=0).upscale(iter(d), w, h), data),
    }
    weights = args.weights
    tmp = None
    if args.random_compact and not weights:
        import tempfile

        import torch
        from spandrel.architectures.Compact import Compact

        tmp = tempfile.TemporaryDirectory()
        weights = f"{tmp.name}/compact-x4v3-size.pth"
        torch.manual_seed(0)
        net = Compact(num_in_ch=3, num_out_ch=3, num_feat=64, num_conv=32, upscale=4)
        torch.save(net.state_dict(), weights)
    if weights:
        sr = SpandrelUpscaler(weights_path=weights, tile=args.tile)
        results[f"spandrel tile={args.tile}"] = fps(lambda d: sr.upscale(iter(d), w, h), data[:4])
    ref = results["cv2.resize linear"]
    print(f"{SRC[0]}x{SRC[1]} -> {w}x{h}, {args.frames} frames, cv2 threads {cv2.getNumThreads()}")
    for name, value in results.items():
        print(
            f"{name:24s} {value:9.3f} frames/s  {1 / value:8.3f} s/frame  "
            f"{value / ref:7.4f}x cv2.resize linear"
        )


if __name__ == "__main__":
    main()
