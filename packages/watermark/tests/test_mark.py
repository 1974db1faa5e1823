"""The 0.1 block-DCT QIM mark (``mark="dct-qim"``, still embeddable and detected as a legacy
mark): round trips, attacks, PSNR, hard cases (one frame, odd sizes)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from ttv_contracts.errors import TTVError
from ttv_contracts.v1 import WatermarkPayload
from ttv_watermark import DctQimWatermark, dctqim
from wm_helpers import h264_roundtrip, natural_frame, pan, psnr


def _qim(**options) -> DctQimWatermark:
    return DctQimWatermark(mark="dct-qim", **options)


PAYLOAD = WatermarkPayload(run_id="run-2026-11-25", content_digest="deadbeefcafe0123")


@pytest.fixture(scope="module")
def marked_720() -> tuple[list[np.ndarray], list[np.ndarray]]:
    src = pan(natural_frame(1280, 720, seed=3), 6, step=1)
    return src, list(_qim().embed(iter(src), PAYLOAD))


def test_codec_round_trip_and_error_correction() -> None:
    data = PAYLOAD.to_bytes()
    bits = dctqim.encode_bits(data)
    assert bits.shape == (dctqim.CODE_BITS,)
    flipped = bits.copy()
    flipped[[0, 3, 16, 17, 32, 39, 48, 55]] ^= 1  # 8 bits in 4 bytes: correctable
    assert dctqim.decode_bits(flipped)[0] == data
    assert dctqim.decode_bits(np.zeros(dctqim.CODE_BITS, np.uint8)) is None


def test_psnr_at_least_38_db(marked_720) -> None:
    src, out = marked_720
    assert min(psnr(a, b) for a, b in zip(src, out, strict=True)) >= 38.0


def test_mark_changes_luma_only(marked_720) -> None:
    src, out = marked_720
    d = out[0].astype(int) - src[0].astype(int)
    # equal change on R, G and B (up to saturation) leaves chroma alone
    unsat = ((out[0] > 0) & (out[0] < 255)).all(axis=2)
    assert np.abs(d[..., 0] - d[..., 1])[unsat].max() <= 1
    assert np.abs(d).max() > 0


@pytest.mark.parametrize(
    "attack",
    ["none", "crf23", "crf28", "half", "crop", "half_crf23"],
)
def test_survives_attack(marked_720, attack) -> None:
    _, out = marked_720
    if attack == "none":
        frames = out
    elif attack == "crf23":
        frames = h264_roundtrip(out, 23)
    elif attack == "crf28":
        frames = h264_roundtrip(out, 28)
    elif attack == "half":
        frames = [cv2.resize(f, (640, 360), interpolation=cv2.INTER_AREA) for f in out]
    elif attack == "crop":
        frames = [f[21:-15, 37:-27] for f in out]  # ~5% of the height, unequal margins
    else:
        small = [cv2.resize(f, (640, 360), interpolation=cv2.INTER_AREA) for f in out]
        frames = h264_roundtrip(small, 23)
    det = _qim().detect(iter(frames))
    assert det.payload_hex == PAYLOAD.hex()
    assert det.frames_examined == len(frames)
    assert det.confidence >= 0.5


def test_unmarked_video_has_no_payload() -> None:
    frames = pan(natural_frame(640, 360, seed=11), 4, step=2)
    det = _qim().detect(iter(frames))
    assert det.payload_hex is None
    assert det.confidence == 0.0
    assert det.frames_examined == 4


def test_wrong_strength_does_not_misread() -> None:
    out = list(_qim(strength=42).embed(iter([natural_frame(seed=5)]), PAYLOAD))
    det = _qim(strength=17).detect(iter(out))
    assert det.payload_hex in (None, PAYLOAD.hex())


@pytest.mark.parametrize("size", [(333, 187), (640, 361), (1279, 719)])
def test_one_frame_odd_sizes_round_trip(size) -> None:
    frame = natural_frame(*size, seed=7)
    out = list(_qim().embed(iter([frame]), PAYLOAD))
    assert len(out) == 1 and out[0].shape == frame.shape and out[0].dtype == np.uint8
    det = _qim().detect(iter(out))
    assert det.payload_hex == PAYLOAD.hex()
    assert det.frames_examined == 1


@pytest.mark.parametrize("size", [(17, 40), (33, 17), (1, 1), (8, 300)])
def test_tiny_frames_are_valid(size) -> None:
    frame = natural_frame(max(size[0], 2), max(size[1], 2), seed=1)[: size[1], : size[0]]
    out = list(_qim().embed(iter([frame, frame]), PAYLOAD))
    assert [o.shape for o in out] == [frame.shape] * 2
    det = _qim().detect(iter(out))
    assert det.frames_examined == 2


def test_empty_stream() -> None:
    assert list(_qim().embed(iter(()), PAYLOAD)) == []
    det = _qim().detect(iter(()))
    assert det.payload_hex is None and det.frames_examined == 0


def test_embed_streams() -> None:
    pulled: list[int] = []

    def source():
        for i in range(50):
            pulled.append(i)
            yield natural_frame(64, 48, seed=i)

    it = _qim().embed(source(), PAYLOAD)
    next(it)
    assert len(pulled) == 1


def test_detect_reads_at_most_max_frames() -> None:
    frames = pan(natural_frame(320, 180), 10)
    det = _qim(max_detect_frames=4).detect(iter(frames))
    assert det.frames_examined == 4


def test_deterministic() -> None:
    f = natural_frame(seed=9)
    a = next(_qim().embed(iter([f]), PAYLOAD))
    b = next(_qim().embed(iter([f]), PAYLOAD))
    assert np.array_equal(a, b)


def test_visible_mark_changes_only_its_corner() -> None:
    f = natural_frame(640, 360, seed=2)
    wm = _qim(visible_text="TTV demo", visible_position="top-left", visible_opacity=0.8)
    plain = next(_qim().embed(iter([f]), PAYLOAD))
    marked = next(wm.embed(iter([f]), PAYLOAD))
    diff = np.abs(marked.astype(int) - plain.astype(int)).sum(axis=2)
    ys, xs = np.nonzero(diff > 30)
    assert len(ys) > 50
    assert ys.max() < 360 // 4 and xs.max() < 640 // 2
    # the invisible mark still reads under a visible label
    assert wm.detect(iter([marked])).payload_hex == PAYLOAD.hex()


@pytest.mark.parametrize(
    "options",
    [
        {"nonsense": 1},
        {"strength": 2},
        {"strength": "strong"},
        {"visible_text": "x", "visible_position": "middle"},
        {"visible_text": "x", "visible_opacity": 0},
        {"max_detect_frames": 0},
    ],
)
def test_bad_options(options) -> None:
    with pytest.raises(TTVError) as info:
        _qim(**options)
    assert info.value.code == "TTV-E002"
