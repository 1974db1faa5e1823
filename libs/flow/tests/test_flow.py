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


def _still_bar(shift: int = 0) -> np.ndarray:
    """A flat wall with a dark vertical bar (a window frame's edge), brightened by ``shift``
    (a dissolve's slow change)."""
    img = np.full((48, 64, 3), 150, np.uint8)
    img[:, 20:26] = 70
    return cv2.add(img, np.full_like(img, shift))


def _forged_pair(a: np.ndarray, b: np.ndarray, f01: np.ndarray, f10: np.ndarray):
    from ttv_flow import PairFlow

    ones = np.ones(a.shape[:2], np.float32)
    ga, gb = (cv2.cvtColor(x, cv2.COLOR_RGB2GRAY) for x in (a, b))
    return PairFlow(f01, f10, ones, ones, True, ga, gb)


def test_fallback_blends_where_a_noisy_flow_drags_a_still_edge() -> None:
    """Kettle race, frame 781: in a dissolve DIS gave the flat wall beside a window frame a
    5 px flow one way and none the other; warped, the frame's edge showed up on the wall as
    a dark smudge that neither input frame has. Where the two warps disagree by more than
    the frames do, the output is the plain blend."""
    a, b = _still_bar(0), _still_bar(10)
    f01 = np.zeros((48, 64, 2), np.float32)
    f01[:, 18:40, 0] = 8.0  # noise: the bar and the wall right of it "move" right...
    f10 = np.zeros_like(f01)  # ...while nothing moves the other way
    pair = _forged_pair(a, b, f01, f10)
    blend = cross_fade(a, b, 0.5).astype(int)
    follow = BidirectionalFlow(fallback=False).synthesize(a, b, 0.5, pair).astype(int)
    guarded = BidirectionalFlow().synthesize(a, b, 0.5, pair).astype(int)
    wall = np.s_[:, 27:34]  # flat wall right of the bar in both frames
    assert np.abs(follow[wall] - blend[wall]).max() > 30  # the ghost of the bar
    assert np.abs(guarded[wall] - blend[wall]).max() <= 2
    assert np.abs(guarded - blend).max() <= 6  # everywhere (the ramp leaves the edge a few levels)


def _moving_card(ground: np.ndarray, card: np.ndarray):
    """A 24 px grey ``card`` moving 8 px right over a still grey ``ground`` (64x96), with its
    true flows: (a, b, the card as RGB, F01, F10)."""
    bg, square = np.dstack([ground] * 3), np.dstack([card] * 3)
    a, b = bg.copy(), bg.copy()
    a[20:44, 30:54] = square
    b[20:44, 38:62] = square
    f01 = np.zeros((*ground.shape, 2), np.float32)
    f01[20:44, 30:54, 0] = 8.0
    f10 = np.zeros_like(f01)
    f10[20:44, 38:62, 0] = -8.0
    return a, b, square, f01, f10


def test_fallback_keeps_a_moving_object_where_both_warps_agree() -> None:
    """A textured square moving 8 px over a textured still background, with its true flows:
    the two warps agree, so the fallback changes nothing of the motion-compensated frame."""
    a, b, square, f01, f10 = _moving_card(_grain(64, 96, 4), _grain(24, 24, 5))
    pair = _forged_pair(a, b, f01, f10)
    follow = BidirectionalFlow(fallback=False).synthesize(a, b, 0.5, pair).astype(int)
    guarded = BidirectionalFlow().synthesize(a, b, 0.5, pair).astype(int)
    inside = np.s_[22:42, 36:54]  # the square at t = 0.5 (x 34..58), away from its edges
    assert np.abs(guarded[inside] - square[2:22, 2:20].astype(int)).mean() < 3
    assert np.abs(guarded - follow).mean() < 1.0


def _doubted_pair(a, b, f01, f10, doubted):
    """A forged pair whose flows are doubted both ways (consistency 0.02) at ``doubted``."""
    from ttv_flow import PairFlow

    vis = np.ones(a.shape[:2], np.float32)
    vis[doubted] = 0.02
    ga, gb = (cv2.cvtColor(x, cv2.COLOR_RGB2GRAY) for x in (a, b))
    return PairFlow(f01, f10, vis, vis.copy(), True, ga, gb)


def test_a_doubted_flow_on_flat_wall_in_a_dissolve_drags_nothing_in() -> None:
    """Kettle race, frame 781 again: after the smudge was gone, a pale outline of the window
    frame and the sky stayed on the wall beside it. The flows there disagreed both ways
    (neither frame sure), and the edge pulled in was too faint (25 grey levels) for the
    warps to disagree by more than the frames do. Where neither side is sure and the two
    frames agree, the output is the plain blend."""
    a = np.full((48, 64, 3), 150, np.uint8)
    a[:, 20:26] = 175  # a pale edge: sky beside the wall
    b = cv2.add(a, np.full_like(a, 4))  # a dissolve's slow change
    f01 = np.zeros((48, 64, 2), np.float32)
    f01[:, 18:44, 0] = 8.0  # noise: the edge and the wall right of it "move" right...
    f10 = np.zeros_like(f01)  # ...while nothing moves the other way
    pair = _doubted_pair(a, b, f01, f10, np.s_[:, 18:48])
    blend = cross_fade(a, b, 0.5).astype(int)
    follow = BidirectionalFlow(fallback=False).synthesize(a, b, 0.5, pair).astype(int)
    guarded = BidirectionalFlow().synthesize(a, b, 0.5, pair).astype(int)
    wall = np.s_[:, 27:40]
    assert np.abs(follow[wall] - blend[wall]).max() >= 8  # the outline of the edge
    assert np.abs(guarded - blend).max() <= 1


def test_a_doubted_flow_keeps_a_moving_object_where_the_frames_differ(monkeypatch) -> None:
    """Neither side sure at a moving object's edges too; there the frames differ, so the
    object keeps its warp: the same frame as without the rule, wherever the square is."""
    # a dark ground, a light card
    a, b, square, f01, f10 = _moving_card(_grain(64, 96, 4) // 2, _grain(24, 24, 5) // 2 + 128)
    doubted = np.zeros((64, 96), bool)
    doubted[16:48, 26:34] = doubted[16:48, 52:66] = True  # its edges: covered, uncovered
    pair = _doubted_pair(a, b, f01, f10, doubted)
    guarded = BidirectionalFlow().synthesize(a, b, 0.5, pair).astype(int)
    monkeypatch.setattr(
        BidirectionalFlow, "_still_where_unsure", lambda self, ft0, ft1, k, *_: (ft0, ft1, k)
    )
    without = BidirectionalFlow().synthesize(a, b, 0.5, pair).astype(int)
    inside = np.s_[22:42, 36:54]  # the square at t = 0.5, away from its edges
    assert np.abs(guarded[inside] - square[2:22, 2:20].astype(int)).mean() < 3
    assert np.array_equal(guarded, without)
