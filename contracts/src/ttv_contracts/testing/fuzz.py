"""Hypothesis strategies for the text slots' property tests ("any text gives valid output or a
coded TTVError, never a traceback"), shared by narrative, identity, scene and emotion.

hypothesis is imported inside the functions (a test dependency, not one of
``ttv-contracts``'s); call them from a test module that did ``pytest.importorskip("hypothesis")``::

    from hypothesis import given
    from ttv_contracts.testing.fuzz import plan_of, plan_texts

    @given(plan_texts())
    def test_any_plan_analyzes(texts):
        LexiconEmotion().analyze(plan_of(texts))
"""

from __future__ import annotations

from ttv_contracts.v1 import Beat, Shot, StoryPlan

#: Words that have broken text stages: names and pronouns, abbreviations with dots, numbers,
#: guillemets and CJK punctuation, list markers, blank lines, an emoji, an umlaut.
WORDS = (
    "Ravi", "Mira", "he", "she", "her", "him", "his", "the", "a", "old", "potter", "girl",
    "river", "market", "at", "dawn", "night", ".", ",", "!", "?", "Dr.", "3.14", "e.g.",
    "«", "»", "。", "was", "called", "named", "'s", "\n\n", "- ", "1.", "not", "afraid",
    "storm", "Its", "captain", '"', "in", "Paris", "🍮", "ü",
)  # fmt: skip


def fuzz_text():
    """Sentences of :data:`WORDS` (up to 60) or any unicode text (up to 300 characters)."""
    from hypothesis import strategies as st

    return st.one_of(
        st.lists(st.sampled_from(WORDS), min_size=1, max_size=60).map(" ".join),
        st.text(max_size=300),
    )


def plan_texts(max_shots: int = 8):
    """Lists of 1..max_shots non-blank narrations, for :func:`plan_of`."""
    from hypothesis import strategies as st

    return st.lists(fuzz_text().filter(str.strip), min_size=1, max_size=max_shots)


def plan_of(texts: list[str]) -> StoryPlan:
    """A StoryPlan with one SETUP shot per narration, three shots per scene."""
    shots = tuple(
        Shot(index=i, narration=t, beat=Beat.SETUP, scene_index=i // 3, target_duration_s=1.0)
        for i, t in enumerate(texts)
    )
    return StoryPlan(title="fuzz", shots=shots)
