"""Lexicon emotion analyzer: StoryPlan -> EmotionTrack.

Per shot:

* **Emotion scores** from the NRC word-emotion lexicon that ships inside the ``nrclex``
  package (its JSON file, read through ``NRCLex``'s token API, so TextBlob and its corpora
  are never needed). Words within three tokens after a negator (VADER's ``NEGATE`` list)
  are skipped; unknown inflections fall back to simple suffix stripping.
  NRC categories map to the contract's labels: joy, sadness, fear, surprise as is;
  anger = anger + half of disgust; curiosity = anticipation plus question marks; calm is a
  baseline that wins when nothing else is strong.
* **Valence** is VADER's compound score (it handles negation, intensifiers, "!" and caps).
  Positive valence adds to joy, negative to sadness, so words NRC lacks still count.
* **Arousal** comes from the label's place on Russell's circumplex (fear and anger high,
  sadness and calm low), scaled by intensity and exclamation marks.
* **Smoothing**: scores, valence, arousal and intensity are smoothed with a zero-phase
  (forward + backward) exponential filter over neighbouring shots, restarting at explicit
  scene boundaries, so the arc does not jitter from one sentence to the next.
* **Directives**: label and arousal pick the camera move, motion scale and pace; the
  transition hint on cue *i* says how shot *i* is entered from shot *i - 1*.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ttv_contracts.errors import E_CONFIG_INVALID, TTVError
from ttv_contracts.v1 import (
    CameraMove,
    Emotion,
    EmotionAnalyzer,
    EmotionCue,
    EmotionTrack,
    ModuleInfo,
    MotionDirectives,
    StoryPlan,
    TransitionKind,
)

from .errors import E_EMOTION_OPTION, E_LEXICON_UNAVAILABLE, PACKAGE

VERSION = "0.1.0"
DEFAULTS: dict[str, Any] = {"smoothing": 0.35, "calm_baseline": 0.6, "reset_at_scenes": True}

LABELS: tuple[Emotion, ...] = (
    Emotion.FEAR,
    Emotion.ANGER,
    Emotion.SADNESS,
    Emotion.JOY,
    Emotion.SURPRISE,
    Emotion.CURIOSITY,
    Emotion.CALM,
)  # order breaks ties: a shot both joyful and surprising reads as joy, etc.

# Russell's circumplex: how activated each label is (0 = sleepy, 1 = frantic).
BASE_AROUSAL = {
    Emotion.FEAR: 0.8,
    Emotion.ANGER: 0.85,
    Emotion.SURPRISE: 0.75,
    Emotion.JOY: 0.6,
    Emotion.CURIOSITY: 0.45,
    Emotion.SADNESS: 0.3,
    Emotion.CALM: 0.15,
}

CAMERA = {
    Emotion.JOY: (CameraMove.PAN_RIGHT, CameraMove.DOLLY_IN, CameraMove.PAN_LEFT),
    Emotion.CALM: (CameraMove.STATIC, CameraMove.PAN_LEFT, CameraMove.PAN_RIGHT),
    Emotion.SADNESS: (CameraMove.DOLLY_OUT, CameraMove.TILT_DOWN),
    Emotion.FEAR: (CameraMove.ZOOM_IN, CameraMove.DOLLY_IN),
    Emotion.ANGER: (CameraMove.DOLLY_IN, CameraMove.ZOOM_IN),
    Emotion.SURPRISE: (CameraMove.ZOOM_OUT, CameraMove.TILT_UP),
    Emotion.CURIOSITY: (CameraMove.PARALLAX, CameraMove.DOLLY_IN),
}

_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|[!?]")
_SUFFIXES = (
    ("ies", "y"),
    ("ied", "y"),
    ("ing", ""),
    ("ing", "e"),
    ("ed", ""),
    ("ed", "e"),
    ("d", ""),
    ("es", ""),
    ("s", ""),
    ("ly", ""),
    ("er", ""),
    ("est", ""),
)


@lru_cache(maxsize=1)
def _resources() -> tuple[dict[str, list[str]], Any, frozenset[str]]:
    try:
        from nrclex import NRCLex
        from vaderSentiment.vaderSentiment import NEGATE, SentimentIntensityAnalyzer
    except ImportError as exc:  # pragma: no cover - dependencies of the package
        raise TTVError(E_LEXICON_UNAVAILABLE, f"emotion lexicon package missing: {exc}") from exc
    try:
        probe = NRCLex(None)  # the bundled NRC lexicon file
        lexicon = probe.__lexicon__
        vader = SentimentIntensityAnalyzer()
    except (OSError, ValueError) as exc:
        raise TTVError(E_LEXICON_UNAVAILABLE, f"emotion lexicon failed to load: {exc}") from exc
    if not lexicon:
        raise TTVError(E_LEXICON_UNAVAILABLE, "the NRC lexicon shipped by nrclex is empty")
    negators = frozenset(w.replace("'", "") for w in NEGATE) | frozenset(NEGATE) | {"no", "not"}
    return lexicon, vader, negators


def _lookup(word: str, lexicon: dict[str, list[str]]) -> list[str] | None:
    hit = lexicon.get(word)
    if hit is not None:
        return hit
    for suffix, repl in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            hit = lexicon.get(word[: -len(suffix)] + repl)
            if hit is not None:
                return hit
    return None


def smooth(values: list[float], weight: float) -> list[float]:
    """Zero-phase exponential smoothing: the mean of a forward and a backward pass.

    ``weight`` is how much the neighbours count (0 = no smoothing)."""
    if not values or weight <= 0:
        return list(values)
    a = 1.0 - weight
    fwd: list[float] = []
    for v in values:
        fwd.append(v if not fwd else a * v + weight * fwd[-1])
    bwd: list[float] = [0.0] * len(values)
    for i in range(len(values) - 1, -1, -1):
        bwd[i] = values[i] if i == len(values) - 1 else a * values[i] + weight * bwd[i + 1]
    return [(f + b) / 2 for f, b in zip(fwd, bwd, strict=True)]


def directives_for(label: Emotion, arousal: float, index: int) -> MotionDirectives:
    """Camera move, motion scale and pace for a label at an arousal level."""
    moves = CAMERA[label]
    camera = moves[index % len(moves)]
    if label == Emotion.CALM and arousal < 0.2:
        camera = CameraMove.STATIC
    return MotionDirectives(
        camera=camera,
        motion_scale=round(min(1.0, 0.1 + 0.8 * arousal), 3),
        pace=round(0.7 + 0.9 * arousal, 3),
    )


def _clip(x: float, lo: float = 0.0, hi: float = 1.0) -> float:
    return max(lo, min(hi, x))


class LexiconEmotion(EmotionAnalyzer):
    """NRC affect lexicon (nrclex) + VADER valence, smoothed, mapped to motion."""

    info = ModuleInfo(
        slot="emotion",
        name="lexicon",
        version=VERSION,
        package=PACKAGE,
        consumes="StoryPlan",
        produces="EmotionTrack",
        summary=(
            "NRC affect lexicon (nrclex) and VADER valence per shot, zero-phase smoothing "
            "across neighbours, mapped to camera, motion scale, pace and transition hints."
        ),
    )

    def __init__(self, **options: Any) -> None:
        unknown = sorted(set(options) - set(DEFAULTS))
        if unknown:
            raise TTVError(
                E_CONFIG_INVALID,
                f"unknown emotion option(s) {unknown}; known: {sorted(DEFAULTS)}",
                module=PACKAGE,
            )
        super().__init__(**options)
        opts = {**DEFAULTS, **options}
        try:
            self.smoothing = float(opts["smoothing"])
            self.calm_baseline = float(opts["calm_baseline"])
        except (TypeError, ValueError) as exc:
            raise TTVError(E_EMOTION_OPTION, f"emotion option has a wrong type: {exc}") from exc
        self.reset_at_scenes = bool(opts["reset_at_scenes"])
        if not 0.0 <= self.smoothing <= 0.95:
            raise TTVError(E_EMOTION_OPTION, "smoothing must be in 0..0.95")
        if not 0.0 < self.calm_baseline <= 5.0:
            raise TTVError(E_EMOTION_OPTION, "calm_baseline must be in (0, 5]")

    # ---------------------------------------------------------------- per shot

    def score(self, text: str) -> tuple[dict[Emotion, float], float, float]:
        """Raw label scores, VADER valence and a raw intensity for one text."""
        lexicon, vader, negators = _resources()
        tokens = _TOKEN.findall(text.lower())
        counts = {
            k: 0.0
            for k in (
                "joy",
                "sadness",
                "fear",
                "anger",
                "disgust",
                "surprise",
                "anticipation",
                "trust",
            )
        }
        hits = 0
        negated_until = -1
        for i, tok in enumerate(tokens):
            if tok in negators or tok.endswith("n't"):
                negated_until = i + 3
                continue
            if i <= negated_until:
                continue
            affects = _lookup(tok, lexicon)
            if not affects:
                continue
            hit = False
            for a in affects:
                if a in counts:
                    counts[a] += 1.0
                    hit = True
            hits += hit
        questions = tokens.count("?")
        exclaims = tokens.count("!")
        valence = float(vader.polarity_scores(text)["compound"])
        scores = {
            Emotion.JOY: counts["joy"] + max(0.0, valence),
            Emotion.SADNESS: counts["sadness"] + max(0.0, -valence) * 0.8,
            Emotion.FEAR: counts["fear"],
            Emotion.ANGER: counts["anger"] + 0.5 * counts["disgust"],
            Emotion.SURPRISE: counts["surprise"] + 0.3 * exclaims,
            Emotion.CURIOSITY: 0.7 * counts["anticipation"] + 1.0 * questions,
            Emotion.CALM: self.calm_baseline + 0.2 * counts["trust"],
        }
        intensity = _clip(0.1 + 0.45 * abs(valence) + 0.12 * hits + 0.1 * exclaims)
        return scores, valence, intensity

    # ---------------------------------------------------------------- slot

    def _segments(self, plan: StoryPlan) -> list[list[int]]:
        if not self.reset_at_scenes:
            return [list(range(len(plan.shots)))]
        segs: list[list[int]] = []
        for shot in plan.shots:
            if not segs or plan.shots[segs[-1][-1]].scene_index != shot.scene_index:
                segs.append([])
            segs[-1].append(shot.index)
        return segs

    def _analyze(self, plan: StoryPlan) -> EmotionTrack:
        raw = [self.score(s.narration) for s in plan.shots]
        n = len(raw)
        scores = {lab: [r[0][lab] for r in raw] for lab in LABELS}
        valence = [r[1] for r in raw]
        intensity = [r[2] for r in raw]
        for seg in self._segments(plan):
            for series in (*scores.values(), valence, intensity):
                part = smooth([series[i] for i in seg], self.smoothing)
                for i, v in zip(seg, part, strict=True):
                    series[i] = v
        cues: list[EmotionCue] = []
        prev_label: Emotion | None = None
        for i in range(n):
            label = max(LABELS, key=lambda lab: (scores[lab][i], -LABELS.index(lab)))
            inten = _clip(intensity[i])
            exclaim = plan.shots[i].narration.count("!")
            arousal = _clip(BASE_AROUSAL[label] * (0.6 + 0.4 * inten) + 0.05 * exclaim)
            val = _clip(valence[i], -1.0, 1.0)
            cues.append(
                EmotionCue(
                    shot_index=i,
                    emotion=label,
                    intensity=round(inten, 4),
                    valence=round(val, 4),
                    arousal=round(arousal, 4),
                    directives=directives_for(label, arousal, i),
                    transition_hint=self._transition(plan, i, label, prev_label, arousal),
                )
            )
            prev_label = label
        return EmotionTrack(cues=tuple(cues))

    @staticmethod
    def _transition(
        plan: StoryPlan, i: int, label: Emotion, prev: Emotion | None, arousal: float
    ) -> TransitionKind:
        """How shot ``i`` is entered from shot ``i - 1``."""
        if i == 0:
            return TransitionKind.FADE  # fade in from black
        if label in (Emotion.FEAR, Emotion.ANGER, Emotion.SURPRISE) and arousal >= 0.6:
            return TransitionKind.CUT  # shock lands on a hard cut
        if plan.shots[i].scene_index != plan.shots[i - 1].scene_index:
            return TransitionKind.FADE if label == Emotion.SADNESS else TransitionKind.DISSOLVE
        if label == Emotion.SADNESS and prev != Emotion.SADNESS:
            return TransitionKind.FADE
        if label in (Emotion.JOY, Emotion.CURIOSITY) and prev not in (label, None):
            return TransitionKind.WIPE_LEFT if i % 2 else TransitionKind.WIPE_RIGHT
        return TransitionKind.DISSOLVE
