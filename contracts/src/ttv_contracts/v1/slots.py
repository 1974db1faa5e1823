"""One base class per slot, each a small template: validate input, call the one method the
implementer writes (``_plan``, ``_render``...), validate output.

Implementers subclass a base, set ``info`` and write one (or, for watermark and router, a
few) underscore methods. Validation lives here so no implementation can forget it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np
from pydantic import BaseModel, Field

from ..errors import E_CONFIG_INVALID, E_INVALID_INPUT, E_INVALID_OUTPUT, TTVError
from .media import check_frame, check_frames, validated_stream
from .models import (
    AudioClip,
    Cast,
    CharacterRef,
    Clip,
    EmotionTrack,
    Keyframe,
    Lesson,
    Model,
    ProvenanceManifest,
    ProvenanceRecord,
    Region,
    RouteDecision,
    RouteOutcome,
    RouteRequest,
    SceneBook,
    ShotSpec,
    StoryPlan,
    TransitionKind,
    TransitionSpec,
    VerificationReport,
    VoiceSpec,
    WatermarkDetection,
    WatermarkPayload,
)
from .options import UndeclaredOptions, parse_options
from .timeline import output_frame_count

Cluster = Literal["A", "B", "C"]

#: Slot name -> (cluster, consumes, produces). Order is pipeline order.
SLOTS: dict[str, tuple[Cluster, str, str]] = {
    "narrative": ("A", "Lesson", "StoryPlan"),
    "identity": ("A", "StoryPlan", "Cast"),
    "scene": ("A", "StoryPlan + Cast", "SceneBook"),
    "emotion": ("A", "StoryPlan", "EmotionTrack"),
    "keyframe": ("B", "ShotSpec", "Keyframe"),
    "motion": ("B", "ShotSpec + Keyframe", "Clip"),
    "transitions": ("B", "Clip + Clip + TransitionSpec", "Clip + Clip"),
    "extender": ("B", "Clip + frame count", "Clip"),
    "interpolator": ("B", "frame stream @ fps_in", "frame stream @ fps_out"),
    "voice": ("C", "narration text + VoiceSpec", "AudioClip"),
    "lipsync": ("C", "Clip + AudioClip + characters", "Clip"),
    "upscaler": ("C", "frame stream", "frame stream @ output size"),
    "watermark": ("C", "frame stream + WatermarkPayload; MP4", "frames; ProvenanceRecord"),
    "router": ("C", "RouteRequest + history", "RouteDecision"),
}
CLUSTER_NAMES: dict[str, str] = {"A": "Intelligence", "B": "Motion", "C": "Production"}


class Needs(Model):
    """What an implementation needs to run."""

    gpu: bool = False
    weights_path: bool = False
    extra: str | None = None  # e.g. "diffusers" for `ttv-motion[diffusers]`
    store: bool = False  # persists state under a config-given directory
    min_memory_gb: float = Field(default=0.0, ge=0)


class ModuleInfo(Model):
    """What an implementation declares about itself; the docs' boundary maps come from this."""

    slot: str
    name: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    version: str = ""  # empty: the installed version of ``package`` (its pyproject, one source)
    contract_major: int = 1
    package: str = ""  # distribution name, e.g. "ttv-emotion"
    needs: Needs = Needs()
    consumes: str = ""
    produces: str = ""
    summary: str = ""
    fallback_only: bool = False  # true for stubs

    @property
    def cluster(self) -> Cluster:
        return SLOTS[self.slot][0]

    def model_post_init(self, __context: Any) -> None:
        if self.slot not in SLOTS:
            raise ValueError(f"unknown slot {self.slot!r}; known: {', '.join(SLOTS)}")
        if not self.version:
            from ..meta import version_of

            object.__setattr__(
                self, "version", version_of(self.package) if self.package else "0+unknown"
            )


def _invalid_output(impl: SlotImplementation, detail: str) -> TTVError:
    return TTVError(
        E_INVALID_OUTPUT,
        f"{impl.info.slot} implementation '{impl.info.name}' returned invalid output: {detail}",
        module=impl.info.package or impl.info.name,
    )


def _invalid_input(impl: SlotImplementation, detail: str) -> TTVError:
    return TTVError(
        E_INVALID_INPUT,
        f"{impl.info.slot} implementation '{impl.info.name}' got invalid input: {detail}",
        module=impl.info.package or impl.info.name,
    )


