"""Conformance and hard cases for the camera motion generator."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from ttv_contracts.errors import TTVError
from ttv_contracts.testing import MotionConformance, sample_spec
from ttv_contracts.v1 import CameraMove, Keyframe, MotionDirectives, Region
from ttv_motion import CameraMotion, CameraPath

MOVES = [m for m in CameraMove if m != CameraMove.STATIC]
SHIFTS = {  # moves that translate the image: the expected sign of (dx, dy) of the content
    CameraMove.PAN_RIGHT: (-1, 0),
    CameraMove.PAN_LEFT: (1, 0),
    CameraMove.TILT_UP: (0, 1),
    CameraMove.TILT_DOWN: (0, -1),
}


class TestCameraConformance(MotionConformance):
    implementation_class = CameraMotion


class TestCameraConformanceLinear(MotionConformance):
    implementation_class = CameraMotion
    implementation_params = {"easing": "linear", "interpolation": "linear"}


def texture(w: int, h: int, seed: int = 0) -> np.ndarray:
    """Smooth random texture: phase correlation finds its shifts reliably."""
    rng = np.random.default_rng(seed)
    img = rng.integers(0, 256, size=(h, w, 3), dtype=np.uint8)
    return cv2.GaussianBlur(img, (0, 0), 1.5)


def moving(move, n=12, w=96, h=64, scale=0.8, pace=1.0, fps=12, **kw):
    spec = sample_spec(width=w, height=h, num_frames=n, fps=fps).model_copy(
        update={"directives": MotionDirectives(camera=move, motion_scale=scale, pace=pace)}
    )
    impl = CameraMotion(**kw)
    return impl, spec


@pytest.mark.parametrize("move", MOVES)
@pytest.mark.parametrize("size", [(96, 64), (33, 17), (17, 41), (16, 16)])
def test_every_move_keeps_size_count_and_fps(move, size):
    impl, spec = moving(move, n=9, w=size[0], h=size[1])
    clip = impl.animate(spec, Keyframe(image=texture(*size)))
    assert clip.frames.shape == (9, size[1], size[0], 3)
    assert clip.fps == spec.fps
    assert not np.array_equal(clip.frames[0], clip.frames[-1]), "the camera did not move"


@pytest.mark.parametrize("move", MOVES)
def test_every_move_is_smooth(move):
    """No jumps: each frame is closer to its neighbour than to the frame after it, and
    steps between frames change gradually (eased start and end)."""
    impl, spec = moving(move, n=16)
    frames = impl.animate(spec, Keyframe(image=texture(96, 64))).frames.astype(np.float32)
    d1 = [np.abs(frames[i + 1] - frames[i]).mean() for i in range(len(frames) - 1)]
    d2 = [np.abs(frames[i + 2] - frames[i]).mean() for i in range(len(frames) - 2)]
    assert all(a <= b + 1e-3 for a, b in zip(d1, d2, strict=False))
    assert d1[0] < max(d1) and d1[-1] < max(d1), "eased moves start and end slowly"


@pytest.mark.parametrize("move", list(SHIFTS))
def test_translation_is_bounded_per_frame_and_in_the_right_direction(move):
    n = 13
    impl, spec = moving(move, n=n, w=128, h=96)
    path = impl.path_for(spec)
    frames = impl.animate(spec, Keyframe(image=texture(128, 96))).frames
    gray = [cv2.cvtColor(f, cv2.COLOR_RGB2GRAY).astype(np.float64) for f in frames]
    steps = [cv2.phaseCorrelate(gray[i], gray[i + 1])[0] for i in range(n - 1)]
    bound = path.max_step_px(n)
    sx, sy = SHIFTS[move]
    for dx, dy in steps:
        assert np.hypot(dx, dy) <= bound + 0.5
        assert dx * sx >= -0.25 and dy * sy >= -0.25  # never moves backwards
    total = cv2.phaseCorrelate(gray[0], gray[-1])[0]  # summing small steps is biased
    expected = path.travel * (128 if sx else 96)
    assert abs(abs(total[0] if sx else total[1]) - expected) < 0.1 * expected + 1


def test_sub_pixel_motion_has_no_stair_steps():
    """A pan slower than one pixel per frame still changes every frame (no whole-pixel
    rounding of the window)."""
    impl, spec = moving(CameraMove.PAN_RIGHT, n=40, scale=0.05, easing="linear")
    assert impl.path_for(spec).max_step_px(40) < 1.0
    frames = impl.animate(spec, Keyframe(image=texture(96, 64))).frames
    assert all(not np.array_equal(frames[i], frames[i + 1]) for i in range(39))


@pytest.mark.parametrize("move", MOVES)
def test_camera_window_stays_inside_the_keyframe(move):
    path = CameraPath(move=move, travel=0.25, width=101, height=57)
    for i in range(21):
        for pose in path.poses(path.progress(i, 21)):
            m = pose.inverse_matrix(101, 57)
            corners = np.array([[-0.5, -0.5, 1], [100.5, 56.5, 1]]) @ m.T
            assert corners.min(axis=0)[0] >= -0.5 - 1e-9 and corners.min(axis=0)[1] >= -0.5 - 1e-9
            assert corners[1, 0] <= 100.5 + 1e-9 and corners[1, 1] <= 56.5 + 1e-9
            assert pose.zoom >= 1.0


def test_travel_follows_scale_pace_and_duration_up_to_the_cap():
    impl = CameraMotion(speed=0.1, max_travel=0.25)
    base = moving(CameraMove.PAN_LEFT, n=24, scale=0.5)[1]
    t = impl.path_for(base).travel
    assert t == pytest.approx(0.5 * 1.0 * 0.1 * 2.0)
    faster = base.model_copy(
        update={"directives": MotionDirectives(camera="pan_left", motion_scale=0.5, pace=2.0)}
    )
    assert impl.path_for(faster).travel == pytest.approx(2 * t)
    longer = base.model_copy(update={"num_frames": 240})
    assert impl.path_for(longer).travel == pytest.approx(0.25)
    still = base.model_copy(
        update={"directives": MotionDirectives(camera="pan_left", motion_scale=0.0)}
    )
    assert impl.path_for(still).is_static


def test_static_and_one_frame_shots_are_the_keyframe():
    image = texture(33, 17)
    impl, spec = moving(CameraMove.STATIC, n=5, w=33, h=17)
    clip = impl.animate(spec, Keyframe(image=image))
    assert all(np.array_equal(f, image) for f in clip.frames)
    impl, spec = moving(CameraMove.DOLLY_IN, n=1, w=33, h=17)
    clip = impl.animate(spec, Keyframe(image=image, regions=(Region(x=1, y=1, w=3, h=3),)))
    assert clip.num_frames == 1 and np.array_equal(clip.frames[0], image)
    assert clip.regions == (Region(x=1, y=1, w=3, h=3),)


def _marked_keyframe(w, h, box):
    image = texture(w, h, seed=3) // 3
    x, y, bw, bh = box
    image[y : y + bh, x : x + bw] = (255, 40, 40)
    return Keyframe(image=image, regions=(Region(x=x, y=y, w=bw, h=bh, label="ravi"),))


@pytest.mark.parametrize("move", MOVES)
def test_face_stays_inside_its_carried_region_in_every_frame(move):
    w, h, box = 160, 96, (40, 30, 12, 12)
    impl, spec = moving(move, n=10, w=w, h=h)
    clip = impl.animate(spec, _marked_keyframe(w, h, box))
    (region,) = clip.regions
    assert region.label == "ravi" and region.kind == "face"
    for frame in clip.frames:
        red = (frame[..., 0] > 200) & (frame[..., 1] < 110)
        ys, xs = np.nonzero(red)
        assert xs.size, "the marked face vanished"
        cx, cy = xs.mean(), ys.mean()
        assert region.x <= cx <= region.x + region.w and region.y <= cy <= region.y + region.h


def test_parallax_moves_near_figures_faster_than_the_sky():
    """A figure standing low in the frame (near ground) moves more than twice as far as the
    sky when the far layer moves at 0.3 of the near layer's speed."""
    w, h, box = 160, 96, (70, 66, 10, 10)
    impl, spec = moving(CameraMove.PARALLAX, n=12, w=w, h=h, depth_ratio=0.3)
    clip = impl.animate(spec, _marked_keyframe(w, h, box))
    first, last = clip.frames[0], clip.frames[-1]

    def red_x(frame):
        return np.nonzero((frame[..., 0] > 200) & (frame[..., 1] < 110))[1].mean()

    figure_shift = abs(red_x(last) - red_x(first))
    sky = [cv2.cvtColor(f[:20], cv2.COLOR_RGB2GRAY).astype(np.float64) for f in (first, last)]
    sky_shift = abs(cv2.phaseCorrelate(sky[0], sky[1])[0][0])
    assert figure_shift > 2 * sky_shift > 0


