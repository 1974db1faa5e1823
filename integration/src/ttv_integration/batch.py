"""Batch rendering: many lessons, each in its own run directory, on a local process pool or Ray.

Layout of ``OUT_DIR``::

    batch.json              the batch report (one record per lesson)
    runs/<lesson-stem>/     each lesson's run directory (report.json, cache, resume)
    videos/<lesson-stem>.mp4 (+ .srt, sidecars)
    stores/                 the identity and router stores, shared by every worker, unless
                            the config names its own ``store_dir``

Running the same batch again skips every lesson whose video exists and whose record says
``ok`` or ``degraded`` for the same lesson bytes and the same config; the others (failed,
changed, new) are run again, resuming their run directory when the lesson is unchanged.

Workers report progress through a queue (a ``multiprocessing`` queue locally, a
``ray.util.queue.Queue`` on Ray); the parent draws one line per running lesson and an
overall bar. See ``integration/BATCH.md``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ttv_contracts.errors import (
    E_LESSON_INVALID,
    E_OUTPUT_UNWRITABLE,
    E_STAGE_FAILED,
    TTVError,
)

from .config import PipelineConfig

LESSON_SUFFIXES = (".json", ".txt", ".md")
IGNORED_NAMES = {"readme.md", "readme.txt", "license.md", "license.txt"}
BATCH_FORMAT = 1
DONE = ("ok", "degraded")

#: Events a worker sends: (kind, stem, payload). kind: start | stage | end.
Event = tuple[str, str, dict[str, Any]]


# ============================================================================ discovery


@dataclass(frozen=True)
class LessonJob:
    """One lesson of a batch; a plain, picklable description of what a worker must do."""

    stem: str
    source: str
    lesson_sha256: str
    config: dict[str, Any]
    config_sha256: str
    run_dir: str
    output: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def discover_lessons(lessons_dir: Path) -> list[tuple[str, Path]]:
    """``(stem, path)`` for every lesson file in ``lessons_dir`` (not recursive), sorted.

    READMEs, hidden files and names starting with ``_`` are not lessons. Two files with one
    stem (``a.json``, ``a.txt``) get distinct stems (``a-json``, ``a-txt``).
    """
    if not lessons_dir.is_dir():
        raise TTVError(
            E_LESSON_INVALID,
            f"lessons folder {lessons_dir} does not exist or is not a folder",
            module="ttv-integration",
        )
    files = sorted(
        p
        for p in lessons_dir.iterdir()
        if p.is_file()
        and p.suffix.lower() in LESSON_SUFFIXES
        and p.name.lower() not in IGNORED_NAMES
        and not p.name.startswith((".", "_"))
    )
    if not files:
        raise TTVError(
            E_LESSON_INVALID,
            f"lessons folder {lessons_dir} holds no lesson files ({', '.join(LESSON_SUFFIXES)})",
            module="ttv-integration",
        )
    stems: dict[str, int] = {}
    for p in files:
        stems[p.stem] = stems.get(p.stem, 0) + 1
    return [
        (p.stem if stems[p.stem] == 1 else f"{p.stem}-{p.suffix[1:].lower()}", p) for p in files
    ]


def _sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _config_for_batch(config: PipelineConfig) -> PipelineConfig:
    """The config every worker gets: the store directory made absolute, so that every worker
    (another process, another working directory on Ray) opens the same stores."""
    return config.model_copy(update={"store_dir": str(config.stores().resolve())})


def make_jobs(lessons_dir: Path, out_dir: Path, config: PipelineConfig) -> list[LessonJob]:
    config = _config_for_batch(config)
    data = config.model_dump(mode="json")
    cfg_sha = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
    return [
        LessonJob(
            stem=stem,
            source=str(path.resolve()),
            lesson_sha256=_sha256(path),
            config=data,
            config_sha256=cfg_sha,
            run_dir=str((out_dir / "runs" / stem).resolve()),
            output=str((out_dir / "videos" / f"{stem}.mp4").resolve()),
        )
        for stem, path in discover_lessons(lessons_dir)
    ]


def longest_first(jobs: list[LessonJob]) -> list[LessonJob]:
    """``jobs`` with the longest lessons first (by source size, a proxy for narration
    length; ties keep their order): the last lessons to start are the shortest, so the
    workers finish together instead of one running alone at the end (LPT scheduling)."""

    def size(job: LessonJob) -> int:
        try:
            return Path(job.source).stat().st_size
        except OSError:
            return 0

    return sorted(jobs, key=size, reverse=True)


# ============================================================================ the worker


class _EventProgress:
    """The pipeline's progress protocol, forwarded to the batch's event sink (throttled)."""

    def __init__(self, stem: str, emit: Callable[[Event], None], every_s: float = 0.25) -> None:
        self.stem, self.emit, self.every_s = stem, emit, every_s
        self.totals: dict[str, int] = {}
        self.done: dict[str, int] = {}
        self.last = 0.0

    def _send(self, stage: str, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self.last >= self.every_s:
            self.last = now
            payload = {"stage": stage, "completed": self.done[stage], "total": self.totals[stage]}
            self.emit(("stage", self.stem, payload))

    def start(self, stage: str, total: int) -> None:
        self.totals[stage], self.done[stage] = max(1, total), 0
        self._send(stage, force=True)

    def advance(self, stage: str, n: int = 1) -> None:
        if stage in self.done:
            self.done[stage] += n
            self._send(stage)

    def finish(self, stage: str) -> None:
        if stage in self.done:
            self.done[stage] = self.totals[stage]
            self._send(stage, force=True)


_WORKER_EVENTS: Any = None  # set in each local worker process by the pool initializer


def _init_local_worker(queue: Any, cpu_share: int = 0) -> None:
    global _WORKER_EVENTS
    _WORKER_EVENTS = queue
    if cpu_share > 0:  # this worker's part of the machine (the encoder sizes its threads by it)
        os.environ["TTV_CPU_SHARE"] = str(cpu_share)


def _ray_cpu_share() -> None:
    """In a Ray task: the CPUs Ray gave it, as this process's share (TTV_CPU_SHARE)."""
    try:
        import ray

        cpus = ray.get_runtime_context().get_assigned_resources().get("CPU", 0)
    except Exception:
        return
    if cpus:
        os.environ["TTV_CPU_SHARE"] = str(max(1, round(cpus)))


