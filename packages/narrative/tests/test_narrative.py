"""Conformance kit plus the hard cases of issue 4 for the segmenter planner."""

from __future__ import annotations

import pytest
from ttv_contracts import stubs
from ttv_contracts.errors import TTVError
from ttv_contracts.testing import NarrativeConformance
from ttv_contracts.v1 import Beat, Lesson, LessonScene
from ttv_contracts.v1.models import MAX_SHOTS
from ttv_narrative import SentenceNarrative, estimate_seconds


class TestSegmenterConformance(NarrativeConformance):
    implementation_class = SentenceNarrative


@pytest.fixture(scope="module")
def planner() -> SentenceNarrative:
    return SentenceNarrative()


def narrations(planner: SentenceNarrative, text: str, **kw) -> list[str]:
    return [s.narration for s in planner.plan(Lesson(title="t", text=text, **kw)).shots]


def test_abbreviations_and_decimals_do_not_split(planner):
    out = narrations(
        planner,
        "Dr. Rao measured the wire at 3.14 m on Monday morning. "
        "Metals such as copper, e.g. in cables, carry current well.",
    )
    assert out == [
        "Dr. Rao measured the wire at 3.14 m on Monday morning.",
        "Metals such as copper, e.g. in cables, carry current well.",
    ]


def test_quotes_stay_with_their_sentence(planner):
    out = narrations(
        planner,
        'The teacher held up the magnet and said, "Watch the needle closely now." '
        "The needle swung around to face the north pole.",
    )
    assert out[0].endswith('"Watch the needle closely now."')
    assert len(out) == 2


def test_lists_become_items(planner):
    out = narrations(
        planner,
        "Magnets have two poles:\n- the north pole of the magnet\n- the south pole of the magnet",
    )
    assert out == [
        "Magnets have two poles:",
        "the north pole of the magnet.",
        "the south pole of the magnet.",
    ] or out == [
        "Magnets have two poles: the north pole of the magnet.",
        "the south pole of the magnet.",
    ]
    assert not any(n.startswith("-") for n in out)


def test_cjk_punctuation_splits_without_spaces():
    planner = SentenceNarrative(min_words=1)
    out = narrations(planner, "我喜欢猫。你呢？很好！", language="zh")
    assert out == ["我喜欢猫。", "你呢？", "很好！"]


def test_french_guillemets_and_spaced_punctuation(planner):
    out = narrations(
        planner,
        "« Bonjour ! » dit-il à son ami. Ça va bien, merci ? Oui, très bien aujourd’hui.",
        language="fr",
    )
    assert out[0] == "« Bonjour ! » dit-il à son ami."
    assert len(out) == 3


def test_unknown_language_falls_back_to_english_rules():
    planner = SentenceNarrative()
    out = narrations(
        planner, "Mwalimu alifika shuleni mapema. Wanafunzi walisoma kwa bidii.", language="sw"
    )
    assert len(out) == 2
    assert any("English rules" in n for n in planner.drain_notes())


def test_short_fragments_merge(planner):
    out = narrations(
        planner, "Yes. It works. The current flows through the copper wire. It heats up slowly."
    )
    # fragments merge until the shot reaches min_words; full sentences stay alone
    assert out == [
        "Yes. It works. The current flows through the copper wire.",
        "It heats up slowly.",
    ]


def test_long_sentence_splits_at_clauses():
    planner = SentenceNarrative(max_words=12)
    sentence = (
        "The river carried silt from the mountains, it spread the silt over the plains, "
        "farmers planted rice in the fresh soil, and the harvest fed the whole valley."
    )
    out = narrations(planner, sentence)
    assert len(out) >= 2
    assert all(len(n.split()) <= 12 for n in out)
    assert " ".join(out).split() == sentence.split()


def test_long_sentence_without_punctuation_splits_by_words():
    planner = SentenceNarrative(max_words=10)
    sentence = " ".join(f"word{i}" for i in range(35)) + "."
    out = narrations(planner, sentence)
    assert [len(n.split()) for n in out] == [10, 10, 10, 5]


def test_explicit_scenes_keep_settings(planner):
    lesson = Lesson(
        title="t",
        scenes=(
            LessonScene(
                setting="a quiet beach at dawn", text="The tide goes out. Crabs appear on the sand."
            ),
            LessonScene(setting="a forest", text="An owl watches from the old oak tree."),
        ),
    )
    plan = planner.plan(lesson)
    assert [(s.scene_index, s.setting) for s in plan.shots] == [
        (0, "a quiet beach at dawn"),
        (0, "a quiet beach at dawn"),
        (1, "a forest"),
    ]
    assert plan.shots[0].narration == "The tide goes out."


