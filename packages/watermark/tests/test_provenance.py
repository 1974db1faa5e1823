"""Signing and verification: MP4 box + sidecar, tamper cases, keys, CLI."""

from __future__ import annotations

import json
import os
import stat

import av
import numpy as np
import pytest
from ttv_contracts.errors import TTVError
from ttv_contracts.v1 import ProvenanceManifest, WatermarkPayload
from ttv_watermark import DctQimWatermark, init_keys
from ttv_watermark import provenance as prov
from ttv_watermark.cli import app
from ttv_watermark.keys import PRIVATE_NAME, PUBLIC_NAME
from typer.testing import CliRunner
from wm_helpers import natural_frame, pan, write_mp4

PAYLOAD = WatermarkPayload(run_id="run-7", content_digest="0badc0de12345678")


def manifest(payload_hex: str = PAYLOAD.hex()) -> ProvenanceManifest:
    return ProvenanceManifest(
        run_id="run-7",
        report_sha256="a" * 64,
        modules={"watermark": "dct-qim 0.1.0", "motion": "stub"},
        payload_hex=payload_hex,
        created_at="2026-11-25T04:00:00Z",
    )


@pytest.fixture
def keys(tmp_path):
    d = tmp_path / "keys"
    init_keys(d)
    return d


@pytest.fixture
def video(tmp_path):
    """A real MP4 carrying the watermark."""
    wm = DctQimWatermark()
    frames = list(wm.embed(iter(pan(natural_frame(640, 360, seed=4), 6)), PAYLOAD))
    path = tmp_path / "out.mp4"
    write_mp4(path, frames, crf=23)
    return path


def decodes(path) -> int:
    with av.open(str(path)) as c:
        return sum(1 for _ in c.decode(video=0))


def test_sign_appends_box_and_sidecar_and_file_still_decodes(keys, video) -> None:
    before = video.read_bytes()
    wm = DctQimWatermark(key_path=str(keys))
    record = wm.sign(video, manifest())
    after = video.read_bytes()
    assert after.startswith(before) and len(after) > len(before)
    assert after[len(before) + 4 : len(before) + 8] == b"uuid"
    assert after[len(before) + 8 : len(before) + 24] == prov.TTV_UUID
    assert record.file_sha256 == prov.hashlib.sha256(before).hexdigest()
    side = json.loads(prov.sidecar_path(video).read_text())
    assert side["signature_b64"] == record.signature_b64
    assert decodes(video) == 6
    report = wm.verify(video)
    assert report.ok, report.reasons
    assert report.watermark is not None and report.watermark.payload_hex == PAYLOAD.hex()
    assert report.watermark_matches_manifest is True


def test_resigning_replaces_the_box(keys, video) -> None:
    wm = DctQimWatermark(key_path=str(keys))
    first = wm.sign(video, manifest())
    size = video.stat().st_size
    second = wm.sign(video, manifest())
    assert video.stat().st_size == size
    assert len(prov.find_ttv_boxes(video)) == 1
    assert first.file_sha256 == second.file_sha256
    assert wm.verify(video).ok


