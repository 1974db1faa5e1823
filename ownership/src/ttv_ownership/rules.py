"""The ownership rules from issue 7, checked against owners.yaml and the workspace."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ttv_contracts.v1 import SLOTS

from .model import Owners
from .workspace import Workspace

MAX_PRIMARY = 3
MIN_OWNERS_AFTER_LOSS = 2


@dataclass(frozen=True)
class Problem:
    rule: str
    subject: str
    detail: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.subject}: {self.detail}"


def _norm(path: str) -> str:
    return path.rstrip("/")


def check(owners: Owners, ws: Workspace) -> list[Problem]:
    """Every rule; an empty list means owners.yaml is sound."""
    problems: list[Problem] = []
    add = lambda rule, subj, detail: problems.append(Problem(rule, subj, detail))  # noqa: E731

    covered = {_norm(p) for m in owners.modules.values() for p in m.paths}
    # 1. every package directory has an entry
    for d in ws.package_dirs():
        if _norm(d) not in covered:
            add("package-has-entry", d, "workspace package directory has no owners.yaml entry")
    # 2. every entry a directory (or file) that exists
    for name, mod in owners.modules.items():
        for p in mod.paths:
            target = ws.root / p
            if not target.exists():
                add("entry-has-path", name, f"path {p!r} does not exist")
            elif p.endswith("/") and not target.is_dir():
                add("entry-has-path", name, f"path {p!r} is not a directory")
    for name, mod in owners.modules.items():
        # 3. three distinct roles
        if len(set(mod.roles)) != 3:
            add("three-roles", name, f"primary/secondary/backup must differ, got {mod.roles}")
        # 4. backup from another cluster
        if owners.role_cluster(mod.backup) == mod.cluster:
            add(
                "backup-other-cluster",
                name,
                f"backup {mod.backup} is in the module's own cluster {mod.cluster}",
            )
        # primary belongs to the module's cluster
        if owners.role_cluster(mod.primary) != mod.cluster:
            add(
                "primary-in-cluster",
                name,
                f"primary {mod.primary} is not in cluster {mod.cluster}",
            )
        # slot packages sit in the slot's cluster
        if name in SLOTS and SLOTS[name][0] != mod.cluster:
            add("slot-cluster", name, f"slot {name} is cluster {SLOTS[name][0]}, not {mod.cluster}")
    # 5. no role primary on more than three modules
    primaries = Counter(m.primary for m in owners.modules.values() if m.status != "attic")
    for role, n in sorted(primaries.items()):
        if n > MAX_PRIMARY:
            add("primary-load", role, f"primary on {n} modules (max {MAX_PRIMARY})")
    # 6. every role backs up at least one module outside its cluster
    for role, spec in owners.roles.items():
        outside = [
            n for n, m in owners.modules.items() if m.backup == role and m.cluster != spec.cluster
        ]
        if not outside:
            add("role-backs-up-outside", role, "backs up no module outside its own cluster")
    # 7. losing any one role leaves every module with two owners
    for role in owners.roles:
        for name, left in after_loss(owners, role).items():
            if left < MIN_OWNERS_AFTER_LOSS:
                add("bus-factor", name, f"only {left} owner(s) left if {role} leaves")
    # clusters: the lead role belongs to its cluster
    for cid, cluster in owners.clusters.items():
        if owners.role_cluster(cluster.lead) != cid:
            add("cluster-lead", cid, f"lead {cluster.lead} is not in cluster {cid}")
    return problems


def after_loss(owners: Owners, role: str) -> dict[str, int]:
    """Module -> number of distinct owner roles left when ``role`` is gone."""
    return {name: len({r for r in mod.roles if r != role}) for name, mod in owners.modules.items()}


def bus_factor_rows(owners: Owners) -> list[dict[str, object]]:
    """One row per role: its load and what its loss does to the modules it owns."""
    rows = []
    for role, spec in owners.roles.items():
        prim = [n for n, m in owners.modules.items() if m.primary == role]
        sec = [n for n, m in owners.modules.items() if m.secondary == role]
        back = [n for n, m in owners.modules.items() if m.backup == role]
        left = after_loss(owners, role)
        touched = prim + sec + back
        worst = min((left[n] for n in touched), default=3)
        rows.append(
            {
                "role": role,
                "cluster": spec.cluster,
                "primary": prim,
                "secondary": sec,
                "backup": back,
                "min_owners_left": worst,
            }
        )
    return rows


def bus_factor_markdown(owners: Owners) -> str:
    lines = [
        "| role | cluster | primary on | secondary on | backup on | fewest owners left on any module if this role leaves |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in bus_factor_rows(owners):
        lines.append(
            f"| `{r['role']}` | {r['cluster']} | {', '.join(r['primary']) or '-'} "
            f"| {', '.join(r['secondary']) or '-'} | {', '.join(r['backup']) or '-'} "
            f"| {r['min_owners_left']} |"
        )
    return "\n".join(lines)


def bus_factor_text(owners: Owners) -> str:
    rows = bus_factor_rows(owners)
    header = ("role", "cl", "primary", "secondary", "backup", "min left")
    body = [
        (
            r["role"],
            r["cluster"],
            ",".join(r["primary"]) or "-",
            ",".join(r["secondary"]) or "-",
            ",".join(r["backup"]) or "-",
            str(r["min_owners_left"]),
        )
        for r in rows
    ]
    widths = [max(len(str(x[i])) for x in [header, *body]) for i in range(len(header))]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join(fmt.format(*row) for row in [header, *body])


def owners_path(root: Path) -> Path:
    return root / "ownership" / "owners.yaml"
