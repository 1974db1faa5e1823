"""`ttv-ownership` and the `ttv owners` / `ttv new-module` sub-commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from . import codeowners_file, markers, rules
from .model import load
from .workspace import Workspace

app = typer.Typer(
    help="TTV ownership: rules, CODEOWNERS, owner-doc facts, site pages, new-module scaffold.",
    no_args_is_help=True,
    add_completion=False,
)

RootOpt = Annotated[
    Path | None, typer.Option("--root", help="Workspace root (default: found from the cwd).")
]


def _load(root: Path | None):
    from ttv_contracts.errors import TTVError

    from .errors import E_OWNERS_INVALID

    try:
        ws = Workspace(root)
    except FileNotFoundError as exc:
        raise TTVError(E_OWNERS_INVALID, str(exc), module="ttv-ownership") from exc
    return ws, load(rules.owners_path(ws.root))


def _coded(fn):
    """Show a TTVError as its one-paragraph message (exit 2), never as a traceback."""
    import functools

    from ttv_contracts.errors import TTVError

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except TTVError as err:
            typer.echo(str(err), err=True)
            raise typer.Exit(2) from None

    return wrapper


def run_check(root: Path | None = None, *, echo=print) -> int:
    """The rules command as a function: prints problems and the bus-factor table."""
    from . import release

    ws, owners = _load(root)
    problems = [*rules.check(owners, ws), *release.problems(ws)]
    echo(rules.bus_factor_text(owners))
    echo("")
    if problems:
        echo(
            f"[TTV-E061] {len(problems)} ownership problem(s) (see ttv-ownership/REPAIR.md#ttv-e061):"
        )
        for p in problems:
            echo(f"  {p}")
        return 1
    echo(
        f"ownership OK: {len(owners.modules)} modules, {len(owners.roles)} roles, "
        f"{len(ws.packages)} workspace packages"
    )
    return 0


@app.command()
@_coded
def check(root: RootOpt = None) -> None:
    """Check every ownership rule and print the bus-factor table (exit 1 on any problem)."""
    raise typer.Exit(run_check(root, echo=typer.echo))


@app.command()
@_coded
def codeowners(
    root: RootOpt = None,
    write: Annotated[bool, typer.Option("--write", help="Write CODEOWNERS.")] = False,
    check_: Annotated[bool, typer.Option("--check", help="Fail if CODEOWNERS is stale.")] = False,
) -> None:
    """Render CODEOWNERS from owners.yaml; validate it with the `codeowners` parser."""
    ws, owners = _load(root)
    text = codeowners_file.render(owners)
    problems = codeowners_file.validate(text, owners)
    target = ws.root / "CODEOWNERS"
    if check_:
        current = target.read_text(encoding="utf-8") if target.is_file() else ""
        if current != text:
            problems.append(
                "[TTV-E062] CODEOWNERS is stale: run `ttv-ownership codeowners --write`"
            )
        else:
            problems.extend(codeowners_file.validate(current, owners))
    elif write:
        target.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {target}")
    else:
        typer.echo(text, nl=False)
    for p in dict.fromkeys(problems):
        typer.echo(f"CODEOWNERS: {p}", err=True)
    raise typer.Exit(1 if problems else 0)


@app.command()
@_coded
def docs(
    root: RootOpt = None,
    check_: Annotated[
        bool, typer.Option("--check", help="Fail and list files whose generated blocks are stale.")
    ] = False,
    package: Annotated[
        list[str] | None,
        typer.Option("--package", "-p", help="Only this package (key or name); repeatable."),
    ] = None,
) -> None:
    """Rewrite the generated blocks of OWNER/TIME-TO-MASTER/MIGRATION/REPAIR.md."""
    ws, owners = _load(root)
    changed, warnings = markers.run(ws, owners, write=not check_, only=package)
    for w in warnings:
        typer.echo(f"warning: {w}", err=True)
    rel = [p.relative_to(ws.root).as_posix() for p in changed]
    missing = [
        p.relative_to(ws.root).as_posix()
        for p in markers.missing_docs(ws)
        if not package or p.parent.name in package
    ]
    if missing:
        typer.echo("missing owner docs (every package carries README, OWNER, MIGRATION, REPAIR,")
        typer.echo("TIME-TO-MASTER; `templates/module/` has skeletons):")
        for r in missing:
            typer.echo(f"  {r}")
    if check_:
        if rel:
            typer.echo("[TTV-E062] stale generated blocks (run `ttv-ownership docs`):")
            for r in rel:
                typer.echo(f"  {r}")
        if rel or missing:
            raise typer.Exit(1)
        typer.echo("owner docs present and generated blocks up to date")
    else:
        typer.echo(f"rewrote {len(rel)} file(s)" + "".join(f"\n  {r}" for r in rel))


def run_who(path: str, root: Path | None = None, as_json: bool = False) -> str:
    ws, owners = _load(root)
    target = ws.root / "CODEOWNERS"
    text = (
        target.read_text(encoding="utf-8") if target.is_file() else codeowners_file.render(owners)
    )
    p = Path(path)
    if p.is_absolute():
        try:
            p = p.resolve().relative_to(ws.root)
        except ValueError as exc:
            raise typer.BadParameter(f"{path} is outside the workspace {ws.root}") from exc
    info = codeowners_file.who(owners, text, p.as_posix())
    if as_json:
        return json.dumps(info, indent=2)
    out = [
        f"path:       {info['path']}",
        f"module:     {info['module'] or '(none: platform default)'}"
        + (f" ({info['status']})" if info["status"] else ""),
        f"reviewers:  {' '.join(info['reviewers']) or '(none)'}   (CODEOWNERS line: {info['codeowners_line']})",
        "when it breaks, call in order:",
    ]
    out += [f"  {i}. {role} ({team})" for i, (role, team) in enumerate(info["escalation"], 1)]
    return "\n".join(out)


@app.command()
@_coded
def who(
    path: Annotated[str, typer.Argument(help="A file or folder in the repository.")],
    root: RootOpt = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Who reviews PATH and who to call when it breaks."""
    typer.echo(run_who(path, root, as_json))


