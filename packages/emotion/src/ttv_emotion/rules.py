"""Lexicon + rules reading of one narration text (no model, nothing trained).

Steps, per text:

1. **Tokens and lemmas.** A regular-expression tokenizer; lemmas from ``lemminflect``
   (its dictionary ships inside the PyPI wheel: derived from the NIH SPECIALIST lexicon,
   MIT licence), so "terrified" -> "terrify", "cried" -> "cry", "grew" -> "grow".
2. **Clauses.** Punctuation and clause markers split the text. A concessive clause
   ("although ...") counts half, the clause after a contrast ("but ...") counts 1.5x and
   the one before it 0.6x, a subordinate clause ("because/when/as ...") 0.8x.
3. **Word affect.** A word in the small cue table (:mod:`ttv_emotion.cues`) gives its one
   label; otherwise the NRC lexicon (``nrclex``) gives categories, gated by the word's
   VADER sign and weighted by how affective VADER says the word is (NRC words VADER does
   not know, such as "storm", "grow" or "mother", are associations, not feelings, and
   count 0.3).
4. **Modifiers.** Negation (VADER's ``NEGATE`` list, within three tokens, inside the
   clause) removes the word's feeling: a negated fear, anger, sadness, surprise or
   curiosity adds to calm, a negated joy adds to sadness. "couldn't stop/help ..."
   cancels the negation, "couldn't believe" reads as surprise. Intensifiers from VADER's
   ``BOOSTER_DICT`` scale the next feeling word (x1.5 up, x0.6 down). A feeling in the
   predicate ("she was terrified", "felt lonely") or as the clause's first past-tense
   verb ("he cried", "the children wept") counts 1.5x; one named after "with/in/of"
   ("cried with happiness") counts 2x. Only feeling words get this emphasis, never
   associations ("in the garden"). "cried" next to a quotation is a verb of saying
   (no feeling of its own; a shout there counts half).
5. **Sentence.** A question adds to curiosity, "!" to surprise; a sentence with no
   past-tense verb, no "!" and no question is expository (a lesson fact) and its
   feeling words count half. Calm starts from a baseline and wins when nothing is strong.
6. **Valence** is VADER's compound score. Labels that contradict a clear valence
   (|compound| >= 0.35) are excluded: a clearly negative text is never joy, a clearly
   positive one never sadness, fear or anger.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ttv_contracts.errors import TTVError
from ttv_contracts.v1 import Emotion

from . import cues
from .errors import E_LEXICON_UNAVAILABLE

LABELS: tuple[Emotion, ...] = (
    Emotion.FEAR,
    Emotion.ANGER,
    Emotion.SADNESS,
    Emotion.JOY,
    Emotion.SURPRISE,
    Emotion.CURIOSITY,
    Emotion.CALM,
)  # order breaks ties

SIGN = {Emotion.JOY: 1, Emotion.SADNESS: -1, Emotion.FEAR: -1, Emotion.ANGER: -1}
CLEAR_VALENCE = 0.35
STRONG_EVIDENCE = 1.2
STRONG_MARGIN = 0.6
ASSOCIATION = 0.3  # weight of an NRC word VADER does not know ("storm", "garden", "grow")

_NRC_MAP = {
    "joy": ((Emotion.JOY, 1.0),),
    "sadness": ((Emotion.SADNESS, 1.0),),
    "fear": ((Emotion.FEAR, 1.0),),
    "anger": ((Emotion.ANGER, 1.0),),
    "surprise": ((Emotion.SURPRISE, 1.0),),
    "disgust": ((Emotion.ANGER, 0.5),),
    "anticipation": ((Emotion.CURIOSITY, 0.5),),
    "trust": ((Emotion.CALM, 0.3),),
}
_POSITIVE_CATS = frozenset({"joy", "trust", "anticipation", "surprise"})
_NEGATIVE_CATS = frozenset({"sadness", "fear", "anger", "disgust", "surprise"})

_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|[!?.,;:\"“”]")
_BREAKS = frozenset(".,;:!?")
_NEGATORS_EXTRA = frozenset({"no", "not", "never", "nobody", "nothing", "none", "neither", "nor"})
_SUFFIXES = (("ies", "y"), ("ied", "y"), ("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"))
_SUFFIXES += (("d", ""), ("es", ""), ("s", ""), ("ly", ""))


@dataclass(frozen=True)
class Resources:
    nrc: dict[str, list[str]]
    vader: Any
    negators: frozenset[str]
    boosters: dict[str, float]


@lru_cache(maxsize=1)
def resources() -> Resources:
    """The shipped lexicons, loaded once (raises TTV-E131 when a package is missing)."""
    try:
        import lemminflect  # noqa: F401  (checked here so a broken install fails early)
        from nrclex import NRCLex
        from vaderSentiment.vaderSentiment import (
            BOOSTER_DICT,
            NEGATE,
            SentimentIntensityAnalyzer,
        )
    except ImportError as exc:  # pragma: no cover - dependencies of the package
        raise TTVError(E_LEXICON_UNAVAILABLE, f"emotion lexicon package missing: {exc}") from exc
    try:
        nrc = NRCLex(None).__lexicon__
        vader = SentimentIntensityAnalyzer()
    except (OSError, ValueError) as exc:
        raise TTVError(E_LEXICON_UNAVAILABLE, f"emotion lexicon failed to load: {exc}") from exc
    if not nrc:
        raise TTVError(E_LEXICON_UNAVAILABLE, "the NRC lexicon shipped by nrclex is empty")
    negate = {w for w in NEGATE if w not in {"despite", "without"}}
    negators = frozenset(negate) | frozenset(w.replace("'", "") for w in negate) | _NEGATORS_EXTRA
    boosters = {k: (1.5 if v > 0 else 0.6) for k, v in BOOSTER_DICT.items() if " " not in k}
    boosters.update(dict.fromkeys(cues.EXTRA_DOWNTONERS, 0.6))
    boosters.update({"so": 1.5, "too": 1.5})
    return Resources(nrc=nrc, vader=vader, negators=negators, boosters=boosters)


@lru_cache(maxsize=65536)
def lemmas(word: str) -> tuple[str, ...]:
    """The word, then its lemmas (lemminflect, all parts of speech), then suffix guesses."""
    from lemminflect import getAllLemmas

    out = [word]
    for group in getAllLemmas(word).values():
        out.extend(x for x in group if x not in out)
    for suffix, repl in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            guess = word[: -len(suffix)] + repl
            if guess not in out:
                out.append(guess)
    return tuple(out)


@lru_cache(maxsize=65536)
def is_past(word: str) -> bool:
    """True for a past-tense or past-participle verb form ("was", "cried", "grew")."""
    from lemminflect import getAllLemmas, getInflection

    for lemma in getAllLemmas(word).get("VERB", ()):
        if lemma == word:
            continue
        if word in getInflection(lemma, tag="VBD") or word in getInflection(lemma, tag="VBN"):
            return True
    return False


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text.lower().replace("’", "'").replace("‘", "'"))


@lru_cache(maxsize=65536)
def word_affect(word: str) -> tuple[tuple[Emotion, float], ...]:
    """(label, weight) pairs one word carries before modifiers; empty if none."""
    res = resources()
    forms = lemmas(word)
    for form in forms:
        if form in cues.PRIMARY:
            return ((cues.PRIMARY[form], 1.0),)
    cats: list[str] | None = None
    val = 0.0
    for form in forms:
        if cats is None and form in res.nrc:
            cats = res.nrc[form]
        if not val and form in res.vader.lexicon:
            val = float(res.vader.lexicon[form])
    if cats:
        allowed = set(_NRC_MAP)
        if val >= 1.0:
            allowed &= _POSITIVE_CATS
        elif val <= -1.0:
            allowed &= _NEGATIVE_CATS
        kept = [c for c in cats if c in allowed]
        if kept:
            base = 1.0 if abs(val) >= 1.0 else ASSOCIATION
            out: dict[Emotion, float] = {}
            for c in kept:
                for label, w in _NRC_MAP[c]:
                    out[label] = out.get(label, 0.0) + base * w / len(kept)
            return tuple(out.items())
    if abs(val) >= 1.5:  # a feeling word NRC lacks: VADER's sign at low weight
        return ((Emotion.JOY if val > 0 else Emotion.SADNESS, 0.4),)
    return ()


@lru_cache(maxsize=65536)
def is_feeling(word: str) -> bool:
    """A word that names or shows a feeling (cue table, or |VADER valence| >= 1)."""
    vader = resources().vader.lexicon
    return any(f in cues.PRIMARY or abs(float(vader.get(f, 0.0))) >= 1.0 for f in lemmas(word))


@dataclass
class Reading:
    """What the rules found in one text."""

    scores: dict[Emotion, float]
    valence: float
    intensity: float
    excluded: frozenset[Emotion] = field(default_factory=frozenset)

    @property
    def strongly_marked(self) -> bool:
        """A clear feeling in the rules' own scores: evidence >= 1.2, margin >= 0.6.

        Such a shot keeps its label whatever VADER's sign or the neighbours say."""
        ranked = sorted(self.scores.values(), reverse=True)
        top, second = ranked[0], ranked[1]
        return (
            best_label(self.scores) != Emotion.CALM
            and top >= STRONG_EVIDENCE
            and top - second >= STRONG_MARGIN
        )

    @property
    def label(self) -> Emotion:
        if self.strongly_marked:
            return best_label(self.scores)
        return best_label(self.scores, self.excluded)


