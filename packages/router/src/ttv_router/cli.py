"""``ttv router stats``: what the router has learned (typer sub-app, ``ttv.commands``)."""

from __future__ import annotations

import os
from pathlib import Path

try:
    import typer
except ModuleNotFoundError as exc:  # a plain install: the command needs the `cli` extra
    from ttv_contracts.errors import E_EXTRA_MISSING, TTVError

    raise TTVError(
        E_EXTRA_MISSING,
        "`ttv router` needs the cli extra of ttv-router (typer, rich): pip install 'ttv-router[cli]'",
        module="ttv-router",
    ) from exc

app = typer.Typer(help="Inspect the router's learned history.", no_args_is_help=True)


def default_store() -> Path:
    """``$TTV_STORE_DIR/router`` if set, else ``.ttv/stores/router`` under the current dir."""
    base = os.environ.get("TTV_STORE_DIR")
    return Path(base) / "router" if base else Path(".ttv") / "stores" / "router"


@app.callback()
def _main() -> None:
    """Router commands."""


@app.command("stats")
def stats(
    store: Path = typer.Option(None, "--store", help="Router store directory."),
    slot: str = typer.Option(None, "--slot", help="Only this slot."),
) -> None:
    """Print a table of posteriors per slot, context bucket and candidate."""
    from rich.console import Console
    from rich.table import Table

    from .errors import TTVError
    from .store import DB_NAME, Store

    store = store or default_store()
    console = Console()
    if not (store / DB_NAME).is_file():
        console.print(f"no router history at {store} (nothing recorded yet)")
        raise typer.Exit(0)
    try:
        db = Store(store)
        arms = [a for a in db.all_arms() if slot is None or a.slot == slot]
        total = db.total_events()
        db.close()
    except TTVError as err:
        console.print(str(err), style="red", markup=False)
        raise typer.Exit(2) from None
    table = Table(title=f"router history: {store} ({total} outcomes)")
    for col, just in (
        ("slot", "left"),
        ("context", "left"),
        ("candidate", "left"),
        ("plays", "right"),
        ("success", "right"),
        ("reward mean", "right"),
        ("evidence", "right"),
        ("latency s", "right"),
    ):
        table.add_column(col, justify=just, overflow="fold")
    for a in sorted(arms, key=lambda a: (a.slot, a.bucket, -a.mean)):
        table.add_row(
            a.slot,
            a.bucket,
            a.candidate,
            str(a.plays),
            f"{a.successes / a.plays:.0%}" if a.plays else "-",
            f"{a.mean:.3f}",
            f"{a.evidence:.1f}",
            f"{a.latency_ewma:.2f}" if a.latency_ewma is not None else "-",
        )
    console.print(table)
