"""The ``ttv`` command line. Heavy imports (PyAV, numpy, implementations) happen inside
commands, so ``ttv --help`` stays fast and never imports torch."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup


def _plain_help(option):
    """typer 0.2x coerces an unset (None) ``--help`` flag through a pydantic TypeAdapter
    built on first use: ~0.1 s of imports on every invocation, for a flag that needs no
    coercion. Pass it through instead (private API: left alone if it changes)."""
    if option is not None and getattr(option, "_runtime_param", False) is None:
        try:
            from typer._coercion import PassThroughRuntimeParam

            option._runtime_param = PassThroughRuntimeParam(
                parameter_info=option.type_descriptor.parameter_info, annotation=bool
            )
        except Exception:
            pass
    return option


class _LazyGroup(TyperGroup):
    """The ``ttv`` group: sub-apps in :attr:`LAZY` are imported when invoked, not to list
    them in ``ttv --help`` (which then imports typer and nothing of ttv's own)."""

    #: name -> ("module:attribute" of a typer app, one-line help shown in ``ttv --help``)
    LAZY: dict[str, tuple[str, str]] = {
        "stores": (
            "ttv_integration.stores:app",
            "Stores (identities, router history): check, back up, restore, salvage.",
        ),
    }
    _listing = False

    def list_commands(self, ctx):
        return [*super().list_commands(ctx), *(n for n in self.LAZY if n not in self.commands)]

    def get_command(self, ctx, cmd_name):
        found = super().get_command(ctx, cmd_name)
        if found is not None and not self._listing:
            _plain_help(found.get_help_option(ctx))
        if found is not None or cmd_name not in self.LAZY:
            return found
        target, short = self.LAZY[cmd_name]
        if self._listing:  # a help listing: a placeholder with the short help, no import
            return typer.core.TyperCommand(cmd_name, help=short)
        from importlib import import_module

        module, attr = target.split(":")
        sub = typer.main.get_group(getattr(import_module(module), attr))
        self.add_command(sub, cmd_name)
        return sub

    def get_help_option(self, ctx):
        return _plain_help(super().get_help_option(ctx))

    def format_commands(self, ctx, formatter) -> None:
        self._listing = True
        try:
            super().format_commands(ctx, formatter)
        finally:
            self._listing = False


def _version(value: bool) -> None:
    """``ttv --version``: the integration's version and every installed module's, from the
    distributions' metadata (nothing is imported)."""
    if not value:
        return
    from importlib.metadata import version

    from .registry import static_catalog

    typer.echo(f"ttv-integration {version('ttv-integration')}")
    seen: dict[str, str] = {}
    for row in static_catalog():
        seen.setdefault(row.package, row.version)
    for package, ver in sorted(seen.items()):
        typer.echo(f"{package} {ver}")
    raise typer.Exit(0)


app = typer.Typer(
    name="ttv",
    cls=_LazyGroup,
    help="TTV: turn a lesson into a narrated, subtitled, watermarked, signed MP4.",
    no_args_is_help=True,
    # shell completion: `ttv completion SHELL` and main(), not typer's --install-completion
    add_completion=False,
    pretty_exceptions_enable=False,
    # plain help: typer's rich help formatter alone costs ~0.4 s of imports (typer.rich_utils)
    rich_markup_mode=None,
)


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help="Show the versions of ttv and of every installed module, and exit.",
        ),
    ] = False,
) -> None:
    """TTV: turn a lesson into a narrated, subtitled, watermarked, signed MP4."""


UseOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--use",
        "-u",
        help="Override one slot: SLOT=IMPLEMENTATION, or with options "
        "SLOT=IMPLEMENTATION:KEY=VALUE,KEY=VALUE (values are JSON when they parse: 2, 0.5, "
        "true, null, [0,0,0]; else text). Repeatable; `ttv schema --options` lists options.",
    ),
]
ConfigOpt = Annotated[
    str | None,
    typer.Option(
        "--config", "-c", help="Pipeline config TOML, or a profile name: default, stub, diffusers."
    ),
]


