"""Compose each shot's ShotSpec from its shot, cast, scene and emotion (no implementation is
called: this is the integration's own step)."""

from __future__ import annotations

from ttv_contracts.stubs import stable_seed
from ttv_contracts.v1 import CharacterRef, ShotSpec

from ..executor import Ref
from ..rundir import digest
from .base import Stage


def _season(scene) -> str:
    """The scene's season for the prompt, unless the setting already says it."""
    season = getattr(scene, "season", "unknown")
    if season == "unknown" or season in scene.setting.lower():
        return ""
    return season


def compose(cfg, plan, cast, book, track, t, narration: str | None = None) -> ShotSpec:
    shot = plan.shots[t.index]
    narration = shot.narration if narration is None else narration
    scene = book.for_shot(t.index)
    cue = track.for_shot(t.index)
    present = cast.in_shot(t.index)
    looks = "; ".join(f"{c.name}: {c.look()}" for c in present)
    prompt = ", ".join(
        p
        for p in (
            scene.setting,
            scene.time_of_day if scene.time_of_day != "unknown" else "",
            _season(scene),
            looks,
            f"{cue.emotion.value} mood",
            narration,
        )
        if p
    )
    return ShotSpec(
        shot_index=t.index,
        prompt=prompt[:2000],
        negative_prompt="blurry, distorted faces, watermark text, low quality",
        caption=narration,
        setting=scene.setting,
        palette=scene.palette,
        characters=tuple(
            CharacterRef(id=c.id, name=c.name, descriptors=c.descriptors, seed=c.seed)
            for c in present
        ),
        seed=stable_seed(cfg.seed, scene.background_seed, t.index),
        width=cfg.timeline_width,
        height=cfg.timeline_height,
        fps=cfg.timeline_fps,
        num_frames=t.source_frames,  # the whole shot; a trim slices it later
        directives=cue.directives,
        time_of_day=scene.time_of_day,
        weather=scene.weather,
        indoor_outdoor=scene.indoor_outdoor,
        objects=tuple(scene.objects),
        season=getattr(scene, "season", "unknown"),
    )


def _run(ex, st) -> None:
    upstream = [st.plan_ref, st.cast_ref, st.book_ref, st.track_ref]
    lineage: dict[str, str] = {}
    for ref in upstream:
        lineage.update(ref.lineage)
    st.specs = [
        compose(ex.config, st.plan, st.cast, st.book, st.track, t, e.narration)
        for t, e in zip(st.timeline, st.sequence, strict=True)
    ]
    st.spec_refs = [Ref(STAGE.name, digest("shotspec", s), lineage) for s in st.specs]


STAGE = Stage(
    name="shotspec",
    rank=60,
    inputs=(
        "plan",
        "plan_ref",
        "cast",
        "cast_ref",
        "book",
        "book_ref",
        "track",
        "track_ref",
        "timeline",
        "sequence",
    ),
    outputs=("specs", "spec_refs"),
    run=_run,
    doc="ShotSpec per shot: prompt, seed, size, fps, frame count, motion directives.",
)
