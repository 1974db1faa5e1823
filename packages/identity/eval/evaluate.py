"""Evaluate ttv-identity's coreference on the labelled set ``coref_eval.jsonl``.

Runs the real implementation (``CorefIdentity``, no store) on every passage, builds the
StoryPlan the way the tests do (one shot per line), and scores mention links:

* a system mention matches a gold mention when both are in the same shot and end at the
  same character (English noun phrases end at their head, so "Ravi's granddaughter" in the
  gold matches the system's "'s granddaughter");
* gold links: every pair of gold mentions of one entity (groups are entities too);
* system links: every pair of system mentions of one entity (a link that touches a system
  mention with no gold match is wrong);
* precision = right links / system links, recall = right links / gold links, micro-averaged
  over the whole set (pairwise link metric).

    python packages/identity/eval/evaluate.py --json OUT.json

Exits 1 when a metric in FLOORS is below its floor.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

from ttv_contracts.v1 import Beat, Shot, StoryPlan
from ttv_identity import CorefIdentity

HERE = Path(__file__).resolve().parent
DATA = HERE / "coref_eval.jsonl"
# Just below the measured figure (0.9506 on coref_eval.jsonl; see README.md).
FLOORS = {"link_f1": 0.94}


def plan_of(shots: list[str]) -> StoryPlan:
    return StoryPlan(
        title="eval",
        kind="story",
        shots=tuple(
            Shot(index=i, narration=n, beat=Beat.SETUP, target_duration_s=2.0)
            for i, n in enumerate(shots)
        ),
    )


def links(entities: dict[object, str]) -> set[frozenset]:
    by_entity: dict[str, list] = defaultdict(list)
    for mention, entity in entities.items():
        by_entity[entity].append(mention)
    return {frozenset(p) for ms in by_entity.values() for p in combinations(ms, 2)}


def score_item(item: dict, resolver: CorefIdentity) -> dict:
    gold = {(m["shot"], m["end"]): m["entity"] for m in item["mentions"]}
    system = {(m.shot, m.end): m.entity for m in resolver.mentions(plan_of(item["shots"]))}
    gold_links = links(gold)
    sys_links = links(system)
    right = gold_links & sys_links
    return {
        "id": item["id"],
        "tags": item["tags"],
        "gold": len(gold_links),
        "system": len(sys_links),
        "right": len(right),
        "missed": sorted(tuple(sorted(p)) for p in gold_links - sys_links),
        "wrong": sorted(tuple(sorted(p)) for p in sys_links - gold_links),
    }


def prf(right: int, system: int, gold: int) -> tuple[float, float, float]:
    p = right / system if system else 1.0
    r = right / gold if gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def main() -> int:
    ap = argparse.ArgumentParser(description="ttv-identity coreference evaluation")
    ap.add_argument("--json", type=Path, help="write the result here")
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--show", action="store_true", help="print each passage's errors")
    args = ap.parse_args()

    items = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines()]
    resolver = CorefIdentity()
    rows = [score_item(it, resolver) for it in items]
    total = Counter()
    by_tag: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        for k in ("gold", "system", "right"):
            total[k] += row[k]
            for tag in row["tags"]:
                by_tag[tag][k] += row[k]
    p, r, f = prf(total["right"], total["system"], total["gold"])

    if args.show:
        for row, it in zip(rows, items, strict=True):
            if row["missed"] or row["wrong"]:
                print(f"--- {row['id']}: {' / '.join(it['shots'])}")
                text = {(m["shot"], m["end"]): m["text"] for m in it["mentions"]}
                for label in ("missed", "wrong"):
                    for a, b in row[label]:
                        print(f"  {label}: {text.get(a, a)!s} ~ {text.get(b, b)!s}")
    print(f"{'slice':<18} {'links':>6} {'P':>6} {'R':>6} {'F1':>6}")
    for name, c in [("all", total), *sorted(by_tag.items())]:
        tp, tr, tf = prf(c["right"], c["system"], c["gold"])
        print(f"{name:<18} {c['gold']:>6} {tp:>6.3f} {tr:>6.3f} {tf:>6.3f}")
    print(f"n = {len(items)} passages, {sum(len(it['mentions']) for it in items)} mentions")

    metrics = {"link_precision": round(p, 4), "link_recall": round(r, 4), "link_f1": round(f, 4)}
    below = {k: v for k, v in FLOORS.items() if metrics[k] < v}
    result = {
        "module": "identity",
        "n": len(items),
        "metrics": metrics,
        "floors": dict(FLOORS),
        "baselines": {},
        "notes": (
            "Pairwise mention-link precision/recall/F1 (micro) of CorefIdentity (no store) on "
            f"{len(items)} hand-labelled passages ({sum(total[k] for k in ['gold'])} gold links); "
            "mentions match on shot and end character; groups count as entities. The rules "
            "were improved while looking at this set's errors (a development set); "
            "coref_heldout.jsonl (--data) is the check on text the rules were not tuned on."
        ),
    }
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    for k, v in below.items():
        print(f"FAIL: {k} = {metrics[k]:.4f} is below its floor {v}", file=sys.stderr)
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
