"""ttv-flow on synthetic frames: shapes, a moving square lands half way, cuts stay cuts."""

from __future__ import annotations

import dataclasses

import cv2
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


def _grain(h: int, w: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return cv2.GaussianBlur(rng.integers(0, 256, (h, w), dtype=np.uint8), (0, 0), 1.5)


def test_refinement_takes_the_halo_back_from_a_moving_object() -> None:
    """DIS gives a moving object's motion to a band of background around it; the refinement
    hands that band the background's (here zero) motion back and keeps the object's."""
    h, w = 64, 96
    ga = _grain(h, w, 1)
    gb = ga.copy()
    square = _grain(24, 24, 2)
    ga[20:44, 30:54] = square
    gb[20:44, 36:60] = square  # the square moves 6 px right over a still background
    smeared = np.zeros((h, w, 2), np.float32)
    smeared[16:48, 26:58, 0] = 6.0  # the square's motion, 4 px too far on every side
    refined = BidirectionalFlow()._refine(smeared, ga, gb)
    # above and below the square the background shows in both frames: it gets 0 back
    band = np.concatenate([refined[16:20, 30:54, 0], refined[44:48, 30:54, 0]])
    assert np.mean(np.abs(band) < 0.5) > 0.9
    # the square keeps its motion
    assert np.abs(refined[22:42, 32:52, 0] - 6.0).max() < 0.5
    # far from the square nothing changes
    assert (refined[:10] == 0).all() and (refined[54:] == 0).all()


def test_refinement_leaves_a_right_flow_alone() -> None:
    ga = _grain(40, 60, 3)
    gb = np.roll(ga, 3, axis=1)  # a pan of 3 px
    f = np.zeros((40, 60, 2), np.float32)
    f[..., 0] = 3.0
    assert np.array_equal(BidirectionalFlow()._refine(f, ga, gb), f)
