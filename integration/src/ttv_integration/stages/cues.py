"""Subtitle cues from the timeline and each shot's spoken words (integration step)."""

from __future__ import annotations

from ttv_contracts.v1 import SubtitleCue

from . import voice
from .base import Stage


def _run(ex, st) -> None:
    fps = ex.config.timeline_fps
    cues = []
    for pos, (t, ref, entry) in enumerate(zip(st.timeline, st.audio, st.sequence, strict=True)):
        audio = ex.load(voice.STAGE, ref)
        speech_end = audio.words[-1].end_s if audio.words else audio.duration_s
        start = t.start_s(fps)
        speech_end -= t.trim_in / fps  # a trimmed head starts into the line
        end = min(t.end_s(fps), start + max(speech_end, 0.5))
        cues.append(
            SubtitleCue(
                index=pos,
                start_s=round(start, 3),
                end_s=round(end, 3),
                text=entry.narration,
            )
        )
    st.cues = cues


STAGE = Stage(
    name="cues",
    rank=85,
    inputs=("timeline", "audio", "plan", "sequence"),
    outputs=("cues",),
    run=_run,
)
