"""`new-module`: copy templates/module to packages/NAME and add its owners.yaml entry."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ttv_contracts.errors import TTVError
from ttv_contracts.v1 import CLUSTER_NAMES, SLOTS

from . import markers
from .errors import E_SCAFFOLD_REFUSED
from .model import Owners, load
from .workspace import Workspace

NAME_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
IMPL_RE = re.compile(r"^[a-z][a-z0-9_-]*$")
CODE_RANGES = {
    "narrative": "E100-E109", "identity": "E110-E119", "scene": "E120-E129",
    "emotion": "E130-E139", "keyframe": "E200-E209", "motion": "E210-E219",
    "transitions": "E220-E229", "extender": "E230-E239", "interpolator": "E240-E249",
    "voice": "E300-E309", "lipsync": "E310-E319", "upscaler": "E320-E329",
    "watermark": "E330-E339", "router": "E340-E349",
}  # fmt: skip


class ScaffoldError(TTVError):
    """new-module refused (TTV-E063): the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(E_SCAFFOLD_REFUSED, message, module="ttv-ownership")


@dataclass
class Result:
    directory: Path
    files: list[Path] = field(default_factory=list)
    owners_entry: str = ""
    out_of_tree: bool = False

    def summary(self) -> str:
        lines = [f"created {self.directory} ({len(self.files)} files)"]
        lines += [f"  {p}" for p in self.files]
        if self.out_of_tree:
            lines.append(
                f"next: cd {self.directory} && python -m venv .venv && "
                ".venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest tests"
            )
            return "\n".join(lines)
        lines += ["added to ownership/owners.yaml:", self.owners_entry.rstrip()]
        lines += [
            f"next: uv venv .venv-{self.directory.name} && uv pip install -p "
            f".venv-{self.directory.name} -e contracts -e packages/{self.directory.name} pytest; "
            "run its tests; ttv-ownership check; ttv-ownership codeowners --write"
        ]
        return "\n".join(lines)