def _emitter(sink: Any) -> Callable[[Event], None]:
    if sink is None:
        return lambda event: None

    def emit(event: Event) -> None:
        # progress is best-effort: a full or closed queue never fails a run
        with contextlib.suppress(Exception):
            sink.put_nowait(event)

    return emit


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _ray_node_id() -> str | None:
    """The Ray node this process runs on, when it is a Ray worker (else None)."""
    if "ray" not in sys.modules:
        return None
    try:
        import ray

        return ray.get_runtime_context().get_node_id() if ray.is_initialized() else None
    except Exception:
        return None


def _count_attempt(job: dict[str, Any], node: str | None) -> tuple[int, list[str]]:
    """Append this execution to the lesson's attempt log (next to its run directory, so a
    fresh start of the run directory keeps it); return this batch's attempts and nodes."""
    log = Path(job["run_dir"]).parent / f".{job['stem']}.attempts"
    batch_id = job.get("batch_id") or "-"
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as fh:
            fh.write(f"{batch_id} {node or os.uname().nodename} {os.getpid()}\n")
        mine = [
            line.split()
            for line in log.read_text(encoding="utf-8").splitlines()
            if line.split()[:1] == [batch_id]
        ]
        return len(mine), [m[1] for m in mine]
    except OSError:
        return 1, [node or os.uname().nodename]


def render_lesson(
    job: dict[str, Any], events: Any = None, *, registry: Any = None
) -> dict[str, Any]:
    """Render one lesson; never raises for a lesson's own failure (it is in the record).

    Runs in a worker process (local pool or Ray task). Resumes the lesson's run directory
    when it was made from the same lesson; starts it afresh when the lesson changed. On Ray,
    the stages whose implementation needs a GPU run as Ray tasks that ask for one (see
    :func:`offload_gpu_stages`) unless this task holds a GPU itself. ``registry`` (tests,
    embedding programs) replaces the installed implementations.
    """
    from ttv_contracts.v1 import Lesson

    from .chain import as_ttv_error
    from .lesson import load_lesson
    from .runner import Pipeline

    emit = _emitter(events if events is not None else _WORKER_EVENTS)
    stem = job["stem"]
    started = time.perf_counter()
    node = _ray_node_id()
    if node is not None:
        _ray_cpu_share()
    attempts, attempt_nodes = _count_attempt(job, node)
    record: dict[str, Any] = {
        "lesson": stem,
        "source": job["source"],
        "lesson_sha256": job["lesson_sha256"],
        "config_sha256": job["config_sha256"],
        "run_dir": job["run_dir"],
        "output": None,
        "status": "failed",
        "error": None,
        "degraded_stages": [],
        "timings": {},
        "resumed": False,
        "worker": {"pid": os.getpid(), "host": os.uname().nodename},
        "started_at": _now(),
        "attempts": attempts,
    }
    if node is not None:
        record["worker"]["ray_node"] = node
        record["attempt_nodes"] = attempt_nodes
    emit(("start", stem, {}))
    offloaded: dict[str, dict[str, Any]] = {}
    try:
        lesson = load_lesson(job["source"])
        config = job["config"]
        if not isinstance(config, dict):  # a Ray ObjectRef: one copy for every lesson
            import ray

            config = ray.get(config)
        config = PipelineConfig.model_validate(config)
        if node is not None:
            from .registry import Registry

            registry = registry or Registry()
            offloaded = offload_gpu_stages(registry, config)
        run_dir = Path(job["run_dir"])
        output = Path(job["output"])
        output.parent.mkdir(parents=True, exist_ok=True)
        saved = run_dir / "lesson.json"
        resume = False
        if saved.is_file():
            try:
                resume = Lesson.model_validate_json(saved.read_text(encoding="utf-8")) == lesson
            except Exception:
                resume = False
            if not resume:  # another lesson (edited since) or a torn directory: start afresh
                shutil.rmtree(run_dir, ignore_errors=True)
        record["resumed"] = resume
        pipeline = Pipeline(config, registry=registry, progress=_EventProgress(stem, emit))
        report = pipeline.run(lesson, output, run_dir=run_dir, resume=resume)
        record.update(
            status=report.status,
            output=report.output,
            duration_s=report.duration_s,
            num_shots=report.num_shots,
            degraded_stages=[
                {"stage": s.stage, "implementation": s.implementation, "codes": list(s.error_codes)}
                for s in report.stages
                if s.status == "fallback"
            ],
            timings={
                "wall_s": report.wall_s,
                "stages": {s.stage: s.duration_s for s in report.stages},
            },
        )
    except Exception as exc:  # the lesson failed; the batch goes on
        err = as_ttv_error(exc, "ttv-integration", "batch")
        record["error"] = err.to_dict()
        report_file = Path(job["run_dir"]) / "report.json"
        if report_file.is_file():
            try:
                stages = json.loads(report_file.read_text(encoding="utf-8")).get("stages", [])
                record["timings"] = {"stages": {s["stage"]: s["duration_s"] for s in stages}}
            except Exception:
                pass
    record["timings"]["worker_wall_s"] = round(time.perf_counter() - started, 3)
    if offloaded:
        record["offloaded"] = {
            slot: {**log, "nodes": sorted(set(log["nodes"]))} for slot, log in offloaded.items()
        }
    record["finished_at"] = _now()
    emit(("end", stem, {"status": record["status"]}))
    return record