def test_keyframe_of_another_size_is_fitted_with_a_note():
    impl, spec = moving(CameraMove.ZOOM_IN, n=4, w=64, h=36)
    clip = impl.animate(spec, Keyframe(image=texture(100, 100)))
    assert clip.size == (64, 36)
    assert any("scaled to cover" in n for n in impl.drain_notes())


def test_deterministic():
    impl, spec = moving(CameraMove.PARALLAX, n=6)
    kf = _marked_keyframe(96, 64, (30, 20, 8, 8))
    a = impl.animate(spec, kf)
    b = CameraMotion().animate(spec, kf)
    assert np.array_equal(a.frames, b.frames) and a.regions == b.regions


def test_unknown_option_is_config_error():
    with pytest.raises(TTVError) as err:
        CameraMotion(zoom=2)
    assert err.value.code == "TTV-E002"


@pytest.mark.parametrize(
    "opts",
    [
        {"speed": -1},
        {"max_travel": 2},
        {"easing": "bounce"},
        {"interpolation": "nearest"},
        {"depth_ratio": "far"},
    ],
)
def test_bad_option_values(opts):
    with pytest.raises(TTVError) as err:
        CameraMotion(**opts)
    assert err.value.code == "TTV-E210"


@pytest.mark.parametrize("move", [CameraMove.PARALLAX, CameraMove.DOLLY_OUT])
def test_depth_moves_survive_odd_regions(move):
    """Regions at the edge, half outside, tiny, or of another kind do not break the cut-out."""
    regions = (
        Region(x=0, y=0, w=1, h=1, label="corner"),
        Region(x=90, y=60, w=40, h=40, label="half-out"),
        Region(x=500, y=500, w=5, h=5, label="outside"),
        Region(x=20, y=30, w=6, h=3, kind="mouth", label="m"),
    )
    impl, spec = moving(move, n=5)
    clip = impl.animate(spec, Keyframe(image=texture(96, 64), regions=regions))
    assert clip.frames.shape == (5, 64, 96, 3)
    assert "outside" not in {r.label for r in clip.regions}
    for r in clip.regions:
        assert r.x + r.w <= 96 and r.y + r.h <= 64


