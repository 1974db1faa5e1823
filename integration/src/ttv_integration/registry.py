"""Discovers slot implementations from entry points (group ``ttv.<slot>``).

Stubs from ``ttv_contracts.stubs`` are always registered under the name ``stub``. Two
implementations with one name in one slot are an error, never a silent override.

Importing this module is cheap (no pydantic, numpy or implementation): the contract models
and the stubs are imported when a :class:`Registry` is built. :func:`static_catalog` lists
the installed implementations from the distributions' metadata alone (what ``ttv modules``
shows), without importing any implementation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.metadata import EntryPoint, entry_points
from typing import TYPE_CHECKING

from ttv_contracts import CONTRACT_MAJOR

if TYPE_CHECKING:
    from ttv_contracts.v1 import ModuleInfo, SlotImplementation

GROUP_PREFIX = "ttv."

#: Slot -> cluster, in the contract's order. A copy of ``ttv_contracts.v1.SLOTS`` (first
#: field) and ``CLUSTER_NAMES``, so that discovery and listing import no pydantic model;
#: ``test_registry_metadata.py`` asserts that the copies equal the contract's tables.
SLOT_CLUSTERS: dict[str, str] = {
    "narrative": "A",
    "identity": "A",
    "scene": "A",
    "emotion": "A",
    "keyframe": "B",
    "motion": "B",
    "transitions": "B",
    "extender": "B",
    "interpolator": "B",
    "voice": "C",
    "lipsync": "C",
    "upscaler": "C",
    "watermark": "C",
    "router": "C",
}
CLUSTER_NAMES: dict[str, str] = {"A": "Intelligence", "B": "Motion", "C": "Production"}
SLOTS = SLOT_CLUSTERS  # the slot names, in order (the contract's SLOTS has the same keys)


@dataclass(frozen=True)
class Entry:
    """One registered implementation; the class is imported lazily."""

    slot: str
    name: str
    source: str  # "module:attr" or "ttv_contracts.stubs"
    distribution: str
    _load: Callable[[], type[SlotImplementation]]

    def load(self) -> type[SlotImplementation]:
        from ttv_contracts.errors import E_CONTRACT_MAJOR, E_UNKNOWN_IMPL, TTVError
        from ttv_contracts.v1 import SLOT_BASES

        try:
            cls = self._load()
        except Exception as exc:  # ImportError, a missing attribute, a broken module
            raise TTVError(
                E_UNKNOWN_IMPL,
                f"implementation '{self.name}' of slot '{self.slot}' ({self.source}) cannot be "
                f"imported: {exc}",
                module="ttv-integration",
            ) from exc
        base = SLOT_BASES[self.slot]
        if not (isinstance(cls, type) and issubclass(cls, base)):
            raise TTVError(
                E_UNKNOWN_IMPL,
                f"{self.source} is not a {base.__name__} (slot '{self.slot}')",
                module="ttv-integration",
            )
        info: ModuleInfo = cls.info
        if info.contract_major != CONTRACT_MAJOR:
            raise TTVError(
                E_CONTRACT_MAJOR,
                f"implementation '{self.name}' ({self.distribution}) was built for contract "
                f"v{info.contract_major}; this pipeline speaks v{CONTRACT_MAJOR}.",
                module="ttv-integration",
                hint="Install a release of the module built for this contract major.",
            )
        return cls

    @property
    def info(self) -> ModuleInfo:
        return self.load().info


@lru_cache(maxsize=1)
def installed_entry_points() -> tuple[EntryPoint, ...]:
    """Every ``ttv.<slot>`` entry point installed (read once per process: scanning the
    installed distributions' metadata costs about 0.1 s)."""
    every = all_entry_points()
    return tuple(ep for slot in SLOTS for ep in every.select(group=GROUP_PREFIX + slot))


@cache
def _distribution_name(ep: EntryPoint) -> str:
    """The name of the distribution that installed ``ep``, read once per entry point
    (``ep.dist.name`` parses the distribution's METADATA file on every access)."""
    return ep.dist.name if ep.dist is not None else "?"


@lru_cache(maxsize=1)
def all_entry_points():
    """Every installed entry point, read once per process (one scan of the metadata)."""
    return entry_points()


class Registry:
    """Slot name -> implementation name -> :class:`Entry`."""

    def __init__(self, eps: Iterable[EntryPoint] | None = None) -> None:
        from ttv_contracts.stubs import STUBS

        self._entries: dict[str, dict[str, Entry]] = {slot: {} for slot in SLOTS}
        for slot, cls in STUBS.items():
            self._add(Entry(slot, "stub", "ttv_contracts.stubs", "ttv-contracts", lambda c=cls: c))
        if eps is None:
            eps = installed_entry_points()
        for ep in eps:
            slot = ep.group[len(GROUP_PREFIX) :]
            if slot not in SLOTS:
                continue  # other ttv.* groups (e.g. ttv.commands) are not slots
            dist = _distribution_name(ep)
            self._add(Entry(slot, ep.name, ep.value, dist, ep.load))

    def _add(self, entry: Entry) -> None:
        from ttv_contracts.errors import E_DUPLICATE_IMPL, TTVError

        existing = self._entries[entry.slot].get(entry.name)
        if existing is not None and existing.source != entry.source:
            raise TTVError(
                E_DUPLICATE_IMPL,
                f"slot '{entry.slot}' has two implementations named '{entry.name}': "
                f"{existing.source} ({existing.distribution}) and {entry.source} "
                f"({entry.distribution})",
                module="ttv-integration",
                hint="Uninstall one of them or rename its entry point.",
            )
        self._entries[entry.slot][entry.name] = entry

    def register(self, slot: str, name: str, cls: type[SlotImplementation]) -> None:
        """Register a class directly (tests, embedding applications); same rules as entry points."""
        self._add(
            Entry(
                self._slot(slot),
                name,
                f"{cls.__module__}:{cls.__qualname__}",
                "(registered in process)",
                lambda: cls,
            )
        )

    def replace(self, slot: str, name: str, cls: type[SlotImplementation]) -> None:
        """Serve ``cls`` under an existing name, keeping its source and distribution (the
        batch's Ray executor wraps GPU implementations so their work runs as Ray tasks)."""
        entry = self.get(slot, name)
        self._entries[entry.slot][name] = Entry(
            entry.slot, name, entry.source, entry.distribution, lambda: cls
        )

    def slots(self) -> list[str]:
        return list(self._entries)

    def names(self, slot: str) -> list[str]:
        """Implementation names of a slot, stub last."""
        names = sorted(n for n in self._entries[self._slot(slot)] if n != "stub")
        return [*names, "stub"]

    def get(self, slot: str, name: str) -> Entry:
        from ttv_contracts.errors import E_UNKNOWN_IMPL, TTVError

        entries = self._entries[self._slot(slot)]
        if name not in entries:
            raise TTVError(
                E_UNKNOWN_IMPL,
                f"slot '{slot}' has no implementation '{name}'. Installed: "
                f"{', '.join(self.names(slot))}.",
                module="ttv-integration",
            )
        return entries[name]

    def _slot(self, slot: str) -> str:
        from ttv_contracts.errors import E_UNKNOWN_IMPL, TTVError

        if slot not in self._entries:
            raise TTVError(
                E_UNKNOWN_IMPL,
                f"unknown slot '{slot}'. Slots: {', '.join(SLOTS)}.",
                module="ttv-integration",
            )
        return slot


# ============================================================================ static metadata


@dataclass(frozen=True)
class CatalogRow:
    """One installed implementation as its distribution's metadata describes it.

    ``version`` and ``package`` come from the distribution (``importlib.metadata``), the
    ``summary`` is the distribution's one-line summary (its ``description``). Nothing is
    imported. ``test_registry_metadata.py`` asserts, for every installed implementation,
    that its ``ModuleInfo`` declares the same version and package, so the two cannot drift
    apart unnoticed; ``ttv modules --load`` compares them at run time too.
    """

    slot: str
    cluster: str
    name: str
    version: str
    package: str
    summary: str
    source: str

    def to_dict(self) -> dict[str, str]:
        return dict(self.__dict__)


def _dist_fields(dist) -> tuple[str, str, str]:
    if dist is None:
        return "?", "?", ""
    meta = dist.metadata
    return dist.name, dist.version, (meta.get("Summary") or "").strip()


def static_catalog(eps: Iterable[EntryPoint] | None = None) -> list[CatalogRow]:
    """Every installed implementation (stubs last in each slot) from entry points and
    distribution metadata only: slot order of the contract, names sorted."""
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        contracts = _dist_fields(distribution("ttv-contracts"))
    except PackageNotFoundError:  # pragma: no cover - ttv-contracts is a dependency
        contracts = ("ttv-contracts", "?", "")
    by_slot: dict[str, list[CatalogRow]] = {slot: [] for slot in SLOT_CLUSTERS}
    for ep in installed_entry_points() if eps is None else eps:
        slot = ep.group[len(GROUP_PREFIX) :]
        if slot not in by_slot or ep.name == "stub":
            continue
        package, version, summary = _dist_fields(ep.dist)
        by_slot[slot].append(
            CatalogRow(slot, SLOT_CLUSTERS[slot], ep.name, version, package, summary, ep.value)
        )
    rows: list[CatalogRow] = []
    for slot, found in by_slot.items():
        rows += sorted(found, key=lambda r: r.name)
        rows.append(
            CatalogRow(
                slot,
                SLOT_CLUSTERS[slot],
                "stub",
                contracts[1],
                contracts[0],
                f"the {slot} slot's dependency-free stub ({contracts[0]})",
                "ttv_contracts.stubs",
            )
        )
    return rows
