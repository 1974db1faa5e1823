"""The one place that calls implementations.

The executor owns, for one run: the implementation instances and the thread each runs on,
the router's ordering and learning, fallback, time budgets, ``--strict``, the artifact cache
(lookup, lineage, background writes), statistics, progress, the render watchdog, and the end
of every thread it started (:meth:`Executor.close`). Stages (``ttv_integration.stages``)
declare what they call and store; they never touch an implementation directly.
"""

from __future__ import annotations

import contextlib
import functools
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from ttv_contracts.errors import E_RESUME_INVALID, E_STAGE_FAILED, TTVError, catalog
from ttv_contracts.v1 import (
    SLOTS,
    FallbackRecord,
    RouteContext,
    RouteOutcome,
    RouteRequest,
    SlotImplementation,
)

from .cache import ArtifactCache, Lineage
from .chain import SlotChain, StageStats, StageTimeout, as_ttv_error
from .config import PipelineConfig
from .registry import Registry
from .rundir import digest


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


class Worker:
    """The thread one implementation instance runs on: every call to the instance runs here
    (SQLite connections and other thread-bound state stay valid). A call past its budget is
    abandoned, since a thread cannot be killed; :meth:`stop` ends an idle worker."""

    _STOP = object()

    def __init__(self, name: str) -> None:
        self._tasks: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._loop, daemon=True, name=f"ttv-{name}")
        self._thread.start()

    def _loop(self) -> None:
        while True:
            task = self._tasks.get()
            if task is self._STOP:
                return
            fn, box, done = task
            try:
                box["value"] = fn()
            except BaseException as exc:  # handed back to the caller
                box["error"] = exc
            finally:
                done.set()
                del fn, box, done, task  # hold nothing of the call once it is answered

    def submit(self, fn: Callable[[], None]) -> None:
        """Queue ``fn`` on this thread without waiting for it (it must not raise)."""
        self._tasks.put((fn, {}, threading.Event()))

    def run(self, fn: Callable[[], Any], timeout_s: float | None) -> Any:
        box: dict[str, Any] = {}
        done = threading.Event()
        self._tasks.put((fn, box, done))
        if not done.wait(timeout_s):
            raise StageTimeout(f"no result after {timeout_s:g} s")
        if "error" in box:
            raise box.pop("error")
        return box.pop("value")

    def stop(self, wait_s: float = 5.0) -> bool:
        """Ask the thread to end and wait; False when it is still busy (a hung call)."""
        self._tasks.put(self._STOP)
        self._thread.join(wait_s)
        return not self._thread.is_alive()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()


class Ahead:
    """Iterate ``items`` on a producer thread, at most ``window`` items ahead of the reader.

    The streaming render reads the shots through this: the next shot is lip-synced and
    blended while the render encodes the current one, and only ``window`` finished shots wait
    in memory. An error in the producer is raised to the reader, marked as an upstream
    stage's (``_ttv_upstream``), so the render does not blame one of its own links. While
    the reader waits, ``on_wait`` is called every 0.1 s (the render's watchdog: upstream
    calls have their own budgets). :meth:`close` stops the producer; the executor closes any
    left open when it closes."""

    _END = object()

    def __init__(
        self,
        items: Iterator[Any],
        window: int = 2,
        on_wait: Callable[[], None] | None = None,
    ) -> None:
        self._items = items
        self._queue: queue.Queue = queue.Queue(maxsize=max(1, window))
        self._stop = threading.Event()
        self._on_wait = on_wait
        self._done = False
        self._thread = threading.Thread(target=self._produce, daemon=True, name="ttv-ahead")
        self._thread.start()

    def _offer(self, item: Any) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _produce(self) -> None:
        try:
            for item in self._items:
                if not self._offer((item, None)):
                    return
            self._offer((self._END, None))
        except BaseException as exc:  # handed to the reader
            with contextlib.suppress(AttributeError):
                exc._ttv_upstream = True
            self._offer((self._END, exc))
        finally:
            with contextlib.suppress(Exception):
                self._items.close()  # type: ignore[attr-defined]

    def __iter__(self) -> Ahead:
        return self

    def __next__(self) -> Any:
        if self._done:
            raise StopIteration
        while True:
            try:
                item, exc = self._queue.get(timeout=0.1)
                break
            except queue.Empty:
                if self._on_wait is not None:
                    self._on_wait()
                if not self._thread.is_alive() and self._queue.empty():
                    self._done = True
                    raise StopIteration from None
        if exc is not None:
            self._done = True
            raise exc
        if item is self._END:
            self._done = True
            raise StopIteration
        return item

    def close(self, wait_s: float = 0.5) -> bool:
        """Stop the producer (after the call it is in, if any); False while it still runs."""
        self._done = True
        self._stop.set()
        with contextlib.suppress(queue.Empty):
            while True:
                self._queue.get_nowait()
        self._thread.join(wait_s)
        return not self._thread.is_alive()


