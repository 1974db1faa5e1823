"""Blend each cut in place: the tail of shot A with the head of shot B, frame counts
unchanged, shot by shot as the render pulls them (the render streams; nothing waits for the
whole lesson). The cache keeps only the frames a cut changed (a patch on the lip-synced
clip). All-or-nothing on resume: a cut changes both its shots."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ttv_contracts.v1 import Clip, TransitionBlender

from ..artifacts import FramePatch, PatchArtifact
from ..cache import Lineage
from ..executor import Ref
from . import lipsync
from .base import Stage


def trimmed(clip: Clip, t) -> Clip:
    """The part of a shot's clip that plays on the timeline (an edited timeline's trim)."""
    if not t.trimmed:
        return clip
    a, b = t.trim_in, t.trim_in + t.num_frames
    tracks = clip.tracks[a:b] if clip.tracks else ()
    return Clip(frames=clip.frames[a:b], fps=clip.fps, regions=clip.regions, tracks=tracks)


def placed(ex, st, i: int) -> tuple[Clip, Ref]:
    """Shot ``i``'s lip-synced clip, trimmed to its span on the timeline, and its ref."""
    clip, ref = st.lipsync.get(i)
    return trimmed(clip, st.timeline[i]), ref


@dataclass
class FinalClips:
    """The shots as they go on the timeline, made when the render pulls them, in order.

    ``keys`` (one per shot, known before anything is computed) key the render; iterating
    :meth:`clips` yields ``(clip, ref)`` per shot: the lip-synced clip with its cuts applied,
    and the ref whose lineage names everything the shot holds. Only the shot being blended and
    the next one are in memory; each is dropped from the cache's memory tier once yielded."""

    keys: list[str]
    clips: Callable[[], Iterator[tuple[Clip, Ref]]]
    credit: Callable[[Lineage], None]


def _run(ex, st) -> None:
    n = len(st.timeline)
    lip = [st.lipsync.key(i) for i in range(n)]
    trims = any(t.trimmed for t in st.timeline)  # an edited timeline's trims (never by default)
    keys = [
        ex.key(
            STAGE,
            i,
            lip[max(0, i - 1) : i + 2],
            st.cut_specs[max(0, i - 1) : i + 1],
            *(
                [(t.trim_in, t.num_frames) for t in st.timeline[max(0, i - 1) : i + 2]]
                if trims
                else []
            ),
        )
        for i in range(n)
    ]
    ex.stage_stats(STAGE.name, STAGE.slot)

    def credit(lineage: Lineage) -> None:
        """The finished video is reused: credit every per-shot stage with what made it."""
        for stage in (*lipsync.UPSTREAM, lipsync.STAGE, STAGE):
            ex.reused(stage, lineage, n)
        lipsync.finish(ex)

    st.final = FinalClips(keys, lambda: _clips(ex, st, keys), credit)


def _clips(ex, st, keys: list[str]) -> Iterator[tuple[Clip, Ref]]:
    n = len(keys)
    stats = ex.stage_stats(STAGE.name, STAGE.slot)
    cached = [ex.cached_lineage(STAGE, k) for k in keys]
    if all(c is not None for c in cached):  # every cut is done: patch the synced shots
        for i, lineage in enumerate(cached):
            ref = Ref(STAGE.name, keys[i], lineage)
            clip, lref = placed(ex, st, i)
            ex.reused(STAGE, lineage)
            yield ex.load(STAGE, ref).apply(clip), ref
            ex.cache.drop(lipsync.STAGE.name, lref.key)
            ex.cache.drop(STAGE.name, ref.key)
        lipsync.finish(ex)
        return
    # All-or-nothing: a cut changes both its shots, so the blends run again from the first.
    ex.progress.start(STAGE.name, max(1, n - 1))
    original, oref = placed(ex, st, 0)
    current = original
    refs = [oref]  # the lip-synced refs of shots i-1, i, i+1 (a patch's inputs)
    blended_by = [""] * n
    cuts = 0
    for i in range(n - 1):
        nxt_original, nref = placed(ex, st, i + 1)
        refs.append(nref)
        nxt = nxt_original
        if st.cut_specs[i].duration_frames > 0:
            current, nxt = ex.call(
                STAGE, current, nxt, st.cut_specs[i], num_frames=current.num_frames
            )
            blended_by[i] = blended_by[i + 1] = stats.last_impl
        else:
            cuts += 1
        ref = ex.store(STAGE, keys[i], _patch(original, current), refs, made_by=blended_by[i])
        ex.progress.advance(STAGE.name)
        yield current, ref
        ex.cache.drop(lipsync.STAGE.name, refs[-2].key)
        ex.cache.drop(STAGE.name, ref.key)
        refs = refs[-2:]
        original, current = nxt_original, nxt
    ref = ex.store(STAGE, keys[-1], _patch(original, current), refs, made_by=blended_by[-1])
    yield current, ref
    ex.cache.drop(lipsync.STAGE.name, refs[-1].key)
    ex.cache.drop(STAGE.name, ref.key)
    if cuts:
        stats.notes.append(f"{cuts} hard cut(s) within one location: nothing to blend")
    if n == 1:
        stats.notes.append("one shot: no cuts")
    ex.progress.finish(STAGE.name)
    lipsync.finish(ex)


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
