"""Deterministic, dependency-free (numpy + pydantic) implementations of every slot.

Stubs are the last link of every fallback chain: they are simple on purpose, always produce
valid output, and are honest about what they are (a held card, a quiet tone, no signature).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from . import __version__
from .v1.models import (
    AudioClip,
    Beat,
    Cast,
    CharacterRef,
    Clip,
    Emotion,
    EmotionCue,
    EmotionTrack,
    Keyframe,
    Lesson,
    Location,
    ProvenanceManifest,
    ProvenanceRecord,
    RouteDecision,
    RouteOutcome,
    RouteRequest,
    SceneBook,
    SceneContext,
    Shot,
    ShotSpec,
    StoryPlan,
    TransitionSpec,
    VerificationReport,
    VoiceSpec,
    WatermarkDetection,
    WatermarkPayload,
    WordTiming,
    slugify,
)
from .v1.options import NoOptions
from .v1.slots import (
    ClipExtender,
    EmotionAnalyzer,
    FrameInterpolator,
    IdentityResolver,
    KeyframeRenderer,
    LipSyncer,
    ModuleInfo,
    MotionGenerator,
    NarrativePlanner,
    Router,
    SceneBuilder,
    TransitionBlender,
    Upscaler,
    VoiceSynthesizer,
    Watermarker,
)
from .v1.timeline import resample_pairs
from .v1.tracks import fit_box  # the upscalers' fit; tracks map boxes with the same geometry

WORDS_PER_SECOND = 2.6
SHOT_PAD_S = 0.4


def _info(slot: str, summary: str) -> ModuleInfo:
    return ModuleInfo(
        slot=slot,
        name="stub",
        version=__version__,
        package="ttv-contracts",
        summary=summary,
        fallback_only=True,
    )


def stable_seed(*parts: object) -> int:
    """A 32-bit seed derived from ``parts``; the same everywhere, every run."""
    h = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(h[:4], "big")


def palette_from_seed(seed: int, n: int = 3) -> tuple[str, ...]:
    rng = np.random.default_rng(seed)
    return tuple("#" + "".join(f"{int(c):02x}" for c in rng.integers(40, 216, 3)) for _ in range(n))


def estimate_duration(text: str) -> float:
    words = max(1, len(text.split()))
    return round(words / WORDS_PER_SECOND + SHOT_PAD_S, 3)


_SENTENCE = re.compile(r"(?<=[.!?])\s+")


class StubNarrative(NarrativePlanner):
    """One shot per sentence (naive split on ., !, ?); beats by position."""

    info = _info("narrative", "Naive sentence split, one shot per sentence.")
    Options = NoOptions

    def _plan(self, lesson: Lesson) -> StoryPlan:
        parts: list[tuple[int, str | None, str]] = []
        if lesson.scenes:
            for si, scene in enumerate(lesson.scenes):
                parts += [(si, scene.setting, s) for s in _SENTENCE.split(scene.text.strip()) if s]
        else:
            parts = [(0, None, s) for s in _SENTENCE.split((lesson.text or "").strip()) if s]
        n = len(parts)
        order = [Beat.SETUP, Beat.RISING, Beat.CLIMAX, Beat.RESOLUTION]
        shots = tuple(
            Shot(
                index=i,
                narration=text,
                beat=order[min(3, (4 * i) // n)],
                scene_index=si,
                setting=setting,
                target_duration_s=estimate_duration(text),
            )
            for i, (si, setting, text) in enumerate(parts)
        )
        return StoryPlan(title=lesson.title, language=lesson.language, kind="lesson", shots=shots)


class StubIdentity(IdentityResolver):
    """No characters: every shot is narrated without a cast."""

    info = _info("identity", "Empty cast.")
    Options = NoOptions

    def _resolve(self, plan: StoryPlan) -> Cast:
        return Cast()


class StubScene(SceneBuilder):
    """One location per distinct setting text; palette from a hash of the setting."""

    info = _info("scene", "One location per distinct setting, hashed palette.")
    Options = NoOptions

    def _build(self, plan: StoryPlan, cast: Cast) -> SceneBook:
        locations: dict[str, Location] = {}
        last_seen: dict[str, int] = {}
        contexts = []
        for shot in plan.shots:
            setting = shot.setting or plan.title
            loc_id = slugify(setting)
            if loc_id not in locations:
                seed = stable_seed("scene", setting)
                locations[loc_id] = Location(
                    id=loc_id, name=setting, palette=palette_from_seed(seed), seed=seed
                )
            loc = locations[loc_id]
            contexts.append(
                SceneContext(
                    shot_index=shot.index,
                    location_id=loc_id,
                    setting=setting,
                    palette=loc.palette,
                    background_seed=loc.seed,
                    characters=tuple(c.id for c in cast.in_shot(shot.index)),
                    continues_from=last_seen.get(loc_id),
                )
            )
            last_seen[loc_id] = shot.index
        return SceneBook(locations=tuple(locations.values()), shots=tuple(contexts))


class StubEmotion(EmotionAnalyzer):
    """Calm everywhere, static camera, dissolve hints."""

    info = _info("emotion", "Calm, neutral cue for every shot.")
    Options = NoOptions

    def _analyze(self, plan: StoryPlan) -> EmotionTrack:
        return EmotionTrack(
            cues=tuple(
                EmotionCue(
                    shot_index=s.index,
                    emotion=Emotion.CALM,
                    intensity=0.2,
                    valence=0.1,
                    arousal=0.2,
                )
                for s in plan.shots
            )
        )


def _hex_rgb(color: str) -> np.ndarray:
    return np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.float32)


class StubKeyframe(KeyframeRenderer):
    """A title card: a vertical gradient of the palette with grey bars standing in for the
    words of the caption (no font rendering: the stub stays dependency-free)."""

    info = _info("keyframe", "Palette gradient card with word bars (greeked caption).")
    Options = NoOptions

    def _render(self, spec: ShotSpec) -> Keyframe:
        h, w = spec.height, spec.width
        top, bottom = _hex_rgb(spec.palette[0]), _hex_rgb(spec.palette[-1])
        t = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None, None]
        img = (top * (1 - t) + bottom * t) * np.ones((1, w, 1), np.float32)
        words = (spec.caption or spec.prompt).split()[:24]
        x, y = w // 12, h // 2
        bar_h = max(2, h // 40)
        unit = max(1, w // 120)
        for word in words:
            length = unit * (2 * len(word) + 1)
            if x + length > w - w // 12:
                x, y = w // 12, y + 2 * bar_h
            if y + bar_h > h - h // 12:
                break
            img[y : y + bar_h, x : x + length] = 235.0
            x += length + 2 * unit
        return Keyframe(image=np.clip(img, 0, 255).astype(np.uint8))


class StubMotion(MotionGenerator):
    """Holds the keyframe for the spec's frame count (a still shot): the regions are static,
    so the clip carries no tracks."""

    info = _info("motion", "Still: the keyframe held for the whole shot.")
    Options = NoOptions

    def _animate(self, spec: ShotSpec, keyframe: Keyframe) -> Clip:
        frames = np.repeat(keyframe.image[None], spec.num_frames, axis=0)
        return Clip(frames=frames, fps=spec.fps, regions=keyframe.regions)


class StubTransitions(TransitionBlender):
    """Hard cuts: both clips returned unchanged (tracks included)."""

    info = _info("transitions", "Hard cut only.")
    Options = NoOptions

    def _blend(self, a: Clip, b: Clip, spec: TransitionSpec) -> tuple[Clip, Clip]:
        return a, b


class StubExtender(ClipExtender):
    """Trims, or holds the last frame (a freeze, never a loop); tracks are trimmed or hold
    the last frame's boxes with it."""

    info = _info("extender", "Trim or freeze on the last frame.")
    Options = NoOptions

    def _extend(self, clip: Clip, num_frames: int) -> Clip:
        frames = clip.frames[:num_frames]
        tracks = clip.tracks[:num_frames]
        if frames.shape[0] < num_frames:
            hold = np.repeat(frames[-1:], num_frames - frames.shape[0], axis=0)
            frames = np.concatenate([frames, hold])
            if tracks:  # the held frame keeps its boxes (contracts 1.2)
                tracks = tracks + (tracks[-1],) * (num_frames - len(tracks))
        return Clip(frames=frames, fps=clip.fps, regions=clip.regions, tracks=tracks)


