"""TTV v1 data models: every value that crosses a slot boundary.

All models are frozen pydantic v2 models. Frames and audio are numpy arrays carried by
reference and validated on construction (see :mod:`ttv_contracts.v1.media`).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from enum import StrEnum
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .media import AudioSamples, Frame, FrameStack

MAX_LESSON_CHARS = 2_000_000
MAX_SHOTS = 5_000


class Model(BaseModel):
    """Base of every contract model: frozen, strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)


NonEmptyStr = Annotated[str, Field(min_length=1)]
HexColor = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")]
Seed = Annotated[int, Field(ge=0, lt=2**32)]
Fps = Annotated[int, Field(ge=1, le=240)]


# --------------------------------------------------------------------------- lesson


class LessonScene(Model):
    """One explicit scene of a lesson: where it happens and what is narrated."""

    setting: NonEmptyStr
    text: NonEmptyStr

    @field_validator("setting", "text")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be blank")
        return v


class Lesson(Model):
    """The pipeline's input: free text or explicit scenes (exactly one of the two)."""

    title: NonEmptyStr
    text: str | None = None
    scenes: tuple[LessonScene, ...] | None = None
    language: str = "en"

    @model_validator(mode="after")
    def _one_body(self) -> Lesson:
        has_text = bool(self.text and self.text.strip())
        if self.scenes is not None and len(self.scenes) == 0:
            raise ValueError("scenes is empty: give at least one scene, or use text")
        if has_text == (self.scenes is not None):
            raise ValueError("a lesson needs exactly one of 'text' (non-blank) or 'scenes'")
        size = len(self.text or "") + sum(len(s.text) + len(s.setting) for s in self.scenes or ())
        if size > MAX_LESSON_CHARS:
            raise ValueError(f"lesson is {size} characters; the limit is {MAX_LESSON_CHARS}")
        return self

    def digest(self) -> str:
        """Stable SHA-256 of the lesson's content."""
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()


# --------------------------------------------------------------------------- narrative


class Beat(StrEnum):
    SETUP = "setup"
    RISING = "rising"
    CLIMAX = "climax"
    RESOLUTION = "resolution"
    EXPLANATION = "explanation"
    EXAMPLE = "example"
    RECAP = "recap"


class Shot(Model):
    """One shot of the story: its narration, beat and target duration."""

    index: Annotated[int, Field(ge=0)]
    narration: NonEmptyStr
    beat: Beat
    scene_index: Annotated[int, Field(ge=0)] = 0
    setting: str | None = None
    target_duration_s: Annotated[float, Field(gt=0, le=600)]


class StoryPlan(Model):
    """Ordered shots of a lesson."""

    title: NonEmptyStr
    language: str = "en"
    kind: Literal["story", "lesson"] = "lesson"
    shots: Annotated[tuple[Shot, ...], Field(min_length=1, max_length=MAX_SHOTS)]

    @model_validator(mode="after")
    def _ordered(self) -> StoryPlan:
        for i, shot in enumerate(self.shots):
            if shot.index != i:
                raise ValueError(f"shot {i} has index {shot.index}; shots must be numbered 0..N-1")
        return self


# --------------------------------------------------------------------------- identity


Pronouns = Literal["he", "she", "they", "it"]


