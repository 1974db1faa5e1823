"""Optional C2PA manifest (extra ``ttv-watermark[c2pa]``): a test CA and a leaf are made at
test time; verification is offline with the CA as a user trust anchor."""

from __future__ import annotations

import datetime

import av
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from ttv_contracts.errors import TTVError
from ttv_contracts.v1 import ProvenanceManifest, WatermarkPayload
from ttv_watermark import DctQimWatermark, init_keys
from ttv_watermark import provenance as prov
from wm_helpers import natural_frame, pan, write_mp4

pytest.importorskip("c2pa")

PAYLOAD = WatermarkPayload(run_id="c2pa-run", content_digest="feedface00112233")
_KU = dict.fromkeys(
    (
        "digital_signature",
        "content_commitment",
        "key_encipherment",
        "data_encipherment",
        "key_agreement",
        "key_cert_sign",
        "crl_sign",
        "encipher_only",
        "decipher_only",
    ),
    False,
)


def _name(cn: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "TTV tests"),
        ]
    )


def _pem(obj) -> bytes:
    return obj.public_bytes(serialization.Encoding.PEM)


def make_chain(tmp_path, label: str = "ca", self_signed_leaf: bool = False):
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name(f"TTV test {label}"))
        .issuer_name(_name(f"TTV test {label}"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=7))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(**{**_KU, "key_cert_sign": True, "crl_sign": True}), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    issuer_key, issuer_name = (
        (leaf_key, _name("leaf")) if self_signed_leaf else (ca_key, ca.subject)
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(_name("leaf"))
        .issuer_name(issuer_name)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=7))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(**{**_KU, "digital_signature": True}), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(leaf_key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), False
        )
        .sign(issuer_key, hashes.SHA256())
    )
    d = tmp_path / label
    d.mkdir()
    (d / "chain.pem").write_bytes(_pem(leaf) + (b"" if self_signed_leaf else _pem(ca)))
    (d / "leaf.key").write_bytes(
        leaf_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (d / "ca.pem").write_bytes(_pem(ca))
    return d


def manifest() -> ProvenanceManifest:
    return ProvenanceManifest(
        run_id="c2pa-run",
        report_sha256="c" * 64,
        modules={"watermark": "dct-qim"},
        payload_hex=PAYLOAD.hex(),
        created_at="2026-11-25T05:00:00Z",
    )


@pytest.fixture
def setup(tmp_path):
    keys = tmp_path / "keys"
    init_keys(keys)
    chain = make_chain(tmp_path)
    frames = list(DctQimWatermark().embed(iter(pan(natural_frame(640, 360, seed=2), 4)), PAYLOAD))
    video = tmp_path / "c2pa.mp4"
    write_mp4(video, frames)
    opts = {
        "key_path": str(keys),
        "c2pa_cert_chain": str(chain / "chain.pem"),
        "c2pa_private_key": str(chain / "leaf.key"),
        "c2pa_trust_anchors": str(chain / "ca.pem"),
    }
    return video, opts, tmp_path


def test_c2pa_signed_video_verifies_offline_with_test_ca(setup) -> None:
    video, opts, _ = setup
    wm = DctQimWatermark(**opts)
    wm.sign(video, manifest())
    assert prov.find_ttv_boxes(video) == []  # record in the sidecar: a box would break C2PA
    assert prov.sidecar_path(video).is_file()
    with av.open(str(video)) as c:
        assert sum(1 for _ in c.decode(video=0)) == 4
    report = wm.verify(video)
    assert report.ok, report.reasons
    assert "c2pa: manifest Trusted" in report.reasons


def test_c2pa_untrusted_ca_fails(setup) -> None:
    video, opts, tmp_path = setup
    DctQimWatermark(**opts).sign(video, manifest())
    other = make_chain(tmp_path, "other-ca")
    report = DctQimWatermark(
        **{**opts, "c2pa_trust_anchors": str(other / "ca.pem"), "verify_watermark": False}
    ).verify(video)
    assert not report.ok and not report.manifest_match


def test_c2pa_tampered_file_fails(setup) -> None:
    video, opts, _ = setup
    wm = DctQimWatermark(**{**opts, "verify_watermark": False})
    wm.sign(video, manifest())
    data = bytearray(video.read_bytes())
    data[-100] ^= 0x40  # inside the media data
    video.write_bytes(bytes(data))
    report = wm.verify(video)
    assert not report.ok and not report.file_digest_match


def test_c2pa_self_signed_leaf_never_verifies(tmp_path, setup) -> None:
    """Depending on the c2pa-python version a self-signed leaf is refused at signing
    (TTV-E330) or signs and then fails trust validation against the configured CA (0.38
    signs it). Only a user who anchors that very certificate would trust it."""
    video, opts, _ = setup
    bad = make_chain(tmp_path, "selfsigned", self_signed_leaf=True)
    bad_opts = {
        **opts,
        "c2pa_cert_chain": str(bad / "chain.pem"),
        "c2pa_private_key": str(bad / "leaf.key"),
        "verify_watermark": False,
    }
    try:
        DctQimWatermark(**bad_opts).sign(video, manifest())
    except TTVError as err:
        assert err.code == "TTV-E330"
        return
    report = DctQimWatermark(**bad_opts).verify(video)  # anchors: the test CA only
    assert not report.ok, report.reasons
    assert not any(r == "c2pa: manifest Trusted" for r in report.reasons)


def test_c2pa_options_must_come_together(setup) -> None:
    video, opts, _ = setup
    with pytest.raises(TTVError) as info:
        DctQimWatermark(key_path=opts["key_path"], c2pa_cert_chain=opts["c2pa_cert_chain"]).sign(
            video, manifest()
        )
    assert info.value.code == "TTV-E002"
