"""Property test: any text gives valid output or a coded TTVError, never a traceback."""

from __future__ import annotations

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from ttv_contracts.testing.fuzz import fuzz_text  # noqa: E402
from ttv_contracts.v1 import Lesson  # noqa: E402


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(fuzz_text())
def test_any_text_plans(text):
    from ttv_narrative import SentenceNarrative

    if not text.strip():
        return
    plan = SentenceNarrative().plan(Lesson(title="t", text=text))
    assert plan.shots and all(s.narration.strip() for s in plan.shots)
