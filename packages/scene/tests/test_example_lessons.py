"""The example lessons' shots (examples/lessons/*.json), copied in so the tests read no file.

Regressions of the backdrops drawn wrong on the default lighthouse lesson and the kettle race:
a room at the top of a lighthouse drawn outdoors, a storm carried into a harbour at sunrise,
a school kitchen on a winter morning drawn outdoors.
"""

from __future__ import annotations

from ttv_contracts.v1 import Beat, Cast, Shot, StoryPlan
from ttv_scene import GraphScene
from ttv_scene.analysis import analyze

LIGHTHOUSE = (
    ("a lighthouse on a rocky island at dusk", "Old Tomas had kept the lighthouse for forty years."),
    ("a lighthouse on a rocky island at dusk", "Each evening he climbed the hundred steps and lit the great lamp."),
    ("a small fishing boat in a storm at night", "One stormy night a fishing boat lost its way."),
    ("a small fishing boat in a storm at night", "Its captain, a young woman called Lina, could not see the rocks ahead."),
    ("a small fishing boat in a storm at night", "She was terrified."),
    ("the lamp room at the top of the lighthouse", "Tomas saw the boat drifting toward the reef."),
    ("the lamp room at the top of the lighthouse", "He turned the lamp by hand, faster and faster, so that its beam swept the water."),
    ("the island harbour at sunrise", "At dawn Lina brought her boat safely into the harbour."),
    ("the island harbour at sunrise", "She climbed the hundred steps to thank him, and he made her a cup of tea."),
)  # fmt: skip
KITCHEN = "a busy school kitchen on a winter morning"
KETTLE_RACE = (
    (KITCHEN, "Amara, her brother Kofi and their friend Lucía were racing to find out which of three kettles would boil first, and they had written every temperature in a notebook that was already full of crossed-out guesses."),
    (KITCHEN, "Suddenly the tall kettle started shaking and whistling, and Kofi shouted that the water had jumped from 70–90 % → steam in less than a minute!"),
    ("a cold playground outside the school", "Lucía grabbed the notebook and ran outside, Amara chased her across the icy playground, and Kofi sprinted after them both, laughing so hard that he nearly slipped."),
    ("a quiet classroom after the bell", "Later, calm again, the three friends agreed that the smallest kettle had won because it held the least water, and Amara wrote the answer neatly on the last clean page."),
)  # fmt: skip


def build(shots: tuple[tuple[str | None, str], ...]):
    plan = StoryPlan(
        title="Lesson",
        shots=tuple(
            Shot(index=i, narration=t, setting=s, beat=Beat.SETUP, target_duration_s=2.0)
            for i, (s, t) in enumerate(shots)
        ),
    )
    return GraphScene().build(plan, Cast())


def attrs(book) -> list[tuple[str, str, str, str]]:
    return [(c.location_id, c.time_of_day, c.weather, c.indoor_outdoor) for c in book.shots]


def test_lighthouse_lesson_shot_by_shot():
    assert attrs(build(LIGHTHOUSE)) == [
        ("lighthouse", "dusk", "unknown", "outdoor"),
        ("lighthouse", "dusk", "unknown", "outdoor"),
        ("small-fishing-boat", "night", "storm", "outdoor"),
        ("small-fishing-boat", "night", "storm", "outdoor"),
        ("small-fishing-boat", "night", "storm", "outdoor"),
        # a room: inside, whatever it is at the top of; a new scene, so the storm outside
        # the boat is not carried in
        ("lamp-room", "night", "unknown", "indoor"),
        ("lamp-room", "night", "unknown", "indoor"),
        # a new scene at sunrise: no storm unless the text says so
        ("island-harbour", "dawn", "unknown", "outdoor"),
        ("island-harbour", "dawn", "unknown", "outdoor"),
    ]


def test_kettle_race_shot_by_shot():
    book = build(KETTLE_RACE)
    assert attrs(book) == [
        ("busy-school-kitchen", "day", "unknown", "indoor"),  # winter is a season, not snow
        ("busy-school-kitchen", "day", "unknown", "indoor"),
        ("cold-playground", "day", "unknown", "outdoor"),
        ("quiet-classroom", "day", "unknown", "indoor"),  # "calm again" is the friends
    ]
    assert book.shots[1].objects == ("kettle", "water", "steam")  # "70–90 % → steam"