class StubInterpolator(FrameInterpolator):
    """Nearest earlier frame (sample and hold): no new images are made."""

    info = _info("interpolator", "Sample-and-hold frame-rate conversion.")
    Options = NoOptions

    def _interpolate(
        self, frames: Iterator[np.ndarray], fps_in: int, fps_out: int
    ) -> Iterator[np.ndarray]:
        for a, _b, _t in resample_pairs(frames, fps_in, fps_out):
            yield a


class StubVoice(VoiceSynthesizer):
    """A quiet 220 Hz tone lasting as long as the words would take to say (no speech)."""

    info = _info("voice", "Quiet tone of the estimated speaking length, no speech.")
    Options = NoOptions
    sample_rate = 16000

    def _synthesize(self, text: str, spec: VoiceSpec) -> AudioClip:
        words = text.split()
        seconds = max(0.3, len(words) / WORDS_PER_SECOND * (160 / spec.rate_wpm))
        n = int(seconds * self.sample_rate)
        t = np.arange(n, dtype=np.float32) / self.sample_rate
        samples = (0.05 * np.sin(2 * np.pi * 220.0 * t)).astype(np.float32)
        step = seconds / max(1, len(words))
        timings = tuple(
            WordTiming(word=w, start_s=round(i * step, 4), end_s=round((i + 1) * step, 4))
            for i, w in enumerate(words)
        )
        return AudioClip(samples=samples, sample_rate=self.sample_rate, words=timings)