@app.command("new-module")
@_coded
def new_module(
    name: Annotated[
        str, typer.Argument(help="Module name, e.g. 'emotion-bert' -> packages/emotion-bert")
    ],
    slot: Annotated[str, typer.Option("--slot", help="The slot it implements.")],
    impl: Annotated[str | None, typer.Option(help="Implementation (entry-point) name.")] = None,
    root: RootOpt = None,
    out_of_tree: Annotated[
        Path | None,
        typer.Option(
            "--out-of-tree",
            help="Make a standalone plugin package in DIR/NAME instead (no workspace, no "
            "owners.yaml entry; ttv-contracts from an index).",
        ),
    ] = None,
) -> None:
    """Scaffold packages/NAME from templates/module and add its owners.yaml entry."""
    from .scaffold import ScaffoldError, scaffold, scaffold_out_of_tree

    try:
        if out_of_tree is not None:
            typer.echo(scaffold_out_of_tree(out_of_tree, name, slot, impl=impl).summary())
            return
        ws, _ = _load(root)
        result = scaffold(ws.root, name, slot, impl=impl)
    except ScaffoldError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    typer.echo(result.summary())


@app.command("bump")
@_coded
def bump_cmd(
    package: Annotated[str, typer.Argument(help="Package name or key, e.g. ttv-emotion.")],
    part: Annotated[str, typer.Argument(help="major, minor, patch or an exact X.Y.Z.")],
    draft: Annotated[
        bool, typer.Option("--draft", help="Print the notes towncrier would write; change nothing.")
    ] = False,
    root: RootOpt = None,
) -> None:
    """Release a package: bump pyproject `version`, build its CHANGELOG section from
    changelog.d/ with towncrier, record the source digest."""
    from . import release

    ws, _ = _load(root)
    try:
        old, new = release.bump(ws, package, part, draft=draft)
    except (KeyError, ValueError, RuntimeError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    if draft:
        typer.echo(new)
        return
    pkg = release.find_package(ws, package)
    typer.echo(f"{pkg.name}: {old} -> {new}; {pkg.rel}/CHANGELOG.md has the new section")
    typer.echo(
        "next: `uv lock` (the lock records member versions); add upgrade notes to MIGRATION.md"
    )


@app.command("fragment")
@_coded
def fragment_cmd(
    package: Annotated[str, typer.Argument(help="Package name or key.")],
    kind: Annotated[str, typer.Argument(help="feature, bugfix, removal, doc or misc.")],
    text: Annotated[str, typer.Argument(help="One release-note line (Markdown).")],
    issue: Annotated[str | None, typer.Option("--issue", help="Issue number.")] = None,
    root: RootOpt = None,
) -> None:
    """Add a news fragment to PACKAGE/changelog.d/ (released by `bump`)."""
    from . import release

    ws, _ = _load(root)
    try:
        path = release.add_fragment(release.find_package(ws, package), kind, text, issue)
    except (KeyError, ValueError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    typer.echo(f"wrote {path.relative_to(ws.root)}")


@app.command("record")
@_coded
def record_cmd(
    package: Annotated[str, typer.Argument(help="Package name or key.")],
    root: RootOpt = None,
) -> None:
    """Record the current source as the newest CHANGELOG release's (seeding only: use it when
    that release really is what the tree holds, e.g. after merging its notes by hand)."""
    from . import release

    ws, _ = _load(root)
    rel = release.record(release.find_package(ws, package))
    typer.echo(f"{rel.dist} {rel.version}: recorded {rel.digest}")


@app.command("versions")
@_coded
def versions_cmd(root: RootOpt = None) -> None:
    """Per package: pyproject version, newest CHANGELOG release, fragments waiting, status."""
    from . import release

    ws, _ = _load(root)
    bad = release.problems(ws)
    for pkg in ws.packages:
        rel = release.latest_release(pkg)
        changed = rel is not None and rel.digest != release.source_digest(pkg)
        typer.echo(
            f"{pkg.name:<18} {pkg.version:<8} released {rel.version if rel else '-':<8} "
            f"fragments {len(release.fragments(pkg))}  "
            f"{'source changed since release' if changed else 'source as released'}"
        )
    for p in bad:
        typer.echo(p, err=True)
    raise typer.Exit(1 if bad else 0)


@app.command()
@_coded
def schemas(
    out: Annotated[Path, typer.Argument(help="Directory for <Model>.json files.")],
) -> None:
    """Export the v1 JSON schemas (what a film pipeline consumes)."""
    from ttv_contracts.v1.schema import export_schemas

    for p in export_schemas(out):
        typer.echo(p)


@app.command()
@_coded
def site(
    out: Annotated[Path, typer.Option("--out", help="Write the generated pages here.")],
    root: RootOpt = None,
) -> None:
    """Write the generated site pages to a folder (mkdocs builds them in memory itself)."""
    from .site import write

    n = sum(1 for _ in write(out, root))
    typer.echo(f"wrote {n} generated pages under {out}")


@app.command()
@_coded
def validate(
    model: Annotated[str, typer.Argument(help="v1 model name, e.g. StoryPlan, RunReport.")],
    document: Annotated[Path, typer.Argument(help="A JSON file to check.")],
) -> None:
    """Validate a JSON document against the published v1 schema, as a film pipeline would."""
    from jsonschema import Draft202012Validator
    from ttv_contracts.errors import E_INVALID_INPUT, TTVError
    from ttv_contracts.v1.schema import schemas

    all_schemas = schemas()
    if model not in all_schemas:
        raise typer.BadParameter(f"unknown model {model!r}; known: {', '.join(all_schemas)}")
    try:
        data = json.loads(document.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TTVError(E_INVALID_INPUT, f"{document}: {exc}", module="ttv-ownership") from exc
    errors = sorted(
        Draft202012Validator(all_schemas[model]).iter_errors(data), key=lambda e: list(e.path)
    )
    for err in errors[:20]:
        where = "/".join(str(p) for p in err.path) or "(root)"
        typer.echo(f"{document}: {where}: {err.message}", err=True)
    if errors:
        raise typer.Exit(1)
    typer.echo(f"{document}: valid v1 {model}")


# ---------------------------------------------------------------- `ttv` sub-commands
# The integration's `ttv` CLI mounts every `ttv.commands` entry point with add_typer, so
# each of these is a group whose callback does the work: `ttv owners PATH`,
# `ttv new-module NAME --slot SLOT`.

owners_app = typer.Typer(
    help="Who reviews PATH and who to call when it breaks.",
    invoke_without_command=True,
    context_settings={"allow_interspersed_args": True},
    add_completion=False,
)


@owners_app.callback(invoke_without_command=True)
@_coded
def _owners(
    path: Annotated[str, typer.Argument(help="A file or folder in the repository.")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    typer.echo(run_who(path, None, as_json))


new_module_app = typer.Typer(
    help="Scaffold a new module package in one step.",
    invoke_without_command=True,
    context_settings={"allow_interspersed_args": True},
    add_completion=False,
)


@new_module_app.callback(invoke_without_command=True)
@_coded
def _new_module(
    name: Annotated[str, typer.Argument(help="Module name, e.g. 'emotion-bert'")],
    slot: Annotated[str, typer.Option("--slot", help="The slot it implements.")],
    impl: Annotated[str | None, typer.Option(help="Implementation (entry-point) name.")] = None,
    out_of_tree: Annotated[
        Path | None,
        typer.Option("--out-of-tree", help="Make a standalone plugin package in DIR/NAME."),
    ] = None,
) -> None:
    new_module(name=name, slot=slot, impl=impl, root=None, out_of_tree=out_of_tree)


def main() -> None:
    app()
