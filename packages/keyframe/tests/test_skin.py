"""Faces, necks and hands in a skin tone, and eyes: a person's face was drawn in the colour
of its clothes (a purple face above a purple coat, a cream one above a cream coat)."""

from __future__ import annotations

import numpy as np
import pytest
from kf_helpers import meadow_spec
from ttv_contracts import v1
from ttv_contracts.v1 import CharacterRef
from ttv_keyframe import AnimaticKeyframe
from ttv_keyframe.animatic import SKIN_RGB, figure_color, skin_color
from ttv_keyframe.scenery import View, interpret

LUMA = np.array([0.299, 0.587, 0.114])


def _person(tone: str | None, who: str = "ada", clothes: str = "rust-red coat") -> CharacterRef:
    said = (f"{tone} skin",) if tone else ()
    return CharacterRef(
        id=who, name=who.title(), descriptors=("woman", f"wearing a {clothes}", *said), seed=4
    )


def _render(*cast: CharacterRef, **kw):
    spec = meadow_spec(640, 360, characters=cast, **kw)
    return AnimaticKeyframe().render(spec), interpret(spec)


def _parts(kf, label: str) -> dict[str, np.ndarray]:
    """Pixels of one person: the lower face (between the eyes and the chin, where the lip
    sync draws the mouth), the middle of the torso, the two eye rows, and the hands."""
    face = next(r for r in kf.regions if r.kind == "face" and r.label == label)
    body = next(r for r in kf.regions if r.kind == "body" and r.label == label)
    r, cx, cy = face.h / 2, face.x + face.w / 2, face.y + face.h / 2
    hh = body.h  # the figure's height: head top to feet
    hip = cy + 1.3 * r + 0.36 * hh
    img = kf.image
    out = {
        "cheeks": img[round(cy + 0.3 * r) : round(cy + 0.7 * r), round(cx - 0.3 * r) : round(cx + 0.3 * r)],
        "torso": img[round(cy + 1.3 * r + 0.12 * hh) : round(cy + 1.3 * r + 0.24 * hh), round(cx - 3) : round(cx + 3)],
        "eyes": img[round(cy - 0.05 * r) : round(cy + 0.05 * r) + 1, face.x : face.x + face.w],
    }  # fmt: skip
    for side in (-1, 1):
        hx, hy = cx + side * 0.175 * hh, hip + 0.06 * hh
        out[f"hand{side}"] = img[round(hy) - 1 : round(hy) + 2, round(hx) - 1 : round(hx) + 2]
    return out


def _flat(pixels: np.ndarray, rgb) -> bool:
    return bool(np.abs(pixels.reshape(-1, 3).astype(int) - np.asarray(rgb)).max() <= 1)


@pytest.mark.parametrize("tone", list(SKIN_RGB))
def test_face_and_hands_are_the_skin_the_descriptors_say_and_the_body_its_clothes(tone):
    kf, view = _render(_person(tone))
    ref = _person(tone)
    parts = _parts(kf, "ada")
    assert skin_color(ref, view) == SKIN_RGB[tone]  # daylight: the tone itself
    assert _flat(parts["cheeks"], SKIN_RGB[tone]), tone
    assert _flat(parts["hand-1"], SKIN_RGB[tone]) and _flat(parts["hand1"], SKIN_RGB[tone])
    assert _flat(parts["torso"], figure_color(ref, view))
    assert figure_color(ref, view) != SKIN_RGB[tone]


def test_the_vocabulary_is_the_contracts_and_runs_light_to_deep():
    """Every skin word the identity slot may write (``ttv_contracts.v1.SKIN_TONES``) has a
    colour here, and the colours get darker down the list."""
    words = getattr(v1, "SKIN_TONES", None)
    if words is None:
        pytest.skip("contracts 1.2: no skin vocabulary")
    assert list(SKIN_RGB) == list(words)
    lumas = [float(np.asarray(rgb) @ LUMA) for rgb in SKIN_RGB.values()]
    assert lumas == sorted(lumas, reverse=True) and lumas[0] - lumas[-1] > 150


def test_without_a_skin_word_the_tone_comes_from_the_id_alone():
    """An identity that says no skin (a stub, a store from before contracts 1.3, an extra):
    a tone picked by the id, the same in every shot and under every palette; other ids get
    other tones."""
    day = View(time="day", weather="clear", indoor=False)
    tones = {skin_color(_person(None, who=f"who{i}"), day) for i in range(40)}
    assert tones <= set(SKIN_RGB.values()) and len(tones) >= 5
    a, _ = _render(_person(None), seed=1, palette=("#203040", "#d0c090", "#806040"))
    b, _ = _render(_person(None), seed=7, palette=("#a05020", "#304060", "#e0e0c0"))
    skin = skin_color(_person(None), day)
    assert _flat(_parts(a, "ada")["cheeks"], skin) and _flat(_parts(b, "ada")["cheeks"], skin)


