"""Swaps the handover plan names: each slot goes default -> stub -> every alternative, and the
pipeline still renders a valid video end to end."""

from __future__ import annotations

import pytest
from ttv_integration.registry import Registry
from ttv_integration.swap import cells, run_cell


def _swap_each(slot: str, tmp_path) -> list[dict]:
    registry = Registry()
    names = registry.names(slot)  # the default implementation first, the stub last
    assert "stub" in names
    results = []
    for i, cell in enumerate(cells(registry, slot=slot)):
        result = run_cell(cell, tmp_path / f"{i}", registry)
        if result["status"] == "skipped":
            continue
        assert result["status"] == "pass", result
        results.append(result)
    assert {r["use"][slot] for r in results} >= {"stub"}
    return results


def test_swap_emotion_controller(tmp_path):
    _swap_each("emotion", tmp_path)


def test_swap_identity_memory(tmp_path):
    _swap_each("identity", tmp_path)


def test_swap_interpolator(tmp_path):
    _swap_each("interpolator", tmp_path)


def test_swap_scene_memory(tmp_path):
    _swap_each("scene", tmp_path)


@pytest.mark.parametrize("slot", ["emotion", "identity", "interpolator", "scene"])
def test_matrix_grows_with_registry(slot):
    from ttv_contracts.stubs import STUBS
    from ttv_contracts.v1 import ModuleInfo

    registry = Registry()
    before = len(cells(registry, slot=slot))
    base = STUBS[slot]
    extra = type(
        "Extra", (base,), {"info": ModuleInfo(slot=slot, name="extra-impl", version="0.0.1")}
    )
    registry.register(slot, "extra-impl", extra)
    assert len(cells(registry, slot=slot)) == before + 1