class Character(Model):
    """One stable identity: the same look and seed in every shot it appears in."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
    name: NonEmptyStr
    aliases: tuple[str, ...] = ()
    pronouns: Pronouns = "they"
    descriptors: tuple[str, ...] = ()
    seed: Seed = 0
    shots: tuple[int, ...] = ()

    def look(self) -> str:
        """The descriptors as one prompt fragment."""
        return ", ".join(self.descriptors) if self.descriptors else self.name


#: Skin tone words (contracts 1.3), lightest to deepest: an identity maker may give a person
#: the descriptor ``"<tone> skin"`` ("light brown skin"), stated by the story ("dark-skinned")
#: or chosen with the rest of the look; a frame maker draws face and hands in that tone, and
#: a prompt carries the words as they are. A maker writes no other skin word.
SKIN_TONES = ("fair", "light", "light brown", "tan", "brown", "dark brown", "deep brown")


class Cast(Model):
    characters: tuple[Character, ...] = ()

    @model_validator(mode="after")
    def _unique(self) -> Cast:
        ids = [c.id for c in self.characters]
        if len(ids) != len(set(ids)):
            raise ValueError("character ids must be unique")
        return self

    def in_shot(self, index: int) -> tuple[Character, ...]:
        return tuple(c for c in self.characters if index in c.shots)


# --------------------------------------------------------------------------- scene


TimeOfDay = Literal["dawn", "day", "dusk", "night", "unknown"]
#: Sky over a shot (contracts 1.1; "unknown" when the text names none).
Weather = Literal["clear", "cloudy", "rain", "storm", "snow", "fog", "wind", "unknown"]
#: Whether a shot happens inside or outside (contracts 1.1).
IndoorOutdoor = Literal["indoor", "outdoor", "unknown"]
#: The season a shot happens in (contracts 1.3): winter draws snow on the ground whatever the
#: sky does ("a kitchen on a winter morning" is not snowing). "unknown" when the text names none.
Season = Literal["spring", "summer", "autumn", "winter", "unknown"]


class Location(Model):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
    name: NonEmptyStr
    description: str = ""
    palette: Annotated[tuple[HexColor, ...], Field(min_length=1)]
    seed: Seed = 0


class SceneContext(Model):
    """Where one shot happens and how it looks."""

    shot_index: Annotated[int, Field(ge=0)]
    location_id: str
    setting: NonEmptyStr
    time_of_day: TimeOfDay = "unknown"
    palette: Annotated[tuple[HexColor, ...], Field(min_length=1)]
    background_seed: Seed = 0
    characters: tuple[str, ...] = ()
    objects: tuple[str, ...] = ()
    continues_from: int | None = None  # previous shot in the same location, if any
    # contracts 1.1, optional: backdrop attributes for the frame makers
    weather: Weather = "unknown"
    indoor_outdoor: IndoorOutdoor = "unknown"
    # contracts 1.3, optional: the season, carried through the lesson until another is named
    season: Season = "unknown"


#: Crowd words (contracts 1.3): the plural nouns a scene builder may put into
#: ``SceneContext.objects`` (and so ``ShotSpec.objects``) for unnamed people present in a shot
#: ("When the bell rang, the children ran out to the playground"). They are people, not
#: things: a frame maker draws them as background figures with no regions (no name tag, no
#: lip sync), or not at all; a builder puts in no other word for a group of people.
CROWD_WORDS = frozenset(
    """children kids pupils boys girls students villagers soldiers guards workers farmers
    sailors fishermen people crowd audience dancers players shoppers travellers passengers
    monks visitors tourists parents""".split()  # noqa: SIM905
)
#: Of the crowd words, the groups of children (drawn child-sized)
CHILD_CROWD_WORDS = frozenset({"children", "kids", "pupils", "boys", "girls"})


class SceneBook(Model):
    locations: tuple[Location, ...] = ()
    shots: tuple[SceneContext, ...]

    def for_shot(self, index: int) -> SceneContext:
        for ctx in self.shots:
            if ctx.shot_index == index:
                return ctx
        raise KeyError(index)


# --------------------------------------------------------------------------- emotion


class Emotion(StrEnum):
    JOY = "joy"
    SADNESS = "sadness"
    FEAR = "fear"
    ANGER = "anger"
    SURPRISE = "surprise"
    CALM = "calm"
    CURIOSITY = "curiosity"


class CameraMove(StrEnum):
    STATIC = "static"
    PAN_LEFT = "pan_left"
    PAN_RIGHT = "pan_right"
    TILT_UP = "tilt_up"
    TILT_DOWN = "tilt_down"
    ZOOM_IN = "zoom_in"
    ZOOM_OUT = "zoom_out"
    DOLLY_IN = "dolly_in"
    DOLLY_OUT = "dolly_out"
    PARALLAX = "parallax"


class TransitionKind(StrEnum):
    CUT = "cut"
    FADE = "fade"
    DISSOLVE = "dissolve"
    WIPE_LEFT = "wipe_left"
    WIPE_RIGHT = "wipe_right"
    WIPE_UP = "wipe_up"
    WIPE_DOWN = "wipe_down"


class MotionDirectives(Model):
    """How the camera and subject should move: consumed by motion and extender."""

    camera: CameraMove = CameraMove.STATIC
    motion_scale: Annotated[float, Field(ge=0.0, le=1.0)] = 0.3
    pace: Annotated[float, Field(ge=0.25, le=4.0)] = 1.0


class EmotionCue(Model):
    shot_index: Annotated[int, Field(ge=0)]
    emotion: Emotion
    intensity: Annotated[float, Field(ge=0.0, le=1.0)]
    valence: Annotated[float, Field(ge=-1.0, le=1.0)]
    arousal: Annotated[float, Field(ge=0.0, le=1.0)]
    directives: MotionDirectives = MotionDirectives()
    transition_hint: TransitionKind = TransitionKind.DISSOLVE


class EmotionTrack(Model):
    cues: tuple[EmotionCue, ...]

    def for_shot(self, index: int) -> EmotionCue:
        for cue in self.cues:
            if cue.shot_index == index:
                return cue
        raise KeyError(index)


# --------------------------------------------------------------------------- motion


class Region(Model):
    """A rectangle in frame pixels, e.g. a character's face, carried with keyframes."""

    x: Annotated[int, Field(ge=0)]
    y: Annotated[int, Field(ge=0)]
    w: Annotated[int, Field(ge=1)]
    h: Annotated[int, Field(ge=1)]
    label: str = ""
    kind: Literal["face", "mouth", "body"] = "face"


