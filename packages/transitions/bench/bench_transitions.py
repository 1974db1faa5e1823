"""Transitions bench: ``classic`` throughput per kind against trivial references.

Two 24-frame clips at the timeline size (640x360 by default) are blended with a 12-frame
transition of every kind. References measured in the same run:

* ``copy``: copying both clips, the least any in-place transition must do (inputs are
  immutable, so the rewritten clips are new arrays);
* ``naive dissolve``: a straightforward float64 numpy cross-fade of the same span.

Run: ``python packages/transitions/bench/bench_transitions.py [--width 1280 --height 720]``
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from ttv_contracts.v1 import Clip, TransitionKind, TransitionSpec
from ttv_transitions import ClassicTransitions


def timed(fn, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def naive_dissolve(a: np.ndarray, b: np.ndarray, d: int) -> tuple[np.ndarray, np.ndarray]:
    a2, b2 = a.copy(), b.copy()
    h_a, h_b = (d + 1) // 2, d // 2
    for i in range(h_a):
        w = 0.5 * (i + 1) / h_a
        a2[-h_a + i] = ((1 - w) * a[-h_a + i] + w * b[0]).round().astype(np.uint8)
    for j in range(h_b):
        w = 0.5 + 0.5 * (j + 1) / (h_b + 1)
        b2[j] = ((1 - w) * a[-1] + w * b[j]).round().astype(np.uint8)
    return a2, b2


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--width", type=int, default=640)
    p.add_argument("--height", type=int, default=360)
    p.add_argument("--frames", type=int, default=24)
    p.add_argument("--duration", type=int, default=12)
    args = p.parse_args(argv)
    rng = np.random.default_rng(0)
    shape = (args.frames, args.height, args.width, 3)
    a = Clip(frames=rng.integers(0, 256, shape, dtype=np.uint8), fps=12)
    b = Clip(frames=rng.integers(0, 256, shape, dtype=np.uint8), fps=12)
    impl = ClassicTransitions()

    t_copy = timed(lambda: (a.frames.copy(), b.frames.copy()))
    t_naive = timed(lambda: naive_dissolve(a.frames, b.frames, args.duration))
    print(
        f"{args.width}x{args.height}, two {args.frames}-frame clips, "
        f"{args.duration}-frame transitions (ms per transition, best of 5)"
    )
    print(f"{'reference copy':22} {t_copy * 1e3:8.2f} ms")
    print(f"{'reference naive dissolve':22} {t_naive * 1e3:8.2f} ms")
    for kind in TransitionKind:
        spec = TransitionSpec(kind=kind, duration_frames=args.duration)
        t = timed(lambda spec=spec: impl.blend(a, b, spec))
        print(
            f"{kind.value:22} {t * 1e3:8.2f} ms   x{t / t_copy:6.2f} of copy   "
            f"x{t / t_naive:5.2f} of naive dissolve   "
            f"{args.duration / t:7.0f} blended frames/s"
        )


if __name__ == "__main__":
    main()
