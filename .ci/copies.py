"""Copy detector: no run of MIN_LINES or more lines is shared by two packages.

Module packages may not import each other, which invites copying; a copy drifts (issue 15:
the extender's copy of the interpolator's flow missed two rounds of fixes). Shared code
belongs in ``ttv_contracts`` or a library under ``libs/``; shared test helpers in
``ttv_contracts.testing`` (the tiny offline diffusers builders, ``testing.tiny_sd``; the text
fuzz strategies, ``testing.fuzz``), which every package's tests can import from its installed
wheel. Lines are compared stripped, with blank lines and ``#`` comment lines left out; a copy
is reported once per pair of files.

    python .ci/copies.py [--min-lines 20] [--sources-only]

Sources and tests are both compared (``nox -s lint``). Exit 1 (and a list) when a copy is
found. ``ALLOWED`` holds the exceptions, each with its reason.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIN_LINES = 20
SOURCES = ["contracts/src", "integration/src", "packages/*/src", "libs/*/src"]
TESTS = ["contracts/tests", "integration/tests", "packages/*/tests", "libs/*/tests"]

#: (file, file) pairs whose shared lines are accepted, with the reason. Keep it short.
ALLOWED: dict[frozenset[str], str] = {}


def _package(path: Path) -> str:
    rel = path.relative_to(ROOT).parts
    return "/".join(rel[:2]) if rel[0] in ("packages", "libs") else rel[0]


def _lines(path: Path) -> list[tuple[int, str]]:
    out = []
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if line and not line.startswith("#"):
            out.append((n, line))
    return out


def find_copies(patterns: list[str], min_lines: int = MIN_LINES) -> list[str]:
    files = sorted(
        p
        for pattern in patterns
        for d in ROOT.glob(pattern)
        for p in d.rglob("*.py")
        if "__pycache__" not in p.parts
    )
    windows: dict[bytes, list[tuple[Path, int]]] = defaultdict(list)
    content: dict[Path, list[tuple[int, str]]] = {}
    for path in files:
        lines = content[path] = _lines(path)
        for i in range(len(lines) - min_lines + 1):
            text = "\n".join(line for _, line in lines[i : i + min_lines])
            windows[hashlib.blake2b(text.encode(), digest_size=16).digest()].append((path, i))
    # pairs of files in different packages -> the window starts they share
    shared: dict[tuple[Path, Path], list[tuple[int, int]]] = defaultdict(list)
    for places in windows.values():
        for a_path, a_i in places:
            for b_path, b_i in places:
                if _package(a_path) < _package(b_path):
                    shared[(a_path, b_path)].append((a_i, b_i))
    report = []
    for (a, b), starts in sorted(shared.items()):
        ra, rb = (str(p.relative_to(ROOT)) for p in (a, b))
        if frozenset((ra, rb)) in ALLOWED:
            continue
        a_i, b_i = min(starts)
        # the copied run grows from the first shared window while lines keep matching
        la, lb = content[a], content[b]
        n = min_lines
        while a_i + n < len(la) and b_i + n < len(lb) and la[a_i + n][1] == lb[b_i + n][1]:
            n += 1
        report.append(
            f"{ra}:{la[a_i][0]} and {rb}:{lb[b_i][0]}: {n}+ shared lines "
            f"({len(starts)} window(s) of {min_lines})"
        )
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--min-lines", type=int, default=MIN_LINES)
    ap.add_argument("--sources-only", action="store_true", help="leave the packages' tests out")
    args = ap.parse_args(argv)
    report = find_copies(SOURCES + ([] if args.sources_only else TESTS), args.min_lines)
    for line in report:
        print(line)
    if report:
        print(
            f"\n{len(report)} copied block(s) across packages: move the code to ttv_contracts "
            "or a library under libs/ (or add it to ALLOWED in .ci/copies.py with a reason)."
        )
        return 1
    print(f"no copy of {args.min_lines} or more lines across packages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
