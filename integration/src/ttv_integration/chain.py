"""A slot's candidates in fallback order, and calling them with time budgets.

The last candidate is always the slot's stub. A candidate that raises, runs past its time
budget or returns invalid output is recorded and the next one is tried.
"""

from __future__ import annotations

import queue
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ttv_contracts.errors import (
    E_OUT_OF_MEMORY,
    E_STAGE_FAILED,
    E_STAGE_TIMEOUT,
    E_UNKNOWN_IMPL,
    TTVError,
)
from ttv_contracts.v1 import FallbackRecord, SlotImplementation, StageRecord

from .config import AUTO, PipelineConfig
from .registry import Registry


class StageTimeout(Exception):
    pass


class ImplementationThread:
    """One daemon thread per implementation instance: every call to an instance runs on the
    same thread (SQLite connections and other thread-bound state stay valid), and a call past
    its budget is abandoned (threads cannot be killed) while the caller moves on."""

    def __init__(self, name: str) -> None:
        self._tasks: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._loop, daemon=True, name=f"ttv-{name}")
        self._thread.start()

    def _loop(self) -> None:
        while True:
            fn, box, done = self._tasks.get()
            try:
                box["value"] = fn()
            except BaseException as exc:  # handed back to the caller
                box["error"] = exc
            finally:
                done.set()

    def run(self, fn: Callable[[], Any], timeout_s: float | None) -> Any:
        box: dict[str, Any] = {}
        done = threading.Event()
        self._tasks.put((fn, box, done))
        if not done.wait(timeout_s):
            raise StageTimeout(f"no result after {timeout_s:g} s")
        if "error" in box:
            raise box["error"]
        return box["value"]


def as_ttv_error(exc: BaseException, impl: str, slot: str) -> TTVError:
    if isinstance(exc, TTVError):
        return exc
    if isinstance(exc, StageTimeout):
        return TTVError(
            E_STAGE_TIMEOUT, f"{slot} implementation '{impl}' timed out: {exc}", module=impl
        )
    if isinstance(exc, MemoryError):
        return TTVError(
            E_OUT_OF_MEMORY, f"{slot} implementation '{impl}' ran out of memory", module=impl
        )
    text = f"{type(exc).__name__}: {exc}".strip()
    if "out of memory" in text.lower():
        return TTVError(
            E_OUT_OF_MEMORY, f"{slot} implementation '{impl}': {text[:300]}", module=impl
        )
    return TTVError(
        E_STAGE_FAILED, f"{slot} implementation '{impl}' raised {text[:300]}", module=impl
    )


@dataclass
class StageStats:
    """What one stage did across all its calls (one per shot, or one in all)."""

    stage: str
    slot: str
    used: Counter = field(default_factory=Counter)
    versions: dict[str, str] = field(default_factory=dict)
    fallbacks: list[FallbackRecord] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    computed: int = 0
    reused: int = 0
    seconds: float = 0.0
    input_digest: str = ""

    def record(self) -> StageRecord:
        if self.used:
            impl = ", ".join(f"{n} x{c}" if len(self.used) > 1 else n for n, c in self.used.items())
        else:
            impl = "-"
        if self.fallbacks:
            status = "fallback"
        elif self.computed == 0 and self.reused:
            status = "reused"
        else:
            status = "ok"
        notes = list(dict.fromkeys(self.notes))
        if self.reused and self.computed:
            notes.append(f"reused {self.reused}, computed {self.computed}")
        return StageRecord(
            stage=self.stage,
            slot=self.slot,
            implementation=impl,
            version=", ".join(sorted(set(self.versions.values()))) or "-",
            status=status,
            duration_s=round(self.seconds, 4),
            fallbacks=tuple(self.fallbacks),
            error_codes=tuple(dict.fromkeys(f.error_code for f in self.fallbacks)),
            notes=tuple(notes),
            input_digest=self.input_digest,
        )


