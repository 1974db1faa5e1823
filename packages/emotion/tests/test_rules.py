"""The lexicon + rules classifier: reproduced bugs of issue 14, negation, intensifiers,
predicate, clauses, valence agreement and smoothing that never flips a clear shot."""

from __future__ import annotations

import pytest
from ttv_contracts.v1 import Beat, Emotion, Shot, StoryPlan
from ttv_emotion import LexiconEmotion
from ttv_emotion.rules import read

NEGATIVE = {Emotion.SADNESS, Emotion.FEAR, Emotion.ANGER}


def plan_of(*texts: str) -> StoryPlan:
    shots = tuple(
        Shot(index=i, narration=t, beat=Beat.SETUP, target_duration_s=2.0)
        for i, t in enumerate(texts)
    )
    return StoryPlan(title="t", shots=shots)


def label(text: str, **options) -> Emotion:
    return LexiconEmotion(smoothing=0.0, **options).analyze(plan_of(text)).cues[0].emotion


def cue(text: str):
    return LexiconEmotion(smoothing=0.0).analyze(plan_of(text)).cues[0]


# ------------------------------------------------------------ reproduced in issue 14


def test_she_was_terrified_is_fear_not_joy():
    c = cue("She was terrified")
    assert c.emotion == Emotion.FEAR
    assert c.valence < 0


def test_he_cried_is_sadness_not_anger():
    assert label("he cried") == Emotion.SADNESS
    assert label("He cried.") == Emotion.SADNESS


def test_flowers_grew_is_not_fear():
    assert label("flowers grew") == Emotion.CALM
    assert label("Flowers grew in the garden.") == Emotion.CALM


# ------------------------------------------------------------ negation


@pytest.mark.parametrize(
    ("text", "not_label"),
    [
        ("He was not afraid.", Emotion.FEAR),
        ("He was not afraid of the cave.", Emotion.FEAR),
        ("She wasn't angry at all.", Emotion.ANGER),
        ("She was not happy.", Emotion.JOY),
        ("They were never sad.", Emotion.SADNESS),
    ],
)
def test_negated_feeling_is_not_that_feeling(text, not_label):
    assert label(text) != not_label


def test_negated_joy_reads_as_sadness_and_negated_fear_as_calm():
    assert label("She was not happy at all.") == Emotion.SADNESS
    assert label("He was not afraid of the dark.") == Emotion.CALM


def test_negation_idioms():
    assert label("Ben couldn't stop smiling.") == Emotion.JOY  # stop cancels the negation
    assert label("She could not believe her eyes.") == Emotion.SURPRISE
    assert label("Nobody expected the little team to win.") == Emotion.SURPRISE


def test_negation_ends_at_the_clause():
    assert label("The boys were not brave; they were terrified.") == Emotion.FEAR


# ------------------------------------------------------------ intensifiers


def test_intensifiers_scale_intensity_not_label():
    plain, very, slightly = (
        cue("She was afraid."),
        cue("She was very afraid."),
        cue("She was slightly afraid."),
    )
    assert plain.emotion == very.emotion == slightly.emotion == Emotion.FEAR
    assert very.intensity > plain.intensity > slightly.intensity
    barely = read("She was barely afraid.").scores[Emotion.FEAR]
    assert barely < read("She was afraid.").scores[Emotion.FEAR]


def test_a_little_is_a_downtoner_but_the_little_is_not():
    assert (
        read("He was a little sad.").scores[Emotion.SADNESS]
        < read("He was sad.").scores[Emotion.SADNESS]
    )
    assert read("The little girl was sad.").scores[Emotion.SADNESS] == pytest.approx(
        read("The girl was sad.").scores[Emotion.SADNESS]
    )


# ------------------------------------------------------------ predicate and clauses


def test_predicate_decides():
    assert label("The boy who cried wolf was terrified when a real wolf came.") == Emotion.FEAR
    assert label("She cried with happiness when she heard the news.") == Emotion.JOY
    assert label("He cried because his best friend had moved away.") == Emotion.SADNESS


