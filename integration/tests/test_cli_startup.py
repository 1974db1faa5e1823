"""The CLI's start-up path: what `ttv --help`, `ttv modules` and `ttv --version` import, and
the static module metadata they show agreeing with every implementation's ``ModuleInfo``.

Asserted on imported modules and metadata, never on wall time (`bench/run.py` times them)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from ttv_contracts.v1 import CLUSTER_NAMES, SLOTS
from ttv_integration import registry
from ttv_integration.cli import app
from typer.testing import CliRunner

PROBE = (
    "import sys\n"
    "sys.argv = ['ttv', *sys.argv[1:]]\n"
    "from ttv_integration.cli import main\n"
    "try:\n"
    "    main()\n"
    "except SystemExit:\n"
    "    pass\n"
    "print('@@' + ','.join(sorted(sys.modules)), file=sys.stderr)\n"
)
#: top-level packages none of these commands may import
HEAVY = {"numpy", "pydantic", "av", "cv2", "torch", "rich", "ray", "scipy"}
#: modules that would show the catalogue was built by importing implementations
EXACT = {"ttv_contracts.v1", "ttv_contracts.stubs", "typer.rich_utils", "ttv_integration.stores"}


def _imported(*args: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    line = [ln for ln in out.stderr.splitlines() if ln.startswith("@@")][-1]
    return set(line[2:].split(","))


def _forbidden(modules: set[str]) -> set[str]:
    top = {m.split(".")[0] for m in modules}
    implementations = {
        t for t in top if t.startswith("ttv_") and t not in {"ttv_integration", "ttv_contracts"}
    }
    return (top & HEAVY) | (modules & EXACT) | implementations


@pytest.mark.parametrize("args", [["--help"], ["modules"], ["modules", "--json"], ["--version"]])
def test_start_up_imports_nothing_heavy(args):
    assert _forbidden(_imported(*args)) == set()


def test_slot_table_copy_matches_the_contract():
    assert list(registry.SLOT_CLUSTERS) == list(SLOTS)
    assert {slot: spec[0] for slot, spec in SLOTS.items()} == registry.SLOT_CLUSTERS
    assert registry.CLUSTER_NAMES == CLUSTER_NAMES


def test_static_metadata_agrees_with_module_info_for_every_implementation():
    """`ttv modules` shows the distribution's version and name; every installed
    implementation's ModuleInfo must declare the same (release the module again if not)."""
    reg = registry.Registry()
    rows = registry.static_catalog()
    assert {(r.slot, r.name) for r in rows} == {
        (slot, name) for slot in SLOTS for name in reg.names(slot)
    }
    disagreements = []
    for row in rows:
        info = reg.get(row.slot, row.name).info
        declared = (info.slot, info.name, info.version, info.package)
        if declared != (row.slot, row.name, row.version, row.package):
            disagreements.append(f"{row.slot}/{row.name}: ModuleInfo {declared}, metadata {row}")
    assert disagreements == []


def test_modules_lists_from_metadata_and_load_checks():
    runner = CliRunner()
    result = runner.invoke(app, ["modules", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    stubs = [r for r in rows if r["name"] == "stub"]
    assert [r["slot"] for r in stubs] == list(SLOTS)
    assert all(r["package"] == "ttv-contracts" for r in stubs)
    loaded = json.loads(runner.invoke(app, ["modules", "--json", "--load"]).output)
    assert all("needs" in r and "agrees" in r for r in loaded)
    text = runner.invoke(app, ["modules", "--wide"]).output
    assert "slot" in text.splitlines()[0] and "summary" in text.splitlines()[0]


def test_version_and_lazy_sub_commands():
    runner = CliRunner()
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.splitlines()[0].startswith("ttv-integration ")
    assert "ttv-contracts " in result.output
    listing = runner.invoke(app, ["--help"]).output
    assert "stores" in listing and "modules" in listing and "--version" in listing
    # the lazily mounted `stores` group is the real one when invoked
    result = runner.invoke(app, ["stores", "--help"])
    assert result.exit_code == 0 and "check" in result.output
