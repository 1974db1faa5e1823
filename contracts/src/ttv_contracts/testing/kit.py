"""Standard conformance tests per slot (see package docstring for use)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

from ..errors import TTVError
from ..v1.models import (
    AudioClip,
    CameraMove,
    Cast,
    CharacterRef,
    Clip,
    EmotionTrack,
    Keyframe,
    MotionDirectives,
    PhonemeTiming,
    ProvenanceManifest,
    Region,
    RouteContext,
    RouteDecision,
    RouteOutcome,
    RouteRequest,
    SceneBook,
    StoryPlan,
    TransitionKind,
    TransitionSpec,
    VoiceSpec,
    WatermarkDetection,
    WatermarkPayload,
    WordTiming,
)
from ..v1.options import declares_options
from ..v1.slots import TIMING_TOLERANCE_S, SlotImplementation
from ..v1.timeline import output_frame_count
from .samples import (
    sample_clip,
    sample_frames,
    sample_lessons,
    sample_plan,
    sample_spec,
    sample_tracked_clip,
)


class ConformanceError(TypeError):
    """A conformance subclass removed or silently replaced a standard test."""


def _xfail_reason(obj: Any) -> str | None:
    for mark in getattr(obj, "pytestmark", []):
        if mark.name == "xfail":
            reason = mark.kwargs.get("reason") or (mark.args[1] if len(mark.args) > 1 else None)
            if reason:
                return str(reason)
    return None


class SlotConformance:
    """Base of every slot's kit. Subclasses of a slot kit supply ``implementation_class``
    (and optionally ``implementation_params`` or ``make_implementation``)."""

    slot: ClassVar[str] = ""
    implementation_class: ClassVar[type[SlotImplementation] | None] = None
    implementation_params: ClassVar[dict[str, Any]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        kits = [k for k in cls.__mro__ if k.__dict__.get("_is_kit")]
        if cls.__dict__.get("_is_kit"):
            return
        for kit in kits:
            for name, member in kit.__dict__.items():
                if not name.startswith("test_"):
                    continue
                current = getattr(cls, name, None)
                if current is None:
                    raise ConformanceError(
                        f"{cls.__name__} removes standard test {name}; mark a replacement "
                        "with pytest.mark.xfail(reason=...) instead"
                    )
                if current is not member and _xfail_reason(current) is None:
                    raise ConformanceError(
                        f"{cls.__name__} overrides standard test {name} without "
                        "pytest.mark.xfail(reason=...)"
                    )

    def make_implementation(self, tmp_path: Path) -> SlotImplementation:
        if self.implementation_class is None:
            raise ConformanceError(f"{type(self).__name__} must set implementation_class")
        return self.implementation_class(**self.implementation_params)

    @pytest.fixture
    def impl(self, tmp_path: Path) -> SlotImplementation:
        return self.make_implementation(tmp_path)

    @pytest.fixture
    def impl2(self, tmp_path: Path) -> SlotImplementation:
        """A second, independent instance (for determinism across instances)."""
        other = tmp_path / "second"
        other.mkdir(exist_ok=True)
        return self.make_implementation(other)

    def test_declares_module_info(self, impl: SlotImplementation) -> None:
        info = type(impl).info
        assert info.slot == self.slot
        assert info.contract_major == 1
        assert info.name and info.version
        assert isinstance(impl, _base_for(self.slot))

    # ------------------------------------------------------------ options (contracts 1.3)

    def test_declares_options_model(self, impl: SlotImplementation) -> None:
        cls = type(impl)
        assert declares_options(cls), (
            f"{cls.__name__} declares no Options model (subclass "
            "ttv_contracts.v1.ImplementationOptions; NoOptions when it takes none)"
        )
        model = cls.Options
        assert model.model_config.get("frozen"), f"{model.__qualname__} must be frozen"
        undocumented = [n for n, f in model.model_fields.items() if not f.description]
        assert not undocumented, f"options without a description: {undocumented}"
        if cls.info.needs.store:
            assert "store_dir" in model.model_fields, "needs.store but no store_dir option"
        assert isinstance(impl.opts, model)

    def test_option_defaults_construct(self, impl: SlotImplementation) -> None:
        cls = type(impl)
        model = cls.Options
        given = dict(impl.options)
        for name, field in model.model_fields.items():
            if name not in given and not field.is_required():
                assert getattr(impl.opts, name) == field.get_default(call_default_factory=True)
        required = {n: given[n] for n, f in model.model_fields.items() if f.is_required()}
        model.model_validate(required)  # every default passes its own constraints
        if not required and not cls.info.needs.weights_path:  # weights: TTV-E020 without
            bare = cls()
            try:
                assert bare.opts == model()
            finally:
                bare.close()

    def test_unknown_option_is_coded(self, impl: SlotImplementation) -> None:
        with pytest.raises(TTVError) as info:
            type(impl)(**{**impl.options, "no_such_option_zz": 1})
        assert info.value.code == "TTV-E002"
        assert "no_such_option_zz" in info.value.message
        assert "ttv_contracts.repair TTV-E002" in str(info.value)


SlotConformance._is_kit = True  # type: ignore[attr-defined]


def _base_for(slot: str) -> type:
    from ..v1.slots import SLOT_BASES

    return SLOT_BASES[slot]


def _kit(cls: type) -> type:
    cls._is_kit = True
    return cls


def _same_arrays(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.array_equal(a, b))


def _lie(impl: SlotImplementation, method: str, twist: Any) -> None:
    """Make ``impl``'s underscore ``method`` return ``twist(honest result, *args)``: the
    public method must still catch the lie (it does unless an implementation bypassed the
    base class's checks by overriding the public method)."""
    honest = getattr(impl, method)

    def lying(*args: Any) -> Any:
        return twist(honest(*args), *args)

    setattr(impl, method, lying)


def _assert_invalid_output(call: Any) -> None:
    with pytest.raises(TTVError) as info:
        result = call()
        if isinstance(result, Iterator):
            list(result)
    assert info.value.code == "TTV-E012", info.value


def _inside(regions: tuple[Region, ...], width: int, height: int) -> bool:
    return all(r.x + r.w <= width and r.y + r.h <= height for r in regions)


_CAST = (CharacterRef(id="ravi", name="Ravi"), CharacterRef(id="mira", name="Mira"))


def _out_of_step(clip: Clip) -> Clip:
    """``clip`` with one tuple of regions too many in its tracks, built without validation
    (as a buggy implementation might, with ``model_construct`` or ``model_copy``)."""
    face = (Region(x=0, y=0, w=4, h=4, label="ravi"),)
    return Clip.model_construct(
        frames=clip.frames, fps=clip.fps, regions=face, tracks=(face,) * (clip.num_frames + 1)
    )


def _marker_centre(frame: np.ndarray) -> tuple[float, float] | None:
    """Centre (pixel edges) of the bright red marker of a sample face, if it is visible."""
    red = (frame[..., 0] > 180) & (frame[..., 1] < 120) & (frame[..., 2] < 120)
    if int(red.sum()) < 4:
        return None
    ys, xs = np.nonzero(red)
    return float(xs.mean()) + 0.5, float(ys.mean()) + 0.5


def _assert_face_tracked(clip: Clip, label: str = "ravi") -> None:
    """In every frame where the marked face shows, a region of that frame holds its centre."""
    for i in range(clip.num_frames):
        centre = _marker_centre(clip.frames[i])
        if centre is None:
            continue
        cx, cy = centre
        boxes = [r for r in clip.regions_at(i) if r.label == label]
        assert any(r.x <= cx <= r.x + r.w and r.y <= cy <= r.y + r.h for r in boxes), (
            f"frame {i}: the face is at ({cx:.1f}, {cy:.1f}) but its regions are {boxes}"
        )


# ------------------------------------------------------------------ cluster A


@_kit
class NarrativeConformance(SlotConformance):
    slot = "narrative"

    def test_plans_every_sample_lesson(self, impl) -> None:
        for lesson in sample_lessons():
            plan = impl.plan(lesson)
            assert isinstance(plan, StoryPlan)
            assert [s.index for s in plan.shots] == list(range(len(plan.shots)))
            words = " ".join(s.narration for s in plan.shots).split()
            source = (lesson.text or " ".join(sc.text for sc in lesson.scenes or ())).split()
            assert len(words) >= len(source) * 0.9, "narration dropped most of the lesson"

    def test_respects_explicit_scenes(self, impl) -> None:
        lesson = sample_lessons()[2]
        plan = impl.plan(lesson)
        assert {s.scene_index for s in plan.shots} == set(range(len(lesson.scenes)))
        indices = [s.scene_index for s in plan.shots]
        assert indices == sorted(indices), "scene order must be kept"

    def test_deterministic(self, impl, impl2) -> None:
        lesson = sample_lessons()[1]
        assert impl.plan(lesson) == impl2.plan(lesson)

    def test_rejects_wrong_input_type(self, impl) -> None:
        with pytest.raises(TTVError) as info:
            impl.plan({"title": "x", "text": "y"})
        assert info.value.code == "TTV-E013"


@_kit
class IdentityConformance(SlotConformance):
    slot = "identity"

    def test_resolves_sample_plans(self, impl) -> None:
        for i in range(3):
            plan = sample_plan(i)
            cast = impl.resolve(plan)
            assert isinstance(cast, Cast)
            for ch in cast.characters:
                assert all(0 <= s < len(plan.shots) for s in ch.shots)

    def test_deterministic(self, impl, impl2) -> None:
        plan = sample_plan(1)
        assert impl.resolve(plan) == impl2.resolve(plan)

    def test_rejects_wrong_input_type(self, impl) -> None:
        with pytest.raises(TTVError):
            impl.resolve("Ravi was a potter.")


@_kit
class SceneConformance(SlotConformance):
    slot = "scene"

    def test_one_context_per_shot(self, impl) -> None:
        for i in range(3):
            plan = sample_plan(i)
            book = impl.build(plan, Cast())
            assert isinstance(book, SceneBook)
            assert sorted(c.shot_index for c in book.shots) == list(range(len(plan.shots)))

    def test_same_setting_same_look(self, impl) -> None:
        plan = sample_plan(2)
        book = impl.build(plan, Cast())
        by_loc: dict[str, tuple] = {}
        for ctx in book.shots:
            by_loc.setdefault(ctx.location_id, ctx.palette)
            assert by_loc[ctx.location_id] == ctx.palette

    def test_deterministic(self, impl, impl2) -> None:
        plan = sample_plan(1)
        assert impl.build(plan, Cast()) == impl2.build(plan, Cast())


@_kit
class EmotionConformance(SlotConformance):
    slot = "emotion"

    def test_one_cue_per_shot(self, impl) -> None:
        for i in range(3):
            plan = sample_plan(i)
            track = impl.analyze(plan)
            assert isinstance(track, EmotionTrack)
            assert sorted(c.shot_index for c in track.cues) == list(range(len(plan.shots)))

    def test_deterministic(self, impl, impl2) -> None:
        plan = sample_plan(1)
        assert impl.analyze(plan) == impl2.analyze(plan)


# ------------------------------------------------------------------ cluster B


@_kit
class KeyframeConformance(SlotConformance):
    slot = "keyframe"

    @pytest.mark.parametrize("size", [(64, 48), (33, 17), (17, 40)])
    def test_image_has_spec_size(self, impl, size) -> None:
        spec = sample_spec(width=size[0], height=size[1])
        kf = impl.render(spec)
        assert isinstance(kf, Keyframe)
        assert kf.image.shape == (size[1], size[0], 3)

    def test_deterministic_per_seed(self, impl, impl2) -> None:
        spec = sample_spec()
        assert _same_arrays(impl.render(spec).image, impl2.render(spec).image)

    @pytest.mark.parametrize("size", [(64, 48), (33, 17)])
    def test_regions_inside_image(self, impl, size) -> None:
        spec = sample_spec(width=size[0], height=size[1]).model_copy(update={"characters": _CAST})
        assert _inside(impl.render(spec).regions, *size)

    def test_rejects_regions_outside_image(self, impl) -> None:
        spec = sample_spec()
        outside = Region(x=spec.width - 4, y=0, w=8, h=8, label="ravi")
        _lie(impl, "_render", lambda kf, _s: Keyframe(image=kf.image, regions=(outside,)))
        _assert_invalid_output(lambda: impl.render(spec))


@_kit
class MotionConformance(SlotConformance):
    slot = "motion"

    @pytest.mark.parametrize("num_frames", [1, 7])
    def test_clip_matches_spec(self, impl, num_frames) -> None:
        spec = sample_spec(num_frames=num_frames)
        kf = Keyframe(image=sample_frames(1, spec.width, spec.height)[0])
        clip = impl.animate(spec, kf)
        assert isinstance(clip, Clip)
        assert clip.fps == spec.fps and clip.size == (spec.width, spec.height)
        assert clip.num_frames >= 1

    def test_odd_size(self, impl) -> None:
        spec = sample_spec(width=33, height=17, num_frames=3)
        kf = Keyframe(image=sample_frames(1, 33, 17)[0])
        assert impl.animate(spec, kf).size == (33, 17)

    def test_deterministic(self, impl, impl2) -> None:
        spec = sample_spec(num_frames=4)
        kf = Keyframe(image=sample_frames(1, spec.width, spec.height)[0])
        assert _same_arrays(impl.animate(spec, kf).frames, impl2.animate(spec, kf).frames)

    @pytest.mark.parametrize("camera", [CameraMove.PAN_RIGHT, CameraMove.ZOOM_IN])
    def test_regions_inside_frame(self, impl, camera) -> None:
        # Faces at the frame's edges and a strong camera move: wherever the regions go,
        # they stay inside the frame.
        spec = sample_spec(width=64, height=48, num_frames=5).model_copy(
            update={
                "characters": _CAST,
                "directives": MotionDirectives(camera=camera, motion_scale=1.0),
            }
        )
        regions = (
            Region(x=0, y=0, w=12, h=12, label="mira"),
            Region(x=52, y=28, w=12, h=20, label="ravi"),
        )
        kf = Keyframe(image=sample_frames(1, 64, 48)[0], regions=regions)
        clip = impl.animate(spec, kf)
        assert _inside(clip.regions, spec.width, spec.height)

    def test_rejects_wrong_fps(self, impl) -> None:
        spec = sample_spec(num_frames=3)
        kf = Keyframe(image=sample_frames(1, spec.width, spec.height)[0])
        _lie(impl, "_animate", lambda c, *_: Clip(frames=c.frames, fps=c.fps * 2))
        _assert_invalid_output(lambda: impl.animate(spec, kf))

    @pytest.mark.parametrize(
        "camera", [CameraMove.PAN_RIGHT, CameraMove.TILT_UP, CameraMove.ZOOM_IN]
    )
    def test_regions_follow_the_face_in_every_frame(self, impl, camera) -> None:
        # contracts 1.2: wherever the picture moves the face, the regions of that frame
        # (its track entry, or the static regions) still hold it.
        spec = sample_spec(width=64, height=48, num_frames=12).model_copy(
            update={
                "characters": _CAST[:1],
                "directives": MotionDirectives(camera=camera, motion_scale=1.0, pace=4.0),
            }
        )
        image = sample_frames(1, 64, 48)[0] // 3
        image[16:30, 40:54] = (230, 60, 60)
        kf = Keyframe(image=image, regions=(Region(x=40, y=16, w=14, h=14, label="ravi"),))
        clip = impl.animate(spec, kf)
        assert not clip.tracks or len(clip.tracks) == clip.num_frames
        _assert_face_tracked(clip)

    def test_rejects_tracks_out_of_step(self, impl) -> None:
        spec = sample_spec(num_frames=3)
        kf = Keyframe(image=sample_frames(1, spec.width, spec.height)[0])
        _lie(impl, "_animate", lambda c, *_: _out_of_step(c))
        _assert_invalid_output(lambda: impl.animate(spec, kf))


@_kit
class TransitionsConformance(SlotConformance):
    slot = "transitions"

    @pytest.mark.parametrize("kind", list(TransitionKind))
    def test_frame_counts_unchanged(self, impl, kind) -> None:
        a, b = sample_clip(10), sample_clip(7)
        a2, b2 = impl.blend(a, b, TransitionSpec(kind=kind, duration_frames=4))
        assert (a2.num_frames, b2.num_frames) == (10, 7)

    def test_transition_longer_than_clips(self, impl) -> None:
        a, b = sample_clip(1), sample_clip(2)
        a2, b2 = impl.blend(a, b, TransitionSpec(duration_frames=50))
        assert (a2.num_frames, b2.num_frames) == (1, 2)

    def test_pick_returns_spec(self, impl) -> None:
        spec = impl.pick(TransitionKind.FADE, True, 12)
        assert isinstance(spec, TransitionSpec)

    def test_keeps_fps_and_regions(self, impl) -> None:
        face = (Region(x=40, y=10, w=20, h=30, label="ravi"),)
        a = Clip(frames=sample_frames(8), fps=24, regions=face)
        b = Clip(frames=sample_frames(6, seed=1), fps=24)
        a2, b2 = impl.blend(a, b, TransitionSpec(kind=TransitionKind.WIPE_LEFT, duration_frames=4))
        assert (a2.fps, b2.fps) == (24, 24)
        assert _inside(a2.regions, 64, 48) and _inside(b2.regions, 64, 48)

    def test_rejects_changed_fps(self, impl) -> None:
        a, b = sample_clip(6), sample_clip(6)
        _lie(
            impl,
            "_blend",
            lambda out, *_: (out[0], Clip(frames=out[1].frames, fps=out[1].fps + 1)),
        )
        _assert_invalid_output(lambda: impl.blend(a, b, TransitionSpec(duration_frames=2)))

    @pytest.mark.parametrize(
        "kind", [TransitionKind.DISSOLVE, TransitionKind.FADE, TransitionKind.WIPE_LEFT]
    )
    def test_keeps_tracks_in_step(self, impl, kind) -> None:
        # contracts 1.2: counts never change, so each clip keeps one entry per frame; frames
        # the transition does not touch keep their boxes.
        a, b = sample_tracked_clip(10), sample_tracked_clip(7, step=2)
        a2, b2 = impl.blend(a, b, TransitionSpec(kind=kind, duration_frames=4))
        assert len(a2.tracks) == 10 and len(b2.tracks) == 7
        for i in range(10 - 4):
            assert a2.regions_at(i) == a.regions_at(i)
        for j in range(4, 7):
            assert b2.regions_at(j) == b.regions_at(j)

    def test_rejects_tracks_out_of_step(self, impl) -> None:
        a, b = sample_clip(6), sample_clip(6)
        _lie(impl, "_blend", lambda out, *_: (_out_of_step(out[0]), out[1]))
        _assert_invalid_output(lambda: impl.blend(a, b, TransitionSpec(duration_frames=2)))


@_kit
class ExtenderConformance(SlotConformance):
    slot = "extender"

    @pytest.mark.parametrize(("n_in", "n_out"), [(8, 8), (8, 20), (8, 3), (1, 5), (5, 1), (4, 97)])
    def test_exact_length(self, impl, n_in, n_out) -> None:
        out = impl.extend(sample_clip(n_in), n_out)
        assert out.num_frames == n_out
        assert out.size == (64, 48)

    def test_shortening_keeps_the_start(self, impl) -> None:
        clip = sample_clip(10)
        out = impl.extend(clip, 4)
        assert _same_arrays(out.frames[0], clip.frames[0])

    def test_rejects_empty_clip(self, impl) -> None:
        empty = Clip(frames=np.zeros((0, 48, 64, 3), np.uint8), fps=12)
        with pytest.raises(TTVError):
            impl.extend(empty, 5)

    def test_keeps_fps_and_regions(self, impl) -> None:
        face = (Region(x=44, y=28, w=20, h=20, label="ravi"),)
        clip = Clip(frames=sample_frames(6), fps=8, regions=face)
        out = impl.extend(clip, 15)
        assert out.fps == 8 and _inside(out.regions, 64, 48)

    def test_rejects_moved_region_outside(self, impl) -> None:
        clip = sample_clip(4)
        outside = Region(x=60, y=40, w=10, h=10)
        _lie(
            impl,
            "_extend",
            lambda c, *_: Clip(frames=c.frames, fps=c.fps, regions=(outside,)),
        )
        _assert_invalid_output(lambda: impl.extend(clip, 6))

    @pytest.mark.parametrize("n_out", [3, 8, 20, 41])
    def test_carries_tracks(self, impl, n_out) -> None:
        # contracts 1.2: one entry per output frame; a trim keeps the first entries as they
        # were, and wherever the face goes (slow motion, a zoomed hold) its box goes too.
        clip = sample_tracked_clip(8)
        out = impl.extend(clip, n_out)
        assert len(out.tracks) == n_out
        assert out.regions_at(0) == clip.regions_at(0)
        if n_out <= clip.num_frames:
            assert out.tracks == clip.tracks[:n_out]
        _assert_face_tracked(out)

    def test_rejects_tracks_out_of_step(self, impl) -> None:
        clip = sample_tracked_clip(4)
        _lie(impl, "_extend", lambda c, *_: _out_of_step(c))
        _assert_invalid_output(lambda: impl.extend(clip, 6))


def _lazy(frames: np.ndarray, pulled: list[int]) -> Iterator[np.ndarray]:
    for i, frame in enumerate(frames):
        pulled.append(i)
        yield frame


@_kit
class InterpolatorConformance(SlotConformance):
    slot = "interpolator"

    @pytest.mark.parametrize(
        ("n", "fps_in", "fps_out"),
        [
            (10, 12, 24),
            (9, 8, 24),
            (12, 24, 30),
            (10, 30, 24),
            (5, 12, 12),
            (3, 1, 24),
            (130, 60, 1),
        ],
    )
    def test_exact_ratio(self, impl, n, fps_in, fps_out) -> None:
        out = list(impl.interpolate(iter(sample_frames(n)), fps_in, fps_out))
        assert len(out) == output_frame_count(n, fps_in, fps_out)
        assert all(f.shape == (48, 64, 3) and f.dtype == np.uint8 for f in out)

    def test_empty_and_single(self, impl) -> None:
        assert list(impl.interpolate(iter(()), 12, 24)) == []
        assert len(list(impl.interpolate(iter(sample_frames(1)), 12, 24))) == 2

    def test_streams(self, impl) -> None:
        pulled: list[int] = []
        out = impl.interpolate(_lazy(sample_frames(40), pulled), 12, 24)
        next(out)
        assert len(pulled) <= 8, f"pulled {len(pulled)} frames before the first output"

    def test_first_frame_kept(self, impl) -> None:
        frames = sample_frames(4)
        first = next(impl.interpolate(iter(frames), 12, 24))
        assert np.abs(first.astype(int) - frames[0].astype(int)).mean() < 2.0

    def test_holds_across_a_hard_cut(self, impl) -> None:
        # contracts 1.3: nothing is synthesised between two shots; the old one holds
        frames = sample_frames(8)
        out = list(impl.interpolate(iter(frames), 12, 24, cuts=[4]))
        assert len(out) == 16
        assert np.array_equal(out[7], frames[3])

    def test_rejects_an_extra_frame(self, impl) -> None:
        def one_more(out: Iterator[np.ndarray], *_: Any) -> Iterator[np.ndarray]:
            last = None
            for last in out:
                yield last
            if last is not None:
                yield last

        _lie(impl, "_interpolate", one_more)
        _assert_invalid_output(lambda: impl.interpolate(iter(sample_frames(6)), 12, 24))

    def test_rejects_unread_input(self, impl) -> None:
        # An implementation that stops reading early would shorten the video unnoticed:
        # the count must be judged against the whole input.
        def first_half(_out: Any, frames: Iterator[np.ndarray], *_: Any) -> Iterator[np.ndarray]:
            for _ in range(3):
                frame = next(frames)
                yield frame
                yield frame

        _lie(impl, "_interpolate", first_half)
        _assert_invalid_output(lambda: impl.interpolate(iter(sample_frames(8)), 12, 24))


# ------------------------------------------------------------------ cluster C


@_kit
class VoiceConformance(SlotConformance):
    slot = "voice"

    def test_speaks_text(self, impl) -> None:
        audio = impl.synthesize("Opposite poles attract.", VoiceSpec())
        assert isinstance(audio, AudioClip)
        assert 0.2 < audio.duration_s < 30

    def test_longer_text_is_longer(self, impl) -> None:
        short = impl.synthesize("Hello.", VoiceSpec())
        long = impl.synthesize(
            "Hello there, this sentence has quite a few more words in it.", VoiceSpec()
        )
        assert long.duration_s > short.duration_s

    def test_rejects_empty_text(self, impl) -> None:
        with pytest.raises(TTVError):
            impl.synthesize("   ", VoiceSpec())

    def test_deterministic(self, impl, impl2) -> None:
        a = impl.synthesize("The tide goes out.", VoiceSpec())
        b = impl2.synthesize("The tide goes out.", VoiceSpec())
        assert _same_arrays(a.samples, b.samples)

    @pytest.mark.parametrize("rate_wpm", [90, 160, 400])
    def test_timings_inside_audio(self, impl, rate_wpm) -> None:
        text = "Ravi carried the cracked pot home, and it still held water."
        audio = impl.synthesize(text, VoiceSpec(rate_wpm=rate_wpm))
        assert 8000 <= audio.sample_rate <= 192000
        limit = audio.duration_s + TIMING_TOLERANCE_S
        for span in (*audio.words, *audio.phonemes):
            assert 0 <= span.start_s <= span.end_s <= limit, span

    def test_rejects_mislabelled_sample_rate(self, impl) -> None:
        # The classic lie: audio made at one rate and labelled with a higher one (22,050 Hz
        # sold as 24,000 Hz). The samples then last less than the speech's own timings; a
        # word timed to the true end of the audio makes that visible whatever the silence.
        def relabel(audio: AudioClip, *_: Any) -> AudioClip:
            last = WordTiming(word="end", start_s=0.9 * audio.duration_s, end_s=audio.duration_s)
            words = (*audio.words, last)
            return AudioClip(
                samples=audio.samples,
                sample_rate=min(192000, round(audio.sample_rate * 1.25)),
                words=words,
                phonemes=audio.phonemes,
            )

        _lie(impl, "_synthesize", relabel)
        _assert_invalid_output(lambda: impl.synthesize("Opposite poles attract.", VoiceSpec()))

    def test_rejects_phoneme_past_the_end(self, impl) -> None:
        def late(audio: AudioClip, *_: Any) -> AudioClip:
            end = audio.duration_s + 0.5
            extra = PhonemeTiming(phoneme="a", start_s=audio.duration_s, end_s=end)
            return AudioClip(
                samples=audio.samples,
                sample_rate=audio.sample_rate,
                words=audio.words,
                phonemes=(*audio.phonemes, extra),
            )

        _lie(impl, "_synthesize", late)
        _assert_invalid_output(lambda: impl.synthesize("The tide goes out.", VoiceSpec()))


@_kit
class LipSyncConformance(SlotConformance):
    slot = "lipsync"

    def _audio(self, seconds: float, silent: bool = False) -> AudioClip:
        n = int(16000 * seconds)
        t = np.arange(n, dtype=np.float32) / 16000
        samples = np.zeros(n, np.float32) if silent else (0.3 * np.sin(2 * np.pi * 180 * t))
        return AudioClip(samples=samples.astype(np.float32), sample_rate=16000)

    def test_same_length(self, impl) -> None:
        clip = sample_clip(12)
        out = impl.sync(clip, self._audio(1.0))
        assert out.num_frames == 12 and out.size == clip.size

    def test_silent_audio_and_one_frame(self, impl) -> None:
        out = impl.sync(sample_clip(1), self._audio(0.1, silent=True))
        assert out.num_frames == 1

    def test_keeps_fps_and_regions(self, impl) -> None:
        face = (Region(x=20, y=8, w=24, h=30, label="ravi"),)
        clip = Clip(frames=sample_frames(6), fps=12, regions=face)
        out = impl.sync(clip, self._audio(0.5), _CAST[:1])
        assert out.fps == 12 and _inside(out.regions, 64, 48)

    def test_rejects_moved_region_outside(self, impl) -> None:
        clip = sample_clip(4)
        outside = Region(x=0, y=40, w=20, h=20, kind="mouth")
        _lie(
            impl,
            "_sync",
            lambda c, *_: Clip(frames=c.frames, fps=c.fps, regions=(outside,)),
        )
        _assert_invalid_output(lambda: impl.sync(clip, self._audio(0.3)))

    def test_keeps_tracks_and_draws_inside_each_frames_face(self, impl) -> None:
        # contracts 1.2: the face moves 6 px a frame; whatever is drawn in frame i lies
        # inside frame i's face box, and the boxes are passed on.
        clip = sample_tracked_clip(8, width=120, height=72, step=6, face=36)
        out = impl.sync(clip, self._audio(1.0), _CAST[:1])
        assert len(out.tracks) == 8
        changed = np.any(out.frames != clip.frames, axis=3)
        for i in range(8):
            assert set(clip.regions_at(i)) <= set(out.regions_at(i)), f"frame {i}"
            ys, xs = np.nonzero(changed[i])
            if not xs.size:
                continue
            assert any(
                r.x <= xs.min()
                and xs.max() < r.x + r.w
                and r.y <= ys.min()
                and ys.max() < r.y + r.h
                for r in clip.regions_at(i)
            ), f"frame {i}: drawn at x {xs.min()}..{xs.max()}, y {ys.min()}..{ys.max()}"

    def test_rejects_tracks_out_of_step(self, impl) -> None:
        clip = sample_clip(4)
        _lie(impl, "_sync", lambda c, *_: _out_of_step(c))
        _assert_invalid_output(lambda: impl.sync(clip, self._audio(0.3)))


@_kit
class UpscalerConformance(SlotConformance):
    slot = "upscaler"

    @pytest.mark.parametrize(
        ("src", "dst"), [((64, 48), (128, 72)), ((33, 17), (64, 64)), ((48, 64), (160, 90))]
    )
    def test_output_size(self, impl, src, dst) -> None:
        frames = sample_frames(3, *src)
        out = list(impl.upscale(iter(frames), *dst))
        assert len(out) == 3
        assert all(f.shape == (dst[1], dst[0], 3) for f in out)

    def test_streams(self, impl) -> None:
        pulled: list[int] = []
        out = impl.upscale(_lazy(sample_frames(30), pulled), 128, 96)
        next(out)
        assert len(pulled) <= 4

    def test_rejects_a_dropped_frame(self, impl) -> None:
        def drop_last(out: Iterator[np.ndarray], *_: Any) -> Iterator[np.ndarray]:
            frames = list(out)
            yield from frames[:-1]

        _lie(impl, "_upscale", drop_last)
        _assert_invalid_output(lambda: impl.upscale(iter(sample_frames(4)), 128, 96))


@_kit
class WatermarkConformance(SlotConformance):
    slot = "watermark"

    payload = WatermarkPayload(run_id="conformance", content_digest="0123456789abcdef")

    def test_embed_keeps_frames(self, impl) -> None:
        frames = sample_frames(3, 64, 64)
        out = list(impl.embed(iter(frames), self.payload))
        assert len(out) == 3 and all(f.shape == (64, 64, 3) for f in out)

    def test_detect_returns_detection(self, impl) -> None:
        det = impl.detect(iter(sample_frames(2, 64, 64)))
        assert isinstance(det, WatermarkDetection)

    def test_sign_and_verify(self, impl, tmp_path) -> None:
        video = tmp_path / "v.bin"
        video.write_bytes(b"not really a video, but a file with content" * 10)
        manifest = ProvenanceManifest(
            run_id="r",
            report_sha256="0" * 64,
            modules={"watermark": "x"},
            payload_hex=self.payload.hex(),
            created_at="2026-01-01T00:00:00Z",
        )
        record = impl.sign(video, manifest)
        assert impl.verify(video, record).file_digest_match
        data = bytearray(video.read_bytes())
        data[5] ^= 0xFF
        video.write_bytes(bytes(data))
        assert not impl.verify(video, record).ok


@_kit
class RouterConformance(SlotConformance):
    slot = "router"

    def test_ranking_is_permutation(self, impl) -> None:
        req = RouteRequest(slot="motion", candidates=("a", "b", "stub"), context=RouteContext())
        dec = impl.rank(req)
        assert isinstance(dec, RouteDecision)
        assert sorted(dec.ranking) == ["a", "b", "stub"]

    def test_records_outcomes(self, impl) -> None:
        impl.record(RouteOutcome(slot="motion", candidate="a", success=False, latency_s=0.1))
        dec = impl.rank(RouteRequest(slot="motion", candidates=("a",)))
        assert dec.ranking == ("a",)


CONFORMANCE_CLASSES: dict[str, type[SlotConformance]] = {
    cls.slot: cls
    for cls in (
        NarrativeConformance,
        IdentityConformance,
        SceneConformance,
        EmotionConformance,
        KeyframeConformance,
        MotionConformance,
        TransitionsConformance,
        ExtenderConformance,
        InterpolatorConformance,
        VoiceConformance,
        LipSyncConformance,
        UpscalerConformance,
        WatermarkConformance,
        RouterConformance,
    )
}
