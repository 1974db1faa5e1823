"""CODEOWNERS is generated, parses with the `codeowners` package, and last match wins."""

from __future__ import annotations

from codeowners import CodeOwners
from ttv_ownership import codeowners_file
from ttv_ownership.cli import app
from ttv_ownership.model import load
from typer.testing import CliRunner

from .conftest import REPO


def test_render_parses_and_resolves_every_module(workspace):
    owners = load(workspace / "ownership" / "owners.yaml")
    text = codeowners_file.render(owners)
    assert text.startswith("# CODEOWNERS: GENERATED from ownership/owners.yaml")
    assert codeowners_file.validate(text, owners) == []
    parsed = CodeOwners(text)
    assert [o for _, o in parsed.of("packages/emotion/src/x.py")] == [
        "@ttv/intelligence-lead", "@ttv/intelligence-engineer", "@ttv/production-engineer"
    ]  # fmt: skip
    assert [o for _, o in parsed.of("README.md")] == [
        "@ttv/platform-lead",
        "@ttv/platform-engineer",
    ]


def test_last_match_wins_so_the_deeper_path_comes_later(workspace):
    owners = load(workspace / "ownership" / "owners.yaml")
    text = codeowners_file.render(owners)
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    assert lines[0].startswith("* ")
    motion = next(i for i, ln in enumerate(lines) if ln.startswith("/packages/motion/ "))
    deep = next(i for i, ln in enumerate(lines) if ln.startswith("/packages/motion/src/"))
    assert deep > motion
    got = [o for _, o in CodeOwners(text).of("packages/motion/src/ttv_motion/special.py")]
    assert got[0] == "@ttv/production-engineer"


def test_validate_catches_wrong_order(workspace):
    owners = load(workspace / "ownership" / "owners.yaml")
    good = codeowners_file.render(owners).splitlines()
    deep = next(ln for ln in good if ln.startswith("/packages/motion/src/"))
    motion = next(ln for ln in good if ln.startswith("/packages/motion/ "))
    bad = [ln for ln in good if ln not in (deep, motion)] + [deep, motion]
    problems = codeowners_file.validate("\n".join(bad), owners)
    assert any("special.py" in p for p in problems)


def test_check_mode_fails_when_stale(workspace):
    runner = CliRunner()
    res = runner.invoke(app, ["codeowners", "--root", str(workspace), "--check"])
    assert res.exit_code == 1 and "stale" in res.output
    assert runner.invoke(app, ["codeowners", "--root", str(workspace), "--write"]).exit_code == 0
    assert runner.invoke(app, ["codeowners", "--root", str(workspace), "--check"]).exit_code == 0
    (workspace / "CODEOWNERS").write_text("* @someone\n")
    assert runner.invoke(app, ["codeowners", "--root", str(workspace), "--check"]).exit_code == 1


def test_who_answers_reviewers_and_escalation(workspace):
    owners = load(workspace / "ownership" / "owners.yaml")
    info = codeowners_file.who(
        owners, codeowners_file.render(owners), "packages/motion/src/ttv_motion/special.py"
    )
    assert info["module"] == "deep"
    assert info["reviewers"][0] == "@ttv/production-engineer"
    assert [r for r, _ in info["escalation"]] == [
        "production-engineer", "production-lead", "platform-lead"
    ]  # fmt: skip
    other = codeowners_file.who(owners, codeowners_file.render(owners), "packages/motion/README.md")
    assert other["module"] == "motion"
    assert [r for r, _ in other["escalation"]][-1] == "platform-lead"


def test_repository_codeowners_is_current():
    owners = load(REPO / "ownership" / "owners.yaml")
    assert (REPO / "CODEOWNERS").read_text() == codeowners_file.render(owners)