def test_contrast_and_concession():
    assert label("Although the sun was shining, Lucy felt miserable.") == Emotion.SADNESS
    assert label("The storm was frightening, but the children laughed and sang.") == Emotion.JOY
    assert label("Although she smiled politely, she was seething inside.") == Emotion.ANGER


def test_cried_as_a_verb_of_saying():
    assert label('"Hurray!" cried the little ducks.') == Emotion.JOY


def test_storm_as_topic_and_as_event():
    assert label("A storm is a strong disturbance of the atmosphere.") == Emotion.CALM
    assert label("Thunderstorms usually happen on hot, humid afternoons.") == Emotion.CALM
    assert label("A terrible storm was coming, and the sailors were frightened.") == Emotion.FEAR


def test_lesson_facts_are_calm_and_questions_curious():
    assert label("Plants use sunlight to make their own food.") == Emotion.CALM
    assert label("Why do magnets attract iron?") == Emotion.CURIOSITY
    assert label("Let's find out what makes a rainbow.") == Emotion.CURIOSITY
    assert label("Mira wondered where the river went.") == Emotion.CURIOSITY


# ------------------------------------------------------------ valence agreement

MIXED = [
    "She was terrified",
    "He cried because his best friend had moved away.",
    "She cried with happiness when she heard the news.",
    "Ben couldn't stop smiling after he won the spelling bee.",
    "Although she smiled politely, she was seething inside.",
    "The storm was frightening, but the children laughed and sang.",
    "It wasn't a bad day at all; in fact it was wonderful.",
    "She was not happy at all.",
    "Tears of joy ran down her cheeks.",
    "Nobody was unhappy at the party.",
]


@pytest.mark.parametrize("smoothing", [0.0, 0.35, 0.9])
def test_labels_agree_with_valence(smoothing):
    track = LexiconEmotion(smoothing=smoothing).analyze(plan_of(*MIXED))
    for c in track.cues:
        if c.emotion == Emotion.JOY:
            assert c.valence >= 0, c
        if c.emotion in NEGATIVE:
            assert c.valence <= 0, c


def test_clear_vader_valence_excludes_opposite_labels():
    # no clear feeling word, clearly positive text: never fear, anger or sadness
    c = cue("What a wonderful, lovely, beautiful day.")
    assert c.emotion not in NEGATIVE and c.valence > 0


# ------------------------------------------------------------ smoothing


def test_smoothing_never_flips_a_strongly_marked_shot():
    calm = "The river flows slowly to the sea."
    texts = [calm, calm, "She was terrified!", calm, calm]
    for smoothing in (0.35, 0.6, 0.95):
        cues = LexiconEmotion(smoothing=smoothing).analyze(plan_of(*texts)).cues
        assert cues[2].emotion == Emotion.FEAR and cues[2].valence < 0
    sad = "The sad widow wept with grief."
    texts = [sad, sad, "They laughed with joy and were very happy.", sad, sad]
    cues = LexiconEmotion(smoothing=0.95).analyze(plan_of(*texts)).cues
    assert cues[2].emotion == Emotion.JOY and cues[2].valence >= 0
    assert all(c.emotion == Emotion.SADNESS for i, c in enumerate(cues) if i != 2)


def test_weak_shots_still_follow_the_arc():
    texts = [
        "She was terrified of the dark forest.",
        "The wolves howled and she was very frightened.",
        "She walked on.",
        "She was terrified.",
    ]
    raw = LexiconEmotion(smoothing=0.0).analyze(plan_of(*texts)).cues
    soft = LexiconEmotion(smoothing=0.6).analyze(plan_of(*texts)).cues
    assert raw[2].emotion == Emotion.CALM
    assert soft[2].emotion == Emotion.FEAR


def test_reading_is_deterministic_and_bounded():
    for text in [*MIXED, "", "...", "!!!", "?"]:
        r1, r2 = read(text), read(text)
        assert r1 == r2
        assert 0.0 <= r1.intensity <= 1.0 and -1.0 <= r1.valence <= 1.0
