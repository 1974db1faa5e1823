"""``ttv stores``: check, back up, restore and salvage every module's SQLite store.

The stores root is ``PipelineConfig.stores()`` (``--stores DIR`` overrides it). Module stores
live at ``<root>/<slot>/*.sqlite3`` or ``<root>/<namespace>/<slot>/*.sqlite3``; every
``*.sqlite3``, ``*.sqlite`` and ``*.db`` file under the root is a store, whatever module owns
it. Nothing here deletes a store: a replaced or damaged file is renamed aside
(``<name>.replaced-<UTC stamp>``, ``<name>.damaged-<UTC stamp>``).

Exit codes: 0 all well, 1 problems found (or an action refused), 2 bad input.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated

import typer
from ttv_contracts.errors import (
    E_STORE_BACKUP_FAILED,
    E_STORE_BUSY,
    E_STORE_DAMAGED,
    E_STORE_RESTORE_REFUSED,
    E_STORE_SALVAGE_FAILED,
    E_STORES_NOT_FOUND,
    ErrorCode,
    TTVError,
)
from ttv_contracts.store import (
    STORE_SUFFIXES,
    backup_store,
    check_store,
    keep_aside,
    restore_store,
    salvage_store,
    store_in_use,
)

MANIFEST = "manifest.json"


@dataclass
class Row:
    """One store's line in a command's report."""

    store: str  # path relative to the root (or the backup folder)
    status: str  # ok | damaged | backed-up | restored | salvaged | skipped | refused | failed
    detail: str = ""
    code: str = ""
    repair: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "backed-up", "restored", "salvaged", "skipped")


def _row(store: str, status: str, detail: str, code: ErrorCode | None = None) -> Row:
    return Row(store, status, detail, code.code if code else "", code.repair if code else "")


def find_stores(root: Path) -> list[Path]:
    """Every store file under ``root`` (any depth), sorted; WAL companions excluded."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in STORE_SUFFIXES)


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


# ---------------------------------------------------------------------- actions


def check_all(root: Path, *, full: bool = False) -> list[Row]:
    rows = []
    for path in find_stores(root):
        verdict = check_store(path, full=full)
        if verdict.ok:
            tables = ", ".join(f"{t} {n}" for t, n in verdict.tables.items()) or "no tables"
            rows.append(_row(_rel(path, root), "ok", f"integrity ok; rows: {tables}"))
        else:
            rows.append(
                _row(
                    _rel(path, root),
                    "damaged",
                    f"{verdict.verdict} (restore a backup or run `ttv stores salvage`)",
                    E_STORE_DAMAGED,
                )
            )
    return rows


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def default_backup_dir(root: Path) -> Path:
    """``<root's parent>/store-backups/<UTC stamp>``: beside the root, never inside it."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    base = root.resolve().parent / "store-backups"
    target, n = base / stamp, 1
    while target.exists():
        n += 1
        target = base / f"{stamp}-{n}"
    return target


def backup_all(root: Path, dest: Path) -> list[Row]:
    rows, files = [], []
    for path in find_stores(root):
        rel = _rel(path, root)
        try:
            verdict = backup_store(path, dest / rel)
        except Exception as exc:  # sqlite3 errors, OSError
            rows.append(_row(rel, "failed", f"{type(exc).__name__}: {exc}", E_STORE_BACKUP_FAILED))
            continue
        entry = {"path": rel, "sha256": _sha256(dest / rel), "ok": verdict.ok}
        entry["tables"] = verdict.tables
        files.append(entry)
        if verdict.ok:
            rows.append(_row(rel, "backed-up", f"-> {dest / rel}"))
        else:
            rows.append(
                _row(
                    rel,
                    "failed",
                    f"copied, but the copy is damaged ({verdict.verdict}): the source is damaged",
                    E_STORE_BACKUP_FAILED,
                )
            )
    if files:
        manifest = {
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "root": str(root.resolve()),
            "files": files,
        }
        (dest / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return rows


def _backup_files(backup: Path) -> list[str]:
    manifest = backup / MANIFEST
    if manifest.is_file():
        try:
            return [f["path"] for f in json.loads(manifest.read_text())["files"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise TTVError(
                E_STORES_NOT_FOUND, f"backup manifest {manifest} is unreadable: {exc}"
            ) from exc
    return [_rel(p, backup) for p in find_stores(backup)]


def restore_all(backup: Path, root: Path) -> list[Row]:
    """Restore every store of a backup folder; refuses all of them if any target is in use."""
    rels = _backup_files(backup)
    if not rels:
        raise TTVError(E_STORES_NOT_FOUND, f"{backup} holds no store backups")
    rows = []
    busy = {rel: store_in_use(root / rel) for rel in rels}
    if any(busy.values()):
        for rel in rels:
            reason = busy[rel]
            rows.append(
                _row(rel, "refused", reason, E_STORE_BUSY)
                if reason
                else _row(rel, "refused", "not restored: another store is in use")
            )
        return rows
    for rel in rels:
        src = backup / rel
        if rel.startswith("/") or ".." in Path(rel).parts or not src.is_file():
            rows.append(_row(rel, "failed", f"{src} missing", E_STORE_RESTORE_REFUSED))
            continue
        try:
            aside = restore_store(src, root / rel)
        except TTVError as err:
            rows.append(_row(rel, "refused", err.message, err.error))
            continue
        except Exception as exc:  # sqlite3 errors, OSError: the target could not be replaced
            detail = f"{type(exc).__name__}: {exc}"
            rows.append(_row(rel, "failed", detail, E_STORE_RESTORE_REFUSED))
            continue
        kept = f"; previous file kept as {aside.name}" if aside else ""
        rows.append(_row(rel, "restored", f"from {src}{kept}"))
    return rows


def salvage_all(root: Path, paths: list[Path] | None = None, *, force: bool = False) -> list[Row]:
    """Salvage damaged stores (all under ``root``, or ``paths``) in place; the damaged file is
    renamed aside, never deleted. Healthy stores are skipped unless ``force``."""
    rows = []
    for path in paths or find_stores(root):
        rel = _rel(path, root)
        verdict = check_store(path)
        if verdict.ok and not force:
            rows.append(_row(rel, "skipped", "healthy: nothing to salvage"))
            continue
        reason = store_in_use(path)
        if reason:
            rows.append(_row(rel, "refused", reason, E_STORE_BUSY))
            continue
        out = path.with_name(path.name + ".salvaging")
        for stale in (out, out.with_name(out.name + "-wal"), out.with_name(out.name + "-shm")):
            stale.unlink(missing_ok=True)
        try:
            report = salvage_store(path, out)
        except TTVError as err:
            out.unlink(missing_ok=True)
            rows.append(_row(rel, "failed", err.message, err.error))
            continue
        except Exception as exc:
            out.unlink(missing_ok=True)
            detail = f"{type(exc).__name__}: {exc}"
            rows.append(_row(rel, "failed", detail, E_STORE_SALVAGE_FAILED))
            continue
        aside = keep_aside(path, "damaged")
        os.replace(out, path)
        tables = ", ".join(f"{t} {n}" for t, n in report.tables.items()) or "no tables"
        notes = f"; {'; '.join(report.notes)}" if report.notes else ""
        rows.append(
            _row(
                rel,
                "salvaged",
                f"recovered rows: {tables}{notes}; damaged file kept as {aside.name}",
            )
        )
    return rows


# ---------------------------------------------------------------------- command line

app = typer.Typer(
    help="Check, back up, restore and salvage the modules' SQLite stores.",
    no_args_is_help=True,
)

StoresOpt = Annotated[
    Path | None,
    typer.Option("--stores", help="Stores root (default: the config's store_dir)."),
]
ConfigOpt = Annotated[
    str | None,
    typer.Option("--config", "-c", help="Pipeline config TOML or profile (for its store_dir)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


def _error(err: TTVError) -> None:
    typer.echo(f"error {err}", err=True)
    raise typer.Exit(2)


def _root(stores: Path | None, config: str | None) -> Path:
    if stores is not None:
        if not stores.is_dir():
            _error(TTVError(E_STORES_NOT_FOUND, f"stores root {stores} is not a folder"))
        return stores
    from .config import load_config

    try:
        return load_config(config).stores()
    except TTVError as err:
        _error(err)
    raise AssertionError  # unreachable


def _report(rows: list[Row], root: Path, as_json: bool, empty: str) -> None:
    if as_json:
        typer.echo(json.dumps({"root": str(root), "stores": [asdict(r) for r in rows]}, indent=2))
    elif not rows:
        typer.echo(empty)
    else:
        for r in rows:
            code = f" [{r.code}, see {r.repair}]" if r.code else ""
            typer.echo(f"{r.status:>9}  {r.store}: {r.detail}{code}")
    raise typer.Exit(0 if all(r.ok for r in rows) else 1)


@app.command("check")
def check_cmd(
    stores: StoresOpt = None,
    config: ConfigOpt = None,
    full: Annotated[bool, typer.Option(help="integrity_check instead of quick_check.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Integrity verdict for every store (exit 1 when one is damaged)."""
    root = _root(stores, config)
    _report(check_all(root, full=full), root, as_json, f"no stores under {root}")


