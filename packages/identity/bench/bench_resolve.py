"""Lessons per second on a ~10,000-word story, against the contracts stub in the same run.

    python packages/identity/bench/bench_resolve.py [--repeat 3]

Also times the same resolver with a SQLite store (one transaction per lesson).
"""

from __future__ import annotations

import argparse
import tempfile
import time

from ttv_contracts.stubs import StubIdentity
from ttv_contracts.v1 import Beat, Shot, StoryPlan
from ttv_identity import CorefIdentity

BLOCK = (
    "Ravi was an old potter.",
    "He lived by the river with his granddaughter Mira.",
    "One morning she found a cracked pot.",
    "Ravi smiled at her and said it could still hold water.",
    "Mira laughed, and she carried it home.",
    "The potter walked to the market with Dr. Lee, and the doctor bought a bowl from him.",
)


def rate(impl, plan: StoryPlan, repeat: int) -> float:
    impl.resolve(plan)  # warm-up: loads the name dictionary
    start = time.perf_counter()
    for _ in range(repeat):
        impl.resolve(plan)
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
    ours = rate(CorefIdentity(), plan, args.repeat)
    with tempfile.TemporaryDirectory() as store:
        stored = rate(CorefIdentity(store_dir=store), plan, args.repeat)
    ref = rate(StubIdentity(), plan, args.repeat * 10)
    print(f"story: {words * len(narrations) // len(BLOCK)} words, {len(plan.shots)} shots")
    print(f"coref (memory): {ours:.2f} lessons/s")
    print(f"coref (SQLite store): {stored:.2f} lessons/s")
    print(f"stub (empty cast, reference): {ref:.2f} lessons/s")
    print(f"coref / stub: {ours / ref:.2e}")


if __name__ == "__main__":
    main()