# ---------------------------------------------------------------- GPU stages as Ray tasks

#: Slots whose work is one call per item (a plan, a shot, a clip), with the underscore method
#: the slot's template calls. A GPU implementation of one of these runs as a Ray task asking
#: for a GPU, while the lesson's other stages stay on the CPU node. The streaming slots
#: (interpolator, upscaler, watermark) pull frames one by one from the lesson's process: a
#: GPU implementation of those makes the whole lesson task ask for the GPU instead.
OFFLOADABLE = {
    "narrative": "_plan",
    "identity": "_resolve",
    "scene": "_build",
    "emotion": "_analyze",
    "keyframe": "_render",
    "motion": "_animate",
    "transitions": "_blend",
    "extender": "_extend",
    "voice": "_synthesize",
    "lipsync": "_sync",
}

_GPU_INSTANCES: dict[tuple[Any, str], Any] = {}  # per GPU worker: models stay loaded


def _slot_call(cls: type, options: dict[str, Any], method: str, args: tuple) -> tuple:
    """Runs on the GPU node: one call of ``cls.<method>``; the instance (and whatever model
    it loaded) is kept for the next call this worker gets."""
    key = (cls, json.dumps(options, sort_keys=True, default=str))
    impl = _GPU_INSTANCES.get(key)
    if impl is None:
        impl = _GPU_INSTANCES[key] = cls(**options)
    out = getattr(impl, method)(*args)
    return out, _ray_node_id(), os.getpid(), impl.drain_notes()


def _offloaded_class(cls: type, slot: str, log: dict[str, Any], resources: dict[str, Any]):
    """A subclass of ``cls`` whose work method runs as a Ray task with ``resources``: same
    ``info`` (so cache keys, reports and provenance are unchanged), same input and output
    validation (the slot's template runs here, around the remote call)."""
    import ray

    method = OFFLOADABLE[slot]
    remote = ray.remote(_slot_call).options(**resources)

    def __init__(self, **options: Any) -> None:
        # the real instance is built (and its options checked) on the GPU worker
        from ttv_contracts.v1 import SlotImplementation

        SlotImplementation.__init__(self, **options)

    def work(self, *args: Any) -> Any:
        out, node, _pid, notes = ray.get(remote.remote(cls, dict(self.options), method, args))
        log["calls"] += 1
        log["nodes"].append(node)
        for note in notes:
            self.note(note)
        return out

    # same module and name: the cache key's code digest is the implementation's own
    namespace = {"__init__": __init__, method: work, "__module__": cls.__module__}
    wrapped = type(cls.__name__, (cls,), namespace)
    wrapped.__qualname__ = cls.__qualname__
    return wrapped


def offload_gpu_stages(registry: Any, config: PipelineConfig) -> dict[str, dict[str, Any]]:
    """In a Ray lesson task that holds no GPU, on a cluster that has one: replace each
    configured implementation that needs a GPU, in an offloadable slot and without a store,
    by a wrapper that runs its work as a Ray task asking for ``{"GPU": 1}`` (and no CPU).
    Returns the log of what was offloaded (filled in as the lesson runs)."""
    import ray

    from .chain import SlotChain

    ctx = ray.get_runtime_context()
    if ctx.get_assigned_resources().get("GPU") or not ray.cluster_resources().get("GPU"):
        return {}
    logs: dict[str, dict[str, Any]] = {}
    for slot in OFFLOADABLE:
        try:
            chain = SlotChain(slot, registry, config)
            names = list(getattr(chain, "candidates", None) or [chain.primary])
        except TTVError:
            continue
        for name in names:
            try:
                entry = registry.get(slot, name)
                cls = entry.load()
            except TTVError:
                continue
            needs = cls.info.needs
            if not needs.gpu or needs.store:
                continue
            log = logs.setdefault(slot, {"implementation": name, "calls": 0, "nodes": []})
            resources: dict[str, Any] = {"num_gpus": 1, "num_cpus": 0, "max_retries": 1}
            if needs.min_memory_gb:
                resources["memory"] = int(needs.min_memory_gb * 2**30)
            registry.replace(slot, name, _offloaded_class(cls, slot, log, resources))
    return logs


def lost_record(job: LessonJob, why: str, attempts: int) -> dict[str, Any]:
    """The record of a lesson whose worker died (after the executor's retries)."""
    err = TTVError(
        E_STAGE_FAILED,
        f"the worker rendering lesson '{job.stem}' was lost after {attempts} attempt(s): {why}",
        module="ttv-integration",
        hint="Check the worker's memory (an OOM kill looks like this) and run the batch again; "
        "only failed lessons are redone.",
    )
    return {
        "lesson": job.stem,
        "source": job.source,
        "lesson_sha256": job.lesson_sha256,
        "config_sha256": job.config_sha256,
        "run_dir": job.run_dir,
        "output": None,
        "status": "failed",
        "error": err.to_dict(),
        "degraded_stages": [],
        "timings": {},
        "resumed": False,
        "finished_at": _now(),
    }


# ============================================================================ display


class NullDisplay:
    def __enter__(self) -> NullDisplay:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def event(self, event: Event) -> None:
        pass

    def skipped(self, n: int) -> None:
        pass

    def lesson_done(self, record: dict[str, Any]) -> None:
        pass