@app.command("backup")
def backup_cmd(
    stores: StoresOpt = None,
    config: ConfigOpt = None,
    to: Annotated[
        Path | None,
        typer.Option("--to", help="Backup folder (default: <root>/../store-backups/<stamp>)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Copy every store with SQLite's online backup API (safe while runs write)."""
    root = _root(stores, config)
    dest = to or default_backup_dir(root)
    if dest.exists() and any(dest.iterdir()):
        _error(TTVError(E_STORE_BACKUP_FAILED, f"backup folder {dest} is not empty"))
    rows = backup_all(root, dest)
    if rows and not as_json:
        typer.echo(f"backup folder: {dest}")
    _report(rows, root, as_json, f"no stores under {root}: nothing to back up")


@app.command("restore")
def restore_cmd(
    backup: Annotated[Path, typer.Argument(help="A folder written by `ttv stores backup`.")],
    stores: StoresOpt = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Put a backup's stores back in place (refused while any of them is in use)."""
    if not backup.is_dir():
        _error(TTVError(E_STORES_NOT_FOUND, f"backup folder {backup} does not exist"))
    root = stores if stores is not None else _root(None, config)
    try:
        rows = restore_all(backup, root)
    except TTVError as err:
        _error(err)
        return
    _report(rows, root, as_json, "nothing restored")


@app.command("salvage")
def salvage_cmd(
    files: Annotated[
        list[Path] | None, typer.Argument(help="Store files (default: every damaged store).")
    ] = None,
    stores: StoresOpt = None,
    config: ConfigOpt = None,
    force: Annotated[bool, typer.Option(help="Rebuild healthy stores too.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Recover damaged stores' readable rows; the damaged file is kept aside, never deleted."""
    root = _root(stores, config)
    for f in files or []:
        if not f.is_file():
            _error(TTVError(E_STORES_NOT_FOUND, f"{f} is not a store file"))
    rows = salvage_all(root, list(files) if files else None, force=force)
    _report(rows, root, as_json, f"no stores under {root}")
