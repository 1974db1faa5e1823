from fractions import Fraction

import numpy as np
import pytest
from ttv_contracts.v1 import frames_for_duration, output_frame_count, resample_pairs
from ttv_contracts.v1.timeline import source_position


@pytest.mark.parametrize(
    ("n", "fi", "fo"),
    [
        (n, fi, fo)
        for n in (0, 1, 2, 7, 24, 61)
        for fi, fo in [(12, 24), (8, 24), (24, 30), (30, 24), (24, 24), (60, 1), (1, 60), (25, 24)]
    ],
)
def test_resample_pairs_count_and_positions(n, fi, fo):
    frames = [np.full((2, 2, 3), i, np.uint8) for i in range(n)]
    out = list(resample_pairs(iter(frames), fi, fo))
    assert len(out) == output_frame_count(n, fi, fo)
    for k, (a, b, t) in enumerate(out):
        pos = source_position(k, fi, fo)
        base = int(pos)
        assert int(a[0, 0, 0]) == min(base, n - 1)
        assert t == pytest.approx(float(pos - base))
        if base + 1 < n and t > 0:
            assert int(b[0, 0, 0]) == base + 1


def test_resample_pairs_holds_few_frames():
    alive = []

    def gen():
        for i in range(1000):
            alive.append(i)
            yield np.zeros((1, 1, 3), np.uint8)

    it = resample_pairs(gen(), 12, 24)
    for _ in range(100):
        next(it)
    assert len(alive) <= 52  # output 100 needs input ~50, plus one frame of look-ahead


def test_frames_for_duration():
    assert frames_for_duration(2.5, 12) == 30
    assert frames_for_duration(0.0, 12) == 1
    assert output_frame_count(10, 24, 30) == 12
    assert source_position(3, 24, 30) == Fraction(12, 5)
