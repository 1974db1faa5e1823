"""StoryPlan + Cast -> SceneBook: locations, per-shot settings, continuity."""

from __future__ import annotations

from ttv_contracts.v1 import SceneBook, SceneBuilder

from ..artifacts import ModelArtifact
from .base import Stage


def _run(ex, st) -> None:
    key = ex.key(STAGE, st.plan_ref.key, st.cast_ref.key)
    st.book, st.book_ref = ex.produce(
        STAGE, key, lambda: (ex.call(STAGE, st.plan, st.cast), (st.plan_ref, st.cast_ref))
    )


STAGE = Stage(
    name="scene",
    rank=30,
    slot="scene",
    method=SceneBuilder.build,
    inputs=("plan", "plan_ref", "cast", "cast_ref"),
    outputs=("book", "book_ref"),
    artifact=ModelArtifact(SceneBook),
    run=_run,
)
