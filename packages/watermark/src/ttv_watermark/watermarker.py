"""``dct-qim``: the default TTV watermarker (invisible mark, detection, signing, verifying)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from ttv_contracts.v1 import (
    ModuleInfo,
    Needs,
    ProvenanceManifest,
    ProvenanceRecord,
    VerificationReport,
    WatermarkDetection,
    Watermarker,
    WatermarkPayload,
)

from . import dctqim, provenance
from .errors import E_CONFIG_INVALID, E_VIDEO_UNREADABLE, PACKAGE, TTVError
from .keys import ENV_VAR, key_id, load_private_key, load_public_key, raw_public
from .visible import POSITIONS, VisibleMark

__version__ = "0.1.0"

_DEFAULTS: dict[str, Any] = {
    "strength": 58.0,  # QIM step on the carrier DCT coefficients (PSNR ~39 dB at 58)
    "key_path": None,
    "trusted_public_key": None,
    "embed_in_file": True,
    "write_sidecar": True,
    "verify_watermark": True,
    "max_detect_frames": 48,
    "sync_frames": 3,
    "c2pa_cert_chain": None,  # PEM chain, leaf first (extra ttv-watermark[c2pa])
    "c2pa_private_key": None,
    "c2pa_alg": "es256",
    "c2pa_trust_anchors": None,  # PEM CA certificates trusted when reading C2PA
    "visible_text": None,
    "visible_position": "bottom-right",
    "visible_opacity": 0.6,
    "visible_scale": 0.04,
}


def _bad(message: str) -> TTVError:
    return TTVError(E_CONFIG_INVALID, f"watermark dct-qim: {message}", module=PACKAGE)


class DctQimWatermark(Watermarker):
    """Block-DCT QIM luma watermark with Reed-Solomon coding; Ed25519-signed provenance."""

    info = ModuleInfo(
        slot="watermark",
        name="dct-qim",
        version=__version__,
        package=PACKAGE,
        needs=Needs(),
        consumes="frame stream + WatermarkPayload; final MP4",
        produces="watermarked frames; Ed25519 ProvenanceRecord (MP4 uuid box + sidecar)",
        summary=(
            "Invisible RS(16,8)-coded QIM mark in low-frequency luma DCT coefficients, "
            "robust to H.264, 0.5x downscale and mild crops; Ed25519-signed provenance."
        ),
    )

    def __init__(self, **options: Any) -> None:
        unknown = sorted(set(options) - set(_DEFAULTS))
        if unknown:
            raise _bad(f"unknown option(s) {', '.join(unknown)}; known: {', '.join(_DEFAULTS)}")
        merged = {**_DEFAULTS, **options}
        super().__init__(**merged)
        try:
            self._delta = float(merged["strength"])
            self._max_frames = int(merged["max_detect_frames"])
            self._sync_frames = int(merged["sync_frames"])
            opacity = float(merged["visible_opacity"])
            vscale = float(merged["visible_scale"])
        except (TypeError, ValueError) as exc:
            raise _bad(f"option has the wrong type ({exc})") from None
        if not 8.0 <= self._delta <= 128.0:
            raise _bad(f"strength must be within 8..128, got {self._delta}")
        if self._max_frames < 1 or self._sync_frames < 1:
            raise _bad("max_detect_frames and sync_frames must be >= 1")
        self._visible: VisibleMark | None = None
        text = merged["visible_text"]
        if text:
            if merged["visible_position"] not in POSITIONS:
                raise _bad(f"visible_position must be one of {', '.join(POSITIONS)}")
            if not (0.0 < opacity <= 1.0 and 0.0 < vscale <= 0.5):
                raise _bad("visible_opacity must be in (0, 1] and visible_scale in (0, 0.5]")
            self._visible = VisibleMark(str(text), merged["visible_position"], opacity, vscale)
        self._embedders: dict[bytes, dctqim.Embedder] = {}

    # ------------------------------------------------------------------ embedding

    def _embed_frame(self, frame: np.ndarray, payload: WatermarkPayload) -> np.ndarray:
        data = payload.to_bytes()
        emb = self._embedders.get(data)
        if emb is None:
            emb = self._embedders[data] = dctqim.Embedder(dctqim.encode_bits(data), self._delta)
        if self._visible is not None:
            frame = self._visible.apply(frame)
        return emb.embed(frame)

    # ------------------------------------------------------------------ detection

    def _detect(self, frames: Iterator[np.ndarray]) -> WatermarkDetection:
        method = f"dct-qim rs(16,8) step={self._delta:g}"
        head: list[np.ndarray] = []
        for frame in frames:
            head.append(dctqim.luma(frame))
            if len(head) >= min(self._sync_frames, self._max_frames):
                break
        if not head:
            return WatermarkDetection(frames_examined=0, method=method)
        sync = dctqim.find_sync(head, self._delta)
        per_frame: list[tuple[np.ndarray, float]] = [
            dctqim.slot_votes(y, sync, self._delta) for y in head
        ]
        for frame in frames:
            if len(per_frame) >= self._max_frames:
                break
            per_frame.append(dctqim.slot_votes(dctqim.luma(frame), sync, self._delta))
        weights = np.array([max(e, 0.0) for _, e in per_frame])
        if weights.sum() <= 0:
            weights = np.ones(len(per_frame))
        agg = sum(w * v for (v, _), w in zip(per_frame, weights, strict=True))
        decoded = dctqim.decode_slots(agg)
        if decoded is None:
            return WatermarkDetection(frames_examined=len(per_frame), method=method)
        payload, phase, votes = decoded
        # Confidence: half from the share of frames that decode to the same payload alone
        # (majority across frames), half from how many raw soft-voted code bits agree with the
        # corrected codeword (1.0 = no bit needed correcting).
        want = dctqim.encode_bits(payload)
        agree = float(np.mean(dctqim.hard_bits(votes) == want))
        same = 0
        for v, _ in per_frame:
            got = dctqim.decode_bits(dctqim.hard_bits(dctqim.bit_votes(v, phase)))
            same += got is not None and got[0] == payload
        confidence = 0.5 * same / len(per_frame) + 0.5 * max(0.0, 2 * agree - 1)
        return WatermarkDetection(
            payload_hex=payload.hex(),
            confidence=round(min(1.0, confidence), 4),
            frames_examined=len(per_frame),
            method=method,
        )

    # ------------------------------------------------------------------ provenance

    def _sign(self, video: Path, manifest: ProvenanceManifest) -> ProvenanceRecord:
        key = load_private_key(self.options["key_path"])
        use_c2pa = bool(self.options["c2pa_cert_chain"] or self.options["c2pa_private_key"])
        if use_c2pa:
            from .c2pa_manifest import sign_c2pa

            if not (self.options["c2pa_cert_chain"] and self.options["c2pa_private_key"]):
                raise _bad("c2pa_cert_chain and c2pa_private_key must be set together")
            # C2PA first: it rewrites the file; the Ed25519 digest then covers the result.
            sign_c2pa(
                video,
                manifest,
                self.options["c2pa_cert_chain"],
                self.options["c2pa_private_key"],
                str(self.options["c2pa_alg"]),
            )
        record = provenance.make_record(video, manifest, key)
        # An appended box would break C2PA's BMFF hash: with C2PA the record goes to the
        # sidecar only.
        if (
            self.options["embed_in_file"]
            and not use_c2pa
            and provenance.find_ttv_boxes(video) is not None
        ):
            provenance.write_box(video, record)
        if self.options["write_sidecar"]:
            provenance.write_sidecar(video, record)
        return record

    def trusted_key(self) -> Any | None:
        """The configured trusted public key: ``trusted_public_key``, else the public half of
        ``key_path`` / ``TTV_SIGNING_KEY``; None when nothing is configured."""
        if self.options["trusted_public_key"]:
            return load_public_key(self.options["trusted_public_key"])
        source = self.options["key_path"] or os.environ.get(ENV_VAR)
        if source:
            return load_public_key(source)
        return None

    def _verify(self, video: Path, record: ProvenanceRecord | None) -> VerificationReport:
        reasons: list[str] = []
        boxes = provenance.find_ttv_boxes(video)
        copies: dict[str, ProvenanceRecord] = {}
        if boxes:
            if len(boxes) > 1:
                reasons.append(f"file holds {len(boxes)} provenance boxes; the last one is used")
            try:
                copies["embedded box"] = provenance.parse_record(boxes[-1].payload)
            except ValueError:
                reasons.append("the provenance box embedded in the file is unreadable")
        side = provenance.sidecar_path(video)
        if side.is_file():
            try:
                copies["sidecar"] = provenance.parse_record(side.read_bytes())
            except ValueError:
                reasons.append(f"sidecar {side.name} is unreadable")
        source = "given record"
        if record is None:
            if not copies:
                reasons.insert(
                    0,
                    "no provenance record: the file has no TTV provenance box and there is no "
                    f"sidecar {side.name} (manifest stripped or never signed)",
                )
                return VerificationReport(
                    signature_valid=False,
                    manifest_match=False,
                    file_digest_match=False,
                    reasons=tuple(reasons),
                )
            source, record = next(iter(copies.items()))
        manifest_match = True
        for name, other in copies.items():
            if name != source and other != record:
                manifest_match = False
                reasons.append(f"the {source} and the {name} disagree (manifest or signature)")
        digest = provenance.file_digest(video, boxes or [])
        digest_match = digest == record.file_sha256
        if not digest_match:
            reasons.append(
                f"file digest {digest[:16]}... differs from the signed digest "
                f"{record.file_sha256[:16]}...: the file changed after it was signed"
            )
        problem = provenance.check_signature(record)
        signature_valid = problem is None
        if problem:
            reasons.append(problem)
        trusted = self.trusted_key()
        if trusted is None:
            reasons.append(
                "no trusted key configured: the signature was checked against the public key "
                "carried in the record only"
            )
        elif signature_valid and raw_public(provenance.public_key_of(record)) != raw_public(
            trusted
        ):
            signature_valid = False
            reasons.append(
                f"signed by key {record.key_id or '?'}, not by the trusted key "
                f"{key_id(trusted)}: the file was re-signed with another key"
            )
        manifest_match &= self._check_c2pa(video, record, reasons)
        detection, wm_match = self._check_watermark(video, record, reasons)
        return VerificationReport(
            signature_valid=signature_valid,
            manifest_match=manifest_match,
            file_digest_match=digest_match,
            watermark=detection,
            watermark_matches_manifest=wm_match,
            reasons=tuple(reasons),
        )

    def _check_c2pa(self, video: Path, record: ProvenanceRecord, reasons: list[str]) -> bool:
        """False when a C2PA manifest is present and invalid or disagrees with the record."""
        from .c2pa_manifest import read_c2pa

        anchors = self.options["c2pa_trust_anchors"]
        found = read_c2pa(video, anchors)
        if found is None:
            if anchors:
                reasons.append("c2pa: no readable C2PA manifest in the file")
                return False
            return True
        state = found["state"]
        ok = state == "Trusted" or (state == "Valid" and not anchors)
        reasons.append(
            f"c2pa: manifest {state}"
            + (f" ({', '.join(found['failures'])})" if found["failures"] else "")
        )
        if found["ttv"] is not None and found["ttv"] != record.manifest.model_dump(mode="json"):
            reasons.append("c2pa: its TTV assertion differs from the signed manifest")
            ok = False
        return ok

    def _check_watermark(
        self, video: Path, record: ProvenanceRecord, reasons: list[str]
    ) -> tuple[WatermarkDetection | None, bool | None]:
        if not self.options["verify_watermark"]:
            return None, None
        from .video import read_frames

        try:
            detection = self.detect(read_frames(video, self._max_frames))
        except TTVError:
            raise
        except Exception as exc:  # PyAV raises many types for "not a video"
            if provenance.is_isobmff(video):
                raise TTVError(
                    E_VIDEO_UNREADABLE,
                    f"{video} looks like an MP4 but its frames cannot be decoded ({type(exc).__name__})",
                    module=PACKAGE,
                ) from None
            reasons.append("not a decodable video: watermark not checked")
            return None, None
        if detection.frames_examined == 0:
            reasons.append("no video frames: watermark not checked")
            return None, None
        match = detection.payload_hex == record.manifest.payload_hex
        if not match:
            found = detection.payload_hex or "nothing"
            reasons.append(
                f"watermark payload {found} does not match the manifest's "
                f"{record.manifest.payload_hex}"
            )
        return detection, match
