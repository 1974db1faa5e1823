"""The cut: which shots play, in which order, with which narration and trims.

By default the sequence is the story plan itself (every shot once, in order, its own
narration, untrimmed), so a plain run is unchanged. Rendering an edited timeline
(``ttv render TIMELINE.otio``) seeds the run with a :class:`TimelineEdit`; every later stage
(voice, shot specs, lip-sync, cuts, transitions, cues, render) iterates over this sequence.
Each entry keeps its *source* shot index, so a moved shot composes the same ShotSpec, has the
same cache keys and is reused; a trimmed shot slices its cached clip and audio; a new line of
narration changes only that shot's voice key, hence its length and its frames.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from ttv_contracts.errors import TTVError
from ttv_contracts.v1 import TransitionSpec

from .base import Stage


class SequenceShot(BaseModel):
    """One shot on the edited timeline. Trims are in timeline frames (``timeline_fps``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: int = Field(ge=0, description="index of the story plan's shot")
    narration: str = Field(min_length=1, description="the line the voice speaks")
    trim_in: int = Field(default=0, ge=0, description="frames cut from the shot's head")
    trim_out: int = Field(default=0, ge=0, description="frames cut from the shot's tail")
    cut: TransitionSpec | None = Field(
        default=None,
        description="the transition into this shot; None lets the transitions slot pick",
    )


class TimelineEdit(BaseModel):
    """An edit applied to a lesson's story plan (from an edited OTIO timeline)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    shots: tuple[SequenceShot, ...] = Field(min_length=1)


def identity_sequence(plan) -> tuple[SequenceShot, ...]:
    return tuple(SequenceShot(source=s.index, narration=s.narration) for s in plan.shots)


def check_edit(edit: TimelineEdit, plan) -> None:
    from ttv_contracts.errors import E_TIMELINE_INVALID

    n = len(plan.shots)
    for pos, shot in enumerate(edit.shots):
        if shot.source >= n:
            raise TTVError(
                E_TIMELINE_INVALID,
                f"clip {pos + 1} names shot {shot.source}, but the lesson has {n} shots",
                module="ttv-integration",
            )


def _run(ex, st) -> None:
    if st.edit is None:
        st.sequence = identity_sequence(st.plan)
        return
    check_edit(st.edit, st.plan)
    st.sequence = tuple(st.edit.shots)
    stats = ex.stage_stats(STAGE.name, "integration")
    moved = sum(1 for i, s in enumerate(st.sequence) if s.source != i)
    stats.notes.append(
        f"edited timeline: {len(st.sequence)} of {len(st.plan.shots)} shots, {moved} moved, "
        f"{sum(1 for s in st.sequence if s.trim_in or s.trim_out)} trimmed, "
        f"{sum(1 for s in st.sequence if s.narration != st.plan.shots[s.source].narration)} "
        "with new narration"
    )


STAGE = Stage(
    name="sequence",
    rank=45,
    inputs=("plan", "edit"),
    outputs=("sequence",),
    run=_run,
    doc="The ordered shots of the cut: source shot, narration, trims, transition overrides.",
)
