"""Every installed implementation's options (contracts 1.3 ``Options`` models): what
``ttv schema --options`` prints and the site's "Implementation options" page shows.

Importing this module is cheap; :func:`options_catalog` imports the implementations.
"""

from __future__ import annotations

from typing import Any

from .registry import Registry


def options_catalog(registry: Registry | None = None) -> dict[str, dict[str, dict[str, Any]]]:
    """``{slot: {name: entry}}`` in slot order, names sorted. Each entry: ``package``,
    ``declared`` (false for a class written before contracts 1.3: it accepts any option),
    ``options`` (rows of name, type, default, required, constraints, description) and
    ``schema`` (the options model's JSON schema). An implementation that cannot be imported
    has ``error`` instead."""
    from ttv_contracts.errors import TTVError
    from ttv_contracts.v1 import declares_options, describe_options, options_schema

    reg = registry or Registry()
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for slot in reg.slots():
        entries: dict[str, dict[str, Any]] = {}
        for name in reg.names(slot):
            entry = reg.get(slot, name)
            try:
                cls = entry.load()
            except TTVError as err:
                entries[name] = {"package": entry.distribution, "error": err.message}
                continue
            entries[name] = {
                "package": cls.info.package or entry.distribution,
                "declared": declares_options(cls),
                "options": describe_options(cls),
                "schema": options_schema(cls),
            }
        out[slot] = entries
    return out


def _cell(text: str) -> str:
    """Table-cell text: no pipes, no raw HTML (``<file>``), one line."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("|", "\\|")
        .replace("\n", " ")
    )


def _code(text: str) -> str:
    """A code span inside a table cell (a pipe would split the cell, so unions read "or")."""
    return f"`{text.replace(' | ', ' or ').replace('|', '/')}`" if text else ""


def options_page(catalog: dict[str, dict[str, dict[str, Any]]]) -> str:
    """The site's "Implementation options" page (Markdown) from :func:`options_catalog`."""
    import json

    lines = [
        "# Implementation options",
        "",
        "Generated at build time from each installed implementation's options model (contracts",
        "1.3, `Options` on the class); `ttv schema --options` prints the same as JSON, with each",
        "model's JSON Schema. Set options in a config file as `[slots.<slot>.options]`, or on the",
        "command line as `--use SLOT=IMPLEMENTATION:KEY=VALUE,KEY=VALUE` (values are JSON when",
        "they parse, otherwise text; `camera.speed=0.2` sets a nested option), for example",
        "`--use interpolator=flow:preset=medium,flow_scale=0.5`. Options are checked before a",
        "run starts: an unknown option, a wrong type or a value out of range exits 2 with",
        "TTV-E002 (the implementation's own code, when it has one, in brackets).",
        "",
        "Options are given to the implementation the slot uses; fallbacks run on their",
        "defaults. `store_dir` is set by the pipeline (one folder per namespace and slot).",
        "",
    ]
    for slot, entries in catalog.items():
        lines += [f"## {slot}", ""]
        for name, entry in entries.items():
            lines.append(f"### {slot} `{name}`")
            lines.append("")
            lines.append(f"Package `{entry.get('package', '?')}`.")
            lines.append("")
            if "error" in entry:
                lines += [f"Not importable at build time: {entry['error']}", ""]
                continue
            if not entry["declared"]:
                lines += ["Declares no options model: accepts any option, unchecked.", ""]
                continue
            if not entry["options"]:
                lines += ["Takes no options.", ""]
                continue
            lines += [
                "| option | type | default | range | description |",
                "| --- | --- | --- | --- | --- |",
            ]
            for row in entry["options"]:
                default = (
                    "required"
                    if row["required"]
                    else _code(json.dumps(row["default"], default=str))
                )
                lines.append(
                    f"| `{row['name']}` | {_code(row['type'])} | {default} | "
                    f"{_code(row['constraints'])} | {_cell(row['description'])} |"
                )
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
