"""`ttv repair CODE` prints the code's REPAIR.md section from the installed docs (issue 15)."""

from ttv_integration.repair_cmd import app
from typer.testing import CliRunner


def test_repair_prints_the_section():
    res = CliRunner().invoke(app, ["TTV-E001"])
    assert res.exit_code == 0, res.output
    assert '<a id="ttv-e001"></a>' in res.output and "## TTV-E001" in res.output


def test_repair_lists_codes_and_refuses_unknown():
    listing = CliRunner().invoke(app, [])
    assert listing.exit_code == 0 and "TTV-E002" in listing.output
    assert CliRunner().invoke(app, ["TTV-E999"]).exit_code == 1
