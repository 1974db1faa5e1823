"""A package's dependency tree, from uv.lock, with installed sizes (the site's module pages).

The tree is what the workspace resolves (``uv.lock``), for the Python and platform that build
the site (environment markers evaluated here), without extras. Sizes are the installed bytes
each distribution's ``RECORD`` lists in the environment that builds the site; a workspace
member counts the files its wheel would install (editable installs record almost nothing).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass
class Node:
    name: str
    version: str
    size: int | None  # installed bytes; None when not installed where the site is built
    children: list[Node] = field(default_factory=list)
    repeated: bool = False  # already shown higher up: not expanded again


def _marker_holds(marker: str | None) -> bool:
    if not marker:
        return True
    try:
        from packaging.markers import Marker
    except ImportError:  # pragma: no cover - packaging comes with pip, mkdocs and uv envs
        return True
    try:
        return Marker(marker).evaluate({"extra": ""})
    except Exception:
        return True


def installed_bytes(name: str) -> int | None:
    """Bytes the installed distribution ``name`` lists in its RECORD (None: not installed)."""
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return None
    return sum(f.size or 0 for f in dist.files or [])


class Lock:
    """The packages uv.lock pins: name -> entries (several when resolution forks)."""

    def __init__(self, text: str) -> None:
        self.entries: dict[str, list[dict]] = {}
        for pkg in tomllib.loads(text).get("package", []):
            self.entries.setdefault(normalize(pkg["name"]), []).append(pkg)

    @classmethod
    def read(cls, root: Path) -> Lock | None:
        path = root / "uv.lock"
        return cls(path.read_text(encoding="utf-8")) if path.is_file() else None

    def entry(self, name: str, version: str | None = None) -> dict | None:
        found = self.entries.get(normalize(name), [])
        if version is not None:
            found = [e for e in found if e.get("version") == version] or found
        return found[0] if found else None

    def tree(
        self,
        name: str,
        member_size: Callable[[str], int | None],
        member_version: Callable[[str], str | None] = lambda _name: None,
    ) -> list[Node]:
        """The dependencies of ``name`` (a workspace member), each expanded once. A workspace
        member's size and version come from the callbacks (its pyproject, not the lock)."""
        seen: set[str] = set()

        def children(entry: dict) -> list[Node]:
            nodes = []
            for dep in entry.get("dependencies", []):
                if not _marker_holds(dep.get("marker")):
                    continue
                sub = self.entry(dep["name"], dep.get("version"))
                if sub is None:
                    continue
                key = normalize(sub["name"])
                member = "editable" in sub.get("source", {}) or "virtual" in sub.get("source", {})
                size = member_size(key) if member else installed_bytes(key)
                version = (member_version(key) if member else None) or sub.get("version", "?")
                node = Node(key, str(version), size, repeated=key in seen)
                if not node.repeated:
                    seen.add(key)
                    node.children = children(sub)
                nodes.append(node)
            return nodes

        top = self.entry(name)
        return children(top) if top is not None else []


def closure(nodes: list[Node]) -> dict[str, Node]:
    """Every distribution in the tree, once."""
    out: dict[str, Node] = {}
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if node.name not in out and not node.repeated:
            out[node.name] = node
            stack.extend(node.children)
    return out


def human(size: int | None) -> str:
    if size is None:
        return "not installed here"
    if size >= 2**20:
        return f"{size / 2**20:.1f} MiB"
    return f"{size / 1024:.0f} KiB"


def markdown(nodes: list[Node], depth: int = 0) -> list[str]:
    """A nested list: ``name`` version, installed size; a repeated one is marked, not expanded."""
    lines = []
    for node in nodes:
        tail = " (shown above)" if node.repeated else f" · {human(node.size)}"
        lines.append(f"{'    ' * depth}- `{node.name}` {node.version}{tail}")
        lines += markdown(node.children, depth + 1)
    return lines