class StubLipSync(LipSyncer):
    """Passes frames (and tracks) through unchanged."""

    info = _info("lipsync", "Pass-through (no mouth motion).")
    Options = NoOptions

    def _sync(self, clip: Clip, audio: AudioClip, characters: tuple[CharacterRef, ...]) -> Clip:
        self.note("stub lip-sync: frames passed through")
        return clip


class StubUpscaler(Upscaler):
    """Nearest-neighbour resize that keeps the aspect ratio, letterboxed in black."""

    info = _info("upscaler", "Nearest-neighbour, aspect kept, letterboxed.")
    Options = NoOptions

    def _upscale(
        self, frames: Iterator[np.ndarray], width: int, height: int
    ) -> Iterator[np.ndarray]:
        index = None
        for frame in frames:
            if index is None:
                sh, sw = frame.shape[:2]
                x, y, w, h = fit_box(sw, sh, width, height)
                rows = (np.arange(h) * sh // h).astype(np.intp)
                cols = (np.arange(w) * sw // w).astype(np.intp)
                index = (x, y, w, h, rows, cols)
            x, y, w, h, rows, cols = index
            # columns first, on the source's rows, then whole rows: 3x faster than rows first
            # (measured at 160x90 -> 320x180), same pixels
            picked = np.take(np.take(frame, cols, axis=1), rows, axis=0)
            if (w, h) == (width, height):
                yield picked
                continue
            out = np.zeros((height, width, 3), np.uint8)
            out[y : y + h, x : x + w] = picked
            yield out


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class StubWatermark(Watermarker):
    """No watermark and no signature: records the file digest only (algorithm 'none')."""

    info = _info("watermark", "No mark; unsigned digest record.")
    Options = NoOptions

    def _embed_frame(self, frame: np.ndarray, payload: WatermarkPayload) -> np.ndarray:
        return frame

    def _detect(self, frames: Iterator[np.ndarray]) -> WatermarkDetection:
        n = sum(1 for _ in frames)
        return WatermarkDetection(
            payload_hex=None, confidence=0.0, frames_examined=n, method="stub"
        )

    def _sign(self, video: Path, manifest: ProvenanceManifest) -> ProvenanceRecord:
        return ProvenanceRecord(manifest=manifest, file_sha256=file_sha256(video), algorithm="none")

    def _verify(self, video: Path, record: ProvenanceRecord | None) -> VerificationReport:
        if record is None:
            return VerificationReport(
                signature_valid=False,
                manifest_match=False,
                file_digest_match=False,
                reasons=("no provenance record given",),
            )
        match = file_sha256(video) == record.file_sha256
        reasons = ["unsigned record (stub watermark): signature not checked"]
        if not match:
            reasons.append("file digest differs from the record")
        return VerificationReport(
            signature_valid=False,
            manifest_match=True,
            file_digest_match=match,
            reasons=tuple(reasons),
        )


class StubRouter(Router):
    """Keeps the configured order; learns nothing."""

    info = _info("router", "Configured order, standard preset, no learning.")
    Options = NoOptions

    def _rank(self, request: RouteRequest) -> RouteDecision:
        return RouteDecision(slot=request.slot, ranking=request.candidates, preset="standard")

    def _record(self, outcome: RouteOutcome) -> None:
        return None


STUBS = {
    cls.info.slot: cls
    for cls in (
        StubNarrative,
        StubIdentity,
        StubScene,
        StubEmotion,
        StubKeyframe,
        StubMotion,
        StubTransitions,
        StubExtender,
        StubInterpolator,
        StubVoice,
        StubLipSync,
        StubUpscaler,
        StubWatermark,
        StubRouter,
    )
}

__all__ = ["STUBS", "estimate_duration", "file_sha256", "fit_box", "stable_seed"]
