"""The router's two calls, used by the executor to order every other slot's candidates and
to report outcomes. Not a stage of the lesson's flow (it defines no ``STAGE``)."""

from __future__ import annotations

from ttv_contracts.v1 import Router

from .base import Stage


def _not_in_flow(ex, st) -> None:  # pragma: no cover - never scheduled
    raise RuntimeError("the route stage is called by the executor, not scheduled")


RANK = Stage(name="route", rank=0, slot="router", method=Router.rank, run=_not_in_flow)
RECORD = Stage(name="route", rank=0, slot="router", method=Router.record, run=_not_in_flow)
