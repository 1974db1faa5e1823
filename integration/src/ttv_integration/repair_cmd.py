"""`ttv repair TTV-Ennn`: print the REPAIR.md section of an error code from the installed docs.

Mounted through the ``ttv.commands`` entry point (no edit of cli.py); the work is done by
:mod:`ttv_contracts.repair`, which also runs alone as ``python -m ttv_contracts.repair``.
"""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(
    help="Show how to repair an error code (its REPAIR.md section, from the installed docs).",
    invoke_without_command=True,
    add_completion=False,
)


@app.callback(invoke_without_command=True)
def repair(
    codes: Annotated[
        list[str] | None, typer.Argument(help="Codes such as TTV-E240 (or E240).")
    ] = None,
    check: Annotated[
        bool,
        typer.Option("--check", help="Verify every installed code reaches its REPAIR.md anchor."),
    ] = False,
) -> None:
    from ttv_contracts.repair import main

    if check:
        raise typer.Exit(main(["--check"]))
    if not codes:
        from ttv_contracts.repair import load_codes

        for code, entry in load_codes().items():
            typer.echo(f"{code}  {entry.package:<18} {entry.title}")
        return
    raise typer.Exit(main(list(codes)))
