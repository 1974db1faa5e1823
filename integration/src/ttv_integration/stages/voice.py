"""Narration -> AudioClip per shot. The voice fixes each shot's length, so audio and video are
built on one timeline and cannot drift."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ttv_contracts.v1 import Cast, VoiceSpec, VoiceSynthesizer, frames_for_duration

from ..artifacts import AudioArtifact
from .base import Stage

_QUOTE = re.compile(r"[\"“”«»„]")


@dataclass(frozen=True)
class ShotTimeline:
    """Where a shot sits on the timeline (timeline frames)."""

    index: int
    num_frames: int
    start_frame: int

    def start_s(self, fps: int) -> float:
        return self.start_frame / fps

    def end_s(self, fps: int) -> float:
        return (self.start_frame + self.num_frames) / fps


def voice_spec(config, text: str, shot_index: int, cast: Cast, language: str) -> VoiceSpec:
    """The narrator's voice; quoted speech with one character present gets that character's
    own, stable voice."""
    base = dict(config.slot("voice").options.get("narrator", {}) or {})
    spec = {"language": language, "speaker_seed": config.seed, **base}
    present = cast.in_shot(shot_index)
    if _QUOTE.search(text) and len(present) == 1:
        ch = present[0]
        gender = {"he": "male", "she": "female"}.get(ch.pronouns, "neutral")
        spec.update(gender=gender, speaker_seed=ch.seed)
    return VoiceSpec.model_validate(spec)


def _run(ex, st) -> None:
    cfg = ex.config
    ex.progress.start(STAGE.name, len(st.plan.shots))
    refs, timeline, start = [], [], 0
    for shot in st.plan.shots:
        vspec = voice_spec(cfg, shot.narration, shot.index, st.cast, st.plan.language)
        key = ex.key(STAGE, shot.narration, vspec)
        audio, ref = ex.produce(
            STAGE,
            key,
            lambda s=shot, v=vspec: (ex.call(STAGE, s.narration, v), (st.plan_ref, st.cast_ref)),
        )
        n = frames_for_duration(audio.duration_s + cfg.shot_pad_s, cfg.timeline_fps)
        timeline.append(ShotTimeline(shot.index, n, start))
        start += n
        refs.append(ref)
        ex.progress.advance(STAGE.name)
    ex.progress.finish(STAGE.name)
    st.audio, st.timeline = refs, timeline


STAGE = Stage(
    name="voice",
    rank=50,
    slot="voice",
    method=VoiceSynthesizer.synthesize,
    inputs=("plan", "plan_ref", "cast", "cast_ref"),
    outputs=("audio", "timeline"),
    artifact=AudioArtifact(),
    run=_run,
)
