"""ttv-flow on synthetic frames: shapes, a moving square lands half way, cuts stay cuts."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from ttv_flow import PRESETS, BidirectionalFlow, cross_fade


def _square(x: int, h: int = 96, w: int = 128) -> np.ndarray:
    rng = np.random.default_rng(0)
    img = rng.integers(0, 40, (h, w, 3), dtype=np.uint8)  # texture for the flow to hold on
    img[30:60, x : x + 30] = 230
    return img


def test_midpoint_of_a_moving_square_is_between_the_ends() -> None:
    a, b = _square(20), _square(36)
    flow = BidirectionalFlow()
    pair = flow.pair(a, b)
    assert pair.reliable
    mid = flow.synthesize(a, b, 0.5, pair)
    assert mid.shape == a.shape and mid.dtype == np.uint8
    cols = np.where(mid[30:60].mean(axis=(0, 2)) > 150)[0]
    centre = (cols.min() + cols.max()) / 2
    assert 28 + 14 - 4 <= centre <= 28 + 14 + 4  # the square's centre moved 35 -> 51: ~43


def test_an_unreliable_pair_repeats_the_nearer_frame() -> None:
    a, b = _square(20), _square(36)
    flow = BidirectionalFlow()
    pair = flow.pair(a, b)
    pair = dataclasses.replace(pair, reliable=False)  # what a cut gives
    assert np.array_equal(flow.synthesize(a, b, 0.2, pair), a)
    assert np.array_equal(flow.synthesize(a, b, 0.8, pair), b)


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_presets_run_on_tiny_frames(preset: str) -> None:
    a, b = _square(2, 16, 40), _square(6, 16, 40)
    flow = BidirectionalFlow(preset=preset)
    out = flow.synthesize(a, b, 0.5, flow.pair(a, b))
    assert out.shape == a.shape


def test_cross_fade_is_the_plain_blend() -> None:
    a = np.zeros((4, 4, 3), np.uint8)
    b = np.full((4, 4, 3), 200, np.uint8)
    assert int(cross_fade(a, b, 0.25)[0, 0, 0]) == 50
