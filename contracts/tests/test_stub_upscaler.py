"""The stub upscaler's pixels: nearest neighbour, aspect kept, letterboxed in black."""

from __future__ import annotations

import numpy as np
import pytest
from ttv_contracts import stubs
from ttv_contracts.v1.tracks import fit_box


def _reference(frame: np.ndarray, width: int, height: int) -> np.ndarray:
    """Pixel by pixel: output (r, c) of the fitted box shows source (r * sh // h, c * sw // w)."""
    sh, sw = frame.shape[:2]
    x, y, w, h = fit_box(sw, sh, width, height)
    out = np.zeros((height, width, 3), np.uint8)
    for r in range(h):
        for c in range(w):
            out[y + r, x + c] = frame[r * sh // h, c * sw // w]
    return out


@pytest.mark.parametrize(
    ("src", "dst"),
    [
        ((16, 9), (32, 18)),  # exact 2x: no letterbox
        ((16, 9), (40, 18)),  # pillarboxed
        ((24, 18), (50, 26)),  # letterboxed, uneven factor
    ],
)
def test_stub_upscaler_is_nearest_neighbour(src, dst):
    rng = np.random.default_rng(7)
    frames = [rng.integers(0, 256, (src[1], src[0], 3), dtype=np.uint8) for _ in range(3)]
    out = list(stubs.StubUpscaler().upscale(iter(frames), *dst))
    assert len(out) == 3
    for got, frame in zip(out, frames, strict=True):
        np.testing.assert_array_equal(got, _reference(frame, *dst))
    # every frame is its own array: a consumer that draws on one does not change another
    out[0][:] = 0
    np.testing.assert_array_equal(out[1], _reference(frames[1], *dst))
    assert frames[0].any()