def test_story_beats(planner):
    text = (
        "Once upon a time, Ravi was an old potter. He lived by the river with his granddaughter. "
        "Every morning he walked to the market with his pots. One day the cart hit a stone on the road. "
        "Suddenly the biggest pot cracked and fell! Ravi looked at the broken pieces for a long time. "
        "His granddaughter picked them up and smiled at him. They made a mosaic together and sold it."
    )
    plan = planner.plan(Lesson(title="t", text=text))
    assert plan.kind == "story"
    beats = [s.beat for s in plan.shots]
    assert beats[0] == Beat.SETUP and beats[-1] == Beat.RESOLUTION
    assert beats.count(Beat.CLIMAX) == 1
    assert "cracked" in plan.shots[beats.index(Beat.CLIMAX)].narration
    order = [Beat.SETUP, Beat.RISING, Beat.CLIMAX, Beat.RESOLUTION]
    assert [order.index(b) for b in beats] == sorted(order.index(b) for b in beats)


def test_lesson_beats(planner):
    text = (
        "A magnet is a material that makes a magnetic field. Every magnet has a north and a south pole. "
        "For example, a fridge magnet sticks to the steel door. "
        "Opposite poles attract each other and like poles repel. "
        "In summary, magnets pull on iron and on other magnets."
    )
    plan = planner.plan(Lesson(title="t", text=text))
    assert plan.kind == "lesson"
    beats = [s.beat for s in plan.shots]
    assert beats[0] == Beat.EXPLANATION
    assert Beat.EXAMPLE in beats and "fridge" in plan.shots[beats.index(Beat.EXAMPLE)].narration
    assert beats[-1] == Beat.RECAP


def test_kind_can_be_forced():
    plan = SentenceNarrative(kind="story").plan(
        Lesson(title="t", text="Magnets attract iron filings.")
    )
    assert plan.kind == "story" and plan.shots[0].beat == Beat.SETUP


def test_one_word_lesson(planner):
    plan = planner.plan(Lesson(title="t", text="Magnets"))
    assert len(plan.shots) == 1
    assert plan.shots[0].narration == "Magnets"
    assert plan.shots[0].beat == Beat.EXPLANATION
    assert plan.shots[0].target_duration_s == estimate_seconds("Magnets")


def test_punctuation_only_lesson(planner):
    plan = planner.plan(Lesson(title="Dots", text="..."))
    assert len(plan.shots) == 1


def test_empty_lesson_is_rejected_by_the_contract():
    with pytest.raises(ValueError):
        Lesson(title="t", text="   ")


def test_durations_match_the_stub_estimate_for_plain_text(planner):
    for shot in planner.plan(
        Lesson(title="t", text="The tide goes out slowly every evening.")
    ).shots:
        assert shot.target_duration_s == stubs.estimate_duration(shot.narration)


def test_ten_thousand_word_lesson(planner):
    sentence = "Dr. Lee measured {i}.5 cm of copper wire, e.g. for the coil, and wrote it down. "
    text = "".join(sentence.format(i=i) for i in range(670))  # ~10,000 words
    assert len(text.split()) >= 10_000
    plan = planner.plan(Lesson(title="long", text=text))
    assert len(plan.shots) == 670
    assert plan.shots[123].narration == sentence.format(i=123).strip()
    words = sum(len(s.narration.split()) for s in plan.shots)
    assert words == len(text.split())


def test_shot_limit_is_respected():
    planner = SentenceNarrative(min_words=1, max_words=2)
    text = " ".join(f"Go {i}." for i in range(MAX_SHOTS + 50))
    plan = planner.plan(Lesson(title="t", text=text))
    assert len(plan.shots) <= MAX_SHOTS
    assert sum(len(s.narration.split()) for s in plan.shots) == len(text.split())


def test_options_are_validated():
    with pytest.raises(TTVError) as info:
        SentenceNarrative(colour="red")
    assert info.value.code == "TTV-E002"
    with pytest.raises(TTVError) as info:
        SentenceNarrative(min_words=10, max_words=5)
    assert info.value.code == "TTV-E100"
    with pytest.raises(TTVError) as info:
        SentenceNarrative(kind="poem")
    assert info.value.code == "TTV-E100"


def test_plan_feeds_the_other_stubs(planner):
    """Swapping the rest of cluster A for stubs still accepts this planner's output."""
    plan = planner.plan(Lesson(title="t", text="Ravi was an old potter. He lived by the river."))
    cast = stubs.StubIdentity().resolve(plan)
    book = stubs.StubScene().build(plan, cast)
    track = stubs.StubEmotion().analyze(plan)
    assert len(book.shots) == len(track.cues) == len(plan.shots)


def test_unicode_and_emoji(planner):
    out = narrations(
        planner, "Café owners in Zürich love crème brûlée 🍮. Naïve visitors order two!"
    )
    assert out == ["Café owners in Zürich love crème brûlée 🍮.", "Naïve visitors order two!"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'She said, "It is late. We must go now." Then she left the house.',
            ['She said, "It is late. We must go now."', "Then she left the house."],
        ),
        (
            "The U.S. Army arrived at 5 p.m. sharp. Everyone cheered.",
            ["The U.S. Army arrived at 5 p.m. sharp.", "Everyone cheered."],
        ),
        (
            "Prices rose by 2.5% in Jan. 2020. Then they fell.",
            ["Prices rose by 2.5% in Jan. 2020.", "Then they fell."],
        ),
    ],
)
def test_segmenter_hard_cases(text, expected):
    assert narrations(SentenceNarrative(min_words=1), text) == expected
