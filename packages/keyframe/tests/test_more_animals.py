"""Snakes, butterflies, herons, fish and more are drawn as themselves, not as people.

The identity slot makes characters of "a green snake" and "a butterfly"; the animatic knew
neither word and drew each as a standing person.
"""

from __future__ import annotations

import numpy as np
import pytest
from kf_helpers import meadow_spec
from PIL import Image, ImageDraw
from ttv_contracts.v1 import CharacterRef
from ttv_keyframe import AnimaticKeyframe, animals
from ttv_keyframe.animals import animal_of

NEW = ("snake", "butterfly", "heron", "stork", "crane", "fish", "penguin", "whale", "dolphin",
       "giraffe", "zebra", "panda", "kangaroo")  # fmt: skip


def spec(cast, width=480, height=270, **kw):
    return meadow_spec(width, height, seed=5, characters=cast, **kw)


def ref(descriptor: str, seed: int = 1) -> CharacterRef:
    return CharacterRef(id="a", name=f"the {descriptor}", descriptors=(descriptor,), seed=seed)


def regions(kf):
    return {r.kind: r for r in kf.regions if r.label == "a"}


def mask(name: str) -> np.ndarray:
    """The animal's silhouette, facing right, at height 100 from the feet at (150, 140)."""
    a = animals.ANIMALS[name]
    img = Image.new("L", (300, 150))
    animals.draw(ImageDraw.Draw(img), a.form, 1, 150, 140, 100, 1, 0, 0, a.ears, a.features)
    return np.asarray(img) > 127


@pytest.mark.parametrize(
    ("descriptor", "name"),
    [
        ("green snake", "snake"),
        ("butterfly", "butterfly"),
        ("grey heron", "heron"),
        ("white stork", "stork"),
        ("crane", "crane"),
        ("little fish", "fish"),
        ("penguin", "penguin"),
        ("blue whale", "whale"),
        ("dolphin", "dolphin"),
        ("giraffe", "giraffe"),
        ("zebra", "zebra"),
        ("panda", "panda"),
        ("kangaroo", "kangaroo"),
    ],
)
def test_the_new_animals_are_animals_not_people(descriptor, name):
    animal = animal_of((descriptor,))
    assert animal is not None and animal.name == name


def test_a_snake_lies_long_and_low_on_the_ground():
    kf = AnimaticKeyframe().render(spec((ref("green snake"),)))
    body = regions(kf)["body"]
    assert body.w > 2 * body.h
    assert kf.ground is None or body.y + body.h > kf.ground * 270  # down on the ground
    m = mask("snake")
    rows = np.flatnonzero(m.any(axis=1))
    cols = np.flatnonzero(m.any(axis=0))
    assert cols[-1] - cols[0] > 2.2 * (rows[-1] - rows[0])
    assert rows[-1] >= 138  # it lies on the ground: no legs lift it
    low = m[125:141].any(axis=0)  # the bottom 15% of its height: the long body
    assert low.sum() > 1.6 * 100


def test_a_butterfly_is_small_and_flies_above_the_ground():
    kf = AnimaticKeyframe().render(spec((ref("butterfly"), ref("old man", 2).model_copy(
        update={"id": "man", "descriptors": ("old man",)}))))  # fmt: skip
    body = regions(kf)["body"]
    man = next(r for r in kf.regions if r.label == "man" and r.kind == "body")
    assert body.h < man.h * 0.3 and body.w < man.w * 1.5
    m = mask("butterfly")
    assert not m[120:].any()  # nothing drawn in the bottom 20% of its height: in the air
    assert m[40:80].any()


def test_a_heron_is_tall_on_thin_legs_with_a_long_beak():
    m = mask("heron")
    rows = np.flatnonzero(m.any(axis=1))
    cols = np.flatnonzero(m.any(axis=0))
    assert rows[-1] - rows[0] > 1.1 * (cols[-1] - cols[0])
    legs = m[105:135].sum(axis=1)  # the lower legs: two thin strokes
    assert legs.max() <= 8
    beak = m[40:60, 180:].any(axis=0).sum()  # the beak reaches far ahead of the head
    assert beak > 15


def test_a_fish_and_a_whale_are_long_and_have_no_legs():
    for name in ("fish", "whale", "dolphin"):
        m = mask(name)
        cols = np.flatnonzero(m.any(axis=0))
        rows = np.flatnonzero(m.any(axis=1))
        assert cols[-1] - cols[0] > 1.2 * (rows[-1] - rows[0])


def test_a_giraffe_has_a_long_neck_and_patches():
    a = animals.ANIMALS["giraffe"]
    assert a.marked and a.size > animals.ANIMALS["horse"].size
    m = mask("giraffe")
    assert m[40:60, 150 + 25 :].any()  # the neck up and forward
    assert not m[40:60, :150].any()  # nothing but the neck that high


@pytest.mark.parametrize("name", NEW)
@pytest.mark.parametrize(("w", "h"), [(160, 90), (640, 360)])
@pytest.mark.parametrize("setting", ["a meadow", "under the sea"])
def test_every_new_animal_renders_with_its_regions_in_frame(name, w, h, setting):
    kf = AnimaticKeyframe().render(spec((ref(name),), width=w, height=h, setting=setting))
    got = regions(kf)
    assert set(got) == {"face", "body"}
    for r in got.values():
        assert r.x >= 0 and r.x + r.w <= w and r.y >= 0 and r.y + r.h <= h
        assert r.w > 0 and r.h > 0
    face, body = got["face"], got["body"]
    assert body.w > 0.5 * body.h  # in profile or with wings spread: not a standing person
    assert body.x <= face.x and face.x + face.w <= body.x + body.w
    assert body.y <= face.y + face.h and face.y <= body.y + body.h
    img = np.asarray(kf.image, np.float32)
    plate = np.asarray(kf.background, np.float32)
    drawn = np.abs(img - plate).sum(axis=2) > 30
    # the figure is drawn inside its body region, and its head where the face region is
    y0, x0 = face.y, face.x
    assert drawn[y0 : y0 + face.h, x0 : x0 + face.w].any()
    inside = drawn[body.y : body.y + body.h, body.x : body.x + body.w].sum()
    assert inside > 0.9 * drawn.sum()


@pytest.mark.parametrize("name", ["zebra", "panda", "penguin", "giraffe"])
def test_marked_coats_are_drawn_in_two_tones(name):
    animal = animal_of((name,))
    assert animal is not None and animal.marked
    kf = AnimaticKeyframe().render(spec((ref(name),)))
    body = regions(kf)["body"]
    crop = np.asarray(kf.image)[body.y : body.y + body.h, body.x : body.x + body.w]
    luma = crop.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
    assert np.percentile(luma, 95) - np.percentile(luma, 5) > 80
