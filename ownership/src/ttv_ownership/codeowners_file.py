"""CODEOWNERS generated from owners.yaml, and validated with the `codeowners` parser."""

from __future__ import annotations

from codeowners import CodeOwners

from .model import Owners

HEADER = """\
# CODEOWNERS: GENERATED from ownership/owners.yaml by `ttv-ownership codeowners`. Do not edit.
# Regenerate: uv run ttv-ownership codeowners --write   (CI runs it with --check)
# Last match wins, so broader patterns come first and more specific ones after them.
# Owners per line: primary, secondary, backup (review teams of roles, never people).
"""


def _pattern(path: str) -> str:
    return "/" + path.lstrip("/")


def entries(owners: Owners) -> list[tuple[str, str, list[str]]]:
    """(pattern, module, teams) in file order: default first, then by path depth."""
    platform = owners.clusters["platform"].lead
    default_roles = [platform] + [
        r for r, spec in owners.roles.items() if spec.cluster == "platform" and r != platform
    ]
    out = [("*", "(default)", [owners.team(r) for r in default_roles])]
    rows = []
    for order, (name, mod) in enumerate(owners.modules.items()):
        for path in mod.paths:
            depth = len([s for s in path.strip("/").split("/") if s])
            rows.append((depth, order, _pattern(path), name, [owners.team(r) for r in mod.roles]))
    rows.sort(key=lambda r: (r[0], r[1]))
    out.extend((pat, name, teams) for _, _, pat, name, teams in rows)
    return out


def render(owners: Owners) -> str:
    lines = [HEADER]
    for pattern, module, teams in entries(owners):
        lines.append(f"# {module}")
        lines.append(f"{pattern} {' '.join(teams)}")
    return "\n".join(lines) + "\n"


def validate(text: str, owners: Owners) -> list[str]:
    """Parse ``text`` with the `codeowners` package and check each module resolves to its roles."""
    problems = []
    try:
        parsed = CodeOwners(text)
    except Exception as exc:  # the parser's own error types vary by version
        return [f"CODEOWNERS does not parse: {exc}"]
    known = {spec.team for spec in owners.roles.values()}
    for name, mod in owners.modules.items():
        want = [owners.team(r) for r in mod.roles]
        for path in mod.paths:
            probe = path.rstrip("/") + ("/__probe__.py" if path.endswith("/") else "")
            got = [owner for _, owner in parsed.of(probe)]
            if got != want:
                problems.append(f"{probe}: resolves to {got}, owners.yaml says {want} ({name})")
    for _kind, owner in parsed.of("__unlisted_file__.txt"):
        if owner not in known:
            problems.append(f"default owner {owner} is not a role team")
    if not parsed.of("__unlisted_file__.txt"):
        problems.append("no default (*) owner")
    return problems


def who(owners: Owners, text: str, path: str) -> dict[str, object]:
    """Who reviews ``path`` (per CODEOWNERS) and who to call when it breaks (per owners.yaml)."""
    parsed = CodeOwners(text)
    rel = path.lstrip("./") if path.startswith("./") else path.lstrip("/")
    line = parsed.matching_line(rel)
    reviewers = [owner for _, owner in parsed.of(rel)]
    module = None
    best = -1
    for name, mod in owners.modules.items():
        for p in mod.paths:
            base = p.rstrip("/")
            if (rel == base or rel.startswith(base + "/")) and len(base) > best:
                module, best = name, len(base)
    chain = owners.escalation(module) if module else [owners.clusters["platform"].lead]
    return {
        "path": rel,
        "module": module,
        "reviewers": reviewers,
        "codeowners_line": line[1] if line and line[1] else None,
        "escalation": [(role, owners.team(role)) for role in chain],
        "status": owners.modules[module].status if module else None,
    }
