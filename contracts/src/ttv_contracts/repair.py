"""Show the REPAIR.md section of an error code, from the docs the installed wheel carries.

    python -m ttv_contracts.repair TTV-E240     # works wherever ttv-contracts is installed
    ttv repair TTV-E240                         # the same through the `ttv` CLI

Every ``TTVError`` names a code and the package whose REPAIR.md explains it; each wheel ships
its REPAIR.md under ``<import name>/docs/``, so the pointer resolves for an installed user
and not only in a checkout.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from .errors import ErrorCode, catalog
from .meta import doc_path

_ANCHOR = re.compile(r'<a\s+id="(ttv-e\d{3})"\s*>\s*</a>', re.IGNORECASE)
_ANY_ANCHOR = re.compile(r'<a\s+id="[^"]+"\s*>\s*</a>', re.IGNORECASE)


def load_codes() -> dict[str, ErrorCode]:
    """The catalog after importing every installed package's errors module (entry points
    ``ttv.*`` name the packages; their ``<import>.errors`` registers the codes)."""
    from importlib import import_module
    from importlib.metadata import distributions

    for dist in distributions():
        name = (dist.metadata["Name"] or "").lower()
        if not name.startswith("ttv-"):
            continue
        try:
            import_module(name.replace("-", "_") + ".errors")
        except Exception:  # a package without an errors module, or a broken one: skip it
            continue
    return catalog()


def repair_path(code: str) -> Path | None:
    """The installed REPAIR.md that documents ``code`` (e.g. ``"TTV-E240"``), or None."""
    entry = catalog().get(code.upper()) or load_codes().get(code.upper())
    if entry is None:
        return None
    return doc_path(entry.package, "REPAIR.md")


def anchors(text: str) -> set[str]:
    """Every ``<a id="ttv-ennn"></a>`` anchor of a REPAIR.md text."""
    return {m.group(1).lower() for m in _ANCHOR.finditer(text)}


def section(code: str) -> str | None:
    """The REPAIR.md section for ``code``: from its anchor to the next anchor or H1/H2 that
    starts another code. None when the code or its section cannot be found."""
    path = repair_path(code)
    if path is None:
        return None
    lines = path.read_text(encoding="utf-8").splitlines()
    want = code.lower()
    start = next(
        (
            i
            for i, line in enumerate(lines)
            if (m := _ANCHOR.search(line)) and m.group(1).lower() == want
        ),
        None,
    )
    if start is None:
        return None
    out = [lines[start]]
    for line in lines[start + 1 :]:
        if (
            _ANY_ANCHOR.search(line)
            or line.startswith("# ")
            or line.startswith("<!-- BEGIN GENERATED")
        ):
            break
        out.append(line)
    return "\n".join(out).strip() + "\n"


def unresolved() -> list[str]:
    """Codes of installed packages whose pointer does not reach a section of an installed
    REPAIR.md (empty when every pointer resolves)."""
    from importlib.util import find_spec

    bad = []
    for code, entry in load_codes().items():
        try:
            installed = find_spec(entry.package.replace("-", "_")) is not None
        except (ImportError, ValueError):
            installed = False
        if not installed:
            continue  # documented by a package that is not installed here
        path = repair_path(code)
        if path is None:
            bad.append(f"{code}: {entry.package} carries no REPAIR.md")
        elif entry.anchor not in anchors(path.read_text(encoding="utf-8")):
            bad.append(f'{code}: no <a id="{entry.anchor}"></a> in {path}')
    return bad


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["--check"]:
        bad = unresolved()
        for line in bad:
            print(line, file=sys.stderr)
        print(f"{len(load_codes())} codes; {len(bad)} pointer(s) unresolved")
        return 1 if bad else 0
    if not args:
        print("usage: python -m ttv_contracts.repair TTV-Ennn [TTV-Ennn ...]", file=sys.stderr)
        return 2
    status = 0
    for code in args:
        code = code.upper() if code.upper().startswith("TTV-") else f"TTV-{code.upper()}"
        text = section(code)
        if text is None:
            entry = load_codes().get(code)
            where = f" ({entry.repair})" if entry else ""
            print(f"{code}: no installed REPAIR.md section found{where}", file=sys.stderr)
            status = 1
            continue
        print(f"{code} — {repair_path(code)}\n")
        print(text)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