class RichBatchDisplay:
    """One line per running lesson (its current stage and bar) and an overall bar."""

    def __init__(self, total: int) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self._p = Progress(
            TextColumn("{task.description:<40}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        self._overall = self._p.add_task("batch", total=total)
        self._lines: dict[str, int] = {}

    def __enter__(self) -> RichBatchDisplay:
        self._p.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._p.stop()

    def event(self, event: Event) -> None:
        kind, stem, payload = event
        if kind == "start" and stem not in self._lines:
            self._lines[stem] = self._p.add_task(f"  {stem[:24]}: starting", total=1)
        elif kind == "stage" and stem in self._lines:
            self._p.update(
                self._lines[stem],
                description=f"  {stem[:24]}: {payload['stage']}",
                completed=payload["completed"],
                total=payload["total"],
            )
        elif kind == "end" and stem in self._lines:
            self._p.remove_task(self._lines.pop(stem))

    def skipped(self, n: int) -> None:
        self._p.advance(self._overall, n)

    def lesson_done(self, record: dict[str, Any]) -> None:
        stem = record["lesson"]
        if stem in self._lines:
            self._p.remove_task(self._lines.pop(stem))
        self._p.advance(self._overall)
        if record["status"] == "failed":
            code = (record.get("error") or {}).get("code", "?")
            self._p.console.print(f"[red]failed[/] {stem} [{code}]", highlight=False)


# ============================================================================ executors


@dataclass
class Resources:
    """What one lesson's task asks of Ray, from the chosen implementations' ``info.needs``."""

    num_cpus: float = 1.0
    num_gpus: float = 0.0
    memory_bytes: int = 0
    why: list[str] = field(default_factory=list)
    offload: list[str] = field(default_factory=list)  # slots whose GPU calls are Ray tasks


def task_resources(config: PipelineConfig) -> Resources:
    """Resources for one lesson: one CPU (a lesson runs its stages one after another), the
    largest declared ``min_memory_gb``, and a GPU only if a configured primary that needs one
    cannot run as a separate GPU task (a streaming slot, or one with a store); the others
    are listed in ``offload`` and run on a GPU node while the lesson holds only a CPU."""
    from ttv_contracts.v1 import SLOTS

    from .chain import SlotChain
    from .registry import Registry

    registry = Registry()
    res = Resources()
    for slot in SLOTS:
        try:
            name = SlotChain(slot, registry, config).primary
            needs = registry.get(slot, name).info.needs
        except TTVError:
            continue  # the worker reports the coded error for this lesson
        if needs.gpu and slot in OFFLOADABLE and not needs.store:
            res.offload.append(slot)
            res.why.append(f"{slot}={name} needs a GPU: its calls run as GPU tasks")
        elif needs.gpu:
            res.num_gpus = 1.0
            res.why.append(f"{slot}={name} needs a GPU in the lesson's own process")
        if needs.min_memory_gb:
            res.memory_bytes = max(res.memory_bytes, int(needs.min_memory_gb * 2**30))
            res.why.append(f"{slot}={name} needs {needs.min_memory_gb:g} GB")
    return res


def _drain(queue: Any, display: Any) -> None:
    while True:
        try:
            event = queue.get_nowait()
        except Exception:
            return
        display.event(event)


def run_local(
    jobs: list[LessonJob],
    workers: int,
    display: Any,
    max_retries: int = 1,
    task: Callable[[dict[str, Any]], dict[str, Any]] = render_lesson,
) -> list[dict[str, Any]]:
    """A ``ProcessPoolExecutor`` (spawn context): one lesson per task, ``workers`` at once.

    A worker that dies (OOM kill, segfault) breaks the whole pool, and the pool cannot say
    which lesson killed it. Lessons that had not started are resubmitted; the lessons that
    were running are retried one at a time, each alone in a one-worker pool, so the culprit
    is found and only it uses up its ``max_retries``; it is then recorded as failed.
    """
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    from .encoder import machine_cpus

    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    attempts = {job.stem: 0 for job in jobs}
    results: dict[str, dict[str, Any]] = {}

    def run_pool(batch: list[LessonJob], n: int) -> tuple[list[LessonJob], list[LessonJob]]:
        """Run ``batch``; return (started-but-lost, never-started) after a broken pool."""
        started: set[str] = set()

        class Tracker:
            def event(self, event: Event) -> None:
                if event[0] == "start":
                    started.add(event[1])
                display.event(event)

        tracker = Tracker()
        broken: list[LessonJob] = []
        size = max(1, min(n, len(batch)))
        with ProcessPoolExecutor(
            max_workers=size,
            mp_context=ctx,
            initializer=_init_local_worker,
            # each worker's threads (libx264's) sized to its part of the machine: two workers
            # with the threads of one oversubscribe the cores (measured: 10 % more CPU a lesson)
            initargs=(queue, max(1, machine_cpus() // size)),
        ) as pool:
            running = {pool.submit(task, job.to_dict()): job for job in batch}
            while running:
                done, _ = wait(running, timeout=0.2, return_when=FIRST_COMPLETED)
                _drain(queue, tracker)
                for fut in done:
                    job = running.pop(fut)
                    try:
                        record = fut.result()
                    except BrokenProcessPool:
                        broken.append(job)
                        continue
                    except Exception as exc:  # pickling or pool error: the lesson fails
                        record = lost_record(job, f"{type(exc).__name__}: {exc}", 1)
                    attempts[job.stem] += 1
                    record["attempts"] = attempts[job.stem]
                    results[job.stem] = record
                    display.lesson_done(record)
        _drain(queue, tracker)
        lost = [job for job in broken if job.stem in started]
        for job in lost:
            display.event(("end", job.stem, {}))
        return lost, [job for job in broken if job.stem not in started]

    suspects: list[LessonJob] = []
    todo = longest_first(jobs)
    while todo or suspects:
        if todo:
            lost, unstarted = run_pool(todo, workers)
            if len(lost) == 1:  # it died alone: the culprit is known
                attempts[lost[0].stem] += 1
            # A pool that broke before any lesson started: run each lesson alone.
            suspects += lost if lost else unstarted
            todo = unstarted if lost else []
            continue
        job = suspects.pop(0)
        lost, unstarted = run_pool([job], 1)
        if lost or unstarted:
            attempts[job.stem] += 1
            if attempts[job.stem] > max_retries:
                record = lost_record(job, "its worker process died", attempts[job.stem])
                record["attempts"] = attempts[job.stem]
                results[job.stem] = record
                display.lesson_done(record)
            else:
                suspects.append(job)
    queue.close()
    return [results[job.stem] for job in jobs]


def ray_env() -> None:
    """Environment for a Ray instance whose traffic stays on the loopback interface.

    Without it a local Ray instance talks to itself over the machine's network address even
    when given ``_node_ip_address="127.0.0.1"`` (checked with Ray 2.60)."""
    os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
    # Ray's helpers poll and report on timers (every 0.4 to 5 s): on a small machine they take
    # CPU from the lessons. A batch needs none of it often; each can be overridden.
    for key, value in {
        "RAY_USAGE_STATS_ENABLED": "0",  # no usage-stats reporting
        "REPORTER_UPDATE_INTERVAL_MS": "60000",  # the agent's psutil sampling of every worker
        "RAY_DASHBOARD_AGENT_CHECK_PARENT_INTERVAL_S": "2",
        "METRICS_RECORD_INTERVAL_S": "60",
        "RAY_metrics_report_interval_ms": "60000",
        "AUTOSCALER_UPDATE_INTERVAL_S": "30",  # the (idle) autoscaler monitor
    }.items():
        os.environ.setdefault(key, value)


def start_ray(address: str | None = None, *, num_cpus: int | None = None) -> None:
    """Connect to the cluster at ``address``, or start a local Ray instance on 127.0.0.1
    without the dashboard (every connection on the loopback interface)."""
    imported_before = "ray" in sys.modules
    ray_env()
    import ray

    if imported_before and not address:
        # Ray reads the variable once, at import: an embedding program that imported Ray
        # before us gets the same effect by the constant it was read into.
        from ray._private import ray_constants

        ray_constants.ENABLE_RAY_CLUSTER = False
    if address:
        ray.init(address=address, log_to_driver=False)
    else:
        ray.init(
            _node_ip_address="127.0.0.1",
            include_dashboard=False,
            num_cpus=num_cpus or os.cpu_count() or 1,
            log_to_driver=False,
        )


def _warm(_: int) -> int:
    """Import what a lesson needs (pipeline, encoder, installed implementations' modules)."""
    from .registry import Registry
    from .runner import Pipeline  # noqa: F401

    registry = Registry()
    for slot in registry.slots():
        for name in registry.names(slot):
            with contextlib.suppress(Exception):
                registry.get(slot, name).load()
    time.sleep(0.5)  # held a moment, so that each warm-up task gets a worker of its own
    return os.getpid()


def warm_ray_workers(n: int) -> list[int]:
    """Start ``n`` Ray workers and import the pipeline in each (they are reused by later
    tasks): the import cost is paid once per worker, before the batch, not by its first
    lessons. Returns the workers' pids."""
    import ray

    warm = ray.remote(_warm).options(num_cpus=1)
    return sorted(set(ray.get([warm.remote(i) for i in range(max(1, n))])))


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RayNode:
    """One ``ray start --block`` node process (and its raylet, agents and workers, all in
    the process group it leads)."""

    name: str
    num_cpus: float
    num_gpus: float
    resources: dict[str, float]
    process: Any = None
    node_id: str | None = None

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


def _session_members(sid: int) -> list[int]:
    """Every live process of session ``sid`` but its leader (from /proc; empty elsewhere)."""
    members = []
    for entry in Path("/proc").glob("[0-9]*"):
        pid = int(entry.name)
        if pid == sid:
            continue
        try:
            if os.getsid(pid) == sid:
                members.append(pid)
        except (ProcessLookupError, PermissionError):
            continue
    return members


def _alive(pid: int) -> bool:
    """Whether ``pid`` is a running process (a zombie, killed but not yet reaped, is not)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return False


class LoopbackRayCluster:
    """A Ray cluster of separate node processes on this machine, every one on 127.0.0.1: a
    head and ``len(nodes) - 1`` extra nodes, each started by its own ``ray start --block``
    with its own CPUs, GPUs and custom resources (one resource named after the node, so a
    task can be pinned to it). Each node leads its own session: :meth:`kill` takes a
    node down at once (raylet, workers and all, as a crashed machine would), :meth:`stop`
    ends every process the cluster started and nothing else (never ``ray stop``, which would
    end every Ray instance on the machine).

    Ray's own processes: no dashboard, no log monitor, no usage stats; node failure is
    noticed within a few seconds (health checks every second).

        with LoopbackRayCluster([{"num_cpus": 1}, {"num_cpus": 1}, {"num_cpus": 1}]) as c:
            run_batch(lessons, out, config, executor="ray", address=c.address, workers=3)
    """

    def __init__(
        self,
        nodes: list[dict[str, Any]],
        *,
        python: str | None = None,
        start_timeout_s: float = 120.0,
    ) -> None:
        if not nodes:
            raise ValueError("a cluster needs at least its head node")
        self.nodes = [
            RayNode(
                name="head" if i == 0 else f"node{i}",
                num_cpus=float(spec.get("num_cpus", 1)),
                num_gpus=float(spec.get("num_gpus", 0)),
                resources=dict(spec.get("resources", {})),
            )
            for i, spec in enumerate(nodes)
        ]
        self.python = python or sys.executable
        self.start_timeout_s = start_timeout_s
        self.port = 0
        self.temp_dir = ""
        self.startup_s = 0.0
        import secrets

        self._token = secrets.token_hex(32)
        self._auth: dict[str, str] = {}
        self._saved_env: dict[str, str | None] = {}

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    #: ``ray start`` with one change for nodes that join a cluster. Ray adds a node only in
    #: its "cluster mode" (``RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=1``), and in that mode it
    #: rewrites 127.0.0.1 into the machine's network address everywhere (node address, GCS
    #: address, workers). So every node runs with the mode off (everything stays on
    #: 127.0.0.1) and only the CLI's "may this node join?" check sees it on.
    RAY_START = (
        "import sys, types\n"
        "import ray._private.ray_constants as rc\n"
        "from ray.scripts import scripts\n"
        "view = types.ModuleType(rc.__name__)\n"
        "view.__dict__.update(rc.__dict__)\n"
        "view.ENABLE_RAY_CLUSTER = True\n"
        "scripts.ray_constants = view\n"
        "sys.argv = ['ray', *sys.argv[1:]]\n"
        "scripts.main()\n"
    )

    @staticmethod
    def node_ip(index: int) -> str:
        return "127.0.0.1"

    def _env(self, head: bool) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",
                "RAY_USAGE_STATS_ENABLED": "0",
                **self._auth,
                "RAY_health_check_initial_delay_ms": "1000",
                "RAY_health_check_period_ms": "1000",
                "RAY_health_check_timeout_ms": "1000",
                "RAY_health_check_failure_threshold": "3",
            }
        )
        return env

    def _command(self, node: RayNode, head: bool) -> list[str]:
        resources = {node.name: 1.0, **node.resources}
        cmd = [
            self.python,
            "-c",
            self.RAY_START,
            "start",
            "--block",
            f"--node-ip-address={self.node_ip(self.nodes.index(node))}",
            f"--num-cpus={node.num_cpus:g}",
            f"--num-gpus={node.num_gpus:g}",
            f"--resources={json.dumps(resources)}",
            "--include-log-monitor=false",
            "--disable-usage-stats",
            f"--node-manager-port={_free_port()}",
            f"--object-manager-port={_free_port()}",
            f"--dashboard-agent-listen-port={_free_port()}",
            f"--dashboard-agent-grpc-port={_free_port()}",
            f"--runtime-env-agent-port={_free_port()}",
            f"--metrics-export-port={_free_port()}",
        ]
        if head:
            cmd += [
                "--head",
                f"--port={self.port}",
                "--include-dashboard=false",
                "--dashboard-host=127.0.0.1",
                f"--temp-dir={self.temp_dir}",
            ]
        else:
            cmd += [f"--address={self.address}"]
        return cmd

    def _start_node(self, node: RayNode, head: bool) -> None:
        import subprocess

        log = Path(self.temp_dir) / f"{node.name}.start.log"
        with log.open("ab") as fh:
            node.process = subprocess.Popen(
                self._command(node, head),
                env=self._env(head),
                stdout=fh,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group: kill() takes all of it
            )

    def _alive_nodes(self) -> list[dict[str, Any]]:
        import ray

        return [n for n in ray.nodes() if n.get("Alive")]

    def start(self) -> LoopbackRayCluster:
        import tempfile

        t0 = time.perf_counter()
        self.temp_dir = tempfile.mkdtemp(prefix="ttvray-", dir="/tmp")  # short: socket paths
        # Token authentication, with the token a local `ray.init()` uses (~/.ray/auth_token,
        # created as Ray creates it when missing): every node, worker and this driver then
        # agree, and so does a local Ray instance this process starts later (Ray keeps the
        # token it first read for the life of the process).
        token = Path.home() / ".ray" / "auth_token"
        if not token.is_file():
            token.parent.mkdir(parents=True, exist_ok=True)
            token.touch(mode=0o600)
            token.write_text(self._token)
        self._auth = {"RAY_AUTH_MODE": "token"}
        for key, value in self._auth.items():  # the driver (this process) too, before Ray
            self._saved_env[key] = os.environ.get(key)  # reads them
            os.environ[key] = value
        ray_env()
        import ray

        self.port = _free_port()
        try:
            self._start_node(self.nodes[0], head=True)
            deadline = time.monotonic() + self.start_timeout_s
            # ray.init() waits without end for a GCS that is not there: wait for the head's
            # own word that it is up first
            while "Ray runtime started" not in self.log_tail("head", 40):
                if not self.nodes[0].alive:
                    raise RuntimeError(f"the Ray head exited: {self.log_tail('head')}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the Ray head did not start: {self.log_tail('head')}")
                time.sleep(0.25)
            ray.init(address=self.address, log_to_driver=False)
            # one node at a time: on a small, busy machine raylets started together can miss
            # their 30 s registration window; a node that misses it is started once more
            for i, node in enumerate(self.nodes[1:], start=2):
                for attempt in (1, 2):
                    self._start_node(node, head=False)
                    until = time.monotonic() + self.start_timeout_s / 2
                    while len(self._alive_nodes()) < i and node.alive:
                        if time.monotonic() > until:
                            break
                        time.sleep(0.5)
                    if len(self._alive_nodes()) >= i:
                        break
                    self.kill(node.name)
                    if attempt == 2 or time.monotonic() > deadline:
                        raise RuntimeError(
                            f"Ray node {node.name} did not come up: {self.log_tail(node.name)}"
                        )
            for info in self._alive_nodes():
                for node in self.nodes:
                    if info["Resources"].get(node.name):
                        node.node_id = info["NodeID"]
        except BaseException:
            self.stop()
            raise
        self.startup_s = time.perf_counter() - t0
        return self

    def log_tail(self, name: str, lines: int = 5) -> str:
        try:
            text = (Path(self.temp_dir) / f"{name}.start.log").read_text(errors="replace")
            return " | ".join(text.strip().splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def node(self, name: str) -> RayNode:
        return next(n for n in self.nodes if n.name == name)

    def processes(self, name: str | None = None) -> list[Any]:
        """Every live process of this cluster (psutil), by session, then by temp dir; with
        ``name``, those of that node's session only."""
        import psutil

        sessions = set()
        for node in self.nodes:
            if node.process is not None and name in (None, node.name):
                sessions.add(node.process.pid)
        found = []
        for proc in psutil.process_iter(["pid", "cmdline", "status"]):
            if proc.info["status"] == psutil.STATUS_ZOMBIE:
                continue  # already dead, waiting for its (new) parent to reap it
            try:
                if os.getsid(proc.pid) in sessions or (
                    name is None
                    and self.temp_dir
                    and self.temp_dir in " ".join(proc.info["cmdline"] or ())
                ):
                    found.append(proc)
            except (ProcessLookupError, psutil.Error):
                continue
        return found

    def kill(self, name: str) -> None:
        """Take one node down at once, like a machine that lost power: SIGKILL to every
        process of its session (raylet, agents and workers). Its running lessons are lost
        and Ray runs them again elsewhere.

        By session, not process group: Ray 2.60 starts each worker in a process group of its
        own, so a worker outlives a ``killpg`` of its node and may finish its lesson and hand
        the result straight to the driver, as if the node had never died."""
        import signal

        node = self.node(name)
        if node.process is None:
            return
        members = _session_members(node.process.pid)
        for pid in [*members, node.process.pid]:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        node.process.wait()
        deadline = time.monotonic() + 5  # SIGKILL is delivered, not yet done: wait for it
        while any(_alive(pid) for pid in members) and time.monotonic() < deadline:
            time.sleep(0.02)

    def stop(self) -> None:
        """Disconnect and end every process this cluster started (and only those)."""
        import signal

        import ray

        with contextlib.suppress(Exception):
            ray.shutdown()
        for node in reversed(self.nodes):  # the head last: the others report to it
            if node.process is not None and node.alive:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(node.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for node in self.nodes:
            if node.process is not None:
                with contextlib.suppress(Exception):
                    node.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        with contextlib.suppress(ImportError):
            for proc in self.processes():  # stragglers of our process groups or temp dir
                with contextlib.suppress(Exception):
                    proc.kill()
        for node in self.nodes:
            if node.process is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(node.process.pid, signal.SIGKILL)
                with contextlib.suppress(Exception):
                    node.process.wait(timeout=5)
        if self.temp_dir:
            shutil.rmtree(self.temp_dir, ignore_errors=True)
        for key, value in self._saved_env.items():  # the driver's own settings back
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        self._saved_env = {}

    def __enter__(self) -> LoopbackRayCluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def run_ray(
    jobs: list[LessonJob],
    workers: int,
    display: Any,
    *,
    config: PipelineConfig,
    address: str | None = None,
    max_retries: int = 1,
    task: Callable[..., dict[str, Any]] = render_lesson,
) -> list[dict[str, Any]]:
    """One Ray task per lesson, at most ``workers`` in flight.

    Without ``address`` a local Ray instance is started on 127.0.0.1 without the dashboard;
    with it, the driver connects to that cluster (whose nodes must have ttv installed).
    Ray retries a task whose worker died ``max_retries`` times; after that the lesson is
    recorded as failed and the others go on.
    """
    try:
        ray_env()
        import ray
        from ray.util.queue import Queue
    except ImportError as exc:
        from ttv_contracts.errors import E_EXTRA_MISSING

        raise TTVError(
            E_EXTRA_MISSING,
            f"the ray executor needs Ray ({exc})",
            module="ttv-integration",
            hint="pip install 'ttv-integration[ray]'",
        ) from None

    res = task_resources(config)
    started_here = not ray.is_initialized()
    if started_here:
        start_ray(address, num_cpus=max(workers, os.cpu_count() or 1))
    try:
        if res.num_gpus and not ray.cluster_resources().get("GPU"):
            res.why.append("the cluster has no GPU: tasks ask for none (the chain falls back)")
            res.num_gpus = 0.0
        options: dict[str, Any] = {
            "num_cpus": res.num_cpus,
            "num_gpus": res.num_gpus,
            "max_retries": max_retries,
            "retry_exceptions": False,
            # lessons over every node that can take one, not piled on the driver's node
            "scheduling_strategy": "SPREAD",
        }
        if res.memory_bytes:
            options["memory"] = res.memory_bytes
        remote = ray.remote(task).options(**options)
        # Progress events need a queue actor; a batch nobody watches does without it.
        queue = None if isinstance(display, NullDisplay) else Queue(actor_options={"num_cpus": 0})
        # The config is the same for every lesson: one copy in the object store, by reference.
        config_ref = ray.put(jobs[0].config) if jobs else None
        batch_id = f"{os.getpid()}-{time.time_ns()}"
        results: dict[str, dict[str, Any]] = {}
        todo = longest_first(jobs)
        running: dict[Any, LessonJob] = {}
        while todo or running:
            while todo and len(running) < max(1, workers):
                job = todo.pop(0)
                payload = {**job.to_dict(), "config": config_ref, "batch_id": batch_id}
                running[remote.remote(payload, queue)] = job
            done, _ = ray.wait(list(running), num_returns=1, timeout=0.2)
            if queue is not None:
                _drain(queue, display)
            for ref in done:
                job = running.pop(ref)
                try:
                    record = ray.get(ref)
                    record.setdefault("attempts", 1)
                except ray.exceptions.RayError as exc:
                    why = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
                    record = lost_record(job, why, max_retries + 1)
                    record["attempts"] = max_retries + 1
                record["resources"] = {"num_cpus": res.num_cpus, "num_gpus": res.num_gpus}
                if res.offload:
                    record["resources"]["gpu_tasks"] = list(res.offload)
                results[job.stem] = record
                display.event(("end", job.stem, {}))
                display.lesson_done(record)
        if queue is not None:
            _drain(queue, display)
            queue.shutdown()
    finally:
        if started_here:
            ray.shutdown()
    return [results[job.stem] for job in jobs]


# ============================================================================ the batch


def _previous(out_dir: Path) -> dict[str, dict[str, Any]]:
    path = out_dir / "batch.json"
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {rec["lesson"]: rec for rec in data.get("lessons", [])}
    except Exception:
        return {}  # an unreadable report: every lesson is redone (their run dirs resume)


def is_finished(job: LessonJob, previous: dict[str, Any] | None) -> bool:
    """Skip a lesson only if its last record is ok/degraded for these lesson bytes and this
    config, and its video is still there."""
    return bool(
        previous
        and previous.get("status") in DONE
        and previous.get("lesson_sha256") == job.lesson_sha256
        and previous.get("config_sha256") == job.config_sha256
        and previous.get("output")
        and Path(previous["output"]).is_file()
    )


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def run_batch(
    lessons_dir: str | Path,
    out_dir: str | Path,
    config: PipelineConfig,
    *,
    executor: str = "local",
    workers: int | None = None,
    address: str | None = None,
    max_retries: int = 1,
    display: Any = None,
    task: Callable[[dict[str, Any]], dict[str, Any]] = render_lesson,
) -> dict[str, Any]:
    """Render every lesson of ``lessons_dir`` into ``out_dir``; returns (and writes) the batch
    report ``out_dir/batch.json``."""
    lessons_dir, out_dir = Path(lessons_dir), Path(out_dir)
    if executor not in ("local", "ray"):
        from ttv_contracts.errors import E_CONFIG_INVALID

        raise TTVError(
            E_CONFIG_INVALID,
            f"unknown executor {executor!r} (local, ray)",
            module="ttv-integration",
        )
    try:
        (out_dir / "runs").mkdir(parents=True, exist_ok=True)
        (out_dir / "videos").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TTVError(
            E_OUTPUT_UNWRITABLE,
            f"cannot create the batch folder {out_dir}: {exc.strerror or exc}",
            module="ttv-integration",
        ) from None
    jobs = make_jobs(lessons_dir, out_dir, config)
    previous = _previous(out_dir)
    skipped = [job for job in jobs if is_finished(job, previous.get(job.stem))]
    todo = [job for job in jobs if job not in skipped]
    workers = max(1, workers or os.cpu_count() or 1)
    display = display or NullDisplay()
    started = time.perf_counter()
    with display:
        display.skipped(len(skipped))
        if not todo:
            fresh: list[dict[str, Any]] = []
        elif executor == "local":
            fresh = run_local(todo, workers, display, max_retries=max_retries, task=task)
        else:
            fresh = run_ray(
                todo,
                workers,
                display,
                config=_config_for_batch(config),
                address=address,
                max_retries=max_retries,
                task=task,
            )
    wall = time.perf_counter() - started
    by_stem = {rec["lesson"]: {**rec, "this_run": "rendered"} for rec in fresh}
    for job in skipped:
        by_stem[job.stem] = {**previous[job.stem], "this_run": "skipped"}
    records = [by_stem[job.stem] for job in jobs]
    counts = {k: 0 for k in ("ok", "degraded", "failed")}
    for rec in records:
        counts[rec["status"]] = counts.get(rec["status"], 0) + 1
    report = {
        "format": BATCH_FORMAT,
        "executor": executor,
        "address": address,
        "workers": workers,
        "lessons_dir": str(lessons_dir.resolve()),
        "out_dir": str(out_dir.resolve()),
        "profile": config.profile,
        "store_dir": str(config.stores().resolve()),
        "finished_at": _now(),
        "wall_s": round(wall, 3),
        "rendered": len(fresh),
        "skipped": len(skipped),
        "counts": counts,
        "lessons": records,
    }
    nodes: dict[str, int] = {}
    for rec in fresh:
        node = (rec.get("worker") or {}).get("ray_node")
        if node:
            nodes[node] = nodes.get(node, 0) + 1
    if nodes:
        report["lessons_per_node"] = nodes  # where each rendered lesson finally ran
    _write_json(out_dir / "batch.json", report)
    return report


def summary_lines(report: dict[str, Any]) -> Iterable[str]:
    """Human summary of a batch report (rich markup)."""
    c = report["counts"]
    yield (
        f"[bold]batch[/] {len(report['lessons'])} lessons: {c.get('ok', 0)} ok, "
        f"{c.get('degraded', 0)} degraded, {c.get('failed', 0)} failed "
        f"({report['rendered']} rendered, {report['skipped']} skipped, {report['wall_s']:.1f} s, "
        f"executor {report['executor']} x{report['workers']})"
    )
    for rec in report["lessons"]:
        if rec["status"] == "failed":
            err = rec.get("error") or {}
            yield f"[red]failed[/] {rec['lesson']}: [{err.get('code', '?')}] {err.get('message', '')}"
        elif rec["status"] == "degraded":
            stages = ", ".join(d["stage"] for d in rec.get("degraded_stages", []))
            yield f"[yellow]degraded[/] {rec['lesson']}: {stages} -> {rec['output']}"
    yield f"report: {Path(report['out_dir']) / 'batch.json'}"