def best_label(scores: dict[Emotion, float], excluded: frozenset[Emotion] = frozenset()) -> Emotion:
    allowed = [lab for lab in LABELS if lab not in excluded] or [Emotion.CALM]
    return max(allowed, key=lambda lab: (scores.get(lab, 0.0), -LABELS.index(lab)))


def excluded_by(valence: float) -> frozenset[Emotion]:
    """Labels a clear valence rules out."""
    if valence <= -CLEAR_VALENCE:
        return frozenset({Emotion.JOY})
    if valence >= CLEAR_VALENCE:
        return frozenset({Emotion.SADNESS, Emotion.FEAR, Emotion.ANGER})
    return frozenset()


def _clauses(tokens: list[str]) -> list[tuple[int, int, float]]:
    """(start, end, weight) spans of clauses over the token list."""
    spans: list[list[Any]] = []  # [start, end, kind]
    start, kind = 0, "plain"
    for i, tok in enumerate(tokens):
        marker = (
            "concessive"
            if tok in cues.CONCESSIVE
            else "contrast"
            if tok in cues.CONTRAST
            else "subordinate"
            if tok in cues.SUBORDINATE
            else "coordinate"
            if tok in cues.COORDINATE
            else None
        )
        if tok in _BREAKS or marker:
            if i > start:
                spans.append([start, i, kind])
            start = i + 1
            kind = marker or "plain"
    if start < len(tokens):
        spans.append([start, len(tokens), kind])
    weights = {"concessive": 0.5, "contrast": 1.5, "subordinate": 0.8}
    out: list[tuple[int, int, float]] = []
    for n, (s, e, k) in enumerate(spans):
        w = weights.get(k, 1.0)
        if n + 1 < len(spans) and spans[n + 1][2] == "contrast":
            w *= 0.6
        out.append((s, e, w))
    return out


