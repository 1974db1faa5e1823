"""Lessons per second on a ~10,000-word plan, against the contracts stub in the same run.

python packages/scene/bench/bench_build.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import time

from ttv_contracts.stubs import StubScene
from ttv_contracts.v1 import Beat, Cast, Character, Shot, StoryPlan
from ttv_scene import GraphScene

BLOCK = (
    "Ravi was an old potter.",
    "He lived by the river with his granddaughter Mira.",
    "One morning she found a cracked pot.",
    "Ravi carried the pot to the busy market.",
    "At dusk they walked back to the river.",
)


def rate(impl, plan: StoryPlan, cast: Cast, repeat: int) -> float:
    impl.build(plan, cast)  # warm-up: imports networkx
    start = time.perf_counter()
    for _ in range(repeat):
        impl.build(plan, cast)
    return repeat / (time.perf_counter() - start)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    words = sum(len(s.split()) for s in BLOCK)
    narrations = BLOCK * (10_000 // words + 1)
    plan = StoryPlan(
        title="long",
        kind="story",
        shots=tuple(
            Shot(index=i, narration=n, beat=Beat.SETUP, target_duration_s=2.0)
            for i, n in enumerate(narrations)
        ),
    )
    n = len(narrations)
    cast = Cast(
        characters=(
            Character(id="ravi", name="Ravi", shots=tuple(range(0, n, 5))),
            Character(id="mira", name="Mira", shots=tuple(range(1, n, 5))),
        )
    )
    ours = rate(GraphScene(), plan, cast, args.repeat)
    ref = rate(StubScene(), plan, cast, args.repeat)
    print(f"plan: {words * n // len(BLOCK)} words, {n} shots")
    print(f"graph: {ours:.2f} lessons/s")
    print(f"stub (hashed setting, reference): {ref:.2f} lessons/s")
    print(f"graph / stub: {ours / ref:.3f}")


if __name__ == "__main__":
    main()
