"""StoryPlan -> Cast: one stable identity per character."""

from __future__ import annotations

from ttv_contracts.v1 import Cast, IdentityResolver

from ..artifacts import ModelArtifact
from .base import Stage


def _run(ex, st) -> None:
    key = ex.key(STAGE, st.plan_ref.key)
    st.cast, st.cast_ref = ex.produce(STAGE, key, lambda: (ex.call(STAGE, st.plan), (st.plan_ref,)))


STAGE = Stage(
    name="identity",
    rank=20,
    slot="identity",
    method=IdentityResolver.resolve,
    inputs=("plan", "plan_ref"),
    outputs=("cast", "cast_ref"),
    artifact=ModelArtifact(Cast),
    run=_run,
)
