"""Lexicon + rules emotion analyzer: StoryPlan -> EmotionTrack (no model, nothing trained).

Per shot, :func:`ttv_emotion.rules.read` scores the seven labels from the NRC
word-emotion lexicon (``nrclex``), VADER (valence, negators, intensifiers), a small cue
table for the words and labels those lexicons lack, and grammar rules (clauses,
negation, intensifiers, the predicate). Then, over the whole plan:

* **Smoothing**: label scores, valence and intensity are smoothed with a zero-phase
  (forward + backward) exponential filter over neighbouring shots, restarting at explicit
  scene boundaries, so the arc does not jitter from one sentence to the next. A
  **strongly marked** shot (clear evidence and margin before smoothing) keeps its own
  label: smoothing never flips it.
* **Valence agreement**: a label never contradicts the cue's valence. A clearly valenced
  shot (|VADER| >= 0.35) never gets a label of the opposite sign; where the rules
  overrule a weak VADER sign the valence is set to a small value of the label's sign.
* **Arousal** comes from the label's place on Russell's circumplex (fear and anger high,
  sadness and calm low), scaled by intensity and exclamation marks.
* **Directives**: label and arousal pick the camera move, motion scale and pace; the
  transition hint on cue *i* says how shot *i* is entered from shot *i - 1*.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field
from ttv_contracts import version_of
from ttv_contracts.v1 import (
    CameraMove,
    Emotion,
    EmotionAnalyzer,
    EmotionCue,
    EmotionTrack,
    ImplementationOptions,
    ModuleInfo,
    MotionDirectives,
    StoryPlan,
    TransitionKind,
)

from .errors import E_EMOTION_OPTION, PACKAGE
from .rules import LABELS, SIGN, Reading, best_label, excluded_by, read

VERSION = version_of("ttv-emotion")  # pyproject.toml is the one source


class EmotionOptions(ImplementationOptions):
    """Options of ``lexicon``."""

    smoothing: float = Field(
        0.35,
        ge=0.0,
        le=0.95,
        description="Neighbour weight of the zero-phase smoothing filter, 0 (off) to 0.95.",
    )
    calm_baseline: float = Field(
        0.6, gt=0.0, le=5.0, description="Score calm starts from; higher gives calmer videos."
    )
    reset_at_scenes: bool = Field(
        True, description="Do not smooth across explicit scene boundaries."
    )


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
    """Lexicon + rules classifier (NRC via nrclex, VADER, cue table), smoothed, mapped to motion."""

    info = ModuleInfo(
        slot="emotion",
        name="lexicon",
        version=VERSION,
        package=PACKAGE,
        consumes="StoryPlan",
        produces="EmotionTrack",
        summary=(
            "Lexicon + rules classifier per shot (NRC via nrclex, VADER, a small cue table; "
            "negation, intensifiers, predicate), zero-phase smoothing that never flips a "
            "clearly marked shot, mapped to camera, motion scale, pace and transition hints."
        ),
    )

    Options = EmotionOptions
    option_error = E_EMOTION_OPTION.code

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.smoothing: float = self.opts.smoothing
        self.calm_baseline: float = self.opts.calm_baseline
        self.reset_at_scenes: bool = self.opts.reset_at_scenes

    # ---------------------------------------------------------------- per shot

    def read(self, text: str) -> Reading:
        """The rules' reading of one text (scores, valence, intensity, strength)."""
        return read(text, calm_baseline=self.calm_baseline)

    def score(self, text: str) -> tuple[dict[Emotion, float], float, float]:
        """Raw label scores, VADER valence and a raw intensity for one text."""
        r = self.read(text)
        return r.scores, r.valence, r.intensity

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
        raw = [self.read(s.narration) for s in plan.shots]
        n = len(raw)
        scores = {lab: [r.scores[lab] for r in raw] for lab in LABELS}
        valence = [r.valence for r in raw]
        intensity = [r.intensity for r in raw]
        for seg in self._segments(plan):
            for series in (*scores.values(), valence, intensity):
                part = smooth([series[i] for i in seg], self.smoothing)
                for i, v in zip(seg, part, strict=True):
                    series[i] = v
        cues: list[EmotionCue] = []
        prev_label: Emotion | None = None
        for i in range(n):
            val = _clip(valence[i], -1.0, 1.0)
            inten = _clip(intensity[i])
            if raw[i].strongly_marked:  # smoothing never flips a clear shot
                label = raw[i].label
            else:
                shot_scores = {lab: scores[lab][i] for lab in LABELS}
                label = best_label(shot_scores, excluded_by(val) | raw[i].excluded)
            sign = SIGN.get(label, 0)
            if sign * val < 0:  # clear rule evidence overruled VADER's sign
                val = sign * max(0.05, 0.5 * inten)
            exclaim = plan.shots[i].narration.count("!")
            arousal = _clip(BASE_AROUSAL[label] * (0.6 + 0.4 * inten) + 0.05 * exclaim)
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
