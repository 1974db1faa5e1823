"""``dct-qim``: the default TTV watermarker (invisible mark, detection, signing, verifying)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field
from ttv_contracts import version_of
from ttv_contracts.v1 import (
    ImplementationOptions,
    ModuleInfo,
    Needs,
    ProvenanceManifest,
    ProvenanceRecord,
    VerificationReport,
    WatermarkDetection,
    Watermarker,
    WatermarkPayload,
)

from . import dctqim, provenance, pss
from .errors import E_CONFIG_INVALID, E_VIDEO_UNREADABLE, PACKAGE, TTVError
from .keys import ENV_VAR, key_id, load_private_key, load_public_key, raw_public
from .store import ManifestStore
from .visible import VisibleMark

__version__ = version_of("ttv-watermark")  # pyproject.toml is the one source

MARKS = ("pss", "dct-qim")

_PathOption = str | Path | None


class WatermarkOptions(ImplementationOptions):
    """Options of ``dct-qim`` (README "Options" explains each mark)."""

    mark: Literal["pss", "dct-qim"] = Field(
        "pss",
        description="pss: perceptual spread spectrum (0.2); dct-qim: the 0.1 block-DCT QIM mark.",
    )
    gain: float = Field(
        1.0,
        ge=0.25,
        le=4.0,
        description="pss: scales target and cap of the perceptual mask; detection needs no "
        "matching value.",
    )
    mask_shape: Literal["jnd", "robust", "ssim"] = Field(
        "jnd",
        description="pss: jnd (default: per-pixel SSIM-aware mask on a layout off the 8-px grid; "
        "meets the invisibility thresholds on 720p animatic and 640x360 lesson frames), robust "
        "(the 0.2 mask) or ssim (the 0.2 opt-in).",
    )
    detect_legacy: bool = Field(
        True, description="pss: when no pss mark is found, also look for the 0.1 mark."
    )
    strength: float = Field(
        58.0,
        ge=8.0,
        le=128.0,
        description="dct-qim only: QIM step on the carrier DCT coefficients; detection must "
        "use the embedding value.",
    )
    store_dir: _PathOption = Field(
        None,
        description="Manifest store directory (soft binding), set by the integration; null: "
        "records are not stored.",
    )
    key_path: _PathOption = Field(
        None,
        description="Signing key PEM or key directory; null: the TTV_SIGNING_KEY variable.",
    )
    trusted_public_key: _PathOption = Field(
        None,
        description="Public key the signer must match at verify; null: the public half of "
        "the signing key.",
    )
    embed_in_file: bool = Field(True, description="Append the uuid box to ISO-BMFF files.")
    write_sidecar: bool = Field(True, description="Write <file>.provenance.json.")
    verify_watermark: bool = Field(
        True, description="Decode the video at verify and compare the mark with the manifest."
    )
    max_detect_frames: int = Field(48, ge=1, description="Frames read by detect and verify.")
    sync_frames: int = Field(3, ge=1, description="Frames used for the alignment search.")
    c2pa_cert_chain: _PathOption = Field(
        None,
        description="C2PA signing: PEM chain, leaf first (extra c2pa); set together with "
        "c2pa_private_key.",
    )
    c2pa_private_key: _PathOption = Field(
        None, description="C2PA signing key (PEM); set together with c2pa_cert_chain."
    )
    c2pa_alg: str = Field("es256", description="C2PA signing algorithm matching the leaf key.")
    c2pa_trust_anchors: _PathOption = Field(
        None, description="PEM CA certificates trusted when verifying C2PA."
    )
    visible_text: str | None = Field(
        None, description="Optional visible label (OpenCV text, alpha-blended)."
    )
    visible_position: Literal["top-left", "top-right", "bottom-left", "bottom-right", "center"] = (
        Field("bottom-right", description="Where the visible label goes.")
    )
    visible_opacity: float = Field(0.6, gt=0.0, le=1.0, description="Opacity of the visible label.")
    visible_scale: float = Field(
        0.04, gt=0.0, le=0.5, description="Visible label text height / frame height."
    )


def _bad(message: str) -> TTVError:
    return TTVError(E_CONFIG_INVALID, f"watermark dct-qim: {message}", module=PACKAGE)


class DctQimWatermark(Watermarker):
    """TTV's watermarker: perceptual spread-spectrum luma mark (``mark="pss"``, default) or the
    0.1 block-DCT QIM mark (``mark="dct-qim"``), Reed-Solomon coded; Ed25519-signed provenance
    and a manifest store for soft-binding lookups. The entry-point name ``dct-qim`` is kept so
    existing configs keep working."""

    info = ModuleInfo(
        slot="watermark",
        name="dct-qim",
        version=__version__,
        package=PACKAGE,
        needs=Needs(store=True),
        consumes="frame stream + WatermarkPayload; final MP4",
        produces=(
            "watermarked frames; Ed25519 ProvenanceRecord (MP4 uuid box + sidecar) "
            "+ manifest store (SQLite under store_dir)"
        ),
        summary=(
            "Invisible RS(16,8)-coded perceptual spread-spectrum luma mark (smooth, grid-free), "
            "robust to H.264 at 0.5 Mb/s, 480p, 0.5x, crops and brightness; Ed25519-signed "
            "provenance; soft-binding lookup of re-encoded copies."
        ),
    )

    Options = WatermarkOptions

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        opts = self.opts
        # the methods below read the options, defaults filled in, as a mapping
        self.options = opts.model_dump()
        self._mark: str = opts.mark
        self._shape: str = opts.mask_shape
        self._gain: float = opts.gain
        self._delta: float = opts.strength
        self._max_frames: int = opts.max_detect_frames
        self._sync_frames: int = opts.sync_frames
        self._visible: VisibleMark | None = None
        if opts.visible_text:
            self._visible = VisibleMark(
                opts.visible_text, opts.visible_position, opts.visible_opacity, opts.visible_scale
            )
        self._embedders: dict[bytes, Any] = {}
        store_dir = opts.store_dir
        self.store: ManifestStore | None = ManifestStore(store_dir) if store_dir else None

    # ------------------------------------------------------------------ embedding

    def _embed_frame(self, frame: np.ndarray, payload: WatermarkPayload) -> np.ndarray:
        data = payload.to_bytes()
        emb = self._embedders.get(data)
        if emb is None:
            if self._mark == "pss":
                emb = pss.Embedder(pss.encode_bits(data), self._gain, self._shape)
            else:
                emb = dctqim.Embedder(dctqim.encode_bits(data), self._delta)
            self._embedders[data] = emb
        if self._visible is not None:
            frame = self._visible.apply(frame)
        return emb.embed(frame)

    # ------------------------------------------------------------------ detection

    def _detect(self, frames: Iterator[np.ndarray]) -> WatermarkDetection:
        if self._mark == "dct-qim":
            return self._detect_qim(frames)
        if not self.options["detect_legacy"]:
            return self._detect_pss(frames)
        head: list[np.ndarray] = []
        for frame in frames:
            head.append(frame)
            if len(head) >= self._max_frames:
                break
        found = self._detect_pss(iter(head))
        if found.payload_hex is None:
            legacy = self._detect_qim(iter(head))
            if legacy.payload_hex is not None:
                return legacy
        return found

    def _detect_pss(self, frames: Iterator[np.ndarray]) -> WatermarkDetection:
        method = "pss rs(16,8)"
        head: list[np.ndarray] = []
        for frame in frames:
            head.append(pss.luma(frame))
            if len(head) >= min(self._sync_frames, self._max_frames):
                break
        if not head:
            return WatermarkDetection(frames_examined=0, method=method)
        # The jnd layout (212 work lines) and the 0.2 one (240): the right one is the
        # one whose cells agree with their copies (tile coherence); a wrong one scores ~0.8.
        sync = max((pss.find_sync(head, work) for work in pss.WORKS), key=lambda s: s.coherence)
        per_frame = [pss.slot_votes(y, sync) for y in head]
        for frame in frames:
            if len(per_frame) >= self._max_frames:
                break
            per_frame.append(pss.slot_votes(pss.luma(frame), sync))
        # Weight frames by how much more coherent than chance (~0.8) their cells are.
        weights = np.array([max(c - 0.8, 0.0) for _, c in per_frame])
        return _read_payload(pss, per_frame, weights, method)

    def _detect_qim(self, frames: Iterator[np.ndarray]) -> WatermarkDetection:
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
        return _read_payload(dctqim, per_frame, weights, method)

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
        if self.store is not None:
            # Soft binding: the payload in the pixels leads back to this record.
            self.store.add(record, title=video.name)
        else:
            self.note("watermark: no store_dir, so the manifest is not in a manifest store")
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
                    f"sidecar {side.name} (manifest stripped, re-encoded or never signed)",
                )
                return self._soft_binding(video, reasons)
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

    # ------------------------------------------------------------------ soft binding

    def _soft_binding(self, video: Path, reasons: list[str]) -> VerificationReport:
        """No record travels with the file: read the mark and look its payload up in the
        manifest store (C2PA-style soft binding). Never VERIFIED: the bytes are not the signed
        ones; the report says which signed video the pixels come from."""
        detection: WatermarkDetection | None = None
        matches: bool | None = None
        if self.options["verify_watermark"]:
            from .video import read_frames

            try:
                detection = self.detect(read_frames(video, self._max_frames))
            except Exception:  # not a video at all: nothing to read
                detection = None
        if detection is None or detection.frames_examined == 0:
            reasons.append("not a decodable video: no watermark to look up")
        elif detection.payload_hex is None:
            reasons.append(
                "no TTV watermark found: not a video TTV made (or the mark did not survive)",
            )
        else:
            found = self.store.lookup(detection.payload_hex) if self.store is not None else []
            good = [m for m in found if provenance.check_signature(m.record) is None]
            trusted = self.trusted_key()
            if trusted is not None:
                good = [
                    m
                    for m in good
                    if raw_public(provenance.public_key_of(m.record)) == raw_public(trusted)
                ]
            if good:
                m = good[0]
                matches = True
                more = (
                    f" ({len(good) - 1} more signed render(s) carry this mark)"
                    if len(good) > 1
                    else ""
                )
                reasons.append(
                    f"soft binding: re-encoded copy of {m.title} (run {m.record.manifest.run_id}), "
                    f"signed by key {m.record.key_id or '?'} on {m.signed_at}; pixels changed "
                    f"after signing{more}",
                )
            elif found:
                reasons.append(
                    f"watermark payload {detection.payload_hex} is in the manifest store, but "
                    "no stored record has a valid signature by the trusted key",
                )
            else:
                where = self.store.path if self.store is not None else "(no store_dir configured)"
                reasons.append(
                    f"TTV watermark payload {detection.payload_hex} found, but no manifest with "
                    f"that payload in the manifest store {where}",
                )
        return VerificationReport(
            signature_valid=False,
            manifest_match=False,
            file_digest_match=False,
            watermark=detection,
            watermark_matches_manifest=matches,
            reasons=tuple(reasons),
        )


def _read_payload(
    codec, per_frame: list[tuple[np.ndarray, float]], weights: np.ndarray, method: str
) -> WatermarkDetection:
    """Decode the weighted sum of the frames' slot votes with ``codec`` (the pss or dct-qim
    module: decode_slots, encode_bits, hard_bits, bit_votes, decode_bits).

    Confidence: half from the share of frames that decode to the same payload alone
    (majority across frames), half from how many raw soft-voted code bits agree with the
    corrected codeword (1.0 = no bit needed correcting). Frames are weighted by ``weights``
    (all alike when none is positive)."""
    if weights.sum() <= 0:
        weights = np.ones(len(per_frame))
    agg = sum(w * v for (v, _), w in zip(per_frame, weights, strict=True))
    decoded = codec.decode_slots(agg)
    if decoded is None:
        return WatermarkDetection(frames_examined=len(per_frame), method=method)
    payload, phase, votes = decoded
    want = codec.encode_bits(payload)
    agree = float(np.mean(codec.hard_bits(votes) == want))
    same = 0
    for v, _ in per_frame:
        got = codec.decode_bits(codec.hard_bits(codec.bit_votes(v, phase)))
        same += got is not None and got[0] == payload
    confidence = 0.5 * same / len(per_frame) + 0.5 * max(0.0, 2 * agree - 1)
    return WatermarkDetection(
        payload_hex=payload.hex(),
        confidence=round(min(1.0, confidence), 4),
        frames_examined=len(per_frame),
        method=method,
    )
