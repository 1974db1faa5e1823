"""Discover the workspace: packages, their entry points, public API, codes and measured facts.

Everything here is static (files are parsed, not imported) so the committed owner-doc facts
do not depend on which packages happen to be installed. :func:`implementation_info` is the
one place that imports code, for the site, and it falls back to a static reading.
"""

from __future__ import annotations

import ast
import glob
import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

SOURCE_SUFFIXES = (".py",)
ANCHOR_RE = re.compile(r'<a\s+id="(ttv-e\d{3})"\s*>\s*</a>', re.IGNORECASE)
HEADING_RE = re.compile(r"^#+\s*(TTV-E\d{3})\s*[:\-–—]?\s*(.*)$", re.IGNORECASE)


def find_root(start: Path | None = None) -> Path:
    """The workspace root: the nearest parent whose pyproject declares a uv workspace."""
    here = Path(start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        pp = candidate / "pyproject.toml"
        if pp.is_file():
            data = tomllib.loads(pp.read_text(encoding="utf-8"))
            if data.get("tool", {}).get("uv", {}).get("workspace"):
                return candidate
    raise FileNotFoundError(f"no uv workspace root above {here}")


@dataclass(frozen=True)
class EntryPoint:
    group: str
    name: str
    value: str

    @property
    def slot(self) -> str | None:
        if self.group.startswith("ttv.") and self.group != "ttv.commands":
            return self.group[len("ttv.") :]
        return None

    @property
    def module(self) -> str:
        return self.value.split(":")[0]

    @property
    def attr(self) -> str:
        return self.value.split(":")[1] if ":" in self.value else ""


@dataclass(frozen=True)
class CodeEntry:
    code: str
    title: str
    package: str
    documented: bool  # has an anchor in the package's REPAIR.md
    registered: bool  # registered with register_code in the package's source


@dataclass
class Package:
    root: Path  # workspace root
    directory: Path  # absolute
    pyproject: dict = field(repr=False)

    @property
    def rel(self) -> str:
        return self.directory.relative_to(self.root).as_posix()

    @property
    def name(self) -> str:
        return self.pyproject["project"]["name"]

    @property
    def key(self) -> str:
        """Short module name: the directory name (``packages/emotion`` -> ``emotion``)."""
        return self.directory.name

    @property
    def version(self) -> str:
        return str(self.pyproject["project"].get("version", "dynamic"))

    @property
    def description(self) -> str:
        return self.pyproject["project"].get("description", "")

    @property
    def dependencies(self) -> list[str]:
        return list(self.pyproject["project"].get("dependencies", []))

    @property
    def extras(self) -> dict[str, list[str]]:
        return dict(self.pyproject["project"].get("optional-dependencies", {}))

    @property
    def scripts(self) -> dict[str, str]:
        return dict(self.pyproject["project"].get("scripts", {}))

    @property
    def entry_points(self) -> list[EntryPoint]:
        eps = self.pyproject["project"].get("entry-points", {})
        return [
            EntryPoint(group, name, value)
            for group, table in sorted(eps.items())
            for name, value in sorted(table.items())
        ]

    @property
    def slot_entry_points(self) -> list[EntryPoint]:
        return [ep for ep in self.entry_points if ep.slot]

    @cached_property
    def import_names(self) -> list[str]:
        src = self.directory / "src"
        if not src.is_dir():
            return []
        return sorted(p.name for p in src.iterdir() if p.is_dir() and (p / "__init__.py").is_file())

    @property
    def import_name(self) -> str | None:
        names = self.import_names
        guess = self.name.replace("-", "_")
        return guess if guess in names else (names[0] if names else None)

    def source_files(self) -> list[Path]:
        src = self.directory / "src"
        return sorted(p for p in src.rglob("*.py") if "__pycache__" not in p.parts)

    def test_files(self) -> list[Path]:
        tests = self.directory / "tests"
        if not tests.is_dir():
            return []
        return sorted(p for p in tests.rglob("*.py") if "__pycache__" not in p.parts)

    # ------------------------------------------------------------------ measured facts

    @cached_property
    def source_lines(self) -> int:
        return sum(_code_lines(p) for p in self.source_files())

    @cached_property
    def test_lines(self) -> int:
        return sum(_code_lines(p) for p in self.test_files())

    @cached_property
    def public_api(self) -> list[str]:
        name = self.import_name
        if not name:
            return []
        return _dunder_all(self.directory / "src" / name / "__init__.py")

    @cached_property
    def test_functions(self) -> int:
        return sum(_count_tests(p) for p in self.test_files())

    @cached_property
    def kit_bases(self) -> dict[str, str]:
        """Test class -> the conformance-kit class it subclasses."""
        found: dict[str, str] = {}
        for path in self.test_files():
            found.update(_kit_subclasses(path))
        return dict(sorted(found.items()))

    @property
    def kit_classes(self) -> list[str]:
        """Test classes that subclass a conformance kit from ``ttv_contracts.testing``."""
        return list(self.kit_bases)

    def inherited_kit_tests(self) -> int:
        """Kit test methods the package's test classes inherit (from contracts' kit.py)."""
        kit = self.root / "contracts" / "src" / "ttv_contracts" / "testing" / "kit.py"
        counts = kit_test_counts(kit)
        return sum(counts.get(base, 0) for base in self.kit_bases.values())

    # ------------------------------------------------------------------ error codes

    @cached_property
    def registered_codes(self) -> dict[str, str]:
        """code -> title, read statically from ``register_code(...)`` calls in the source."""
        out: dict[str, str] = {}
        for path in self.source_files():
            for code, (title, pkg) in _register_calls(path).items():
                if pkg in (None, self.name):
                    out[code] = title
        return dict(sorted(out.items()))

    @cached_property
    def declared_codes(self) -> dict[str, tuple[str, str]]:
        """code -> (title, declared package) for every ``register_code`` call in the sources,
        whichever package it names (contracts registers integration's platform codes)."""
        out: dict[str, tuple[str, str]] = {}
        for path in self.source_files():
            for code, (title, pkg) in _register_calls(path).items():
                out[code] = (title, pkg or self.name)
        return dict(sorted(out.items()))

    @cached_property
    def documented_codes(self) -> dict[str, str]:
        """code -> heading title, from ``<a id="ttv-eNNN"></a>`` anchors in REPAIR.md."""
        return repair_anchors(self.directory / "REPAIR.md")

    def codes(self) -> list[CodeEntry]:
        reg, doc = self.registered_codes, self.documented_codes
        return [
            CodeEntry(
                code=code,
                title=reg.get(code) or doc.get(code) or "",
                package=self.name,
                documented=code in doc,
                registered=code in reg,
            )
            for code in sorted(set(reg) | set(doc))
        ]


def repair_anchors(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    lines = path.read_text(encoding="utf-8").splitlines()
    out: dict[str, str] = {}
    for i, line in enumerate(lines):
        m = ANCHOR_RE.search(line)
        if not m:
            continue
        code = m.group(1).upper()
        title = ""
        for nxt in lines[i + 1 : i + 4]:
            h = HEADING_RE.match(nxt.strip())
            if h:
                title = h.group(2).strip()
                break
        out[code] = title
    return dict(sorted(out.items()))


def _code_lines(path: Path) -> int:
    """Non-blank lines that are not only a comment."""
    n = 0
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        s = line.strip()
        if s and not s.startswith("#"):
            n += 1
    return n


def _parse(path: Path) -> ast.Module | None:
    try:
        return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (SyntaxError, UnicodeDecodeError, FileNotFoundError):
        return None


def _dunder_all(path: Path) -> list[str]:
    tree = _parse(path)
    if tree is None:
        return []
    for node in tree.body:
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets = [node.target]
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            try:
                return sorted(str(x) for x in ast.literal_eval(node.value))
            except ValueError:
                return []
    return []


def _count_tests(path: Path) -> int:
    tree = _parse(path)
    if tree is None:
        return 0
    return sum(
        1
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test")
    )


def _kit_subclasses(path: Path) -> dict[str, str]:
    tree = _parse(path)
    if tree is None:
        return {}
    kit_names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "ttv_contracts.testing"
        ):
            kit_names.update(a.asname or a.name for a in node.names)
    out: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for base in node.bases:
                name = base.id if isinstance(base, ast.Name) else getattr(base, "attr", "")
                if name in kit_names or name.endswith("Kit") or name.endswith("Conformance"):
                    out[node.name] = name
                    break
    return out


def _register_calls(path: Path) -> dict[str, tuple[str, str | None]]:
    tree = _parse(path)
    if tree is None:
        return {}
    out = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        fn = node.func
        fname = fn.id if isinstance(fn, ast.Name) else getattr(fn, "attr", "")
        if fname != "register_code" or len(node.args) < 2:
            continue
        code, title = node.args[0], node.args[1]
        owner = node.args[2] if len(node.args) > 2 else None
        for kw in node.keywords:
            if kw.arg == "package":
                owner = kw.value
        if isinstance(code, ast.Constant) and isinstance(code.value, str):
            t = title.value if isinstance(title, ast.Constant) else ""
            pkg = owner.value if isinstance(owner, ast.Constant) else None
            out[code.value.upper()] = (str(t), pkg)
    return out


def kit_test_counts(kit_file: Path) -> dict[str, int]:
    """Conformance class -> number of ``test*`` methods it has, inherited ones included."""
    tree = _parse(kit_file)
    if tree is None:
        return {}
    own: dict[str, set[str]] = {}
    bases: dict[str, list[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            own[node.name] = {
                n.name
                for n in node.body
                if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
                and n.name.startswith("test")
            }
            bases[node.name] = [b.id for b in node.bases if isinstance(b, ast.Name)]

    def names(cls: str, seen: frozenset[str] = frozenset()) -> set[str]:
        out = set(own.get(cls, set()))
        for b in bases.get(cls, []):
            if b in own and b not in seen:
                out |= names(b, seen | {cls})
        return out

    return {cls: len(names(cls)) for cls in own if names(cls)}


class Workspace:
    """The uv workspace at ``root``: its member packages, in a stable order."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = find_root(root) if root is None else Path(root).resolve()
        data = tomllib.loads((self.root / "pyproject.toml").read_text(encoding="utf-8"))
        self.members: list[str] = list(data["tool"]["uv"]["workspace"].get("members", []))

    @cached_property
    def packages(self) -> list[Package]:
        found: dict[Path, Package] = {}
        for pattern in self.members:
            for match in sorted(glob.glob(str(self.root / pattern))):
                d = Path(match)
                pp = d / "pyproject.toml"
                if d.is_dir() and pp.is_file():
                    data = tomllib.loads(pp.read_text(encoding="utf-8"))
                    if "project" in data and "name" in data["project"]:
                        found[d.resolve()] = Package(self.root, d.resolve(), data)
        return list(found.values())

    def package_dirs(self) -> list[str]:
        """Every directory a workspace pattern matches (with or without a pyproject yet)."""
        out = []
        for pattern in self.members:
            for match in sorted(glob.glob(str(self.root / pattern))):
                if Path(match).is_dir():
                    out.append(Path(match).relative_to(self.root).as_posix())
        return out

    def by_key(self, key: str) -> Package | None:
        return next((p for p in self.packages if p.key == key), None)

    def by_name(self, name: str) -> Package | None:
        return next((p for p in self.packages if p.name == name), None)

    def implementations(self) -> dict[str, list[tuple[Package, EntryPoint]]]:
        """Slot -> [(package, entry point)] from every package's pyproject."""
        out: dict[str, list[tuple[Package, EntryPoint]]] = {}
        for pkg in self.packages:
            for ep in pkg.slot_entry_points:
                out.setdefault(ep.slot, []).append((pkg, ep))
        return out