def test_clip_seconds_makes_a_short_clip_for_the_extender():
    spec = sample_spec(width=96, height=64, num_frames=30, fps=12)
    kf = Keyframe(image=texture(96, 64))
    motion = CameraMotion(clip_seconds=1.0)
    clip = motion.animate(spec, kf)
    assert clip.num_frames == 12 and clip.fps == 12
    assert any("short clip: 12 of 30" in n for n in motion.drain_notes())
    assert CameraMotion().animate(spec, kf).num_frames == 30  # default: the full shot
    with pytest.raises(TTVError):
        CameraMotion(clip_seconds=-1)


# ------------------------------------------------------------------ region tracks (1.2)


@pytest.mark.parametrize("move", list(SHIFTS))
def test_track_moves_by_the_same_pixels_as_the_picture(move):
    """The per-frame face box moves exactly as the picture does: the picture's shift from
    frame 0 measured by phase correlation equals the box's shift within a pixel (the box is
    rounded outward to whole pixels)."""
    w, h, n = 160, 96, 13
    impl, spec = moving(move, n=n, w=w, h=h)
    kf = Keyframe(image=texture(w, h), regions=(Region(x=60, y=30, w=24, h=20, label="ravi"),))
    clip = impl.animate(spec, kf)
    assert len(clip.tracks) == n
    gray = [cv2.cvtColor(f, cv2.COLOR_RGB2GRAY).astype(np.float64) for f in clip.frames]
    (b0,) = clip.tracks[0]
    worst = 0.0
    for i in range(1, n):
        (dx, dy), _ = cv2.phaseCorrelate(gray[0], gray[i])
        (b,) = clip.tracks[i]
        bx = (b.x + b.w / 2) - (b0.x + b0.w / 2)
        by = (b.y + b.h / 2) - (b0.y + b0.h / 2)
        worst = max(worst, abs(bx - dx), abs(by - dy))
    assert worst <= 1.0, f"track and picture differ by up to {worst:.2f} px"
    total = np.hypot(*cv2.phaseCorrelate(gray[0], gray[-1])[0])
    assert total > 5, "the pan should move the picture several pixels"