def test_two_eyes_above_the_mouth_and_inside_the_face():
    """Two dark dots, one each side of the face's middle, on the row of the head's centre:
    inside the face region, above its lower third (where the lip sync draws the mouth)."""
    kf, _ = _render(_person("light"))
    face = next(r for r in kf.regions if r.kind == "face")
    row = _parts(kf, "ada")["eyes"].astype(float) @ LUMA
    dark = row.min(axis=0) < 0.5 * float(np.asarray(SKIN_RGB["light"]) @ LUMA)
    xs = np.nonzero(dark)[0] + face.x
    mid = face.x + face.w / 2
    assert (xs < mid).any() and (xs > mid).any()  # one each side
    assert abs((mid - xs[xs < mid].mean()) - (xs[xs > mid].mean() - mid)) <= 1.5  # level
    assert face.x < xs.min() and xs.max() < face.x + face.w
    lower = kf.image[
        face.y + 2 * face.h // 3 : face.y + face.h - 1,
        face.x + face.w // 3 : face.x + 2 * face.w // 3,
    ]
    assert _flat(lower, SKIN_RGB["light"])  # no eye in the mouth's third  # fmt: skip


def test_the_skin_dims_with_the_light_like_the_hair():
    """By day the tone itself; dimmer at dusk, and under night's cast at night: a face
    stays a face on the deep silhouette of dusk and the lifted tone of night."""
    ref = _person("tan")
    day, dusk, night = (
        View(time=t, weather="clear", indoor=False) for t in ("day", "dusk", "night")
    )
    lumas = [float(np.asarray(skin_color(ref, v)) @ LUMA) for v in (day, dusk, night)]
    assert lumas[0] > lumas[2] > lumas[1] > 0.4 * lumas[0]
    deep = float(np.asarray(figure_color(ref, dusk)) @ LUMA)  # the dusk silhouette
    assert lumas[1] - deep > 20  # fmt: skip


def test_two_people_keep_their_own_tones_in_one_shot():
    kf, _ = _render(_person("fair", "ada", "teal coat"), _person("deep brown", "ben", "plum coat"))
    assert _flat(_parts(kf, "ada")["cheeks"], SKIN_RGB["fair"])
    assert _flat(_parts(kf, "ben")["cheeks"], SKIN_RGB["deep brown"])


def test_an_animal_has_no_skin():
    horse = CharacterRef(id="h", name="Horse", descriptors=("white horse", "brown skin"), seed=1)
    kf, _view = _render(horse)
    assert not np.any(np.all(kf.image == np.asarray(SKIN_RGB["brown"], np.uint8), axis=2))


def test_eyes_on_dark_skin_have_whites_round_dark_pupils():
    """A dark pupil alone all but vanished on deep brown skin: an eye big enough has its
    white drawn round the pupil, on every tone (a tiny one is a dot alone)."""
    for tone in ("deep brown", "fair"):
        kf, _ = _render(_person(tone))
        face = next(r for r in kf.regions if r.kind == "face")
        row = _parts(kf, "ada")["eyes"].astype(float) @ LUMA
        skin = float(np.asarray(SKIN_RGB[tone]) @ LUMA)
        mid = face.w / 2
        for half in (row[:, : int(mid)], row[:, int(mid) :]):
            assert half.max() > max(skin + 10, 200)  # the white
            assert half.min() < 0.5 * skin + 5  # the pupil, darker than the skin
    small = meadow_spec(160, 90, characters=(_person("deep brown"),))
    kf = AnimaticKeyframe().render(small)
    face = next(r for r in kf.regions if r.kind == "face")
    inner = kf.image[
        face.y + face.h * 3 // 10 : face.y + face.h * 7 // 10,
        face.x + face.w * 3 // 10 : face.x + face.w * 7 // 10,
    ]
    assert face.w <= 14 and float((inner.astype(float) @ LUMA).max()) < 150  # no white there


def _gold(kf) -> np.ndarray:
    from ttv_keyframe.animatic import CROWN_GOLD

    return np.all(np.abs(kf.image.astype(int) - np.asarray(CROWN_GOLD)) <= 2, axis=2)


@pytest.mark.parametrize(
    ("name", "descriptors", "crown"),
    [
        ("the king", ("king", "man"), True),
        ("Princess Ada", ("daughter", "girl"), True),  # the title in her name
        ("Queen Mara", ("queen", "woman"), True),
        ("Ada", ("daughter", "girl"), False),
        ("the crow king", ("crow",), False),  # an animal wears none
    ],
)
def test_a_royal_character_wears_a_crown_inside_its_body_region(name, descriptors, crown):
    """ "The king" and "Princess Ada" were drawn as everyone else: nothing told the viewer
    which one ruled. A royal word in the descriptors or the name puts a gold crown on the
    head, and the body region reaches its points (name tags go above it)."""
    ref = CharacterRef(id="who", name=name, descriptors=descriptors, seed=4)
    kf, _ = _render(ref)
    gold = _gold(kf)
    assert bool(gold.sum() > 30) == crown, name
    if crown:
        face = next(r for r in kf.regions if r.kind == "face")
        body = next(r for r in kf.regions if r.kind == "body")
        ys, xs = np.nonzero(gold)
        assert ys.min() < face.y and body.y <= ys.min()  # above the head, inside the body
        assert face.x <= xs.min() and xs.max() < face.x + face.w
        assert ys.max() < face.y + face.h * 0.4  # on the crown: clear of the eyes
