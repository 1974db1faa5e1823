"""A slot's candidates in fallback order, and what one stage did with them.

The last candidate is always the slot's stub. Calling candidates (threads, budgets, fallback)
is the executor's job (:mod:`ttv_integration.executor`); this module only resolves which
implementations a slot has and how each is built.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ttv_contracts.errors import (
    E_CONFIG_INVALID,
    E_OUT_OF_MEMORY,
    E_STAGE_FAILED,
    E_STAGE_TIMEOUT,
    E_UNKNOWN_IMPL,
    TTVError,
)
from ttv_contracts.v1 import FallbackRecord, SlotImplementation, StageRecord
from ttv_contracts.v1.options import parse_options

from .code_identity import code_digest
from .config import AUTO, PipelineConfig
from .registry import Registry


class StageTimeout(Exception):
    pass


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
    reused_from: Counter = field(default_factory=Counter)  # maker of each reused artifact
    last_impl: str = ""  # the implementation that answered the latest call

    def makers(self) -> dict[str, str]:
        """implementation -> version, for everything this stage's output came from (computed
        now or reused from the cache)."""
        names = list(dict.fromkeys([*self.used, *self.reused_from]))
        return {n: self.versions.get(n, "?") for n in names}

    def record(self) -> StageRecord:
        made = self.used + self.reused_from
        if made:
            impl = ", ".join(f"{n} x{c}" if len(made) > 1 else n for n, c in made.items())
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


def check_slot_options(config: PipelineConfig, registry: Registry | None = None) -> None:
    """Check every slot's configured options against its implementation's options model
    (TTV-E002; TTV-E003 for an unknown implementation) before a run creates anything."""
    for slot, table in config.slots.items():
        if table.options:
            registry = registry or Registry()
            SlotChain(slot, registry, config)


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
        self.disabled: set[str] = set()
        self._check_options()

    def _check_options(self) -> None:
        """The configured options against the primary's options model, before anything
        runs: a bad option is the user's input error (TTV-E002, exit 2), not a fallback.
        Options kept for an implementation that is not installed (the slot fell back to its
        stub without the user naming it) are not checked: they are not used."""
        if not self.cfg.options or (self.primary == "stub" and not self.cfg.explicit):
            return
        cls = self.registry.get(self.slot, self.primary).load()
        try:
            parse_options(cls, dict(self.cfg.options))
        except TTVError as err:
            own = f" ({err.code})" if err.code != E_CONFIG_INVALID.code else ""
            raise TTVError(
                E_CONFIG_INVALID,
                f"options of slot '{self.slot}': {err.message}{own}",
                module="ttv-integration",
                hint=err.hint,
            ) from None

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
        """What determines this slot's output: names, versions, code and options of the chain.

        The code digest covers the implementation's installed files, so a module fixed in
        place at the same version does not reuse what its bug produced."""
        out: list[Any] = [self.slot]
        for name in self.candidates:
            try:
                cls = self.registry.get(self.slot, name).load()
                out.append((name, cls.info.version, code_digest(cls)))
            except TTVError:
                out.append((name, "?", "?"))
        out.append(self.cfg.options)
        out.append(self.config.namespace)
        return out

    # ------------------------------------------------------------------ instances

    def make(self, name: str) -> SlotImplementation:
        """A new instance of candidate ``name``. Options are written for the configured
        implementation; fallbacks run on their defaults. Stores go under the config's store
        root, one folder per namespace and slot."""
        cls = self.registry.get(self.slot, name).load()
        options = dict(self.cfg.options) if name == self.primary and name != "stub" else {}
        if cls.info.needs.store:
            options.setdefault("store_dir", str(self.config.store_path(self.slot)))
        return cls(**options)

    def instance(self, name: str) -> SlotImplementation:
        """A cached instance, for one-shot commands (verify, doctor); runs use the executor."""
        if name not in self._instances:
            self._instances[name] = self.make(name)
        return self._instances[name]

    def version(self, name: str) -> str:
        return self.registry.get(self.slot, name).info.version
