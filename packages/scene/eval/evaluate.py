"""Scene attribute accuracy of ttv-scene's ``graph`` builder on the labelled set ``shots.txt``.

Scores ``shots.txt`` (development) and ``heldout.txt`` (held out) together, and each alone.
Run where ttv-scene and ttv-contracts are installed:

    python packages/scene/eval/evaluate.py --json OUT.json [--errors]

Each lesson in shots.txt becomes one StoryPlan (shots in order, an empty Cast; a line that
starts with "[a setting]" gives its shot that explicit scene setting, others have none), so carried values (a time named two shots ago) are scored as the pipeline sees
them. Metrics (see README.md here):

* time_of_day, weather, indoor_outdoor, place: per-shot exact match, averaged over shots.
  ``place`` compares the head noun of the shot's location with the gold one; gold "-" means
  "no place named yet": the builder may show the lesson-title location or, as documented,
  the first place the lesson names (both count as right).
* objects: per-shot set F1 of the singular head nouns (1.0 when both sets are empty),
  averaged over shots; ``objects_exact`` is the share of shots with identical sets.
* attribute_accuracy: mean of the five per-attribute scores (objects by set F1).

Exits 1 when a metric is below its floor.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "shots.txt"  # development set: the word lists were extended looking at its misses
HELDOUT = HERE / "heldout.txt"  # written after tuning, never tuned against
TITLE = "Untitled lesson"
ATTRS = ("time_of_day", "weather", "indoor_outdoor", "place", "objects")
# measured minus about 0.01 (README.md: "Floors"); raise them when the builder improves
FLOORS = {
    "attribute_accuracy": 0.96,
    "time_of_day": 0.99,
    "weather": 0.977,
    "indoor_outdoor": 0.937,
    "place": 0.941,
    "objects": 0.958,
    "heldout_attribute_accuracy": 0.935,
}


@dataclass
class GoldShot:
    lesson: str
    source: str
    text: str
    time_of_day: str
    weather: str
    indoor_outdoor: str
    place: str
    objects: frozenset[str]
    setting: str | None = None  # "[a setting] narration": the shot's explicit scene setting


def load(path: Path = DATA) -> list[list[GoldShot]]:
    lessons: list[list[GoldShot]] = []
    title = source = ""
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or (line.startswith("#") and not line.startswith("## ")):
            continue
        if line.startswith("## "):
            title, _, source = (p.strip() for p in line[3:].partition("|"))
            lessons.append([])
            continue
        parts = [p.strip() for p in line.split(" | ")]
        if len(parts) != 6 or not lessons:
            raise SystemExit(f"{path}:{n}: expected 6 fields under a '## ' lesson line")
        text, tod, weather, io, place, objects = parts
        objs = frozenset() if objects == "-" else frozenset(o.strip() for o in objects.split(","))
        setting = None
        if text.startswith("["):
            setting, _, text = (p.strip() for p in text[1:].partition("]"))
        lessons[-1].append(GoldShot(title, source, text, tod, weather, io, place, objs, setting))
    return lessons


def f1(pred: set[str], gold: frozenset[str]) -> float:
    if not pred and not gold:
        return 1.0
    hit = len(pred & gold)
    if hit == 0:
        return 0.0
    p, r = hit / len(pred), hit / len(gold)
    return 2 * p * r / (p + r)


def predict(lessons: list[list[GoldShot]]) -> list[list[dict]]:
    from ttv_contracts.v1 import Beat, Cast, Shot, StoryPlan, slugify
    from ttv_scene import GraphScene

    builder = GraphScene()
    out: list[list[dict]] = []
    for lesson in lessons:
        plan = StoryPlan(
            title=TITLE,
            shots=tuple(
                Shot(
                    index=i,
                    narration=g.text,
                    setting=g.setting,
                    beat=Beat.SETUP,
                    target_duration_s=2.0,
                )
                for i, g in enumerate(lesson)
            ),
        )
        book = builder.build(plan, Cast())
        names = {loc.id: loc for loc in book.locations}
        rows = []
        for ctx in book.shots:
            loc = names[ctx.location_id]
            if ctx.location_id == slugify(TITLE):
                place = "-"
            else:
                place = builder.graph.nodes[f"location:{loc.id}"]["name"].split()[-1]
            rows.append(
                {
                    "time_of_day": ctx.time_of_day,
                    "weather": ctx.weather,
                    "indoor_outdoor": ctx.indoor_outdoor,
                    "place": place,
                    "objects": set(ctx.objects),
                }
            )
        out.append(rows)
    return out


def score(lessons: list[list[GoldShot]], preds: list[list[dict]], show_errors: bool) -> dict:
    totals = {a: 0.0 for a in ATTRS}
    exact_objects = 0
    n = 0
    for lesson, rows in zip(lessons, preds, strict=True):
        # shots before the lesson names a place may show the first place it names
        first = next((g.place for g in lesson if g.place != "-"), "-")
        for gold, pred in zip(lesson, rows, strict=True):
            n += 1
            wrong = []
            for attr in ATTRS[:4]:
                ok = pred[attr] == getattr(gold, attr)
                if attr == "place" and gold.place == "-":
                    ok = pred["place"] in {"-", first}
                totals[attr] += ok
                if not ok:
                    wrong.append(f"{attr}: {pred[attr]!r} != gold {getattr(gold, attr)!r}")
            s = f1(pred["objects"], gold.objects)
            totals["objects"] += s
            exact_objects += pred["objects"] == set(gold.objects)
            if s < 1.0:
                wrong.append(f"objects: {sorted(pred['objects'])} != gold {sorted(gold.objects)}")
            if show_errors and wrong:
                print(f"- [{gold.lesson}] {gold.text}", file=sys.stderr)
                for w in wrong:
                    print(f"    {w}", file=sys.stderr)
    metrics = {a: round(totals[a] / n, 4) for a in ATTRS}
    metrics["attribute_accuracy"] = round(sum(totals.values()) / (n * len(ATTRS)), 4)
    metrics["objects_exact"] = round(exact_objects / n, 4)
    return {"n": n, "metrics": metrics}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--json", type=Path, help="write the result JSON here")
    ap.add_argument("--errors", action="store_true", help="list every miss on stderr")
    args = ap.parse_args(argv)
    dev, held = load(DATA), load(HELDOUT)
    lessons = dev + held
    preds = predict(lessons)
    result = score(lessons, preds, args.errors)
    metrics = result["metrics"]
    dev_result = score(dev, preds[: len(dev)], False)
    held_result = score(held, preds[len(dev) :], False)
    metrics["dev_attribute_accuracy"] = dev_result["metrics"]["attribute_accuracy"]
    metrics["heldout_attribute_accuracy"] = held_result["metrics"]["attribute_accuracy"]
    report = {
        "module": "scene",
        "n": result["n"],
        "metrics": metrics,
        "floors": dict(FLOORS),
        "baselines": {},
        "notes": (
            f"{result['n']} shots in {len(lessons)} lessons: shots.txt ({dev_result['n']}, "
            f"development: the word lists were extended looking at its misses) + heldout.txt "
            f"({held_result['n']}, written after tuning, never tuned against). Lesson text "
            "written for TTV and retellings of public-domain children's stories. Exact match "
            "per shot for time_of_day, weather, indoor_outdoor, place; set F1 for objects; "
            "attribute_accuracy is the mean of the five (see README.md). ttv-scene 0.1.0 "
            "scored 0.514 on the first 236 of these shots."
        ),
    }
    print(f"{'metric':<20} {'value':>7} {'floor':>7}")
    failed = []
    for name, value in metrics.items():
        floor = FLOORS.get(name)
        mark = ""
        if floor is not None and value < floor:
            failed.append(name)
            mark = "  BELOW FLOOR"
        shown = f"{floor:.3f}" if floor is not None else "-"
        print(f"{name:<20} {value:>7.3f} {shown:>7}{mark}")
    print(f"n = {result['n']} shots")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
