"""Film-pipeline compatibility: real outputs validate against the published v1 schemas.

Used by the readiness page (computed at build time) and by the tests.
"""

from __future__ import annotations

import json

from jsonschema import Draft202012Validator


def stub_chain_outputs() -> dict[str, object]:
    """Real outputs of the contracts' stub chain on a sample lesson, by schema model name."""
    from ttv_contracts.stubs import StubEmotion, StubIdentity, StubNarrative, StubRouter, StubScene
    from ttv_contracts.testing import sample_lessons
    from ttv_contracts.v1 import RouteRequest, RunReport, StageRecord

    lesson = sample_lessons()[1]
    plan = StubNarrative().plan(lesson)
    cast = StubIdentity().resolve(plan)
    book = StubScene().build(plan, cast)
    track = StubEmotion().analyze(plan)
    decision = StubRouter().rank(RouteRequest(slot="emotion", candidates=("lexicon", "stub")))
    report = RunReport(
        run_id="r1",
        lesson_title=lesson.title,
        profile="stub",
        status="ok",
        stages=(
            StageRecord(
                stage="emotion", slot="emotion", implementation="stub", version="1.0.0", status="ok"
            ),
        ),
    )
    return {
        "Lesson": lesson,
        "StoryPlan": plan,
        "Cast": cast,
        "SceneBook": book,
        "EmotionTrack": track,
        "RouteDecision": decision,
        "RunReport": report,
    }


def validate_outputs(published: dict[str, dict]) -> list[str]:
    """Problems found validating each stub-chain output against its published schema."""
    problems = []
    for name, obj in stub_chain_outputs().items():
        schema = published.get(name)
        if schema is None:
            problems.append(f"{name}: no published schema")
            continue
        Draft202012Validator.check_schema(schema)
        data = json.loads(obj.model_dump_json())
        for err in Draft202012Validator(schema).iter_errors(data):
            problems.append(f"{name}: {'/'.join(map(str, err.path)) or '(root)'}: {err.message}")
    return problems
