"""Error pointers resolve for an installed user: every code of every installed TTV package
reaches a section of the REPAIR.md that package ships (issue 15)."""

from __future__ import annotations

import subprocess
import sys

from ttv_contracts import __version__, version_of
from ttv_contracts.errors import TTVError, catalog, repair_path
from ttv_contracts.repair import anchors, load_codes, section, unresolved
from ttv_contracts.v1 import ModuleInfo


def test_every_installed_code_resolves_to_an_anchor():
    assert load_codes(), "no code registered"
    assert unresolved() == []


def test_contracts_codes_have_sections():
    path = repair_path("TTV-E010")
    assert path is not None and path.name == "REPAIR.md"
    assert "ttv-e010" in anchors(path.read_text(encoding="utf-8"))
    text = section("TTV-E010")
    assert text is not None and text.startswith('<a id="ttv-e010"></a>')
    assert "TTV-E011" not in text  # stops at the next section


def test_message_names_a_command_that_works():
    err = TTVError("TTV-E010", "boom")
    assert "python -m ttv_contracts.repair TTV-E010" in str(err)
    out = subprocess.run(
        [sys.executable, "-m", "ttv_contracts.repair", "TTV-E010"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "## TTV-E010" in out


def test_unknown_code_exits_non_zero():
    assert "TTV-E999" not in catalog()
    res = subprocess.run(
        [sys.executable, "-m", "ttv_contracts.repair", "TTV-E999"], capture_output=True
    )
    assert res.returncode == 1


def test_one_version_source():
    assert __version__ == version_of("ttv-contracts") != "0+unknown"
    info = ModuleInfo(slot="emotion", name="x", package="ttv-contracts")
    assert info.version == __version__
    assert ModuleInfo(slot="emotion", name="x", version="9.9.9").version == "9.9.9"
    assert version_of("ttv-no-such-package") == "0+unknown"
