"""``verify`` end to end, and the soft binding: payload in the pixels -> manifest store."""

from __future__ import annotations

import sqlite3

import pytest
from ttv_contracts.errors import TTVError
from ttv_contracts.v1 import ProvenanceManifest, WatermarkPayload
from ttv_watermark import DctQimWatermark, init_keys
from ttv_watermark.keys import key_id, load_public_key
from ttv_watermark.store import DB_NAME, ManifestStore
from wm_helpers import animatic_pan, natural_frame, reencode, write_mp4

PAYLOAD = WatermarkPayload(run_id="run-soft", content_digest="5eed5eed00112233")


def manifest() -> ProvenanceManifest:
    return ProvenanceManifest(
        run_id="run-soft",
        report_sha256="b" * 64,
        modules={"watermark": "dct-qim 0.2.0"},
        payload_hex=PAYLOAD.hex(),
        created_at="2026-11-27T10:00:00Z",
    )


@pytest.fixture(scope="module")
def signed(tmp_path_factory):
    """(watermarker with key and store, signed MP4 of a marked animatic clip)."""
    tmp = tmp_path_factory.mktemp("soft")
    init_keys(tmp / "keys")
    wm = DctQimWatermark(key_path=str(tmp / "keys"), store_dir=str(tmp / "store"))
    frames = list(wm.embed(iter(animatic_pan(1280, 720, n=8, seed=1)), PAYLOAD))
    video = tmp / "lesson.mp4"
    write_mp4(video, frames, crf=23)
    wm.sign(video, manifest())
    return wm, video


def test_original_verifies(signed) -> None:
    wm, video = signed
    report = wm.verify(video)
    assert report.ok, report.reasons
    assert report.watermark.payload_hex == PAYLOAD.hex()


def test_flipped_byte_fails_on_the_digest(signed, tmp_path) -> None:
    wm, video = signed
    copy = tmp_path / "lesson.mp4"
    data = bytearray(video.read_bytes())
    data[len(data) // 3] ^= 0x01
    copy.write_bytes(bytes(data))
    report = wm.verify(copy)
    assert not report.ok
    assert not report.file_digest_match
    assert any("file digest" in r for r in report.reasons)


def test_reencoded_copy_is_identified_through_the_store(signed, tmp_path) -> None:
    wm, video = signed
    copy = tmp_path / "reupload.mp4"
    reencode(video, copy, crf=28)
    report = wm.verify(copy)
    assert not report.ok  # not the signed bytes
    assert report.watermark is not None and report.watermark.payload_hex == PAYLOAD.hex()
    assert report.watermark_matches_manifest is True
    assert report.reasons[0].startswith("no provenance record")
    kid = key_id(load_public_key(video.parent / "keys"))
    soft = report.reasons[1]
    assert soft.startswith("soft binding: re-encoded copy of lesson.mp4 (run run-soft)")
    assert f"signed by key {kid} on 20" in soft
    assert "pixels changed after signing" in soft


def test_reencoded_copy_without_the_store_is_not_identified(signed, tmp_path) -> None:
    wm, video = signed
    copy = tmp_path / "reupload.mp4"
    reencode(video, copy, crf=28)
    other = DctQimWatermark(key_path=wm.options["key_path"], store_dir=str(tmp_path / "empty"))
    report = other.verify(copy)
    assert not report.ok and report.watermark_matches_manifest is None
    assert "no manifest with that payload" in report.reasons[1]


def test_store_of_another_signer_does_not_vouch(signed, tmp_path) -> None:
    wm, video = signed
    copy = tmp_path / "reupload.mp4"
    reencode(video, copy, crf=28)
    init_keys(tmp_path / "other")
    other = DctQimWatermark(
        trusted_public_key=str(tmp_path / "other"), store_dir=wm.options["store_dir"]
    )
    report = other.verify(copy)
    assert report.watermark_matches_manifest is None
    assert "no stored record has a valid signature by the trusted key" in report.reasons[1]


def test_video_ttv_never_made(tmp_path) -> None:
    video = tmp_path / "camera.mp4"
    write_mp4(video, [natural_frame(640, 360, seed=s) for s in range(4)])
    wm = DctQimWatermark(store_dir=str(tmp_path / "store"))
    report = wm.verify(video)
    assert not report.ok
    assert report.watermark is not None and report.watermark.payload_hex is None
    assert "no TTV watermark found" in report.reasons[1]


def test_sign_appends_to_the_store(signed) -> None:
    wm, _ = signed
    store = ManifestStore(wm.options["store_dir"])
    rows = store.lookup(PAYLOAD.hex())
    assert rows and rows[0].title == "lesson.mp4"
    assert rows[0].record.manifest == manifest()
    with sqlite3.connect(store.dir / DB_NAME) as con:
        assert con.execute("SELECT count(*) FROM manifests").fetchone()[0] >= 1


def test_unusable_store_is_e335(tmp_path) -> None:
    init_keys(tmp_path / "keys")
    blocker = tmp_path / "store"
    blocker.write_text("a file where the store directory should be")
    wm = DctQimWatermark(key_path=str(tmp_path / "keys"), store_dir=str(blocker))
    video = tmp_path / "v.mp4"
    write_mp4(video, animatic_pan(320, 180, n=2))
    with pytest.raises(TTVError) as info:
        wm.sign(video, manifest())
    assert info.value.code == "TTV-E335"
