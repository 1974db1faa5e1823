"""Rewrite the generated blocks in every package's owner docs.

A block is the text between ``<!-- BEGIN GENERATED: name -->`` and
``<!-- END GENERATED: name -->``. What goes in it depends on the file and the block name;
everything outside the markers is hand-written judgement and is never touched.
All facts are read statically (files are parsed, not imported), so the output is the same
in any environment and ``--check`` is stable.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .model import Owners
from .workspace import Package, Workspace

BLOCK_RE = re.compile(
    r"(<!-- BEGIN GENERATED: (?P<name>[A-Za-z0-9_-]+) -->)(?P<body>.*?)(<!-- END GENERATED: (?P=name) -->)",
    re.DOTALL,
)
DOC_FILES = ("OWNER.md", "TIME-TO-MASTER.md", "MIGRATION.md", "REPAIR.md")
MEASURE_NOTE = (
    "Measured by `ttv-ownership docs` from the files (not typed by hand): lines are non-blank, "
    "non-comment lines of `.py` files; the public API is `__all__` of the package's "
    "`__init__.py`; tests are `def test*` functions counted with `ast` in `tests/` "
    "plus the `test*` methods each kit class a test class subclasses carries (read from "
    "`ttv_contracts/testing/kit.py`); a parametrized test counts once."
)


@dataclass
class Context:
    ws: Workspace
    owners: Owners
    code_owner: dict[str, str]  # code -> package name that registers it


def _module_of(ctx: Context, pkg: Package) -> str | None:
    for name, mod in ctx.owners.modules.items():
        if any(p.rstrip("/") == pkg.rel for p in mod.paths):
            return name
    return None


def _left(ctx: Context, module: str) -> int:
    from .rules import after_loss

    return min(after_loss(ctx.owners, role)[module] for role in ctx.owners.roles)


def owner_block(ctx: Context, pkg: Package) -> str:
    name = _module_of(ctx, pkg)
    if name is None:
        return f"_`{pkg.rel}` has no entry in `ownership/owners.yaml` yet: add one._"
    mod = ctx.owners.modules[name]
    cl = ctx.owners.clusters[mod.cluster]
    lines = [
        f"Module `{name}` · cluster {mod.cluster} ({cl.name}) · status **{mod.status}** · "
        f"from `ownership/owners.yaml`.",
        "",
        "| seat | role | review team | role's cluster |",
        "| --- | --- | --- | --- |",
    ]
    for seat, role in zip(("primary", "secondary", "backup"), mod.roles, strict=True):
        lines.append(
            f"| {seat} | `{role}` | `{ctx.owners.team(role)}` | {ctx.owners.role_cluster(role)} |"
        )
    lines += ["", "Escalation when it breaks (call in this order):", ""]
    for i, role in enumerate(ctx.owners.escalation(name), 1):
        lines.append(f"{i}. `{role}` (`{ctx.owners.team(role)}`)")
    lines += [
        "",
        f"Reviews: CODEOWNERS routes `{', '.join(mod.paths)}` to "
        + ", ".join(f"`{ctx.owners.team(r)}`" for r in mod.roles)
        + f". If any one role leaves, at least {_left(ctx, name)} owner role(s) remain.",
    ]
    return "\n".join(lines)


def facts_block(ctx: Context, pkg: Package) -> str:
    deps = pkg.dependencies
    extras = pkg.extras
    lines = [
        "| fact | value |",
        "| --- | --- |",
        f"| distribution | `{pkg.name}` {pkg.version} |",
        f"| import name | `{pkg.import_name or '-'}` |",
        f"| source lines (`src/`) | {pkg.source_lines} in {len(pkg.source_files())} files |",
        f"| test lines (`tests/`) | {pkg.test_lines} in {len(pkg.test_files())} files |",
        f"| public API (`__all__`) | {len(pkg.public_api)} names"
        + (f": {', '.join(f'`{n}`' for n in pkg.public_api)}" if pkg.public_api else "")
        + " |",
        f"| runtime dependencies | {len(deps)}"
        + (f": {', '.join(f'`{d}`' for d in deps)}" if deps else "")
        + " |",
        "| extras | "
        + (
            "; ".join(f"`{k}`: {', '.join(f'`{d}`' for d in v)}" for k, v in extras.items())
            or "none"
        )
        + " |",
        "| entry points | "
        + (
            ", ".join(f"`{ep.group}`: `{ep.name}` = `{ep.value}`" for ep in pkg.entry_points)
            or "none"
        )
        + " |",
        f"| test functions (ast) | {pkg.test_functions} own + {pkg.inherited_kit_tests()} "
        "inherited from the conformance kit |",
        "| conformance-kit test classes | "
        + (", ".join(f"`{c}`" for c in pkg.kit_classes) or "none")
        + " |",
        f"| error codes documented in REPAIR.md | {len(pkg.documented_codes)} |",
        "",
        MEASURE_NOTE + f" Test time varies by machine, so it is not stored here: run "
        f"`uv run pytest {pkg.rel}/tests --durations=5` (the docs site shows the last CI timing "
        "from `reports/junit/` when present).",
    ]
    return "\n".join(lines)


def migration_block(ctx: Context, pkg: Package) -> str:
    venv = f".venv-{pkg.key}"
    extra = f"[{','.join(pkg.extras)}]" if pkg.extras else ""
    lines = [
        "Set-up and release commands for this package (generated from its `pyproject.toml`):",
        "",
        "```bash",
        f"uv venv {venv}",
        f"uv pip install -p {venv} -e contracts -e {pkg.rel} pytest   # extras: -e '{pkg.rel}{extra}'"
        if extra
        else f"uv pip install -p {venv} -e contracts -e {pkg.rel} pytest",
        f"{venv}/bin/python -m pytest {pkg.rel}/tests",
        f"uv run ttv-ownership bump {pkg.name} minor   # release: version, CHANGELOG from changelog.d/",
        f"uv build --no-sources {pkg.rel} -o dist/",
        "```",
    ]
    slot_eps = pkg.slot_entry_points
    if slot_eps:
        lines += [
            "",
            "Registered implementations (select one with `--use <slot>=<name>`):",
            "",
        ]
        lines += [f"- `{ep.slot}` = `{ep.name}` → `{ep.value}`" for ep in slot_eps]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def codes_block(ctx: Context, pkg: Package) -> str:
    codes = pkg.documented_codes
    if not codes:
        return '_No `<a id="ttv-eNNN"></a>` sections in this file yet._'
    lines = ["| code | title | registered by |", "| --- | --- | --- |"]
    for code, title in codes.items():
        owner = ctx.code_owner.get(code)
        shown = f"`{owner}`" if owner else "**not registered**"
        lines.append(f"| [{code}](#{code.lower()}) | {_cell(title)} | {shown} |")
    missing = sorted(c for c, p in ctx.code_owner.items() if p == pkg.name and c not in codes)
    if missing:
        lines += ["", "Registered here but without a section: " + ", ".join(missing)]
    return "\n".join(lines)


GENERATORS: dict[tuple[str, str], Callable[[Context, Package], str]] = {
    ("OWNER.md", "facts"): owner_block,
    ("OWNER.md", "owners"): owner_block,
    ("TIME-TO-MASTER.md", "facts"): facts_block,
    ("MIGRATION.md", "facts"): migration_block,
    ("MIGRATION.md", "setup"): migration_block,
    ("REPAIR.md", "facts"): codes_block,
    ("REPAIR.md", "codes"): codes_block,
}


def missing_docs(ws: Workspace) -> list[Path]:
    """Owner docs (and READMEs) a workspace package does not have."""
    return [
        pkg.directory / name
        for pkg in ws.packages
        for name in ("README.md", *DOC_FILES)
        if not (pkg.directory / name).is_file()
    ]


def make_context(ws: Workspace, owners: Owners) -> Context:
    code_owner: dict[str, str] = {}
    for pkg in ws.packages:
        for code, (_title, declared) in pkg.declared_codes.items():
            code_owner.setdefault(code, declared)
    return Context(ws, owners, code_owner)


def render_file(ctx: Context, pkg: Package, path: Path) -> tuple[str, list[str]]:
    """New text of ``path`` and warnings (unknown block names)."""
    text = path.read_text(encoding="utf-8")
    warnings: list[str] = []

    def sub(m: re.Match[str]) -> str:
        gen = GENERATORS.get((path.name, m.group("name")))
        if gen is None:
            warnings.append(
                f"{path}: no generator for block '{m.group('name')}' (left as is); known: "
                + ", ".join(sorted(n for f, n in GENERATORS if f == path.name))
            )
            return m.group(0)
        return f"{m.group(1)}\n{gen(ctx, pkg).rstrip()}\n{m.group(4)}"

    return BLOCK_RE.sub(sub, text), warnings


def run(
    ws: Workspace, owners: Owners, *, write: bool, only: list[str] | None = None
) -> tuple[list[Path], list[str]]:
    """Regenerate every block (or only those of the packages named by key or distribution);
    returns (stale or rewritten files, warnings)."""
    ctx = make_context(ws, owners)
    changed: list[Path] = []
    warnings: list[str] = []
    for pkg in ws.packages:
        if only and pkg.key not in only and pkg.name not in only:
            continue
        for fname in DOC_FILES:
            path = pkg.directory / fname
            if not path.is_file():
                continue  # reported by missing_docs()
            new, warn = render_file(ctx, pkg, path)
            warnings.extend(warn)
            if new != path.read_text(encoding="utf-8"):
                changed.append(path)
                if write:
                    path.write_text(new, encoding="utf-8")
    return changed, warnings
