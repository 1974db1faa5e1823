"""``ttv verify``: signature, manifest and watermark of a finished video.

The watermark implementation is built from the same config as ``ttv generate``, so an
implementation with a store (``dct-qim``: its manifest store for soft-binding lookups) gets
the same ``store_dir`` (``<store root>/<namespace>/<slot>``; the root is the config's
``store_dir``, else ``$TTV_STORE_DIR``, else ``.ttv/stores``). A re-encoded copy that lost its
provenance record is then identified from its watermark: that finding is listed first."""

from __future__ import annotations

import itertools
from pathlib import Path

from ttv_contracts.errors import E_VERIFY_FAILED, TTVError
from ttv_contracts.v1 import ProvenanceRecord, VerificationReport

from .chain import SlotChain
from .config import PipelineConfig
from .registry import Registry


def _sidecar_record(video: Path) -> ProvenanceRecord | None:
    sidecar = video.with_name(video.name + ".provenance.json")
    if not sidecar.is_file():
        return None
    try:
        return ProvenanceRecord.model_validate_json(sidecar.read_text(encoding="utf-8"))
    except Exception:
        return None


def read_frames(video: Path, max_frames: int):
    import av

    with av.open(str(video)) as container:
        for frame in itertools.islice(container.decode(video=0), max_frames):
            yield frame.to_ndarray(format="rgb24")


def verify_video(
    video: Path, config: PipelineConfig, *, max_frames: int = 48
) -> VerificationReport:
    video = Path(video)
    if not video.is_file():
        raise TTVError(E_VERIFY_FAILED, f"{video} does not exist", module="ttv-integration")
    chain = SlotChain("watermark", Registry(), config)
    impl = chain.instance(chain.primary)
    report = impl.verify(video, None)
    if report.watermark is None:
        detection = impl.detect(read_frames(video, max_frames))
        record = _sidecar_record(video)
        expected = record.manifest.payload_hex if record is not None else None
        matches = (
            None
            if expected is None or detection.payload_hex is None
            else (detection.payload_hex == expected)
        )
        if detection.payload_hex is None and chain.primary != "stub":
            matches = False
        data = report.model_dump()
        data.update(watermark=detection, watermark_matches_manifest=matches)
        if matches is False:
            data["reasons"] = (
                *report.reasons,
                "invisible watermark missing or differs from the manifest",
            )
        report = VerificationReport.model_validate(data)
    return _soft_binding_first(report)


def _soft_binding_first(report: VerificationReport) -> VerificationReport:
    """Put the soft-binding finding ("re-encoded copy of ...") before the other reasons: for a
    copy without a record it is the answer the user wants."""
    soft = [r for r in report.reasons if r.startswith("soft binding:")]
    if not soft:
        return report
    rest = [r for r in report.reasons if not r.startswith("soft binding:")]
    return report.model_copy(update={"reasons": (*soft, *rest)})