class CharacterRef(Model):
    """What a frame-making slot needs to know about a character in a shot."""

    id: str
    name: str
    descriptors: tuple[str, ...] = ()
    seed: Seed = 0


class ShotSpec(Model):
    """Everything a frame-making slot needs for one shot, composed by the integration."""

    shot_index: Annotated[int, Field(ge=0)]
    prompt: NonEmptyStr
    negative_prompt: str = ""
    caption: str = ""
    setting: str = ""
    palette: tuple[HexColor, ...] = ("#203040", "#d0c090", "#806040")
    characters: tuple[CharacterRef, ...] = ()
    seed: Seed = 0
    width: Annotated[int, Field(ge=16, le=4096)]
    height: Annotated[int, Field(ge=16, le=4096)]
    fps: Fps
    num_frames: Annotated[int, Field(ge=1, le=100_000)]
    directives: MotionDirectives = MotionDirectives()
    # contracts 1.1, optional: the shot's scene attributes (from SceneContext) for backdrops;
    # "unknown"/() when not known, and frame makers then infer them from setting/prompt.
    time_of_day: TimeOfDay = "unknown"
    weather: Weather = "unknown"
    indoor_outdoor: IndoorOutdoor = "unknown"
    objects: tuple[str, ...] = ()
    season: Season = "unknown"  # contracts 1.3, optional (from SceneContext.season)

    @property
    def duration_s(self) -> float:
        return self.num_frames / self.fps


