"""Sign the encoded video: a provenance manifest naming every implementation whose work the
video contains (computed in this run or reused from the cache), signed by the watermark
slot's signer."""

from __future__ import annotations

from datetime import UTC, datetime

from ttv_contracts.v1 import ProvenanceManifest, Watermarker, WatermarkPayload

from ..rundir import digest
from .base import Stage


def _run(ex, st) -> None:
    report = st.report_now()
    manifest = ProvenanceManifest(
        run_id=st.run_id,
        report_sha256=digest(report.model_dump(mode="json", exclude={"wall_s"})),
        modules=dict(sorted(st.video_lineage.items())),
        payload_hex=WatermarkPayload(run_id=st.run_id, content_digest=st.lesson.digest()).hex(),
        created_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    st.record = ex.call(STAGE, st.video, manifest)
    st.rd.write_json("provenance.json", st.record, durable=True)


STAGE = Stage(
    name="sign",
    rank=100,
    slot="watermark",
    method=Watermarker.sign,
    inputs=("video", "video_lineage", "lesson", "run_id", "rd", "report_now"),
    outputs=("record",),
    run=_run,
)
