"""A lone install and the workspace resolve the same majors (issue 15).

`nox -s index` installs each module alone from the loopback index; :func:`major_mismatches`
compares the third-party distributions that install resolved with the versions `uv.lock`
pins for the workspace. A different major (opencv 5 alone, 4 in the workspace) means the
module's range admits a version the workspace never tests: bound the range (``<5``), or move
the workspace.

The major is the first release number (``4`` of ``4.14.0.94``), as the issue words it; a 0.x
distribution is compared on that ``0`` too. When uv.lock holds several versions of one
distribution (a fork on Python version or platform), any of their majors matches.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path


def normalize(name: str) -> str:
    """PEP 503 normalised distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def major(version: str) -> int | None:
    """The first release number of a PEP 440 version (``2!`` epochs are kept apart as None)."""
    m = re.match(r"\s*v?(\d+)(?:[.\-+!]|$|[a-z])", version.lower())
    if m is None or "!" in version:
        return None
    return int(m.group(1))


def locked_versions(lock_text: str) -> dict[str, set[str]]:
    """Distribution -> versions uv.lock pins, registry packages only (workspace members and
    path or git sources are not third-party releases)."""
    out: dict[str, set[str]] = {}
    for pkg in tomllib.loads(lock_text).get("package", []):
        source = pkg.get("source", {})
        if "registry" not in source or "version" not in pkg:
            continue
        out.setdefault(normalize(pkg["name"]), set()).add(str(pkg["version"]))
    return out


def read_lock(path: Path) -> dict[str, set[str]]:
    return locked_versions(path.read_text(encoding="utf-8"))


def major_mismatches(
    installed: Mapping[str, str],
    locked: Mapping[str, Iterable[str]],
    ignore: Iterable[str] = (),
) -> list[str]:
    """One line per third-party distribution whose installed major is not a major uv.lock
    pins. ``installed``: name -> version (e.g. from ``importlib.metadata`` in the lone venv);
    ``ignore``: names to leave out (the workspace's own packages). A distribution uv.lock does
    not hold is not compared (nothing in the workspace pins it)."""
    skip = {normalize(n) for n in ignore}
    pinned = {normalize(k): set(v) for k, v in locked.items()}
    problems = []
    for raw_name, version in sorted(installed.items()):
        name = normalize(raw_name)
        if name in skip or name not in pinned:
            continue
        majors = {major(v) for v in pinned[name]}
        if major(version) not in majors:
            problems.append(
                f"{name} {version} alone, {' / '.join(sorted(pinned[name]))} in uv.lock "
                f"(major {major(version)} vs {' / '.join(sorted(str(m) for m in majors))})"
            )
    return problems
