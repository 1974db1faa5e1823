"""Pages of the docs site that are generated, never hand-copied.

:func:`pages` returns ``{path under docs/: text}``. ``docs/gen_pages.py`` feeds them to
mkdocs-gen-files during ``mkdocs build``, so nothing generated is committed and nothing can
go stale. ``ttv-ownership site --out DIR`` writes the same pages to disk for inspection.
"""

from __future__ import annotations

import datetime as _dt
import importlib
import json
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ttv_contracts.errors import catalog
from ttv_contracts.v1 import CLUSTER_NAMES, SLOTS

from . import codeowners_file, markers, rules
from .model import Owners, load
from .workspace import EntryPoint, Package, Workspace

OWNER_DOCS = {
    "README.md": "index.md",
    "OWNER.md": "owner.md",
    "MIGRATION.md": "migration.md",
    "REPAIR.md": "repair.md",
    "TIME-TO-MASTER.md": "time-to-master.md",
    "CHANGELOG.md": "changelog.md",
}
OWNER_DOC_TITLES = {
    "owner.md": "Owner",
    "migration.md": "Migration (hand-over in a day)",
    "repair.md": "Repair",
    "time-to-master.md": "Time to master",
    "changelog.md": "Changelog",
}
TYPE_RE = re.compile(r"\b[A-Z][A-Za-z0-9]+|frame stream")
PLATFORM_BOUNDARY = {
    "contracts": (
        "nothing at run time (it defines the models every slot passes)",
        "the v1 models, slot base classes, stubs, error catalog, conformance kit",
        "every package: each depends on `ttv-contracts>=1,<2`; without it nothing imports",
    ),
    "integration": (
        "a lesson and a pipeline config; every `ttv.<slot>` entry point",
        "the MP4, subtitles, provenance record and run report; the `ttv` CLI",
        "the end-to-end pipeline and the `ttv` CLI; modules stay usable as libraries",
    ),
    "ownership": (
        "ownership/owners.yaml, every package's pyproject, docs and sources",
        "CODEOWNERS, owner-doc facts, this site's generated pages, the new-module scaffold",
        "CI's ownership, CODEOWNERS and docs checks and this site; the pipeline still runs",
    ),
}


@dataclass
class Impl:
    slot: str
    name: str
    package: str
    target: str
    info: object | None  # ModuleInfo when importable
    source: str  # "entry point (imported)" / "pyproject (not importable here)" / "contracts stub"

    def field(self, attr: str, default: str = "") -> str:
        return str(getattr(self.info, attr, default)) if self.info is not None else default


def _load_info(ep: EntryPoint) -> object | None:
    try:
        mod = importlib.import_module(ep.module)
        obj = mod
        for part in ep.attr.split("."):
            obj = getattr(obj, part)
        return getattr(obj, "info", None)
    except Exception:  # a package not installed in the docs environment
        return None


def implementations(ws: Workspace) -> dict[str, list[Impl]]:
    """Slot -> every registered implementation (pyproject entry points) plus the stub."""
    from ttv_contracts.stubs import STUBS

    out: dict[str, list[Impl]] = {slot: [] for slot in SLOTS}
    for slot, pairs in ws.implementations().items():
        for pkg, ep in pairs:
            info = _load_info(ep)
            out.setdefault(slot, []).append(
                Impl(
                    slot,
                    ep.name,
                    pkg.name,
                    ep.value,
                    info,
                    "entry point" if info else "entry point (not importable in the docs build)",
                )
            )
    for slot, cls in STUBS.items():
        out.setdefault(slot, []).append(
            Impl(
                slot,
                cls.info.name,
                "ttv-contracts",
                f"ttv_contracts.stubs:{cls.__name__}",
                cls.info,
                "contracts stub (the last fallback)",
            )
        )
    return out


def _types(text: str) -> set[str]:
    return set(TYPE_RE.findall(text))


def data_edges() -> list[tuple[str, str, str]]:
    """(producer slot, consumer slot, type) from SLOTS' consumes/produces, pipeline order."""
    order = list(SLOTS)
    edges = []
    for j, consumer in enumerate(order):
        for t in sorted(_types(SLOTS[consumer][1])):
            # the nearest earlier producer: a Clip flows motion -> transitions -> extender
            producers = [p for p in order[:j] if t in _types(SLOTS[p][2])]
            for p in producers[-1:]:
                edges.append((p, consumer, t))
    return edges


#: Inputs the integration runner composes from slot outputs (DESIGN.md: "ShotSpec is composed
#: by the integration from the shot, its cast, its scene and its emotion").
COMPOSED: dict[str, tuple[str, ...]] = {
    "ShotSpec": ("StoryPlan", "Cast", "SceneBook", "EmotionTrack"),
}


def composed_edges() -> list[tuple[str, str, str]]:
    """(producer slot, composed type, source type): slot outputs the runner composes."""
    out = []
    for composed, sources in COMPOSED.items():
        for src in sources:
            for slot, (_cl, _c, prod) in SLOTS.items():
                if src in _types(prod):
                    out.append((slot, composed, src))
    return out


def downstream(slot: str) -> list[tuple[str, str]]:
    """(consumer slot, how) for every slot that reads this slot's output, directly or via
    an input the runner composes from it."""
    direct = [(c, t) for p, c, t in data_edges() if p == slot]
    via = []
    for p, composed, src in composed_edges():
        if p != slot:
            continue
        for consumer, (_cl, cons, _p) in SLOTS.items():
            if composed in _types(cons):
                via.append((consumer, f"{src} → {composed}"))
    return direct + via


def collected_outputs(slot: str) -> list[str]:
    """Output types of ``slot`` no later slot reads nor the runner composes: the runner keeps them."""
    consumed = {t for p, c, t in data_edges() if p == slot}
    consumed |= {src for p, _c, src in composed_edges() if p == slot}
    return sorted(_types(SLOTS[slot][2]) - consumed)


def external_inputs(slot: str) -> list[str]:
    """Input types of ``slot`` that come from the runner (not composed from slot outputs)."""
    produced = {t for p, c, t in data_edges() if c == slot} | set(COMPOSED)
    return sorted(_types(SLOTS[slot][1]) - produced)


