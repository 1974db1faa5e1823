"""Hand-written cue tables of the rule layer (grammar words and a small affect supplement).

Everything here is typed by hand, so it is kept small and listed in one place:

* **Grammar words** (closed classes): linking verbs, clause markers, downtoners that
  VADER's ``BOOSTER_DICT`` lacks, negation cancellers. These are not feelings, they
  say how the feelings in a sentence combine.
* **Primary-label cues** (``PRIMARY``): common narration words whose feeling is
  unambiguous but which the NRC file shipped by ``nrclex`` either lacks ("sad",
  "scared", "terrified", "curious", "wonder", "tears") or spreads over many categories
  ("scare" is anger + anticipation + fear + surprise there). The two labels no shipped
  lexicon has at all, *calm* and *curiosity*, exist only here.
  A word found here uses this label instead of its NRC categories. Words not found
  here fall back to NRC (categories) and VADER (valence).
* **Phrases** (``PHRASES``): multi-word discourse markers ("all of a sudden",
  "without warning", "find out").

Keys are lemmas (``lemminflect`` gives the lemma of an inflected token) or surface
forms; both are tried.
"""

from __future__ import annotations

from ttv_contracts.v1 import Emotion

J, S, F, A, U, C, Q = (
    Emotion.JOY,
    Emotion.SADNESS,
    Emotion.FEAR,
    Emotion.ANGER,
    Emotion.SURPRISE,
    Emotion.CALM,
    Emotion.CURIOSITY,
)


def _table(label: Emotion, words: str) -> dict[str, Emotion]:
    return dict.fromkeys(words.split(), label)


PRIMARY: dict[str, Emotion] = {
    **_table(
        F,
        "afraid scare scared scary terrify terrified terrifying frighten frightened fright "
        "fear fearful terror dread panic nervous anxious anxiety worry worried tremble "
        "shiver haunted horror horrified scream shriek",
    ),
    **_table(
        A,
        "angry angrily anger furious fury rage enrage enraged outrage outraged annoy "
        "annoyed irritate irritated mad glare snarl scold quarrel argue yell hate hatred "
        "seethe seething grumble stomp shout frustration frustrated bitter bitterly resent",
    ),
    **_table(
        S,
        "sad sadly sadness sorrow sorrowful grief grieve weep sob cry tear tears miss "
        "lonely mourn miserable heartbroken unhappy disappointed disappointment homesick "
        "gloomy whimper sigh despair",
    ),
    **_table(
        J,
        "happy happily happiness glad joy joyful delight delighted laugh giggle smile "
        "grin cheer celebrate rejoice proud thrilled excited love enjoy grateful "
        "overjoyed hurray hooray pleased",
    ),
    **_table(
        U,
        "surprise surprised astonish astonished astonishment amaze amazed amazement "
        "startle startled gasp suddenly sudden unexpectedly unexpected shock shocked "
        "disbelief wow",
    ),
    **_table(
        Q,
        "curious curiosity wonder ask explore discover investigate examine puzzle "
        "puzzled peer peep mystery mysterious question",
    ),
    **_table(
        C,
        "calm calmly peaceful peacefully quiet quietly still gentle gently soft softly "
        "slow slowly relax relaxed rest sleep asleep sleeping serene tranquil drift "
        "graze content contentedly doze",
    ),
}

# Multi-word markers: (tokens, label). Matched on the lower-cased token stream.
PHRASES: tuple[tuple[tuple[str, ...], Emotion], ...] = (
    (("all", "of", "a", "sudden"), U),
    (("without", "warning"), U),
    (("without", "any", "warning"), U),
    (("out", "of", "nowhere"), U),
    (("just", "then"), U),
    (("find", "out"), Q),
    (("work", "out"), Q),
    (("want", "to", "know"), Q),
    (("wanted", "to", "know"), Q),
    (("to", "see", "what"), Q),
    (("to", "see", "where"), Q),
    (("to", "see", "if"), Q),
    (("to", "know", "what"), Q),
)

# Negator followed by one of these: the negation does not hold ("couldn't stop smiling",
# "could not help laughing").
NEGATION_CANCEL = frozenset({"stop", "help", "only"})
# A negated word with one of these lemmas names a feeling of its own: "couldn't believe
# his eyes", "nobody expected ..." read as surprise.
NEGATED_MEANS = {"believe": U, "expect": U}
# "still" is calm ("lay still") only before one of these or at a clause end; elsewhere
# it is the adverb "yet" ("still trying", "still bitter").
STILL_CALM_BEFORE = frozenset(
    {"and", "under", "in", "on", "by", "as", "while", "beside", "for", "until", "at"}
)

LINKING = frozenset(
    [
        "be",
        "is",
        "are",
        "am",
        "was",
        "were",
        "been",
        "being",
        "feel",
        "feels",
        "felt",
        "seem",
        "seems",
        "seemed",
        "look",
        "looks",
        "looked",
        "become",
        "becomes",
        "became",
        "get",
        "gets",
        "got",
        "grow",
        "grows",
        "grew",
        "turn",
        "turned",
        "remain",
        "remained",
        "stay",
        "stayed",
    ]
)
# Markers that open a clause. Concessive clauses count less, the clause after a
# contrast counts more (and the one before it less), subordinate clauses a bit less.
CONCESSIVE = frozenset({"although", "though", "despite", "whereas"})
CONTRAST = frozenset({"but", "yet", "however"})
SUBORDINATE = frozenset(
    {"because", "when", "as", "while", "after", "before", "until", "if", "since", "who"}
)
COORDINATE = frozenset({"and", "or", "so", "then"})
# Function words that may stand between a linking verb / intensifier and its word.
FILLERS = frozenset({"so", "too", "very", "really", "quite", "a", "an", "the", "all", "at"})
# Downtoners VADER's BOOSTER_DICT spells differently or lacks as single tokens.
EXTRA_DOWNTONERS = frozenset({"bit", "little", "mildly", "faintly"})
# "with fear", "in terror", "of joy": the noun names the feeling outright.
FEELING_PREPOSITIONS = frozenset({"with", "in", "of", "from"})
# Past-time auxiliaries and modals: their sentence narrates, it is not a lesson fact.
_PAST = "could couldn't would wouldn't had hadn't did didn't was wasn't were weren't"
PAST_MARKERS = frozenset(_PAST.split())
QUESTION_WORDS = frozenset({"why", "how", "what", "where", "who", "which", "when"})
SPEECH_MARKS = frozenset({'"', "“", "”"})
# Verbs of saying next to a quotation: "cried the ducks" is not weeping (weight 0), and a
# shout next to a quote lets the quote decide (weight 0.5).
SPEECH_VERBS = {"cry": 0.0, "shout": 0.5, "yell": 0.5, "scream": 0.5}
