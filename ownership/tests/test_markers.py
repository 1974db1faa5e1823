"""The owner-doc generator: facts measured from files, only inside markers, --check works."""

from __future__ import annotations

from ttv_ownership import markers
from ttv_ownership.cli import app
from ttv_ownership.model import load
from ttv_ownership.workspace import Workspace
from typer.testing import CliRunner


def _run(root, write):
    return markers.run(Workspace(root), load(root / "ownership/owners.yaml"), write=write)


def test_measured_facts(workspace):
    pkg = Workspace(workspace).by_key("emotion")
    # __init__: docstring, import, __all__, def, return = 5 (the comment line is not counted)
    assert pkg.source_lines == 5 + 3  # + errors.py (import, two register calls)
    assert pkg.public_api == ["Lexicon", "analyse"]
    assert pkg.test_functions == 2
    assert pkg.kit_classes == ["TestLexicon"]
    assert pkg.registered_codes == {
        "TTV-E130": "Lexicon file unreadable", "TTV-E131": "Another failure"
    }  # fmt: skip
    assert pkg.documented_codes == {"TTV-E130": "Lexicon file unreadable"}
    assert [ep.slot for ep in pkg.slot_entry_points] == ["emotion"]


def test_generate_fills_blocks_and_keeps_hand_text(workspace):
    changed, _ = _run(workspace, write=True)
    assert len(changed) == 3 * 4  # three packages, four docs each
    d = workspace / "packages/emotion"
    owner = (d / "OWNER.md").read_text()
    assert owner.startswith("# OWNER.md\n\nhand-written above\n")
    assert owner.rstrip().endswith("hand-written below")
    assert "| primary | `intelligence-lead` | `@ttv/intelligence-lead` | A |" in owner
    assert "1. `intelligence-lead`" in owner
    ttm = (d / "TIME-TO-MASTER.md").read_text()
    assert "| source lines (`src/`) | 8 in 2 files |" in ttm
    assert "| public API (`__all__`) | 2 names: `Lexicon`, `analyse` |" in ttm
    assert "| test functions (ast) | 2 own + 0 inherited from the conformance kit |" in ttm
    assert "`heavy`: `torch>=2.3`" in ttm
    repair = (d / "REPAIR.md").read_text()
    assert "| [TTV-E130](#ttv-e130) | Lexicon file unreadable | `ttv-emotion` |" in repair
    assert "Registered here but without a section: TTV-E131" in repair
    mig = (d / "MIGRATION.md").read_text()
    assert "uv pip install -p .venv-emotion -e contracts -e packages/emotion pytest" in mig
    # idempotent
    assert _run(workspace, write=True)[0] == []


def test_check_lists_stale_files_and_exits_nonzero(workspace):
    runner = CliRunner()
    res = runner.invoke(app, ["docs", "--root", str(workspace), "--check"])
    assert res.exit_code == 1
    assert "packages/voice/OWNER.md" in res.output
    assert runner.invoke(app, ["docs", "--root", str(workspace)]).exit_code == 0
    assert runner.invoke(app, ["docs", "--root", str(workspace), "--check"]).exit_code == 0
    # a hand edit inside a block makes it stale again; outside a block it does not
    p = workspace / "packages/voice/TIME-TO-MASTER.md"
    p.write_text(p.read_text().replace("hand-written below", "edited by hand below"))
    assert runner.invoke(app, ["docs", "--root", str(workspace), "--check"]).exit_code == 0
    p.write_text(
        p.read_text().replace(
            "| test functions (ast) | 2 own + 0 inherited from the conformance kit |",
            "| test functions (ast) | 99 own + 0 inherited from the conformance kit |",
        )
    )
    res = runner.invoke(app, ["docs", "--root", str(workspace), "--check"])
    assert res.exit_code == 1 and "packages/voice/TIME-TO-MASTER.md" in res.output


def test_unknown_block_is_left_alone_with_a_warning(workspace):
    p = workspace / "packages/emotion/OWNER.md"
    p.write_text(
        p.read_text() + "<!-- BEGIN GENERATED: mystery -->\nkeep\n<!-- END GENERATED: mystery -->\n"
    )
    _, warnings = _run(workspace, write=True)
    assert any("mystery" in w for w in warnings)
    assert "keep" in p.read_text()


def test_new_package_is_picked_up_without_edits(workspace):
    from .conftest import write_package

    write_package(workspace, "lipsync", slot="lipsync")
    changed, _ = _run(workspace, write=True)
    assert any("packages/lipsync" in str(p) for p in changed)
    owner = (workspace / "packages/lipsync/OWNER.md").read_text()
    assert "has no entry in `ownership/owners.yaml`" in owner


def test_check_fails_on_a_missing_owner_doc(workspace):
    runner = CliRunner()
    assert runner.invoke(app, ["docs", "--root", str(workspace)]).exit_code == 0
    (workspace / "packages/voice/REPAIR.md").unlink()
    res = runner.invoke(app, ["docs", "--root", str(workspace), "--check"])
    assert res.exit_code == 1 and "packages/voice/REPAIR.md" in res.output


def test_kit_test_counts_match_the_kit_classes():
    from ttv_contracts.testing import CONFORMANCE_CLASSES
    from ttv_ownership.workspace import kit_test_counts

    from .conftest import REPO

    counts = kit_test_counts(REPO / "contracts/src/ttv_contracts/testing/kit.py")
    for cls in CONFORMANCE_CLASSES.values():
        runtime = [n for n in dir(cls) if n.startswith("test") and callable(getattr(cls, n))]
        assert counts[cls.__name__] == len(runtime), cls.__name__
