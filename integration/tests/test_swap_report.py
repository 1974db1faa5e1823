"""The swap report: a group that ran replaces its old cells, others stay."""

from __future__ import annotations

import json

from ttv_integration.swap import merge_report


def test_a_group_that_ran_replaces_its_old_cells(tmp_path):
    path = tmp_path / "swap.json"
    old = [
        {"id": "a=x+b=y", "group": "pairwise", "status": "pass"},
        {"id": "emotion=stub", "group": "emotion", "status": "pass"},
    ]
    path.write_text(json.dumps({"cells": old}))
    data = merge_report(path, [{"id": "a=z+b=y", "group": "pairwise", "status": "fail"}])
    assert {c["id"] for c in data["cells"]} == {"a=z+b=y", "emotion=stub"}
    assert data["summary"] == {"pass": 1, "fail": 1, "skipped": 0}
