"""Lesson -> StoryPlan: shots, beats and narration."""

from __future__ import annotations

from ttv_contracts.v1 import NarrativePlanner, StoryPlan

from ..artifacts import ModelArtifact
from ..rundir import digest
from .base import Stage


def _run(ex, st) -> None:
    st.lesson_key = digest("lesson", st.lesson)
    key = ex.key(STAGE, st.lesson_key)
    st.plan, st.plan_ref = ex.produce(STAGE, key, lambda: (ex.call(STAGE, st.lesson), ()))


STAGE = Stage(
    name="narrative",
    rank=10,
    slot="narrative",
    method=NarrativePlanner.plan,
    inputs=("lesson",),
    outputs=("plan", "plan_ref", "lesson_key"),
    artifact=ModelArtifact(StoryPlan),
    run=_run,
)
