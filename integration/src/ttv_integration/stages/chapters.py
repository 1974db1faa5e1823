"""WebVTT chapters for players: one chapter per lesson scene, at the timeline's own times,
delivered next to the video as ``<video>.chapters.vtt``. (The worked example of the "Add a
stage" docs page: a stage that calls no implementation.)"""

from __future__ import annotations

from .base import Stage


def _stamp(seconds: float) -> str:
    ms = round(seconds * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def chapters_vtt(plan, timeline, fps: int) -> str:
    """One cue per run of shots that share a scene, titled by the scene's setting."""
    lines, start, current = ["WEBVTT", ""], None, None
    spans = []
    for t in timeline:  # the cut's shots, in order (t.index: the plan's shot)
        shot = plan.shots[t.index]
        if shot.scene_index != current:
            current, start = shot.scene_index, t.start_s(fps)
            spans.append([start, t.end_s(fps), shot.setting or f"Part {len(spans) + 1}"])
        else:
            spans[-1][1] = t.end_s(fps)
    for i, (a, b, title) in enumerate(spans, 1):
        lines += [f"chapter-{i}", f"{_stamp(a)} --> {_stamp(b)}", title, ""]
    return "\n".join(lines)


def _run(ex, st) -> None:
    text = chapters_vtt(st.plan, st.timeline, ex.config.timeline_fps)
    st.chapters = st.rd.write_text(st.video.name + ".chapters.vtt", text)


STAGE = Stage(
    name="chapters",
    rank=95,
    inputs=("plan", "timeline", "video", "rd"),
    outputs=("chapters",),
    run=_run,
    doc="Scene chapters (WebVTT) beside the video.",
)
