"""Property tests: any clip size, any regions, any audio: shape kept, outside boxes untouched."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from ttv_contracts.v1 import AudioClip, Clip, Region
from ttv_lipsync import VisemeLipSync, mouth_box_for_face


@st.composite
def cases(draw):
    w = draw(st.integers(1, 96))
    h = draw(st.integers(1, 72))
    n = draw(st.integers(1, 5))
    regions = draw(
        st.lists(
            st.builds(
                Region,
                x=st.integers(0, 120),
                y=st.integers(0, 90),
                w=st.integers(1, 80),
                h=st.integers(1, 80),
                kind=st.sampled_from(["face", "mouth", "body"]),
            ),
            max_size=3,
        )
    )
    amp = draw(st.sampled_from([0.0, 0.02, 0.3, 1.0]))
    seconds = draw(st.floats(0.01, 1.0))
    return w, h, n, tuple(regions), amp, seconds


@settings(max_examples=60, deadline=None)
@given(case=cases(), seed=st.integers(0, 1000))
def test_shape_kept_and_only_mouth_boxes_change(case, seed: int) -> None:
    w, h, n, regions, amp, seconds = case
    rng = np.random.default_rng(seed)
    frames = rng.integers(0, 256, size=(n, h, w, 3), dtype=np.uint8)
    samples = (amp * rng.uniform(-1, 1, int(16000 * seconds))).astype(np.float32)
    clip = Clip(frames=frames, fps=12, regions=regions)
    out = VisemeLipSync(detect=False).sync(clip, AudioClip(samples=samples, sample_rate=16000))
    assert out.frames.shape == frames.shape and out.fps == 12
    allowed = np.zeros((h, w), bool)
    for r in regions:
        if r.kind == "body":
            continue
        x, y, bw, bh = (
            (r.x, r.y, r.w, r.h) if r.kind == "mouth" else mouth_box_for_face((r.x, r.y, r.w, r.h))
        )
        allowed[max(0, y) : y + bh, max(0, x) : x + bw] = True
    assert np.array_equal(out.frames[:, ~allowed], frames[:, ~allowed])
    if amp == 0.0:
        assert np.array_equal(out.frames, frames)