class Keyframe(Model):
    """One image for a shot, with optional regions (faces) for later slots."""

    image: Frame
    regions: tuple[Region, ...] = ()
    # contracts 1.3, optional: the same picture without its figures (what a camera move
    # reveals behind them), from a maker that draws the backdrop first; None otherwise
    background: Frame | None = None
    # contracts 1.3, optional: where the ground (a floor, land, the sea) begins, as a fraction
    # of the height from the top; above it things stand upright (walls, cupboards, the sky)
    ground: Annotated[float, Field(gt=0.0, lt=1.0)] | None = None

    @model_validator(mode="after")
    def _background_fits(self) -> Keyframe:
        if self.background is not None and self.background.shape != self.image.shape:
            raise ValueError(
                f"background is {self.background.shape}, the image {self.image.shape}: "
                "a keyframe's background must be the same picture without its figures"
            )
        return self


def region_key(r: Region) -> tuple[str, str]:
    """What names a region across frames: its ``(label, kind)``."""
    return r.label, r.kind


def region_contains(outer: Region, inner: Region) -> bool:
    """Whether ``inner`` lies inside ``outer`` (edges may touch)."""
    return (
        outer.x <= inner.x
        and outer.y <= inner.y
        and inner.x + inner.w <= outer.x + outer.w
        and inner.y + inner.h <= outer.y + outer.h
    )


class Clip(Model):
    """Frames of one shot at a native fps. ``frames`` may hold zero frames.

    ``regions`` name the clip's faces (and mouths, bodies) once for the whole clip: where
    each one is over all the frames (for a moving camera, the union of its boxes).

    ``tracks`` (contracts 1.2) say where they are in **each** frame. Empty (the default)
    means the regions are static: ``regions`` holds for every frame. Otherwise it holds
    exactly one tuple of regions per frame, and every box of frame ``i``

    - lies inside the frame (a box that leaves the frame is clipped to it, or dropped for
      that frame when nothing of it is left);
    - is named by ``(label, kind)``: a labelled box appears at most once per frame;
    - lies inside a clip region with the same label and kind (so ``regions`` stays true
      for a reader that ignores tracks).

    Read boxes with :meth:`regions_at`; it works for both forms.
    """

    frames: FrameStack
    fps: Fps
    regions: tuple[Region, ...] = ()
    tracks: tuple[tuple[Region, ...], ...] = ()  # contracts 1.2: one tuple per frame, or ()

    @model_validator(mode="after")
    def _tracks_in_step(self) -> Clip:
        if not self.tracks:
            return self
        n = self.num_frames
        if len(self.tracks) != n:
            raise ValueError(
                f"tracks hold {len(self.tracks)} frame(s) of regions for {n} frame(s); "
                "give one tuple per frame, or none (static regions)"
            )
        width, height = self.size
        by_key: dict[tuple[str, str], list[Region]] = {}
        for r in self.regions:
            by_key.setdefault(region_key(r), []).append(r)
        for i, boxes in enumerate(self.tracks):
            seen: set[tuple[str, str]] = set()
            for r in boxes:
                name = r.label or r.kind
                if r.x + r.w > width or r.y + r.h > height:
                    raise ValueError(
                        f"tracks[{i}]: region {name!r} ({r.x},{r.y} {r.w}x{r.h}) lies outside "
                        f"the {width}x{height} frame"
                    )
                key = region_key(r)
                if r.label:
                    if key in seen:
                        raise ValueError(f"tracks[{i}]: region {name!r} ({r.kind}) appears twice")
                    seen.add(key)
                if not any(region_contains(c, r) for c in by_key.get(key, ())):
                    raise ValueError(
                        f"tracks[{i}]: region {name!r} ({r.kind}, {r.x},{r.y} {r.w}x{r.h}) "
                        "is not inside a clip region of the same label and kind; set regions "
                        "to the union of the track (ttv_contracts.v1.tracks.union_regions)"
                    )
        return self

    @property
    def num_frames(self) -> int:
        return int(self.frames.shape[0])

    @property
    def size(self) -> tuple[int, int]:
        """(width, height)"""
        return int(self.frames.shape[2]), int(self.frames.shape[1])

    @property
    def tracked(self) -> bool:
        """Whether the clip carries per-frame regions (``tracks``)."""
        return bool(self.tracks)

    def regions_at(self, i: int) -> tuple[Region, ...]:
        """The regions of frame ``i``: its track entry, or ``regions`` when static."""
        if not -self.num_frames <= i < self.num_frames:
            raise IndexError(f"frame {i} of a {self.num_frames}-frame clip")
        return self.tracks[i] if self.tracks else self.regions

    def frame_regions(self) -> tuple[tuple[Region, ...], ...]:
        """One tuple of regions per frame (``regions`` repeated when static)."""
        return self.tracks if self.tracks else (self.regions,) * self.num_frames


