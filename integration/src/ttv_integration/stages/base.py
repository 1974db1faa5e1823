"""What a stage declares, and the state that flows between stages.

A stage is data: its name, the slot it calls and the base-class method it calls (a typed
reference such as ``NarrativePlanner.plan``, never a string), the state it reads and writes,
how its output is stored in the cache, and where it sits in the lesson's flow. Its ``run``
is the little code that says how the inputs become the method's arguments; everything else
(cache lookup, lineage, fallback, budgets, threads, statistics) is the executor's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..artifacts import Artifact
    from ..executor import Executor, Ref


@dataclass(frozen=True)
class Link:
    """One link of a streaming stage: a slot and its generator method."""

    slot: str
    method: Callable[..., Any]


@dataclass(frozen=True)
class Stage:
    """A declared pipeline stage. ``run(executor, state)`` does the stage's work."""

    name: str
    rank: int  # position in the lesson's flow among stages whose inputs are ready together
    run: Callable[[Executor, State], None] = field(repr=False)
    slot: str | None = None  # None: an integration step that calls no implementation
    method: Callable[..., Any] | None = None
    inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    artifact: Artifact | None = None
    persist: bool = True  # False: kept in memory for the run only (cheap to recompute)
    links: tuple[Link, ...] = ()  # streaming stages: the slots they chain
    doc: str = ""

    def key_slots(self) -> tuple[str, ...]:
        """Slots whose implementation identity goes into this stage's cache keys."""
        if self.links:
            return tuple(link.slot for link in self.links)
        return (self.slot,) if self.slot else ()


@dataclass
class PerShot:
    """A per-shot output computed on first use: ``key(i)`` costs nothing, ``get(i)`` loads
    the artifact or computes it (and, through it, whatever it is made from)."""

    key: Callable[[int], str]
    get: Callable[[int], tuple[Any, Ref]]


class State:
    """Named values passed between stages. Reading a name no stage has written is a bug in
    the stage declarations, reported with the stage's name."""

    def __init__(self, **values: Any) -> None:
        object.__setattr__(self, "_values", dict(values))

    def __getattr__(self, name: str) -> Any:
        values = object.__getattribute__(self, "_values")
        if name not in values:
            raise AttributeError(f"pipeline state has no {name!r} (no stage declared it)")
        return values[name]

    def __setattr__(self, name: str, value: Any) -> None:
        self._values[name] = value

    def has(self, name: str) -> bool:
        return name in self._values

    def names(self) -> set[str]:
        return set(self._values)
