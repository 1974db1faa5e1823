"""One version source, CHANGELOG per package, news fragments, one-command bump (issue 15)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from ttv_ownership import release
from ttv_ownership.cli import run_check
from ttv_ownership.workspace import Workspace

REPO = Path(__file__).resolve().parents[2]


def _pkg(root: Path, key: str = "emotion"):
    return Workspace(root).by_key(key)


def test_fixture_workspace_is_released(workspace):
    assert release.problems(Workspace(workspace)) == []


def test_source_change_needs_a_fragment(workspace):
    src = workspace / "packages/emotion/src/ttv_emotion/impl.py"
    src.write_text("x = 2\n")
    found = release.problems(Workspace(workspace))
    assert len(found) == 1 and "ttv-emotion" in found[0] and "news fragment" in found[0]
    assert run_check(workspace) == 1
    release.add_fragment(_pkg(workspace), "bugfix", "Fixed x.", issue="7")
    assert (workspace / "packages/emotion/changelog.d/7.bugfix.md").is_file()
    assert release.problems(Workspace(workspace)) == []


def test_dependency_change_counts_as_source_change(workspace):
    pp = workspace / "packages/emotion/pyproject.toml"
    pp.write_text(pp.read_text().replace('"numpy>=1.26"', '"numpy>=2"'))
    assert any("news fragment" in p for p in release.problems(Workspace(workspace)))


def test_version_moved_without_changelog_section(workspace):
    pp = workspace / "packages/emotion/pyproject.toml"
    pp.write_text(pp.read_text().replace('version = "0.3.0"', 'version = "0.4.0"'))
    found = release.problems(Workspace(workspace))
    assert any("says 0.4.0 but the newest CHANGELOG section is 0.3.0" in p for p in found)


def test_literal_versions_are_refused(workspace):
    init = workspace / "packages/emotion/src/ttv_emotion/__init__.py"
    init.write_text(init.read_text() + '\n__version__ = "0.3.0"\n')
    impl = workspace / "packages/emotion/src/ttv_emotion/impl.py"
    impl.write_text('VERSION = "0.3.0"\ninfo = ModuleInfo(slot="emotion", version=VERSION)\n')
    found = [p for p in release.problems(Workspace(workspace)) if "[one-version]" in p]
    assert len(found) == 2, found


@pytest.mark.skipif(shutil.which("git") is None, reason="towncrier reads git")
def test_bump_is_one_command(workspace):
    pkg = _pkg(workspace)
    shutil.copy(REPO / "packages/emotion/pyproject.toml", pkg.directory / "pyproject.toml")
    pp = pkg.directory / "pyproject.toml"
    pp.write_text(pp.read_text().replace('version = "0.2.0"', 'version = "0.3.0"'))
    release.record(_pkg(workspace))
    release.add_fragment(_pkg(workspace), "feature", "Reads sarcasm.", issue="15")
    old, new = release.bump(Workspace(workspace), "ttv-emotion", "minor")
    assert (old, new) == ("0.3.0", "0.4.0")
    assert 'version = "0.4.0"' in pp.read_text()
    text = (pkg.directory / "CHANGELOG.md").read_text()
    assert "## 0.4.0" in text and "Reads sarcasm." in text and "issue 15" in text
    assert text.index("## 0.4.0") < text.index("## 0.3.0")
    assert release.fragments(_pkg(workspace)) == []  # towncrier consumed them
    rel = release.latest_release(_pkg(workspace))
    assert rel.version == "0.4.0" and rel.digest == release.source_digest(_pkg(workspace))
    assert [p for p in release.problems(Workspace(workspace)) if "emotion" in p] == []


def test_next_version():
    assert release.next_version("0.2.3", "patch") == "0.2.4"
    assert release.next_version("0.2.3", "minor") == "0.3.0"
    assert release.next_version("0.2.3", "major") == "1.0.0"
    assert release.next_version("0.2.3", "0.9.0") == "0.9.0"
    with pytest.raises(ValueError):
        release.next_version("0.2.3", "huge")


def test_repository_versions_have_one_source():
    """No package of this repository restates its version in source."""
    ws = Workspace(REPO)
    assert [w for pkg in ws.packages for w in release.literal_versions(pkg)] == []
    for pkg in ws.packages:
        assert release.latest_release(pkg) is not None, pkg.name


def test_site_module_page_shows_install_example_changelog():
    pkg = Workspace(REPO).by_key("emotion")
    text = release.site_section(pkg)
    assert f"`pip install ttv-emotion` — version **{pkg.version}**" in text
    assert "Installed size of the package itself" in text and "`ttv-contracts>=1,<2`" in text
    assert "### Example" in text and "from ttv_emotion import" in text
    assert f"Newest release **{pkg.version}**" in text and "(changelog.md)" in text