def _red_box(frame):
    red = (frame[..., 0] > 200) & (frame[..., 1] < 110)
    ys, xs = np.nonzero(red)
    if xs.size < 4:
        return None
    return xs.min(), ys.min(), xs.max() + 1, ys.max() + 1


@pytest.mark.parametrize("move", MOVES)
def test_track_box_hugs_the_face_in_every_frame(move):
    """Each frame's box is where the marked face is, edge for edge (within 1.5 px: the
    warp blurs the edges and the box is rounded outward), for every move, depth moves too."""
    w, h, box = 160, 96, (64, 40, 16, 16)
    impl, spec = moving(move, n=10, w=w, h=h)
    clip = impl.animate(spec, _marked_keyframe(w, h, box))
    assert len(clip.tracks) == 10
    for i, frame in enumerate(clip.frames):
        (r,) = clip.regions_at(i)
        x0, y0, x1, y1 = _red_box(frame)
        edges = (r.x - x0, r.y - y0, r.x + r.w - x1, r.y + r.h - y1)
        assert max(abs(e) for e in edges) <= 1.5, (i, r, (x0, y0, x1, y1))
        union = clip.regions[0]
        assert union.x <= r.x and r.x + r.w <= union.x + union.w


def test_a_box_leaving_the_frame_is_clipped_then_dropped():
    """A face at the edge of the keyframe: while the pan pushes it out, its box is clipped to
    the frame, and frames where nothing of it shows carry no box for it."""
    w, h = 96, 64
    impl, spec = moving(CameraMove.ZOOM_IN, n=12, w=w, h=h, scale=1.0, pace=4.0)
    # a body box: the camera keeps faces in frame (keep_faces), not what else a region marks
    edge = Region(x=0, y=20, w=6, h=10, label="ravi", kind="body")
    clip = impl.animate(spec, Keyframe(image=texture(w, h), regions=(edge,)))
    assert clip.tracks[0] == (edge,)
    present = [bool(t) for t in clip.tracks]
    assert not all(present), "the zoom should push the face out of the frame"
    assert present == sorted(present, reverse=True)  # once gone, it stays gone
    for boxes in clip.tracks:
        for r in boxes:
            assert r.x >= 0 and r.x + r.w <= w