def test_flipped_byte_fails(keys, video) -> None:
    wm = DctQimWatermark(key_path=str(keys), verify_watermark=False)
    wm.sign(video, manifest())
    data = bytearray(video.read_bytes())
    data[len(data) // 3] ^= 0x01
    video.write_bytes(bytes(data))
    report = wm.verify(video)
    assert not report.ok and not report.file_digest_match
    assert any("changed after it was signed" in r for r in report.reasons)


def test_resigned_with_another_key_fails_against_trusted_key(tmp_path, keys, video) -> None:
    DctQimWatermark(key_path=str(keys)).sign(video, manifest())
    other = tmp_path / "mallory"
    init_keys(other)
    DctQimWatermark(key_path=str(other)).sign(video, manifest())  # attacker re-signs
    for verifier in (
        DctQimWatermark(key_path=str(keys), verify_watermark=False),
        DctQimWatermark(trusted_public_key=str(keys / PUBLIC_NAME), verify_watermark=False),
    ):
        report = verifier.verify(video)
        assert not report.ok and not report.signature_valid
        assert report.file_digest_match  # bytes untouched, only the signer changed
        assert any("re-signed with another key" in r for r in report.reasons)
    # without a trusted key the signature is only self-consistent, and the report says so
    loose = DctQimWatermark(verify_watermark=False).verify(video)
    assert loose.signature_valid
    assert any("no trusted key configured" in r for r in loose.reasons)


def test_stripped_manifest_fails(keys, video) -> None:
    wm = DctQimWatermark(key_path=str(keys))
    wm.sign(video, manifest())
    box = prov.find_ttv_boxes(video)[0]
    video.write_bytes(video.read_bytes()[: box.offset])
    prov.sidecar_path(video).unlink()
    report = wm.verify(video)
    assert not report.ok
    assert "no provenance record" in report.reasons[0]


def test_sidecar_alone_still_verifies_and_disagreement_is_reported(keys, video) -> None:
    wm = DctQimWatermark(key_path=str(keys), verify_watermark=False)
    wm.sign(video, manifest())
    box = prov.find_ttv_boxes(video)[0]
    video.write_bytes(video.read_bytes()[: box.offset])  # box stripped, sidecar kept
    assert wm.verify(video).ok
    wm.sign(video, manifest())
    forged = manifest().model_copy(update={"report_sha256": "b" * 64})
    record = json.loads(prov.sidecar_path(video).read_text())
    record["manifest"] = forged.model_dump(mode="json")
    prov.sidecar_path(video).write_text(json.dumps(record))
    report = wm.verify(video)
    assert not report.manifest_match and not report.ok
    assert any("disagree" in r for r in report.reasons)


def test_tampered_manifest_in_given_record_fails(keys, video) -> None:
    wm = DctQimWatermark(key_path=str(keys), verify_watermark=False)
    record = wm.sign(video, manifest())
    forged = record.model_copy(update={"manifest": manifest("00" * 8)})
    report = wm.verify(video, forged)
    assert not report.signature_valid and not report.manifest_match and not report.ok


def test_bytes_appended_after_the_box_fail(keys, video) -> None:
    wm = DctQimWatermark(key_path=str(keys), verify_watermark=False)
    wm.sign(video, manifest())
    with open(video, "ab") as fh:
        fh.write(b"\x00\x00\x00\x10free" + b"\x00" * 8)
    assert not wm.verify(video).file_digest_match


def test_watermark_mismatch_is_reported(keys, video) -> None:
    wm = DctQimWatermark(key_path=str(keys))
    wm.sign(video, manifest("1122334455667788"))
    report = wm.verify(video)
    assert report.watermark_matches_manifest is False and not report.ok
    assert any("does not match the manifest" in r for r in report.reasons)


def test_any_file_gets_a_sidecar_only(tmp_path, keys) -> None:
    f = tmp_path / "notes.txt"
    f.write_bytes(b"plain bytes")
    wm = DctQimWatermark(key_path=str(keys))
    wm.sign(f, manifest())
    assert f.read_bytes() == b"plain bytes"
    report = wm.verify(f)
    assert report.ok and report.watermark is None
    f.write_bytes(b"plain bytez")
    assert not wm.verify(f).ok


def test_corrupt_mp4_structure_is_reported_not_crashing(tmp_path, keys) -> None:
    f = tmp_path / "broken.mp4"
    f.write_bytes(b"\x00\x00\x00\x18ftypisom" + b"\xff" * 40)
    wm = DctQimWatermark(key_path=str(keys), verify_watermark=False)
    wm.sign(f, manifest())  # box structure unreadable: sidecar only
    assert wm.verify(f).ok


# ------------------------------------------------------------------ keys


def test_first_use_creates_the_users_key_once(tmp_path, video, capsys) -> None:
    """No key configured: the user's own key is made in the config folder, 0600, announced
    once on stderr (path and public id, never key material), and reused after that."""
    import stat

    from ttv_watermark.keys import user_key_dir

    record = DctQimWatermark(verify_watermark=False).sign(video, manifest())
    private = user_key_dir() / PRIVATE_NAME
    assert user_key_dir().is_relative_to(tmp_path)
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert record.algorithm == "Ed25519" and record.key_id
    err = capsys.readouterr().err
    assert str(private) in err and record.key_id in err and "PRIVATE KEY" not in err
    again = DctQimWatermark(verify_watermark=False).sign(video, manifest())
    assert again.key_id == record.key_id
    assert capsys.readouterr().err == ""  # announced once


def test_missing_key_file_raises_e050(tmp_path, video) -> None:
    with pytest.raises(TTVError) as info:
        DctQimWatermark(key_path=str(tmp_path / "nope.pem")).sign(video, manifest())
    assert info.value.code == "TTV-E050"
    assert not (tmp_path / "nope.pem").exists()


def test_env_var_key(monkeypatch, keys, video) -> None:
    monkeypatch.setenv("TTV_SIGNING_KEY", str(keys / PRIVATE_NAME))
    wm = DctQimWatermark(verify_watermark=False)
    wm.sign(video, manifest())
    report = wm.verify(video)
    assert report.ok and not any("no trusted key" in r for r in report.reasons)


def test_init_keys_permissions_and_no_overwrite(tmp_path) -> None:
    priv, _pub = init_keys(tmp_path / "k")
    if os.name == "posix":
        assert stat.S_IMODE(priv.stat().st_mode) == 0o600
    before = priv.read_bytes()
    with pytest.raises(TTVError) as info:
        init_keys(tmp_path / "k")
    assert info.value.code == "TTV-E331"
    assert priv.read_bytes() == before


def test_a_creator_that_loses_the_race_gets_e331_and_the_winners_whole_pair(
    tmp_path, monkeypatch
) -> None:
    """Another process creates the pair between our existence check and our publishing it
    (several first runs at once): we never overwrite or half-write, and the pair on disk is
    the other's, complete and matching."""
    from ttv_watermark import keys as k

    real_generate = k.Ed25519PrivateKey.generate
    other = {}

    def generate_while_another_creates():
        if not other:
            other["started"] = True  # (its own generate() is the real one)
            other["paths"] = init_keys(tmp_path / "k")  # the other process wins meanwhile
        return real_generate()

    monkeypatch.setattr(k.Ed25519PrivateKey, "generate", generate_while_another_creates)
    first_check = k.Path.exists
    monkeypatch.setattr(
        k.Path, "exists", lambda p: False if p.parent.name == "k" else first_check(p)
    )
    with pytest.raises(TTVError) as info:
        init_keys(tmp_path / "k")
    assert info.value.code == "TTV-E331"
    priv, _pub = other["paths"]
    loaded = k.load_private_key(priv)
    assert k.key_id(loaded.public_key()) == k.key_id(k.load_public_key(tmp_path / "k"))
    assert sorted(p.name for p in (tmp_path / "k").iterdir()) == sorted([PRIVATE_NAME, PUBLIC_NAME])


def test_first_runs_at_once_share_one_user_key(tmp_path, monkeypatch) -> None:
    """Eight first uses at once (threads released together): one key, every caller gets it,
    no error, no staging folder left behind."""
    import threading

    from ttv_watermark import keys as k

    monkeypatch.setenv("TTV_CONFIG_DIR", str(tmp_path / "cfg"))
    barrier, got, errors = threading.Barrier(8), [], []

    def first_use() -> None:
        barrier.wait()
        try:
            got.append(k.ensure_user_key())
        except Exception as exc:  # collected: the assertion below names it
            errors.append(exc)

    threads = [threading.Thread(target=first_use) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(set(got)) == 1
    directory = k.user_key_dir()
    assert sorted(p.name for p in directory.iterdir()) == sorted([PRIVATE_NAME, PUBLIC_NAME])
    assert k.key_id(k.load_private_key(got[0]).public_key()) == k.key_id(
        k.load_public_key(directory)
    )


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_group_readable_key_is_refused(keys, video) -> None:
    os.chmod(keys / PRIVATE_NAME, 0o644)
    with pytest.raises(TTVError) as info:
        DctQimWatermark(key_path=str(keys)).sign(video, manifest())
    assert info.value.code == "TTV-E332"


def test_garbage_key_is_e330(tmp_path, video) -> None:
    bad = tmp_path / "bad.pem"
    bad.write_bytes(b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    os.chmod(bad, 0o600)
    with pytest.raises(TTVError) as info:
        DctQimWatermark(key_path=str(bad)).sign(video, manifest())
    assert info.value.code == "TTV-E330"
    assert "AAAA" not in str(info.value)


def test_cli_keys_init(tmp_path) -> None:
    runner = CliRunner()
    target = tmp_path / "cli-keys"
    result = runner.invoke(app, ["init", str(target)])
    assert result.exit_code == 0, result.output
    assert (target / PRIVATE_NAME).exists()
    secret = (target / PRIVATE_NAME).read_text()
    body = "".join(secret.splitlines()[1:-1])
    assert body not in result.output  # the private key is never printed
    again = runner.invoke(app, ["init", str(target)])
    assert again.exit_code == 2


def test_import_is_light() -> None:
    import subprocess
    import sys

    code = (
        "import sys, ttv_watermark; "
        "print(int(any(m in sys.modules for m in ('typer', 'av', 'rich'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"


def test_entry_points_registered() -> None:
    from importlib.metadata import entry_points

    wm = {e.name: e.value for e in entry_points(group="ttv.watermark")}
    cmds = {e.name: e.value for e in entry_points(group="ttv.commands")}
    assert wm.get("dct-qim") == "ttv_watermark:DctQimWatermark"
    assert cmds.get("keys") == "ttv_watermark.cli:app"


def test_untouched_sizes_keep_working(keys, tmp_path) -> None:
    # a one-frame, odd-sized MP4 still signs, decodes and verifies with its watermark
    frame = natural_frame(331, 187, seed=8)
    wm = DctQimWatermark(key_path=str(keys))
    out = list(wm.embed(iter([frame]), PAYLOAD))
    path = tmp_path / "one.mp4"
    write_mp4(path, [np.ascontiguousarray(out[0][:186, :330])], crf=18)
    wm.sign(path, manifest())
    assert decodes(path) == 1
    report = wm.verify(path)
    assert report.signature_valid and report.file_digest_match
