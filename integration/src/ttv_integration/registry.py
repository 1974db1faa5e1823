"""Discovers slot implementations from entry points (group ``ttv.<slot>``).

Stubs from ``ttv_contracts.stubs`` are always registered under the name ``stub``. Two
implementations with one name in one slot are an error, never a silent override.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import EntryPoint, entry_points

from ttv_contracts import CONTRACT_MAJOR
from ttv_contracts.errors import E_CONTRACT_MAJOR, E_DUPLICATE_IMPL, E_UNKNOWN_IMPL, TTVError
from ttv_contracts.stubs import STUBS
from ttv_contracts.v1 import SLOT_BASES, SLOTS, ModuleInfo, SlotImplementation

GROUP_PREFIX = "ttv."


@dataclass(frozen=True)
class Entry:
    """One registered implementation; the class is imported lazily."""

    slot: str
    name: str
    source: str  # "module:attr" or "ttv_contracts.stubs"
    distribution: str
    _load: Callable[[], type[SlotImplementation]]

    def load(self) -> type[SlotImplementation]:
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
    return tuple(ep for slot in SLOTS for ep in entry_points(group=GROUP_PREFIX + slot))


class Registry:
    """Slot name -> implementation name -> :class:`Entry`."""

    def __init__(self, eps: Iterable[EntryPoint] | None = None) -> None:
        self._entries: dict[str, dict[str, Entry]] = {slot: {} for slot in SLOTS}
        for slot, cls in STUBS.items():
            self._add(Entry(slot, "stub", "ttv_contracts.stubs", "ttv-contracts", lambda c=cls: c))
        if eps is None:
            eps = installed_entry_points()
        for ep in eps:
            slot = ep.group[len(GROUP_PREFIX) :]
            if slot not in SLOTS:
                continue  # other ttv.* groups (e.g. ttv.commands) are not slots
            dist = ep.dist.name if ep.dist is not None else "?"
            self._add(Entry(slot, ep.name, ep.value, dist, ep.load))

    def _add(self, entry: Entry) -> None:
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

    def slots(self) -> list[str]:
        return list(self._entries)

    def names(self, slot: str) -> list[str]:
        """Implementation names of a slot, stub last."""
        names = sorted(n for n in self._entries[self._slot(slot)] if n != "stub")
        return [*names, "stub"]

    def get(self, slot: str, name: str) -> Entry:
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
        if slot not in self._entries:
            raise TTVError(
                E_UNKNOWN_IMPL,
                f"unknown slot '{slot}'. Slots: {', '.join(SLOTS)}.",
                module="ttv-integration",
            )
        return slot