#: How far a word or phoneme timing may end past the audio's last sample: one 50 fps frame.
#: More than this means the timings and the samples disagree about the clock, typically a
#: voice that labels its audio with the wrong sample rate (22,050 Hz speech sold as 24,000 Hz
#: has timings that run about 9 % past the end, and the video comes out short and sped up).
TIMING_TOLERANCE_S = 0.02


def _check_regions(
    impl: SlotImplementation,
    regions: tuple[Region, ...],
    width: int,
    height: int,
    what: str,
    carried: tuple[Region, ...] = (),
) -> None:
    """Every region an implementation makes or moves must lie inside the ``width`` x
    ``height`` frame it describes. A region passed through unchanged from the input
    (``carried``) is the input's business, not this implementation's."""
    for r in regions:
        if r in carried:
            continue
        if r.x + r.w > width or r.y + r.h > height:
            raise _invalid_output(
                impl,
                f"{what} region {r.label or r.kind!r} ({r.x},{r.y} {r.w}x{r.h}) lies outside "
                f"the {width}x{height} frame",
            )


def _carry_tracks(impl: SlotImplementation, before: Clip, after: Clip) -> Clip:
    """Keep region tracks in step through a stage (contracts 1.2).

    A stage that keeps the frame count and does not move the picture (lip-sync, a
    transition) but returns its clip without ``tracks`` (an implementation written before
    1.2) gets the input's tracks back: the boxes are where they were. A stage that changes
    the frame count and drops them leaves the clip static from there on, with a note."""
    if not before.tracks or after.tracks:
        return after
    if after.num_frames == before.num_frames:
        try:
            return Clip.model_validate({**after.__dict__, "tracks": before.tracks})
        except ValueError:
            pass
    impl.note(
        f"{impl.info.slot} '{impl.info.name}' dropped the clip's region tracks: regions are "
        "static from here on"
    )
    return after


def _stale_tracks(impl: SlotImplementation, before: Clip, after: Clip) -> Clip:
    """An implementation written before 1.2 that changed the frame count with
    ``model_copy`` hands back the input's tracks unchanged, now out of step: drop them
    (the regions still hold, as a union) instead of failing the stage."""
    if after.tracks and after.tracks is before.tracks and after.num_frames != before.num_frames:
        return after.model_copy(update={"tracks": ()})
    return after


def _check_timings(impl: SlotImplementation, audio: AudioClip) -> None:
    """Word and phoneme timings must be ordered spans inside the audio."""
    limit = audio.duration_s + TIMING_TOLERANCE_S
    for kind, spans in (("word", audio.words), ("phoneme", audio.phonemes)):
        for i, span in enumerate(spans):
            label = getattr(span, kind)
            if span.end_s < span.start_s:
                raise _invalid_output(
                    impl,
                    f"{kind} {i} ({label!r}) ends at {span.end_s:.3f} s, before it starts at "
                    f"{span.start_s:.3f} s",
                )
            if span.end_s > limit:
                raise _invalid_output(
                    impl,
                    f"{kind} {i} ({label!r}) ends at {span.end_s:.3f} s but the audio lasts "
                    f"{audio.duration_s:.3f} s ({audio.samples.shape[0]} samples at "
                    f"{audio.sample_rate} Hz): timings and samples disagree about the clock; "
                    "is the sample rate mislabelled?",
                )


