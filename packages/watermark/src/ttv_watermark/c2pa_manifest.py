"""Optional C2PA manifest through ``c2pa-python`` (extra ``ttv-watermark[c2pa]``).

The manifest is embedded in the MP4 by the C2PA SDK (BMFF hard binding) and carries the TTV
manifest as a custom assertion (``org.ttv.provenance``). C2PA's BMFF hash covers every
top-level box, so when C2PA is on, the Ed25519 record is written to the sidecar only (an
appended box would invalidate the C2PA hash). C2PA refuses self-signed leaf certificates:
configure a leaf certificate chain (leaf first, then its CA) and its private key.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ttv_contracts.errors import E_EXTRA_MISSING
from ttv_contracts.v1 import ProvenanceManifest

from .errors import E_C2PA_FORMAT, E_KEY_INVALID, E_KEY_MISSING, PACKAGE, TTVError

ASSERTION = "org.ttv.provenance"
_MIME = {".mp4": "video/mp4", ".m4v": "video/mp4", ".mov": "video/quicktime"}


def _c2pa() -> Any:
    try:
        import c2pa
    except ImportError:
        raise TTVError(
            E_EXTRA_MISSING,
            "C2PA signing needs the c2pa extra: pip install 'ttv-watermark[c2pa]'",
            module=PACKAGE,
        ) from None
    return c2pa


def _read(path: str | os.PathLike[str], what: str) -> bytes:
    p = Path(path)
    if not p.is_file():
        raise TTVError(E_KEY_MISSING, f"C2PA {what} {p} does not exist", module=PACKAGE)
    return p.read_bytes()


def mime_of(video: Path) -> str | None:
    return _MIME.get(video.suffix.lower())


def sign_c2pa(
    video: Path,
    manifest: ProvenanceManifest,
    cert_chain: str | os.PathLike[str],
    private_key: str | os.PathLike[str],
    alg: str = "es256",
) -> None:
    """Embed a signed C2PA manifest into ``video`` in place (temp file + rename)."""
    c2pa = _c2pa()
    mime = mime_of(video)
    if mime is None:
        raise TTVError(
            E_C2PA_FORMAT,
            f"C2PA embedding supports .mp4/.m4v/.mov, not {video.suffix or 'no suffix'}",
            module=PACKAGE,
        )
    chain = _read(cert_chain, "certificate chain")
    key = _read(private_key, "private key")
    definition = {
        "claim_generator_info": [{"name": "ttv-watermark", "version": "0.1.0"}],
        "title": video.name,
        "assertions": [
            {
                "label": "c2pa.actions",
                "data": {
                    "actions": [
                        {
                            "action": "c2pa.created",
                            "digitalSourceType": "http://cv.iptc.org/newscodes/"
                            "digitalsourcetype/trainedAlgorithmicMedia",
                        }
                    ]
                },
            },
            {"label": ASSERTION, "data": manifest.model_dump(mode="json")},
        ],
    }
    try:
        signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(alg.encode(), chain, key, None))
        builder = c2pa.Builder(definition)
        tmp = video.with_name(f".{video.name}.{os.getpid()}.c2pa.tmp")
        with open(video, "rb") as src, open(tmp, "w+b") as dst:
            builder.sign(signer, mime, src, dst)
    except c2pa.C2paError as exc:
        raise TTVError(
            E_KEY_INVALID,
            f"C2PA signing failed: {str(exc).splitlines()[0][:200]}",
            module=PACKAGE,
            hint="C2PA needs a CA-issued leaf (not self-signed) with its chain, leaf first.",
        ) from None
    os.replace(tmp, video)


def read_c2pa(video: Path, trust_anchors: str | os.PathLike[str] | None) -> dict[str, Any] | None:
    """``{"state": "Trusted"|"Valid"|"Invalid", "ttv": manifest dict | None, "failures": [...]}``,
    or None when the file has no C2PA manifest (or the extra is not installed)."""
    try:
        import c2pa
    except ImportError:
        return None
    mime = mime_of(video)
    if mime is None:
        return None
    context = None
    if trust_anchors:
        pem = _read(trust_anchors, "trust anchors").decode()
        settings = c2pa.Settings.from_dict(
            {"trust": {"user_anchors": pem}, "verify": {"verify_trust": True}}
        )
        context = c2pa.Context(settings=settings)
    try:
        with open(video, "rb") as fh:
            reader = c2pa.Reader(mime, fh, context=context) if context else c2pa.Reader(mime, fh)
            state = reader.get_validation_state()
            results = reader.get_validation_results() or {}
            store = json.loads(reader.json())
    except c2pa.C2paError:
        return None
    active = store.get("manifests", {}).get(store.get("active_manifest", ""), {})
    ttv = next(
        (a.get("data") for a in active.get("assertions", []) if a.get("label") == ASSERTION), None
    )
    failures = [f.get("code", "?") for f in results.get("activeManifest", {}).get("failure", [])]
    return {"state": state, "ttv": ttv, "failures": failures}
