"""Write the run as an OpenTimelineIO timeline, ``timeline.otio`` next to the run's video
(delivered as ``OUT.otio`` beside ``OUT.mp4``): clips, transitions, narration, subtitle
markers and the run's metadata, frame-exact against the MP4 (see :mod:`..otio_export`)."""

from __future__ import annotations

from .. import otio_export
from .base import Stage


def _run(ex, st) -> None:
    report = st.report_now()
    stages = {
        r.stage: r.implementation if r.version == "-" else f"{r.implementation}@{r.version}"
        for r in report.stages
    }
    provenance_file = st.rd.path("provenance.json")
    tl = otio_export.build_timeline(
        lesson=st.lesson,
        plan=st.plan,
        cast=st.cast,
        sequence=st.sequence,
        timeline=st.timeline,
        cut_specs=st.cut_specs,
        cues=st.cues,
        config=ex.config,
        video_url=st.video.resolve().as_uri(),
        stages=stages,
        modules=st.video_lineage,
        provenance={
            "sha256": otio_export.sha256_file(provenance_file),
            "file_sha256": st.record.file_sha256,
            "report_sha256": st.record.manifest.report_sha256,
            "payload_hex": st.record.manifest.payload_hex,
            "key_id": st.record.key_id,
        },
        run_dir=str(st.rd.root),
        run_id=st.run_id,
    )
    otio_export.write(tl, st.rd.path("timeline.otio"))
    st.otio = tl  # delivered from memory (retargeted), not read back from the file


STAGE = Stage(
    name="timeline_export",
    rank=105,
    inputs=(
        "lesson",
        "plan",
        "cast",
        "sequence",
        "timeline",
        "cut_specs",
        "cues",
        "video",
        "video_lineage",
        "record",
        "rd",
        "run_id",
        "report_now",
    ),
    outputs=("otio",),
    run=_run,
    doc="timeline.otio: the cut as OpenTimelineIO, frame-exact against the MP4.",
)
