"""ShotSpec -> Keyframe, per shot, made when a later stage first needs it."""

from __future__ import annotations

from ttv_contracts.v1 import KeyframeRenderer

from ..artifacts import KeyframeArtifact
from .base import PerShot, Stage


def _run(ex, st) -> None:
    def key(i: int) -> str:
        return ex.key(STAGE, st.specs[i])

    def get(i: int):
        spec = st.specs[i]
        return ex.produce(
            STAGE,
            key(i),
            lambda: (ex.call(STAGE, spec, num_frames=spec.num_frames), (st.spec_refs[i],)),
        )

    st.keyframes = PerShot(key, get)


STAGE = Stage(
    name="keyframe",
    rank=70,
    slot="keyframe",
    method=KeyframeRenderer.render,
    inputs=("specs", "spec_refs"),
    outputs=("keyframes",),
    artifact=KeyframeArtifact(),
    run=_run,
)
