"""`new-module` creates a complete package from templates/ in one step, and it passes its kit."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib

import pytest
import typer
from ttv_ownership import rules
from ttv_ownership.cli import app, new_module_app, owners_app
from ttv_ownership.model import load
from ttv_ownership.scaffold import ScaffoldError, scaffold
from ttv_ownership.workspace import Workspace
from typer.testing import CliRunner


def test_scaffold_creates_a_working_package(scaffold_root):
    result = scaffold(scaffold_root, "emotion-bert", "emotion", impl="bert")
    pkg = scaffold_root / "packages" / "emotion-bert"
    names = {p.relative_to(pkg).as_posix() for p in pkg.rglob("*") if p.is_file()}
    assert names == {
        "pyproject.toml", "README.md", "OWNER.md", "MIGRATION.md", "REPAIR.md",
        "TIME-TO-MASTER.md", "CHANGELOG.md", "changelog.d/.gitkeep",
        "src/ttv_emotion_bert/__init__.py", "src/ttv_emotion_bert/py.typed",
        "src/ttv_emotion_bert/impl.py", "src/ttv_emotion_bert/errors.py",
        "tests/test_conformance.py",
    }  # fmt: skip
    for p in pkg.rglob("*"):
        if p.is_file():
            assert "{{" not in p.read_text(), p
    meta = tomllib.loads((pkg / "pyproject.toml").read_text())
    assert meta["project"]["name"] == "ttv-emotion-bert"
    assert meta["project"]["entry-points"]["ttv.emotion"] == {
        "bert": "ttv_emotion_bert:BertEmotion"
    }
    assert "ttv-contracts>=1,<2" in meta["project"]["dependencies"]
    # generated blocks are filled at once
    assert "| primary | `intelligence-" in (pkg / "OWNER.md").read_text()
    assert "| entry points | `ttv.emotion`: `bert`" in (pkg / "TIME-TO-MASTER.md").read_text()
    # owners.yaml gained a valid entry that keeps every rule
    owners = load(scaffold_root / "ownership/owners.yaml")
    entry = owners.modules["emotion-bert"]
    assert entry.cluster == "A" and entry.paths == ["packages/emotion-bert/"]
    assert owners.role_cluster(entry.backup) != "A"
    problems = [
        p for p in rules.check(owners, Workspace(scaffold_root)) if p.rule != "entry-has-path"
    ]
    assert problems == []
    assert "emotion-bert" in result.summary()
    # and the new package's own tests (the emotion conformance kit) pass
    env = dict(os.environ, PYTHONPATH=str(pkg / "src"))
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=pkg, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert " passed" in run.stdout


@pytest.mark.parametrize(
    ("name", "slot", "message"),
    [("Bad_Name", "emotion", "module name"), ("ok-name", "nope", "unknown slot")],
)
def test_scaffold_rejects_bad_input(scaffold_root, name, slot, message):
    with pytest.raises(ScaffoldError, match=message):
        scaffold(scaffold_root, name, slot)


def test_scaffold_refuses_to_overwrite(scaffold_root):
    scaffold(scaffold_root, "voice-piper", "voice")
    before = (scaffold_root / "ownership/owners.yaml").read_text()
    with pytest.raises(ScaffoldError, match="already exists"):
        scaffold(scaffold_root, "voice-piper", "voice")
    assert (scaffold_root / "ownership/owners.yaml").read_text() == before


def test_ttv_cli_mounts_the_sub_apps(scaffold_root, monkeypatch):
    """The integration mounts `ttv.commands` entry points with add_typer: check both work."""
    ttv = typer.Typer()

    @ttv.command()
    def version() -> None:  # a second command, as the real `ttv` has
        typer.echo("x")

    ttv.add_typer(owners_app, name="owners")
    ttv.add_typer(new_module_app, name="new-module")
    monkeypatch.chdir(scaffold_root)
    runner = CliRunner()
    res = runner.invoke(ttv, ["new-module", "router-bandit", "--slot", "router"])
    assert res.exit_code == 0, res.output
    assert (scaffold_root / "packages/router-bandit/src/ttv_router_bandit/impl.py").is_file()
    res = runner.invoke(ttv, ["owners", "packages/router-bandit/src/ttv_router_bandit/impl.py"])
    assert res.exit_code == 0, res.output
    assert "module:     router-bandit" in res.output
    assert "when it breaks, call in order:" in res.output
    res = runner.invoke(
        app, ["who", "packages/router-bandit", "--json", "--root", str(scaffold_root)]
    )
    assert '"module": "router-bandit"' in res.output


def test_out_of_tree_plugin_is_standalone(tmp_path):
    """`new-module --out-of-tree DIR`: no workspace source, no owners.yaml, kit passes."""
    from ttv_ownership.scaffold import scaffold_out_of_tree

    res = CliRunner().invoke(
        app, ["new-module", "emotion-shout", "--slot", "emotion", "--out-of-tree", str(tmp_path)]
    )
    assert res.exit_code == 0, res.output
    pkg = tmp_path / "emotion-shout"
    meta = tomllib.loads((pkg / "pyproject.toml").read_text())
    assert "uv" not in meta.get("tool", {})  # ttv-contracts from an index, not a workspace
    assert meta["project"]["dependencies"] == ["ttv-contracts>=1,<2"]
    assert meta["project"]["entry-points"]["ttv.emotion"] == {
        "shout": "ttv_emotion_shout:ShoutEmotion"
    }
    assert "ttv modules" in (pkg / "README.md").read_text()
    with pytest.raises(ScaffoldError):
        scaffold_out_of_tree(tmp_path, "emotion-shout", "emotion")
    env = dict(os.environ, PYTHONPATH=str(pkg / "src"))
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=pkg, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr


def test_kit_names_follow_the_rule_the_scaffold_uses_without_pytest():
    from ttv_contracts.testing import CONFORMANCE_CLASSES

    for slot, cls in CONFORMANCE_CLASSES.items():
        assert {"lipsync": "LipSync"}.get(slot, slot.capitalize()) + "Conformance" == cls.__name__
