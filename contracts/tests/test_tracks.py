"""Region tracks (contracts 1.2): the Clip rules, the base classes' carrying, the helpers."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError
from ttv_contracts import stubs
from ttv_contracts.errors import TTVError
from ttv_contracts.testing import sample_tracked_clip
from ttv_contracts.v1 import AudioClip, Clip, ClipExtender, LipSyncer, ModuleInfo, Region
from ttv_contracts.v1.timeline import output_frame_count
from ttv_contracts.v1.tracks import (
    fit_box,
    fit_regions,
    lerp_regions,
    resample_track,
    sample_track,
    scale_regions,
    timeline_track,
    union_regions,
)

FACE = Region(x=10, y=10, w=20, h=20, label="ravi")


def frames(n: int, w: int = 64, h: int = 48) -> np.ndarray:
    return np.zeros((n, h, w, 3), np.uint8)


# ----------------------------------------------------------------------------- the model


def test_empty_tracks_mean_static_regions() -> None:
    clip = Clip(frames=frames(3), fps=12, regions=(FACE,))
    assert not clip.tracked
    assert clip.regions_at(2) == (FACE,)
    assert clip.frame_regions() == ((FACE,),) * 3


def test_one_entry_per_frame() -> None:
    moved = FACE.model_copy(update={"x": 12, "w": 10})
    clip = Clip(frames=frames(2), fps=12, regions=(FACE,), tracks=((FACE,), (moved,)))
    assert clip.regions_at(1) == (moved,) and clip.regions_at(-1) == (moved,)
    with pytest.raises(IndexError):
        clip.regions_at(2)
    with pytest.raises(ValidationError, match="one tuple per frame"):
        Clip(frames=frames(3), fps=12, regions=(FACE,), tracks=((FACE,), (FACE,)))


def test_a_frame_may_lose_a_box() -> None:
    clip = Clip(frames=frames(2), fps=12, regions=(FACE,), tracks=((FACE,), ()))
    assert clip.regions_at(1) == ()


def test_track_boxes_lie_inside_the_frame() -> None:
    big = Region(x=50, y=10, w=20, h=20, label="ravi")
    with pytest.raises(ValidationError, match="outside the 64x48 frame"):
        Clip(frames=frames(1), fps=12, regions=(big,), tracks=((big,),))


def test_labels_are_unique_per_frame_and_named_by_the_regions() -> None:
    with pytest.raises(ValidationError, match="appears twice"):
        Clip(frames=frames(1), fps=12, regions=(FACE,), tracks=((FACE, FACE),))
    mira = FACE.model_copy(update={"label": "mira"})
    with pytest.raises(ValidationError, match="not inside a clip region"):
        Clip(frames=frames(1), fps=12, regions=(FACE,), tracks=((mira,),))
    # unlabelled boxes may repeat; each must sit in an unlabelled region of its kind
    anon = Region(x=0, y=0, w=30, h=30)
    small = (Region(x=1, y=1, w=5, h=5), Region(x=8, y=8, w=5, h=5))
    Clip(frames=frames(1), fps=12, regions=(anon,), tracks=(small,))


def test_track_boxes_lie_inside_their_clip_region() -> None:
    # a reader that ignores tracks still finds the face inside ``regions``
    wider = FACE.model_copy(update={"w": 30})
    with pytest.raises(ValidationError, match="not inside a clip region"):
        Clip(frames=frames(1), fps=12, regions=(FACE,), tracks=((wider,),))


def test_tracks_survive_a_json_round_trip() -> None:
    clip = sample_tracked_clip(5)
    header = clip.model_dump(mode="json", exclude={"frames"})
    assert Clip(frames=clip.frames, **header).tracks == clip.tracks


# ------------------------------------------------------------------- the base classes


class _OldExtender(ClipExtender):
    """Written before 1.2: model_copy with new frames, tracks left as they were."""

    info = ModuleInfo(slot="extender", name="old", version="0")

    def _extend(self, clip: Clip, num_frames: int) -> Clip:
        idx = np.minimum(np.arange(num_frames), clip.num_frames - 1)
        return clip.model_copy(update={"frames": clip.frames[idx]})


class _OldLipSync(LipSyncer):
    """Written before 1.2: builds a new Clip from frames, fps and regions only."""

    info = ModuleInfo(slot="lipsync", name="old", version="0")

    def _sync(self, clip, audio, characters):
        return Clip(frames=clip.frames.copy(), fps=clip.fps, regions=clip.regions)


def test_old_extender_drops_stale_tracks_with_a_note() -> None:
    impl = _OldExtender()
    out = impl.extend(sample_tracked_clip(4), 9)
    assert out.num_frames == 9 and not out.tracked
    assert any("region tracks" in n for n in impl.drain_notes())


def test_old_lipsync_gets_the_tracks_back() -> None:
    clip = sample_tracked_clip(4)
    audio = AudioClip(samples=np.zeros(1600, np.float32), sample_rate=16000)
    out = _OldLipSync().sync(clip, audio)
    assert out.tracks == clip.tracks


def test_out_of_step_tracks_are_invalid_output() -> None:
    class Liar(_OldExtender):
        def _extend(self, clip, num_frames):
            out = super()._extend(clip, num_frames)
            return out.model_copy(update={"tracks": clip.tracks[:1] * (num_frames + 1)})

    with pytest.raises(TTVError) as err:
        Liar().extend(sample_tracked_clip(4), 6)
    assert err.value.code == "TTV-E012"


def test_stubs_carry_tracks() -> None:
    clip = sample_tracked_clip(6)
    out = stubs.StubExtender().extend(clip, 10)
    assert out.tracks[:6] == clip.tracks and out.tracks[6:] == (clip.tracks[-1],) * 4
    a, b = stubs.StubTransitions().blend(clip, clip, stubs.TransitionSpec())
    assert a.tracks == clip.tracks == b.tracks


# ---------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("n", "fps_in", "fps_out"), [(10, 12, 24), (9, 8, 24), (12, 24, 30), (10, 30, 24), (5, 1, 7)]
)
def test_resample_track_has_the_converters_count(n, fps_in, fps_out) -> None:
    track = [(FACE.model_copy(update={"x": i}),) for i in range(n)]
    out = resample_track(track, fps_in, fps_out)
    assert len(out) == output_frame_count(n, fps_in, fps_out)
    for k, (box,) in enumerate(out):
        pos = k * fps_in / fps_out
        # the box covers where the face is at that time (rounded outward)
        assert box.x <= min(pos, n - 1) <= box.x + 1 and box.w in (20, 21)


def test_resample_track_halfway_and_hold() -> None:
    a = (Region(x=0, y=0, w=10, h=10, label="ravi"),)
    b = (Region(x=4, y=2, w=10, h=10, label="ravi"),)
    out = resample_track([a, b], 12, 24)
    assert out[0] == a and out[1] == (Region(x=2, y=1, w=10, h=10, label="ravi"),)
    assert out[3] == b  # past the last input: held
    held = resample_track([a, b], 12, 24, interpolate=False)
    assert held[1] == a


def test_lerp_holds_a_box_that_is_gone_and_matches_by_label() -> None:
    ravi = Region(x=0, y=0, w=10, h=10, label="ravi")
    mira = Region(x=40, y=0, w=10, h=10, label="mira")
    out = lerp_regions((ravi, mira), (mira.model_copy(update={"x": 50}),), 0.5)
    assert out == (ravi, mira.model_copy(update={"x": 45}))


def test_sample_track_at_fractional_positions() -> None:
    track = [(FACE,), (FACE.model_copy(update={"x": 20}),)]
    out = sample_track(track, [0.0, 0.25, 1.0, 7.0])
    assert [r[0].x for r in out] == [0 + 10, 12, 20, 20]


def test_scale_rounds_outward_and_clips() -> None:
    r = Region(x=3, y=3, w=5, h=5, label="a")
    (s,) = scale_regions((r,), 1.5, 1.5)
    assert (s.x, s.y, s.w, s.h) == (4, 4, 8, 8)  # 4.5..12 -> 4..12
    assert scale_regions((r,), 2, 2, width=12, height=12)[0].w == 6  # 6..16 clipped to 12
    assert scale_regions((r,), 1, 1, dx=-20) == ()  # left the frame: dropped
    with pytest.raises(ValueError):
        scale_regions((r,), 0, 1)


def test_fit_regions_follows_the_letterbox() -> None:
    # 64x48 into 160x90: fitted to 120x90 at x = 20
    assert fit_box(64, 48, 160, 90) == (20, 0, 120, 90)
    (s,) = fit_regions((Region(x=0, y=0, w=32, h=24, label="a"),), (64, 48), (160, 90))
    assert (s.x, s.y, s.w, s.h) == (20, 0, 60, 45)
    assert stubs.fit_box is fit_box


def test_mapping_keeps_boxes_inside_their_union() -> None:
    clip = sample_tracked_clip(9)
    up = [scale_regions(f, 2.5, 2.5) for f in clip.tracks]
    union = scale_regions(clip.regions, 2.5, 2.5)
    big = np.zeros((9, 120, 160, 3), np.uint8)
    Clip(frames=big, fps=12, regions=union, tracks=tuple(up))  # validates
    slow = resample_track(clip.tracks, 12, 30)
    Clip(
        frames=np.zeros((len(slow), 48, 64, 3), np.uint8),
        fps=30,
        regions=clip.regions,
        tracks=tuple(slow),
    )


def test_union_and_timeline_track() -> None:
    clip = sample_tracked_clip(5)
    (u,) = union_regions(clip.tracks)
    assert u.x == clip.tracks[0][0].x and u.x + u.w == clip.tracks[-1][0].x + 16
    static = Clip(frames=frames(2), fps=12, regions=(FACE,))
    track = timeline_track([clip, static])
    assert len(track) == 7 and track[5:] == [(FACE,), (FACE,)]
