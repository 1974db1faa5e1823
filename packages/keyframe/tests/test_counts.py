"""Counted things: "which of three kettles would boil first" drew one kettle, and "carried
water from the river in two large pots" one pot. The scene slot's objects are lemmas with no
number, so the animatic reads the count from the shot's own words and draws that many (at
most :data:`COUNTABLE`'s cap for the thing).

Measured, not looked at: the things are the pixels that change when the count is said in
an otherwise equal spec, and their connected blobs are counted.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from kf_helpers import meadow_spec
from ttv_keyframe import AnimaticKeyframe
from ttv_keyframe.scenery import COUNTABLE, _counts, _words, interpret

W, H = 320, 180
KITCHEN = {
    "setting": "a busy school kitchen",
    "indoor_outdoor": "indoor",
    "characters": (),
    "objects": ("kettle",),
}
FIELD = {"setting": "a field by the river", "characters": (), "objects": ("pot",)}


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        ("which of three kettles would boil first", {"kettle": 3}),
        ("he carried water in two large pots", {"pot": 2}),
        ("a couple of the big kettles", {"kettle": 2}),
        ("several jars stood on the shelf", {"pot": 3}),
        ("ten kettles whistled", {"kettle": 4}),  # at most the thing's cap
        ("two friends shared one kettle", {}),  # the number counts the friends
        ("the kettle boiled twice", {}),
        ("three of them carried a pot", {}),
    ],
)
def test_the_count_is_read_from_the_words(text, counts):
    assert dict(_counts(_words(text))) == counts


def test_every_countable_thing_is_a_shape_and_capped():
    from ttv_keyframe.scenery import SHAPES

    assert set(COUNTABLE) <= set(SHAPES)
    assert all(2 <= n <= 4 for n in COUNTABLE.values())


def things(prompt_with: str, prompt_without: str, **kw) -> int:
    """How many separate things the words ``prompt_with`` add to the keyframe of
    ``prompt_without`` (blobs of changed pixels, one per drawn thing)."""
    render = AnimaticKeyframe().render
    a = render(meadow_spec(W, H, prompt=prompt_with, **kw)).image
    b = render(meadow_spec(W, H, prompt=prompt_without, **kw)).image
    mask = (np.abs(a.astype(np.int16) - b.astype(np.int16)).sum(axis=2) > 0).astype(np.uint8)
    n, _labels, stats, _ = cv2.connectedComponentsWithStats(mask, 8)
    return sum(1 for i in range(1, n) if stats[i, 4] >= 100)  # not their steam's puffs


def test_three_kettles_in_a_kitchen_are_three():
    """The stove's kettle and two more on the counter beside it."""
    spec = meadow_spec(W, H, prompt="which of three kettles would boil first", **KITCHEN)
    assert interpret(spec).count("kettle") == 3
    # a spec that says one kettle draws the stove's kettle; three add two more
    assert things("which of three kettles would boil first", "the kettle boiled", **KITCHEN) == 2


def test_two_pots_outdoors_stand_side_by_side():
    spec = meadow_spec(W, H, prompt="he carried water in two large pots", **FIELD)
    assert interpret(spec).count("pot") == 2
    render = AnimaticKeyframe().render
    one = render(meadow_spec(W, H, prompt="he carried a pot", **FIELD)).image
    two = render(spec).image
    pot = np.array((160, 90, 60))  # the clay pots: count the blobs of their colour

    def pots(img: np.ndarray) -> int:
        near = (np.abs(img.astype(np.int16) - pot).max(axis=2) < 40).astype(np.uint8)
        n, _labels, stats, _ = cv2.connectedComponentsWithStats(near, 8)
        return sum(1 for i in range(1, n) if stats[i, 4] >= 6)

    assert pots(two) == pots(one) + 1


def test_no_count_draws_as_before():
    """A shot that counts nothing, or counts what it does not draw, has no counts."""
    assert interpret(meadow_spec(W, H, prompt="the kettle boiled", **KITCHEN)).counts == ()
    assert interpret(meadow_spec(W, H, prompt="three kettles boiled", **FIELD)).counts == ()
