"""Lessons per second on a ~10,000-word plan, against the contracts stub in the same run.

python packages/emotion/bench/bench_analyze.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import time

from ttv_contracts.stubs import StubEmotion
from ttv_contracts.v1 import Beat, Shot, StoryPlan
from ttv_emotion import LexiconEmotion

BLOCK = (
    "Ravi was an old potter who lived by the river.",
    "That night a terrible storm broke over the village!",
    "The next day everyone was sad about the broken houses.",
    "Why do storms happen, the children asked?",
    "But Ravi made new pots and they sold them happily.",
)


def rate(impl, plan: StoryPlan, repeat: int) -> float:
    impl.analyze(plan)  # warm-up: loads the lexicons
    start = time.perf_counter()
    for _ in range(repeat):
        impl.analyze(plan)
    return repeat / (time.perf_counter() - start)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    words = sum(len(s.split()) for s in BLOCK)
    narrations = BLOCK * (10_000 // words + 1)
    plan = StoryPlan(
        title="long",
        shots=tuple(
            Shot(index=i, narration=n, beat=Beat.SETUP, target_duration_s=2.0)
            for i, n in enumerate(narrations)
        ),
    )
    ours = rate(LexiconEmotion(), plan, args.repeat)
    ref = rate(StubEmotion(), plan, args.repeat)
    print(f"plan: {words * len(narrations) // len(BLOCK)} words, {len(plan.shots)} shots")
    print(f"lexicon: {ours:.2f} lessons/s")
    print(f"stub (constant calm cue, reference): {ref:.2f} lessons/s")
    print(f"lexicon / stub: {ours / ref:.3f}")


if __name__ == "__main__":
    main()
