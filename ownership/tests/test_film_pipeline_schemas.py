"""A film pipeline that consumes the published v1 JSON schemas can validate TTV's outputs.

The schemas are exported to disk exactly as the site publishes them, read back as plain
JSON (as a consumer in another language would) and used to validate real outputs of the
stub chain with `jsonschema` (Draft 2020-12). A wrong field must be rejected.
"""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator
from ttv_contracts.v1.schema import export_schemas
from ttv_ownership.compat import stub_chain_outputs, validate_outputs


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    out = tmp_path_factory.mktemp("schemas")
    export_schemas(out)
    return {p.stem: json.loads(p.read_text()) for p in out.glob("*.json")}


def _outputs():
    return stub_chain_outputs()


def test_every_output_validates_against_its_published_schema(published):
    for name, obj in _outputs().items():
        Draft202012Validator.check_schema(published[name])
        data = json.loads(obj.model_dump_json())
        errors = list(Draft202012Validator(published[name]).iter_errors(data))
        assert errors == [], f"{name}: {errors[0].message if errors else ''}"


def test_validate_outputs_reports_a_schema_that_disagrees(published):
    assert validate_outputs(published) == []
    broken = dict(published)
    broken["Cast"] = {**published["Cast"], "required": ["no_such_field"]}
    problems = validate_outputs(broken)
    assert problems and problems[0].startswith("Cast: ")


def test_schemas_reject_a_broken_document(published):
    plan = json.loads(_outputs()["StoryPlan"].model_dump_json())
    plan["shots"] = "not a list"
    assert list(Draft202012Validator(published["StoryPlan"]).iter_errors(plan))


def test_schemas_are_versioned(published):
    assert all(s["$id"].endswith(f"/schemas/v1/{name}.json") for name, s in published.items())


def test_validate_command(tmp_path):
    from ttv_ownership.cli import app
    from typer.testing import CliRunner

    good = tmp_path / "plan.json"
    good.write_text(_outputs()["StoryPlan"].model_dump_json())
    res = CliRunner().invoke(app, ["validate", "StoryPlan", str(good)])
    assert res.exit_code == 0 and "valid v1 StoryPlan" in res.output
    bad = tmp_path / "bad.json"
    bad.write_text('{"title": "x", "shots": 3}')
    res = CliRunner().invoke(app, ["validate", "StoryPlan", str(bad)])
    assert res.exit_code == 1 and "shots" in res.output
