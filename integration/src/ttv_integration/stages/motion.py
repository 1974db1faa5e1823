"""ShotSpec + Keyframe -> Clip, per shot, made when a later stage first needs it.

Kept in memory only: the extender and lip-sync consume it at once, and the lip-synced clip
is what the cache keeps (one copy of each shot's frames). A model-backed motion that is
expensive to recompute can be persisted with ``cache_intermediate``."""

from __future__ import annotations

from ttv_contracts.v1 import MotionGenerator

from ..artifacts import ClipArtifact
from .base import PerShot, Stage


def _run(ex, st) -> None:
    def key(i: int) -> str:
        return ex.key(STAGE, st.specs[i], st.keyframes.key(i))

    def get(i: int):
        spec = st.specs[i]

        def compute():
            keyframe, kref = st.keyframes.get(i)
            return ex.call(STAGE, spec, keyframe, num_frames=spec.num_frames), (kref,)

        return ex.produce(STAGE, key(i), compute, persist=ex.config.cache_intermediate)

    st.motion = PerShot(key, get)


STAGE = Stage(
    name="motion",
    rank=71,
    slot="motion",
    method=MotionGenerator.animate,
    inputs=("specs", "keyframes"),
    outputs=("motion",),
    artifact=ClipArtifact(),
    persist=False,
    run=_run,
)