#: Exit statuses of ``ttv generate`` and ``ttv batch`` (documented in the integration README).
EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_DEGRADED = 0, 1, 2, 3


def _fail(err: Exception, status: int = EXIT_BAD_INPUT) -> None:
    """Print a coded error as one paragraph and exit ``status`` (2: bad input, the default;
    1: the run failed) or 1 for an uncoded internal error."""
    from rich.console import Console
    from ttv_contracts.errors import TTVError

    console = Console(stderr=True)
    if isinstance(err, TTVError):
        console.print(f"[bold red]error[/] {err}", highlight=False, soft_wrap=True)
        raise typer.Exit(status)
    if os.environ.get("TTV_DEBUG"):
        raise err
    console.print(
        f"[bold red]internal error[/] [TTV-E010] {type(err).__name__}: {err} "
        "(set TTV_DEBUG=1 for a traceback; see ttv-contracts/REPAIR.md#ttv-e010)",
        highlight=False,
        soft_wrap=True,
    )
    raise typer.Exit(EXIT_FAILED)


def fallback_lines(report) -> list[str]:
    """One line per fallback: stage, failing implementation, code, message, REPAIR pointer."""
    lines = []
    for stage in report.stages:
        for fb in stage.fallbacks:
            repair = f" (see {fb.repair})" if fb.repair else ""
            lines.append(
                f"fallback in {stage.stage}: {fb.implementation} failed [{fb.error_code}] "
                f"{fb.message}{repair} -> used {stage.implementation}"
            )
    return lines


StrictOpt = Annotated[
    bool,
    typer.Option(
        "--strict", help="Fail the run (exit 1) on any fallback instead of degrading (exit 3)."
    ),
]
NamespaceOpt = Annotated[
    str | None,
    typer.Option(
        "--namespace",
        help="Project or series whose stores (identities, scenes, router history) to use.",
    ),
]
OtioOpt = Annotated[
    Path | None,
    typer.Option(
        help="Where to write the OpenTimelineIO timeline (default: the MP4's path with .otio); "
        ".xml writes Final Cut Pro 7 XML, .edl a CMX 3600 EDL."
    ),
]


def _config(config: str | None, use: list[str] | None, **overrides):
    from .config import load_config, parse_use

    return load_config(
        config,
        use=parse_use(use or []),
        overrides={k: v for k, v in overrides.items() if v is not None},
    )


@app.command()
def generate(
    lesson: Annotated[Path, typer.Argument(help="Lesson file (.json, .txt or .md).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the MP4.")],
    config: ConfigOpt = None,
    use: UseOpt = None,
    resume: Annotated[Path | None, typer.Option(help="Resume this run directory.")] = None,
    run_dir: Annotated[Path | None, typer.Option(help="Run directory to create.")] = None,
    runs_root: Annotated[Path, typer.Option(help="Where new run directories go.")] = Path("runs"),
    seed: Annotated[int | None, typer.Option(help="Seed for every stage.")] = None,
    strict: StrictOpt = False,
    namespace: NamespaceOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
    otio: OtioOpt = None,
) -> None:
    """Render LESSON into a narrated, subtitled, watermarked, signed MP4.

    Exit status: 0 ok, 3 degraded (a fallback was used; the video is written), 1 failed,
    2 bad input (lesson, config, options or output path).
    """
    try:  # bad input: nothing has run yet
        from . import api
        from .otio_export import check_format
        from .progress import RichProgress
        from .rundir import new_run_id
        from .runner import NullProgress, check_output

        cfg = _config(config, use, seed=seed, strict=strict or None, namespace=namespace)
        the_lesson = api.load_lesson(lesson)
        check_output(output)
        check_format(otio)
    except Exception as err:
        _fail(err, EXIT_BAD_INPUT)
        return
    from rich.console import Console

    folder = resume or run_dir or runs_root / new_run_id(the_lesson.title)
    try:
        with NullProgress() if quiet else RichProgress() as progress:
            report = api.generate(
                the_lesson,
                output,
                cfg,
                run_dir=folder,
                resume=resume is not None,
                otio=otio,
                progress=progress,
            )
    except Exception as err:  # coded, one paragraph, no traceback
        from ttv_contracts.errors import TTVError

        from .executor import StrictFailure

        bad_input = (
            isinstance(err, TTVError)
            and not isinstance(err, StrictFailure)
            and err.code in _BAD_INPUT_CODES
        )
        _fail(err, EXIT_BAD_INPUT if bad_input else EXIT_FAILED)
        return
    console = Console(stderr=True)
    for line in fallback_lines(report):
        console.print(f"[yellow]{line}[/]", highlight=False, soft_wrap=True)
    Console().print(
        f"[bold {'green' if report.status == 'ok' else 'yellow'}]{report.status}[/] "
        f"wrote {report.output} ({report.duration_s:.2f} s, {report.num_shots} shots) "
        f"run dir: {Path(folder).resolve()}",
        highlight=False,
        soft_wrap=True,
    )
    raise typer.Exit(EXIT_OK if report.status == "ok" else EXIT_DEGRADED)


