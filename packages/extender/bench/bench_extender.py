"""Extender bench: ``slowmo`` against trivial references, on a clip whose slow motion is known.

A camera move over a photograph shipped by scikit-image is rendered at 24 fps (the truth);
every other frame forms a 12-frame-per-second clip, which each method stretches to twice its
length (x2 slow motion: output frame k should look like true frame k). Then a longer target
exercises the hold. References measured in the same run:

* ``duplicate``: each frame shown twice (``np.repeat``), the cheapest honest slow-down;
* ``stub``: the contracts' stub extender (trim, or freeze on the last frame).

Prints PSNR of the in-between frames against the truth and frames produced per second.
Needs the bench dependency group (scikit-image): ``uv pip install scikit-image``.
Run: ``python packages/extender/bench/bench_extender.py [--width 640 --height 360]``
"""

from __future__ import annotations

import argparse
import time

import cv2
import numpy as np
from skimage import data
from skimage.metrics import peak_signal_noise_ratio
from ttv_contracts.stubs import StubExtender
from ttv_contracts.v1 import Clip
from ttv_extender import SlowMotionExtender


def camera_move(n: int, width: int, height: int, speed: float) -> np.ndarray:
    big = cv2.resize(
        data.astronaut(), (int(width * 1.6), int(height * 1.6)), interpolation=cv2.INTER_CUBIC
    )
    frames = np.empty((n, height, width, 3), np.uint8)
    for i in range(n):
        s = 1.0 + 0.002 * i
        tx, ty = -0.15 * width - speed * i, -0.15 * height - 0.4 * speed * i
        m = np.float32([[s, 0, tx * s], [0, s, ty * s]])
        frames[i] = cv2.warpAffine(
            big, m, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT
        )
    return frames


def duplicate(clip: Clip, n: int) -> np.ndarray:
    return np.repeat(clip.frames, 2, axis=0)[:n]


def timed(fn, repeat: int = 3):
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return out, best


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--width", type=int, default=640)
    p.add_argument("--height", type=int, default=360)
    p.add_argument("--frames", type=int, default=25, help="true 24 fps frames (odd)")
    p.add_argument("--speed", type=float, default=3.0, help="pan px per 24 fps frame")
    args = p.parse_args(argv)

    truth = camera_move(args.frames, args.width, args.height, args.speed)
    clip = Clip(frames=truth[::2], fps=12)
    n2 = 2 * clip.num_frames - 1  # x2: output k <-> truth k
    odd = list(range(1, n2, 2))
    print(
        f"astronaut {args.width}x{args.height}, {clip.num_frames} frames -> {n2} (x2) "
        f"and -> {4 * clip.num_frames} (x2 then hold); cv2 threads {cv2.getNumThreads()}"
    )

    slowmo = SlowMotionExtender()
    rows = []
    for name, fn in [
        ("slowmo", lambda: slowmo.extend(clip, n2).frames),
        ("duplicate", lambda: duplicate(clip, n2)),
        ("stub (freeze)", lambda: StubExtender().extend(clip, n2).frames),
    ]:
        out, dt = timed(fn)
        psnr = np.mean([peak_signal_noise_ratio(truth[k], out[k], data_range=255) for k in odd])
        rows.append((name, psnr, n2 / dt))
    print(f"{'x2 slow motion':16} {'PSNR dB (in-between)':>21} {'frames/s':>10}")
    for name, psnr, fps in rows:
        print(f"{name:16} {psnr:21.2f} {fps:10.1f}")
    ref = rows[1]
    print(
        f"slowmo vs duplicate: PSNR {rows[0][1] - ref[1]:+.2f} dB, speed x{rows[0][2] / ref[2]:.4f}"
    )

    n4 = 4 * clip.num_frames
    _, dt_s = timed(lambda: slowmo.extend(clip, n4))
    _, dt_stub = timed(lambda: StubExtender().extend(clip, n4))
    print(
        f"x2 + hold to {n4} frames: slowmo {n4 / dt_s:.1f} frames/s, stub {n4 / dt_stub:.1f} "
        f"frames/s, ratio x{dt_stub / dt_s:.4f}"
    )


if __name__ == "__main__":
    main()