class SlotImplementation(ABC):
    """Common base: options from the pipeline config and notes for the stage record.

    Options (contracts 1.3): a subclass declares ``Options``, a frozen pydantic model
    (subclass :class:`~ttv_contracts.v1.options.ImplementationOptions`; ``NoOptions`` when it
    takes none). ``__init__`` validates the keyword options against it: an unknown key is
    TTV-E002, a wrong type or range the class's ``option_error`` code (TTV-E002 unless it
    names its own). ``self.opts`` is the validated model, ``self.options`` the mapping given.
    A class that declares no model accepts any keyword (the 1.2 behaviour).
    """

    slot: ClassVar[str]
    info: ClassVar[ModuleInfo]
    Options: ClassVar[type[BaseModel]] = UndeclaredOptions
    option_error: ClassVar[str] = E_CONFIG_INVALID.code

    def __init__(self, **options: Any) -> None:
        self.opts: Any = parse_options(type(self), options)
        self.options: Mapping[str, Any] = dict(options)
        self._notes: list[str] = []

    def note(self, message: str) -> None:
        """Record something the run report should say about this stage (e.g. 'no face found')."""
        self._notes.append(message)

    def close(self) -> None:  # noqa: B027 - a hook with nothing to do by default
        """Release what the instance holds (store connections, threads, models). The
        integration calls it once, on the instance's own thread, when the run ends."""

    def drain_notes(self) -> list[str]:
        notes, self._notes = self._notes, []
        return notes

    def _expect(self, value: Any, kind: type, what: str) -> Any:
        if not isinstance(value, kind):
            raise _invalid_output(
                self, f"{what} must be {kind.__name__}, got {type(value).__name__}"
            )
        return value

    def _check_input(self, value: Any, kind: type, what: str) -> Any:
        if not isinstance(value, kind):
            raise _invalid_input(
                self, f"{what} must be {kind.__name__}, got {type(value).__name__}"
            )
        return value

    def _revalidate(self, model: Any) -> Any:
        """Re-run validation (catches ``model_construct`` or mutated arrays)."""
        try:
            return type(model).model_validate(model.__dict__)
        except Exception as exc:  # pydantic.ValidationError and array checks
            raise _invalid_output(
                self, str(exc).splitlines()[0] if str(exc) else repr(exc)
            ) from exc


# ----------------------------------------------------------------- cluster A: Intelligence


class NarrativePlanner(SlotImplementation):
    """Lesson -> StoryPlan."""

    slot = "narrative"

    def plan(self, lesson: Lesson) -> StoryPlan:
        self._check_input(lesson, Lesson, "lesson")
        plan = self._revalidate(self._expect(self._plan(lesson), StoryPlan, "plan"))
        return plan

    @abstractmethod
    def _plan(self, lesson: Lesson) -> StoryPlan: ...


class IdentityResolver(SlotImplementation):
    """StoryPlan -> Cast (one stable identity per character)."""

    slot = "identity"

    def resolve(self, plan: StoryPlan) -> Cast:
        self._check_input(plan, StoryPlan, "plan")
        cast = self._revalidate(self._expect(self._resolve(plan), Cast, "cast"))
        n = len(plan.shots)
        for ch in cast.characters:
            bad = [i for i in ch.shots if not 0 <= i < n]
            if bad:
                raise _invalid_output(self, f"character {ch.id} appears in unknown shots {bad}")
        return cast

    @abstractmethod
    def _resolve(self, plan: StoryPlan) -> Cast: ...


class SceneBuilder(SlotImplementation):
    """StoryPlan + Cast -> SceneBook (one context per shot)."""

    slot = "scene"

    def build(self, plan: StoryPlan, cast: Cast) -> SceneBook:
        self._check_input(plan, StoryPlan, "plan")
        self._check_input(cast, Cast, "cast")
        book = self._revalidate(self._expect(self._build(plan, cast), SceneBook, "scene book"))
        got = sorted(ctx.shot_index for ctx in book.shots)
        if got != list(range(len(plan.shots))):
            raise _invalid_output(self, "scene book must hold exactly one context per shot")
        return book

    @abstractmethod
    def _build(self, plan: StoryPlan, cast: Cast) -> SceneBook: ...


class EmotionAnalyzer(SlotImplementation):
    """StoryPlan -> EmotionTrack (one cue per shot)."""

    slot = "emotion"

    def analyze(self, plan: StoryPlan) -> EmotionTrack:
        self._check_input(plan, StoryPlan, "plan")
        track = self._revalidate(self._expect(self._analyze(plan), EmotionTrack, "track"))
        got = sorted(c.shot_index for c in track.cues)
        if got != list(range(len(plan.shots))):
            raise _invalid_output(self, "emotion track must hold exactly one cue per shot")
        return track

    @abstractmethod
    def _analyze(self, plan: StoryPlan) -> EmotionTrack: ...


# ----------------------------------------------------------------- cluster B: Motion


class KeyframeRenderer(SlotImplementation):
    """ShotSpec -> Keyframe of exactly the spec's size."""

    slot = "keyframe"

    def render(self, spec: ShotSpec) -> Keyframe:
        self._check_input(spec, ShotSpec, "spec")
        kf = self._revalidate(self._expect(self._render(spec), Keyframe, "keyframe"))
        if kf.image.shape[:2] != (spec.height, spec.width):
            raise _invalid_output(
                self,
                f"image is {kf.image.shape[1]}x{kf.image.shape[0]}, spec is "
                f"{spec.width}x{spec.height}",
            )
        _check_regions(self, kf.regions, spec.width, spec.height, "keyframe")
        return kf

    @abstractmethod
    def _render(self, spec: ShotSpec) -> Keyframe: ...