def test_room_nouns_head_a_setting_whatever_they_are_part_of():
    for setting in (
        "the lamp room at the top of the lighthouse",
        "the kitchen of the old castle",
        "a classroom at the end of the corridor by the playground",
        "a busy school kitchen on a winter morning",
    ):
        book = build(((setting, "She waited."),))
        assert book.shots[0].indoor_outdoor == "indoor", setting
    for setting in ("a lighthouse on a rocky island", "the island harbour at sunrise"):
        assert build(((setting, "She waited."),)).shots[0].indoor_outdoor == "outdoor"
    # narration that says so still wins over the setting's head noun
    book = build((("a lighthouse on a rocky island", "Inside, he climbed the stairs."),))
    assert book.shots[0].indoor_outdoor == "indoor"


def test_a_room_at_the_top_of_a_building_in_narration_is_the_room():
    for text in (
        "The lamp room at the top of the lighthouse was dark.",
        "The lamp room at the top of the lighthouse still glowed.",
        "Tomas climbed to the lamp room at the top of the lighthouse.",
        "He sat in the kitchen of the castle.",
    ):
        got = analyze(text)
        assert got.place is not None and got.place.key in {"room", "kitchen"}, text
        assert got.indoor_outdoor == "indoor", text
    # a building or outdoor place: its surroundings are the backdrop
    assert analyze("The lighthouse on the cliff flashed.").place.key == "cliff"
    assert analyze("The boat in the harbour rocked.").place.key == "harbour"


def test_winter_is_a_season_not_weather():
    assert analyze("a busy school kitchen on a winter morning", phrase=True).weather is None
    assert analyze("In winter the children stayed at home.").weather is None
    assert analyze("On a winter morning snow fell on the school.").weather == "snow"


def test_weather_carries_within_a_scene_and_resets_on_a_new_one():
    storm = "a fishing boat in a storm at night"
    book = build(
        (
            (storm, "The waves rose."),
            (storm, "She held on."),  # same scene: the storm carries
            ("the same fishing boat at dawn", "The sea was quiet."),  # a time jump: reset
            ("the island harbour", "Lina tied up the boat."),  # another place: reset
            ("the island harbour", "Rain began to fall."),  # restated: rain
            ("the harbour at noon", "People came out."),  # same place, another time: reset
        )
    )
    assert [c.weather for c in book.shots] == [
        "storm",
        "storm",
        "unknown",
        "unknown",
        "rain",
        "unknown",
    ]
    # a new scene that restates the weather keeps it
    book = build(((storm, "The waves rose."), ("the harbour in the storm", "Lina ran.")))
    assert [c.weather for c in book.shots] == ["storm", "storm"]
    # narration alone (no settings) keeps carrying across places: one story, one weather
    book = build(((None, "It was snowing in the village."), (None, "They ran to the park.")))
    assert [c.weather for c in book.shots] == ["snow", "snow"]


def test_calm_is_weather_only_of_the_sky_sea_or_day():
    assert analyze("In the morning the sea was calm again.").weather == "clear"
    assert analyze("It was a calm night.").weather == "clear"
    assert analyze("Later, calm again, the friends agreed.").weather is None
    assert analyze("She was calm.").weather is None


def test_time_adverbs_and_symbols_end_a_noun_phrase():
    assert "window" in analyze("So the rain on your window today may once have been ice.").objects
    assert "steam" in analyze("The water turned → steam in a minute.").objects


def test_the_season_holds_through_the_lesson():
    """Winter is named once, in the kitchen's setting; the playground and the classroom after
    the bell are the same winter day (their backdrops must not turn green)."""
    assert [c.season for c in build(KETTLE_RACE).shots] == ["winter"] * 4
    assert [c.season for c in build(LIGHTHOUSE).shots] == ["unknown"] * 9
    # the opening shots take the first season named; another one named takes over
    book = build(
        (
            (None, "The lambs were born on the farm."),
            (None, "That spring the river flooded the lower field."),
            (None, "By midsummer the hay stood high."),
            (None, "The children swam every evening."),
        )
    )
    assert [c.season for c in book.shots] == ["spring", "spring", "summer", "summer"]


def test_season_words_that_are_not_a_season():
    assert analyze("The spring of the old clock snapped.").season is None
    assert analyze("Water bubbled from a spring in the rocks.").season is None
    assert analyze("The leaves began to fall from the trees.").season is None  # a verb
    assert analyze("In spring the lambs were born.").season == "spring"
    assert analyze("a wintry harbour", phrase=True).season == "winter"
