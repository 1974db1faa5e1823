"""Lessons per second on a ~10,000-word lesson, against the contracts stub in the same run.

python packages/narrative/bench/bench_plan.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import time

from ttv_contracts.stubs import StubNarrative
from ttv_contracts.v1 import Lesson
from ttv_narrative import SentenceNarrative

PARAGRAPH = (
    "Dr. Rao measured 3.14 m of copper wire on Monday, e.g. for the coil. "
    'She said, "Wind it tightly!" The magnet pulls iron filings toward its poles. '
    "For example, a compass needle turns until it points north.\n\n"
)


def rate(planner, lesson: Lesson, repeat: int) -> float:
    planner.plan(lesson)  # warm-up (segmenter construction)
    start = time.perf_counter()
    for _ in range(repeat):
        planner.plan(lesson)
    return repeat / (time.perf_counter() - start)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    text = PARAGRAPH * (10_000 // len(PARAGRAPH.split()) + 1)
    lesson = Lesson(title="long", text=text)
    ours = rate(SentenceNarrative(), lesson, args.repeat)
    ref = rate(StubNarrative(), lesson, args.repeat * 10)
    print(f"lesson: {len(text.split())} words")
    print(f"segmenter: {ours:.2f} lessons/s")
    print(f"stub (regex split, reference): {ref:.2f} lessons/s")
    print(f"segmenter / stub: {ours / ref:.3f}")


if __name__ == "__main__":
    main()