class SlotChain:
    """Candidates for one slot: the chosen implementation, its fallbacks, the stub."""

    def __init__(self, slot: str, registry: Registry, config: PipelineConfig) -> None:
        self.slot = slot
        self.registry = registry
        self.config = config
        self.cfg = config.slot(slot)
        self.skipped: list[str] = []
        self.primary, rest = self._resolve()
        self.fallbacks = rest
        self._instances: dict[str, SlotImplementation] = {}
        self._threads: dict[str, ImplementationThread] = {}
        self.disabled: set[str] = set()

    # ------------------------------------------------------------------ resolution

    def _local(self, name: str) -> bool:
        """Installed, importable, and needs no GPU, weights or extra."""
        try:
            needs = self.registry.get(self.slot, name).info.needs
        except TTVError as exc:
            self.skipped.append(f"{name}: {exc.message}")
            return False
        return not (needs.gpu or needs.weights_path or needs.extra)

    def _resolve(self) -> tuple[str, list[str]]:
        installed = self.registry.names(self.slot)
        use = self.cfg.use
        if use != AUTO and use not in installed:
            if self.cfg.explicit:
                self.registry.get(self.slot, use)  # raises the coded "unknown" error
            self.skipped.append(f"{use}: not installed")
            use = AUTO
        if use == AUTO:
            preferred = [n for n in self.cfg.prefer if n in installed and self._local(n)]
            others = [n for n in installed if n != "stub" and n not in preferred and self._local(n)]
            ordered = preferred + others
            use = ordered[0] if ordered else "stub"
        if self.cfg.fallbacks is not None:
            rest = [n for n in self.cfg.fallbacks if n != use]
            for name in rest:
                if name not in installed:
                    raise TTVError(
                        E_UNKNOWN_IMPL,
                        f"fallback '{name}' of slot '{self.slot}' "
                        f"is not installed. Installed: {', '.join(installed)}.",
                        module="ttv-integration",
                    )
        else:
            rest = [n for n in installed if n not in (use, "stub") and self._local(n)]
        rest = [n for n in rest if n != "stub"]
        if use != "stub":
            rest.append("stub")
        return use, rest

    @property
    def candidates(self) -> list[str]:
        return [self.primary, *self.fallbacks]

    def identity(self) -> list[Any]:
        """What determines this slot's output: names, versions and options of the chain."""
        out: list[Any] = [self.slot]
        for name in self.candidates:
            try:
                version = self.registry.get(self.slot, name).info.version
            except TTVError:
                version = "?"
            out.append((name, version))
        out.append(self.cfg.options)
        return out

    # ------------------------------------------------------------------ instances

    def instance(self, name: str) -> SlotImplementation:
        if name not in self._instances:
            cls = self.registry.get(self.slot, name).load()
            # Options are written for the configured implementation; fallbacks run on defaults.
            options = dict(self.cfg.options) if name == self.primary and name != "stub" else {}
            if cls.info.needs.store:
                options.setdefault("store_dir", str(Path(self.config.stores()) / self.slot))
            self._instances[name] = cls(**options)
        return self._instances[name]

    def run_in(
        self, name: str, fn: Callable[[SlotImplementation], Any], timeout_s: float | None = None
    ) -> Any:
        """Run ``fn(instance)`` on the implementation's own thread (created with it)."""
        if name not in self._threads:
            self._threads[name] = ImplementationThread(f"{self.slot}-{name}")
        return self._threads[name].run(lambda: fn(self.instance(name)), timeout_s)

    def version(self, name: str) -> str:
        return self.registry.get(self.slot, name).info.version

    # ------------------------------------------------------------------ calling

    def call(
        self,
        method: str,
        args: tuple,
        stats: StageStats,
        *,
        order: list[str] | None = None,
        on_outcome: Callable[[str, bool, float], None] | None = None,
    ) -> Any:
        """Call ``method`` on each candidate in turn until one returns valid output."""
        timeout = self.cfg.timeout_s or self.config.stage_timeout_s
        last: TTVError | None = None
        for name in order or self.candidates:
            if name in self.disabled:
                continue
            started = time.perf_counter()
            try:
                result = self.run_in(name, lambda impl: getattr(impl, method)(*args), timeout)
                impl = self.instance(name)
            except Exception as exc:  # every failure becomes a recorded, coded fallback
                err = as_ttv_error(exc, name, self.slot)
                stats.fallbacks.append(
                    FallbackRecord(
                        implementation=name, error_code=err.code, message=err.message[:500]
                    )
                )
                if err.code == "TTV-E011":
                    self.disabled.add(name)  # a hung implementation is not retried this run
                if on_outcome:
                    on_outcome(name, False, time.perf_counter() - started)
                last = err
                continue
            elapsed = time.perf_counter() - started
            stats.seconds += elapsed
            stats.used[name] += 1
            stats.versions[name] = impl.info.version
            stats.computed += 1
            stats.notes.extend(impl.drain_notes())
            if on_outcome:
                on_outcome(name, True, elapsed)
            return result
        raise TTVError(
            E_STAGE_FAILED,
            f"every implementation of slot '{self.slot}' failed, the stub included; last error: "
            f"{last.message if last else 'none'}",
            module="ttv-integration",
        )
