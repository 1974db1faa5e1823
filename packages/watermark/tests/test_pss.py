"""The perceptual mark (``mark="pss"``, the default): invisibility with the thresholds the bench
uses, robustness (one 720p clip through CRF 28 and friends), hard cases."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from ttv_contracts.errors import TTVError
from ttv_contracts.v1 import WatermarkPayload
from ttv_watermark import DctQimWatermark, pss
from ttv_watermark.quality import (
    BLOCKINESS_MAX_CHANGE,
    PSNR_MIN_DB,
    SSIM_MIN,
    animatic_frame,
    blockiness_change,
    blockiness_noise,
    psnr,
    ssim,
)
from wm_helpers import animatic_pan, h264_roundtrip, natural_frame, pan

PAYLOAD = WatermarkPayload(run_id="run-pss", content_digest="c0ffee0123456789")


@pytest.fixture(scope="module")
def marked_clip() -> tuple[list[np.ndarray], list[np.ndarray]]:
    src = animatic_pan(1280, 720, n=6, seed=2)
    return src, list(DctQimWatermark().embed(iter(src), PAYLOAD))


@pytest.mark.parametrize("seed", [0, 1])
def test_invisible_on_flat_animatic_frames(seed) -> None:
    img = animatic_frame(1280, 720, seed=seed)
    out = next(DctQimWatermark().embed(iter([img]), PAYLOAD))
    assert psnr(img, out) >= PSNR_MIN_DB
    assert ssim(img, out) >= SSIM_MIN
    assert abs(blockiness_change(out, img)) <= BLOCKINESS_MAX_CHANGE


def rendered_frame(night: bool, seed: int) -> np.ndarray:
    """Like a composited 640x360 lesson frame: flat shapes, a flat dark caption box with white
    text (the worst case the quality session measured), optionally a night scene."""
    img = animatic_frame(640, 360, seed=seed)
    if night:
        img = (img.astype(np.float32) * 0.15).astype(np.uint8)
    cv2.rectangle(img, (70, 215), (570, 325), (24, 24, 28), -1)
    for i, line in enumerate(["and they had written every temperature in", "a notebook full of"]):
        cv2.putText(
            img, line, (85, 255 + 40 * i), cv2.FONT_HERSHEY_SIMPLEX, 0.7, (255, 255, 255), 2
        )
    return img


@pytest.mark.parametrize("night", [False, True])
@pytest.mark.parametrize("seed", [0, 1])
def test_invisible_on_rendered_640x360_frames(night, seed) -> None:
    """Issue 13: the quality session applies the same thresholds to composited frames, and
    the default mark meets them (the 0.2 ``robust`` mask gave SSIM 0.976-0.986 here)."""
    img = rendered_frame(night, seed)
    out = next(DctQimWatermark().embed(iter([img]), PAYLOAD))
    assert psnr(img, out) >= PSNR_MIN_DB
    assert ssim(img, out) >= SSIM_MIN
    assert abs(blockiness_change(out, img)) <= BLOCKINESS_MAX_CHANGE
    old = next(DctQimWatermark(mask_shape="robust").embed(iter([img]), PAYLOAD))
    assert ssim(img, old) < SSIM_MIN  # what the default replaced


def test_rendered_640x360_clip_is_read_after_the_pipeline_encode() -> None:
    src = pan(rendered_frame(False, 2), 8)
    out = list(DctQimWatermark().embed(iter(src), PAYLOAD))
    det = DctQimWatermark().detect(iter(h264_roundtrip(out, 23)))
    assert det.payload_hex == PAYLOAD.hex()


def test_survives_low_bitrate_reencode() -> None:
    """Issue 13: 720p at 0.5 Mb/s (libx264 through PyAV, the bench's attack, on a shorter
    clip)."""
    src = animatic_pan(1280, 720, n=12, seed=4)
    out = list(DctQimWatermark().embed(iter(src), PAYLOAD))
    det = DctQimWatermark().detect(iter(h264_roundtrip(out, bit_rate=500_000)))
    assert det.payload_hex == PAYLOAD.hex()


def test_the_old_mark_fails_the_same_thresholds() -> None:
    """The measure can see a block grid: the 0.1 mark's checker fails it, far above what the
    measure reads with the grid shifted (its noise on this picture)."""
    img = animatic_frame(1280, 720, seed=0)
    out = next(DctQimWatermark(mark="dct-qim").embed(iter([img]), PAYLOAD))
    assert blockiness_change(out, img) > 0.5
    assert psnr(img, out) < PSNR_MIN_DB


def test_the_02_layout_sat_on_the_block_grid() -> None:
    """The 0.2 layout (240 work lines: 24-px cells at 720p) put every smooth cell border on
    the 8-px grid: far less gradient energy across the grid than off it (about -80 %). The
    two-sided measure calls that structure too; the jnd layout (212 lines) does not."""
    img = animatic_frame(1280, 720, seed=1)
    old = next(DctQimWatermark(mask_shape="robust").embed(iter([img]), PAYLOAD))
    assert blockiness_change(old, img) < -0.5
    new = next(DctQimWatermark().embed(iter([img]), PAYLOAD))
    assert abs(blockiness_change(new, img)) <= BLOCKINESS_MAX_CHANGE


def test_block_measure_is_defined_on_flat_frames() -> None:
    """No 0/0: an unchanged frame reads 0, and a flat grey frame (no gradient at all in the
    original) gets a finite value for a mark."""
    img = np.full((360, 640, 3), 128, np.uint8)
    assert blockiness_change(img, img) == 0.0
    out = next(DctQimWatermark().embed(iter([img]), PAYLOAD))
    assert abs(blockiness_change(out, img)) <= BLOCKINESS_MAX_CHANGE
    assert 0.0 <= blockiness_noise(out, img) < 0.1


def test_block_measure_pools_frames() -> None:
    frames = [animatic_frame(640, 360, seed=s) for s in range(2)]
    out = list(DctQimWatermark().embed(iter(frames), PAYLOAD))
    pooled = blockiness_change(out, frames)
    singles = [blockiness_change(o, f) for o, f in zip(out, frames, strict=True)]
    assert min(singles) - 1e-9 <= pooled <= max(singles) + 1e-9


def test_no_grid_in_the_added_signal() -> None:
    img = np.full((720, 1280, 3), 150, np.uint8)
    d = pss.Embedder(pss.encode_bits(PAYLOAD.to_bytes())).delta(img)
    gx = np.diff(d, axis=1) ** 2
    on = (np.arange(gx.shape[1]) % 8) == 7
    assert gx[:, on].mean() / gx[:, ~on].mean() < 1.5  # a block edge would be >> 1


def test_mark_changes_luma_only(marked_clip) -> None:
    src, out = marked_clip
    d = out[0].astype(int) - src[0].astype(int)
    unsat = ((out[0] > 0) & (out[0] < 255)).all(axis=2)
    assert np.abs(d[..., 0] - d[..., 1])[unsat].max() <= 1
    assert np.abs(d).max() > 0


@pytest.mark.parametrize("attack", ["none", "crf28", "half", "crop90", "bright+10", "bright-10"])
def test_survives_attack(marked_clip, attack) -> None:
    _, out = marked_clip
    if attack == "none":
        frames = out
    elif attack == "crf28":
        frames = h264_roundtrip(out, 28)
    elif attack == "half":
        frames = [cv2.resize(f, (640, 360), interpolation=cv2.INTER_AREA) for f in out]
    elif attack == "crop90":
        frames = [np.ascontiguousarray(f[36:-36, 64:-64]) for f in out]
    else:
        gain = 1.1 if attack.endswith("+10") else 0.9
        frames = [np.clip(f * gain, 0, 255).astype(np.uint8) for f in out]
    det = DctQimWatermark().detect(iter(frames))
    assert det.payload_hex == PAYLOAD.hex()
    assert det.method.startswith("pss")
    assert det.frames_examined == len(frames)


@pytest.mark.parametrize("frames", ["animatic", "texture"])
def test_unmarked_video_has_no_payload(frames) -> None:
    if frames == "animatic":
        clip = animatic_pan(640, 360, n=4, seed=5)
    else:
        clip = [natural_frame(640, 360, seed=s) for s in range(3)]
    det = DctQimWatermark().detect(iter(clip))
    assert det.payload_hex is None
    assert det.confidence == 0.0


def test_verify_reads_frames_from_across_the_video(tmp_path) -> None:
    """read_frames spreads its frames over the whole stream (each shot's picture and codec
    errors differ, so they vote independently), and reads the first frames when the stream
    is short."""
    from ttv_watermark.video import read_frames
    from wm_helpers import write_mp4

    frames = [np.full((64, 96, 3), 4 * k, np.uint8) for k in range(60)]
    video = tmp_path / "ramp.mp4"
    write_mp4(video, frames, crf=0)
    got = [round(f.mean() / 4) for f in read_frames(video, 6)]
    assert got == [0, 10, 20, 30, 40, 50]
    assert [round(f.mean() / 4) for f in read_frames(video, 6, spread=False)] == list(range(6))
    assert len(list(read_frames(video, 100))) == 60


def test_02_pss_mark_still_detected() -> None:
    """Videos marked by 0.2 (the robust mask on the 240-line layout) still read."""
    src = animatic_pan(1280, 720, n=4, seed=6)
    old = list(DctQimWatermark(mask_shape="robust").embed(iter(src), PAYLOAD))
    det = DctQimWatermark().detect(iter(h264_roundtrip(old, 28)))
    assert det.payload_hex == PAYLOAD.hex()
    assert det.method.startswith("pss")


def test_legacy_mark_still_detected() -> None:
    frames = [natural_frame(640, 360, seed=8)] * 2
    old = list(DctQimWatermark(mark="dct-qim").embed(iter(frames), PAYLOAD))
    det = DctQimWatermark().detect(iter(old))
    assert det.payload_hex == PAYLOAD.hex()
    assert det.method.startswith("dct-qim")
    assert DctQimWatermark(detect_legacy=False).detect(iter(old)).payload_hex is None


def test_gain_needs_no_matching_detector() -> None:
    frames = animatic_pan(640, 360, n=2, seed=3)
    out = list(DctQimWatermark(gain=2.0).embed(iter(frames), PAYLOAD))
    assert DctQimWatermark(gain=0.5).detect(iter(out)).payload_hex == PAYLOAD.hex()


@pytest.mark.parametrize("size", [(64, 64), (96, 54), (33, 17), (1, 1)])
def test_tiny_frames_are_valid(size) -> None:
    w, h = size
    frame = np.full((h, w, 3), 120, np.uint8)
    out = list(DctQimWatermark().embed(iter([frame, frame]), PAYLOAD))
    assert all(o.shape == frame.shape and o.dtype == np.uint8 for o in out)
    DctQimWatermark().detect(iter(out))  # must not raise


@pytest.mark.parametrize(
    "options", [{"mark": "lsb"}, {"gain": 0.1}, {"gain": "x"}, {"mask_shape": "x"}]
)
def test_bad_options(options) -> None:
    with pytest.raises(TTVError) as info:
        DctQimWatermark(**options)
    assert info.value.code == "TTV-E002"
