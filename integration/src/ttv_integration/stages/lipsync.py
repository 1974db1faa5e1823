"""Clip + AudioClip -> Clip with mouth motion, per shot. Pulls each shot's keyframe, motion
and extension on demand, one shot at a time, so memory holds one shot's frames at most; a
shot whose lip-synced clip is cached needs none of them."""

from __future__ import annotations

from ttv_contracts.v1 import LipSyncer

from ..artifacts import ClipArtifact
from ..executor import Ref
from . import extender, keyframe, motion, voice
from .base import Stage

UPSTREAM = (keyframe.STAGE, motion.STAGE, extender.STAGE)


def _run(ex, st) -> None:
    for stage in (*UPSTREAM, STAGE):
        ex.stage_stats(stage.name, stage.slot)
        ex.progress.start(stage.name, len(st.specs))
    refs = []
    for i, spec in enumerate(st.specs):
        aref = st.audio[i]
        key = ex.key(STAGE, st.extended.key(i), aref.key, spec.characters)
        lineage = ex.cached_lineage(STAGE, key)
        if lineage is not None:  # the whole shot is done: credit the makers, compute nothing
            for stage in (*UPSTREAM, STAGE):
                ex.reused(stage, lineage)
                ex.progress.advance(stage.name)
            refs.append(Ref(STAGE.name, key, lineage))
            continue

        def compute(i=i, spec=spec, aref=aref):
            clip, eref = st.extended.get(i)
            for stage in UPSTREAM:
                ex.progress.advance(stage.name)
            audio = ex.load(voice.STAGE, aref)
            synced = ex.call(STAGE, clip, audio, spec.characters, num_frames=clip.num_frames)
            return synced, (eref, aref)

        _, ref = ex.produce(STAGE, key, compute)
        # Consumed: free the shot's frames now (the lip-synced clip is what stays).
        ex.cache.drop(keyframe.STAGE.name, st.keyframes.key(i))
        ex.cache.drop(motion.STAGE.name, st.motion.key(i))
        ex.cache.drop(extender.STAGE.name, st.extended.key(i))
        refs.append(ref)
        ex.progress.advance(STAGE.name)
    for stage in (*UPSTREAM, STAGE):
        ex.progress.finish(stage.name)
    st.lipsync = refs


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
