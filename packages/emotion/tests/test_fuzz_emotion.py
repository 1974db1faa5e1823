"""Property test: any text gives valid output or a coded TTVError, never a traceback."""

from __future__ import annotations

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from ttv_contracts.testing.fuzz import plan_of, plan_texts  # noqa: E402


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(plan_texts())
def test_any_plan_analyzes(texts):
    from ttv_emotion import LexiconEmotion

    track = LexiconEmotion().analyze(plan_of(texts))
    assert len(track.cues) == len(texts)
