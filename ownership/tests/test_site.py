"""The generated site pages, on the real repository (discovered, never listed by hand)."""

from __future__ import annotations

import json

import pytest
from ttv_contracts.errors import catalog
from ttv_contracts.v1 import CLUSTER_NAMES, SLOTS
from ttv_ownership import site as site_mod
from ttv_ownership.workspace import Workspace

from .conftest import REPO


@pytest.fixture(scope="module")
def built():
    s = site_mod.Site(REPO)
    return s, s.pages()


def test_one_page_per_package_and_nav(built):
    _s, pages = built
    for pkg in Workspace(REPO).packages:
        page = pages[f"modules/{pkg.key}/index.md"]
        assert page.startswith(f"# {pkg.name}\n")
        assert "## Boundary map" in page and "## Owners" in page and "## Measured facts" in page
        assert f"modules/{pkg.key}/index.md" in pages["SUMMARY.md"]
        if pkg.import_name:
            assert f"::: {pkg.import_name}" in page


def test_topology_is_generated_from_slots_and_entry_points(built):
    _s, pages = built
    topo = pages["architecture/topology.md"]
    # an overview and one top-down diagram per cluster: small enough to read at 1280 px
    groups = {
        cid: site_mod.slot_groups([s for s, v in SLOTS.items() if v[0] == cid])
        for cid in CLUSTER_NAMES
    }
    assert groups["C"] == [["voice", "lipsync"], ["upscaler", "watermark"], ["router"]]
    diagrams = 1 + sum(len(g) for g in groups.values())
    assert topo.count("```mermaid") == topo.count("flowchart TB") == diagrams
    for cid, cname in CLUSTER_NAMES.items():
        assert f"## Cluster {cid} · {cname}" in topo
    assert "### voice, lipsync" in topo and "### router" in topo
    for slot in SLOTS:
        assert f'  {slot}["<b>{slot}</b>' in topo
    assert 'narrative -- "StoryPlan" --> identity' in topo
    # a type crossing clusters: an arrow to a rounded stand-in in one, from it in the other
    assert 'extender -- "Clip" --> to_lipsync' in topo
    assert 'from_extender -- "Clip" --> lipsync' in topo
    assert 'cl_B -- "Clip<br/>frame stream" --> cl_C' in topo
    for pkg in Workspace(REPO).packages:
        row = next(ln for ln in topo.splitlines() if ln.startswith(f"| [{pkg.name}]("))
        for ep in pkg.slot_entry_points:
            assert f"`{ep.name}` → {ep.slot}" in row


def test_data_edges_follow_the_nearest_producer():
    edges = site_mod.data_edges()
    assert ("keyframe", "motion", "Keyframe") in edges
    assert ("identity", "scene", "Cast") in edges
    assert ("motion", "lipsync", "Clip") not in edges  # the clip reaching lipsync is extended
    assert site_mod.external_inputs("keyframe") == []  # ShotSpec is composed, not external
    assert site_mod.external_inputs("narrative") == ["Lesson"]
    assert ("emotion", "EmotionTrack → ShotSpec") not in site_mod.downstream("emotion")
    assert ("keyframe", "EmotionTrack → ShotSpec") in site_mod.downstream("emotion")
    assert site_mod.collected_outputs("emotion") == []


def test_swap_report_not_run_then_rendered(tmp_path):
    s = site_mod.Site(REPO)
    s.reports = tmp_path
    assert "**Not run yet.**" in s.swap_report()
    (tmp_path / "swap.json").write_text(
        json.dumps(
            {
                "generated_at": "2026-01-01T00:00:00Z",
                "cells": [  # the shape ttv_integration.swap writes
                    {"id": "emotion=lexicon", "group": "emotion", "use": {"emotion": "lexicon"},
                     "status": "pass", "report_status": "ok",
                     "checks": {"decodes": True, "fps": True}, "duration_s": 3.25},
                    {"id": "narrative=stub", "group": "narrative", "use": {"narrative": "stub"},
                     "status": "fail", "checks": {"decodes": True, "fps": False},
                     "duration_s": 1},
                ],
            }
        )
    )  # fmt: skip
    text = s.swap_report()
    assert "2 cells, 1 fail, 1 pass" in text
    assert "| emotion | emotion = `lexicon` | pass | ok | all 2 pass | 3.2 |" in text
    assert "| narrative | narrative = `stub` | **FAIL** | - | failed: fps | 1.0 |" in text
    assert "None" not in text
    assert text.index("| narrative") < text.index("| emotion")  # pipeline order
    assert "swap run passed 1 of 2 cells" in s.readiness()


def test_repair_catalog_lists_every_registered_code(built):
    _s, pages = built
    text = pages["repair-catalog.md"]
    for code in catalog():
        assert f"`{code}`" in text


def test_schemas_are_published(built):
    _, pages = built
    assert json.loads(pages["schemas/v1/StoryPlan.json"])["$id"].endswith("/v1/StoryPlan.json")
    assert "[StoryPlan.json](v1/StoryPlan.json)" in pages["schemas/index.md"]


def test_readiness_states_each_claim_with_evidence(built):
    _, pages = built
    text = pages["readiness.md"]
    for claim in ("Multi-owner", "Handover-friendly", "Modular", "Resilient", "Future-proof",
                  "Compatible with a film pipeline"):  # fmt: skip
        row = next(ln for ln in text.splitlines() if ln.startswith(f"| **{claim}"))
        assert row.count("|") >= 5 and ("**yes**" in row or "**not yet**" in row)


def test_owner_doc_links_are_rewritten():
    pkg = Workspace(REPO).packages[0]
    text = site_mod.rewrite_links(
        "[o](OWNER.md) [r](REPAIR.md#ttv-e130) [x](src/a.py) [w](https://example.org)", pkg
    )
    assert "[o](owner.md)" in text and "[r](repair.md#ttv-e130)" in text
    assert f"x (`{pkg.rel}/src/a.py`)" in text and "(https://example.org)" in text


def test_test_timing_from_junit(tmp_path):
    s = site_mod.Site(REPO)
    s.reports = tmp_path
    pkg = Workspace(REPO).by_key("ownership")
    assert "no `reports/junit/` record" in s.test_timing(pkg)
    (tmp_path / "junit").mkdir()
    (tmp_path / "junit" / "ttv-ownership.xml").write_text(
        '<?xml version="1.0"?><testsuites><testsuite name="pytest" tests="12" failures="1" '
        'errors="0" skipped="2" time="3.456" timestamp="2026-01-01T00:00:00"/></testsuites>'
    )
    text = s.test_timing(pkg)
    assert "12 test cases (1 failed, 2 skipped) in 3.5 s" in text


def test_module_pages_show_the_dependency_tree_and_its_size(built):
    """Every package page: the dependency tree from uv.lock, each direct dependency a branch,
    and the total installed size."""
    import re

    from ttv_ownership.deptree import normalize

    _s, pages = built
    for pkg in Workspace(REPO).packages:
        page = pages[f"modules/{pkg.key}/index.md"]
        assert "### Dependency tree" in page
        tree = page.split("### Dependency tree", 1)[1].split("\n### ", 1)[0]
        assert re.search(r"In all \*\*\d+ distributions\*\*", tree)
        for dep in pkg.dependencies:
            name = normalize(re.split(r"[<>=!~;\[ ]", dep, maxsplit=1)[0])
            assert f"\n- `{name}` " in tree, (pkg.name, name)
