"""``ttv doctor``: the environment-side failures, diagnosed before a run."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table
from ttv_contracts.v1 import SLOTS

from .config import PipelineConfig
from .registry import Registry


def _check_av() -> tuple[bool, str]:
    try:
        import av

        missing = [c for c in ("libx264", "aac", "mov_text") if c not in av.codecs_available]
        if missing:
            return False, f"PyAV {av.__version__} lacks encoders: {', '.join(missing)}"
        return True, f"PyAV {av.__version__} with libx264, aac, mov_text"
    except Exception as exc:
        return False, f"PyAV unavailable: {exc} (TTV-E041)"


def _check_sqlite(path: Path) -> tuple[bool, str]:
    import sqlite3

    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as conn:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        return (
            False,
            f"{path}: {exc} (TTV-E030: move it aside, see ttv-contracts/REPAIR.md#ttv-e030)",
        )
    if result != "ok":
        return False, f"{path}: {result} (TTV-E030)"
    return True, f"{path}: integrity ok"


_CODE = re.compile(r"TTV-E\d{3}")


def repair_links(detail: str, package: str | None = None) -> list[str]:
    """The REPAIR.md sections for a problem: the section of each catalogued code named in
    ``detail`` (a module's own code points into that module's REPAIR.md), else the REPAIR.md
    of ``package`` (the implementation that failed), else nothing."""
    from ttv_contracts.errors import catalog

    known = catalog()
    links = [known[c].repair for c in dict.fromkeys(_CODE.findall(detail)) if c in known]
    if not links and package:
        links = [f"{package}/REPAIR.md"]
    return links


def run_doctor(config: PipelineConfig) -> bool:
    """Print a table of checks; True when nothing blocks a run."""
    rows: list[tuple[str, bool, str]] = []
    packages: dict[str, str] = {}  # row name -> package of the implementation it checked
    rows.append(("python", sys.version_info >= (3, 11), sys.version.split()[0]))
    rows.append(("video encoder", *_check_av()))
    free = shutil.disk_usage(Path(".").resolve()).free / 2**30
    rows.append(("disk space", free > 1.0, f"{free:.1f} GiB free here (TTV-E042 below 1 GiB)"))
    stores = config.stores()
    try:
        stores.mkdir(parents=True, exist_ok=True)
        writable = os.access(stores, os.W_OK)
    except OSError:
        writable = False
    rows.append(("store dir", writable, f"{stores} {'writable' if writable else 'not writable'}"))
    for db in sorted(stores.rglob("*")) if stores.is_dir() else []:
        if db.suffix in {".sqlite", ".sqlite3", ".db"}:
            ok, detail = _check_sqlite(db)
            if not ok:
                detail += "; `ttv stores check` / `ttv stores restore` / `ttv stores salvage`"
            rows.append((f"store {db.parent.name}", ok, detail))
    try:
        registry = Registry()
    except Exception as exc:
        rows.append(("registry", False, str(exc)))
        registry = None
    if registry is not None:
        from .chain import SlotChain

        for slot in SLOTS:
            try:
                chain = SlotChain(slot, registry, config)
                with contextlib.suppress(Exception):  # the distribution, even if it won't load
                    packages[f"slot {slot}"] = registry.get(slot, chain.primary).distribution
                impl = chain.instance(chain.primary)
                detail = f"{chain.primary} {impl.info.version} (fallbacks: {', '.join(chain.fallbacks) or '-'})"
                check = getattr(impl, "doctor", None)
                ok = True
                if callable(check):  # optional self-check hook, e.g. store integrity, keys
                    problems = check() or []
                    if problems:
                        ok, detail = False, f"{detail}; " + "; ".join(problems)
                if chain.skipped:
                    detail += f"; skipped: {'; '.join(chain.skipped)}"
                rows.append((f"slot {slot}", ok, detail))
            except Exception as exc:
                rows.append((f"slot {slot}", False, str(exc)))
    key = os.environ.get("TTV_SIGNING_KEY") or config.slot("watermark").options.get("key_path")
    if key:
        rows.append(
            ("signing key", Path(key).exists(), f"{key} (a PEM file or a `ttv keys init` folder)")
        )
    else:
        rows.append(
            (
                "signing key",
                True,
                "none configured: videos are unsigned unless a key is "
                "set (ttv keys init; TTV-E050)",
            )
        )
    table = Table(title="ttv doctor")
    table.add_column("check")
    table.add_column("ok")
    table.add_column("detail")
    for name, ok, detail in rows:
        table.add_row(name, "[green]yes[/]" if ok else "[red]NO[/]", detail)
    console = Console()
    console.print(table)
    problems = [(name, detail) for name, ok, detail in rows if not ok]
    for name, detail in problems:
        links = repair_links(detail, packages.get(name))
        if links:
            console.print(f"{name}: see {', '.join(links)}", highlight=False, soft_wrap=True)
    return all(ok for _, ok, _ in rows)
