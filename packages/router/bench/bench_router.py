"""Router throughput: rank() and record() per second, bandit vs the stub, in the same run.

    python packages/router/bench/bench_router.py [--candidates 4] [--n 2000]

The stub keeps the configured order and learns nothing, so it is the floor: the ratio says
what contextual Thompson sampling over a SQLite (WAL) history costs per routing decision.
Decisions happen once per stage per shot, so anything above a few hundred per second is
far below the cost of the stages themselves.
"""

from __future__ import annotations

import argparse
import tempfile
import time

from ttv_contracts.stubs import StubRouter
from ttv_contracts.v1 import RouteContext, RouteOutcome, RouteRequest
from ttv_router import BanditRouter


def bench(router, n: int, candidates: tuple[str, ...]) -> tuple[float, float]:
    ctx = RouteContext(width=1280, height=720, num_frames=96, time_budget_s=60)
    req = RouteRequest(slot="motion", candidates=candidates, context=ctx)
    t = time.perf_counter()
    for _ in range(n):
        router.rank(req)
    ranks = n / (time.perf_counter() - t)
    t = time.perf_counter()
    for i in range(n):
        router.record(
            RouteOutcome(
                slot="motion",
                candidate=candidates[i % len(candidates)],
                context=ctx,
                success=i % 5 != 0,
                latency_s=1.0 + (i % 7),
            )
        )
    records = n / (time.perf_counter() - t)
    return ranks, records


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--candidates", type=int, default=4)
    ap.add_argument("--n", type=int, default=2000)
    args = ap.parse_args()
    cands = (*(f"impl{i}" for i in range(args.candidates - 1)), "stub")
    stub = bench(StubRouter(), args.n, cands)
    with tempfile.TemporaryDirectory() as d:
        bandit_router = BanditRouter(store_dir=d, seed=0)
        bandit = bench(bandit_router, args.n, cands)
        bandit_router.close()
    print(f"{'router':>8} {'rank/s':>10} {'record/s':>10}")
    print(f"{'stub':>8} {stub[0]:10.0f} {stub[1]:10.0f}")
    print(f"{'bandit':>8} {bandit[0]:10.0f} {bandit[1]:10.0f}")
    print(
        f"bandit/stub: rank {bandit[0] / stub[0]:.3f}x, record {bandit[1] / stub[1]:.4f}x "
        f"({args.candidates} candidates, {args.n} calls, SQLite WAL on local disk)"
    )


if __name__ == "__main__":
    main()
