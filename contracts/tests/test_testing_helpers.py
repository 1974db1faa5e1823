"""Shared test helpers in ttv_contracts.testing: importing them pulls in no heavy library
(``ttv-contracts`` depends on none; the packages' own extras bring them)."""

from __future__ import annotations

import json
import subprocess
import sys

from ttv_contracts.testing.fuzz import WORDS, plan_of


def test_helper_modules_import_no_heavy_library():
    code = (
        "import json, sys, ttv_contracts.testing.tiny_sd, ttv_contracts.testing.fuzz; "
        "heavy = {'torch', 'diffusers', 'transformers', 'peft', 'hypothesis'}; "
        "print(json.dumps(sorted(heavy & {m.split('.')[0] for m in sys.modules})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_plan_of_makes_one_shot_per_narration_three_per_scene():
    plan = plan_of(["one.", "two.", "three.", "four."])
    assert [s.narration for s in plan.shots] == ["one.", "two.", "three.", "four."]
    assert [s.scene_index for s in plan.shots] == [0, 0, 0, 1]
    assert [s.index for s in plan.shots] == [0, 1, 2, 3]


def test_fuzz_strategies_draw_text_from_the_word_list():
    import pytest

    pytest.importorskip("hypothesis")
    from hypothesis import given, settings
    from ttv_contracts.testing.fuzz import plan_texts

    seen: list[list[str]] = []

    @settings(max_examples=30, deadline=None, derandomize=True)
    @given(plan_texts(max_shots=3))
    def draw(texts):
        assert 1 <= len(texts) <= 3 and all(t.strip() for t in texts)
        seen.append(texts)

    draw()
    assert seen
    assert any(word in " ".join(t) for t in seen for word in WORDS if len(word) > 3)
