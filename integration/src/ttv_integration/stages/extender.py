"""Clip -> Clip of exactly the shot's frame count (never by looping), per shot, on demand.
Kept in memory only, like motion."""

from __future__ import annotations

from ttv_contracts.v1 import ClipExtender

from ..artifacts import ClipArtifact
from .base import PerShot, Stage


def _run(ex, st) -> None:
    def key(i: int) -> str:
        return ex.key(STAGE, st.motion.key(i), st.timeline[i].source_frames)

    def get(i: int):
        n = st.timeline[i].source_frames

        def compute():
            clip, mref = st.motion.get(i)
            return ex.call(STAGE, clip, n, num_frames=n), (mref,)

        return ex.produce(STAGE, key(i), compute, persist=ex.config.cache_intermediate)

    st.extended = PerShot(key, get)


STAGE = Stage(
    name="extender",
    rank=72,
    slot="extender",
    method=ClipExtender.extend,
    inputs=("motion", "timeline"),
    outputs=("extended",),
    artifact=ClipArtifact(),
    persist=False,
    run=_run,
)