def _camel(text: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[-_]", text) if part)


def pick_roles(owners: Owners, cluster: str) -> tuple[str, str, str]:
    """Primary/secondary from the cluster (least loaded first), backup from another cluster."""
    prim = Counter(m.primary for m in owners.modules.values())
    back = Counter(m.backup for m in owners.modules.values())
    inside = sorted(
        (r for r, s in owners.roles.items() if s.cluster == cluster), key=lambda r: (prim[r], r)
    )
    outside = sorted(
        (r for r, s in owners.roles.items() if s.cluster != cluster), key=lambda r: (back[r], r)
    )
    if len(inside) < 2 or not outside:
        raise ScaffoldError(f"cluster {cluster} needs two roles and another cluster's role")
    return inside[0], inside[1], outside[0]


def scaffold(root: Path, name: str, slot: str, *, impl: str | None = None) -> Result:
    if not NAME_RE.match(name):
        raise ScaffoldError(f"module name {name!r} must look like 'emotion-bert'")
    if slot not in SLOTS:
        raise ScaffoldError(f"unknown slot {slot!r}; known: {', '.join(SLOTS)}")
    if impl is None:
        impl = name.split("-")[-1] if "-" in name else name
    if not IMPL_RE.match(impl):
        raise ScaffoldError(f"implementation name {impl!r} must match {IMPL_RE.pattern}")
    root = Path(root)
    target = root / "packages" / name
    if target.exists():
        raise ScaffoldError(f"{target} already exists")
    owners_file = root / "ownership" / "owners.yaml"
    owners = load(owners_file)
    if name in owners.modules:
        raise ScaffoldError(f"owners.yaml already has a module {name!r}")
    template = root / "templates" / "module"
    if not template.is_dir():
        raise ScaffoldError(f"template folder {template} is missing")
    result = _copy_template(template, target, _values(name, slot, impl), root)
    return _finish_in_tree(root, name, target, owners, owners_file, SLOTS[slot][0], result)


def template_dir(root: Path | None = None) -> Path:
    """templates/module of the checkout at ``root``, else the copy the ttv-ownership wheel
    carries (``ttv_ownership/templates/module``), so out-of-tree scaffolds work anywhere."""
    candidates = []
    if root is not None:
        candidates.append(Path(root) / "templates" / "module")
    here = Path(__file__).resolve().parent
    candidates += [here / "templates" / "module", here.parents[2] / "templates" / "module"]
    for c in candidates:
        if c.is_dir():
            return c
    raise ScaffoldError("no module template found (templates/module or the installed copy)")


OUT_OF_TREE_README = """

## Install and test (a plugin outside the TTV repository)

```bash
python -m venv .venv && .venv/bin/pip install -e '.[test]'   # ttv-contracts comes from your index
.venv/bin/python -m pytest tests                              # the {{KitClass}} conformance kit
.venv/bin/pip install ttv-integration && .venv/bin/ttv modules   # lists `{{slot}}` `{{impl}}`
```

Select it in a run with `ttv generate LESSON --use {{slot}}={{impl}}`.
"""


def scaffold_out_of_tree(out_dir: Path, name: str, slot: str, *, impl: str | None = None) -> Result:
    """A standalone plugin package at ``out_dir/NAME``: no workspace source (ttv-contracts
    comes from an index), registered through its ``ttv.<slot>`` entry point, passing the kit."""
    if not NAME_RE.match(name):
        raise ScaffoldError(f"module name {name!r} must look like 'emotion-bert'")
    if slot not in SLOTS:
        raise ScaffoldError(f"unknown slot {slot!r}; known: {', '.join(SLOTS)}")
    impl = impl or (name.split("-")[-1] if "-" in name else name)
    if not IMPL_RE.match(impl):
        raise ScaffoldError(f"implementation name {impl!r} must match {IMPL_RE.pattern}")
    out_dir = Path(out_dir).resolve()
    target = out_dir / name
    if target.exists():
        raise ScaffoldError(f"{target} already exists")
    values = _values(name, slot, impl)
    result = _copy_template(template_dir(), target, values, out_dir)
    pp = target / "pyproject.toml"
    text = pp.read_text(encoding="utf-8")
    cut = text.find("# In the TTV repository")
    if cut < 0:
        cut = text.find("[tool.uv.sources]")
    if cut >= 0:
        pp.write_text(text[:cut].rstrip("\n") + "\n", encoding="utf-8")
    readme = target / "README.md"
    extra = OUT_OF_TREE_README
    for k, v in values.items():
        extra = extra.replace("{{" + k + "}}", v)
    readme.write_text(readme.read_text(encoding="utf-8").rstrip("\n") + extra, encoding="utf-8")
    result.out_of_tree = True
    return result


def _values(name: str, slot: str, impl: str) -> dict[str, str]:
    from ttv_contracts.stubs import STUBS

    try:
        from ttv_contracts.testing import CONFORMANCE_CLASSES

        kit = CONFORMANCE_CLASSES[slot].__name__
    except ImportError:  # the kit needs pytest (ttv-contracts[testing]); its names follow a rule
        kit = {"lipsync": "LipSync"}.get(slot, slot.capitalize()) + "Conformance"
    cluster = SLOTS[slot][0]
    return {
        "name": name,
        "dist": f"ttv-{name}",
        "import": "ttv_" + name.replace("-", "_"),
        "slot": slot,
        "impl": impl,
        "Class": _camel(impl) + _camel(slot) if _camel(impl) != _camel(slot) else _camel(impl),
        "StubClass": STUBS[slot].__name__,
        "KitClass": kit,
        "cluster": cluster,
        "cluster_name": CLUSTER_NAMES[cluster],
        "codes": CODE_RANGES.get(slot, "see CONTRIBUTING.md"),
    }


def _copy_template(template: Path, target: Path, values: dict[str, str], rel_to: Path) -> Result:
    def fill(text: str) -> str:
        for k, v in values.items():
            text = text.replace("{{" + k + "}}", v)
        if "{{" in text and "}}" in text:
            left = re.findall(r"\{\{[A-Za-z_]+\}\}", text)
            if left:
                raise ScaffoldError(f"unknown template placeholders {sorted(set(left))}")
        return text

    result = Result(directory=target)
    for src in sorted(p for p in template.rglob("*") if p.is_file()):
        rel = fill(src.relative_to(template).as_posix())
        rel = rel.removesuffix(".tmpl")
        dst = target / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        dst.write_text(fill(src.read_text(encoding="utf-8")), encoding="utf-8")
        result.files.append(dst.relative_to(rel_to))
    return result


def _finish_in_tree(root, name, target, owners, owners_file, cluster, result):
    primary, secondary, backup = pick_roles(owners, cluster)
    entry = (
        f"  {name}:\n"
        f"    cluster: {cluster}\n"
        f"    paths: [packages/{name}/]\n"
        f"    primary: {primary}\n"
        f"    secondary: {secondary}\n"
        f"    backup: {backup}\n"
        f"    status: incubation\n"
    )
    text = owners_file.read_text(encoding="utf-8")
    owners_file.write_text(text.rstrip("\n") + "\n" + entry, encoding="utf-8")
    try:
        load(owners_file)
    except Exception as exc:  # keep the file valid: undo our append
        owners_file.write_text(text, encoding="utf-8")
        raise ScaffoldError(f"owners.yaml entry did not validate: {exc}") from exc
    result.owners_entry = entry

    # fill the generated blocks of the new docs right away
    ws = Workspace(root)
    pkg = next((p for p in ws.packages if p.directory == target.resolve()), None)
    if pkg is not None:
        ctx = markers.make_context(ws, load(owners_file))
        for fname in markers.DOC_FILES:
            path = target / fname
            new, _ = markers.render_file(ctx, pkg, path)
            path.write_text(new, encoding="utf-8")
        from .release import record

        record(pkg)  # its first release, so `ttv-ownership check` passes from the start
    return result


__all__ = [
    "Result",
    "ScaffoldError",
    "pick_roles",
    "scaffold",
    "scaffold_out_of_tree",
    "template_dir",
]
