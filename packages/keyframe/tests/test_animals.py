"""Animal characters (a fable's crow and fox) are drawn as animals, not as people.

Seen in a rendered "The Fox and the Crow": both were drawn as standing people in coats.
"""

from __future__ import annotations

import colorsys

import numpy as np
import pytest
from PIL import Image, ImageDraw
from ttv_contracts.testing import sample_spec
from ttv_contracts.v1 import CharacterRef
from ttv_keyframe import AnimaticKeyframe, animals
from ttv_keyframe.animals import ANIMALS, animal_of
from ttv_keyframe.animatic import ANIMAL_FACE_LINE, figure_color, patch_color
from ttv_keyframe.scenery import TIMES, WEATHERS, View

CROW = CharacterRef(id="crow", name="the crow", descriptors=("crow",), seed=1)
FOX = CharacterRef(id="hungry-fox", name="the hungry fox", descriptors=("hungry fox",), seed=2)
RAVI = CharacterRef(id="ravi", name="Ravi", descriptors=("old potter", "elderly man"), seed=3)


def spec(cast, **kw):
    base = sample_spec(width=kw.pop("width", 480), height=kw.pop("height", 270), seed=5)
    fields = {
        "caption": "",
        "setting": "a forest",
        "time_of_day": "day",
        "weather": "clear",
        "indoor_outdoor": "outdoor",
        "objects": (),
        "characters": cast,
    }
    return base.model_copy(update={**fields, **kw})


def regions(kf, kind):
    return {r.label: r for r in kf.regions if r.kind == kind}


@pytest.mark.parametrize(
    ("descriptors", "name", "plan"),
    [
        (("crow",), "crow", "bird"),
        (("hungry fox",), "fox", "beast"),
        (("naughty little rabbit",), "rabbit", "beast"),
        (("wise old owls",), "owl", "bird"),
        (("woman", "wearing a fox-fur coat"), None, None),  # a person who wears a fox
        (("crow", "woman", "dark brown hair"), None, None),  # a person word wins
        (("old potter", "elderly man"), None, None),
        (("octopus",), None, None),  # not in the list: drawn as a person
        (("green snake",), "snake", "snake"),
        (("green dragon",), "dragon", "beast"),  # a fairy tale's, as the identity slot says
        (("dragon",), "dragon", "beast"),
        (("white unicorn",), "unicorn", "beast"),
    ],
)
def test_animal_of_reads_the_descriptors(descriptors, name, plan):
    animal = animal_of(descriptors)
    assert (animal and animal.name, animal and animal.plan) == (name, plan)


def test_a_beast_is_long_and_a_person_is_tall():
    kf = AnimaticKeyframe().render(spec((FOX, RAVI)))
    body = regions(kf, "body")
    assert body["hungry-fox"].w > 1.3 * body["hungry-fox"].h  # on four legs
    assert body["ravi"].h > 2 * body["ravi"].w  # standing
    assert body["hungry-fox"].h < 0.7 * body["ravi"].h  # a fox is smaller than a man


@pytest.mark.parametrize("cast", [(CROW, FOX), (FOX, CROW)])
def test_animals_face_the_middle_and_their_head_is_drawn_where_the_face_region_is(cast):
    impl = AnimaticKeyframe()
    kf = impl.render(spec(cast))
    empty = impl.render(spec(()))
    figure = np.abs(kf.image.astype(int) - empty.image.astype(int)).max(axis=2) > 20
    faces, bodies = regions(kf, "face"), regions(kf, "body")
    for ref in cast:
        face, body = faces[ref.id], bodies[ref.id]
        # the face is inside the body box, at the front end: facing the frame's middle
        assert body.x <= face.x and face.x + face.w <= body.x + body.w
        face_cx, body_cx = face.x + face.w / 2, body.x + body.w / 2
        assert (face_cx > body_cx) == (body_cx < kf.image.shape[1] / 2)
        # the head (and beak or snout) fill much of the face box; the body box is the figure
        assert figure[face.y : face.y + face.h, face.x : face.x + face.w].mean() > 0.4
        assert figure[body.y : body.y + body.h, body.x : body.x + body.w].mean() > 0.25