@dataclass(frozen=True)
class Ref:
    """A stage output in the cache: which stage, which key, and what made it."""

    stage: str
    key: str
    lineage: Lineage


def repair_pointer(code: str) -> str:
    entry = catalog().get(code)
    return entry.repair if entry else "ttv-integration/REPAIR.md"


class StrictFailure(TTVError):
    """A fallback in a ``--strict`` run: the run stops with the failing module's own error."""


class Executor:
    """Runs declared stages' calls for one pipeline run. Use as a context manager."""

    def __init__(
        self,
        config: PipelineConfig,
        registry: Registry,
        cache: ArtifactCache,
        progress: Any = None,
    ) -> None:
        self.config = config
        self.registry = registry
        self.cache = cache
        self.progress = progress or NullProgress()
        self.chains = {slot: SlotChain(slot, registry, config) for slot in SLOTS}
        self.stats: dict[str, StageStats] = {}
        self._order: list[str] = []
        self._instances: dict[tuple[str, str], SlotImplementation] = {}
        self._workers: dict[tuple[str, str], Worker] = {}
        self._identity: dict[str, list[Any]] = {}
        self._rankings: dict[str, list[str]] = {}
        self._learn_errors: list[str] = []
        self.abandoned: list[str] = []
        self._aheads: list[Ahead] = []
        for slot, chain in self.chains.items():
            if chain.skipped:
                self.stage_stats(f"select:{slot}", slot).notes.extend(chain.skipped)

    # ------------------------------------------------------------------ lifecycle

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop every worker thread, release every instance, finish the cache's writes."""
        for producer in self._aheads:
            if not producer.close(wait_s=5.0):
                self.abandoned.append("ahead")
        self._aheads.clear()
        for (slot, name), impl in list(self._instances.items()):
            worker = self._workers.get((slot, name))
            if worker is not None and worker.alive:
                with contextlib.suppress(Exception):
                    worker.run(impl.close, 5.0)
            else:
                with contextlib.suppress(Exception):
                    impl.close()
        for key, worker in list(self._workers.items()):
            if not worker.stop():
                self.abandoned.append(f"{key[0]}:{key[1]}")
        if self._learn_errors:
            self.stage_stats("route", "router").notes.extend(dict.fromkeys(self._learn_errors))
        self._workers.clear()
        self._instances.clear()
        self.cache.close()

    # ------------------------------------------------------------------ instances

    def instance(self, slot: str, name: str) -> SlotImplementation:
        if (slot, name) not in self._instances:
            self._instances[(slot, name)] = self.chains[slot].make(name)
        return self._instances[(slot, name)]

    def _on_worker(self, slot: str, name: str, fn: Callable[[], Any], timeout: float | None) -> Any:
        if (slot, name) not in self._workers:
            self._workers[(slot, name)] = Worker(f"{slot}-{name}")
        return self._workers[(slot, name)].run(fn, timeout)

    def version(self, slot: str, name: str) -> str:
        return self.chains[slot].version(name)

    # ------------------------------------------------------------------ bookkeeping

    def stage_stats(self, stage: str, slot: str) -> StageStats:
        if stage not in self.stats:
            self.stats[stage] = StageStats(stage=stage, slot=slot)
            self._order.append(stage)
        return self.stats[stage]

    def records(self) -> tuple:
        return tuple(self.stats[s].record() for s in self._order)

    def identity(self, slot: str) -> list[Any]:
        """Names, versions, code digests and options of the slot's chain (cache keys)."""
        if slot not in self._identity:
            self._identity[slot] = self.chains[slot].identity()
        return self._identity[slot]

    def key(self, stage: Any, *parts: Any) -> str:
        """The cache key of a stage's output: what it is, who makes it, and its inputs."""
        ident = [self.identity(s) for s in stage.key_slots()]
        return digest(stage.name, ident, *parts)

    # ------------------------------------------------------------------ routing

    def context(self, num_frames: int = 0) -> RouteContext:
        return RouteContext(
            device="cpu",
            width=self.config.timeline_width,
            height=self.config.timeline_height,
            num_frames=num_frames,
            time_budget_s=self.config.stage_timeout_s,
        )

    def order(self, slot: str, ctx: RouteContext) -> list[str]:
        """The slot's candidates, ordered by the router (the configured one stays first unless
        ``route_primary`` is set; the stub stays last)."""
        chain = self.chains[slot]
        if slot == "router":
            return chain.candidates
        if slot in self._rankings:  # the router ranks a slot once per run
            return self._rankings[slot]
        head = [] if self.config.route_primary else [chain.primary]
        pool = [n for n in chain.candidates if n != "stub" and n not in head]
        if pool:
            from .stages.route import RANK

            try:
                decision = self.call(
                    RANK, RouteRequest(slot=slot, candidates=tuple(pool), context=ctx)
                )
                pool = list(decision.ranking)
            except TTVError as exc:
                if isinstance(exc, StrictFailure):
                    raise
                # the configured order stands
        tail = ["stub"] if "stub" in chain.candidates else []
        self._rankings[slot] = [*head, *pool, *[t for t in tail if t not in head]]
        return self._rankings[slot]

    def learn(self, slot: str, ctx: RouteContext, name: str, ok: bool, seconds: float) -> None:
        """Tell the router how a candidate did (best effort: learning never fails a run)."""
        if slot == "router" or name == "stub":
            return
        from .stages.route import RECORD

        outcome = RouteOutcome(
            slot=slot, candidate=name, context=ctx, success=ok, latency_s=max(0.0, seconds)
        )
        router = self.chains["router"].primary
        try:
            impl = self.instance("router", router)
        except Exception as exc:
            self.stage_stats("route", "router").notes.append(f"router could not record: {exc}")
            return
        if (("router", router)) not in self._workers:
            self._workers[("router", router)] = Worker(f"router-{router}")

        def record() -> None:
            try:
                RECORD.method(impl, outcome)
            except Exception as exc:  # reported when the run closes
                self._learn_errors.append(f"router could not record: {exc}")

        # Off the critical path: the router's own thread records in order, nobody waits.
        self._workers[("router", router)].submit(record)

    # ------------------------------------------------------------------ calling

    def _fallback(self, stats: StageStats, slot: str, name: str, err: TTVError) -> None:
        stats.fallbacks.append(
            FallbackRecord(
                implementation=name,
                error_code=err.code,
                message=err.message[:500],
                repair=repair_pointer(err.code),
            )
        )
        if self.config.strict:
            package = self._package(slot, name)
            raise StrictFailure(
                err.code,
                f"strict run: {slot} implementation '{name}' ({package}) failed: {err.message}",
                module=package,
            ) from err

    def _package(self, slot: str, name: str) -> str:
        try:
            info = self.registry.get(slot, name).info
            return info.package or name
        except TTVError:
            return name

    def call(self, stage: Any, *args: Any, num_frames: int = 0) -> Any:
        """Call ``stage.method`` on each candidate of ``stage.slot`` until one returns valid
        output; every failure is recorded as a coded fallback (or stops a strict run)."""
        slot = stage.slot
        chain = self.chains[slot]
        stats = self.stage_stats(stage.name, slot)
        ctx = self.context(num_frames)
        order = self.order(slot, ctx) if slot != "router" else chain.candidates
        timeout = chain.cfg.timeout_s or self.config.stage_timeout_s
        last: TTVError | None = None
        for name in order:
            if name in chain.disabled:
                continue
            started = time.perf_counter()
            try:
                impl = self.instance(slot, name)
                result = self._on_worker(slot, name, lambda i=impl: stage.method(i, *args), timeout)
            except Exception as exc:  # every failure becomes a recorded, coded fallback
                err = as_ttv_error(exc, name, slot)
                if err.code == "TTV-E011":
                    chain.disabled.add(name)  # a hung implementation is not retried this run
                self.learn(slot, ctx, name, False, time.perf_counter() - started)
                last = err
                if name == order[-1]:
                    stats.fallbacks.append(
                        FallbackRecord(
                            implementation=name,
                            error_code=err.code,
                            message=err.message[:500],
                            repair=repair_pointer(err.code),
                        )
                    )
                    break
                self._fallback(stats, slot, name, err)
                continue
            elapsed = time.perf_counter() - started
            stats.seconds += elapsed
            stats.used[name] += 1
            stats.versions[name] = impl.info.version
            stats.computed += 1
            stats.notes.extend(impl.drain_notes())
            self.learn(slot, ctx, name, True, elapsed)
            stats.last_impl = name
            return result
        raise TTVError(
            E_STAGE_FAILED,
            f"every implementation of slot '{slot}' failed, the stub included; last error: "
            f"{last.message if last else 'none'}",
            module="ttv-integration",
        )

    # ------------------------------------------------------------------ cached stages

    def lineage_of(self, stage: Any, name: str, inputs: Sequence[Ref] = ()) -> Lineage:
        """What made an output: its inputs' lineage plus ``name`` for the stage's slot."""
        out = self._merge(inputs)
        if stage.slot is not None:
            out[stage.slot] = f"{name}@{self.version(stage.slot, name)}"
        return out

    def reused(self, stage: Any, lineage: Lineage, n: int = 1) -> None:
        """Count a cache hit and credit the implementation that made the artifact."""
        stats = self.stage_stats(stage.name, stage.slot or "integration")
        stats.reused += n
        made = lineage.get(stage.slot or "", "")
        if made:
            name, _, version = made.partition("@")
            stats.reused_from[name] += n
            stats.versions.setdefault(name, version)

    def produce(
        self,
        stage: Any,
        key: str,
        compute: Callable[[], tuple[Any, Sequence[Ref]]],
        *,
        persist: bool | None = None,
    ) -> tuple[Any, Ref]:
        """The stage's output for ``key``: from the cache (crediting its maker), else computed
        by ``compute`` (which calls :meth:`call` and returns the output and its input refs) and
        handed to the cache."""
        stats = self.stage_stats(stage.name, stage.slot or "integration")
        stats.input_digest = stats.input_digest or key[:16]
        hit = self.cache.get(stage.name, key, stage.artifact)
        if hit is not None:
            value, lineage = hit
            self.reused(stage, lineage)
            return value, Ref(stage.name, key, lineage)
        value, inputs = compute()
        name = stats.last_impl
        lineage = self.lineage_of(stage, name, inputs)
        keep = stage.persist if persist is None else persist
        self.cache.put(stage.name, key, stage.artifact, value, lineage, persist=keep)
        return value, Ref(stage.name, key, lineage)

    def cached_lineage(self, stage: Any, key: str) -> Lineage | None:
        """The lineage of a cached output (None when absent), without decoding it."""
        return self.cache.lineage(stage.name, key, stage.artifact)

    def store(
        self,
        stage: Any,
        key: str,
        value: Any,
        inputs: Sequence[Ref] = (),
        *,
        made_by: str | None = None,
    ) -> Ref:
        """Hand a computed output to the cache, with its lineage."""
        stats = self.stage_stats(stage.name, stage.slot or "integration")
        name = stats.last_impl if made_by is None else made_by
        lineage = self.lineage_of(stage, name, inputs) if name else self._merge(inputs)
        self.cache.put(stage.name, key, stage.artifact, value, lineage, persist=stage.persist)
        return Ref(stage.name, key, lineage)

    @staticmethod
    def _merge(inputs: Sequence[Ref]) -> Lineage:
        out: Lineage = {}
        for ref in inputs:
            out.update(ref.lineage)
        return out

    def load(self, stage: Any, ref: Ref) -> Any:
        """A cached output that a later stage needs; its absence means a damaged run dir."""
        hit = self.cache.get(stage.name, ref.key, stage.artifact)
        if hit is None:
            raise TTVError(
                E_RESUME_INVALID,
                f"{stage.name} artifact {ref.key[:12]} is missing or unreadable",
                module="ttv-integration",
                hint="Start a new run (or delete the run directory's cache folder).",
            )
        return hit[0]

    # ------------------------------------------------------------------ streaming

    def ahead(
        self, items: Iterator[Any], window: int = 2, on_wait: Callable[[], None] | None = None
    ) -> Ahead:
        """``items`` produced on a thread this executor owns, ``window`` ahead of the reader."""
        self._aheads = [a for a in self._aheads if a._thread.is_alive()]
        producer = Ahead(items, window, on_wait)
        self._aheads.append(producer)
        return producer

    def stream(
        self,
        stage: Any,
        num_frames: int,
        run_once: Callable[[dict[str, SlotImplementation], RenderWatch], None],
    ) -> tuple[dict[str, str], RenderWatch]:
        """Run a streaming stage (``stage.links``: slot -> base-class generator method) on a
        render thread under a watchdog. A link that raises or stalls past its budget is
        recorded as a fallback and the whole stream restarts with that slot's next candidate.
        Returns the picks that finished and the watch (per-link seconds, frames written)."""
        slots = [link.slot for link in stage.links]
        ctx = self.context(num_frames)
        orders = {s: self.order(s, ctx) for s in slots}
        stats = {s: self.stage_stats(s, s) for s in slots}
        while True:
            picks = {
                s: next(n for n in orders[s] if n not in self.chains[s].disabled) for s in slots
            }
            impls = {s: self.instance(s, picks[s]) for s in slots}
            watch = RenderWatch()
            self.progress.start(stage.name, num_frames)
            worker = threading.Thread(
                target=watch.run,
                args=(functools.partial(run_once, impls, watch),),
                name="ttv-render",
            )
            worker.daemon = True
            worker.start()
            culprit, error = None, None
            while worker.is_alive():
                worker.join(0.2)
                if worker.is_alive():
                    stuck = watch.stuck_for()
                    slot = watch.current_slot() or "encode"
                    budget = (
                        self.config.slot(slot).timeout_s if slot in SLOTS else None
                    ) or self.config.stage_timeout_s
                    if stuck > budget:
                        culprit = slot
                        error = as_ttv_error(
                            StageTimeout(f"no frame for {stuck:.1f} s"),
                            picks.get(slot, "encoder"),
                            slot,
                        )
                        watch.cancel()
                        worker.join(1.0)
                        if worker.is_alive():
                            self.abandoned.append(f"render:{slot}")
                        break
            if culprit is None and watch.error is not None:
                culprit = getattr(watch.error, "_ttv_slot", None) or "encode"
                error = as_ttv_error(watch.error, picks.get(culprit, "encoder"), culprit)
            self.progress.finish(stage.name)
            if culprit is None:
                break
            if getattr(watch.error, "_ttv_upstream", False):  # a stage the render pulled from
                if isinstance(watch.error, TTVError):
                    raise watch.error
                raise as_ttv_error(watch.error, "ttv-integration", stage.name) from watch.error
            if culprit not in slots or picks[culprit] == "stub":
                raise TTVError(
                    E_STAGE_FAILED,
                    f"render failed in {culprit}: {error.message}",
                    module="ttv-integration",
                ) from watch.error
            self.learn(culprit, ctx, picks[culprit], False, 0.0)
            self.chains[culprit].disabled.add(picks[culprit])
            self._fallback(stats[culprit], culprit, picks[culprit], error)
        # track() times include the links upstream of each one; make them exclusive, in the
        # order the stream was built (source, interpolator, upscaler, compositor, ...).
        chain = watch.chain or ["source", *slots]
        inclusive = [watch.seconds.get(s, 0.0) for s in chain]
        own = {s: max(0.0, inclusive[i] - inclusive[i - 1]) for i, s in enumerate(chain) if i}
        for name in chain[1:]:
            if name not in slots:  # an integration step inside the stream (the compositor)
                extra = self.stage_stats(name, "integration")
                extra.computed += 1
                extra.seconds += own.get(name, 0.0)
        for slot in slots:
            name = picks[slot]
            st = stats[slot]
            st.used[name] += 1
            st.versions[name] = self.version(slot, name)
            st.computed += 1
            st.seconds += own[slot]
            st.notes.extend(impls[slot].drain_notes())
            self.learn(slot, ctx, name, True, own[slot])
        return picks, watch


