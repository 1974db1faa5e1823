"""``ttv keys ...``: a typer sub-app mounted by the ``ttv`` CLI (entry point group
``ttv.commands``, name ``keys``)."""

from __future__ import annotations

from pathlib import Path

try:
    import typer
except ModuleNotFoundError as exc:  # a plain install: the command needs the `cli` extra
    from ttv_contracts.errors import E_EXTRA_MISSING, TTVError

    raise TTVError(
        E_EXTRA_MISSING,
        "`ttv keys` needs the cli extra of ttv-watermark (typer, rich): pip install 'ttv-watermark[cli]'",
        module="ttv-watermark",
    ) from exc

from .errors import TTVError
from .keys import init_keys, key_id, load_public_key

app = typer.Typer(help="Manage the Ed25519 key pair that signs TTV videos.", no_args_is_help=True)


@app.command("init")
def init(
    directory: Path = typer.Argument(
        Path(".ttv/keys"), help="Directory for the pair (created if missing)."
    ),
) -> None:
    """Create a signing key pair (private key 0600). Never overwrites an existing pair."""
    try:
        priv, pub = init_keys(directory)
    except TTVError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(2) from None
    typer.echo(f"private key: {priv} (mode 600; keep it secret, never commit it)")
    typer.echo(f"public key:  {pub} (key id {key_id(load_public_key(pub))})")
    typer.echo(f'configure:   [watermark.options] key_path = "{directory}"')


@app.command("show")
def show(directory: Path = typer.Argument(Path(".ttv/keys"))) -> None:
    """Print the public key id of a pair (never the private key)."""
    try:
        typer.echo(key_id(load_public_key(directory)))
    except TTVError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(2) from None
