"""Pick each cut's transition from the emotion track's hint and whether the location changes."""

from __future__ import annotations

from ttv_contracts.v1 import TransitionBlender

from .base import Stage


def _run(ex, st) -> None:
    fps = ex.config.timeline_fps
    specs = []
    seq = st.sequence
    for i in range(len(st.specs) - 1):
        a, b = seq[i].source, seq[i + 1].source
        if seq[i + 1].cut is not None:  # an edited timeline says which transition
            specs.append(seq[i + 1].cut)
            continue
        changed = st.book.for_shot(a).location_id != st.book.for_shot(b).location_id
        hint = st.track.for_shot(b).transition_hint
        specs.append(ex.call(STAGE, hint, changed, fps))
    st.cut_specs = specs


STAGE = Stage(
    name="cuts",
    rank=80,
    slot="transitions",
    method=TransitionBlender.pick,
    inputs=("specs", "book", "track", "sequence"),
    outputs=("cut_specs",),
    run=_run,
)