@pytest.mark.parametrize("name", sorted(ANIMALS))
@pytest.mark.parametrize("size", [(480, 270), (160, 90)])
def test_every_animal_keeps_its_face_above_the_caption_band(name, size):
    """An animal stands up-stage, so that its face is above the bottom band where captions
    are burned in (the fable's crow stood under the caption, hidden)."""
    ref = CharacterRef(id=name, name=f"the {name}", descriptors=(name,), seed=4)
    kf = AnimaticKeyframe().render(spec((ref, RAVI), width=size[0], height=size[1]))
    face = regions(kf, "face")[name]
    assert face.y + face.h <= ANIMAL_FACE_LINE * size[1] + 1
    body = regions(kf, "body")[name]
    assert body.y + body.h <= size[1]


def _hue_sat(rgb):
    return colorsys.rgb_to_hsv(*(v / 255 for v in rgb))[:2]


def test_an_animal_is_drawn_in_its_own_colour_under_the_shot_light():
    day = View("day", "clear", False)
    hue, sat = _hue_sat(figure_color(FOX, day))
    assert 0.03 < hue < 0.11 and sat > 0.4  # a fox is orange-brown
    _, crow_sat = _hue_sat(figure_color(CROW, day))
    assert crow_sat < 0.2  # a crow is near grey, not a vivid identity hue
    ginger = CharacterRef(id="biscuit", name="Biscuit", descriptors=("ginger cat",), seed=1)
    hue, sat = _hue_sat(figure_color(ginger, day))
    assert 0.03 < hue < 0.11 and sat > 0.4  # a ginger cat is orange, not its identity hue
    white = CharacterRef(id="r", name="the rabbit", descriptors=("white rabbit",), seed=1)
    brown = CharacterRef(id="r", name="the rabbit", descriptors=("rabbit",), seed=1)
    assert figure_color(white, day) != figure_color(brown, day)  # the colour word wins
    # and the lighting changes it as it changes a person's: never the same tone day and night
    night = View("night", "clear", False)
    assert figure_color(FOX, night) != figure_color(FOX, day)


def test_the_fox_and_the_crow_stay_apart_under_every_lighting():
    for time in TIMES:
        for weather in WEATHERS:
            for indoor in (False, True):
                v = View(time, weather, indoor)
                d = np.linalg.norm(np.subtract(figure_color(FOX, v), figure_color(CROW, v)))
                assert d >= 20, (time, weather, indoor, d)


