"""The pipeline: a lesson flows through the declared stages to a signed MP4.

Stages live in :mod:`ttv_integration.stages` (one file each) and run in the order their data
flow gives: narrative -> identity -> scene -> emotion -> voice (fixes the timeline) ->
shot specs -> keyframe / motion / extender / lipsync (per shot) -> cuts -> transitions ->
cues -> render (interpolator -> upscaler -> watermark -> encoder) -> sign. The per-shot
stages and transitions are made when the render pulls each shot (one shot ahead, on a
producer thread), so the render starts after the first cut. The
:class:`~ttv_integration.executor.Executor` does every call, cache lookup and fallback.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any, Protocol

from ttv_contracts.errors import E_OUTPUT_UNWRITABLE, E_RESUME_INVALID, TTVError
from ttv_contracts.v1 import Lesson, RunReport

from .cache import ArtifactCache
from .chain import as_ttv_error
from .config import PipelineConfig, config_json
from .encoder import srt
from .executor import Executor, NullProgress
from .registry import Registry
from .rundir import RunDir, new_run_id
from .runs import RunLock, maybe_evict, note_cache_bytes
from .stages import State, pipeline_stages
from .stages.render import fit_audio as _fit_audio  # noqa: F401  (bench and tests use it)
from .stages.sequence import TimelineEdit
from .stages.voice import ShotTimeline  # noqa: F401  (public: where a shot sits)


class Progress(Protocol):
    def start(self, stage: str, total: int) -> None: ...
    def advance(self, stage: str, n: int = 1) -> None: ...
    def finish(self, stage: str) -> None: ...


class Pipeline:
    """Runs one lesson to an MP4. One instance per run; nothing is global, and nothing the
    run started (threads, implementation instances) outlives :meth:`run`."""

    def __init__(
        self,
        config: PipelineConfig,
        registry: Registry | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.config = config
        self.registry = registry or Registry()
        self.progress = progress or NullProgress()
        self.stages = pipeline_stages()
        self.stats: dict[str, Any] = {}
        self.abandoned: list[str] = []

    def run(
        self,
        lesson: Lesson,
        output: str | Path,
        *,
        run_dir: str | Path | None = None,
        runs_root: str | Path = "runs",
        resume: bool = False,
        edit: TimelineEdit | None = None,
        otio: str | Path | None = None,
    ) -> RunReport:
        """Render ``lesson`` to ``output``; returns the run report (also in report.json).
        ``edit`` renders an edited cut of the lesson (see :mod:`.stages.sequence`); the
        OpenTimelineIO timeline goes to ``otio`` (default: ``output`` with ``.otio``)."""
        output = Path(output)
        check_output(output)
        self.otio_path = Path(otio) if otio is not None else output.with_suffix(".otio")
        rd = RunDir(
            Path(run_dir) if run_dir is not None else Path(runs_root) / new_run_id(lesson.title)
        )
        if resume:
            check_resume(rd, lesson)
        rd.create()
        lock = RunLock(rd.root)
        if not lock.acquire():
            raise TTVError(
                E_RESUME_INVALID,
                f"{rd.root} is in use by another ttv process",
                module="ttv-integration",
                hint="Wait for that run to finish, or use another run directory.",
            )
        try:
            return self._run_locked(lesson, output, rd, edit)
        finally:
            lock.release()

    def _run_locked(
        self, lesson: Lesson, output: Path, rd: RunDir, edit: TimelineEdit | None = None
    ) -> RunReport:
        rd.write_json("lesson.json", lesson)
        if edit is not None:
            rd.write_json("edit.json", edit)
        rd.write_text("config.json", config_json(self.config) + "\n")
        self.rd, self.run_id = rd, rd.root.name
        self.started = time.perf_counter()
        self._reported = float("-inf")  # the first report is written at once
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
        cache = ArtifactCache(rd.path("cache"), memory_budget_mb=self.config.cache_memory_mb)
        # Keep the caches under the runs root within budget (least recently used first), on
        # the cache's writer thread while the run works.
        budget = self.config.cache_budget_mb * 1024 * 1024
        cache.defer(lambda: maybe_evict(rd.root.parent, budget, keep=rd.root))
        self.executor = ex = Executor(self.config, self.registry, cache, self.progress)
        try:
            with ex:
                state = State(
                    lesson=lesson,
                    rd=rd,
                    run_id=self.run_id,
                    report_now=self._write_report,
                    edit=edit,
                )
                for stage in self.stages:
                    stage.run(ex, state)
                    missing = [o for o in stage.outputs if not state.has(o)]
                    if missing:
                        raise RuntimeError(f"stage {stage.name} did not write {missing}")
                    self._after(stage.name, state)
            deliver_timeline(state.otio, self.otio_path, output)
            report = self._deliver(state.video, output, state.cues)
        except TTVError as err:
            self._write_report(status="failed", error=err.to_dict())
            raise
        except Exception as exc:  # never lose the report; surface as a coded error
            err = as_ttv_error(exc, "ttv-integration", "pipeline")
            self._write_report(status="failed", error=err.to_dict())
            raise err from exc
        finally:
            self.stats = ex.stats
            self.abandoned = ex.abandoned
            note_cache_bytes(rd.root.parent, cache.bytes_written)
        return report

    # ------------------------------------------------------------------ report

    def _after(self, stage: str, state: State) -> None:
        if stage == "narrative":
            self._write_report(num_shots=len(state.plan.shots))
        elif stage == "render":
            total = sum(t.num_frames for t in state.timeline)
            self._write_report(duration_s=round(total / self.config.timeline_fps, 4))
        elif stage in ("voice", "lipsync"):  # the long stages before the render
            self._write_report()

    #: interim report.json writes (progress for ``ttv runs list`` and a killed run) at most
    #: this often; the final report and a failure's report are always written, durably.
    REPORT_INTERVAL_S = 1.0

    def _write_report(self, *, final: bool = False, **fields: Any) -> RunReport:
        records = self.executor.records()
        data = self._report.model_dump()
        data.update(stages=records, wall_s=round(time.perf_counter() - self.started, 3), **fields)
        if final:
            data["status"] = "degraded" if any(r.status == "fallback" for r in records) else "ok"
        # Fields come from the model and validated records: construct, no second validation.
        self._report = RunReport.model_construct(**data)
        durable = final or "error" in fields
        now = time.perf_counter()
        if durable or now - self._reported >= self.REPORT_INTERVAL_S:
            self.rd.write_json("report.json", self._report, durable=durable)
            self._reported = now
        return self._report

    def _deliver(self, video: Path, output: Path, cues: list) -> RunReport:
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


def deliver_timeline(run_timeline: Any, dest: Path, video: Path) -> None:
    """The run's timeline (already written as its ``timeline.otio``, so it may be retargeted
    in place), its media pointing at the delivered video, in the format ``dest``'s suffix
    names (.otio, .xml for FCP 7, .edl for CMX 3600)."""
    from .otio_export import retarget, write

    write(retarget(run_timeline, video), dest)


def check_output(output: Path) -> None:
    """The output must be an .mp4 path in an existing, writable folder."""
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
            E_OUTPUT_UNWRITABLE, f"output folder {parent} is not writable", module="ttv-integration"
        )


def check_resume(rd: RunDir, lesson: Lesson) -> None:
    """A run directory can be resumed only with the lesson it was made from."""
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