def slot_groups(slots: list[str]) -> list[list[str]]:
    """``slots`` split into groups connected by data edges or by feeding or reading the same
    composed input (pipeline order kept); the runner's inputs and outputs do not connect."""
    group = {s: i for i, s in enumerate(slots)}

    def join(a: str, b: str) -> None:
        if a in group and b in group and group[a] != group[b]:
            old, new = group[b], group[a]
            for s in group:
                if group[s] == old:
                    group[s] = new

    for p, c, _t in data_edges():
        join(p, c)
    for composed in COMPOSED:
        linked = [p for p, comp, _src in composed_edges() if comp == composed]
        linked += [c for c, (_cl, cons, _p) in SLOTS.items() if composed in _types(cons)]
        for other in linked[1:]:
            join(linked[0], other)
    out: dict[int, list[str]] = {}
    for s in slots:
        out.setdefault(group[s], []).append(s)
    return list(out.values())


def _md_escape(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _mermaid_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", text)


class Site:
    def __init__(self, root: Path | None = None) -> None:
        self.ws = Workspace(root)
        self.owners: Owners = load(rules.owners_path(self.ws.root))
        self.impls = implementations(self.ws)
        self.ctx = markers.make_context(self.ws, self.owners)
        self.reports = self.ws.root / "reports"

    # -------------------------------------------------------------- helpers
    def module_of(self, pkg: Package) -> str | None:
        return markers._module_of(self.ctx, pkg)

    def slot_of(self, pkg: Package) -> str | None:
        slots = {ep.slot for ep in pkg.slot_entry_points}
        if pkg.key in SLOTS:
            return pkg.key
        return next(iter(sorted(slots)), None)

    def page_of(self, pkg: Package) -> str:
        return f"modules/{pkg.key}/index.md"

    # -------------------------------------------------------------- pages
    def pages(self) -> dict[str, str]:
        out: dict[str, str] = {}
        out["architecture/topology.md"] = self.topology()
        out["architecture/summary.md"] = self.architecture_summary()
        out["modules/index.md"] = self.modules_index()
        for pkg in self.ws.packages:
            out.update(self.module_pages(pkg))
        out["ownership/map.md"] = self.ownership_map()
        out["reports/swap.md"] = self.swap_report()
        out["reports/bench.md"] = self.bench_report()
        out["reports/watermark.md"] = self.watermark_report()
        out["reports/eval.md"] = self.eval_report()
        out.update(self.quality_pages())
        out["repair-catalog.md"] = self.repair_catalog()
        out.update(self.schema_pages())
        out["readiness.md"] = self.readiness()
        out["SUMMARY.md"] = self.summary_nav(out)
        return out

    def summary_nav(self, pages: dict[str, str]) -> str:
        lines = [
            "- [Overview](index.md)",
            "- [Quickstart](quickstart.md)",
            "- Architecture",
            "    - [Summary](architecture/summary.md)",
            "    - [Pipeline topology](architecture/topology.md)",
            "- [Modules](modules/index.md)",
        ]
        for pkg in self.ws.packages:
            lines.append(f"    - {pkg.name}")
            lines.append(f"        - [Boundary map]({self.page_of(pkg)})")
            for src, dst in OWNER_DOCS.items():
                if dst == "index.md" or not (pkg.directory / src).is_file():
                    continue
                lines.append(f"        - [{OWNER_DOC_TITLES[dst]}](modules/{pkg.key}/{dst})")
            if (pkg.directory / "README.md").is_file():
                lines.append(f"        - [README](modules/{pkg.key}/readme.md)")
        lines += [
            "- Ownership",
            "    - [Distributed ownership map](ownership/map.md)",
            "    - [Take over a module in 24 hours](takeover.md)",
            "    - [Add a new module](add-module.md)",
            "    - [Add a pipeline stage](add-stage.md)",
            "- [Python API](python-api.md)",
            "- [Timelines (OpenTimelineIO)](timelines.md)",
            "- Reports",
            "    - [Swap tests](reports/swap.md)",
            "    - [Benchmarks](reports/bench.md)",
            "    - [Watermark bench](reports/watermark.md)",
            "    - [Evaluation on labelled sets](reports/eval.md)",
            "    - [Picture quality](reports/quality/index.md)",
            *(
                f"        - [{_quality_title(pages, rel)}]({rel})"
                for rel in sorted(pages)
                if rel.startswith("reports/quality/") and rel != "reports/quality/index.md"
            ),
            "- [Repair catalog](repair-catalog.md)",
            "- [v1 JSON schemas](schemas/index.md)",
            "- [Readiness](readiness.md)",
        ]
        return "\n".join(lines) + "\n"

    # ---- topology
    def topology(self) -> str:
        """One small top-down diagram per cluster plus an overview, each legible at 1280 px
        (the browser test measures its labels); the full facts sit in the tables below."""
        lines = [
            "# Pipeline topology",
            "",
            "Generated from `ttv_contracts.v1.SLOTS` (what each slot consumes and produces) and",
            "the implementations registered under the `ttv.<slot>` entry-point groups. An arrow",
            "means a slot consumes a type an earlier slot produces (from the nearest earlier",
            "producer). `ShotSpec` is composed by the integration runner from the plan, cast,",
            "scene book and emotion track (DESIGN.md); other inputs no slot produces come from",
            "the runner (dotted), and outputs no slot reads go back to it.",
            "",
            "The overview shows the clusters; each cluster then has its own diagram, with the",
            "slots of other clusters it exchanges data with as rounded boxes.",
            "",
            "## Overview",
            "",
            *self._overview_diagram(),
        ]
        for cid, cname in CLUSTER_NAMES.items():
            lines += ["", f"## Cluster {cid} · {cname}", "", *self._cluster_diagram(cid)]
        lines += ["", "## Slots", ""]
        lines += [
            "| slot | cluster | consumes | produces | implementations (first is preferred by config, the stub is the last fallback) |",
            "| --- | --- | --- | --- | --- |",
        ]
        for slot, (cl, cons, prod) in SLOTS.items():
            impls = ", ".join(f"`{i.name}` ({i.package})" for i in self.impls.get(slot, []))
            lines.append(
                f"| {slot} | {cl} {CLUSTER_NAMES[cl]} | {_md_escape(cons)} | {_md_escape(prod)} | {impls} |"
            )
        lines += [
            "",
            "## Packages and what they register",
            "",
            "| package | version | registers (`ttv.<slot>` entry points) |",
            "| --- | --- | --- |",
        ]
        for pkg in self.ws.packages:
            regs = ", ".join(f"`{ep.name}` → {ep.slot}" for ep in pkg.slot_entry_points)
            lines.append(
                f"| [{pkg.name}](../{self.page_of(pkg)}) | {pkg.version} | {regs or '-'} |"
            )
        lines.append("")
        return "\n".join(lines)

    def _slot_node(self, slot: str) -> str:
        names = [i.name for i in self.impls.get(slot, [])]
        # two implementation names a line keeps the boxes narrow
        rows = [", ".join(names[i : i + 2]) for i in range(0, len(names), 2)]
        return f'{slot}["<b>{slot}</b><br/>{"<br/>".join(rows)}"]'

    def _overview_diagram(self) -> list[str]:
        cluster = {slot: spec[0] for slot, spec in SLOTS.items()}
        lines = ["```mermaid", "flowchart TB", '  runner_in(["integration runner"])']
        for cid, cname in CLUSTER_NAMES.items():
            slots = [s for s, c in cluster.items() if c == cid]
            rows = [", ".join(slots[i : i + 3]) for i in range(0, len(slots), 3)]
            lines.append(f'  cl_{cid}["<b>{cid} · {cname}</b><br/>{"<br/>".join(rows)}"]')
        between: dict[tuple[str, str], list[str]] = {}
        for p, c, t in data_edges():
            if cluster[p] != cluster[c]:
                between.setdefault((f"cl_{cluster[p]}", f"cl_{cluster[c]}"), []).append(t)
        for composed in COMPOSED:
            cid = _mermaid_id(composed).lower()
            lines.append(f'  {cid}{{{{"{composed}<br/>composed by the runner"}}}}')
            for p, comp, src in composed_edges():
                if comp == composed:
                    between.setdefault((f"cl_{cluster[p]}", cid), []).append(src)
            for _consumer, (cl, cons, _p) in SLOTS.items():
                if composed in _types(cons):
                    between.setdefault((cid, f"cl_{cl}"), [])
        for (a, b), types in between.items():
            label = "<br/>".join(dict.fromkeys(types))
            lines.append(f'  {a} -- "{label}" --> {b}' if label else f"  {a} --> {b}")
        ins: dict[str, list[str]] = {}
        outs: dict[str, list[str]] = {}
        for slot, cl in cluster.items():
            ins.setdefault(cl, []).extend(external_inputs(slot))
            outs.setdefault(cl, []).extend(collected_outputs(slot))
        for cl, types in ins.items():
            if types:
                lines.append(f'  runner_in -. "{"<br/>".join(dict.fromkeys(types))}" .-> cl_{cl}')
        if any(outs.values()):
            lines.append('  runner_out(["integration runner (collects)"])')
        for cl, types in outs.items():
            if types:
                lines.append(f'  cl_{cl} -. "{"<br/>".join(dict.fromkeys(types))}" .-> runner_out')
        return [*lines, "```"]

    def _cluster_diagram(self, cid: str) -> list[str]:
        """One diagram per group of the cluster's slots that exchange data (voice → lipsync
        and upscaler → watermark are drawn apart): side-by-side chains would make the diagram
        too wide for the content column and shrink its labels."""
        groups = slot_groups([s for s, spec in SLOTS.items() if spec[0] == cid])
        if len(groups) == 1:
            return self._slots_diagram(groups[0])
        out: list[str] = []
        for group in groups:
            out += [f"### {', '.join(group)}", "", *self._slots_diagram(group), ""]
        return out[:-1]

    def _slots_diagram(self, mine: list[str]) -> list[str]:
        cluster = {slot: spec[0] for slot, spec in SLOTS.items()}
        lines = ["```mermaid", "flowchart TB"]
        lines += [f"  {self._slot_node(slot)}" for slot in mine]
        body: list[str] = []
        for p, c, t in data_edges():
            if p in mine and c in mine:
                body.append(f'  {p} -- "{t}" --> {c}')
            elif c in mine:  # from another cluster
                lines.append(f'  from_{p}(["{p} (cluster {cluster[p]})"])')
                body.append(f'  from_{p} -- "{t}" --> {c}')
            elif p in mine:
                lines.append(f'  to_{c}(["{c} (cluster {cluster[c]})"])')
                body.append(f'  {p} -- "{t}" --> to_{c}')
        for composed in COMPOSED:
            comp_id = _mermaid_id(composed).lower()
            sources = [(p, src) for p, comp, src in composed_edges() if comp == composed]
            consumers = [c for c, (_cl, cons, _p) in SLOTS.items() if composed in _types(cons)]
            if not any(p in mine for p, _ in sources) and not any(c in mine for c in consumers):
                continue
            lines.append(f'  {comp_id}{{{{"{composed}<br/>composed by the runner"}}}}')
            body += [f'  {p} -- "{src}" --> {comp_id}' for p, src in sources if p in mine]
            if not any(p in mine for p, _ in sources):
                names = [src for _p, src in sources]
                srcs = "<br/>".join(", ".join(names[i : i + 2]) for i in range(0, len(names), 2))
                where = ", ".join(sorted({cluster[p] for p, _ in sources}))
                lines.append(f'  from_cl_{comp_id}(["{srcs}<br/>(cluster {where})"])')
                body.append(f"  from_cl_{comp_id} --> {comp_id}")
            body += [f"  {comp_id} --> {c}" for c in consumers if c in mine]
            elsewhere = [c for c in consumers if c not in mine]
            if elsewhere and not any(c in mine for c in consumers):
                where = ", ".join(sorted({cluster[c] for c in elsewhere}))
                lines.append(f'  to_cl_{comp_id}(["{", ".join(elsewhere)}<br/>(cluster {where})"])')
                body.append(f"  {comp_id} --> to_cl_{comp_id}")
        # the runner twice, as the source of inputs (top) and where outputs go (bottom): one
        # node with arrows both ways crosses the diagram and stacks its labels
        ins = [(slot, external_inputs(slot)) for slot in mine if external_inputs(slot)]
        outs = [(slot, collected_outputs(slot)) for slot in mine if collected_outputs(slot)]
        if ins:
            lines.append('  runner_in(["integration runner"])')
            body += [f'  runner_in -. "{"<br/>".join(t)}" .-> {slot}' for slot, t in ins]
        if outs:
            lines.append('  runner_out(["integration runner (collects)"])')
            body += [f'  {slot} -. "{"<br/>".join(t)}" .-> runner_out' for slot, t in outs]
        return [*lines, *body, "```"]

    # ---- modules
    def modules_index(self) -> str:
        lines = [
            "# Modules",
            "",
            "Every workspace package (discovered from the root `pyproject.toml` members), with",
            "its owners from `ownership/owners.yaml`.",
            "",
            "| package | version | slot | cluster | primary | status | implementations |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for pkg in self.ws.packages:
            mod = self.owners.modules.get(self.module_of(pkg) or "")
            eps = ", ".join(f"`{ep.name}`" for ep in pkg.slot_entry_points) or "-"
            lines.append(
                f"| [{pkg.name}]({pkg.key}/index.md) | {pkg.version} | {self.slot_of(pkg) or '-'} "
                f"| {mod.cluster if mod else '?'} | {f'`{mod.primary}`' if mod else '**no entry**'} "
                f"| {mod.status if mod else '-'} | {eps} |"
            )
        return "\n".join(lines) + "\n"

    def module_pages(self, pkg: Package) -> dict[str, str]:
        base = f"modules/{pkg.key}"
        out = {f"{base}/index.md": self.module_page(pkg)}
        for src, dst in OWNER_DOCS.items():
            path = pkg.directory / src
            if not path.is_file():
                continue
            name = "readme.md" if dst == "index.md" else dst
            out[f"{base}/{name}"] = rewrite_links(path.read_text(encoding="utf-8"), pkg)
        return out

    def module_page(self, pkg: Package) -> str:
        name = self.module_of(pkg)
        mod = self.owners.modules.get(name or "")
        slot = self.slot_of(pkg)
        lines = [f"# {pkg.name}", "", _md_escape(pkg.description), ""]
        lines += ["## Boundary map", "", "| boundary | |", "| --- | --- |"]
        if slot:
            cl, cons, prod = SLOTS[slot]
            mine = [i for i in self.impls.get(slot, []) if i.package == pkg.name]
            others = [i for i in self.impls.get(slot, []) if i.package != pkg.name]
            down = downstream(slot)
            from ttv_contracts.stubs import STUBS

            stub = STUBS[slot]
            lines += [
                f"| slot | `{slot}` (cluster {cl}, {CLUSTER_NAMES[cl]}) |",
                f"| consumes | {_md_escape(cons)} |",
                f"| produces | {_md_escape(prod)} |",
                "| depends on | "
                + (", ".join(f"`{d}`" for d in pkg.dependencies) or "nothing")
                + " |",
                "| what can swap in | "
                + (", ".join(f"`{i.name}` ({i.package})" for i in others) or "nothing")
                + f"; select with `--use {slot}=<name>` |",
                f"| what breaks if removed | The runner falls back to the next candidate and last "
                f"to `{stub.__name__}` (*{_md_escape(stub.info.summary)}*), so the video is still "
                f"written, at stub quality for this stage. Downstream slots that read its output: "
                + (
                    ", ".join(
                        f"[{c}](../{c}/index.md) ({t})" if self.ws.by_key(c) else f"{c} ({t})"
                        for c, t in down
                    )
                    or "none (it is the last stage of its chain)"
                )
                + ". |",
            ]
            lines += [
                "",
                "### Implementations",
                "",
                "| name | entry point | version | needs | consumes → produces | summary |",
                "| --- | --- | --- | --- | --- | --- |",
            ]
            for i in mine:
                needs = i.info.needs if i.info is not None else None
                need_txt = (
                    ", ".join(
                        k + (f"={v}" if not isinstance(v, bool) else "")
                        for k, v in needs.model_dump().items()
                        if v not in (False, None, 0, 0.0)
                    )
                    if needs is not None
                    else "?"
                ) or "CPU only"
                lines.append(
                    f"| `{i.name}` | `ttv.{slot}`: `{i.target}` | {i.field('version', '?')} "
                    f"| {need_txt} | {_md_escape(i.field('consumes', '?'))} → "
                    f"{_md_escape(i.field('produces', '?'))} | {_md_escape(i.field('summary', i.source))} |"
                )
        else:
            cons, prod, breaks = PLATFORM_BOUNDARY.get(pkg.key, ("-", "-", "-"))
            lines += [
                "| role | platform |",
                f"| consumes | {cons} |",
                f"| produces | {prod} |",
                "| depends on | "
                + (", ".join(f"`{d}`" for d in pkg.dependencies) or "nothing")
                + " |",
                "| what can swap in | a new contracts major lives beside v1 (`ttv_contracts.v2`)"
                if pkg.key == "contracts"
                else "| what can swap in | any tool reading the same inputs |",
                f"| what breaks if removed | {breaks} |",
            ]
        lines += ["", "## Owners", ""]
        if mod:
            lines.append(markers.owner_block(self.ctx, pkg))
        else:
            lines.append(
                "**No owners.yaml entry** — `ttv-ownership check` fails until one is added."
            )
        lines += ["", "## Version and entry points", ""]
        lines.append(f"Version **{pkg.version}**, `{pkg.rel}/pyproject.toml`.")
        lines.append("")
        for ep in pkg.entry_points:
            lines.append(f"- `{ep.group}`: `{ep.name}` = `{ep.value}`")
        for sname, target in pkg.scripts.items():
            lines.append(f"- script `{sname}` = `{target}`")
        if not pkg.entry_points and not pkg.scripts:
            lines.append("No entry points.")
        from .release import site_section

        # install, size, dependencies and their tree, example, changelog
        lines += ["", site_section(pkg, self.ws)]
        lines += ["", "## Measured facts", "", markers.facts_block(self.ctx, pkg)]
        timing = self.test_timing(pkg)
        if timing:
            lines += ["", timing]
        lines += ["", "## Owner docs", ""]
        for src, dst in OWNER_DOCS.items():
            if (pkg.directory / src).is_file():
                target = "readme.md" if dst == "index.md" else dst
                lines.append(f"- [{src}]({target})")
            else:
                lines.append(f"- {src}: **missing**")
        if pkg.import_name:
            lines += [
                "",
                "## API reference",
                "",
                f"::: {pkg.import_name}",
                "    options:",
                "      show_root_heading: false",
                "      show_submodules: false",
                "      members_order: source",
                "",
            ]
        return "\n".join(lines) + "\n"

    def test_timing(self, pkg: Package) -> str:
        """Last recorded test run, from JUnit XML that CI writes (``pytest --junitxml``) to
        ``reports/junit/<distribution>.xml`` (or ``<key>.xml``)."""
        import xml.etree.ElementTree as ET

        for name in (pkg.name, pkg.key):
            path = self.reports / "junit" / f"{name}.xml"
            if path.is_file():
                break
        else:
            return (
                "Test time: no `reports/junit/` record for this package in this build "
                "(CI writes one with `pytest --junitxml`)."
            )
        shown = f"reports/junit/{path.name}"
        try:
            root = ET.parse(path).getroot()
            suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
            total = sum(int(s.get("tests", 0)) for s in suites)
            failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
            skipped = sum(int(s.get("skipped", 0)) for s in suites)
            seconds = sum(float(s.get("time", 0.0)) for s in suites)
            stamp = next((s.get("timestamp") for s in suites if s.get("timestamp")), "unknown time")
        except (ET.ParseError, ValueError) as exc:
            return f"`{shown}` is unreadable: {exc}"
        return (
            f"Last recorded test run (`{shown}`, {stamp}): "
            f"{total} test cases ({failed} failed, {skipped} skipped) in {seconds:.1f} s."
        )

    # ---- ownership map
    def ownership_map(self) -> str:
        o = self.owners
        problems = rules.check(o, self.ws)
        lines = [
            "# Distributed ownership map",
            "",
            "Generated from `ownership/owners.yaml` and checked by `ttv-ownership check` "
            f"({'all rules pass' if not problems else f'**{len(problems)} problem(s)**'} at build time).",
            "",
        ]
        for cid, cl in o.clusters.items():
            roles = [r for r, s in o.roles.items() if s.cluster == cid]
            lines += [
                f"## Cluster {cid}: {cl.name}",
                "",
                f"Lead: `{cl.lead}`. Roles: " + ", ".join(f"`{r}` (`{o.team(r)}`)" for r in roles),
                "",
                "| module | paths | primary | secondary | backup (other cluster) | status |",
                "| --- | --- | --- | --- | --- | --- |",
            ]
            for name, m in o.modules.items():
                if m.cluster != cid:
                    continue
                pkg = next(
                    (p for p in self.ws.packages if any(x.rstrip("/") == p.rel for x in m.paths)),
                    None,
                )
                label = f"[{name}](../{self.page_of(pkg)})" if pkg else name
                lines.append(
                    f"| {label} | {', '.join(f'`{p}`' for p in m.paths)} | `{m.primary}` "
                    f"| `{m.secondary}` | `{m.backup}` ({o.role_cluster(m.backup)}) | {m.status} |"
                )
            lines.append("")
        lines += [
            "## Bus-factor table",
            "",
            "For each role: what it owns, and the fewest owners any of its modules keeps if the",
            "role leaves (the rule is at least 2).",
            "",
            rules.bus_factor_markdown(o),
            "",
            "## Rule check",
            "",
        ]
        if problems:
            lines += [f"- **FAIL** `{p}`" for p in problems]
        else:
            lines.append("All ownership rules pass.")
        lines += [
            "",
            "## CODEOWNERS",
            "",
            "Generated by `ttv-ownership codeowners --write`; CI runs `--check`. Last match wins,",
            "so the order below matters.",
            "",
            "```text",
            codeowners_file.render(o).rstrip(),
            "```",
            "",
        ]
        return "\n".join(lines)

    # ---- reports
    def swap_report(self) -> str:
        path = self.reports / "swap.json"
        lines = ["# Swap tests report", ""]
        if not path.is_file():
            lines += [
                "**Not run yet.** No `reports/swap.json` was present when this site was built.",
                "Run `uv run nox -s swap` (it writes the file), then rebuild the site.",
                "",
                "Until then, the evidence for swappability is the conformance kit every",
                "implementation subclasses and the registered implementations in the",
                "[topology](../architecture/topology.md).",
            ]
            return "\n".join(lines) + "\n"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            cells = list(data["cells"])
        except (ValueError, KeyError, TypeError) as exc:
            return "\n".join([*lines, f"`reports/swap.json` is unreadable: {exc}"]) + "\n"
        counts: dict[str, int] = {}
        for c in cells:
            counts[str(c.get("status"))] = counts.get(str(c.get("status")), 0) + 1
        lines += [
            f"From `reports/swap.json`, generated at {data.get('generated_at', 'unknown time')}: "
            f"{len(cells)} cells, "
            + ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
            + ".",
            "",
            "Each cell runs the whole pipeline with the slots in *swaps* switched to the named",
            "implementations (every other slot on the profile's choice). Default-profile cells",
            "run strict: a swap that only works by falling back fails.",
            "",
            "| group | swaps | status | run | checks | time (s) |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        # words, not emoji: a headless browser or terminal may lack an emoji font
        icon = {"fail": "**FAIL**", "failed": "**FAIL**", "error": "**FAIL**"}
        order = {slot: i for i, slot in enumerate(SLOTS)}
        for c in sorted(cells, key=lambda c: (order.get(c.get("group"), 99), str(c.get("id")))):
            use = c.get("use") or {}
            if c.get("group") == "all-stub":
                swaps = "every slot = `stub`"
            else:
                swaps = ", ".join(f"{slot} = `{name}`" for slot, name in use.items()) or "-"
            checks = c.get("checks") or {}
            failed = [k for k, v in checks.items() if not v]
            if not checks:
                check_txt = _md_escape(str(c.get("reason", "-")))
            elif failed:
                check_txt = "failed: " + ", ".join(failed)
            else:
                check_txt = f"all {len(checks)} pass"
            dur = c.get("duration_s")
            status = str(c.get("status"))
            lines.append(
                f"| {c.get('group')} | {swaps} | {icon.get(status.lower(), status)} "
                f"| {c.get('report_status', '-')} | {check_txt} "
                f"| {f'{float(dur):.1f}' if isinstance(dur, int | float) else '-'} |"
            )
        return "\n".join(lines) + "\n"

    def eval_report(self) -> str:
        """reports/eval.md from `nox -s eval`: each module's labelled-set metrics and floors."""
        lines = ["# Evaluation on labelled sets", ""]
        md = self.reports / "eval.md"
        if not md.is_file():
            lines += [
                "**Not run yet.** No `reports/eval.md` was present when this site was built;",
                "`uv run nox -s eval` writes it from each module's `eval/` set.",
            ]
        else:
            lines += [md.read_text(encoding="utf-8")]
        return "\n".join(lines) + "\n"

    def watermark_report(self) -> str:
        """reports/watermark.md from packages/watermark/bench (invisibility, robustness, speed
        against invisible-watermark); its 4x sky crop is copied next to it by gen_pages.py."""
        md = self.reports / "watermark.md"
        if not md.is_file():
            return (
                "# Watermark bench\n\n**Not run yet.** No `reports/watermark.md` was present "
                "when this site was built; see packages/watermark/README.md for the command.\n"
            )
        return md.read_text(encoding="utf-8")

    def quality_pages(self) -> dict[str, str]:
        """reports/quality/: the picture checks (``nox -s quality``): a summary and one page per
        example lesson with its contact sheet (copied next to it by gen_pages.py)."""
        js = self.reports / "quality.json"
        index = ["# Picture quality", ""]
        if not js.is_file():
            index += [
                "**Not run yet.** No `reports/quality.json` was present when this site was built;",
                "`uv run nox -s quality` renders every example lesson and writes it.",
            ]
            return {"reports/quality/index.md": "\n".join(index) + "\n"}
        try:
            data = json.loads(js.read_text(encoding="utf-8"))
        except ValueError as exc:
            index.append(f"`reports/quality.json` is unreadable: {exc}")
            return {"reports/quality/index.md": "\n".join(index) + "\n"}
        out: dict[str, str] = {}
        index += [
            "`uv run nox -s quality` renders every example lesson and checks the decoded MP4: "
            "OCR (Tesseract) must read at least "
            f"{data.get('min_word_rate', 0.98):.0%} of each cue's words on every sampled frame; "
            "text boxes never overlap each other or a figure and stay title-safe; each frame "
            "shows at most the one cue active then; the mouth overlay stays inside the face "
            "boxes; the watermark meets the thresholds `ttv_watermark.quality` exports.",
            "",
            f"Overall: **{'pass' if data.get('ok') else 'FAIL'}** ({data.get('seconds', '?')} s).",
            "",
            "| lesson | result | OCR mean | OCR worst frame | layout | mouth | watermark |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]

        def mark(check: dict | None) -> str:
            if not check:
                return "not run"
            ok = check.get("ok")
            return "n/a" if ok is None else ("pass" if ok else "FAIL")

        for lesson in data.get("lessons", []):
            stem = Path(lesson.get("lesson", "lesson")).stem
            cues = lesson.get("captions", {}).get("cues", [])
            means = [c.get("mean_rate", 0.0) for c in cues]
            worsts = [c["worst"]["rate"] for c in cues if c.get("worst")]
            mean = f"{sum(means) / len(means):.1%}" if means else "-"
            worst = f"{min(worsts):.1%}" if worsts else "-"
            index.append(
                f"| [{lesson.get('title', stem)}]({stem}.md) | {mark(lesson)} | {mean} | "
                f"{worst} | {mark(lesson.get('layout'))} | {mark(lesson.get('mouth'))} | "
                f"{mark(lesson.get('watermark'))}"
                f"{' (advisory)' if 'watermark' in lesson.get('advisory', []) else ''} |"
            )
            page = [
                f"# {lesson.get('title', stem)}",
                "",
                f"`{lesson.get('lesson', '')}`: {lesson.get('frames', '?')} frames at "
                f"{'x'.join(str(v) for v in lesson.get('size', []))}, fonts "
                f"{', '.join(lesson.get('fonts') or [])}; result **{mark(lesson)}**.",
                "",
            ]
            if (self.reports / "quality" / f"{stem}.png").is_file():
                page += [f"![Contact sheet of {stem}]({stem}.png)", ""]
            page += [
                "| cue | words | frames read | mean | worst frame | missed there |",
                "| --- | --- | --- | --- | --- | --- |",
            ]
            for c in cues:
                w = c.get("worst") or {}
                missed = ", ".join(w.get("missing", [])) or "-"
                frames = ", ".join(str(k) for k in c.get("frames", []))
                page.append(
                    f"| {c.get('cue')} | {c.get('words')} | {frames} | "
                    f"{c.get('mean_rate', 0):.1%} | {w.get('rate', 0):.1%} (#{w.get('k')}) | "
                    f"{missed} |"
                )
            page += ["", "| check | figures |", "| --- | --- |"]
            for name in ("layout", "mouth", "watermark"):
                check = lesson.get(name)
                if check:
                    figures = {k: v for k, v in check.items() if k not in ("examples",)}
                    page.append(f"| {name} | `{json.dumps(figures, sort_keys=True)}` |")
            if lesson.get("notes"):
                page += ["", "Notes from the compositor:", ""]
                page += [f"- {n}" for n in lesson["notes"]]
            out[f"reports/quality/{stem}.md"] = "\n".join(page) + "\n"
        out["reports/quality/index.md"] = "\n".join(index) + "\n"
        return out

    def bench_report(self) -> str:
        lines = ["# Benchmarks", ""]
        md, js = self.reports / "bench.md", self.reports / "bench.json"
        if not md.is_file() and not js.is_file():
            lines += [
                "**Not run yet.** No `reports/bench.json` or `reports/bench.md` was present when",
                "this site was built. Each package's `bench/` script prints ratios against a",
                "reference measured in the same run; the CI bench session collects them there.",
            ]
        if md.is_file():
            lines += ["From `reports/bench.md`:", "", md.read_text(encoding="utf-8"), ""]
        if js.is_file():
            try:
                data = json.loads(js.read_text(encoding="utf-8"))
                lines += ["From `reports/bench.json`:", "", *_generic_table(data), ""]
            except ValueError as exc:
                lines.append(f"`reports/bench.json` is unreadable: {exc}")
        return "\n".join(lines) + "\n"

    # ---- repair catalog
    def all_codes(self) -> list[dict[str, object]]:
        documented: dict[str, tuple[Package, str]] = {}
        for pkg in self.ws.packages:
            for code, title in pkg.documented_codes.items():
                documented.setdefault(code, (pkg, title))
        registered: dict[str, tuple[str, str]] = {}
        for pkg in self.ws.packages:
            for code, (title, declared) in pkg.declared_codes.items():
                registered.setdefault(code, (declared, title))
        for code, entry in catalog().items():  # whatever is imported in this process
            registered.setdefault(code, (entry.package, entry.title))
        rows = []
        for code in sorted(set(documented) | set(registered)):
            reg = registered.get(code)
            doc = documented.get(code)
            rows.append(
                {
                    "code": code,
                    "title": (reg[1] if reg else "") or (doc[1] if doc else ""),
                    "owner": reg[0] if reg else None,
                    "doc_pkg": doc[0] if doc else None,
                }
            )
        return rows

    def repair_catalog(self) -> str:
        rows = self.all_codes()
        undocumented = [r for r in rows if r["doc_pkg"] is None]
        lines = [
            "# Repair catalog",
            "",
            "Every `TTV-Ennn` code: registered with `ttv_contracts.errors.register_code` (read from",
            'the sources) and documented by a `<a id="ttv-ennn"></a>` section of a REPAIR.md.',
            "Use the search box (top right) for a code or a symptom.",
            "",
            f"{len(rows)} codes, {len(rows) - len(undocumented)} with a repair section.",
            "",
            "| code | title | registered by | repair section |",
            "| --- | --- | --- | --- |",
        ]
        for r in rows:
            pkg = r["doc_pkg"]
            link = (
                f"[{pkg.name}](modules/{pkg.key}/repair.md#{str(r['code']).lower()})"
                if pkg
                else "**missing**"
            )
            lines.append(
                f'| <span id="{str(r["code"]).lower()}"></span>`{r["code"]}` | {_md_escape(r["title"])} '
                f"| `{r['owner'] or 'not registered'}` | {link} |"
            )
        return "\n".join(lines) + "\n"

    # ---- schemas
    def schema_pages(self) -> dict[str, str]:
        from ttv_contracts import CONTRACT_MAJOR, __version__
        from ttv_contracts.v1.schema import schemas

        sch = schemas()
        out = {
            f"schemas/v1/{name}.json": json.dumps(s, indent=2, sort_keys=True) + "\n"
            for name, s in sch.items()
        }
        lines = [
            "# v1 JSON schemas",
            "",
            f"Exported by `ttv_contracts.v1.schema.export_schemas` from ttv-contracts {__version__}",
            f"(contract major {CONTRACT_MAJOR}) at build time. A film pipeline in any language",
            "validates TTV's outputs (story plans, casts, scene books, run reports, provenance",
            "records) against these files; `ttv-ownership schemas DIR` writes the same files and",
            "`ttv-ownership validate StoryPlan plan.json` checks a document against one.",
            "",
            "| model | schema | top-level fields |",
            "| --- | --- | --- |",
        ]
        for name, s in sch.items():
            fields = ", ".join(f"`{f}`" for f in list(s.get("properties", {}))[:8])
            more = " …" if len(s.get("properties", {})) > 8 else ""
            lines.append(f"| {name} | [{name}.json](v1/{name}.json) | {fields}{more} |")
        # The integration's OpenTimelineIO metadata schema (generated, shipped in its wheel).
        otio_schema = self.ws.root / "integration/src/ttv_integration/schemas/otio-v1.json"
        if otio_schema.is_file():
            out["schemas/otio/v1.json"] = otio_schema.read_text(encoding="utf-8")
            lines += [
                "",
                "The `ttv` metadata of the OpenTimelineIO timelines TTV writes (version 1):",
                "[otio/v1.json](otio/v1.json); see [Timelines](../timelines.md).",
            ]
        out["schemas/index.md"] = "\n".join(lines) + "\n"
        return out

    # ---- architecture summary and readiness
    def architecture_summary(self) -> str:
        from ttv_contracts import __version__

        n_impl = sum(
            1 for impls in self.impls.values() for i in impls if i.package != "ttv-contracts"
        )
        lines = [
            "# Architecture summary",
            "",
            f"TTV is {len(self.ws.packages)} workspace packages around one shared package,",
            f"`ttv-contracts` {__version__}. {len(SLOTS)} slots in 3 clusters; "
            f"{n_impl} registered implementations plus one stub per slot.",
            "",
            "- Each module package depends on `ttv-contracts` and its own libraries only",
            "  (import-linter enforces it); the integration discovers implementations through",
            "  `ttv.<slot>` entry points and falls back along a chain that ends at the stub.",
            "- Data between slots are frozen pydantic v1 models (JSON schemas published",
            "  [here](../schemas/index.md)); frames and audio are validated numpy arrays.",
            "- Ownership is data: [ownership map](../ownership/map.md).",
            "",
            "## Packages",
            "",
            "| package | version | slot | contracts range | implementations |",
            "| --- | --- | --- | --- | --- |",
        ]
        for pkg in self.ws.packages:
            rng = next((d for d in pkg.dependencies if d.startswith("ttv-contracts")), "-")
            lines.append(
                f"| [{pkg.name}](../{self.page_of(pkg)}) | {pkg.version} | {self.slot_of(pkg) or 'platform'} "
                f"| `{rng}` | {', '.join(ep.name for ep in pkg.slot_entry_points) or '-'} |"
            )
        lines += ["", "See the [pipeline topology](topology.md) for the generated diagrams.", ""]
        return "\n".join(lines)

    def readiness(self) -> str:
        from ttv_contracts import CONTRACT_MAJOR
        from ttv_contracts.stubs import STUBS
        from ttv_contracts.v1.schema import SCHEMA_MODELS

        o, ws = self.owners, self.ws
        problems = rules.check(o, ws)
        stale, _warn = markers.run(ws, o, write=False)
        missing_docs = [
            f"{p.rel}/{f}"
            for p in ws.packages
            for f in (*markers.DOC_FILES, "README.md")
            if not (p.directory / f).is_file()
        ]
        co_problems = codeowners_file.validate(codeowners_file.render(o), o)
        co_file = ws.root / "CODEOWNERS"
        co_fresh = co_file.is_file() and co_file.read_text(
            encoding="utf-8"
        ) == codeowners_file.render(o)
        slots_with_impl = [
            s for s in SLOTS if any(i.package != "ttv-contracts" for i in self.impls[s])
        ]
        module_pkgs = [p for p in ws.packages if p.slot_entry_points]
        kit_ok = [p for p in module_pkgs if p.kit_classes]
        ranged = [
            p
            for p in module_pkgs
            if any(re.match(r"ttv-contracts\s*>=\s*1\s*,\s*<\s*2", d) for d in p.dependencies)
        ]
        codes = self.all_codes()
        undocumented = [r["code"] for r in codes if r["doc_pkg"] is None]
        swap = self.reports / "swap.json"
        swap_line = "the swap matrix has **not been run** for this build (no `reports/swap.json`)"
        if swap.is_file():
            try:
                cells = json.loads(swap.read_text(encoding="utf-8"))["cells"]
                passed = sum(
                    1 for c in cells if str(c.get("status")).lower() in ("pass", "passed", "ok")
                )
                swap_line = f"the last swap run passed {passed} of {len(cells)} cells"
            except (ValueError, KeyError, TypeError):
                swap_line = "`reports/swap.json` is unreadable"

        from ttv_contracts.v1.schema import schemas as v1_schemas

        from .compat import validate_outputs

        try:
            compat_problems = validate_outputs(v1_schemas())
        except Exception as exc:  # report, never hide, a failure to even run the check
            compat_problems = [f"the check itself failed: {exc!r}"]
        swap_failed = False
        if swap.is_file():
            try:
                swap_failed = any(
                    str(c.get("status")).lower() in ("fail", "failed", "error")
                    for c in json.loads(swap.read_text(encoding="utf-8"))["cells"]
                )
            except (ValueError, KeyError, TypeError):
                swap_failed = True

        def mark(ok: bool) -> str:
            return "**yes**" if ok else "**not yet**"

        claims = [
            (
                "Multi-owner",
                not problems,
                f"{len(o.modules)} modules, {len(o.roles)} roles; every module has three distinct "
                f"roles with the backup from another cluster; ownership rules: "
                f"{'all pass' if not problems else f'{len(problems)} problem(s)'}; CODEOWNERS "
                f"{'is current' if co_fresh else 'is stale or missing'} and parses with `codeowners` "
                f"({'no' if not co_problems else len(co_problems)} problems).",
                "[ownership map and bus-factor table](ownership/map.md); "
                "`ownership/tests/test_rules.py`; CI: `ttv-ownership check`, `ttv-ownership codeowners --check`",
            ),
            (
                "Handover-friendly",
                not missing_docs and not stale,
                f"{len(ws.packages)} packages; missing owner docs: {len(missing_docs)}"
                + (
                    f" ({', '.join(missing_docs[:6])}{' …' if len(missing_docs) > 6 else ''})"
                    if missing_docs
                    else ""
                )
                + f"; files with stale generated facts: {len(stale)}.",
                "each module's Owner / Migration / Repair / Time-to-master pages under [Modules](modules/index.md); "
                "[24-hour take-over checklist](takeover.md); CI: `ttv-ownership docs --check`",
            ),
            (
                "Modular",
                len(slots_with_impl) == len(SLOTS)
                and len(kit_ok) == len(module_pkgs)
                and not swap_failed,
                f"{len(slots_with_impl)} of {len(SLOTS)} slots have a registered implementation "
                f"besides the stub; {len(kit_ok)} of {len(module_pkgs)} module packages subclass "
                f"the conformance kit in their tests; {swap_line}.",
                "[topology](architecture/topology.md); [swap tests report](reports/swap.md); "
                "`contracts/tests/test_stub_conformance.py`; import-linter contracts generated from the workspace by `nox -s imports` (`noxfile.py`)",
            ),
            (
                "Resilient",
                set(STUBS) == set(SLOTS) and not undocumented,
                f"every slot has a dependency-free stub as the last fallback ({len(STUBS)} of "
                f"{len(SLOTS)}); {len(codes)} error codes, {len(codes) - len(undocumented)} with a "
                "repair section"
                + (
                    f" (missing: {', '.join(map(str, undocumented[:8]))}{' …' if len(undocumented) > 8 else ''})"
                    if undocumented
                    else ""
                )
                + ".",
                "[repair catalog](repair-catalog.md); `contracts/tests/test_stub_conformance.py`",
            ),
            (
                "Future-proof",
                len(ranged) == len(module_pkgs),
                f"contracts are versioned by module (`ttv_contracts.v{CONTRACT_MAJOR}`; a breaking "
                f"change is a new `v2` beside it); {len(ranged)} of {len(module_pkgs)} module packages "
                f"depend on the range `ttv-contracts>=1,<2`; {len(SCHEMA_MODELS)} JSON schemas exported.",
                "[v1 JSON schemas](schemas/index.md); [architecture summary](architecture/summary.md)",
            ),
            (
                "Compatible with a film pipeline consuming the v1 schemas",
                not compat_problems,
                "validated at build time: the stub chain's real outputs (lesson, story plan, "
                "cast, scene book, emotion track, router decision, run report) dumped to JSON "
                "and checked against the published schemas with `jsonschema` (Draft 2020-12): "
                + (
                    "all valid"
                    if not compat_problems
                    else f"{len(compat_problems)} problem(s), first: {compat_problems[0]}"
                )
                + "; `ttv-ownership validate MODEL FILE` runs the same check on any document.",
                "`ownership/tests/test_film_pipeline_schemas.py`; [v1 JSON schemas](schemas/index.md)",
            ),
        ]
        lines = [
            "# Readiness",
            "",
            "Each claim below is computed when the site is built, from the same data CI checks;",
            "**not yet** means the evidence does not back the claim yet.",
            "",
            "| claim | status | what was measured | evidence |",
            "| --- | --- | --- | --- |",
        ]
        for claim, ok, measured, evidence in claims:
            lines.append(f"| **{claim}** | {mark(ok)} | {_md_escape(measured)} | {evidence} |")
        if problems:
            lines += ["", "## Ownership problems", ""] + [f"- `{p}`" for p in problems]
        if stale:
            lines += ["", "## Stale generated blocks", ""] + [
                f"- `{p.relative_to(ws.root).as_posix()}`" for p in stale
            ]
        lines += [
            "",
            f"_Built {_dt.datetime.now(_dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}._",
            "",
        ]
        return "\n".join(lines)


def _quality_title(pages: dict[str, str], rel: str) -> str:
    """A quality page's title: its first heading."""
    first = pages[rel].splitlines()[0] if pages.get(rel) else ""
    return first.lstrip("# ").strip() or Path(rel).stem


def _generic_table(data: object) -> list[str]:
    if isinstance(data, dict) and all(isinstance(v, list) for v in data.values()):
        out: list[str] = []
        for k, v in data.items():
            out += [f"### {k}", "", *_generic_table(v), ""]
        return out
    if isinstance(data, list) and data and all(isinstance(r, dict) for r in data):
        cols: list[str] = []
        for r in data:
            cols += [c for c in r if c not in cols]
        rows = ["| " + " | ".join(cols) + " |", "|" + " --- |" * len(cols)]
        rows += ["| " + " | ".join(_md_escape(r.get(c, "")) for c in cols) + " |" for r in data]
        return rows
    if isinstance(data, dict):
        return ["| key | value |", "| --- | --- |"] + [
            f"| {_md_escape(k)} | {_md_escape(json.dumps(v) if isinstance(v, dict | list) else v)} |"
            for k, v in data.items()
        ]
    return ["```json", json.dumps(data, indent=2), "```"]


LINK_RE = re.compile(r"(?<!!)\[([^\]]+)\]\(([^)\s]+)\)")


def rewrite_links(text: str, pkg: Package) -> str:
    """Point links between a package's owner docs at their site pages; others become text."""
    mapping = {src: ("readme.md" if dst == "index.md" else dst) for src, dst in OWNER_DOCS.items()}

    def sub(m: re.Match[str]) -> str:
        label, target = m.group(1), m.group(2)
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            return m.group(0)
        path, _, anchor = target.partition("#")
        fname = path.split("/")[-1]
        if fname in mapping and path in (fname, f"./{fname}"):
            return f"[{label}]({mapping[fname]}{'#' + anchor if anchor else ''})"
        return f"{label} (`{posixpath.normpath(pkg.rel + '/' + path)}`)" if path else label

    return LINK_RE.sub(sub, text)


def pages(root: Path | None = None) -> dict[str, str]:
    return Site(root).pages()


def write(out: Path, root: Path | None = None) -> Iterable[Path]:
    for rel, text in pages(root).items():
        path = Path(out) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        yield path
