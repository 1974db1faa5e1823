"""Signed provenance records, stored in a trailing ISO-BMFF ``uuid`` box and a sidecar.

* The record is :class:`ttv_contracts.v1.ProvenanceRecord` JSON. For an ISO-BMFF file (MP4,
  MOV: it starts with an ``ftyp`` box) it is appended as a top-level ``uuid`` box with
  :data:`TTV_UUID` at the end of the file; players skip unknown top-level boxes. Every file,
  MP4 or not, also gets ``<file>.provenance.json``.
* The file digest is SHA-256 of the file's bytes *without* that box, so adding (or
  replacing) the box does not change the digest it records. Bytes appended after the box
  are part of the digest, so they break verification.
* The signature is Ed25519 over ``MESSAGE_PREFIX + file_sha256 + "\\n" + canonical manifest
  JSON`` (sorted keys, no whitespace, UTF-8).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
import uuid
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from ttv_contracts.v1 import ProvenanceManifest, ProvenanceRecord

from .keys import key_id, raw_public

#: Fixed extended type of TTV's provenance box (uuid5 of a TTV URL; never change it).
TTV_UUID = uuid.uuid5(uuid.NAMESPACE_URL, "https://ttv.invalid/provenance/v1").bytes
MESSAGE_PREFIX = b"TTV-PROVENANCE-v1\n"
SIDECAR_SUFFIX = ".provenance.json"
_CHUNK = 1 << 20


def canonical_manifest(manifest: ProvenanceManifest) -> bytes:
    return json.dumps(
        manifest.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()


def signed_message(file_sha256: str, manifest: ProvenanceManifest) -> bytes:
    return MESSAGE_PREFIX + file_sha256.encode() + b"\n" + canonical_manifest(manifest)


def sidecar_path(video: Path) -> Path:
    return video.with_name(video.name + SIDECAR_SUFFIX)


@dataclass(frozen=True)
class Box:
    offset: int
    size: int
    payload: bytes


def is_isobmff(path: Path) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(8)
    return len(head) == 8 and head[4:8] == b"ftyp"


def find_ttv_boxes(path: Path) -> list[Box] | None:
    """TTV provenance boxes among the top-level boxes; None if the file is not ISO-BMFF or
    its top-level box structure is broken."""
    if not is_isobmff(path):
        return None
    total = path.stat().st_size
    found: list[Box] = []
    with open(path, "rb") as fh:
        pos = 0
        while pos < total:
            fh.seek(pos)
            head = fh.read(8)
            if len(head) < 8:
                return None
            size, kind = struct.unpack(">I4s", head)
            header = 8
            if size == 1:
                big = fh.read(8)
                if len(big) < 8:
                    return None
                size = struct.unpack(">Q", big)[0]
                header = 16
            elif size == 0:
                size = total - pos
            if size < header or pos + size > total:
                return None
            if kind == b"uuid" and size >= header + 16:
                ext = fh.read(16)
                if ext == TTV_UUID:
                    found.append(Box(pos, size, fh.read(size - header - 16)))
            pos += size
    return found


def file_digest(path: Path, skip: list[Box] | None = None) -> str:
    """SHA-256 of the file with the given byte ranges (TTV boxes) left out."""
    skip = sorted(skip or [], key=lambda b: b.offset)
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        pos = 0
        for box in [*skip, Box(path.stat().st_size, 0, b"")]:
            fh.seek(pos)
            remaining = box.offset - pos
            while remaining > 0:
                block = fh.read(min(_CHUNK, remaining))
                if not block:
                    break
                h.update(block)
                remaining -= len(block)
            pos = box.offset + box.size
    return h.hexdigest()


def content_digest(path: Path) -> str:
    """The digest a record covers: the file without any TTV provenance box."""
    return file_digest(path, find_ttv_boxes(path) or [])


def make_record(
    path: Path, manifest: ProvenanceManifest, key: Ed25519PrivateKey
) -> ProvenanceRecord:
    digest = content_digest(path)
    signature = key.sign(signed_message(digest, manifest))
    pub = key.public_key()
    return ProvenanceRecord(
        manifest=manifest,
        file_sha256=digest,
        algorithm="Ed25519",
        signature_b64=base64.b64encode(signature).decode(),
        public_key_b64=base64.b64encode(raw_public(pub)).decode(),
        key_id=key_id(pub),
    )


def record_json(record: ProvenanceRecord) -> bytes:
    return json.dumps(record.model_dump(mode="json"), sort_keys=True, indent=2).encode()


def write_box(path: Path, record: ProvenanceRecord) -> None:
    """Remove any TTV box, then append one holding ``record`` (atomically: temp + rename)."""
    boxes = find_ttv_boxes(path)
    if boxes is None:
        raise ValueError(f"{path} is not an ISO-BMFF file with a readable box structure")
    payload = record_json(record)
    box = struct.pack(">I4s", 8 + 16 + len(payload), b"uuid") + TTV_UUID + payload
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(path, "rb") as src, open(tmp, "wb") as dst:
        pos = 0
        for b in [*sorted(boxes, key=lambda b: b.offset), Box(path.stat().st_size, 0, b"")]:
            src.seek(pos)
            remaining = b.offset - pos
            while remaining > 0:
                block = src.read(min(_CHUNK, remaining))
                dst.write(block)
                remaining -= len(block)
            pos = b.offset + b.size
        dst.write(box)
    os.replace(tmp, path)


def write_sidecar(path: Path, record: ProvenanceRecord) -> Path:
    side = sidecar_path(path)
    tmp = side.with_name(f".{side.name}.{os.getpid()}.tmp")
    tmp.write_bytes(record_json(record))
    os.replace(tmp, side)
    return side


def parse_record(data: bytes) -> ProvenanceRecord:
    return ProvenanceRecord.model_validate(json.loads(data.decode()))


def public_key_of(record: ProvenanceRecord) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(
        base64.b64decode(record.public_key_b64, validate=True)
    )


def check_signature(record: ProvenanceRecord) -> str | None:
    """None if the record's signature verifies with its embedded key, else the reason."""
    if record.algorithm != "Ed25519":
        return f"record is unsigned (algorithm {record.algorithm!r})"
    try:
        pub = public_key_of(record)
        sig = base64.b64decode(record.signature_b64, validate=True)
    except (ValueError, TypeError):
        return "record's public key or signature is not valid base64 Ed25519 data"
    try:
        pub.verify(sig, signed_message(record.file_sha256, record.manifest))
    except InvalidSignature:
        return "signature does not match the manifest and file digest in the record"
    return None
