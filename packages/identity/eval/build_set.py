"""Build ``coref_eval.jsonl`` from ``passages/*.txt`` (and ``coref_heldout.jsonl`` from
``heldout/*.txt``).

Markup: one passage per block, a header line ``# ID | source | tag tag ...``, then one
line per shot. A mention is ``[surface|entity]``; mentions nest
(``[[his|r] granddaughter|m]``). Entity ids are local to the passage; ids starting with
``g`` name groups (several people), which are entities like any other for the metric.

    python packages/identity/eval/build_set.py          # rewrite the JSONL
    python packages/identity/eval/build_set.py --check  # fail if the JSONL is stale
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SETS = {"passages": HERE / "coref_eval.jsonl", "heldout": HERE / "coref_heldout.jsonl"}


def parse_shot(line: str, shot: int) -> tuple[str, list[dict]]:
    text: list[str] = []
    stack: list[int] = []
    mentions: list[dict] = []
    i = 0
    while i < len(line):
        ch = line[i]
        if ch == "[":
            stack.append(len("".join(text)))
        elif ch == "|":
            close = line.index("]", i)
            entity = line[i + 1 : close].strip()
            start = stack.pop()
            surface = "".join(text)[start:]
            mentions.append(
                {"shot": shot, "start": start, "end": start + len(surface), "text": surface,
                 "entity": entity}
            )  # fmt: skip
            i = close
        elif ch == "]":
            raise ValueError(f"unbalanced ']' in {line!r}")
        else:
            text.append(ch)
        i += 1
    if stack:
        raise ValueError(f"unclosed '[' in {line!r}")
    return "".join(text), mentions


def parse_file(path: Path) -> list[dict]:
    items: list[dict] = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        lines = [ln.strip() for ln in block.strip().splitlines() if ln.strip()]
        header, body = lines[0], lines[1:]
        if not header.startswith("#") or not body:
            raise ValueError(f"{path.name}: bad block starting {header!r}")
        pid, source, tags = (part.strip() for part in header[1:].split("|"))
        shots, mentions = [], []
        for k, line in enumerate(body):
            text, ms = parse_shot(line, k)
            shots.append(text)
            mentions.extend(ms)
        mentions.sort(key=lambda m: (m["shot"], m["start"], m["end"]))
        ends = [(m["shot"], m["end"]) for m in mentions]
        if len(ends) != len(set(ends)):
            raise ValueError(f"{pid}: two mentions end at the same place")
        items.append(
            {"id": pid, "source": source, "tags": tags.split(), "shots": shots,
             "mentions": mentions}
        )  # fmt: skip
    return items


def build(folder: str) -> str:
    items = [it for p in sorted((HERE / folder).glob("*.txt")) for it in parse_file(p)]
    ids = [it["id"] for it in items]
    if len(ids) != len(set(ids)):
        raise ValueError("duplicate passage ids")
    return "".join(json.dumps(it, ensure_ascii=False) + "\n" for it in items)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    stale = 0
    for folder, out in SETS.items():
        text = build(folder)
        if args.check:
            if not out.exists() or out.read_text(encoding="utf-8") != text:
                print(f"{out.name} is stale: run build_set.py", file=sys.stderr)
                stale = 1
            continue
        out.write_text(text, encoding="utf-8")
        print(f"wrote {out} ({text.count(chr(10))} passages)")
    return stale


if __name__ == "__main__":
    sys.exit(main())
