"""Unnamed people: a crowd word the scene slot puts into ``ShotSpec.objects`` ("children",
"villagers", "soldiers") draws a few small figures, the extras, into the backdrop. "Break
Time" ("When the bell rang, the children ran out to the playground. They played on the
swings and the slide.") drew an empty playground: people with no names are no characters.

Measured, not looked at: the extras are the pixels that change when the crowd word is added
to an otherwise equal spec (the backdrop and the characters stay where they were), one
connected blob per extra. A shot without a crowd word renders as before (the pinned hashes
of ``test_light_figures.py`` and every other test).
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from kf_helpers import meadow_spec
from ttv_contracts.testing import sample_spec
from ttv_contracts.v1 import CROWD_WORDS, CharacterRef, Keyframe
from ttv_keyframe import AnimaticKeyframe
from ttv_keyframe.scenery import interpret

W, H = 320, 180
LUMA = np.array([0.299, 0.587, 0.114])
RAVI = CharacterRef(id="ravi", name="Ravi", descriptors=("elderly man", "white hair"), seed=1)
MIRA = CharacterRef(id="mira", name="Mira", descriptors=("woman", "wearing a teal coat"), seed=2)
TEACHER = CharacterRef(id="rao", name="Ms. Rao", descriptors=("woman", "wearing a plum dress"))
PLAYGROUND = {"setting": "the school playground", "prompt": "the school playground."}
CLASSROOM = {
    "setting": "a classroom",
    "prompt": "a classroom.",
    "indoor_outdoor": "indoor",
    "characters": (TEACHER,),
}


def render(objects: tuple[str, ...] = (), width: int = W, height: int = H, **kw) -> Keyframe:
    kw = {**PLAYGROUND, "characters": (RAVI, MIRA), **kw}
    return AnimaticKeyframe().render(meadow_spec(width, height, objects=objects, **kw))


def extras(crowd: str, **kw) -> tuple[Keyframe, Keyframe, list[tuple[int, int, int, int]]]:
    """(keyframe with the crowd word, the same without, the extras' boxes (x, y, w, h)):
    the connected blobs of the pixels the crowd word changed."""
    with_crowd, plain = render((crowd,), **kw), render((), **kw)
    return with_crowd, plain, blobs(changed(with_crowd.image, plain.image))


def changed(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.abs(a.astype(np.int16) - b.astype(np.int16)).sum(axis=2) > 0


def blobs(mask: np.ndarray, least: int = 12) -> list[tuple[int, int, int, int]]:
    """Boxes (x, y, w, h) of the connected parts of ``mask`` of ``least`` pixels or more,
    left to right."""
    n, _labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), 8)
    return sorted(tuple(int(v) for v in stats[i, :4]) for i in range(1, n) if stats[i, 4] >= least)


def faces(kf: Keyframe) -> list:
    return [r for r in kf.regions if r.kind == "face"]


def test_children_in_the_objects_draw_three_small_extras_on_the_ground():
    kf, _, boxes = extras("children")
    assert len(boxes) == 3, boxes
    ground = kf.ground * H  # the horizon, or the base of the school standing below it
    feet = max(r.y + r.h for r in kf.regions if r.kind == "body")
    for x, y, w, h in boxes:
        assert ground < y + h <= feet, (ground, (x, y, w, h), feet)  # on the ground, behind
    # smaller than the grown-ups the shot names, and child-sized: shorter than grown-up
    # extras (villagers) on the same spec
    tallest = max(r.h for r in kf.regions if r.kind == "body")
    assert max(h for *_, h in boxes) < 0.6 * tallest
    _, _, adults = extras("villagers")
    assert len(adults) == 3
    assert max(h for *_, h in boxes) < 0.85 * min(h for *_, h in adults)


def test_extras_keep_clear_of_the_characters_faces_and_bodies():
    kf, plain, boxes = extras("villagers")
    mask = changed(kf.image, plain.image)
    for r in kf.regions:  # no extra's pixel where a character is: face or body
        assert not mask[r.y : r.y + r.h, r.x : r.x + r.w].any(), r
    # six characters leave little room: fewer extras, at the sides, still off every face
    crowd = tuple(CharacterRef(id=f"c{i}", name=f"C{i}", seed=i) for i in range(6))
    kf, plain, boxes = extras("villagers", characters=crowd)
    assert 1 <= len(boxes) <= 3
    mask = changed(kf.image, plain.image)
    for r in faces(kf):
        assert not mask[r.y : r.y + r.h, r.x : r.x + r.w].any(), r


def test_crowd_and_people_draw_four():
    for crowd in ("crowd", "people"):
        assert len(extras(crowd, characters=(MIRA,))[2]) == 4, crowd


def test_extras_report_no_regions():
    """Scenery, not characters: no face (no lip sync), no body (no name tag)."""
    kf, plain, boxes = extras("children")
    assert len(boxes) == 3
    assert kf.regions == plain.regions
    *_, boxes = extras("crowd", characters=())
    assert len(boxes) == 4
    assert render(("crowd",), characters=()).regions == ()


def test_extras_are_in_the_background_layer():
    """Drawn before the figure-free picture is taken: a camera move keeps them with the far
    layer, and the characters stand in front of them."""
    kf, plain, _ = extras("children")
    assert kf.background is not None and plain.background is not None
    mask = changed(kf.image, plain.image)
    assert len(blobs(changed(kf.background, plain.background))) == 3
    assert (kf.background[mask] == kf.image[mask]).all()  # in the picture as in the layer


def test_extras_are_deterministic_and_follow_the_seed():
    a, b = render(("children",)), render(("children",))
    assert (a.image == b.image).all()

    def look(seed: int) -> list[tuple[int, ...]]:
        kf, plain = render(("children",), seed=seed), render((), seed=seed)
        mask = changed(kf.image, plain.image)
        n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), 8)
        return [
            (*stats[i, :2], *np.median(kf.image[labels == i], axis=0).astype(int))
            for i in range(1, n)
            if stats[i, 4] >= 12
        ]

    first, second = look(3), look(4)
    assert len(first) == len(second) == 3
    assert first != second  # moved, recoloured or both


def test_extras_indoors_stand_on_the_floor():
    kf, plain = render(("blackboard", "pupils"), **CLASSROOM), render(("blackboard",), **CLASSROOM)
    boxes = blobs(changed(kf.image, plain.image))
    assert len(boxes) == 3, boxes
    teacher = next(r for r in kf.regions if r.kind == "body")
    for _x, y, _w, h in boxes:
        assert kf.ground * H < y + h <= teacher.y + teacher.h  # on the floor, further back
        assert h < 0.6 * teacher.h  # pupils: child-sized and further back


def test_extras_at_night_take_the_characters_lifted_tone():
    """At night a figure is lifted to a pale tone (luma ~130) off the dark backdrop; so are
    the extras (their fill: the most common colour of each)."""
    kf, plain, boxes = extras("kids", time_of_day="night")
    assert len(boxes) == 3
    mask = changed(kf.image, plain.image)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), 8)
    for i in range(1, n):
        if stats[i, 4] < 12:
            continue
        colours, counts = np.unique(kf.image[labels == i], axis=0, return_counts=True)
        fill = colours[counts.argmax()] @ LUMA
        assert 115 < fill < 145, fill
    backdrop = plain.image[mask] @ LUMA
    assert np.median(backdrop) < 90  # the night they stand in is dark


@pytest.mark.parametrize("crowd", sorted(CROWD_WORDS))
def test_every_crowd_word_draws_extras(crowd):
    """Every crowd word of the contract (``ttv_contracts.v1.CROWD_WORDS``) draws people."""
    *_, boxes = extras(crowd, setting="a meadow", prompt="a meadow.")
    assert len(boxes) == (4 if crowd in {"crowd", "people"} else 3), (crowd, boxes)


def test_girls_and_boys_are_child_sized():
    """ "Maya lined up for the running race with five other girls": the girls are children."""
    *_, girls = extras("girls", setting="a meadow", prompt="a meadow.")
    *_, parents = extras("parents", setting="a meadow", prompt="a meadow.")
    assert len(girls) == 3
    assert max(h for *_, h in girls) < 0.85 * min(h for *_, h in parents)


def test_only_the_objects_bring_extras():
    """The scene slot decides who is present: the words of the caption or the prompt do not
    draw extras."""
    said = render((), caption="When the bell rang, the children ran out to the playground.",
                  prompt="When the bell rang, the children ran out to the playground.")  # fmt: skip
    unsaid = render((), caption="When the bell rang, they ran out to the playground.",
                    prompt="When the bell rang, they ran out to the playground.")  # fmt: skip
    assert (said.image == unsaid.image).all()
    spec = meadow_spec(W, H, **PLAYGROUND)
    assert interpret(spec).crowd == ""
    assert interpret(spec.model_copy(update={"objects": ("swing", "children")})).crowd == "children"


def test_a_crowd_word_alone_is_no_scene_attribute():
    """A spec with no attributes reads the prompt's words for shapes; a crowd word alone in
    the objects keeps it so (the playground is still drawn)."""
    bare = sample_spec(width=W, height=H, seed=3).model_copy(
        update={"setting": "", "prompt": "The children played in the playground.", "caption": ""}
    )
    shapes = interpret(bare).shapes
    assert "playground" in shapes
    assert interpret(bare.model_copy(update={"objects": ("children",)})).shapes == shapes


def test_no_extras_on_the_open_sea():
    at_sea = {"setting": "the open sea", "prompt": "the open sea.", "characters": ()}
    kf, plain, boxes = extras("sailors", **at_sea)
    assert boxes == []
    assert (kf.image == plain.image).all()


def test_tiny_frames_and_storyboard_mode_still_render():
    for size in ((16, 16), (64, 36)):
        kf = render(("crowd",), width=size[0], height=size[1])
        assert kf.image.shape == (size[1], size[0], 3)
    spec = meadow_spec(W, H, objects=("children",), **PLAYGROUND, characters=(RAVI, MIRA))
    kf = AnimaticKeyframe(labels=True, caption=True).render(spec)
    assert len(faces(kf)) == 2


def test_two_crowd_words_draw_both_groups():
    """ "She asked the soldiers to carry hot stones ... the villagers cheered": the scene
    slot puts both groups in the shot's objects; only the first was drawn. Two groups
    draw two of each, in turn across the free width: the soldiers in helmets, and the
    children child-sized beside grown-up villagers."""
    from ttv_keyframe.animatic import CROWD_HATS

    helmet = np.asarray(CROWD_HATS["soldiers"][1])
    kw = {"setting": "a meadow", "prompt": "a meadow.", "characters": (MIRA,)}
    both = render(("soldiers", "villagers"), **kw)
    plain = render((), **kw)
    boxes = blobs(changed(both.image, plain.image))
    assert len(boxes) == 4, boxes
    helmeted = [
        b
        for b in boxes
        if np.any(np.all(np.abs(both.image[b[1] : b[1] + b[3], b[0] : b[0] + b[2]].astype(int) - helmet) <= 2, axis=2))
    ]  # fmt: skip
    assert len(helmeted) == 2, boxes
    # in turn, left to right: a soldier, a villager, ... (never both soldiers side by side)
    order = [b in helmeted for b in boxes]
    assert order in ([True, False, True, False], [False, True, False, True]), order
    kids = blobs(changed(render(("children", "villagers"), **kw).image, plain.image))
    heights = sorted(h for *_, h in kids)
    assert len(kids) == 4 and heights[1] < 0.85 * heights[2]  # two small, two grown
    # one word: as before, three of it
    assert len(blobs(changed(render(("soldiers",), **kw).image, plain.image))) == 3