def test_static_shot_has_no_track_and_repeated_labels_fall_back_to_unions():
    impl, spec = moving(CameraMove.STATIC, n=4)
    face = Region(x=10, y=10, w=8, h=8, label="ravi")
    assert (
        CameraMotion().animate(spec, Keyframe(image=texture(96, 64), regions=(face,))).tracks == ()
    )
    impl, spec = moving(CameraMove.PAN_LEFT, n=4)
    twice = (face, face.model_copy(update={"x": 40}))
    clip = impl.animate(spec, Keyframe(image=texture(96, 64), regions=twice))
    assert clip.tracks == () and len(clip.regions) == 2
    assert any("repeat a label" in n for n in impl.drain_notes())


# -- figure cut-outs on a real animatic keyframe ---------------------------------------------


def _kitchen():
    """kettle_race's kitchen keyframe (ttv-keyframe's animatic, 640x360) and its regions:
    three flat figures in front of cabinets, a wall and a window."""
    import json
    from pathlib import Path

    data = Path(__file__).parent / "data"
    image = cv2.cvtColor(cv2.imread(str(data / "kitchen_keyframe.png")), cv2.COLOR_BGR2RGB)
    regions = tuple(
        Region.model_validate(r) for r in json.loads((data / "kitchen_regions.json").read_text())
    )
    return image, regions


