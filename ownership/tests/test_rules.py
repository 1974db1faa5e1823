"""Every ownership rule, on a synthetic workspace where the answer is known, and on the repo."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError
from ttv_ownership import rules
from ttv_ownership.cli import run_check
from ttv_ownership.model import Owners, load
from ttv_ownership.workspace import Workspace

from .conftest import REPO, owners_doc


def _check(root: Path, doc: dict | None = None) -> list[rules.Problem]:
    if doc is not None:
        (root / "ownership" / "owners.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    return rules.check(load(root / "ownership" / "owners.yaml"), Workspace(root))


def _rules(problems) -> set[str]:
    return {p.rule for p in problems}


def test_sound_file_passes(workspace):
    assert _check(workspace) == []


def test_package_without_entry(workspace):
    from .conftest import write_package

    write_package(workspace, "orphan")
    problems = _check(workspace)
    assert [(p.rule, p.subject) for p in problems] == [("package-has-entry", "packages/orphan")]


def test_entry_without_directory(workspace):
    doc = owners_doc()
    doc["modules"]["emotion"]["paths"] = ["packages/emotion/", "packages/gone/"]
    problems = _check(workspace, doc)
    assert _rules(problems) == {"entry-has-path"}
    assert "packages/gone/" in problems[0].detail


def test_three_distinct_roles(workspace):
    doc = owners_doc()
    doc["modules"]["emotion"]["secondary"] = "intelligence-lead"
    assert "three-roles" in _rules(_check(workspace, doc))


def test_backup_from_another_cluster(workspace):
    doc = owners_doc()
    doc["modules"]["emotion"]["backup"] = "intelligence-engineer"
    doc["modules"]["emotion"]["secondary"] = "production-engineer"
    problems = _check(workspace, doc)
    assert ("backup-other-cluster", "emotion") in {(p.rule, p.subject) for p in problems}


def test_no_role_primary_on_more_than_three(workspace):
    doc = owners_doc()
    for name in ("contracts", "docs", "ownership", "ci"):
        doc["modules"][name]["primary"] = "platform-lead"
        doc["modules"][name]["secondary"] = "platform-engineer"
    problems = _check(workspace, doc)
    assert ("primary-load", "platform-lead") in {(p.rule, p.subject) for p in problems}


def test_every_role_backs_up_outside_its_cluster(workspace):
    doc = owners_doc()
    doc["modules"]["ownership"]["backup"] = "motion-lead"  # intelligence-lead backs up nothing now
    problems = _check(workspace, doc)
    assert ("role-backs-up-outside", "intelligence-lead") in {(p.rule, p.subject) for p in problems}


def test_bus_factor_table_and_rule(workspace):
    owners = load(workspace / "ownership" / "owners.yaml")
    rows = {r["role"]: r for r in rules.bus_factor_rows(owners)}
    assert rows["motion-lead"]["primary"] == ["motion"]
    assert rows["motion-lead"]["backup"] == ["contracts"]
    assert all(r["min_owners_left"] == 2 for r in rows.values())
    assert rules.after_loss(owners, "motion-lead")["motion"] == 2
    text = rules.bus_factor_text(owners)
    assert text.splitlines()[0].split()[0] == "role" and "motion-lead" in text


def test_slot_package_must_sit_in_its_slot_cluster(workspace):
    doc = owners_doc()
    doc["modules"]["emotion"]["cluster"] = "B"
    doc["modules"]["emotion"]["primary"] = "motion-lead"
    doc["modules"]["emotion"]["secondary"] = "motion-engineer"
    assert "slot-cluster" in _rules(_check(workspace, doc))


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d["roles"].update({"alice": {"cluster": "A", "team": "@ttv/alice"}}),
        lambda d: d["modules"]["emotion"].update({"primary": "nobody-lead"}),
        lambda d: d["modules"]["emotion"].update({"status": "done"}),
        lambda d: d["modules"]["emotion"].update({"paths": ["/abs/path"]}),
        lambda d: d["roles"]["motion-lead"].update({"team": "motion people"}),
    ],
    ids=["personal-name", "unknown-role", "bad-status", "absolute-path", "bad-team"],
)
def test_schema_rejects(mutate):
    doc = owners_doc()
    mutate(doc)
    with pytest.raises(ValidationError):
        Owners.model_validate(doc)


def test_check_command_exit_codes(workspace, capsys):
    assert run_check(workspace) == 0
    doc = owners_doc()
    doc["modules"]["emotion"]["secondary"] = "intelligence-lead"
    (workspace / "ownership" / "owners.yaml").write_text(yaml.safe_dump(doc))
    assert run_check(workspace) == 1
    out = capsys.readouterr().out
    assert "three-roles" in out and "min left" in out


def test_repository_owners_yaml_is_valid_and_covers_every_package():
    owners = load(REPO / "ownership" / "owners.yaml")
    ws = Workspace(REPO)
    covered = {p.rstrip("/") for m in owners.modules.values() for p in m.paths}
    missing = [d for d in ws.package_dirs() if d not in covered]
    assert missing == []
    assert {r for r in owners.roles} >= {
        "intelligence-lead", "motion-engineer", "production-lead", "platform-engineer"
    }  # fmt: skip
