"""Frame-rate conversion never synthesises across a hard cut (contracts 1.3): the outputs
between two shots hold the old shot's last frame, whatever the implementation does."""

from __future__ import annotations

import numpy as np
import pytest
from ttv_contracts import stubs
from ttv_contracts.errors import TTVError
from ttv_contracts.v1 import resample_pairs


class CrossFade(stubs.StubInterpolator):
    """Blends every pair: across a cut it would show both shots at once."""

    def _interpolate(self, frames, fps_in, fps_out):
        for a, b, t in resample_pairs(frames, fps_in, fps_out):
            yield (a * (1 - t) + b * t).round().astype(np.uint8)


class Eager(stubs.StubInterpolator):
    """Yields a grey frame for each output before reading the input it stands for."""

    def _interpolate(self, frames, fps_in, fps_out):
        grey = np.full((8, 8, 3), 128, np.uint8)
        yield grey
        yield grey
        for i, _ in enumerate(frames):
            if i < 2:
                yield grey
                yield grey


def _shots(*values: int) -> list[np.ndarray]:
    return [np.full((8, 8, 3), v, np.uint8) for v in values]


def test_outputs_between_two_shots_hold_the_old_shot():
    src = _shots(10, 20, 30, 200, 210)  # a cut at input frame 3
    plain = list(CrossFade().interpolate(iter(src), 12, 24))
    held = list(CrossFade().interpolate(iter(src), 12, 24, cuts=[3]))
    assert plain[5][0, 0, 0] == 115  # without the cut: half of each shot in one frame
    assert held[5] is src[2]  # output 5 sits at input 2.5: the old shot's last frame
    assert held[6] is not src[2] and held[6][0, 0, 0] == 200  # the cut lands where it did
    unchanged = [k for k in range(len(plain)) if k != 5]
    assert all(np.array_equal(plain[k], held[k]) for k in unchanged)


def test_every_output_in_the_gap_holds_at_a_higher_ratio():
    src = _shots(0, 50, 100, 150)
    out = list(CrossFade().interpolate(iter(src), 12, 60, cuts=[2]))  # outputs 6..9 in the gap
    assert [int(f[0, 0, 0]) for f in out[5:11]] == [50, 50, 50, 50, 50, 100]


def test_a_downward_ratio_holds_only_what_lies_between():
    src = _shots(*range(0, 240, 10))  # 24 frames at 24 fps -> 12 at 12 fps, cut at 7
    plain = list(CrossFade().interpolate(iter(src), 24, 10))
    held = list(CrossFade().interpolate(iter(src), 24, 10, cuts=[7]))
    # output 3 sits at input 7.2 (after the cut), output 2 at 4.8: nothing lies in 6..7
    assert all(np.array_equal(a, b) for a, b in zip(plain, held, strict=True))


def test_an_implementation_that_answers_before_reading_still_gets_the_held_frame():
    src = _shots(10, 20, 30)
    out = list(Eager().interpolate(iter(src), 12, 24, cuts=[1]))
    assert len(out) == 6
    assert out[1] is src[0]  # read ahead for it; the implementation still read every frame
    assert int(out[2][0, 0, 0]) == 128


@pytest.mark.parametrize("cuts", [[0], [-2], [True], [1.5], ["3"], 3])
def test_bad_cuts_are_bad_input(cuts):
    with pytest.raises(TTVError) as info:
        list(CrossFade().interpolate(iter(_shots(1, 2, 3)), 12, 24, cuts=cuts))
    assert info.value.code == "TTV-E013", info.value


def test_a_cut_past_the_stream_is_bad_input():
    with pytest.raises(TTVError) as info:
        list(CrossFade().interpolate(iter(_shots(1, 2, 3)), 12, 24, cuts=[3]))
    assert info.value.code == "TTV-E013"
    assert "stream has 3 frames" in info.value.message
