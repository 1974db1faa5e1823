"""Blend each cut in place: the tail of shot A with the head of shot B, frame counts
unchanged. The cache keeps only the frames a cut changed (a patch on the lip-synced clip).
All-or-nothing on resume: a cut changes both its shots."""

from __future__ import annotations

from ttv_contracts.v1 import Clip, TransitionBlender

from ..artifacts import FramePatch, PatchArtifact
from . import lipsync
from .base import Stage


def trimmed(clip: Clip, t) -> Clip:
    """The part of a shot's clip that plays on the timeline (an edited timeline's trim)."""
    if not t.trimmed:
        return clip
    a, b = t.trim_in, t.trim_in + t.num_frames
    tracks = clip.tracks[a:b] if clip.tracks else ()
    return Clip(frames=clip.frames[a:b], fps=clip.fps, regions=clip.regions, tracks=tracks)


def placed(ex, st, i: int) -> Clip:
    """Shot ``i``'s lip-synced clip, trimmed to its span on the timeline."""
    return trimmed(ex.load(lipsync.STAGE, st.lipsync[i]), st.timeline[i])


def final_clip(ex, st, i: int) -> Clip:
    """Shot ``i`` as it goes on the timeline: its lip-synced clip with its cuts applied."""
    return ex.load(STAGE, st.final[i]).apply(placed(ex, st, i))


def _run(ex, st) -> None:
    lip = st.lipsync
    n = len(lip)
    trims = any(t.trimmed for t in st.timeline)  # an edited timeline's trims (never by default)
    keys = [
        ex.key(
            STAGE,
            i,
            [r.key for r in lip[max(0, i - 1) : i + 2]],
            st.cut_specs[max(0, i - 1) : i + 1],
            *(
                [(t.trim_in, t.num_frames) for t in st.timeline[max(0, i - 1) : i + 2]]
                if trims
                else []
            ),
        )
        for i in range(n)
    ]
    stats = ex.stage_stats(STAGE.name, STAGE.slot)
    cached = [ex.cached_lineage(STAGE, k) for k in keys]
    if all(c is not None for c in cached):
        from ..executor import Ref

        for c in cached:
            ex.reused(STAGE, c)
        st.final = [Ref(STAGE.name, k, c) for k, c in zip(keys, cached, strict=True)]
        return
    ex.progress.start(STAGE.name, max(1, n - 1))
    original = placed(ex, st, 0)
    current = original
    blended_by = [""] * n
    refs, cuts = [], 0
    for i in range(n - 1):
        nxt_original = placed(ex, st, i + 1)
        nxt = nxt_original
        if st.cut_specs[i].duration_frames > 0:
            current, nxt = ex.call(
                STAGE, current, nxt, st.cut_specs[i], num_frames=current.num_frames
            )
            blended_by[i] = blended_by[i + 1] = stats.last_impl
        else:
            cuts += 1
        inputs = lip[max(0, i - 1) : i + 2]
        patch = _patch(original, current)
        refs.append(ex.store(STAGE, keys[i], patch, inputs, made_by=blended_by[i]))
        original, current = nxt_original, nxt
        ex.progress.advance(STAGE.name)
    patch = _patch(original, current)
    refs.append(ex.store(STAGE, keys[-1], patch, lip[max(0, n - 2) :], made_by=blended_by[-1]))
    if cuts:
        stats.notes.append(f"{cuts} hard cut(s) within one location: nothing to blend")
    if n == 1:
        stats.notes.append("one shot: no cuts")
    ex.progress.finish(STAGE.name)
    st.final = refs


def _patch(original, current) -> FramePatch:
    """The frames a blend changed; a shot no blend touched (the same clip object, as after
    a hard cut) needs no frame-by-frame comparison."""
    if current is original:
        return FramePatch(fps=current.fps, indices=(), frames=current.frames[:0])
    return FramePatch.between(original, current)


STAGE = Stage(
    name="transitions",
    rank=81,
    slot="transitions",
    method=TransitionBlender.blend,
    inputs=("lipsync", "cut_specs", "timeline"),
    outputs=("final",),
    artifact=PatchArtifact(),
    run=_run,
)