class MotionGenerator(SlotImplementation):
    """ShotSpec + Keyframe -> Clip at the spec's fps and size (any frame count >= 1)."""

    slot = "motion"

    def animate(self, spec: ShotSpec, keyframe: Keyframe) -> Clip:
        self._check_input(spec, ShotSpec, "spec")
        self._check_input(keyframe, Keyframe, "keyframe")
        clip = self._revalidate(self._expect(self._animate(spec, keyframe), Clip, "clip"))
        if clip.size != (spec.width, spec.height):
            raise _invalid_output(
                self, f"clip size {clip.size} != spec {(spec.width, spec.height)}"
            )
        if clip.fps != spec.fps:
            raise _invalid_output(self, f"clip fps {clip.fps} != spec fps {spec.fps}")
        if clip.num_frames < 1:
            raise _invalid_output(self, "clip has no frames")
        _check_regions(
            self, clip.regions, spec.width, spec.height, "clip", carried=keyframe.regions
        )
        return clip

    @abstractmethod
    def _animate(self, spec: ShotSpec, keyframe: Keyframe) -> Clip: ...


class TransitionBlender(SlotImplementation):
    """Blend the tail of A into the head of B in place; frame counts never change."""

    slot = "transitions"

    def blend(self, a: Clip, b: Clip, spec: TransitionSpec) -> tuple[Clip, Clip]:
        self._check_input(a, Clip, "clip a")
        self._check_input(b, Clip, "clip b")
        self._check_input(spec, TransitionSpec, "spec")
        if a.size != b.size:
            raise _invalid_input(self, f"clip sizes differ: {a.size} vs {b.size}")
        out = self._blend(a, b, spec)
        if not (isinstance(out, tuple) and len(out) == 2):
            raise _invalid_output(self, "blend must return a pair of clips")
        a2 = self._revalidate(self._expect(out[0], Clip, "clip a"))
        b2 = self._revalidate(self._expect(out[1], Clip, "clip b"))
        if (a2.num_frames, b2.num_frames) != (a.num_frames, b.num_frames):
            raise _invalid_output(
                self,
                f"frame counts changed: {(a.num_frames, b.num_frames)} -> "
                f"{(a2.num_frames, b2.num_frames)}",
            )
        if a2.size != a.size or b2.size != b.size:
            raise _invalid_output(self, "frame sizes changed")
        if a2.fps != a.fps or b2.fps != b.fps:
            raise _invalid_output(self, f"fps changed: {(a.fps, b.fps)} -> {(a2.fps, b2.fps)}")
        _check_regions(self, a2.regions, *a.size, "clip a", carried=a.regions)
        _check_regions(self, b2.regions, *b.size, "clip b", carried=b.regions)
        return _carry_tracks(self, a, a2), _carry_tracks(self, b, b2)

    def pick(self, hint: TransitionKind | None, scene_changed: bool, fps: int) -> TransitionSpec:
        """Choose a transition for a cut; implementations may override."""
        if not scene_changed:
            return TransitionSpec(kind=TransitionKind.CUT, duration_frames=0)
        kind = hint or TransitionKind.DISSOLVE
        return TransitionSpec(kind=kind, duration_frames=max(1, fps // 2))

    @abstractmethod
    def _blend(self, a: Clip, b: Clip, spec: TransitionSpec) -> tuple[Clip, Clip]: ...


class ClipExtender(SlotImplementation):
    """Clip + target frame count -> Clip of exactly that many frames, never looping."""

    slot = "extender"

    def extend(self, clip: Clip, num_frames: int) -> Clip:
        self._check_input(clip, Clip, "clip")
        if not isinstance(num_frames, int) or num_frames < 1:
            raise _invalid_input(
                self, f"target frame count must be an int >= 1, got {num_frames!r}"
            )
        if clip.num_frames < 1:
            raise _invalid_input(self, "cannot extend a clip with no frames")
        raw = self._expect(self._extend(clip, num_frames), Clip, "clip")
        out = self._revalidate(_stale_tracks(self, clip, raw))
        if out.num_frames != num_frames:
            raise _invalid_output(self, f"got {out.num_frames} frames, asked for {num_frames}")
        if out.size != clip.size or out.fps != clip.fps:
            raise _invalid_output(self, "size or fps changed")
        _check_regions(self, out.regions, *out.size, "clip", carried=clip.regions)
        return _carry_tracks(self, clip, out)

    @abstractmethod
    def _extend(self, clip: Clip, num_frames: int) -> Clip: ...


class FrameInterpolator(SlotImplementation):
    """Streaming frame-rate conversion by an exact ratio (see :mod:`..timeline`).

    Frames only: region tracks (contracts 1.2) do not pass through here. The integration maps
    the timeline's track by the same ratio with :func:`..tracks.resample_track`.

    ``cuts`` (contracts 1.3) are the input frame indices where a new shot starts with a hard
    cut. Nothing is synthesised across one: every output that lies between the last frame of
    the old shot and the first frame of the new one holds the old shot's last frame, so the
    cut falls exactly where it falls in the input. The base class enforces this for every
    implementation (a flow that finds the same background on both sides of a cut would
    otherwise morph one shot's figures into the other's for a frame)."""

    slot = "interpolator"

    def interpolate(
        self,
        frames: Iterable[np.ndarray],
        fps_in: int,
        fps_out: int,
        cuts: Iterable[int] = (),
    ) -> Iterator[np.ndarray]:
        if not (
            isinstance(fps_in, int) and isinstance(fps_out, int) and fps_in > 0 and fps_out > 0
        ):
            raise _invalid_input(self, f"fps must be positive ints, got {fps_in!r} -> {fps_out!r}")
        try:
            cut_set = frozenset(cuts)
        except TypeError:
            raise _invalid_input(self, f"cuts must be frame indices, got {cuts!r}") from None
        bad = sorted(
            repr(c) for c in cut_set if isinstance(c, bool) or not isinstance(c, int) or c < 1
        )
        if bad:
            raise _invalid_input(self, f"cuts must be ints >= 1, got {', '.join(bad)}")
        counter = _Counter(
            validated_stream(frames, where="interpolator input"), keep={c - 1 for c in cut_set}
        )
        produced = 0
        size = None
        for frame in self._interpolate(counter, fps_in, fps_out):
            try:
                check_frame(frame, where="interpolator output")
            except ValueError as exc:
                raise _invalid_output(self, str(exc)) from exc
            if size is None:
                size = frame.shape
            elif frame.shape != size:
                raise _invalid_output(self, "output frame size changed mid-stream")
            if cut_set:
                base, rem = divmod(produced * fps_in, fps_out)
                if rem and base + 1 in cut_set:  # between two shots: hold the old one
                    held = counter.held(base)
                    if held is None:
                        raise _invalid_output(self, "made an output past the end of its input")
                    frame = held
                    if frame.shape != size:
                        raise _invalid_output(self, "output frame size differs from the input's")
            produced += 1
            yield frame
        unread = _drain(counter)
        if unread:
            raise _invalid_output(self, f"stopped reading its input: {unread} frame(s) left unread")
        late = sorted(c for c in cut_set if c >= counter.count)
        if late:
            raise _invalid_input(
                self, f"cut at frame {late[0]}, but the stream has {counter.count} frames"
            )
        expected = output_frame_count(counter.count, fps_in, fps_out)
        if produced != expected:
            raise _invalid_output(
                self,
                f"{counter.count} frames at {fps_in} fps must give {expected} at "
                f"{fps_out} fps, got {produced}",
            )

    @abstractmethod
    def _interpolate(
        self, frames: Iterator[np.ndarray], fps_in: int, fps_out: int
    ) -> Iterator[np.ndarray]: ...


def _drain(counter: _Counter) -> int:
    """Pull what an implementation left unread; how many frames that was."""
    before = counter.passed
    for _ in counter:
        pass
    return counter.count - before


class _Counter:
    """Iterator wrapper that counts what passed through it, and holds on to the frames at the
    indices in ``keep`` until :meth:`held` asks for them (or for a later one)."""

    def __init__(self, it: Iterator[np.ndarray], keep: Iterable[int] = ()) -> None:
        self._it = it
        self.count = 0  # frames read from the source, including any read ahead
        self._keep = frozenset(keep)
        self._kept: dict[int, np.ndarray] = {}
        self._ahead: deque[np.ndarray] = deque()  # read for held(), not yet passed on

    def __iter__(self) -> _Counter:
        return self

    def __next__(self) -> np.ndarray:
        if self._ahead:
            return self._ahead.popleft()
        return self._read()

    def _read(self) -> np.ndarray:
        item = next(self._it)
        if self.count in self._keep:
            self._kept[self.count] = item
        self.count += 1
        return item

    @property
    def passed(self) -> int:
        """Frames handed on to the reader."""
        return self.count - len(self._ahead)

    def held(self, index: int) -> np.ndarray | None:
        """Frame ``index`` (one of ``keep``), or None past the end; frames kept before it are
        let go."""
        while index not in self._kept:  # asked before the implementation read that far
            try:
                self._ahead.append(self._read())
            except StopIteration:
                return None
        for old in [i for i in self._kept if i < index]:
            del self._kept[old]
        return self._kept[index]


# ----------------------------------------------------------------- cluster C: Production


class VoiceSynthesizer(SlotImplementation):
    """Narration text -> AudioClip (non-empty, finite, mono)."""

    slot = "voice"

    def synthesize(self, text: str, spec: VoiceSpec) -> AudioClip:
        if not isinstance(text, str) or not text.strip():
            raise _invalid_input(self, "narration text is empty")
        self._check_input(spec, VoiceSpec, "voice spec")
        audio = self._revalidate(self._expect(self._synthesize(text, spec), AudioClip, "audio"))
        if audio.samples.shape[0] == 0:
            raise _invalid_output(self, "audio has no samples")
        _check_timings(self, audio)
        return audio

    @abstractmethod
    def _synthesize(self, text: str, spec: VoiceSpec) -> AudioClip: ...


class LipSyncer(SlotImplementation):
    """Clip + AudioClip (+ characters) -> Clip of the same length and size."""

    slot = "lipsync"

    def sync(self, clip: Clip, audio: AudioClip, characters: tuple[CharacterRef, ...] = ()) -> Clip:
        self._check_input(clip, Clip, "clip")
        self._check_input(audio, AudioClip, "audio")
        out = self._revalidate(self._expect(self._sync(clip, audio, characters), Clip, "clip"))
        if out.num_frames != clip.num_frames or out.size != clip.size or out.fps != clip.fps:
            raise _invalid_output(self, "lip-sync must keep frame count, size and fps")
        _check_regions(self, out.regions, *out.size, "clip", carried=clip.regions)
        return _carry_tracks(self, clip, out)

    @abstractmethod
    def _sync(self, clip: Clip, audio: AudioClip, characters: tuple[CharacterRef, ...]) -> Clip: ...


class Upscaler(SlotImplementation):
    """Streaming frames -> frames of exactly ``width`` x ``height``.

    Frames only: region tracks (contracts 1.2) do not pass through here. The integration maps
    the timeline's track by the size ratio with :func:`..tracks.fit_track` (the aspect-kept,
    letterboxed fit of the stub and the workspace upscalers) or :func:`..tracks.scale_track`."""

    slot = "upscaler"

    def upscale(
        self, frames: Iterable[np.ndarray], width: int, height: int
    ) -> Iterator[np.ndarray]:
        if not (16 <= width <= 8192 and 16 <= height <= 8192):
            raise _invalid_input(self, f"output size {width}x{height} outside 16..8192")
        counter = _Counter(validated_stream(frames, where="upscaler input"))
        produced = 0
        for frame in self._upscale(counter, width, height):
            try:
                check_frame(frame, where="upscaler output")
            except ValueError as exc:
                raise _invalid_output(self, str(exc)) from exc
            if frame.shape[:2] != (height, width):
                raise _invalid_output(
                    self, f"frame is {frame.shape[1]}x{frame.shape[0]}, expected {width}x{height}"
                )
            produced += 1
            if produced > counter.count:
                raise _invalid_output(
                    self, f"yielded frame {produced} after reading only {counter.count}"
                )
            yield frame
        unread = _drain(counter)
        if unread or produced != counter.count:
            raise _invalid_output(
                self,
                f"{counter.count} frames in must give {counter.count} out, got {produced}"
                + (f" ({unread} input frame(s) left unread)" if unread else ""),
            )

    @abstractmethod
    def _upscale(
        self, frames: Iterator[np.ndarray], width: int, height: int
    ) -> Iterator[np.ndarray]: ...


class Watermarker(SlotImplementation):
    """Invisible per-frame mark (streaming), detection, and signed provenance of the file."""

    slot = "watermark"

    def embed(
        self, frames: Iterable[np.ndarray], payload: WatermarkPayload
    ) -> Iterator[np.ndarray]:
        self._check_input(payload, WatermarkPayload, "payload")
        for src, out in self._paired(frames, payload):
            try:
                check_frame(out, where="watermark output")
            except ValueError as exc:
                raise _invalid_output(self, str(exc)) from exc
            if out.shape != src.shape:
                raise _invalid_output(self, "watermarking changed the frame size")
            yield out

    def _paired(
        self, frames: Iterable[np.ndarray], payload: WatermarkPayload
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        # One output per input: embedding is a per-frame map, so the pairing is checked here.
        for frame in validated_stream(frames, where="watermark input"):
            yield frame, self._embed_frame(frame, payload)

    def detect(self, frames: Iterable[np.ndarray]) -> WatermarkDetection:
        det = self._detect(validated_stream(frames, where="watermark detect input"))
        return self._revalidate(self._expect(det, WatermarkDetection, "detection"))

    def sign(self, video: Path, manifest: ProvenanceManifest) -> ProvenanceRecord:
        video = Path(video)
        if not video.is_file():
            raise _invalid_input(self, f"{video} is not a file")
        self._check_input(manifest, ProvenanceManifest, "manifest")
        return self._revalidate(
            self._expect(self._sign(video, manifest), ProvenanceRecord, "record")
        )

    def verify(self, video: Path, record: ProvenanceRecord | None = None) -> VerificationReport:
        video = Path(video)
        if not video.is_file():
            raise _invalid_input(self, f"{video} is not a file")
        return self._revalidate(
            self._expect(self._verify(video, record), VerificationReport, "verification report")
        )

    @abstractmethod
    def _embed_frame(self, frame: np.ndarray, payload: WatermarkPayload) -> np.ndarray: ...

    @abstractmethod
    def _detect(self, frames: Iterator[np.ndarray]) -> WatermarkDetection: ...

    @abstractmethod
    def _sign(self, video: Path, manifest: ProvenanceManifest) -> ProvenanceRecord: ...

    @abstractmethod
    def _verify(self, video: Path, record: ProvenanceRecord | None) -> VerificationReport: ...


class Router(SlotImplementation):
    """Ranks a stage's candidates and picks a quality preset; learns from outcomes."""

    slot = "router"

    def rank(self, request: RouteRequest) -> RouteDecision:
        self._check_input(request, RouteRequest, "request")
        decision = self._revalidate(self._expect(self._rank(request), RouteDecision, "decision"))
        if sorted(decision.ranking) != sorted(request.candidates):
            raise _invalid_output(self, "ranking must be a permutation of the candidates")
        return decision

    def record(self, outcome: RouteOutcome) -> None:
        self._check_input(outcome, RouteOutcome, "outcome")
        self._record(outcome)

    @abstractmethod
    def _rank(self, request: RouteRequest) -> RouteDecision: ...

    @abstractmethod
    def _record(self, outcome: RouteOutcome) -> None: ...


#: Slot name -> base class.
SLOT_BASES: dict[str, type[SlotImplementation]] = {
    cls.slot: cls
    for cls in (
        NarrativePlanner,
        IdentityResolver,
        SceneBuilder,
        EmotionAnalyzer,
        KeyframeRenderer,
        MotionGenerator,
        TransitionBlender,
        ClipExtender,
        FrameInterpolator,
        VoiceSynthesizer,
        LipSyncer,
        Upscaler,
        Watermarker,
        Router,
    )
}
assert list(SLOT_BASES) == list(SLOTS)

__all__ = [
    "CLUSTER_NAMES",
    "SLOTS",
    "SLOT_BASES",
    "TIMING_TOLERANCE_S",
    "ClipExtender",
    "EmotionAnalyzer",
    "FrameInterpolator",
    "IdentityResolver",
    "KeyframeRenderer",
    "LipSyncer",
    "ModuleInfo",
    "MotionGenerator",
    "NarrativePlanner",
    "Needs",
    "Router",
    "SceneBuilder",
    "SlotImplementation",
    "TransitionBlender",
    "Upscaler",
    "VoiceSynthesizer",
    "Watermarker",
    "check_frames",
]
