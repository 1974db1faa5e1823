"""Versions and release notes: one version source, a CHANGELOG per package, news fragments.

Rules (checked by ``ttv-ownership check``, run by ``nox -s ownership``):

- **One version source.** ``version`` in the package's pyproject.toml. No string literal in
  the source may restate it (``__version__ = "0.1.0"``, ``VERSION = "0.1.0"`` passed to
  ``ModuleInfo(version=...)``): code reads it back with ``ttv_contracts.version_of(dist)``.
  Where the package is installed in the running environment, its metadata must agree too
  (an editable install made before a bump says the old version until ``uv sync``).
- **Released means recorded in CHANGELOG.md.** There are no tags; a release is the newest
  section of the package's CHANGELOG.md, whose marker records the version and a digest of
  what it shipped (every file under ``src/``, plus dependencies, extras and entry points)::

      <!-- release: ttv-emotion 0.2.0 sources sha256:... -->

  The check fails when the pyproject version differs from the recorded one (a bump without
  release notes), and when the digest differs (the source changed since that release) while
  ``changelog.d/`` holds no news fragment describing the change. A fresh clone of main
  passes, because main's digests match main's sources.
- **A bump is one command.** ``ttv-ownership bump ttv-emotion minor`` sets the pyproject
  version, builds the new CHANGELOG section from the fragments with towncrier (which deletes
  them) and records the digest.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .workspace import Package, Workspace

START = "<!-- towncrier release notes start -->"
MARKER_RE = re.compile(r"<!-- release: (\S+) (\S+) sources (sha256:[0-9a-f]{64}) -->")
FRAGMENT_TYPES = ("feature", "bugfix", "removal", "doc", "misc")
FRAGMENT_RE = re.compile(r"^[^.][^/]*\.(" + "|".join(FRAGMENT_TYPES) + r")(\.\d+)?(\.md)?$")
VERSION_LINE = re.compile(r'^(version\s*=\s*")([^"]+)(")', re.MULTILINE)
SKIP_PARTS = {"__pycache__", ".mypy_cache", ".pytest_cache"}


@dataclass(frozen=True)
class Release:
    dist: str
    version: str
    digest: str


# ---------------------------------------------------------------------- facts


def source_digest(pkg: Package) -> str:
    """sha256 over every file under ``src/`` (path and bytes) and the dependency facts."""
    h = hashlib.sha256()
    src = pkg.directory / "src"
    files = sorted(
        p
        for p in src.rglob("*")
        if p.is_file() and not SKIP_PARTS & set(p.parts) and p.suffix not in (".pyc", ".pyo")
    )
    for p in files:
        h.update(p.relative_to(src).as_posix().encode() + b"\0")
        h.update(p.read_bytes() + b"\0")
    project = pkg.pyproject["project"]
    facts = {
        k: project.get(k)
        for k in ("dependencies", "optional-dependencies", "entry-points", "scripts")
    }
    h.update(json.dumps(facts, sort_keys=True).encode())
    return "sha256:" + h.hexdigest()


def changelog_path(pkg: Package) -> Path:
    return pkg.directory / "CHANGELOG.md"


def fragments(pkg: Package) -> list[Path]:
    """News fragments waiting in ``changelog.d/`` (towncrier names: ``<id>.<type>.md``)."""
    d = pkg.directory / "changelog.d"
    if not d.is_dir():
        return []
    return sorted(p for p in d.iterdir() if p.is_file() and FRAGMENT_RE.match(p.name))


def latest_release(pkg: Package) -> Release | None:
    """The newest recorded release (first marker in CHANGELOG.md), or None."""
    path = changelog_path(pkg)
    if not path.is_file():
        return None
    m = MARKER_RE.search(path.read_text(encoding="utf-8"))
    return Release(m.group(1), m.group(2), m.group(3)) if m else None


def changelog_sections(pkg: Package, limit: int = 3) -> list[tuple[str, str]]:
    """(heading, body) of the newest ``limit`` sections, for the site."""
    path = changelog_path(pkg)
    if not path.is_file():
        return []
    text = path.read_text(encoding="utf-8").split(START, 1)[-1]
    parts = re.split(r"^## (.+)$", text, flags=re.MULTILINE)
    out = []
    for i in range(1, len(parts) - 1, 2):
        body = MARKER_RE.sub("", parts[i + 1]).strip()
        out.append((parts[i].strip(), body))
    return out[:limit]


def literal_versions(pkg: Package) -> list[str]:
    """``file:line`` of every version literal that restates the pyproject version."""
    found = []
    for path in pkg.source_files():
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError):
            continue
        consts: dict[str, int] = {}
        for node in tree.body:
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ):
                for t in node.targets:
                    if isinstance(t, ast.Name):
                        consts[t.id] = node.lineno
                        if t.id == "__version__":
                            found.append(f"{path.relative_to(pkg.root)}:{node.lineno} __version__")
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            fn = node.func
            if (fn.id if isinstance(fn, ast.Name) else getattr(fn, "attr", "")) != "ModuleInfo":
                continue
            for kw in node.keywords:
                if kw.arg != "version":
                    continue
                if isinstance(kw.value, ast.Constant) or (
                    isinstance(kw.value, ast.Name) and kw.value.id in consts
                ):
                    found.append(
                        f"{path.relative_to(pkg.root)}:{kw.value.lineno} ModuleInfo(version=...)"
                    )
    return found


def installed_version(dist: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _imports_from(pkg: Package) -> bool:
    """Whether the running environment imports this package from this checkout (editable)."""
    from importlib.util import find_spec

    name = pkg.import_name
    try:
        spec = find_spec(name) if name else None
    except (ImportError, ValueError):
        return False
    locations = list(spec.submodule_search_locations or []) if spec else []
    return any(Path(loc).resolve().is_relative_to(pkg.directory) for loc in locations)


# ---------------------------------------------------------------------- the check


def problems(ws: Workspace, *, installed: bool = True) -> list[str]:
    """Every version/changelog problem of the workspace (empty: all agree)."""
    out = []
    for pkg in ws.packages:
        name, version = pkg.name, pkg.version
        for where in literal_versions(pkg):
            out.append(
                f"[one-version] {name}: {where} restates the version; read it with "
                f'ttv_contracts.version_of("{name}") (pyproject.toml is the one source)'
            )
        if installed and _imports_from(pkg):
            have = installed_version(name)
            if have is not None and have != version:
                out.append(
                    f"[one-version] {name}: installed metadata says {have}, pyproject.toml "
                    f"says {version} (run `uv sync --all-packages`)"
                )
        rel = latest_release(pkg)
        if rel is None:
            out.append(
                f"[changelog] {name}: {pkg.rel}/CHANGELOG.md has no recorded release "
                f"(`<!-- release: ... -->` marker); run `ttv-ownership bump {name} {version}`"
            )
            continue
        if rel.version != version:
            out.append(
                f"[changelog] {name}: pyproject.toml says {version} but the newest CHANGELOG "
                f"section is {rel.version}: release with `ttv-ownership bump {name} {version}`"
            )
        elif rel.digest != source_digest(pkg) and not fragments(pkg):
            out.append(
                f"[changelog] {name}: source changed since {rel.version} was released and "
                f"{pkg.rel}/changelog.d/ has no news fragment: add one with "
                f'`ttv-ownership fragment {name} bugfix "what changed"` '
                f"(types: {', '.join(FRAGMENT_TYPES)})"
            )
    return out


# ---------------------------------------------------------------------- commands


def next_version(current: str, part: str) -> str:
    if re.fullmatch(r"\d+\.\d+\.\d+", part):
        return part
    nums = [int(x) for x in re.match(r"(\d+)\.(\d+)\.(\d+)", current).groups()]
    if part == "major":
        return f"{nums[0] + 1}.0.0"
    if part == "minor":
        return f"{nums[0]}.{nums[1] + 1}.0"
    if part == "patch":
        return f"{nums[0]}.{nums[1]}.{nums[2] + 1}"
    raise ValueError(f"part must be major, minor, patch or X.Y.Z, got {part!r}")


def find_package(ws: Workspace, name: str) -> Package:
    pkg = ws.by_name(name) or ws.by_key(name) or ws.by_name(f"ttv-{name}")
    if pkg is None:
        raise KeyError(f"no workspace package {name!r}")
    return pkg


def add_fragment(pkg: Package, kind: str, text: str, issue: str | None = None) -> Path:
    if kind not in FRAGMENT_TYPES:
        raise ValueError(f"fragment type must be one of {', '.join(FRAGMENT_TYPES)}")
    d = pkg.directory / "changelog.d"
    d.mkdir(exist_ok=True)
    stem = issue or "+" + (re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "change")
    path = d / f"{stem}.{kind}.md"
    n = 1
    while path.exists():
        n += 1
        path = d / f"{stem}.{kind}.{n}.md"
    path.write_text(text.strip() + "\n", encoding="utf-8")
    return path


def record(pkg: Package, *, version: str | None = None) -> Release:
    """Write the release marker under the newest CHANGELOG section (after towncrier built it,
    or to seed a package's first recorded release)."""
    path = changelog_path(pkg)
    text = path.read_text(encoding="utf-8")
    rel = Release(pkg.name, version or pkg.version, source_digest(pkg))
    marker = f"<!-- release: {rel.dist} {rel.version} sources {rel.digest} -->"
    head, sep, body = text.partition(START)
    if not sep:
        raise ValueError(f"{path} lacks the line {START}")
    m = re.search(r"^## .+$", body, flags=re.MULTILINE)
    if m is None:
        raise ValueError(f"{path} has no release section")
    rest = body[m.end() :].lstrip("\n")
    if MARKER_RE.match(rest):  # re-recording: replace the old marker
        rest = MARKER_RE.sub("", rest, count=1).lstrip("\n")
    path.write_text(head + sep + body[: m.end()] + "\n" + marker + "\n\n" + rest, encoding="utf-8")
    return rel


def bump(ws: Workspace, name: str, part: str, *, draft: bool = False) -> tuple[str, str]:
    """Set the version, build the CHANGELOG section from the fragments, record the digest."""
    pkg = find_package(ws, name)
    old = pkg.version
    new = next_version(old, part)
    pp = pkg.directory / "pyproject.toml"
    cmd = [
        sys.executable,
        "-m",
        "towncrier",
        "build",
        "--config",
        str(pp),
        "--dir",
        str(pkg.directory),
        "--name",
        pkg.name,
        "--version",
        new,
    ]
    if draft:
        res = subprocess.run([*cmd, "--draft"], capture_output=True, text=True, check=False)
        return old, res.stdout + res.stderr
    text = pp.read_text(encoding="utf-8")
    pp.write_text(VERSION_LINE.sub(lambda m: m.group(1) + new + m.group(3), text, count=1))
    res = subprocess.run([*cmd, "--yes"], capture_output=True, text=True, check=False)
    if res.returncode != 0:
        pp.write_text(text, encoding="utf-8")  # leave nothing half-done
        raise RuntimeError(f"towncrier failed:\n{res.stdout}{res.stderr}")
    fresh = Workspace(ws.root)
    record(find_package(fresh, name), version=new)
    return old, new


# ---------------------------------------------------------------------- site


EXAMPLE_RE = re.compile(r"^## Example\s*$(.*?)^```python\n(.*?)^```", re.S | re.M)


def readme_example(pkg: Package) -> str | None:
    """The first ```python block under the README's `## Example` heading (what CI runs)."""
    path = pkg.directory / "README.md"
    if not path.is_file():
        return None
    m = EXAMPLE_RE.search(path.read_text(encoding="utf-8"))
    if m is None or "\n## " in m.group(1):
        return None
    return m.group(2)


def installed_size(pkg: Package) -> tuple[int, int]:
    """(bytes, files) the package itself installs: its import package and the owner docs the
    wheel carries (dependencies not counted; bytecode not counted)."""
    files = [
        p
        for p in (pkg.directory / "src").rglob("*")
        if p.is_file() and not SKIP_PARTS & set(p.parts) and p.suffix not in (".pyc", ".pyo")
    ]
    docs = pkg.pyproject.get("tool", {}).get("hatch", {}).get("build", {}).get("targets", {})
    forced = docs.get("wheel", {}).get("force-include", {})
    files += [pkg.directory / src for src in forced if (pkg.directory / src).is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def dependency_tree_section(pkg: Package, ws: Workspace) -> list[str]:
    """The package's dependency tree from uv.lock, each distribution's installed size, and the
    total a plain ``pip install`` of the package adds."""
    from . import deptree

    lock = deptree.Lock.read(ws.root)
    if lock is None:
        return ["### Dependency tree", "", "No `uv.lock` in this checkout."]
    members = {deptree.normalize(p.name): p for p in ws.packages}

    def member_size(name: str) -> int | None:
        return installed_size(members[name])[0] if name in members else None

    def member_version(name: str) -> str | None:
        return members[name].version if name in members else None

    nodes = lock.tree(pkg.name, member_size, member_version)
    every = deptree.closure(nodes)
    own = installed_size(pkg)[0]
    known = [n.size for n in every.values() if n.size is not None]
    missing = len(every) - len(known)
    lines = [
        "### Dependency tree",
        "",
        f"What `pip install {pkg.name}` brings, as the workspace resolves it (`uv.lock`, "
        "no extras), with each distribution's installed size where this site was built. "
        f"In all **{len(every)} distributions**, "
        f"**{deptree.human(own + sum(known))}** with the package itself"
        + (f" ({missing} not installed here, not counted)" if missing else "")
        + ".",
        "",
    ]
    lines += deptree.markdown(nodes) or ["- (no dependencies)"]
    return lines


def site_section(pkg: Package, ws: Workspace | None = None) -> str:
    """Install, version, dependencies (tree), size, README example and newest release notes."""
    size, n = installed_size(pkg)
    rel = latest_release(pkg)
    waiting = fragments(pkg)
    lines = [
        "## Install",
        "",
        f"`pip install {pkg.name}` — version **{pkg.version}** "
        f"(pyproject.toml, the one version source; `{pkg.import_name}.__version__` and "
        "`ModuleInfo.version` read it back).",
        "",
        f"Installed size of the package itself: **{size / 1024:.0f} KiB** in {n} files "
        "(code and the owner docs the wheel carries; its dependencies are not counted).",
        "",
        "| dependency | when |",
        "| --- | --- |",
    ]
    lines += [f"| `{d}` | always |" for d in pkg.dependencies]
    for extra, reqs in pkg.extras.items():
        lines += [f"| `{d}` | extra `{pkg.name}[{extra}]` |" for d in reqs]
    if not pkg.dependencies and not pkg.extras:
        lines.append("| (none) | |")
    if ws is not None:
        lines += ["", *dependency_tree_section(pkg, ws)]
    example = readme_example(pkg)
    if example:
        lines += [
            "",
            "### Example",
            "",
            "From the README; `nox -s index` runs it from the installed wheel in a fresh venv.",
            "",
            "```python",
            example.rstrip("\n"),
            "```",
        ]
    lines += ["", "### Changelog", ""]
    if rel is None:
        lines.append("No release recorded in CHANGELOG.md yet.")
    else:
        lines.append(
            f"Newest release **{rel.version}**"
            + (f"; {len(waiting)} news fragment(s) waiting for the next" if waiting else "")
            + ". Full history: [CHANGELOG](changelog.md)."
        )
        for head, body in changelog_sections(pkg, limit=2):
            body = re.sub(
                r"^(#{1,4}) ", lambda m: "#" * min(6, len(m.group(1)) + 2) + " ", body, flags=re.M
            )
            lines += ["", f"#### {head}", "", body]
    return "\n".join(lines)
