"""Property test: any text gives valid output or a coded TTVError, never a traceback."""

from __future__ import annotations

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from ttv_contracts.testing.fuzz import plan_of, plan_texts  # noqa: E402


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(plan_texts())
def test_any_plan_resolves(texts):
    from ttv_identity import CorefIdentity

    plan = plan_of(texts)
    cast = CorefIdentity().resolve(plan)
    assert all(0 <= i < len(texts) for c in cast.characters for i in c.shots)