class TransitionSpec(Model):
    kind: TransitionKind = TransitionKind.DISSOLVE
    duration_frames: Annotated[int, Field(ge=0, le=10_000)] = 6
    color: tuple[
        Annotated[int, Field(ge=0, le=255)],
        Annotated[int, Field(ge=0, le=255)],
        Annotated[int, Field(ge=0, le=255)],
    ] = (0, 0, 0)
    easing: Literal["linear", "ease_in", "ease_out", "ease_in_out"] = "ease_in_out"


# --------------------------------------------------------------------------- voice


class VoiceSpec(Model):
    """Which voice speaks: engine voice name (optional), language, rate and a speaker seed."""

    voice: str | None = None
    language: str = "en"
    rate_wpm: Annotated[int, Field(ge=60, le=450)] = 160
    pitch: Annotated[int, Field(ge=0, le=99)] = 50
    gender: Literal["male", "female", "neutral"] = "neutral"
    speaker_seed: Seed = 0


class WordTiming(Model):
    word: str
    start_s: Annotated[float, Field(ge=0)]
    end_s: Annotated[float, Field(ge=0)]


class PhonemeTiming(Model):
    phoneme: str
    start_s: Annotated[float, Field(ge=0)]
    end_s: Annotated[float, Field(ge=0)]


class AudioClip(Model):
    samples: AudioSamples
    sample_rate: Annotated[int, Field(ge=8000, le=192000)]
    words: tuple[WordTiming, ...] = ()
    phonemes: tuple[PhonemeTiming, ...] = ()

    @property
    def duration_s(self) -> float:
        return self.samples.shape[0] / self.sample_rate


class SubtitleCue(Model):
    index: Annotated[int, Field(ge=0)]
    start_s: Annotated[float, Field(ge=0)]
    end_s: Annotated[float, Field(ge=0)]
    text: NonEmptyStr

    @model_validator(mode="after")
    def _ordered(self) -> SubtitleCue:
        if self.end_s <= self.start_s:
            raise ValueError("subtitle cue must end after it starts")
        return self


# --------------------------------------------------------------------------- watermark


class WatermarkPayload(Model):
    """What the invisible watermark carries: a run id and a content digest prefix."""

    run_id: NonEmptyStr
    content_digest: Annotated[str, Field(pattern=r"^[0-9a-f]{8,64}$")]

    PAYLOAD_BYTES: ClassVar[int] = 8

    def to_bytes(self) -> bytes:
        """8 bytes: 4 of SHA-256(run_id), then the first 4 of the content digest."""
        run = hashlib.sha256(self.run_id.encode()).digest()[:4]
        return run + bytes.fromhex(self.content_digest[:8])

    def hex(self) -> str:
        return self.to_bytes().hex()


class WatermarkDetection(Model):
    payload_hex: str | None = None
    confidence: Annotated[float, Field(ge=0.0, le=1.0)] = 0.0
    frames_examined: Annotated[int, Field(ge=0)] = 0
    method: str = ""


class ProvenanceManifest(Model):
    run_id: NonEmptyStr
    report_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    modules: dict[str, str]
    payload_hex: str
    created_at: str
    generator: str = "ttv"


