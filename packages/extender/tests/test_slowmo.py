"""Hard cases for SlowMotionExtender: exact length, ends on the last frame, no loop, holds move."""

from __future__ import annotations

import itertools

import cv2
import numpy as np
import pytest
from ttv_contracts.errors import TTVError
from ttv_contracts.v1 import Clip, Region
from ttv_extender import SlowMotionExtender, hold_zoom, slow_motion_length, source_positions


def texture(h: int, w: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    g = cv2.GaussianBlur(rng.integers(0, 256, (h, w), dtype=np.uint8), (0, 0), 2.0)
    return np.repeat(g[..., None], 3, axis=2)


def pan_clip(n: int, dx: int = 2, h: int = 48, w: int = 64, fps: int = 12) -> Clip:
    big = texture(h, w + dx * n + 4)
    frames = np.stack([big[:, i * dx : i * dx + w] for i in range(n)])
    return Clip(frames=frames, fps=fps)


def mae(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


def best_match(frame: np.ndarray, frames: np.ndarray) -> int:
    return int(np.argmin([mae(frame, f) for f in frames]))


# ------------------------------------------------------------------ the plan


def test_slow_motion_length_applies_the_factor_once():
    assert slow_motion_length(9, 17, 2.0) == 17  # exactly x2: no hold
    assert slow_motion_length(9, 100, 2.0) == 17  # capped at x2, the rest is a hold
    assert slow_motion_length(9, 12, 2.0) == 12  # less than the cap: all slow motion
    assert slow_motion_length(9, 100, 4.0) == 33  # not 1 + 8 * 16 (a squared factor)
    assert slow_motion_length(1, 10, 2.0) == 1
    assert slow_motion_length(10, 4, 2.0) == 4


def test_source_positions_run_first_to_last_and_only_forward():
    pos = source_positions(5, 13)
    assert pos[0] == 0.0 and pos[-1] == 4.0
    assert all(b > a for a, b in itertools.pairwise(pos))


def test_hold_zoom_is_gentle_and_always_moving():
    zs = [hold_zoom(j, 12, 0.03, 0.12) for j in range(1, 12 * 60)]
    assert all(b > a for a, b in itertools.pairwise(zs))
    assert zs[11] == pytest.approx(1.03, abs=0.005)  # about 3 % in the first second
    assert zs[-1] < 1.12
    assert hold_zoom(5, 12, 0.0, 0.12) == 1.0


# ------------------------------------------------------------------ the output


@pytest.mark.parametrize(("n_in", "n_out"), [(2, 3), (5, 9), (8, 13), (9, 17), (4, 97), (1, 30)])
def test_exact_length(n_in, n_out):
    clip = pan_clip(n_in)
    out = SlowMotionExtender().extend(clip, n_out)
    assert out.num_frames == n_out and out.fps == clip.fps and out.size == clip.size


def test_slow_motion_ends_exactly_on_the_last_input_frame():
    clip = pan_clip(9)
    out = SlowMotionExtender().extend(clip, 17)  # x2, no hold
    assert np.array_equal(out.frames[0], clip.frames[0])
    assert np.array_equal(out.frames[-1], clip.frames[-1])
    # every even output is an input frame, in order
    for k in range(0, 17, 2):
        assert np.array_equal(out.frames[k], clip.frames[k // 2])


def test_with_a_hold_the_slow_part_still_reaches_the_last_frame():
    clip = pan_clip(9)
    out = SlowMotionExtender().extend(clip, 40)  # 17 slow-motion frames, 23 held
    assert np.array_equal(out.frames[16], clip.frames[-1])
    # the final frame is the last frame, zoomed a little: centre crops agree
    last, final = clip.frames[-1], out.frames[-1]
    assert mae(final[20:28, 28:36], last[20:28, 28:36]) < 12
    assert best_match(final, clip.frames) == 8


def test_interpolated_frames_are_synthesised_not_duplicated():
    clip = pan_clip(5, dx=4)
    out = SlowMotionExtender().extend(clip, 9)
    big = texture(48, 64 + 4 * 5 + 4)
    for k in (1, 3, 5, 7):
        mid = big[:, 2 * k : 2 * k + 64]  # the true half-way view of the pan
        assert not any(np.array_equal(out.frames[k], f) for f in clip.frames)
        inner = np.s_[:, 6:-6]
        assert mae(out.frames[k][inner], mid[inner]) < 3.0
        assert mae(out.frames[k][inner], mid[inner]) < mae(clip.frames[k // 2][inner], mid[inner])


@pytest.mark.parametrize("n_out", [15, 40])
def test_never_loops(n_out):
    clip = pan_clip(8, dx=3)
    out = SlowMotionExtender().extend(clip, n_out)
    # map every output to its nearest input: the sequence only moves forward
    matches = [best_match(f, clip.frames) for f in out.frames]
    assert matches == sorted(matches)
    assert matches[0] == 0 and matches[-1] == 7


def test_one_frame_clip_holds_with_a_camera_move():
    clip = pan_clip(1)
    out = SlowMotionExtender().extend(clip, 24)
    assert np.array_equal(out.frames[0], clip.frames[0])
    diffs = [mae(a, b) for a, b in zip(out.frames, out.frames[1:], strict=False)]
    assert all(d > 0 for d in diffs), "a hold frame repeats: that is a freeze"
    assert max(diffs) < 3.0, "the move must be gentle"


def test_hold_zoom_zero_is_a_plain_freeze():
    clip = pan_clip(1)
    out = SlowMotionExtender(hold_zoom_per_s=0.0).extend(clip, 5)
    assert all(np.array_equal(f, clip.frames[0]) for f in out.frames)


def test_zoom_centres_on_the_face_region():
    frame = np.zeros((60, 80, 3), np.uint8)
    frame[10:14, 10:14] = 255  # a bright face-sized dot near the top-left
    clip = Clip(frames=frame[None], fps=12, regions=(Region(x=10, y=10, w=4, h=4),))
    out = SlowMotionExtender(hold_zoom_per_s=0.5, max_hold_zoom=0.5).extend(clip, 24)
    ys, xs = np.nonzero(out.frames[-1][..., 0] > 128)
    assert abs(xs.mean() - 11.5) < 1 and abs(ys.mean() - 11.5) < 1  # the face stays put
    assert len(xs) > 16  # and grows


def test_max_slowdown_one_means_no_slow_motion():
    clip = pan_clip(6)
    out = SlowMotionExtender(max_slowdown=1.0).extend(clip, 10)
    assert np.array_equal(out.frames[:6], clip.frames)


def test_shortening_trims_cleanly():
    clip = pan_clip(10)
    ext = SlowMotionExtender()
    out = ext.extend(clip, 4)
    assert np.array_equal(out.frames, clip.frames[:4])
    assert any("trimmed 6" in n for n in ext.drain_notes())


def test_still_clip_uses_no_flow_and_stays_still():
    frames = np.repeat(texture(24, 32)[None], 4, axis=0)
    out = SlowMotionExtender().extend(Clip(frames=frames, fps=12), 7)
    assert all(np.array_equal(f, frames[0]) for f in out.frames)


@pytest.mark.parametrize("size", [(1, 1), (5, 3), (33, 17)])
def test_odd_and_tiny_sizes(size):
    w, h = size
    big = texture(h, w + 20)
    frames = np.stack([big[:, i : i + w] for i in range(4)])
    out = SlowMotionExtender().extend(Clip(frames=frames, fps=12), 15)
    assert out.frames.shape == (15, h, w, 3)


def test_deterministic():
    clip = pan_clip(5)
    a = SlowMotionExtender().extend(clip, 20)
    b = SlowMotionExtender().extend(clip, 20)
    assert np.array_equal(a.frames, b.frames)


def test_does_not_mutate_input():
    clip = pan_clip(5)
    before = clip.frames.copy()
    SlowMotionExtender().extend(clip, 20)
    SlowMotionExtender().extend(clip, 3)
    assert np.array_equal(clip.frames, before)


# ------------------------------------------------------------------ options and errors


def test_unknown_option_is_config_error():
    with pytest.raises(TTVError) as info:
        SlowMotionExtender(loop=True)
    assert info.value.code == "TTV-E002"


@pytest.mark.parametrize(
    "opts",
    [
        {"max_slowdown": 0.5},
        {"max_slowdown": 9},
        {"max_slowdown": "lots"},
        {"hold_zoom_per_s": -0.1},
        {"max_hold_zoom": 2},
        {"preset": "slow"},
        {"max_slowdown": True},
    ],
)
def test_bad_option_values(opts):
    with pytest.raises(TTVError) as info:
        SlowMotionExtender(**opts)
    assert info.value.code == "TTV-E230"
    assert "ttv-extender/REPAIR.md#ttv-e230" in str(info.value)


@pytest.mark.parametrize("target", [0, -3, 2.5])
def test_bad_target_is_invalid_input(target):
    with pytest.raises(TTVError) as info:
        SlowMotionExtender().extend(pan_clip(3), target)
    assert info.value.code == "TTV-E013"


# ------------------------------------------------------------------ region tracks (1.2)


def _red_box(frame: np.ndarray):
    red = (frame[..., 0] > 150) & (frame[..., 1] < 110)
    ys, xs = np.nonzero(red)
    return (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1) if xs.size >= 4 else None


def test_tracks_follow_slow_motion_and_the_zoomed_hold():
    """Slow motion interpolates each box between its source frames; the hold zooms the boxes
    with the picture. In every frame the track box is where the moving square is, within
    1.5 px (interpolated and zoomed edges are soft; boxes round outward)."""
    from ttv_contracts.testing import sample_tracked_clip

    clip = sample_tracked_clip(8, width=96, height=64, step=3)
    ext = SlowMotionExtender(hold_zoom_per_s=0.5, max_hold_zoom=0.5)
    out = ext.extend(clip, 40)
    m = slow_motion_length(8, 40, 2.0)
    assert len(out.tracks) == 40 and m == 15
    assert out.tracks[0] == clip.tracks[0] and out.tracks[m - 1] == clip.tracks[-1]
    assert out.tracks[1][0].x in (2, 3)  # half-way between x = 2 and x = 5, rounded outward
    assert out.tracks[-1][0].w > clip.tracks[-1][0].w + 4  # the hold zoomed the box
    for i, frame in enumerate(out.frames):
        (r,) = out.regions_at(i)
        x0, y0, x1, y1 = _red_box(frame)
        edges = (r.x - x0, r.y - y0, r.x + r.w - x1, r.y + r.h - y1)
        assert max(abs(e) for e in edges) <= 1.5, (i, r, (x0, y0, x1, y1))
    (union,) = out.regions
    assert union.x == 2 and union.x + union.w >= out.tracks[-1][0].x + out.tracks[-1][0].w


def test_static_regions_become_a_track_only_when_the_hold_moves_them():
    face = Region(x=10, y=10, w=8, h=8, label="ravi")
    clip = Clip(frames=pan_clip(4).frames, fps=12, regions=(face,))
    assert SlowMotionExtender().extend(clip, 6).tracks == ()  # slow motion only
    held = SlowMotionExtender().extend(clip, 30)
    assert len(held.tracks) == 30 and held.tracks[0] == (face,)
    assert held.tracks[-1][0].w > 8
    assert SlowMotionExtender(hold_zoom_per_s=0.0).extend(clip, 30).tracks == ()


def test_trim_keeps_the_first_entries_and_a_box_pushed_out_is_dropped():
    from ttv_contracts.testing import sample_tracked_clip

    clip = sample_tracked_clip(8)
    assert SlowMotionExtender().extend(clip, 3).tracks == clip.tracks[:3]
    corner = Region(x=0, y=0, w=3, h=3, label="mira")
    centre = Region(x=60, y=40, w=4, h=4, label="ravi")
    still = Clip(frames=pan_clip(1, w=128, h=96).frames, fps=12, regions=(corner, centre))
    out = SlowMotionExtender(hold_zoom_per_s=0.5, max_hold_zoom=0.5).extend(still, 40)
    labels = [{r.label for r in boxes} for boxes in out.tracks]
    assert labels[0] == {"mira", "ravi"} and labels[-1] == {"ravi"}