def test_figures_are_cut_out_inside_their_bodies_without_the_room():
    """GrabCut from a guessed box took whole cabinets, a wall and a window with the figures,
    and parallax tore them across the opening shot of kettle_race; the face box as sure
    foreground carried its background corners with the head."""
    from ttv_motion.camera import cut_figures

    image, regions = _kitchen()
    figures = cut_figures(image, regions)
    assert len(figures) == 3
    for fig in figures:
        face = regions[fig.region_index]
        body = next(r for r in regions if r.kind == "body" and r.label == face.label)
        inside = np.zeros(fig.mask.shape, bool)
        inside[body.y - 3 : body.y + body.h + 3, body.x - 3 : body.x + body.w + 3] = True
        cut = fig.mask > 0.5
        assert cut[~inside].sum() == 0, face.label
        # the silhouette itself is what is cut: its flat colour covers most of the cut
        colour = image[face.y + face.h // 2, face.x + face.w // 2].astype(int)
        same = np.abs(image.astype(int) - colour).max(axis=2) <= 12
        assert (same & cut).sum() >= 0.9 * cut.sum(), face.label
        assert (same & inside & ~cut).sum() <= 0.02 * (same & inside).sum(), face.label
        # a round head: its box's corners are the room behind it
        assert not cut[face.y + 1, face.x + 1] and not cut[face.y + 1, face.x + face.w - 2]


# -- the far layer behind the figures --------------------------------------------------------


def _figure_on(background: np.ndarray) -> tuple[np.ndarray, tuple[Region, ...]]:
    """A flat red figure (round head, body) standing on ``background``, with its regions."""
    image = background.copy()
    h = image.shape[0]
    cv2.rectangle(image, (70, 48), (94, 92), (220, 30, 30), -1)
    cv2.circle(image, (82, 40), 10, (220, 30, 30), -1)
    regions = (
        Region(x=72, y=30, w=21, h=21, label="ana"),
        Region(x=68, y=28, w=29, h=h - 28, label="ana", kind="body"),
    )
    return image, regions


def test_the_far_layer_is_the_keyframes_own_background_where_it_gives_one():
    """kettle_race's opening dolly smeared window, wall and kettle into the holes beside each
    head (Telea inpainting guesses what is behind a figure). A keyframe that knows its
    background (contracts 1.3) gives the far layer exactly: outside the moving figure every
    frame is the same move over the backdrop alone."""
    w, h = 160, 96
    backdrop = texture(w, h, seed=5)
    image, regions = _figure_on(backdrop)
    impl, spec = moving(CameraMove.PARALLAX, n=10, w=w, h=h, depth_ratio=0.3)
    alone = impl.animate(spec, Keyframe(image=backdrop)).frames

    def stray(kf: Keyframe) -> int:
        """Pixels, over all frames, that differ from the backdrop alone and are not the
        figure (its flat red, with a pixel of edge around it)."""
        frames = impl.animate(spec, kf).frames
        red = (np.abs(frames.astype(int) - (220, 30, 30)).max(axis=3) <= 60).astype(np.uint8)
        near = np.stack([cv2.dilate(m, np.ones((3, 3), np.uint8)) for m in red]) > 0
        differs = np.abs(frames.astype(int) - alone.astype(int)).max(axis=3) > 24
        return int((differs & ~near).sum())

    exact = stray(Keyframe(image=image, regions=regions, background=backdrop))
    guessed = stray(Keyframe(image=image, regions=regions))
    assert exact == 0, (exact, guessed)
    assert guessed > 300, (exact, guessed)  # the inpainted hole: what the fix removes
    assert any("inpainted" in n for n in impl.drain_notes())


def test_upright_things_above_the_keyframes_ground_line_are_not_sheared():
    """kettle_race's kitchen dolly slanted the cupboards' vertical edges: everything below
    45 % of the height moved as floor. A keyframe that gives its ground line (contracts 1.3
    ``ground``: a room's floor at 70 %) keeps what stands above it upright."""
    w, h = 320, 192
    image = np.full((h, w, 3), 200, np.uint8)
    image[:, 30:32] = 0  # a cupboard's edge, top to bottom
    impl, spec = moving(CameraMove.DOLLY_IN, n=48, w=w, h=h, scale=1.0, depth_ratio=0.3)

    def edge_spread(kf: Keyframe) -> float:
        last = impl.animate(spec, kf).frames[-1].astype(float).mean(axis=2)
        rows = range(int(0.47 * h), int(0.68 * h))
        xs = [float(np.argmin(last[y, : w // 2])) for y in rows]  # the dark edge in each row
        return max(xs) - min(xs)

    assert edge_spread(Keyframe(image=image, ground=0.7)) <= 1.0
    assert edge_spread(Keyframe(image=image)) >= 3.0  # the default ground plane shears it


@pytest.mark.parametrize(
    "move",
    [CameraMove.PAN_LEFT, CameraMove.PAN_RIGHT, CameraMove.TILT_UP, CameraMove.ZOOM_IN],
)
def test_a_window_move_keeps_a_face_near_the_edge_whole(move):
    """kettle_race's playground pan cut Lucía's head in half at its start: the travel is cut
    so that the window holds every face, with some air, for the whole move."""
    w, h = 160, 96
    impl, spec = moving(move, n=10, w=w, h=h, scale=1.0, pace=4.0)
    box = (6, 6, 12, 12)  # near the top-left corner: every one of these moves would lose it
    wanted = impl.path_for(spec)
    assert wanted.travel > 0.2
    clip = impl.animate(spec, _marked_keyframe(w, h, box))
    assert any("to keep every face in frame" in n for n in impl.drain_notes())
    moved = False
    first = None
    for frame in clip.frames:
        red = (frame[..., 0] > 200) & (frame[..., 1] < 110)
        ys, xs = np.nonzero(red)
        assert xs.size and xs.min() > 0 and ys.min() > 0, "the face touches the frame's edge"
        first = (xs.mean(), ys.mean()) if first is None else first
        moved = moved or abs(xs.mean() - first[0]) + abs(ys.mean() - first[1]) > 0.5
    assert moved, "the camera should still move, only less far"


def test_faces_in_the_middle_keep_the_full_travel():
    from ttv_motion.camera import keep_faces

    impl, spec = moving(CameraMove.PAN_RIGHT, n=10, w=160, h=96, scale=1.0, pace=4.0)
    path = impl.path_for(spec)
    middle = [Region(x=70, y=40, w=16, h=16, label="a")]
    assert keep_faces(path, middle) == path
    edge = [Region(x=150, y=40, w=8, h=8, label="a")]
    assert keep_faces(path, edge).travel < path.travel
    dolly = path.__class__(**{**path.__dict__, "move": CameraMove.DOLLY_IN})
    assert keep_faces(dolly, edge) == dolly  # figures move as cards: not a window move
