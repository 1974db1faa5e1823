"""Burned-in text for the output video: captions, setting labels and name tags, drawn by one
compositing step at the end of the frame stream (see :mod:`.composite`), laid out by
:mod:`.layout`, with fonts from maintained font packages (:mod:`.fonts`)."""

from __future__ import annotations

from .composite import VERSION, Compositor, CueSpan, RegionFeed, ShotText, Style
from .fonts import FontChain
from .layout import Box, Figure, Layout, Placer, overlapping_pairs, safe_area

__all__ = [
    "VERSION",
    "Box",
    "Compositor",
    "CueSpan",
    "Figure",
    "FontChain",
    "Layout",
    "Placer",
    "RegionFeed",
    "ShotText",
    "Style",
    "for_render",
    "overlapping_pairs",
    "safe_area",
]


def for_render(cfg, st, sidecar=None, hard_after=()) -> tuple[Compositor, RegionFeed]:
    """The compositor for one render of the pipeline state ``st`` (timeline, cues, specs,
    cut specs), and the region feed its source fills with each shot's final clip.
    ``hard_after``: the shots followed by a hard cut (marked in the sidecar's records)."""
    feed = RegionFeed(
        [t.start_frame for t in st.timeline],
        [t.num_frames for t in st.timeline],
        (cfg.width, cfg.height),
        [c.duration_frames for c in st.cut_specs],
    )
    shots = [
        ShotText(setting=s.setting, names=tuple((c.id, c.name) for c in s.characters))
        for s in st.specs
    ]
    cues = [CueSpan(c.index, c.start_s, c.end_s, c.text) for c in st.cues]
    comp = Compositor(
        width=cfg.width,
        height=cfg.height,
        fps=cfg.fps,
        fps_in=cfg.timeline_fps,
        cues=cues,
        shots=shots,
        feed=feed,
        captions=cfg.burn_captions,
        labels=cfg.burn_labels,
        title_safe=cfg.title_safe,
        sidecar=sidecar,
        hard_after=hard_after,
    )
    return comp, feed
