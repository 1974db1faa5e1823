"""A small synthetic workspace, so every rule and generator is tested on known input."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]

ROLES = {
    "intelligence-lead": "A",
    "intelligence-engineer": "A",
    "motion-lead": "B",
    "motion-engineer": "B",
    "production-lead": "C",
    "production-engineer": "C",
    "platform-lead": "platform",
    "platform-engineer": "platform",
}


def owners_doc() -> dict:
    return {
        "version": 1,
        "roles": {r: {"cluster": c, "team": f"@ttv/{r}"} for r, c in ROLES.items()},
        "clusters": {
            "A": {"name": "Intelligence", "lead": "intelligence-lead"},
            "B": {"name": "Motion", "lead": "motion-lead"},
            "C": {"name": "Production", "lead": "production-lead"},
            "platform": {"name": "Platform", "lead": "platform-lead"},
        },
        "modules": {
            "contracts": _m(
                "platform", "contracts/", "platform-lead", "platform-engineer", "motion-lead"
            ),
            "emotion": _m(
                "A",
                "packages/emotion/",
                "intelligence-lead",
                "intelligence-engineer",
                "production-engineer",
            ),
            "motion": _m(
                "B", "packages/motion/", "motion-lead", "motion-engineer", "intelligence-engineer"
            ),
            "voice": _m(
                "C",
                "packages/voice/",
                "production-lead",
                "production-engineer",
                "platform-engineer",
            ),
            "docs": _m(
                "platform", "docs/", "platform-engineer", "platform-lead", "motion-engineer"
            ),
            "deep": _m(
                "C",
                "packages/motion/src/ttv_motion/special.py",
                "production-engineer",
                "production-lead",
                "platform-lead",
            ),
            "ownership": _m(
                "platform", "ownership/", "platform-lead", "platform-engineer", "intelligence-lead"
            ),
            "ci": _m(
                "platform",
                "pyproject.toml",
                "platform-engineer",
                "platform-lead",
                "production-lead",
            ),
        },
    }


def _m(cluster, path, p, s, b, status="incubation"):
    return {
        "cluster": cluster,
        "paths": [path],
        "primary": p,
        "secondary": s,
        "backup": b,
        "status": status,
    }


PKG_INIT = '''\
"""Emotion for tests."""

# a comment line, not counted
from .impl import Lexicon

__all__ = ["Lexicon", "analyse"]


def analyse():
    return 1
'''

PKG_ERRORS = """\
from ttv_contracts.errors import register_code

E_BAD = register_code("TTV-E130", "Lexicon file unreadable", "ttv-emotion")
E_OTHER = register_code("TTV-E131", "Another failure", "ttv-emotion")
"""

PKG_TESTS = """\
from ttv_contracts.testing import EmotionConformance


class TestLexicon(EmotionConformance):
    implementation_class = None


def test_one():
    assert True


def test_two():
    assert True
"""

REPAIR = """\
# Repair

<!-- BEGIN GENERATED: codes -->
<!-- END GENERATED: codes -->

<a id="ttv-e130"></a>
## TTV-E130: Lexicon file unreadable

**Symptom** x
"""


def write_package(root: Path, key: str, *, slot: str | None = None, docs: bool = True) -> Path:
    d = root / "packages" / key
    (d / "src" / f"ttv_{key}").mkdir(parents=True)
    (d / "tests").mkdir()
    eps = f'\n[project.entry-points."ttv.{slot}"]\nlexicon = "ttv_{key}:Lexicon"\n' if slot else ""
    (d / "pyproject.toml").write_text(
        textwrap.dedent(
            f"""\
            [project]
            name = "ttv-{key}"
            version = "0.3.0"
            description = "test package {key}"
            dependencies = ["ttv-contracts>=1,<2", "numpy>=1.26"]
            [project.optional-dependencies]
            heavy = ["torch>=2.3"]
            """
        )
        + eps
    )
    (d / "src" / f"ttv_{key}" / "__init__.py").write_text(PKG_INIT)
    (d / "src" / f"ttv_{key}" / "errors.py").write_text(PKG_ERRORS)
    (d / "tests" / "test_it.py").write_text(PKG_TESTS)
    if docs:
        (d / "README.md").write_text(f"# ttv-{key}\n\nSee [the owner page](OWNER.md).\n")
        for name in ("OWNER.md", "TIME-TO-MASTER.md", "MIGRATION.md"):
            (d / name).write_text(
                f"# {name}\n\nhand-written above\n\n<!-- BEGIN GENERATED: facts -->\n"
                "<!-- END GENERATED: facts -->\n\nhand-written below\n"
            )
        (d / "REPAIR.md").write_text(REPAIR)
    return d


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "pyproject.toml").write_text(
        '[tool.uv.workspace]\nmembers = ["contracts", "ownership", "packages/*"]\n'
    )
    for name in ("contracts", "ownership"):
        (root / name).mkdir()
        (root / name / "pyproject.toml").write_text(
            f'[project]\nname = "ttv-{name}"\nversion = "1.0.0"\n'
        )
        for doc in ("README.md", "OWNER.md", "MIGRATION.md", "REPAIR.md", "TIME-TO-MASTER.md"):
            (root / name / doc).write_text(f"# {doc}\n")
    (root / "docs").mkdir()
    write_package(root, "emotion", slot="emotion")
    write_package(root, "motion", slot="motion")
    (root / "packages/motion/src/ttv_motion/special.py").write_text("x = 1\n")
    write_package(root, "voice", slot="voice")
    (root / "ownership" / "owners.yaml").write_text(yaml.safe_dump(owners_doc(), sort_keys=False))
    release_all(root)
    return root


def release_all(root: Path) -> None:
    """Give every package of a test workspace a CHANGELOG whose release matches its source."""
    from ttv_ownership.release import START, record
    from ttv_ownership.workspace import Workspace

    for pkg in Workspace(root).packages:
        (pkg.directory / "CHANGELOG.md").write_text(
            f"# Changelog\n\n{START}\n\n## {pkg.version}\n\n- first release\n"
        )
        record(pkg)


@pytest.fixture
def scaffold_root(tmp_path: Path) -> Path:
    """A workspace with the real templates and owners.yaml (packages absent)."""
    root = tmp_path / "repo"
    root.mkdir()
    (root / "pyproject.toml").write_text('[tool.uv.workspace]\nmembers = ["packages/*"]\n')
    shutil.copytree(REPO / "templates", root / "templates")
    (root / "ownership").mkdir()
    shutil.copy(REPO / "ownership" / "owners.yaml", root / "ownership" / "owners.yaml")
    (root / "packages").mkdir()
    return root
