"""Property test: any text gives valid output or a coded TTVError, never a traceback."""

from __future__ import annotations

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from ttv_contracts.v1 import Beat, Shot, StoryPlan  # noqa: E402

WORDS = st.sampled_from(
    ["Ravi", "Mira", "he", "she", "her", "him", "his", "the", "a", "old", "potter", "girl",
     "river", "market", "at", "dawn", "night", ".", ",", "!", "?", "Dr.", "3.14", "e.g.",
     "«", "»", "。", "was", "called", "named", "'s", "\n\n", "- ", "1.", "not", "afraid",
     "storm", "Its", "captain", '"', "in", "Paris", "🍮", "ü"]
)  # fmt: skip
TEXT = st.one_of(st.lists(WORDS, min_size=1, max_size=60).map(" ".join), st.text(max_size=300))


def plan_of(texts: list[str]) -> StoryPlan:
    shots = tuple(
        Shot(index=i, narration=t, beat=Beat.SETUP, scene_index=i // 3, target_duration_s=1.0)
        for i, t in enumerate(texts)
    )
    return StoryPlan(title="fuzz", shots=shots)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(TEXT.filter(str.strip), min_size=1, max_size=8))
def test_any_plan_analyzes(texts):
    from ttv_emotion import LexiconEmotion

    track = LexiconEmotion().analyze(plan_of(texts))
    assert len(track.cues) == len(texts)
