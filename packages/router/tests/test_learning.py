"""The router learns: simulation with a flaky fast candidate and a slow reliable one."""

from __future__ import annotations

import numpy as np
import pytest
from ttv_contracts.v1 import RouteContext, RouteOutcome, RouteRequest
from ttv_router import BanditRouter, bucket_of

CTX = RouteContext(time_budget_s=10.0)
REQ = RouteRequest(slot="motion", candidates=("flaky", "steady", "stub"), context=CTX)

#: Bounds this test states (and checks): within PHASE_1 runs the router prefers "steady";
#: within RECOVERY runs of "flaky" recovering it has come back to "flaky".
PHASE_1 = 100
RECOVERY = 150


def simulate(router: BanditRouter, runs: int, flaky_fail: float, rng) -> list[str]:
    picks = []
    for _ in range(runs):
        top = router.rank(REQ).ranking[0]
        picks.append(top)
        if top == "flaky":  # fast, fails flaky_fail of the time
            ok, latency = bool(rng.random() >= flaky_fail), 1.0
        else:  # slower, always succeeds
            ok, latency = True, 4.0
        router.record(
            RouteOutcome(slot="motion", candidate=top, context=CTX, success=ok, latency_s=latency)
        )
    return picks


def mean(router: BanditRouter, name: str) -> float:
    arm = router.store.arms("motion", bucket_of(CTX))[(name, bucket_of(CTX))]
    return arm.mean


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_prefers_reliable_then_reexplores_after_recovery(tmp_path, seed) -> None:
    router = BanditRouter(store_dir=str(tmp_path / "s"), seed=seed)
    rng = np.random.default_rng(1000 + seed)
    phase1 = simulate(router, PHASE_1, 0.3, rng)
    late = phase1[PHASE_1 // 2 :]
    assert late.count("steady") / len(late) >= 0.7, "did not prefer the reliable candidate"
    assert mean(router, "steady") > mean(router, "flaky")
    assert "stub" not in phase1  # the stub is pinned last, never picked first
    phase2 = simulate(router, RECOVERY, 0.0, rng)
    tail = phase2[-50:]
    assert tail.count("flaky") / len(tail) >= 0.7, "did not come back to the recovered candidate"
    assert mean(router, "flaky") > mean(router, "steady")


def test_without_forgetting_it_is_slow_to_come_back(tmp_path) -> None:
    """decay=1.0 (no forgetting) keeps stale evidence: the recovered candidate wins back
    clearly less often than with the default decay; this is why forgetting exists."""
    results = {}
    for decay in (1.0, 0.98):
        router = BanditRouter(store_dir=str(tmp_path / str(decay)), seed=3, decay=decay)
        rng = np.random.default_rng(5)
        simulate(router, 300, 0.3, rng)
        tail = simulate(router, RECOVERY, 0.0, rng)[-50:]
        results[decay] = tail.count("flaky") / len(tail)
    assert results[0.98] > results[1.0]


def test_history_persists_across_instances(tmp_path) -> None:
    a = BanditRouter(store_dir=str(tmp_path / "s"), seed=1)
    simulate(a, 40, 0.3, np.random.default_rng(0))
    a.close()
    b = BanditRouter(store_dir=str(tmp_path / "s"), seed=1)
    arms = b.store.arms("motion", bucket_of(CTX))
    assert sum(arm.plays for arm in arms.values()) == 40


def test_deterministic_given_seed(tmp_path) -> None:
    runs = []
    for i in range(2):
        r = BanditRouter(store_dir=str(tmp_path / f"d{i}"), seed=42)
        runs.append(simulate(r, 30, 0.3, np.random.default_rng(9)))
    assert runs[0] == runs[1]
    other = BanditRouter(store_dir=str(tmp_path / "d-other"), seed=43)
    assert simulate(other, 30, 0.3, np.random.default_rng(9)) != runs[0]


def test_context_buckets_are_separate(tmp_path) -> None:
    r = BanditRouter(store_dir=str(tmp_path / "s"), seed=0)
    gpu = RouteContext(device="gpu", memory_gb=24, width=1280, height=720, num_frames=300)
    r.record(RouteOutcome(slot="motion", candidate="a", context=gpu, success=True, latency_s=1))
    assert bucket_of(gpu) == "gpu|hd|long"
    assert r.store.arms("motion", bucket_of(CTX)) == {}
    assert len(r.store.arms("motion", bucket_of(gpu))) == 1


def test_reward_shape(tmp_path) -> None:
    r = BanditRouter(store_dir=str(tmp_path / "s"))

    def out(**kw):
        base = {"slot": "m", "candidate": "a", "context": CTX, "success": True, "latency_s": 2.0}
        return RouteOutcome(**{**base, **kw})

    assert r.reward(out(success=False)) == 0.0
    assert r.reward(out(latency_s=11.0)) == 0.0  # over the 10 s budget
    assert r.reward(out(latency_s=1.0)) > r.reward(out(latency_s=5.0)) > 0
    assert r.reward(out(quality=0.5)) == pytest.approx(r.reward(out()) * 0.5)


@pytest.mark.parametrize(
    ("ctx", "preset"),
    [
        (RouteContext(device="cpu", width=640, height=360, num_frames=24), "standard"),
        (RouteContext(device="cpu", width=1920, height=1080, num_frames=300), "draft"),
        (RouteContext(device="gpu", memory_gb=24, width=1280, height=720, num_frames=96), "high"),
        (RouteContext(device="gpu", memory_gb=8, num_frames=24), "standard"),
        (RouteContext(device="gpu", memory_gb=4, num_frames=24), "draft"),
        (RouteContext(device="cpu", num_frames=24, time_budget_s=5), "draft"),
    ],
)
def test_preset_from_context(tmp_path, ctx, preset) -> None:
    r = BanditRouter(store_dir=str(tmp_path / "s"))
    dec = r.rank(RouteRequest(slot="keyframe", candidates=("a", "stub"), context=ctx))
    assert dec.preset == preset


def test_preset_steps_down_when_history_is_too_slow(tmp_path) -> None:
    r = BanditRouter(store_dir=str(tmp_path / "s"))
    ctx = RouteContext(device="gpu", memory_gb=24, num_frames=24, time_budget_s=10)
    req = RouteRequest(slot="motion", candidates=("only",), context=ctx)
    assert r.rank(req).preset == "high"
    for _ in range(3):
        r.record(
            RouteOutcome(slot="motion", candidate="only", context=ctx, success=True, latency_s=9.5)
        )
    assert r.rank(req).preset == "standard"


def test_cold_start_keeps_configured_order(tmp_path) -> None:
    r = BanditRouter(store_dir=str(tmp_path / "s"), seed=5)
    req = RouteRequest(slot="keyframe", candidates=("sd", "animatic", "stub"))
    for _ in range(5):
        dec = r.rank(req)
        assert dec.ranking == ("sd", "animatic", "stub") and not dec.explored
    r.record(RouteOutcome(slot="keyframe", candidate="sd", success=False, latency_s=1.0))
    seen = {r.rank(req).ranking for _ in range(30)}
    assert ("animatic", "sd", "stub") in seen  # evidence now moves the order
