"""``bandit``: contextual Thompson-sampling router with exponential forgetting.

* Context bucket = device | size class | length class (see :func:`bucket_of`).
* Each (slot, candidate, bucket) has a Beta(alpha, beta) posterior over its reward.
* Reward of an outcome, in [0, 1]: 0 on failure or when latency exceeds the time budget;
  otherwise ``1 - latency_weight * latency / budget``, times the quality score when one is
  given. Faster successful candidates earn more, so a recovered fast candidate wins back.
* Forgetting: each recorded outcome first discounts every arm of its (slot, bucket) towards
  the Beta(1, 1) prior by ``decay``; an arm that is not being played drifts back to the prior,
  its posterior widens, and Thompson sampling re-explores it.
* Cold start: while no candidate of a request has history in its bucket, the configured
  order is kept (the user's preference is the best prior there is).
* Determinism: the sampling RNG is seeded from (seed, slot, bucket, number of outcomes in the
  bucket, number of rank calls this instance made for it), so the same history and seed give
  the same ranking.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import Field
from ttv_contracts import version_of
from ttv_contracts.v1 import (
    ImplementationOptions,
    ModuleInfo,
    Needs,
    RouteContext,
    RouteDecision,
    RouteOutcome,
    Router,
    RouteRequest,
)

from .errors import PACKAGE

if TYPE_CHECKING:
    from .store import Store

__version__ = version_of("ttv-router")  # pyproject.toml is the one source

PRESETS = ("draft", "standard", "high")


class BanditOptions(ImplementationOptions):
    """Options of ``bandit``."""

    store_dir: str | Path | None = Field(
        None,
        description="Folder of the SQLite outcome history (the pipeline gives one per "
        "namespace); null learns in memory for this run only.",
    )
    seed: int = Field(0, description="Seed of the Thompson sampling draws.")
    decay: float = Field(
        0.98, ge=0.5, le=1.0, description="Exponential forgetting of past outcomes per event."
    )
    latency_budget_s: float = Field(
        120.0, gt=0, description="Latency budget used when the request carries no time budget."
    )
    latency_weight: float = Field(
        0.3, ge=0.0, le=1.0, description="Weight of latency against success in the reward."
    )
    pin_last: str | tuple[str, ...] | None = Field(
        ("stub",),
        description="Candidates kept at the end of every ranking (the safe fallback).",
    )


def size_class(ctx: RouteContext) -> str:
    px = ctx.width * ctx.height
    if px <= 640 * 360 * 1.5:
        return "sd"
    if px <= 1280 * 720 * 1.5:
        return "hd"
    return "uhd"


def length_class(ctx: RouteContext) -> str:
    if ctx.num_frames <= 48:
        return "short"
    if ctx.num_frames <= 240:
        return "medium"
    return "long"


def bucket_of(ctx: RouteContext) -> str:
    return f"{ctx.device}|{size_class(ctx)}|{length_class(ctx)}"


class BanditRouter(Router):
    """Thompson sampling over Beta posteriors per (slot, candidate, context bucket)."""

    info = ModuleInfo(
        slot="router",
        name="bandit",
        version=__version__,
        package=PACKAGE,
        needs=Needs(store=True),
        consumes="RouteRequest + outcome history (SQLite under store_dir)",
        produces="RouteDecision: ranking by Thompson sampling, quality preset",
        summary=(
            "Contextual Thompson-sampling bandit with exponential forgetting; learns from "
            "success, latency against budget and quality; concurrent-safe SQLite history."
        ),
    )

    Options = BanditOptions

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        opts = self.opts
        self._seed: int = opts.seed
        self._decay: float = opts.decay
        self._budget: float = opts.latency_budget_s
        self._lat_w: float = opts.latency_weight
        pin = opts.pin_last
        self._pin_last = (pin,) if isinstance(pin, str) else tuple(pin or ())
        store_dir = opts.store_dir
        self._store_dir = Path(store_dir) if store_dir else None
        self._store: Store | None = None
        self._calls: dict[tuple[str, str], int] = {}
        if self._store_dir is None:
            self.note("router has no store_dir: learning is kept in memory for this run only")

    @property
    def store(self) -> Store:
        if self._store is None:  # opened on first use: constructing stays cheap
            from .store import Store

            self._store = Store(self._store_dir)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    # ------------------------------------------------------------------ reward

    def reward(self, outcome: RouteOutcome) -> float:
        budget = outcome.context.time_budget_s or self._budget
        if not outcome.success or outcome.latency_s > budget:
            return 0.0
        r = 1.0 - self._lat_w * (outcome.latency_s / budget)
        if outcome.quality is not None:
            r *= outcome.quality
        return float(min(1.0, max(0.0, r)))

    # ------------------------------------------------------------------ rank / record

    def _rng(self, slot: str, bucket: str) -> np.random.Generator:
        key = (slot, bucket)
        call = self._calls.get(key, 0)
        self._calls[key] = call + 1
        n = self.store.count(slot, bucket)
        material = f"{self._seed}\x1f{slot}\x1f{bucket}\x1f{n}\x1f{call}".encode()
        return np.random.default_rng(int.from_bytes(hashlib.sha256(material).digest()[:8], "big"))

    def _rank(self, request: RouteRequest) -> RouteDecision:
        bucket = bucket_of(request.context)
        arms = self.store.arms(request.slot, bucket)
        rng = self._rng(request.slot, bucket)
        # de-duplicate while keeping order (the contract allows repeated names)
        order = list(dict.fromkeys(request.candidates))
        samples: dict[str, float] = {}
        means: dict[str, float] = {}
        for name in order:
            arm = arms.get((name, bucket))
            a, b = (arm.alpha, arm.beta) if arm else (1.0, 1.0)
            samples[name] = float(rng.beta(a, b))
            means[name] = a / (a + b)
        learn = [c for c in order if c not in self._pin_last]
        pinned = [c for c in order if c in self._pin_last]
        if any((c, bucket) in arms for c in learn):
            ranked = sorted(learn, key=lambda c: -samples[c]) + pinned
        else:  # cold start in this bucket: the configured order, until there is evidence
            ranked = learn + pinned
        explored = bool(learn) and ranked[0] != max(
            learn, key=lambda c: (means[c], -order.index(c))
        )
        ranking = tuple(ranked)
        if len(ranking) != len(request.candidates):  # duplicates: keep a permutation
            ranking = tuple(sorted(request.candidates, key=lambda c: ranked.index(c)))
        top = arms.get((ranking[0], bucket))
        return RouteDecision(
            slot=request.slot,
            ranking=ranking,
            preset=self.preset(request.context, top.latency_ewma if top else None),
            scores={c: round(samples[c], 4) for c in order},
            explored=explored,
        )

    def preset(self, ctx: RouteContext, expected_latency_s: float | None = None) -> str:
        """Quality preset from device, memory, work size and time budget (+ history)."""
        work = ctx.width * ctx.height * max(ctx.num_frames, 1)
        if ctx.device == "gpu":
            level = 2 if ctx.memory_gb >= 16 else 1 if ctx.memory_gb >= 6 else 0
        else:
            # CPU: 'high' is never chosen; big jobs start at draft
            level = 1 if work <= 1280 * 720 * 48 else 0
        if ctx.time_budget_s is not None:
            if expected_latency_s is not None:
                if expected_latency_s > 0.8 * ctx.time_budget_s:
                    level -= 1
                elif expected_latency_s < 0.25 * ctx.time_budget_s and ctx.device == "gpu":
                    level += 1
            elif ctx.time_budget_s < 10:
                level -= 1
        return PRESETS[max(0, min(2, level))]

    def _record(self, outcome: RouteOutcome) -> None:
        self.store.record(
            slot=outcome.slot,
            candidate=outcome.candidate,
            bucket=bucket_of(outcome.context),
            success=outcome.success,
            latency_s=outcome.latency_s,
            quality=outcome.quality,
            reward=self.reward(outcome),
            decay=self._decay,
        )