def read(text: str, calm_baseline: float = 0.6) -> Reading:
    """Label scores, valence and intensity of one narration text."""
    res = resources()
    tokens = tokenize(text)
    scores = dict.fromkeys(LABELS, 0.0)
    used = [False] * len(tokens)

    def add(label: Emotion, weight: float) -> None:
        scores[label] += weight

    # phrases first: they are consumed and not read word by word
    for i in range(len(tokens)):
        for phrase, label in cues.PHRASES:
            if tuple(tokens[i : i + len(phrase)]) == phrase and not any(used[i : i + len(phrase)]):
                add(label, 1.0)
                for j in range(i, i + len(phrase)):
                    used[j] = True

    for start, end, cw in _clauses(tokens):
        negated_left = 0
        boost, boost_left = 1.0, 0
        predicate = next((j for j in range(start, end) if is_past(tokens[j])), -1)
        for i in range(start, end):
            tok = tokens[i]
            if used[i]:
                continue
            if tok in res.negators or tok.endswith("n't"):
                nxt = tokens[i + 1] if i + 1 < end else ""
                if nxt in cues.NEGATION_CANCEL:
                    used[i + 1] = True  # "couldn't stop smiling" -> smiling
                    continue
                negated_left = 3
                continue
            if tok in res.boosters and (tok != "little" or tokens[i - 1 : i] == ["a"]):
                boost, boost_left = res.boosters[tok], 3
                continue
            affects = word_affect(tok)
            speech = _speech_weight(tokens, i) if affects else 1.0
            if tok == "still" and i + 1 < end and tokens[i + 1] not in cues.STILL_CALM_BEFORE:
                affects = ()
            if negated_left:
                meant = next(
                    (cues.NEGATED_MEANS[f] for f in lemmas(tok) if f in cues.NEGATED_MEANS), None
                )
                if meant is not None:
                    add(meant, cw)
                    negated_left = 0
                    continue
            if affects:
                emphasis = 1.0
                if is_feeling(tok):
                    emphasis = 1.5 if i == predicate else _emphasis(tokens, i, start)
                mult = cw * (boost if boost_left else 1.0) * emphasis * speech
                for label, w in affects:
                    if negated_left:
                        if label == Emotion.JOY:
                            add(Emotion.SADNESS, 0.8 * w * mult)
                        elif label != Emotion.CALM:
                            add(Emotion.CALM, 0.6 * w * mult)
                    else:
                        add(label, w * mult)
                negated_left = 0
                boost_left = 0
            negated_left = max(0, negated_left - 1)
            boost_left = max(0, boost_left - 1)

    question = "?" in tokens
    exclaims = tokens.count("!")
    if question:
        add(Emotion.CURIOSITY, 1.0)
    add(Emotion.SURPRISE, 0.2 * exclaims)
    narrative = any(t in cues.PAST_MARKERS or is_past(t) for t in tokens)
    if not question and not exclaims and not narrative:
        for label in LABELS:  # expository: a lesson fact names feelings, it does not feel
            if label != Emotion.CURIOSITY:  # ... but "let's find out" is curious
                scores[label] *= 0.5
    affect = max(scores.values())
    scores[Emotion.CALM] += calm_baseline
    valence = float(res.vader.polarity_scores(text)["compound"]) if tokens else 0.0
    intensity = 0.1 + 0.5 * (1.0 - math.exp(-affect / 1.5)) + 0.3 * abs(valence)
    intensity = max(0.0, min(1.0, intensity + 0.08 * exclaims))
    return Reading(
        scores=scores, valence=valence, intensity=intensity, excluded=excluded_by(valence)
    )


def _speech_weight(tokens: list[str], i: int) -> float:
    """'"Help!" cried the pig', 'cried out': a verb of saying, not a feeling of its own."""
    verb = next((f for f in lemmas(tokens[i]) if f in cues.SPEECH_VERBS), None)
    if verb is None:
        return 1.0
    near = tokens[max(0, i - 2) : i] + tokens[i + 1 : i + 3]
    if any(t in cues.SPEECH_MARKS for t in near) or tokens[i + 1 : i + 2] == ["out"]:
        return cues.SPEECH_VERBS[verb]
    return 1.0


def _emphasis(tokens: list[str], i: int, start: int) -> float:
    """2 for a feeling named after with/in/of, 1.5 in the predicate, else 1."""
    j = i - 1
    while j >= start and (tokens[j] in cues.FILLERS or tokens[j] in resources().boosters):
        j -= 1
    if j < start:
        return 1.0
    prev = tokens[j]
    if prev in cues.FEELING_PREPOSITIONS:
        return 2.0
    if prev in cues.LINKING:
        return 1.5
    possessive = prev in {"his", "her", "their", "my", "our", "its"}
    if possessive and j - 1 >= start and tokens[j - 1] in cues.FEELING_PREPOSITIONS:
        return 2.0
    return 1.0