class ProvenanceRecord(Model):
    manifest: ProvenanceManifest
    file_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    algorithm: Literal["Ed25519", "none"]
    signature_b64: str = ""
    public_key_b64: str = ""
    key_id: str = ""


class VerificationReport(Model):
    signature_valid: bool
    manifest_match: bool
    file_digest_match: bool
    watermark: WatermarkDetection | None = None
    watermark_matches_manifest: bool | None = None
    reasons: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return (
            self.signature_valid
            and self.manifest_match
            and self.file_digest_match
            and self.watermark_matches_manifest is not False
        )


# --------------------------------------------------------------------------- router


class RouteContext(Model):
    device: Literal["cpu", "gpu"] = "cpu"
    memory_gb: Annotated[float, Field(ge=0)] = 0.0
    width: Annotated[int, Field(ge=1)] = 640
    height: Annotated[int, Field(ge=1)] = 360
    num_frames: Annotated[int, Field(ge=0)] = 0
    time_budget_s: Annotated[float, Field(gt=0)] | None = None


QualityPreset = Literal["draft", "standard", "high"]


class RouteRequest(Model):
    slot: NonEmptyStr
    candidates: Annotated[tuple[str, ...], Field(min_length=1)]
    context: RouteContext = RouteContext()


class RouteDecision(Model):
    slot: str
    ranking: Annotated[tuple[str, ...], Field(min_length=1)]
    preset: QualityPreset = "standard"
    scores: dict[str, float] = {}
    explored: bool = False


class RouteOutcome(Model):
    slot: str
    candidate: str
    context: RouteContext = RouteContext()
    success: bool
    latency_s: Annotated[float, Field(ge=0)]
    quality: Annotated[float, Field(ge=0.0, le=1.0)] | None = None


# --------------------------------------------------------------------------- run report


StageStatus = Literal["ok", "fallback", "reused", "failed", "skipped"]


class FallbackRecord(Model):
    implementation: str
    error_code: str
    message: str
    repair: str = ""  # the failing module's REPAIR.md section (contracts 1.1)


class StageRecord(Model):
    stage: str
    slot: str
    implementation: str
    version: str
    status: StageStatus
    duration_s: Annotated[float, Field(ge=0)] = 0.0
    fallbacks: tuple[FallbackRecord, ...] = ()
    error_codes: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    input_digest: str = ""


class RunReport(Model):
    run_id: str
    lesson_title: str
    profile: str
    status: Literal["ok", "degraded", "failed", "running"]
    stages: tuple[StageRecord, ...] = ()
    output: str | None = None
    width: int = 0
    height: int = 0
    fps: int = 0
    timeline_fps: int = 0
    num_shots: int = 0
    duration_s: float = 0.0
    wall_s: float = 0.0
    error: dict[str, str] | None = None

    @property
    def degraded(self) -> bool:
        return any(s.status == "fallback" for s in self.stages)


_SLUG = re.compile(r"[^a-z0-9]+")


#: Latin letters that Unicode does not decompose into an ASCII letter and a mark.
_FOLD = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "ß": "ss", "æ": "ae",
     "œ": "oe", "þ": "th"}
)  # fmt: skip


def slugify(text: str, *, max_len: int = 40) -> str:
    """A stable id fragment: lower-case ASCII letters, digits and dashes.

    Accented Latin letters fold to their base letter ("Lucía" -> "lucia", "Łódź" -> "lodz";
    they were dropped: "luc-a", "d"). Text with no letter or digit that folds (Москва,
    Αθήνα, 北京) gets ``u-`` and a hash of the text, so two such names stay two ids (they
    were all "x")."""
    folded = unicodedata.normalize("NFKD", text.lower().translate(_FOLD))
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    slug = _SLUG.sub("-", folded).strip("-")[:max_len].strip("-")
    if slug:
        return slug
    if text.strip():
        return "u-" + hashlib.sha256(text.strip().encode()).hexdigest()[:8]
    return "x"
