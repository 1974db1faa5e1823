"""Hard cases for ClassicTransitions: counts, wipe directions on pixels, fades, easing."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from ttv_contracts.errors import TTVError
from ttv_contracts.v1 import Clip, TransitionKind, TransitionSpec
from ttv_transitions import EASINGS, ClassicTransitions, ease, progress_a, progress_b, split_span

W, H = 40, 30
OLD, NEW = 10, 240


def solid(n: int, value: int, w: int = W, h: int = H) -> Clip:
    return Clip(frames=np.full((n, h, w, 3), value, np.uint8), fps=12)


def blend(kind, d=6, easing="linear", na=8, nb=8, **kw):
    spec = TransitionSpec(kind=kind, duration_frames=d, easing=easing, **kw)
    return ClassicTransitions().blend(solid(na, OLD), solid(nb, NEW), spec)


# ------------------------------------------------------------------ counts and scheme


@pytest.mark.parametrize("kind", list(TransitionKind))
@pytest.mark.parametrize(("na", "nb", "d"), [(1, 1, 1), (3, 9, 20), (9, 2, 7), (5, 5, 0)])
def test_counts_unchanged(kind, na, nb, d):
    a2, b2 = blend(kind, d=d, na=na, nb=nb)
    assert (a2.num_frames, b2.num_frames) == (na, nb)
    assert a2.size == b2.size == (W, H)


def test_frames_outside_the_span_untouched():
    rng = np.random.default_rng(3)
    a = Clip(frames=rng.integers(0, 256, (10, H, W, 3), dtype=np.uint8), fps=12)
    b = Clip(frames=rng.integers(0, 256, (10, H, W, 3), dtype=np.uint8), fps=12)
    a2, b2 = ClassicTransitions().blend(a, b, TransitionSpec(kind="dissolve", duration_frames=5))
    h_a, h_b = split_span(5, 10, 10)
    assert (h_a, h_b) == (3, 2)
    assert np.array_equal(a2.frames[: 10 - h_a], a.frames[: 10 - h_a])
    assert np.array_equal(b2.frames[h_b:], b.frames[h_b:])
    assert not np.array_equal(a2.frames[-1], a.frames[-1])
    assert not np.array_equal(b2.frames[0], b.frames[0])
    # inputs are not mutated
    assert not np.shares_memory(a2.frames, a.frames)


def test_span_clamped_to_clip_lengths():
    assert split_span(50, 1, 2) == (1, 2)
    assert split_span(7, 10, 10) == (4, 3)
    assert split_span(1, 10, 10) == (1, 0)


def test_progress_puts_the_cut_at_one_half():
    assert progress_a(3, 4) == 0.5
    ps = [progress_a(i, 4) for i in range(4)] + [progress_b(j, 3) for j in range(3)]
    assert all(0 < p < 1 for p in ps)
    assert ps == sorted(ps) and len(set(ps)) == len(ps)


def test_cut_is_identity():
    a2, b2 = blend(TransitionKind.CUT, d=6)
    assert (a2.frames == OLD).all() and (b2.frames == NEW).all()


def test_dissolve_moves_monotonically_across_the_cut():
    a2, b2 = blend(TransitionKind.DISSOLVE, d=8, easing="linear")
    means = [f.mean() for f in a2.frames] + [f.mean() for f in b2.frames]
    assert all(x <= y for x, y in itertools.pairwise(means))
    # the last frame of A is half way (linear easing, p = 0.5)
    assert abs(a2.frames[-1].mean() - (OLD + NEW) / 2) <= 1


# ------------------------------------------------------------------ fade


@pytest.mark.parametrize("color", [(0, 0, 0), (255, 255, 255), (200, 30, 90)])
@pytest.mark.parametrize("easing", list(EASINGS))
def test_fade_reaches_the_colour_at_the_cut(color, easing):
    a2, b2 = blend(TransitionKind.FADE, d=8, easing=easing, color=color)
    assert (a2.frames[-1] == np.array(color, np.uint8)).all()
    # before and after the cut the colour is approached and left
    dist = [np.abs(f.astype(int) - color).mean() for f in (*a2.frames[-4:], *b2.frames[:4])]
    assert dist[:4] == sorted(dist[:4], reverse=True)
    assert dist[4:] == sorted(dist[4:])
    assert dist[4] > 0 and dist[-1] < np.abs(NEW - np.array(color)).mean()


def test_fade_through_one_frame_transition():
    a2, b2 = blend(TransitionKind.FADE, d=1, color=(9, 8, 7))
    assert (a2.frames[-1] == np.array([9, 8, 7], np.uint8)).all()
    assert (b2.frames == NEW).all()


# ------------------------------------------------------------------ wipes: directions on pixels


def _new_mask(frame: np.ndarray) -> np.ndarray:
    """True where the pixel shows (mostly) the incoming image."""
    return frame[..., 0] > (OLD + NEW) / 2


def _revealed_columns(frame):
    return _new_mask(frame).all(axis=0)


def _revealed_rows(frame):
    return _new_mask(frame).all(axis=1)


def test_wipe_left_enters_from_the_right_edge_moving_left():
    a2, b2 = blend(TransitionKind.WIPE_LEFT, d=8)
    frames = [*a2.frames[-4:], *b2.frames[:4]]
    firsts = []
    for f in frames:
        cols = _revealed_columns(f)
        assert cols[-1], "the right edge shows B first"
        assert not cols[0], "the left edge still shows A"
        idx = np.flatnonzero(cols)
        assert (np.diff(idx) == 1).all(), "the new region is one contiguous band"
        assert idx[-1] == W - 1
        firsts.append(idx[0])
    assert firsts == sorted(firsts, reverse=True) and firsts[0] > firsts[-1], "edge moves left"
    # A's last frame (p = 0.5, linear) shows B on exactly the right half
    assert np.flatnonzero(_revealed_columns(a2.frames[-1]))[0] == W // 2


def test_wipe_right_enters_from_the_left_edge_moving_right():
    a2, b2 = blend(TransitionKind.WIPE_RIGHT, d=8)
    lasts = []
    for f in [*a2.frames[-4:], *b2.frames[:4]]:
        cols = _revealed_columns(f)
        assert cols[0] and not cols[-1]
        idx = np.flatnonzero(cols)
        assert idx[0] == 0 and (np.diff(idx) == 1).all()
        lasts.append(idx[-1])
    assert lasts == sorted(lasts) and lasts[0] < lasts[-1], "edge moves right"
    assert np.flatnonzero(_revealed_columns(a2.frames[-1]))[-1] == W // 2 - 1


def test_wipe_up_enters_from_the_bottom_edge_moving_up():
    a2, b2 = blend(TransitionKind.WIPE_UP, d=8)
    firsts = []
    for f in [*a2.frames[-4:], *b2.frames[:4]]:
        rows = _revealed_rows(f)
        assert rows[-1] and not rows[0]
        idx = np.flatnonzero(rows)
        assert idx[-1] == H - 1 and (np.diff(idx) == 1).all()
        firsts.append(idx[0])
    assert firsts == sorted(firsts, reverse=True) and firsts[0] > firsts[-1], "edge moves up"
    assert np.flatnonzero(_revealed_rows(a2.frames[-1]))[0] == H // 2


def test_wipe_down_enters_from_the_top_edge_moving_down():
    a2, b2 = blend(TransitionKind.WIPE_DOWN, d=8)
    lasts = []
    for f in [*a2.frames[-4:], *b2.frames[:4]]:
        rows = _revealed_rows(f)
        assert rows[0] and not rows[-1]
        idx = np.flatnonzero(rows)
        assert idx[0] == 0 and (np.diff(idx) == 1).all()
        lasts.append(idx[-1])
    assert lasts == sorted(lasts) and lasts[0] < lasts[-1], "edge moves down"
    assert np.flatnonzero(_revealed_rows(a2.frames[-1]))[-1] == H // 2 - 1


def test_wipe_edge_is_antialiased_not_stepped():
    # 3-frame wipe over 40 columns: p = 1/3 on A's first tail frame -> edge at 40/3 columns
    a2, _ = blend(TransitionKind.WIPE_RIGHT, d=6, easing="linear")
    row = a2.frames[-3][0, :, 0].astype(int)
    edge = W * progress_a(0, 3)  # 6.67 columns
    assert row[int(edge) - 1] == NEW and row[int(edge) + 1] == OLD
    assert OLD < row[int(edge)] < NEW


def test_wipe_on_odd_and_tiny_sizes():
    for w, h in [(1, 1), (3, 7), (33, 17)]:
        a, b = solid(4, OLD, w, h), solid(4, NEW, w, h)
        for kind in (TransitionKind.WIPE_LEFT, TransitionKind.WIPE_UP):
            a2, b2 = ClassicTransitions().blend(a, b, TransitionSpec(kind=kind, duration_frames=4))
            assert a2.frames.shape == a.frames.shape and b2.frames.shape == b.frames.shape


# ------------------------------------------------------------------ easing


@pytest.mark.parametrize("name", list(EASINGS))
def test_easing_monotonic_and_anchored(name):
    ps = np.linspace(0, 1, 201)
    vals = [ease(name, p) for p in ps]
    assert vals[0] == 0.0 and vals[-1] == 1.0
    assert all(x <= y for x, y in itertools.pairwise(vals))
    assert all(0.0 <= v <= 1.0 for v in vals)


def test_easing_shapes():
    assert ease("ease_in", 0.25) < 0.25 < ease("ease_out", 0.25)
    assert ease("ease_in_out", 0.5) == 0.5
    assert ease("ease_in_out", 0.1) < 0.1
    assert ease("linear", 2.0) == 1.0  # clamped


def test_easing_changes_the_dissolve():
    lin, _ = blend(TransitionKind.DISSOLVE, d=8, easing="linear")
    ein, _ = blend(TransitionKind.DISSOLVE, d=8, easing="ease_in")
    assert ein.frames[-4].mean() < lin.frames[-4].mean()


# ------------------------------------------------------------------ pick


def test_pick_same_scene_is_a_cut_or_short_dissolve():
    t = ClassicTransitions()
    assert t.pick(None, False, 12).kind == TransitionKind.CUT
    assert t.pick(TransitionKind.CUT, False, 12).kind == TransitionKind.CUT
    soft = t.pick(TransitionKind.FADE, False, 12)
    assert soft.kind == TransitionKind.DISSOLVE and soft.duration_frames == 3


def test_pick_scene_change_follows_the_hint():
    t = ClassicTransitions(duration_s=0.5, fade_color=[255, 255, 255])
    fade = t.pick(TransitionKind.FADE, True, 12)
    assert fade.kind == TransitionKind.FADE and fade.duration_frames == 12
    assert fade.color == (255, 255, 255)
    wipe = t.pick(TransitionKind.WIPE_UP, True, 24)
    assert wipe.kind == TransitionKind.WIPE_UP and wipe.duration_frames == 12
    assert t.pick(None, True, 12).kind == TransitionKind.DISSOLVE
    assert t.pick(TransitionKind.CUT, True, 12).kind == TransitionKind.CUT


def test_picked_spec_blends():
    t = ClassicTransitions()
    spec = t.pick(TransitionKind.FADE, True, 12)
    a2, _b2 = t.blend(solid(12, OLD), solid(12, NEW), spec)
    assert (a2.frames[-1] == 0).all()


# ------------------------------------------------------------------ options


def test_unknown_option_is_config_error():
    with pytest.raises(TTVError) as info:
        ClassicTransitions(durration=1)
    assert info.value.code == "TTV-E002"


@pytest.mark.parametrize(
    "opts",
    [
        {"duration_s": -1},
        {"duration_s": float("nan")},
        {"fade_color": [1, 2]},
        {"fade_color": [0, 0, 300]},
        {"fade_color": "black"},
    ],
)
def test_bad_option_values(opts):
    with pytest.raises(TTVError) as info:
        ClassicTransitions(**opts)
    assert info.value.code == "TTV-E220"
    assert "REPAIR.md#ttv-e220" in str(info.value)


def test_size_mismatch_is_invalid_input():
    with pytest.raises(TTVError) as info:
        ClassicTransitions().blend(solid(3, 0), solid(3, 0, w=10), TransitionSpec())
    assert info.value.code == "TTV-E013"


# ------------------------------------------------------------------ region tracks (1.2)


@pytest.mark.parametrize("kind", [k for k in TransitionKind if k != TransitionKind.CUT])
def test_every_frame_keeps_its_own_clips_boxes(kind):
    """Blended frames carry the boxes of the clip they belong to (its dominant side)."""
    from ttv_contracts.testing import sample_tracked_clip

    a, b = sample_tracked_clip(10), sample_tracked_clip(7, step=2)
    a2, b2 = ClassicTransitions().blend(a, b, TransitionSpec(kind=kind, duration_frames=6))
    assert a2.tracks == a.tracks and b2.tracks == b.tracks
    assert a2.regions == a.regions and b2.regions == b.regions
