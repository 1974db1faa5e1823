"""The spandrel backend with the extra installed: real loading through spandrel of tiny,
randomly initialised models of supported architectures, tiling, and bad weights files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from ttv_contracts.errors import TTVError
from ttv_contracts.testing.samples import sample_frames
from ttv_upscaler import SpandrelUpscaler

# -- real models (need the extra) ------------------------------------------------------------

torch = pytest.importorskip("torch")
spandrel = pytest.importorskip("spandrel")

from upscaler_tiny_models import save_compact, save_rrdb  # noqa: E402


@pytest.fixture(scope="module")
def compact_x2(tmp_path_factory) -> Path:
    return save_compact(tmp_path_factory.mktemp("w") / "compact-x2.pth", scale=2)


def test_loads_compact_through_spandrel_and_upscales(compact_x2: Path) -> None:
    up = SpandrelUpscaler(weights_path=str(compact_x2), tile=0)
    frames = sample_frames(2, 40, 30)
    out = list(up.upscale(iter(frames), 80, 60))
    assert [f.shape for f in out] == [(60, 80, 3)] * 2
    assert up.scale == 2
    notes = up.drain_notes()
    assert any("RealESRGAN Compact x2" in n for n in notes)
    # The model really ran: output equals the network's own forward pass.
    net = spandrel.ModelLoader().load_from_file(compact_x2)
    t = torch.from_numpy(frames[0]).permute(2, 0, 1)[None].float() / 255
    ref = (net(t)[0].clamp(0, 1) * 255).round().permute(1, 2, 0).to(torch.uint8).numpy()
    assert np.array_equal(out[0], ref)


def test_rrdbnet_x4_then_area_resize_to_target(tmp_path: Path) -> None:
    w = save_rrdb(tmp_path / "rrdb-x4.pth", scale=4)
    up = SpandrelUpscaler(weights_path=str(w), tile=16, tile_overlap=4)
    (out,) = up.upscale(iter(sample_frames(1, 20, 12)), 48, 32)
    assert out.shape == (32, 48, 3)
    assert up.scale == 4
    # 20x12 fits 48x32 as 48x29 (aspect kept), letterboxed top and bottom
    assert not out[0].any() and not out[-1].any()


def test_safetensors_weights(tmp_path: Path) -> None:
    pytest.importorskip("safetensors")
    from safetensors.torch import save_file
    from spandrel.architectures.Compact import Compact

    torch.manual_seed(1)
    net = Compact(num_in_ch=3, num_out_ch=3, num_feat=8, num_conv=2, upscale=2)
    path = tmp_path / "compact.safetensors"
    save_file(net.state_dict(), str(path))
    (out,) = SpandrelUpscaler(weights_path=str(path)).upscale(
        iter(sample_frames(1, 16, 16)), 32, 32
    )
    assert out.shape == (32, 32, 3)


@pytest.mark.parametrize("tile", [8, 13, 24])
def test_tiling_with_enough_overlap_matches_whole_frame(compact_x2: Path, tile: int) -> None:
    # SRVGGNetCompact with 2 convs sees 3 input pixels around each pixel: an overlap of 4
    # makes tiled inference identical to running the whole frame at once.
    frame = sample_frames(1, 45, 31)[0]
    whole = SpandrelUpscaler(weights_path=str(compact_x2), tile=0).super_resolve(frame)
    tiled = SpandrelUpscaler(weights_path=str(compact_x2), tile=tile, tile_overlap=4)
    out = tiled.super_resolve(frame)
    assert out.shape == (62, 90, 3)
    assert np.abs(out.astype(int) - whole.astype(int)).max() <= 1


def test_tiling_without_overlap_shows_seams(compact_x2: Path) -> None:
    # The overlap is what keeps tiles seamless (this checks the test above is not vacuous).
    frame = sample_frames(1, 48, 32)[0]
    whole = SpandrelUpscaler(weights_path=str(compact_x2), tile=0).super_resolve(frame)
    seams = SpandrelUpscaler(weights_path=str(compact_x2), tile=16, tile_overlap=0)
    assert not np.array_equal(seams.super_resolve(frame), whole)


def test_aspect_kept_for_landscape_target(compact_x2: Path) -> None:
    up = SpandrelUpscaler(weights_path=str(compact_x2), tile=32)
    (out,) = up.upscale(iter(sample_frames(1, 64, 36)), 128, 72)
    assert out.shape == (72, 128, 3)
    (out,) = up.upscale(iter(sample_frames(1, 36, 64)), 128, 72)
    assert out.shape == (72, 128, 3)
    assert not out[:, :40].any() and not out[:, 89:].any()


def test_downscale_skips_the_model(compact_x2: Path) -> None:
    up = SpandrelUpscaler(weights_path=str(compact_x2))
    (out,) = up.upscale(iter(sample_frames(1, 64, 48)), 32, 24)
    assert out.shape == (24, 32, 3)
    assert any("model skipped" in n for n in up.drain_notes())
    assert up._model is None


def test_deterministic(compact_x2: Path) -> None:
    frames = sample_frames(2, 30, 20)
    a = list(SpandrelUpscaler(weights_path=str(compact_x2)).upscale(iter(frames), 60, 40))
    b = list(SpandrelUpscaler(weights_path=str(compact_x2)).upscale(iter(frames), 60, 40))
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def test_corrupt_weights_file(tmp_path: Path) -> None:
    bad = tmp_path / "broken.pth"
    bad.write_bytes(b"this is not a torch file")
    up = SpandrelUpscaler(weights_path=str(bad))
    with pytest.raises(TTVError) as info:
        list(up.upscale(iter(sample_frames(1, 16, 16)), 32, 32))
    assert info.value.code == "TTV-E320"


def test_unknown_architecture(tmp_path: Path) -> None:
    path = tmp_path / "mystery.pth"
    torch.save({"foo.weight": torch.zeros(3, 3)}, path)
    up = SpandrelUpscaler(weights_path=str(path))
    with pytest.raises(TTVError) as info:
        list(up.upscale(iter(sample_frames(1, 16, 16)), 32, 32))
    assert info.value.code == "TTV-E320"
    assert "does not recognise" in str(info.value)


def test_pickled_code_is_refused(tmp_path: Path) -> None:
    # A .pth that would run code when unpickled is refused by spandrel's restricted unpickler.
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (Path.touch, (marker,))

    path = tmp_path / "evil.pth"
    torch.save({"body.0.weight": Evil()}, path)
    up = SpandrelUpscaler(weights_path=str(path))
    with pytest.raises(TTVError) as info:
        list(up.upscale(iter(sample_frames(1, 16, 16)), 32, 32))
    assert info.value.code == "TTV-E320"
    assert not marker.exists()
