"""Frames per second of the animatic renderer against the ttv_contracts stub keyframe,
measured in the same run on the same specs.

    python packages/keyframe/bench/bench_keyframe.py [--size 640x360] [--shots 20]

Prints each implementation's keyframes/s and the ratio animatic/stub (higher is faster).
The stub is a gradient with grey bars and no text, so a ratio below 1 is expected: it is
the price of real text, silhouettes and anti-aliasing.
"""

from __future__ import annotations

import argparse
import time

from ttv_contracts.stubs import StubKeyframe
from ttv_contracts.v1 import CharacterRef, ShotSpec
from ttv_keyframe import AnimaticKeyframe


def specs(width: int, height: int, shots: int) -> list[ShotSpec]:
    cast = (
        CharacterRef(id="ravi", name="Ravi", descriptors=("old potter", "white beard"), seed=1),
        CharacterRef(id="mira", name="Mira", descriptors=("young girl",), seed=2),
    )
    return [
        ShotSpec(
            shot_index=i,
            prompt="an old potter by a river, morning light",
            caption="Ravi was an old potter. He lived by the river with his granddaughter Mira.",
            setting="a river bank in the morning",
            characters=cast[: i % 3],
            seed=i,
            width=width,
            height=height,
            fps=12,
            num_frames=12,
        )
        for i in range(shots)
    ]


def rate(impl, batch: list[ShotSpec], repeats: int) -> float:
    impl.render(batch[0])  # warm-up (font loading)
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        for spec in batch:
            impl.render(spec)
        best = min(best, time.perf_counter() - t0)
    return len(batch) / best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="640x360")
    ap.add_argument("--shots", type=int, default=20)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    w, h = (int(v) for v in args.size.lower().split("x"))
    batch = specs(w, h, args.shots)
    stub = rate(StubKeyframe(), batch, args.repeats)
    animatic = rate(AnimaticKeyframe(), batch, args.repeats)
    print(f"keyframe bench at {w}x{h}, {args.shots} shots, best of {args.repeats}")
    print(f"  stub (ttv_contracts): {stub:8.1f} keyframes/s")
    print(f"  animatic            : {animatic:8.1f} keyframes/s")
    print(f"  ratio animatic/stub : {animatic / stub:8.3f}")


if __name__ == "__main__":
    main()
