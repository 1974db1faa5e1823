"""Narration -> AudioClip per shot. The voice fixes each shot's length, so audio and video are
built on one timeline and cannot drift."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ttv_contracts.errors import E_TIMELINE_INVALID, TTVError
from ttv_contracts.v1 import Cast, VoiceSpec, VoiceSynthesizer, frames_for_duration

from ..artifacts import AudioArtifact
from .base import Stage

_QUOTE = re.compile(r"[\"“”«»„]")


@dataclass(frozen=True)
class ShotTimeline:
    """Where a shot sits on the timeline (timeline frames). ``index`` is the story plan's
    shot; a trimmed shot (an edited timeline) plays frames ``[trim_in, trim_in + num_frames)``
    of its ``source_frames``-long clip."""

    index: int
    num_frames: int
    start_frame: int
    trim_in: int = 0
    full_frames: int = 0  # 0: untrimmed (num_frames)

    @property
    def source_frames(self) -> int:
        """Frames of the shot as generated (its narration plus pad), before any trim."""
        return self.full_frames or self.num_frames

    @property
    def trimmed(self) -> bool:
        return self.trim_in > 0 or self.source_frames != self.num_frames

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
    ex.progress.start(STAGE.name, len(st.sequence))
    refs, timeline, start = [], [], 0
    for pos, entry in enumerate(st.sequence):
        text = entry.narration
        vspec = voice_spec(cfg, text, entry.source, st.cast, st.plan.language)
        key = ex.key(STAGE, text, vspec)
        audio, ref = ex.produce(
            STAGE,
            key,
            lambda s=text, v=vspec: (ex.call(STAGE, s, v), (st.plan_ref, st.cast_ref)),
        )
        full = frames_for_duration(audio.duration_s + cfg.shot_pad_s, cfg.timeline_fps)
        n = full - entry.trim_in - entry.trim_out
        if n < 1:
            raise TTVError(
                E_TIMELINE_INVALID,
                f"clip {pos + 1} (shot {entry.source}) is trimmed by "
                f"{entry.trim_in}+{entry.trim_out} frames but lasts {full}",
                module="ttv-integration",
                hint="Leave at least one frame of every clip, or remove the clip.",
            )
        trimmed = n != full
        timeline.append(ShotTimeline(entry.source, n, start, entry.trim_in, full if trimmed else 0))
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
    inputs=("plan", "plan_ref", "cast", "cast_ref", "sequence"),
    outputs=("audio", "timeline"),
    artifact=AudioArtifact(),
    run=_run,
)
