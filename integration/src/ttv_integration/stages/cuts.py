"""Pick each cut's transition from the emotion track's hint and whether the location changes."""

from __future__ import annotations

from ttv_contracts.v1 import TransitionBlender

from .base import Stage


def _run(ex, st) -> None:
    fps = ex.config.timeline_fps
    specs = []
    for i in range(len(st.specs) - 1):
        changed = st.book.for_shot(i).location_id != st.book.for_shot(i + 1).location_id
        hint = st.track.for_shot(i + 1).transition_hint
        specs.append(ex.call(STAGE, hint, changed, fps))
    st.cut_specs = specs


STAGE = Stage(
    name="cuts",
    rank=80,
    slot="transitions",
    method=TransitionBlender.pick,
    inputs=("specs", "book", "track"),
    outputs=("cut_specs",),
    run=_run,
)
