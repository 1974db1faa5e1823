"""Frames per second of the camera motion generator against the ttv_contracts stub motion
(the keyframe held), measured in the same run on the same keyframe.

    python packages/motion/bench/bench_motion.py [--size 640x360] [--frames 48]

For each camera move, prints output frames/s and the ratio camera/stub. The stub only copies
the keyframe, so the ratio shows what a sub-pixel warp (or, for dolly and parallax, a remap
plus GrabCut-cut figure cards) costs per frame.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from ttv_contracts.stubs import StubMotion
from ttv_contracts.v1 import CameraMove, Keyframe, MotionDirectives, Region, ShotSpec
from ttv_motion import CameraMotion


def keyframe(width: int, height: int) -> Keyframe:
    """A textured frame with two 'faces' (so dolly/parallax cut two figure cards)."""
    rng = np.random.default_rng(0)
    small = rng.integers(0, 256, size=(height // 8 + 1, width // 8 + 1, 3), dtype=np.uint8)
    image = np.kron(small, np.ones((8, 8, 1), np.uint8))[:height, :width].copy()
    regions = []
    for k, fx in enumerate((0.3, 0.7)):
        s = max(2, height // 8)
        x, y = int(width * fx), int(height * 0.35)
        image[y : y + 4 * s, x - s // 2 : x + s + s // 2] = (30 + 40 * k, 40, 60)
        regions.append(Region(x=x, y=y, w=s, h=s, label=f"c{k}"))
    return Keyframe(image=np.ascontiguousarray(image), regions=tuple(regions))


def rate(impl, spec: ShotSpec, kf: Keyframe, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        impl.animate(spec, kf)
        best = min(best, time.perf_counter() - t0)
    return spec.num_frames / best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="640x360")
    ap.add_argument("--frames", type=int, default=48)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--interpolation", default="cubic", choices=["linear", "cubic"])
    args = ap.parse_args()
    w, h = (int(v) for v in args.size.lower().split("x"))
    kf = keyframe(w, h)
    camera = CameraMotion(interpolation=args.interpolation)
    stub = StubMotion()
    print(
        f"motion bench at {w}x{h}, {args.frames} frames, best of {args.repeats}, "
        f"{args.interpolation} sampling"
    )
    print(f"  {'move':10s} {'stub f/s':>10s} {'camera f/s':>11s} {'camera/stub':>12s}")
    for move in CameraMove:
        spec = ShotSpec(
            shot_index=0,
            prompt="bench",
            width=w,
            height=h,
            fps=12,
            num_frames=args.frames,
            directives=MotionDirectives(camera=move, motion_scale=0.6),
        )
        s = rate(stub, spec, kf, args.repeats)
        c = rate(camera, spec, kf, args.repeats)
        print(f"  {move.value:10s} {s:10.1f} {c:11.1f} {c / s:12.3f}")


if __name__ == "__main__":
    main()
