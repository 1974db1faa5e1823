"""Clip + AudioClip -> Clip with mouth motion, per shot, made when the render first needs it.

Each shot pulls its keyframe, motion and extension on demand, so memory holds a shot's frames
only while the render needs them; a shot whose lip-synced clip is cached needs none of them
(its makers are credited from the artifact's lineage)."""

from __future__ import annotations

from ttv_contracts.v1 import LipSyncer

from ..artifacts import ClipArtifact
from ..executor import Ref
from . import extender, keyframe, motion, voice
from .base import PerShot, Stage

UPSTREAM = (keyframe.STAGE, motion.STAGE, extender.STAGE)


def _run(ex, st) -> None:
    for stage in (*UPSTREAM, STAGE):
        ex.stage_stats(stage.name, stage.slot)
        ex.progress.start(stage.name, len(st.specs))

    def key(i: int) -> str:
        return ex.key(STAGE, st.extended.key(i), st.audio[i].key, st.specs[i].characters)

    def get(i: int):
        spec, aref, k = st.specs[i], st.audio[i], key(i)
        hit = ex.cache.get(STAGE.name, k, STAGE.artifact)
        if hit is not None:  # the whole shot is done: credit the makers, compute nothing
            clip, lineage = hit
            for stage in (*UPSTREAM, STAGE):
                ex.reused(stage, lineage)
                ex.progress.advance(stage.name)
            return clip, Ref(STAGE.name, k, lineage)

        def compute():
            clip, eref = st.extended.get(i)
            for stage in UPSTREAM:
                ex.progress.advance(stage.name)
            audio = ex.load(voice.STAGE, aref)
            synced = ex.call(STAGE, clip, audio, spec.characters, num_frames=clip.num_frames)
            return synced, (eref, aref)

        clip, ref = ex.produce(STAGE, k, compute)
        # Consumed: free the shot's frames now (the lip-synced clip is what stays).
        ex.cache.drop(keyframe.STAGE.name, st.keyframes.key(i))
        ex.cache.drop(motion.STAGE.name, st.motion.key(i))
        ex.cache.drop(extender.STAGE.name, st.extended.key(i))
        ex.progress.advance(STAGE.name)
        return clip, ref

    st.lipsync = PerShot(key, get)


def finish(ex) -> None:
    """The shots are all synced (the render consumed them): close the group's progress."""
    for stage in (*UPSTREAM, STAGE):
        ex.progress.finish(stage.name)


STAGE = Stage(
    name="lipsync",
    rank=73,
    slot="lipsync",
    method=LipSyncer.sync,
    inputs=("specs", "extended", "keyframes", "motion", "audio"),
    outputs=("lipsync",),
    artifact=ClipArtifact(),
    run=_run,
)
