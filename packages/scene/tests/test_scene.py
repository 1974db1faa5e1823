"""Conformance kit plus hard cases for the graph scene builder."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import networkx as nx
import pytest
from ttv_contracts import stubs
from ttv_contracts.errors import TTVError
from ttv_contracts.testing import SceneConformance
from ttv_contracts.testing.processes import run_in_processes
from ttv_contracts.v1 import Beat, Cast, Character, Lesson, LessonScene, Shot, StoryPlan
from ttv_scene import GraphScene, LocationStore
from ttv_scene.builder import time_of_day


class TestGraphConformance(SceneConformance):
    implementation_class = GraphScene

    def make_implementation(self, tmp_path: Path) -> GraphScene:
        return GraphScene(store_dir=str(tmp_path / "store"))


class TestGraphInMemoryConformance(SceneConformance):
    implementation_class = GraphScene


def plan_of(*shots: str | tuple[str, str, int]) -> StoryPlan:
    out = []
    for i, s in enumerate(shots):
        narration, setting, scene = (s, None, 0) if isinstance(s, str) else s
        out.append(
            Shot(
                index=i,
                narration=narration,
                beat=Beat.SETUP,
                scene_index=scene,
                setting=setting,
                target_duration_s=2.0,
            )
        )
    return StoryPlan(title="The Potter", kind="story", shots=tuple(out))


POTTER = plan_of(
    "Ravi was an old potter.",
    "He lived by the river with his granddaughter Mira.",
    "One morning she found a cracked pot.",
    "Ravi carried the pot to the busy market.",
    "At dusk they walked back to the river.",
)
CAST = Cast(
    characters=(
        Character(id="ravi", name="Ravi", aliases=("the old potter",), shots=(0, 1, 3, 4)),
        Character(id="mira", name="Mira", aliases=("the granddaughter",), shots=(1, 2, 4)),
    )
)


@pytest.fixture
def builder() -> GraphScene:
    return GraphScene()


def test_places_times_and_continuity(builder):
    book = builder.build(POTTER, CAST)
    locs = [c.location_id for c in book.shots]
    assert locs == ["river", "river", "river", "busy-market", "river"]
    assert [c.time_of_day for c in book.shots] == ["unknown", "unknown", "day", "day", "dusk"]
    assert [c.continues_from for c in book.shots] == [None, 0, 1, None, 2]
    # same place, same look
    assert book.shots[4].palette == book.shots[0].palette
    assert book.shots[4].background_seed == book.shots[0].background_seed
    assert book.shots[3].palette != book.shots[0].palette
    assert book.shots[1].characters == ("ravi", "mira")
    assert "pot" in book.shots[2].objects  # singular head nouns
    assert "granddaughter" not in " ".join(book.shots[1].objects)  # people are not objects
    assert [loc.id for loc in book.locations] == ["river", "busy-market"]


def test_a_lesson_that_names_no_place_puts_no_time_to_its_title(builder):
    """An expository lesson names no place: its title stands in for one, and the label stays
    the title ("How Leaves Make Food, day" was drawn); "inside the leaf" is no room."""
    plan = plan_of(
        "Plants make their own food.",
        "Inside the leaf, chlorophyll captures energy from sunlight.",
    )
    book = builder.build(plan, Cast())
    assert [c.setting for c in book.shots] == ["The Potter", "The Potter"]
    assert book.shots[1].time_of_day == "day"  # the sunlight still lights it
    assert book.shots[1].indoor_outdoor != "indoor"


def test_explicit_settings_share_a_place_across_times(builder):
    plan = plan_of(
        ("The tide goes out.", "a quiet beach at dawn", 0),
        ("An owl hoots in the pines.", "a dark forest at night", 1),
        ("The waves return.", "the beach at night", 2),
    )
    book = builder.build(plan, Cast())
    assert [c.location_id for c in book.shots] == ["quiet-beach", "dark-forest", "quiet-beach"]
    assert [c.time_of_day for c in book.shots] == ["dawn", "night", "night"]
    assert book.shots[2].continues_from == 0
    assert book.shots[2].setting == "the beach at night"  # per-shot setting text is kept
    assert book.shots[0].palette == book.shots[2].palette


def test_palette_follows_setting_words():
    book = GraphScene().build(plan_of(("A barn.", "a red barn in golden fields", 0)), Cast())
    palette = book.shots[0].palette
    assert palette[0] == "#b23a3a" and palette[1] == "#d4a93c"  # red, golden
    assert len(palette) == 4


def test_time_of_day_words():
    assert time_of_day("One day the rain stopped.") is None
    assert time_of_day("Early morning light") == "dawn"
    assert time_of_day("It was midnight.") == "night"
    assert time_of_day("By evening the market closed.") == "dusk"


def test_graph_structure_and_export(builder, tmp_path):
    builder.build(POTTER, CAST)
    g = builder.graph
    assert g.has_edge("shot:0", "location:river", key="at")
    assert g.has_edge("location:river", "shot:4", key="hosts")
    assert g.has_edge("shot:3", "shot:4", key="next")
    assert g.has_edge("shot:4", "shot:2", key="continues")
    assert g.has_edge("shot:1", "character:mira", key="features")
    assert g.has_edge("shot:2", "object:pot", key="shows")
    gml = builder.export(tmp_path / "scene.graphml")
    back = nx.read_graphml(gml, force_multigraph=True)
    assert set(back.nodes) == set(g.nodes)
    assert back.number_of_edges() == g.number_of_edges()
    assert back.nodes["location:river"]["palette"].count("#") == 4
    js = builder.export(tmp_path / "scene.json")
    data = json.loads(js.read_text())
    assert {n["id"] for n in data["nodes"]} == set(g.nodes)
    rebuilt = nx.node_link_graph(data, edges="edges")
    assert rebuilt.number_of_edges() == g.number_of_edges()


def test_export_errors(builder, tmp_path):
    with pytest.raises(TTVError) as info:
        builder.export(tmp_path / "x.json")
    assert info.value.code == "TTV-E123"  # nothing built yet
    builder.build(POTTER, CAST)
    with pytest.raises(TTVError) as info:
        builder.export(tmp_path / "x.dot")
    assert info.value.code == "TTV-E123"


def test_store_reuses_looks_in_a_sequel(tmp_path):
    store = str(tmp_path / "scenes")
    first = GraphScene(store_dir=store).build(POTTER, CAST)
    sequel = GraphScene(store_dir=store).build(
        plan_of("Years later, Mira walked along the river."), Cast()
    )
    assert sequel.shots[0].location_id == "river"
    assert sequel.shots[0].palette == first.shots[0].palette
    assert len(LocationStore(store).all()) == 2
    saved = list((tmp_path / "scenes" / "graphs").glob("*.json"))
    assert len(saved) == 2  # one inspectable graph per distinct plan


def _worker(store: str, builds: int) -> list[list]:
    out = []
    for _ in range(builds):
        book = GraphScene(store_dir=store).build(POTTER, CAST)
        out.append([[c.location_id, list(c.palette)] for c in book.shots])
    return out


def test_concurrent_builds_agree(tmp_path):
    store = str(tmp_path / "shared")
    parts = run_in_processes(__file__, "_worker", [[store, 2]] * 4)
    results = [r for part in parts for r in part]
    assert len(results) == 8
    assert all(r == results[0] for r in results)
    assert len(LocationStore(store).all()) == 2


def test_corrupt_store_is_reported_not_replaced(tmp_path):
    store = tmp_path / "scenes"
    store.mkdir()
    (store / "locations.sqlite3").write_bytes(b"\x00garbage" * 500)
    with pytest.raises(TTVError) as info:
        GraphScene(store_dir=str(store)).build(POTTER, CAST)
    assert info.value.code == "TTV-E121"
    assert (store / "locations.sqlite3").read_bytes() == b"\x00garbage" * 500


def test_bad_palette_row_is_reported(tmp_path):
    store = tmp_path / "scenes"
    GraphScene(store_dir=str(store)).build(POTTER, CAST)
    with sqlite3.connect(store / "locations.sqlite3") as conn:
        conn.execute("UPDATE locations SET palette = '[\"blue\"]'")
    with pytest.raises(TTVError) as info:
        GraphScene(store_dir=str(store)).build(POTTER, CAST)
    assert info.value.code == "TTV-E121"


def test_one_word_and_placeless_lessons(builder):
    book = builder.build(plan_of("Magnets"), Cast())
    assert book.shots[0].location_id == "the-potter"  # no place named: the title stands in
    assert book.shots[0].setting == "The Potter"


def test_ten_thousand_word_plan(builder):
    block = [s.narration for s in POTTER.shots]
    shots = block * (10_000 // sum(len(s.split()) for s in block) + 1)
    plan = plan_of(*shots)
    book = builder.build(plan, Cast())
    assert len(book.shots) == len(shots)
    assert {c.location_id for c in book.shots} == {"river", "busy-market"}


def test_options_are_validated():
    with pytest.raises(TTVError) as info:
        GraphScene(colour="red")
    assert info.value.code == "TTV-E002"
    with pytest.raises(TTVError) as info:
        GraphScene(palette_size=0)
    assert info.value.code == "TTV-E120"


def test_accepts_stub_narrative_and_identity(builder):
    lesson = Lesson(
        title="Two scenes",
        scenes=(
            LessonScene(setting="a quiet beach at dawn", text="The tide goes out slowly."),
            LessonScene(setting="a dark forest at night", text="An owl watches. It waits."),
        ),
    )
    plan = stubs.StubNarrative().plan(lesson)
    book = builder.build(plan, stubs.StubIdentity().resolve(plan))
    assert [c.time_of_day for c in book.shots] == ["dawn", "night", "night"]


def test_compound_place_takes_its_head_noun(builder):
    book = builder.build(
        plan_of(
            ("Old Tomas lit the lamp.", "a lighthouse on a rocky island at dusk", 0),
            ("Lina came home.", "the island harbour at sunrise", 1),
        ),
        Cast(),
    )
    assert [c.location_id for c in book.shots] == ["lighthouse", "island-harbour"]
    assert [c.time_of_day for c in book.shots] == ["dusk", "dawn"]


def test_doctor_reports_a_corrupt_store(tmp_path):
    store = tmp_path / "scenes"
    assert GraphScene(store_dir=str(store)).doctor() == []
    GraphScene(store_dir=str(store)).build(POTTER, CAST)
    assert GraphScene(store_dir=str(store)).doctor() == []
    (store / "locations.sqlite3").write_bytes(b"junk" * 100)
    (problem,) = GraphScene(store_dir=str(store)).doctor()
    assert problem.startswith("TTV-E121")


def test_words_after_a_closing_quote_count(builder):
    """The sentence splitter ends '"Look!" shouted Arjun at dawn' at "!", and the closing
    quote opened a quotation in the next sentence: "shouted Arjun at dawn" was masked, and
    the shot stayed at night. The peaks "outside the window" are seen from inside."""
    plan = plan_of(
        "Inside the carriage, the grandmother told stories while the train rattled at night.",
        '"Look!" shouted Arjun at dawn, pointing at the snowy peaks outside the window.',
    )
    book = builder.build(plan, Cast())
    assert [c.time_of_day for c in book.shots] == ["night", "dawn"]
    assert [c.indoor_outdoor for c in book.shots] == ["indoor", "indoor"]
    # a quotation inside one sentence is still left out ("It is night" is said, not shown)
    said = builder.build(plan_of('She whispered "it is night now" and smiled at noon.'), Cast())
    assert said.shots[0].time_of_day == "day"


def test_a_railway_platform_is_a_place(builder):
    """ "Snow was falling on the platform" named no place, so the opening shots took the
    carriage of a later shot: a snowy platform was labelled "Carriage"."""
    plan = plan_of(
        "Priya boarded the night train with her grandmother.",
        "Snow was falling on the platform.",
        "Inside the carriage, the grandmother told stories.",
    )
    book = builder.build(plan, Cast())
    assert [c.location_id for c in book.shots] == ["platform", "platform", "carriage"]
    assert [c.indoor_outdoor for c in book.shots][1:] == ["outdoor", "indoor"]


def test_a_bare_building_setting_stays_inside_once_inside(builder):
    """Setting "a mountain hut": "Inside the wooden hut, Erik lit a fire" was inside, and the
    next shot, "Bjorn curled up by the stove", outside the hut; the blizzard scene after it
    then carried the inside on (no place noun of its own said otherwise)."""
    plan = plan_of(
        ("Erik walked up the snowy pass.", "a snowy mountain pass at dawn", 0),
        ("Inside the wooden hut, Erik lit a small fire.", "a mountain hut", 1),
        ("Bjorn curled up by the stove.", "a mountain hut", 1),
        ("In the afternoon a blizzard swept over the ridge.", "a blizzard on the ridge", 2),
        ("A goat slept by the stove.", "a barn", 3),
        ("The farmer painted the door red.", "an old barn", 4),
    )
    book = builder.build(plan, Cast())
    assert [c.indoor_outdoor for c in book.shots] == [
        "outdoor",
        "indoor",
        "indoor",
        "outdoor",
        "indoor",  # a stove is only ever inside
        "outdoor",  # a bare building with nothing inside it is seen from outside
    ]


def test_a_lesson_with_a_class_and_no_place_is_in_a_classroom_and_baking_in_a_kitchen(builder):
    """Ms. Rivera's floating-and-sinking lesson names no place: it was drawn on a sunny
    hillside, one shot (with "inside them") in a room."""
    plan = plan_of(
        "Ms. Rivera filled a large tank with water.",
        '"What do you think will float?" she asked the class.',
        "Omar held up an apple.",
    )
    book = builder.build(plan, Cast())
    assert {c.location_id for c in book.shots} == {"classroom"}
    assert {c.indoor_outdoor for c in book.shots} == {"indoor"}
    mammals = builder.build(plan_of("Mammals are a class of animals."), Cast())
    assert mammals.shots[0].location_id != "classroom"
    bread = builder.build(
        plan_of("First, wash your hands.", "Bake the bread in a hot oven."), Cast()
    )
    assert [(c.location_id, c.indoor_outdoor) for c in bread.shots] == [("kitchen", "indoor")] * 2


def test_on_a_bus_or_a_space_station_is_inside_it(builder):
    """ "Astronauts on the International Space Station" stood in open space, and "Lena felt
    sick on the school bus" (setting "a school bus") on a hillside."""
    plan = plan_of(
        "Astronauts on the International Space Station float.",
        "Yuki wakes up in a sleeping bag tied to the wall.",
        ("Lena felt sick on the school bus.", "a school bus", 1),
        ("The bus stopped.", "a school bus", 1),
        ("A boy waited near the bus.", "a bus stop", 2),
    )
    book = builder.build(plan, Cast())
    assert [c.indoor_outdoor for c in book.shots] == [
        "indoor",
        "indoor",
        "indoor",
        "indoor",
        "outdoor",
    ]
    assert book.shots[0].location_id == "international-space-station"


def test_a_cabin_after_a_train_is_the_train_cabin(builder):
    """ "boarded the night train ... Their cabin had two narrow beds": drawn as a house room,
    since neither the cabin's shot nor its label said train."""
    plan = plan_of(
        "Lucia and Marco boarded the night train at the busy station.",
        "Their cabin had two narrow beds and a tiny window.",
        "Lucia told him stories.",
    )
    book = builder.build(plan, Cast())
    assert [c.setting.split(",")[0] for c in book.shots[1:]] == ["train cabin", "train cabin"]
    hut = builder.build(plan_of("They slept in a log cabin in the woods."), Cast())
    assert "train" not in hut.shots[0].setting.lower()
