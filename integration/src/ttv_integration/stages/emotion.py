"""StoryPlan -> EmotionTrack: per-shot emotion and motion directives."""

from __future__ import annotations

from ttv_contracts.v1 import EmotionAnalyzer, EmotionTrack

from ..artifacts import ModelArtifact
from .base import Stage


def _run(ex, st) -> None:
    key = ex.key(STAGE, st.plan_ref.key)
    st.track, st.track_ref = ex.produce(
        STAGE, key, lambda: (ex.call(STAGE, st.plan), (st.plan_ref,))
    )


STAGE = Stage(
    name="emotion",
    rank=40,
    slot="emotion",
    method=EmotionAnalyzer.analyze,
    inputs=("plan", "plan_ref"),
    outputs=("track", "track_ref"),
    artifact=ModelArtifact(EmotionTrack),
    run=_run,
)
