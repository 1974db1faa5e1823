"""Conformance kit plus hard cases for the lexicon emotion analyzer."""

from __future__ import annotations

import itertools
import statistics
import sys

import pytest
from ttv_contracts import stubs
from ttv_contracts.errors import TTVError
from ttv_contracts.testing import EmotionConformance
from ttv_contracts.v1 import (
    Beat,
    CameraMove,
    Emotion,
    Lesson,
    Shot,
    StoryPlan,
    TransitionKind,
)
from ttv_emotion import LexiconEmotion, directives_for, smooth


class TestLexiconConformance(EmotionConformance):
    implementation_class = LexiconEmotion


def plan_of(*shots: str | tuple[str, int]) -> StoryPlan:
    out = []
    for i, s in enumerate(shots):
        text, scene = (s, 0) if isinstance(s, str) else s
        out.append(
            Shot(index=i, narration=text, beat=Beat.SETUP, scene_index=scene, target_duration_s=2.0)
        )
    return StoryPlan(title="t", shots=tuple(out))


@pytest.fixture(scope="module")
def raw() -> LexiconEmotion:
    return LexiconEmotion(smoothing=0.0)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("The children screamed in terror as the monster crept closer.", Emotion.FEAR),
        ("Mira laughed with joy and hugged her happy grandfather.", Emotion.JOY),
        ("He wept alone at the funeral, grieving his lost friend.", Emotion.SADNESS),
        ("The furious king shouted and smashed the table in rage.", Emotion.ANGER),
        ("Why do magnets attract iron? What happens inside them?", Emotion.CURIOSITY),
        ("The water moves across the plain.", Emotion.CALM),
    ],
)
def test_labels(raw, text, label):
    assert raw.analyze(plan_of(text)).cues[0].emotion == label


def test_negation_is_not_fear(raw):
    afraid = raw.analyze(plan_of("She was afraid of the dark cave.")).cues[0]
    not_afraid = raw.analyze(plan_of("She was not afraid of the cave.")).cues[0]
    assert afraid.emotion == Emotion.FEAR
    assert not_afraid.emotion != Emotion.FEAR


def test_valence_and_arousal_directions(raw):
    calm, joy, fear = raw.analyze(
        plan_of(
            "The lake lay still under the sky.",
            "They celebrated with wonderful happy laughter!",
            "A terrible scream of terror shattered the night!",
        )
    ).cues
    assert joy.valence > 0.5 and fear.valence < -0.5
    assert fear.arousal > joy.arousal > calm.arousal
    assert fear.directives.pace > calm.directives.pace
    assert fear.directives.motion_scale > calm.directives.motion_scale
    assert calm.directives.camera == CameraMove.STATIC
    assert fear.transition_hint == TransitionKind.CUT


def test_smoothing_reduces_jitter():
    texts = [
        "They celebrated with wonderful happy laughter.",
        "The sad widow wept with grief.",
    ] * 6
    rough = [c.valence for c in LexiconEmotion(smoothing=0.0).analyze(plan_of(*texts)).cues]
    soft = [c.valence for c in LexiconEmotion(smoothing=0.6).analyze(plan_of(*texts)).cues]

    def step(xs: list[float]) -> float:
        return statistics.mean(abs(a - b) for a, b in itertools.pairwise(xs))

    assert step(soft) < 0.5 * step(rough)
    assert statistics.mean(soft) == pytest.approx(statistics.mean(rough), abs=0.15)


def test_smoothing_restarts_at_scene_boundaries():
    texts = [("A terrible scream of terror shattered the night!", 0), ("The lake lay still.", 1)]
    with_reset = LexiconEmotion(smoothing=0.8).analyze(plan_of(*texts)).cues
    without = LexiconEmotion(smoothing=0.8, reset_at_scenes=False).analyze(plan_of(*texts)).cues
    assert with_reset[1].valence == pytest.approx(
        LexiconEmotion(smoothing=0.0).analyze(plan_of(texts[1][0])).cues[0].valence
    )
    assert without[1].valence < with_reset[1].valence


def test_smooth_helper():
    assert smooth([], 0.5) == []
    assert smooth([1.0, 1.0, 1.0], 0.5) == [1.0, 1.0, 1.0]
    out = smooth([0.0, 1.0, 0.0], 0.5)
    assert out[1] < 1.0 and out[0] > 0.0 and out[0] == pytest.approx(out[2])


def test_directives_are_in_contract_range():
    for label in Emotion:
        for arousal in (0.0, 0.5, 1.0):
            d = directives_for(label, arousal, 3)
            assert 0.0 <= d.motion_scale <= 1.0 and 0.25 <= d.pace <= 4.0


def test_one_word_and_symbol_lessons(raw):
    (cue,) = raw.analyze(plan_of("Magnets")).cues
    assert cue.emotion == Emotion.CALM
    (cue,) = raw.analyze(plan_of("...")).cues
    assert cue.emotion == Emotion.CALM


def test_first_shot_fades_in(raw):
    assert raw.analyze(plan_of("Hello there.")).cues[0].transition_hint == TransitionKind.FADE


def test_ten_thousand_word_plan():
    block = [
        "Ravi was an old potter who lived by the river.",
        "That night a terrible storm broke over the village!",
        "The next day everyone was sad about the broken houses.",
        "But Ravi made new pots and they sold them happily.",
    ]
    texts = block * (10_000 // sum(len(b.split()) for b in block) + 1)
    track = LexiconEmotion().analyze(plan_of(*texts))
    assert len(track.cues) == len(texts)
    labels = {c.emotion for c in track.cues}
    assert len(labels) >= 3


def test_no_textblob_corpora_needed(raw):
    raw.analyze(plan_of("She laughed happily."))
    assert "textblob" not in sys.modules  # only nrclex's token API is used


def test_options_are_validated():
    with pytest.raises(TTVError) as info:
        LexiconEmotion(model="x")
    assert info.value.code == "TTV-E002"
    with pytest.raises(TTVError) as info:
        LexiconEmotion(smoothing=1.5)
    assert info.value.code == "TTV-E130"


def test_stub_narrative_plans_are_accepted():
    plan = stubs.StubNarrative().plan(
        Lesson(title="t", text="It was dark. She was scared! Then she smiled.")
    )
    track = LexiconEmotion().analyze(plan)
    assert [c.shot_index for c in track.cues] == [0, 1, 2]
