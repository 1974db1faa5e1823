"""The stage graph refuses pipelines that cannot run."""

from __future__ import annotations

import pytest
from ttv_integration.stages import Stage, StageGraphError, order


def _stage(name, rank, inputs=(), outputs=()):
    return Stage(name=name, rank=rank, inputs=inputs, outputs=outputs, run=lambda ex, st: None)


def test_order_follows_data_then_rank():
    a = _stage("a", 50, outputs=("x",))
    b = _stage("b", 10, inputs=("x",), outputs=("y",))
    c = _stage("c", 5, outputs=("z",))
    assert [s.name for s in order([b, a, c])] == ["c", "a", "b"]


@pytest.mark.parametrize(
    ("stages", "why"),
    [
        ([_stage("a", 1, inputs=("nothing",))], "which no stage writes"),
        ([_stage("a", 1, outputs=("x",)), _stage("b", 2, outputs=("x",))], "written by both"),
        (
            [_stage("a", 1, inputs=("y",), outputs=("x",)), _stage("b", 2, ("x",), ("y",))],
            "cycle",
        ),
        ([_stage("a", 1, outputs=("lesson",))], "written by both"),
    ],
)
def test_order_refuses_broken_pipelines(stages, why):
    with pytest.raises(StageGraphError, match=why):
        order(stages)