#: Timeline codes (OTIO unreadable, foreign, invalid edit, unknown format): bad input.
_TIMELINE_CODES = {"TTV-E080", "TTV-E081", "TTV-E082", "TTV-E083"}


@app.command()
def render(
    timeline: Annotated[
        Path, typer.Argument(help="A TTV timeline (.otio), edited: see docs/timelines.md.")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the MP4.")],
    config: Annotated[
        str | None,
        typer.Option(help="Profile or TOML file (default: the config the timeline was made with)."),
    ] = None,
    use: UseOpt = None,
    run_dir: Annotated[Path | None, typer.Option(help="Run directory to create.")] = None,
    runs_root: Annotated[
        Path | None, typer.Option(help="Where the new run goes (default: beside the source run).")
    ] = None,
    strict: StrictOpt = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
    otio: OtioOpt = None,
) -> None:
    """Render an edited TTV timeline: shots reordered, trimmed or removed, transitions
    changed, a clip's narration replaced. Reuses the source run's cache.

    Exit status: 0 ok, 3 degraded, 1 failed, 2 bad input (a bad or foreign timeline)."""
    from . import api
    from .progress import RichProgress
    from .runner import NullProgress

    try:
        api.read_edit(timeline)
        from .otio_export import check_format
        from .runner import check_output

        check_output(output)
        check_format(otio)
    except Exception as err:
        _fail(err, EXIT_BAD_INPUT)
        return
    overrides = {"strict": True} if strict else {}
    try:
        with NullProgress() if quiet else RichProgress() as progress:
            report = api.render_timeline(
                timeline,
                output,
                config,
                use=parse_use_map(use),
                run_dir=run_dir,
                runs_root=runs_root,
                otio=otio,
                progress=progress,
                **overrides,
            )
    except Exception as err:
        from ttv_contracts.errors import TTVError

        from .executor import StrictFailure

        bad = (
            isinstance(err, TTVError)
            and not isinstance(err, StrictFailure)
            and err.code in (_BAD_INPUT_CODES | _TIMELINE_CODES)
        )
        _fail(err, EXIT_BAD_INPUT if bad else EXIT_FAILED)
        return
    from rich.console import Console

    for line in fallback_lines(report):
        Console(stderr=True).print(f"[yellow]{line}[/]", highlight=False, soft_wrap=True)
    Console().print(
        f"[bold {'green' if report.status == 'ok' else 'yellow'}]{report.status}[/] "
        f"wrote {report.output} ({report.duration_s:.2f} s, {report.num_shots} shots)",
        highlight=False,
        soft_wrap=True,
    )
    raise typer.Exit(EXIT_OK if report.status == "ok" else EXIT_DEGRADED)


def parse_use_map(use: list[str] | None) -> dict[str, str]:
    from .config import parse_use

    return parse_use(use or [])


timeline_app = typer.Typer(
    help="OpenTimelineIO timelines: convert to editors' formats.", no_args_is_help=True
)
app.add_typer(timeline_app, name="timeline")


@timeline_app.command("convert")
def timeline_convert(
    source: Annotated[Path, typer.Argument(help="A TTV timeline (.otio).")],
    dest: Annotated[Path, typer.Argument(help="Target: .otio, .xml (FCP 7) or .edl (CMX 3600).")],
) -> None:
    """Write a TTV timeline in another format through the OpenTimelineIO adapters.

    Exit status: 0 written, 2 bad input (unreadable timeline, unknown format)."""
    try:
        from .otio_export import check_format, convert

        check_format(dest)
        path = convert(source, dest)
    except Exception as err:
        _fail(err, EXIT_BAD_INPUT)
        return
    typer.echo(f"wrote {path}")


#: Codes that mean the input, not the pipeline, is wrong.
_BAD_INPUT_CODES = {"TTV-E001", "TTV-E002", "TTV-E003", "TTV-E004", "TTV-E005", "TTV-E043"}


@app.command()
def modules(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    wide: Annotated[bool, typer.Option("--wide", help="Add each package's summary.")] = False,
    load: Annotated[
        bool,
        typer.Option(
            "--load",
            help="Also import every implementation: its needs (GPU, weights, extra), its own "
            "summary, and whether its ModuleInfo agrees with the distribution's metadata.",
        ),
    ] = False,
) -> None:
    """List slots, installed implementations, versions and clusters.

    Read from the distributions' metadata (entry points, version, summary) without importing
    any implementation; --load imports each one and checks it."""
    try:
        from .registry import CLUSTER_NAMES, static_catalog

        rows: list[dict] = []
        for entry in static_catalog():
            row = entry.to_dict()
            row["cluster"] = f"{entry.cluster} {CLUSTER_NAMES[entry.cluster]}"
            rows.append(row)
        if load:
            from .registry import Registry

            reg = Registry()
            for row in rows:
                try:
                    info = reg.get(row["slot"], row["name"]).info
                except Exception as exc:
                    row.update(needs="-", info_summary=f"cannot load: {exc}", agrees=False)
                    continue
                agrees = info.version == row["version"] and info.package == row["package"]
                row.update(
                    needs=",".join(k for k, v in info.needs.model_dump().items() if v) or "-",
                    info_summary=info.summary,
                    agrees=agrees,
                )
                if not agrees:
                    row["info_summary"] = (
                        f"ModuleInfo says {info.package} {info.version}, the distribution "
                        f"{row['package']} {row['version']}: release the module again. "
                        + info.summary
                    )
    except Exception as err:
        _fail(err)
        return
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    columns = ["slot", "cluster", "name", "version", "package"]
    if load:
        columns.append("needs")
    if wide:
        columns.append("info_summary" if load else "summary")
    # a plain aligned table: rich would cost more start-up time than the listing itself
    cells = [[str(row[c]) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    header = [c.replace("info_summary", "summary") for c in columns]
    typer.echo("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip())
    typer.echo("  ".join("-" * w for w in widths))
    for row, cell in zip(rows, cells, strict=True):
        mark = "  !" if load and not row.get("agrees", True) else ""
        typer.echo("  ".join(v.ljust(w) for v, w in zip(cell, widths, strict=True)).rstrip() + mark)


@app.command()
def schema(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write one file per model here.")
    ] = None,
    otio: Annotated[
        bool, typer.Option("--otio", help="The OpenTimelineIO metadata schema (version 1).")
    ] = False,
    options: Annotated[
        bool,
        typer.Option(
            "--options",
            help="Every installed implementation's options: name, type, default, constraints, "
            "description and JSON Schema, by slot.",
        ),
    ] = False,
) -> None:
    """Print (or export) the JSON Schemas of the v1 contract models (each ``$id`` is its URL on
    the docs site); --otio: the schema of the ``ttv`` metadata in exported timelines;
    --options: the options each installed implementation takes (what ``--use
    SLOT=IMPL:KEY=VALUE,...`` and ``[slots.<slot>.options]`` accept)."""
    from ttv_contracts.v1.schema import export_schemas, schemas

    if options:
        from .options_catalog import options_catalog

        catalog = options_catalog()
        if out is None:
            typer.echo(json.dumps(catalog, indent=2, default=str))
            return
        for slot, entries in catalog.items():
            for name, entry in entries.items():
                target = out / "options" / slot / f"{name}.json"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(
                    json.dumps(entry, indent=2, sort_keys=True, default=str) + "\n",
                    encoding="utf-8",
                )
                typer.echo(str(target))
        return
    if otio:
        from .otio_export import metadata_schema

        text = json.dumps(metadata_schema(), indent=2, sort_keys=True) + "\n"
        if out is None:
            typer.echo(text, nl=False)
            return
        target = out / "otio" / "v1.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        typer.echo(str(target))
        return
    if out is None:
        typer.echo(json.dumps(schemas(), indent=2, sort_keys=True))
        return
    for path in export_schemas(out):
        typer.echo(str(path))


@app.command()
def doctor(config: ConfigOpt = None, use: UseOpt = None) -> None:
    """Check the environment and that every slot's implementations load."""
    from .doctor import run_doctor

    try:
        cfg = _config(config, use)
    except Exception as err:
        _fail(err)
        return
    ok = run_doctor(cfg)
    raise typer.Exit(0 if ok else 1)


@app.command()
def verify(
    video: Annotated[Path, typer.Argument(help="MP4 written by ttv generate.")],
    config: ConfigOpt = None,
    use: UseOpt = None,
    frames: Annotated[int, typer.Option(help="Frames to read for watermark detection.")] = 48,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Check the signature, the manifest and the invisible watermark of VIDEO."""
    try:
        from .verify import verify_video

        cfg = _config(config, use)
        report = verify_video(video, cfg, max_frames=frames)
    except Exception as err:
        _fail(err)
        return
    if as_json:
        typer.echo(report.model_dump_json(indent=2))
    else:
        from rich.console import Console

        console = Console()
        mark = report.watermark
        console.print(f"signature valid: {report.signature_valid}")
        console.print(f"file digest matches: {report.file_digest_match}")
        console.print(f"manifest match: {report.manifest_match}")
        if mark is not None:
            console.print(
                f"watermark payload: {mark.payload_hex} (confidence {mark.confidence:.2f}, "
                f"{mark.frames_examined} frames, {mark.method})"
            )
            console.print(f"watermark matches manifest: {report.watermark_matches_manifest}")
        for reason in report.reasons:
            console.print(f"- {reason}")
        console.print("[bold green]VERIFIED[/]" if report.ok else "[bold red]NOT VERIFIED[/]")
    raise typer.Exit(0 if report.ok else 1)


@app.command()
def batch(
    lessons_dir: Annotated[Path, typer.Argument(help="Folder of lesson files.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Batch output folder.")],
    executor: Annotated[str, typer.Option(help="local (process pool) or ray.")] = "local",
    address: Annotated[str | None, typer.Option(help="Ray cluster address.")] = None,
    workers: Annotated[int | None, typer.Option(help="Lessons at once.", min=1)] = None,
    retries: Annotated[int, typer.Option(help="Retries for a lost worker.", min=0)] = 1,
    config: ConfigOpt = None,
    use: UseOpt = None,
    strict: StrictOpt = False,
    namespace: NamespaceOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
    otio: Annotated[
        Path | None,
        typer.Option(
            help="Also write each lesson's timeline to this folder as <lesson>.otio "
            "(videos/<lesson>.otio is always written)."
        ),
    ] = None,
) -> None:
    """Render every lesson of LESSONS_DIR (skipping finished ones); see integration/BATCH.md.

    Exit status: 0 all ok, 3 some degraded, 1 some failed, 2 bad input."""
    try:
        from .batch import RichBatchDisplay, discover_lessons, run_batch, summary_lines
        from .chain import check_slot_options

        cfg = _config(config, use, strict=strict or None, namespace=namespace)
        check_slot_options(cfg)
        total = len(discover_lessons(lessons_dir))
        display = None if quiet else RichBatchDisplay(total)
        report = run_batch(
            lessons_dir,
            output,
            cfg,
            executor=executor,
            workers=workers,
            address=address,
            max_retries=retries,
            display=display,
        )
    except Exception as err:
        _fail(err)
        return
    from rich.console import Console

    for line in summary_lines(report):
        Console().print(line, highlight=False, soft_wrap=True)
    if otio is not None:
        from .otio_export import copy_timelines

        copy_timelines(output / "videos", otio)
    counts = report["counts"]
    raise typer.Exit(
        EXIT_FAILED
        if counts.get("failed")
        else EXIT_DEGRADED
        if counts.get("degraded")
        else EXIT_OK
    )


runs_app = typer.Typer(help="Run directories: list them, clean their caches.", no_args_is_help=True)
app.add_typer(runs_app, name="runs")


@runs_app.command("list")
def runs_list(
    runs_root: Annotated[Path, typer.Option(help="Where run directories are.")] = Path("runs"),
) -> None:
    """Each run: status, cache size, total size, last use, whether it is running now."""
    import datetime as _dt

    from .runs import scan

    for run in scan(runs_root):
        when = _dt.datetime.fromtimestamp(run.last_used).strftime("%Y-%m-%d %H:%M")
        typer.echo(
            f"{run.path.name}  {run.status:<8} cache {run.cache_bytes / 2**20:8.1f} MiB  "
            f"total {run.total_bytes / 2**20:8.1f} MiB  {when}{'  IN USE' if run.in_use else ''}"
        )


@runs_app.command("clean")
def runs_clean(
    runs_root: Annotated[Path, typer.Option(help="Where run directories are.")] = Path("runs"),
    max_size: Annotated[
        str, typer.Option(help="Keep the caches under this total, e.g. 2GB, 500M, 0.")
    ] = "2GB",
    older_than_days: Annotated[
        float | None, typer.Option(help="Also drop caches unused for this many days.")
    ] = None,
    dry_run: Annotated[bool, typer.Option(help="Only say what would be removed.")] = False,
) -> None:
    """Remove the caches of least recently used finished runs (videos and reports stay).
    Runs in progress are never touched."""
    from .runs import evict, parse_size

    try:
        budget = parse_size(max_size)
    except ValueError:
        from ttv_contracts.errors import E_CONFIG_INVALID, TTVError

        _fail(
            TTVError(
                E_CONFIG_INVALID, f"--max-size {max_size!r} is not a size", module="ttv-integration"
            )
        )
        return
    older = older_than_days * 86400 if older_than_days is not None else None
    removed = evict(runs_root, budget, older_than_s=older, dry_run=dry_run)
    verb = "would remove" if dry_run else "removed"
    for run in removed:
        typer.echo(f"{verb} cache of {run.path.name} ({run.cache_bytes / 2**20:.1f} MiB)")
    freed = sum(r.cache_bytes for r in removed) / 2**20
    typer.echo(f"{verb} {len(removed)} cache(s), {freed:.1f} MiB")


#: Shells ``ttv completion`` writes a script for; the scripts speak typer's completion protocol
#: through this variable (``_TTV_COMPLETE=complete_bash COMP_WORDS=... COMP_CWORD=... ttv``).
SHELLS = ("bash", "zsh", "fish", "powershell")
COMPLETE_VAR = "_TTV_COMPLETE"


@app.command()
def completion(
    shell: Annotated[
        str,
        typer.Argument(
            metavar="SHELL",
            help="bash, zsh, fish or powershell.",
            autocompletion=lambda: list(SHELLS),
        ),
    ],
    install: Annotated[
        bool,
        typer.Option(
            "--install", help="Add the script to the shell's start-up files instead of printing it."
        ),
    ] = False,
) -> None:
    """Print the shell completion script for SHELL: commands, sub-commands and options.

    bash: `eval "$(ttv completion bash)"` in ~/.bashrc; zsh: `eval "$(ttv completion zsh)"` in
    ~/.zshrc; fish: `ttv completion fish > ~/.config/fish/completions/ttv.fish`."""
    if shell not in SHELLS:
        raise typer.BadParameter(f"{shell!r} is not one of {', '.join(SHELLS)}", param_hint="SHELL")
    from typer.completion import completion_init, get_completion_script
    from typer.completion import install as install_script

    completion_init()
    if install:
        done, path = install_script(shell=shell, prog_name="ttv", complete_var=COMPLETE_VAR)
        typer.echo(f"{done} completion installed in {path}; it takes effect in a new shell")
        return
    typer.echo(get_completion_script(prog_name="ttv", complete_var=COMPLETE_VAR, shell=shell))


def _completing() -> list[str] | None:
    """The words typed so far when a shell asks for completions (``COMPLETE_VAR`` set), without
    the program name; None on an ordinary run."""
    instruction = os.environ.get(COMPLETE_VAR, "")
    if not instruction:
        return None
    import shlex

    try:
        if instruction.endswith("_bash"):
            words = shlex.split(os.environ.get("COMP_WORDS", ""))
            return words[1 : int(os.environ.get("COMP_CWORD", "0")) + 1]
        return shlex.split(os.environ.get("_TYPER_COMPLETE_ARGS", ""))[1:]
    except ValueError:  # an unbalanced quote while typing
        return []


# ``ttv stores check|backup|restore|salvage`` (:mod:`.stores`) is mounted lazily by
# ``_LazyGroup`` when invoked, so listing the commands does not import it.


def _mount_plugins(argv: list[str] | None = None) -> None:
    """Mount ``ttv.commands`` entry points (typer apps) as sub-commands.

    Only the plugin being invoked is imported; the others are listed by name, so
    ``ttv --help`` stays fast whatever the plugins import.
    """
    from .registry import all_entry_points

    argv = sys.argv[1:] if argv is None else argv
    wanted = argv[0] if argv else None
    for ep in all_entry_points().select(group="ttv.commands"):
        if ep.name != wanted:
            dist = ep.dist.name if ep.dist is not None else "a plugin"

            def placeholder(ep_name: str = ep.name) -> None:
                raise typer.Exit(0)

            app.command(
                ep.name,
                help=f"From {dist}: run `ttv {ep.name} --help`.",
                context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
            )(placeholder)
            continue
        try:
            sub = ep.load()
        except Exception as exc:  # a broken plugin must not break the CLI
            print(
                f"warning: command plugin {ep.name} ({ep.value}) failed to load: {exc}",
                file=sys.stderr,
            )
            continue
        if isinstance(sub, typer.Typer):
            app.add_typer(sub, name=ep.name)
        elif callable(sub):
            app.command(ep.name)(sub)


def main() -> None:
    words = _completing()
    if words is None:
        _mount_plugins()
        app()
        return
    # A shell asks for completions. typer registers its completion classes only for its
    # --install-completion option pair (add_completion, off here): register them, and mount
    # the plugin command being completed for real so its sub-commands and options complete.
    from typer.completion import completion_init

    completion_init()
    _mount_plugins(words)
    app(complete_var=COMPLETE_VAR)


if __name__ == "__main__":
    main()
