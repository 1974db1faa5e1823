"""The pipeline runner: composes shot specs, runs every slot on one timeline, falls back,
caches each stage's output in the run directory and resumes from it.

Order: narrative -> identity -> scene -> emotion -> voice (per shot; fixes each shot's frame
count) -> keyframe -> motion -> extender -> lipsync (per shot) -> transitions -> render
(streaming: interpolator -> upscaler -> watermark -> encoder) -> sign.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from ttv_contracts.errors import (
    E_AV_MISMATCH,
    E_OUTPUT_UNWRITABLE,
    E_RESUME_INVALID,
    E_STAGE_FAILED,
    TTVError,
)
from ttv_contracts.stubs import stable_seed
from ttv_contracts.v1 import (
    SLOTS,
    AudioClip,
    Cast,
    CharacterRef,
    Clip,
    EmotionTrack,
    FallbackRecord,
    Keyframe,
    Lesson,
    ProvenanceManifest,
    ProvenanceRecord,
    RouteContext,
    RouteOutcome,
    RouteRequest,
    RunReport,
    SceneBook,
    ShotSpec,
    StoryPlan,
    SubtitleCue,
    TransitionBlender,
    TransitionSpec,
    VoiceSpec,
    WatermarkPayload,
    frames_for_duration,
    output_frame_count,
)

from .chain import SlotChain, StageStats, StageTimeout, as_ttv_error
from .config import PipelineConfig, config_json
from .encoder import Mp4Writer, srt
from .registry import Registry
from .rundir import RunDir, digest, new_run_id

RENDER_SLOTS = ("interpolator", "upscaler", "watermark")


class Progress(Protocol):
    def start(self, stage: str, total: int) -> None: ...
    def advance(self, stage: str, n: int = 1) -> None: ...
    def finish(self, stage: str) -> None: ...


class NullProgress:
    def __enter__(self) -> NullProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def start(self, stage: str, total: int) -> None:
        pass

    def advance(self, stage: str, n: int = 1) -> None:
        pass

    def finish(self, stage: str) -> None:
        pass


@dataclass
class ShotTimeline:
    """Where a shot sits on the timeline (timeline frames and audio samples)."""

    index: int
    num_frames: int
    start_frame: int

    def start_s(self, fps: int) -> float:
        return self.start_frame / fps

    def end_s(self, fps: int) -> float:
        return (self.start_frame + self.num_frames) / fps


_QUOTE = re.compile(r"[\"“”«»„]")


class Pipeline:
    """Runs one lesson to an MP4. One instance per run; nothing is global."""

    def __init__(
        self,
        config: PipelineConfig,
        registry: Registry | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.config = config
        self.registry = registry or Registry()
        self.progress = progress or NullProgress()
        self.chains = {slot: SlotChain(slot, self.registry, config) for slot in SLOTS}
        self.stats: dict[str, StageStats] = {}
        self._order: list[str] = []
        self.router_chain = self.chains["router"]

    # ================================================================== public

    def run(
        self,
        lesson: Lesson,
        output: str | Path,
        *,
        run_dir: str | Path | None = None,
        runs_root: str | Path = "runs",
        resume: bool = False,
    ) -> RunReport:
        """Render ``lesson`` to ``output``; returns the run report (also in report.json)."""
        output = Path(output)
        self._check_output(output)
        if run_dir is None:
            run_dir = Path(runs_root) / new_run_id(lesson.title)
        rd = RunDir(Path(run_dir))
        if resume:
            self._check_resume(rd, lesson)
        rd.create()
        rd.write_json("lesson.json", lesson)
        rd.write_text("config.json", config_json(self.config) + "\n")
        self.rd = rd
        self.run_id = rd.root.name
        self.started = time.perf_counter()
        self._report = RunReport(
            run_id=self.run_id,
            lesson_title=lesson.title,
            profile=self.config.profile,
            status="running",
            width=self.config.width,
            height=self.config.height,
            fps=self.config.fps,
            timeline_fps=self.config.timeline_fps,
        )
        try:
            report = self._run(lesson, output)
        except TTVError as err:
            self._write_report(status="failed", error=err.to_dict())
            raise
        except Exception as exc:  # never lose the report; surface as a coded error
            err = as_ttv_error(exc, "ttv-integration", "pipeline")
            self._write_report(status="failed", error=err.to_dict())
            raise err from exc
        return report

    # ================================================================== checks

    @staticmethod
    def _check_output(output: Path) -> None:
        if output.suffix.lower() != ".mp4":
            raise TTVError(
                E_OUTPUT_UNWRITABLE, f"output {output} must end in .mp4", module="ttv-integration"
            )
        parent = output.parent if str(output.parent) else Path(".")
        if output.is_dir():
            raise TTVError(
                E_OUTPUT_UNWRITABLE, f"output {output} is a directory", module="ttv-integration"
            )
        if not parent.is_dir():
            raise TTVError(
                E_OUTPUT_UNWRITABLE,
                f"output folder {parent} does not exist",
                module="ttv-integration",
                hint="Create it, or pick another -o path.",
            )
        if not os.access(parent, os.W_OK):
            raise TTVError(
                E_OUTPUT_UNWRITABLE,
                f"output folder {parent} is not writable",
                module="ttv-integration",
            )

    @staticmethod
    def _check_resume(rd: RunDir, lesson: Lesson) -> None:
        saved = rd.root / "lesson.json"
        if not saved.is_file():
            raise TTVError(
                E_RESUME_INVALID,
                f"{rd.root} is not a TTV run directory (no lesson.json)",
                module="ttv-integration",
            )
        try:
            previous = Lesson.model_validate_json(saved.read_text(encoding="utf-8"))
        except Exception:
            raise TTVError(
                E_RESUME_INVALID, f"{saved} is unreadable", module="ttv-integration"
            ) from None
        if previous != lesson:
            raise TTVError(
                E_RESUME_INVALID,
                f"{rd.root} was made from another lesson",
                module="ttv-integration",
                hint="Resume with the same lesson, or start a new run.",
            )

    # ================================================================== bookkeeping

    def _stage(self, stage: str, slot: str) -> StageStats:
        if stage not in self.stats:
            self.stats[stage] = StageStats(stage=stage, slot=slot)
            self._order.append(stage)
        return self.stats[stage]

    def _write_report(self, *, final: bool = False, **fields: Any) -> RunReport:
        records = tuple(self.stats[s].record() for s in self._order)
        data = self._report.model_dump()
        data.update(stages=records, wall_s=round(time.perf_counter() - self.started, 3), **fields)
        if final:
            data["status"] = "degraded" if any(r.status == "fallback" for r in records) else "ok"
        self._report = RunReport.model_validate(data)
        self.rd.write_json("report.json", self._report)
        return self._report

    def _route_context(self, num_frames: int = 0) -> RouteContext:
        return RouteContext(
            device="cpu",
            width=self.config.timeline_width,
            height=self.config.timeline_height,
            num_frames=num_frames,
            time_budget_s=self.config.stage_timeout_s,
        )

    def _order_for(self, slot: str, ctx: RouteContext) -> list[str]:
        """The slot's candidates, ordered by the router (the configured one stays first
        unless ``route_primary`` is set; the stub stays last)."""
        chain = self.chains[slot]
        if slot == "router":
            return chain.candidates
        head = [] if self.config.route_primary else [chain.primary]
        pool = [n for n in chain.candidates if n != "stub" and n not in head]
        if pool:
            stats = self._stage("route", "router")
            try:
                decision = self.router_chain.call(
                    "rank", (RouteRequest(slot=slot, candidates=tuple(pool), context=ctx),), stats
                )
                pool = list(decision.ranking)
            except TTVError:
                pass  # the configured order stands
        tail = ["stub"] if "stub" in chain.candidates else []
        return [*head, *pool, *[t for t in tail if t not in head]]

    def _outcome(self, slot: str, ctx: RouteContext) -> Callable[[str, bool, float], None]:
        def record(name: str, ok: bool, seconds: float) -> None:
            if slot == "router" or name == "stub":
                return
            try:
                outcome = RouteOutcome(
                    slot=slot, candidate=name, context=ctx, success=ok, latency_s=max(0.0, seconds)
                )
                self.router_chain.run_in(
                    self.router_chain.primary,
                    lambda router: router.record(outcome),
                    self.config.stage_timeout_s,
                )
            except Exception as exc:  # learning is best-effort; the run goes on
                self._stage("route", "router").notes.append(f"router could not record: {exc}")

        return record

    def _call(self, stage: str, slot: str, method: str, args: tuple, num_frames: int = 0) -> Any:
        ctx = self._route_context(num_frames)
        stats = self._stage(stage, slot)
        return self.chains[slot].call(
            method,
            args,
            stats,
            order=self._order_for(slot, ctx),
            on_outcome=self._outcome(slot, ctx),
        )

    def _model_stage(
        self, stage: str, slot: str, method: str, args: tuple, cls: type, key: str
    ) -> Any:
        stats = self._stage(stage, slot)
        stats.input_digest = key[:16]
        cached = self.rd.load_model(stage, key, cls)
        if cached is not None:
            stats.reused += 1
            return cached
        self.progress.start(stage, 1)
        result = self._call(stage, slot, method, args)
        self.rd.save_model(stage, key, result)
        self.progress.finish(stage)
        return result

    # ================================================================== the run

    def _run(self, lesson: Lesson, output: Path) -> RunReport:
        cfg = self.config
        ident = {slot: chain.identity() for slot, chain in self.chains.items()}
        for slot, chain in self.chains.items():
            if chain.skipped:
                self._stage(f"select:{slot}", slot).notes.extend(chain.skipped)

        lesson_key = digest("lesson", lesson)
        plan_key = digest("narrative", ident["narrative"], lesson_key)
        plan: StoryPlan = self._model_stage(
            "narrative", "narrative", "plan", (lesson,), StoryPlan, plan_key
        )
        self._write_report(num_shots=len(plan.shots))

        cast_key = digest("identity", ident["identity"], plan_key)
        cast: Cast = self._model_stage("identity", "identity", "resolve", (plan,), Cast, cast_key)
        scene_key = digest("scene", ident["scene"], plan_key, cast_key)
        book: SceneBook = self._model_stage(
            "scene", "scene", "build", (plan, cast), SceneBook, scene_key
        )
        emo_key = digest("emotion", ident["emotion"], plan_key)
        track: EmotionTrack = self._model_stage(
            "emotion", "emotion", "analyze", (plan,), EmotionTrack, emo_key
        )
        self._write_report()

        # ---- voice: fixes each shot's length, so audio and video share one timeline
        audio_keys, timeline = self._voice_stage(plan, cast, ident["voice"], plan_key, cast_key)
        self._write_report()

        # ---- per-shot frames
        specs = [self._spec(plan, cast, book, track, t) for t in timeline]
        lip_keys = self._frames_stage(specs, timeline, audio_keys, ident, cast)
        self._write_report()

        final_keys = self._transitions_stage(book, track, lip_keys, ident["transitions"])
        self._write_report()

        video, cues = self._render_stage(plan, timeline, audio_keys, final_keys, ident, lesson)
        self._write_report(
            duration_s=round(sum(t.num_frames for t in timeline) / cfg.timeline_fps, 4)
        )

        record = self._sign_stage(video, lesson)
        report = self._deliver(video, output, cues, record)
        return report

    # ------------------------------------------------------------------ voice

    def _voice_spec(self, shot_text: str, shot_index: int, cast: Cast, language: str) -> VoiceSpec:
        base = dict(self.config.slot("voice").options.get("narrator", {}) or {})
        spec = {"language": language, "speaker_seed": self.config.seed, **base}
        present = cast.in_shot(shot_index)
        if _QUOTE.search(shot_text) and len(present) == 1:
            # Quoted speech with one character present: that character's own, stable voice.
            ch = present[0]
            gender = {"he": "male", "she": "female"}.get(ch.pronouns, "neutral")
            spec.update(gender=gender, speaker_seed=ch.seed)
        return VoiceSpec.model_validate(spec)

    def _voice_stage(
        self, plan: StoryPlan, cast: Cast, ident: Any, plan_key: str, cast_key: str
    ) -> tuple[list[str], list[ShotTimeline]]:
        cfg = self.config
        stats = self._stage("voice", "voice")
        self.progress.start("voice", len(plan.shots))
        keys, timeline, start = [], [], 0
        for shot in plan.shots:
            vspec = self._voice_spec(shot.narration, shot.index, cast, plan.language)
            key = digest("voice", ident, shot.narration, vspec)
            loaded = self.rd.load_arrays("voice", key)
            if loaded is None:
                audio: AudioClip = self._call(
                    "voice", "voice", "synthesize", (shot.narration, vspec)
                )
                meta = audio.model_dump(mode="json", exclude={"samples"})
                self.rd.save_arrays("voice", key, meta, samples=audio.samples)
                seconds = audio.duration_s
            else:
                stats.reused += 1
                meta, arrays = loaded
                seconds = arrays["samples"].shape[0] / meta["sample_rate"]
            n = frames_for_duration(seconds + cfg.shot_pad_s, cfg.timeline_fps)
            timeline.append(ShotTimeline(shot.index, n, start))
            start += n
            keys.append(key)
            self.progress.advance("voice")
        self.progress.finish("voice")
        return keys, timeline

    def _load_audio(self, key: str) -> AudioClip:
        loaded = self.rd.load_arrays("voice", key)
        if loaded is None:
            raise TTVError(
                E_RESUME_INVALID,
                f"voice artifact {key[:12]} vanished from the run",
                module="ttv-integration",
            )
        meta, arrays = loaded
        return AudioClip(samples=arrays["samples"], **meta)

    # ------------------------------------------------------------------ specs

    def _spec(
        self, plan: StoryPlan, cast: Cast, book: SceneBook, track: EmotionTrack, t: ShotTimeline
    ) -> ShotSpec:
        cfg = self.config
        shot = plan.shots[t.index]
        scene = book.for_shot(t.index)
        cue = track.for_shot(t.index)
        present = cast.in_shot(t.index)
        looks = "; ".join(f"{c.name}: {c.look()}" for c in present)
        prompt = ", ".join(
            p
            for p in (
                scene.setting,
                scene.time_of_day if scene.time_of_day != "unknown" else "",
                looks,
                f"{cue.emotion.value} mood",
                shot.narration,
            )
            if p
        )
        return ShotSpec(
            shot_index=t.index,
            prompt=prompt[:2000],
            negative_prompt="blurry, distorted faces, watermark text, low quality",
            caption=shot.narration,
            setting=scene.setting,
            palette=scene.palette,
            characters=tuple(
                CharacterRef(id=c.id, name=c.name, descriptors=c.descriptors, seed=c.seed)
                for c in present
            ),
            seed=stable_seed(cfg.seed, scene.background_seed, t.index),
            width=cfg.timeline_width,
            height=cfg.timeline_height,
            fps=cfg.timeline_fps,
            num_frames=t.num_frames,
            directives=cue.directives,
        )

    # ------------------------------------------------------------------ frames

    def _save_clip(self, stage: str, key: str, clip: Clip) -> None:
        meta = clip.model_dump(mode="json", exclude={"frames"})
        self.rd.save_arrays(stage, key, meta, frames=clip.frames)

    def _load_clip(self, stage: str, key: str) -> Clip | None:
        loaded = self.rd.load_arrays(stage, key)
        if loaded is None:
            return None
        meta, arrays = loaded
        return Clip(frames=arrays["frames"], **meta)

    def _frames_stage(
        self,
        specs: list[ShotSpec],
        timeline: list[ShotTimeline],
        audio_keys: list[str],
        ident: dict[str, Any],
        cast: Cast,
    ) -> list[str]:
        """keyframe -> motion -> extender -> lipsync, one shot at a time (bounded memory)."""
        for stage in ("keyframe", "motion", "extender", "lipsync"):
            self._stage(stage, stage)
            self.progress.start(stage, len(specs))
        lip_keys = []
        for spec, t, akey in zip(specs, timeline, audio_keys, strict=True):
            kf_key = digest("keyframe", ident["keyframe"], spec)
            mo_key = digest("motion", ident["motion"], spec, kf_key)
            ex_key = digest("extender", ident["extender"], mo_key, t.num_frames)
            li_key = digest("lipsync", ident["lipsync"], ex_key, akey, spec.characters)
            lip_keys.append(li_key)
            if self.rd.has("lipsync", li_key, ".npz"):
                for stage in ("keyframe", "motion", "extender", "lipsync"):
                    self.stats[stage].reused += 1
                    self.progress.advance(stage)
                continue
            clip = self._load_clip("extender", ex_key)
            if clip is None:
                motion = self._load_clip("motion", mo_key)
                if motion is None:
                    kf = self._load_keyframe(kf_key)
                    if kf is None:
                        kf = self._call("keyframe", "keyframe", "render", (spec,), spec.num_frames)
                        self.rd.save_arrays(
                            "keyframe",
                            kf_key,
                            kf.model_dump(mode="json", exclude={"image"}),
                            image=kf.image,
                        )
                    else:
                        self.stats["keyframe"].reused += 1
                    motion = self._call("motion", "motion", "animate", (spec, kf), spec.num_frames)
                    self._save_clip("motion", mo_key, motion)
                else:
                    self.stats["keyframe"].reused += 1
                    self.stats["motion"].reused += 1
                clip = self._call(
                    "extender", "extender", "extend", (motion, t.num_frames), t.num_frames
                )
                self._save_clip("extender", ex_key, clip)
                del motion
            else:
                for stage in ("keyframe", "motion", "extender"):
                    self.stats[stage].reused += 1
            for stage in ("keyframe", "motion", "extender"):
                self.progress.advance(stage)
            audio = self._load_audio(akey)
            synced = self._call(
                "lipsync", "lipsync", "sync", (clip, audio, spec.characters), t.num_frames
            )
            self._save_clip("lipsync", li_key, synced)
            self.progress.advance("lipsync")
        for stage in ("keyframe", "motion", "extender", "lipsync"):
            self.progress.finish(stage)
        return lip_keys

    def _load_keyframe(self, key: str) -> Keyframe | None:
        loaded = self.rd.load_arrays("keyframe", key)
        if loaded is None:
            return None
        meta, arrays = loaded
        return Keyframe(image=arrays["image"], **meta)

    # ------------------------------------------------------------------ transitions

    def _pick(self, book: SceneBook, track: EmotionTrack, i: int) -> TransitionSpec:
        chain = self.chains["transitions"]
        changed = book.for_shot(i).location_id != book.for_shot(i + 1).location_id
        hint = track.for_shot(i + 1).transition_hint
        try:
            spec = chain.instance(chain.primary).pick(hint, changed, self.config.timeline_fps)
            if isinstance(spec, TransitionSpec):
                return spec
        except Exception as exc:
            self._stage("transitions", "transitions").notes.append(f"pick failed: {exc}")
        return TransitionBlender.pick(
            chain.instance("stub"), hint, changed, self.config.timeline_fps
        )

    def _transitions_stage(
        self, book: SceneBook, track: EmotionTrack, lip_keys: list[str], ident: Any
    ) -> list[str]:
        """Blend each cut in place. All-or-nothing on resume: a cut changes both its shots."""
        n = len(lip_keys)
        specs = [self._pick(book, track, i) for i in range(n - 1)]
        keys = [
            # the shot's own key and its neighbours (a cut changes both sides of it)
            digest(
                "transitions",
                ident,
                i,
                lip_keys[max(0, i - 1) : i + 2],
                specs[max(0, i - 1) : i + 1],
            )
            for i in range(n)
        ]
        stats = self._stage("transitions", "transitions")
        if all(self.rd.has("transitions", k, ".npz") for k in keys):
            stats.reused += n
            return keys
        self.progress.start("transitions", max(1, n - 1))
        current = self._load_lip(lip_keys[0])
        cuts = 0
        for i in range(n - 1):
            nxt = self._load_lip(lip_keys[i + 1])
            if specs[i].duration_frames > 0:
                current, nxt = self._call(
                    "transitions", "transitions", "blend", (current, nxt, specs[i])
                )
            else:
                cuts += 1
            self._save_clip("transitions", keys[i], current)
            current = nxt
            self.progress.advance("transitions")
        self._save_clip("transitions", keys[-1], current)
        if cuts:
            stats.notes.append(f"{cuts} hard cut(s) within one location: nothing to blend")
        if n == 1:
            stats.notes.append("one shot: no cuts")
        self.progress.finish("transitions")
        return keys

    def _load_lip(self, key: str) -> Clip:
        clip = self._load_clip("lipsync", key)
        if clip is None:
            raise TTVError(
                E_RESUME_INVALID,
                f"lip-sync artifact {key[:12]} is missing",
                module="ttv-integration",
            )
        return clip

    # ------------------------------------------------------------------ render

    def _render_stage(
        self,
        plan: StoryPlan,
        timeline: list[ShotTimeline],
        audio_keys: list[str],
        final_keys: list[str],
        ident: dict[str, Any],
        lesson: Lesson,
    ) -> tuple[Path, list[SubtitleCue]]:
        cfg = self.config
        cues = self._cues(plan, timeline, audio_keys)
        render_key = digest(
            "render",
            final_keys,
            audio_keys,
            [ident[s] for s in RENDER_SLOTS],
            cfg.width,
            cfg.height,
            cfg.fps,
            cfg.crf,
            cfg.audio_rate,
        )
        video = self.rd.path("video.mp4")
        stats = {s: self._stage(s, s) for s in RENDER_SLOTS}
        stats["encode"] = self._stage("encode", "integration")
        marker = self.rd.path("video.key")
        if video.is_file() and marker.is_file() and marker.read_text().strip() == render_key:
            for s in stats.values():
                s.reused += 1
            return video, cues
        total_in = sum(t.num_frames for t in timeline)
        total_out = output_frame_count(total_in, cfg.timeline_fps, cfg.fps)
        payload = WatermarkPayload(run_id=self.run_id, content_digest=lesson.digest())
        chains = {s: self.chains[s] for s in RENDER_SLOTS}
        orders = {s: self._order_for(s, self._route_context(total_in)) for s in RENDER_SLOTS}
        attempt = 0
        while True:
            attempt += 1
            picks = {
                s: next(n for n in orders[s] if n not in chains[s].disabled) for s in RENDER_SLOTS
            }
            tmp = self.rd.path(f"render-{attempt}.mp4")
            state = _RenderState()
            self.progress.start("render", total_out)
            worker = threading.Thread(
                target=state.run,
                args=(
                    functools.partial(
                        self._render_once,
                        tmp,
                        picks,
                        timeline,
                        audio_keys,
                        final_keys,
                        cues,
                        payload,
                        state,
                    ),
                ),
                daemon=True,
                name="ttv-render",
            )
            worker.start()
            culprit, error = None, None
            while worker.is_alive():
                worker.join(0.2)
                if worker.is_alive():
                    stuck = state.stuck_for()
                    slot = state.current_slot() or "encode"
                    budget = (
                        self.config.slot(slot).timeout_s if slot in SLOTS else None
                    ) or cfg.stage_timeout_s
                    if stuck > budget:
                        culprit = slot
                        error = as_ttv_error(
                            StageTimeout(f"no frame for {stuck:.1f} s"),
                            picks.get(slot, "encoder"),
                            slot,
                        )
                        break
            if culprit is None and state.error is not None:
                culprit = getattr(state.error, "_ttv_slot", None) or "encode"
                error = as_ttv_error(state.error, picks.get(culprit, "encoder"), culprit)
            self.progress.finish("render")
            if culprit is None:
                break
            if culprit not in RENDER_SLOTS or picks[culprit] == "stub":
                raise TTVError(
                    E_STAGE_FAILED,
                    f"render failed in {culprit}: {error.message}",
                    module="ttv-integration",
                ) from state.error
            stats[culprit].fallbacks.append(
                FallbackRecord(
                    implementation=picks[culprit],
                    error_code=error.code,
                    message=error.message[:500],
                )
            )
            self._outcome(culprit, self._route_context(total_in))(picks[culprit], False, 0.0)
            chains[culprit].disabled.add(picks[culprit])
            tmp.unlink(missing_ok=True)
            self._write_report()
        # track() times are inclusive of the stages upstream of each one; make them exclusive.
        inclusive = [state.seconds.get(s, 0.0) for s in ("source", *RENDER_SLOTS)]
        own = {s: max(0.0, inclusive[i + 1] - inclusive[i]) for i, s in enumerate(RENDER_SLOTS)}
        for slot in RENDER_SLOTS:
            name = picks[slot]
            stats[slot].used[name] += 1
            stats[slot].versions[name] = chains[slot].version(name)
            stats[slot].computed += 1
            stats[slot].seconds += own[slot]
            stats[slot].notes.extend(chains[slot].instance(name).drain_notes())
            self._outcome(slot, self._route_context(total_in))(name, True, own[slot])
        stats["encode"].used["pyav-libx264"] += 1
        stats["encode"].versions["pyav-libx264"] = _av_version()
        stats["encode"].computed += 1
        stats["encode"].seconds += state.seconds.get("encode", 0.0)
        if state.frames_written != total_out:
            raise TTVError(
                E_AV_MISMATCH,
                f"wrote {state.frames_written} frames, the timeline needs {total_out}",
                module="ttv-integration",
            )
        os.replace(tmp, video)
        self.rd.write_text("video.key", render_key)
        self.rd.write_text("subtitles.srt", srt(cues))
        self._used_watermark = picks["watermark"]
        return video, cues

    def _cues(
        self, plan: StoryPlan, timeline: list[ShotTimeline], audio_keys: list[str]
    ) -> list[SubtitleCue]:
        fps = self.config.timeline_fps
        cues = []
        for t, key in zip(timeline, audio_keys, strict=True):
            audio = self._load_audio(key)
            speech_end = audio.words[-1].end_s if audio.words else audio.duration_s
            start = t.start_s(fps)
            end = min(t.end_s(fps), start + max(speech_end, 0.5))
            cues.append(
                SubtitleCue(
                    index=t.index,
                    start_s=round(start, 3),
                    end_s=round(end, 3),
                    text=plan.shots[t.index].narration,
                )
            )
        return cues

    def _render_once(
        self,
        tmp: Path,
        picks: dict[str, str],
        timeline: list[ShotTimeline],
        audio_keys: list[str],
        final_keys: list[str],
        cues: list[SubtitleCue],
        payload: WatermarkPayload,
        state: _RenderState,
    ) -> None:
        cfg = self.config
        impls = {s: self.chains[s].instance(picks[s]) for s in RENDER_SLOTS}
        writer = Mp4Writer(
            tmp,
            width=cfg.width,
            height=cfg.height,
            fps=cfg.fps,
            audio_rate=cfg.audio_rate,
            crf=cfg.crf,
            metadata={"title": self._report.lesson_title, "comment": f"ttv run {self.run_id}"},
        )

        def source() -> Iterator[np.ndarray]:
            for t, akey, fkey, cue in zip(timeline, audio_keys, final_keys, cues, strict=True):
                # Audio for exactly this shot's span of the timeline, written as the shot starts.
                a0 = t.start_frame * cfg.audio_rate // cfg.timeline_fps
                a1 = (t.start_frame + t.num_frames) * cfg.audio_rate // cfg.timeline_fps
                writer.write_audio(_fit_audio(self._load_audio(akey), cfg.audio_rate, a1 - a0))
                writer.add_cue(cue)
                clip = self._load_clip("transitions", fkey)
                if clip is None:
                    raise TTVError(
                        E_RESUME_INVALID,
                        f"timeline artifact {fkey[:12]} is missing",
                        module="ttv-integration",
                    )
                yield from clip.frames

        stream = state.track("source", source())
        stream = state.track(
            "interpolator", impls["interpolator"].interpolate(stream, cfg.timeline_fps, cfg.fps)
        )
        stream = state.track("upscaler", impls["upscaler"].upscale(stream, cfg.width, cfg.height))
        stream = state.track("watermark", impls["watermark"].embed(stream, payload))
        try:
            for frame in stream:
                t0 = time.perf_counter()
                writer.write_frame(frame)
                state.frames_written += 1
                state.seconds["encode"] = (
                    state.seconds.get("encode", 0.0) + time.perf_counter() - t0
                )
                self.progress.advance("render")
            t0 = time.perf_counter()
            writer.close()
            state.seconds["encode"] = state.seconds.get("encode", 0.0) + time.perf_counter() - t0
        except BaseException:
            writer.abort()
            raise

    # ------------------------------------------------------------------ sign and deliver

    def _sign_stage(self, video: Path, lesson: Lesson) -> ProvenanceRecord:
        stats = self._stage("sign", "watermark")
        report = self._write_report()
        modules = {}
        for slot, st in self.stats.items():
            if st.used and st.slot in SLOTS:
                modules[slot] = ", ".join(f"{n}@{st.versions.get(n, '?')}" for n in st.used)
        manifest = ProvenanceManifest(
            run_id=self.run_id,
            report_sha256=digest(report.model_dump(mode="json", exclude={"wall_s"})),
            modules=modules,
            payload_hex=WatermarkPayload(run_id=self.run_id, content_digest=lesson.digest()).hex(),
            created_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        chain = self.chains["watermark"]
        first = getattr(self, "_used_watermark", chain.primary)
        order = [first, *[n for n in chain.candidates if n != first]]
        record = chain.call("sign", (video, manifest), stats, order=order)
        self.rd.write_json("provenance.json", record)
        return record

    def _deliver(
        self, video: Path, output: Path, cues: list[SubtitleCue], record: ProvenanceRecord
    ) -> RunReport:
        try:
            tmp = output.with_name(f".{output.name}.partial")
            shutil.copyfile(video, tmp)
            os.replace(tmp, output)
            for side in video.parent.glob(video.name + ".*"):
                shutil.copyfile(side, output.with_name(output.name + side.name[len(video.name) :]))
            output.with_suffix(".srt").write_text(srt(cues), encoding="utf-8")
        except OSError as exc:
            raise TTVError(
                E_OUTPUT_UNWRITABLE,
                f"cannot write {output}: {exc.strerror or exc}. "
                f"The finished video is kept at {video}.",
                module="ttv-integration",
            ) from None
        return self._write_report(final=True, output=str(output))


class _RenderState:
    """Which stream stage is working, when a frame last moved, what failed."""

    def __init__(self) -> None:
        self.stack: list[str] = []
        self.last_progress = time.monotonic()
        self.error: BaseException | None = None
        self.frames_written = 0
        self.seconds: dict[str, float] = {}

    def run(self, fn: Callable[[], None]) -> None:
        try:
            fn()
        except BaseException as exc:
            self.error = exc

    def track(self, slot: str, it: Iterator[np.ndarray]) -> Iterator[np.ndarray]:
        it = iter(it)
        while True:
            self.stack.append(slot)
            t0 = time.perf_counter()
            try:
                frame = next(it)
            except StopIteration:
                return
            except BaseException as exc:
                if not hasattr(exc, "_ttv_slot"):
                    with contextlib.suppress(AttributeError):
                        exc._ttv_slot = slot  # innermost stage that saw it is the culprit
                raise
            finally:
                self.stack.pop()
                self.seconds[slot] = self.seconds.get(slot, 0.0) + time.perf_counter() - t0
                self.last_progress = time.monotonic()
            yield frame

    def current_slot(self) -> str | None:
        return self.stack[-1] if self.stack else None

    def stuck_for(self) -> float:
        return time.monotonic() - self.last_progress


def _fit_audio(audio: AudioClip, rate: int, n: int) -> np.ndarray:
    """Resample (linear) to ``rate`` and pad with silence or trim to exactly ``n`` samples."""
    src = audio.samples
    if audio.sample_rate != rate and src.size:
        m = max(1, round(src.size * rate / audio.sample_rate))
        x = np.arange(m, dtype=np.float64) * (audio.sample_rate / rate)
        src = np.interp(x, np.arange(src.size), src).astype(np.float32)
    out = np.zeros(n, np.float32)
    k = min(n, src.size)
    out[:k] = src[:k]
    return out


def _av_version() -> str:
    try:
        import av

        return av.__version__
    except Exception:  # pragma: no cover
        return "?"