class RenderWatch:
    """Which stream link is working, when a frame last moved, what failed."""

    def __init__(self) -> None:
        self.stack: list[str] = []
        self.last_progress = time.monotonic()
        self.error: BaseException | None = None
        self.frames_written = 0
        self.seconds: dict[str, float] = {}
        self.chain: list[str] = []  # link names in the order the stream was built
        self._cancelled = False

    def run(self, fn: Callable[[], None]) -> None:
        try:
            fn()
        except BaseException as exc:
            self.error = exc

    def touch(self) -> None:
        """Progress elsewhere (an upstream stage the stream waits for): not a stall."""
        self.last_progress = time.monotonic()

    def cancel(self) -> None:
        """Make the stream stop at its next frame (a stalled link cannot be interrupted)."""
        self._cancelled = True

    def track(self, slot: str, it: Iterator[np.ndarray]) -> Iterator[np.ndarray]:
        if slot not in self.chain:
            self.chain.append(slot)
        return self._track(slot, iter(it))

    def _track(self, slot: str, it: Iterator[np.ndarray]) -> Iterator[np.ndarray]:
        while True:
            if self._cancelled:
                return
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


__all__ = ["Ahead", "Executor", "NullProgress", "Ref", "RenderWatch", "StrictFailure", "Worker"]