def test_an_animal_has_no_hair_drawn():
    """A hair colour on an animal's descriptors (an older identity store) draws no hair: the
    head is one flat colour."""
    furred = CharacterRef(id="fox", name="the fox", descriptors=("fox", "white hair"), seed=2)
    kf = AnimaticKeyframe().render(spec((furred,)))
    face = regions(kf, "face")["fox"]
    head = kf.image[face.y : face.y + face.h // 2, face.x : face.x + face.w].reshape(-1, 3)
    assert not (head.astype(int).sum(axis=1) > 600).any()  # no white crown


def test_a_tortoise_carries_a_shell_and_holds_its_head_low():
    """A tortoise on a fox's body read as a small dog: it is a dome on stubby legs."""
    tortoise = CharacterRef(id="t", name="the tortoise", descriptors=("slow tortoise",), seed=1)
    kf = AnimaticKeyframe().render(spec((tortoise, RAVI)))
    face, body = regions(kf, "face")["t"], regions(kf, "body")["t"]
    assert body.w > 1.3 * body.h
    assert face.y > body.y + 0.35 * body.h  # held low, not on top (a beast: 0.06)
    assert animal_of(tortoise.descriptors).form == "shell"


DRAGON = CharacterRef(id="dragon", name="the dragon", descriptors=("green dragon",), seed=6)
UNICORN = CharacterRef(id="unicorn", name="the unicorn", descriptors=("white unicorn",), seed=7)


def _mask(name: str, height: int = 100) -> np.ndarray:
    """The animal's silhouette facing right, feet at the bottom of a 3H x 1.4H mask, cx at
    the middle: (row from the feet up, column from cx) = (v * H, u * H)."""
    a = ANIMALS[name]
    im = Image.new("L", (3 * height, int(1.4 * height)), 0)
    feet = im.size[1] - 1
    animals.draw(ImageDraw.Draw(im), a.form, 1, 1.5 * height, feet, height, 1, 0, 0, a.ears,
                 a.features)  # fmt: skip
    return np.asarray(im) > 127


def _at(mask: np.ndarray, u: float, v: float, height: int = 100) -> bool:
    """Whether the silhouette covers the point ``u`` ahead of cx and ``v`` above the feet."""
    return bool(mask[mask.shape[0] - 1 - int(v * height), int(1.5 * height + u * height)])


def test_a_dragon_has_wings_a_long_tail_and_horns():
    """A dragon is a beast with a bat wing over its back, a long tail to a spade tip and two
    horns: not a dog."""
    dragon, dog = _mask("dragon"), _mask("dog")
    assert ANIMALS["dragon"].form == "dragon" and ANIMALS["dog"].form == "beast"
    for u, v in ((-0.3, 0.9), (-0.1, 0.95), (-0.45, 0.88)):  # the wing, above the back
        assert _at(dragon, u, v) and not _at(dog, u, v)
    assert _at(dragon, -0.95, 0.38) and not _at(dog, -0.95, 0.38)  # the spade tip
    hx = 0.64
    assert _at(dragon, hx - 0.18, 0.955)  # a horn swept back
    kf = AnimaticKeyframe().render(spec((DRAGON, RAVI)))
    body = regions(kf, "body")["dragon"]
    assert body.w > 1.6 * body.h  # long, tail and all


def test_a_unicorn_is_a_horse_with_a_horn():
    unicorn, horse = _mask("unicorn"), _mask("horse")
    assert ANIMALS["unicorn"].form == "beast"
    hx = 0.55
    assert _at(unicorn, hx + 0.25, 1.08) and not _at(horse, hx + 0.25, 1.08)
    assert (unicorn & ~horse).sum() < 0.08 * horse.sum()  # the horn is all that is added
    kf = AnimaticKeyframe().render(spec((UNICORN, RAVI)))
    body, face = regions(kf, "body")["unicorn"], regions(kf, "face")["unicorn"]
    assert body.y < face.y - 0.1 * body.h  # the horn reaches above the head


def test_fairy_tale_creatures_are_drawn_in_their_colours():
    day = View("day", "clear", False)
    hue, sat = _hue_sat(figure_color(DRAGON, day))
    assert 0.25 < hue < 0.45 and sat > 0.3  # green
    plain = CharacterRef(id="d", name="the dragon", descriptors=("dragon",), seed=1)
    assert 0.25 < _hue_sat(figure_color(plain, day))[0] < 0.45  # green by default
    red = CharacterRef(id="d", name="the dragon", descriptors=("red dragon",), seed=1)
    hue = _hue_sat(figure_color(red, day))[0]
    assert hue < 0.06 or hue > 0.94  # the colour word wins
    assert _hue_sat(figure_color(UNICORN, day))[1] < 0.2  # white: a muted tone


def test_farm_animals_are_not_drawn_as_dogs():
    """The cow read as a dog: it has horns, a heavier body and patches; a sheep is woolly, a
    hen has a comb."""
    cow, dog = _mask("cow"), _mask("dog")
    hx = 0.55
    assert _at(cow, hx - 0.14, 0.96) and _at(cow, hx + 0.09, 0.96)  # two horns
    assert cow.sum() > 1.1 * dog.sum()  # heavier
    sheep = _mask("sheep")
    assert _at(sheep, -0.35, 0.73) and not _at(dog, -0.35, 0.73)  # the fleece's bumps
    hen, crow = _mask("hen"), _mask("crow")
    assert _at(hen, 0.2, 0.74 + 0.17 + 0.05) and not _at(crow, 0.2, 0.74 + 0.17 + 0.05)
    # the cow's patches: a second tone inside its body, apart from the first
    kf = AnimaticKeyframe().render(
        spec((CharacterRef(id="cow", name="Daisy", descriptors=("cow",), seed=1), RAVI))
    )
    body = regions(kf, "body")["cow"]
    crop = kf.image[body.y : body.y + body.h, body.x : body.x + body.w].reshape(-1, 3)
    colours = {tuple(c) for c in crop}
    fill = figure_color(
        CharacterRef(id="cow", name="Daisy", descriptors=("cow",), seed=1),
        View("day", "clear", False),
    )
    assert fill in colours and patch_color(fill) in colours
    assert abs(sum(patch_color(fill)) - sum(fill)) > 150
