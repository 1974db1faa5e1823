"""Playgrounds: a sandy play area before a low fence, with a swing set, a slide and a
climbing frame; playground things (swings, a slide, a seesaw, a sandpit, a climbing frame)
named in a shot outdoors. "Break Time" ("the children ran out to the playground ... played
on the swings and the slide") drew every shot as an empty green meadow.

Measures image properties, not looks: the swing set's posts as near-vertical edges above the
horizon and its top bar as a long run of red paint, the slide's chute as a diagonal of
yellow, the sand's colour where the figures stand, the backdrop's luma round each figure.
The word tests guard the slips: "swing" and "slide" are verbs too ("swing the bat", "began
to slide down the river"), and a slide under a microscope is none.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from kf_helpers import meadow_spec
from ttv_contracts.testing import sample_spec
from ttv_contracts.v1 import CharacterRef
from ttv_keyframe import AnimaticKeyframe
from ttv_keyframe.scenery import interpret

W, H = 320, 180
LUMA = np.array([0.299, 0.587, 0.114])
#: the playground shapes (kept here, not imported: the tests run on the package before them)
PLAY = {"playground", "swing", "slide", "seesaw", "sandpit", "climbingframe", "playwall"}


def spec(**kw):
    return meadow_spec(kw.pop("width", W), kw.pop("height", H), **{"characters": (), **kw})


def bare(prompt: str):
    """A spec with no scene attributes (the older integration): the prompt's words count."""
    s = sample_spec(width=W, height=H, seed=3).model_copy(
        update={"setting": "", "objects": (), "prompt": prompt, "caption": ""}
    )
    for field in ("time_of_day", "weather", "indoor_outdoor"):
        if hasattr(s, field):
            s = s.model_copy(update={field: "unknown"})
    return s


def render(**kw) -> np.ndarray:
    return AnimaticKeyframe().render(spec(**kw)).image.astype(np.float64)


def luma(img: np.ndarray) -> np.ndarray:
    return img @ LUMA


def vertical_edges(img: np.ndarray, y0: float, y1: float) -> float:
    """Share of pixels in the band (fractions of the height) with a strong left-right step."""
    band = luma(img[int(img.shape[0] * y0) : int(img.shape[0] * y1)])
    return float((np.abs(np.diff(band, axis=1)) > 18).mean())


def red_paint(img: np.ndarray) -> np.ndarray:
    """The swing set's red paint (not the rubber mat under it, a paler terracotta)."""
    r, g, b = img[..., 0], img[..., 1], img[..., 2]
    return (r > 170) & (g < 110) & (r - g > 80) & (r - b > 90)


def reddish(img: np.ndarray) -> np.ndarray:
    """Red paint and its anti-aliased thin lines (over the sky, the hills or the fence)."""
    r, g, b = img[..., 0], img[..., 1], img[..., 2]
    return (r - g > 40) & (r - b > 50)


def yellow_paint(img: np.ndarray) -> np.ndarray:
    r, g, b = img[..., 0], img[..., 1], img[..., 2]
    return (r > 200) & (g > 150) & (b < 110) & (r - b > 120)


def sandy(img: np.ndarray) -> np.ndarray:
    """Pale sand: warm (red over green over blue), light, not green."""
    r, g, b = img[..., 0], img[..., 1], img[..., 2]
    return (r > g) & (g > b) & (r - b > 40) & (luma(img) > 150)


MEADOW = render()
PLAYGROUND = render(setting="playground")
#: "Break Time": its shots' settings and objects (the lesson's spec dump)
BREAK_TIME = (
    ("bell",),
    ("swing", "slide"),
    ("rope",),
    ("ball", "wall"),
)
KIDS = (
    CharacterRef(id="ama", name="Ama", descriptors=("girl", "chestnut brown hair",
                                                    "wearing a plum shawl"), seed=4165071133),
    CharacterRef(id="sofia", name="Sofia", descriptors=("girl", "sandy blond hair",
                                                        "wearing a sky-blue shirt"), seed=77),
    CharacterRef(id="jun", name="Jun", descriptors=("boy", "auburn hair",
                                                    "wearing a charcoal shirt"), seed=5),
)  # fmt: skip


# ---------------------------------------------------------------- words to shapes


@pytest.mark.parametrize(
    "setting",
    ["playground", "the school playground", "a play area", "the schoolyard", "the school yard",
     "recess", "a cold playground outside the school"],
)  # fmt: skip
def test_a_playground_setting_outdoors_is_a_playground(setting):
    v = interpret(spec(setting=setting))
    assert "playground" in v.shapes and not v.indoor


@pytest.mark.parametrize("objects", BREAK_TIME)
def test_every_break_time_shot_is_in_a_playground(objects):
    s = spec(setting="playground", objects=objects, time_of_day="unknown", weather="unknown")
    v = interpret(s)
    assert "playground" in v.shapes and not v.indoor
    assert "wall" not in v.shapes  # the ball is kicked against no Great Wall
    if "wall" in objects:
        assert "playwall" in v.shapes  # but against the playground's own low wall


def test_a_playground_the_spec_puts_indoors_is_a_room():
    """ "the teacher called everyone back inside": the spec says indoor, no swings in a room."""
    v = interpret(spec(setting="playground", indoor_outdoor="indoor", objects=("swing",)))
    assert v.indoor and not PLAY & v.shapes


@pytest.mark.parametrize(
    ("objects", "shape"),
    [
        (("swings",), "swing"),
        (("swing",), "swing"),
        (("rope swing",), "swing"),
        (("slide",), "slide"),
        (("see-saw",), "seesaw"),
        (("seesaw",), "seesaw"),
        (("sand pit",), "sandpit"),
        (("sandbox",), "sandpit"),
        (("climbing frame",), "climbingframe"),
        (("jungle gym",), "climbingframe"),
        (("monkey bars",), "climbingframe"),
    ],
)
def test_playground_things_are_named_outside_a_playground(objects, shape):
    v = interpret(spec(objects=objects))
    assert shape in v.shapes and "playground" not in v.shapes
    # the two words of one thing are no other shape: no beach's sand, no saw (a tool), no
    # jungle (a forest)
    assert not {"beach", "tool", "forest"} & v.shapes


def test_the_prompts_nouns_count_without_attributes():
    v = interpret(bare("They played on the swings and the slide."))
    assert {"swing", "slide"} <= v.shapes
    v = interpret(bare("The children ran out to the playground."))
    assert "playground" in v.shapes and not v.indoor
    v = interpret(bare("At recess the children ran outside."))
    assert "playground" in v.shapes
    v = interpret(bare("She climbed to the top of the jungle gym."))
    assert "climbingframe" in v.shapes and not v.indoor  # no gym (a room)


# ---------------------------------------------------------------- word slips


@pytest.mark.parametrize(
    "prompt",
    [
        "the boat began to slide down the river",
        "a slide under the microscope",
        "she looked at a slide under the microscope",
        "he put the slide on the projector for the slide show",
        "swing the bat as hard as you can",
        "she swings the bat",
        "he took a swing at the ball",
        "the door swung open",
        "the door swings open in the wind",
        "through the swing door",
        "the party was in full swing",
        "let the sledge slide over the snow",
        "a recess in the wall of the cave",
        "they hid in a dark recess",
        "I see saw dust on the floor",
    ],
)
def test_verbs_and_other_senses_draw_no_playground(prompt):
    v = interpret(bare(prompt))
    assert not PLAY & v.shapes, prompt


@pytest.mark.parametrize(
    "attrs",
    [
        {"setting": "the lab", "indoor_outdoor": "indoor", "objects": ("slide", "microscope")},
        {"setting": "a field", "objects": ("slide", "microscope")},
        {"setting": "a field", "objects": ("microscope slide",)},
        {"setting": "the ballpark", "objects": ("bat", "swing")},
        {"setting": "a hallway", "indoor_outdoor": "indoor", "objects": ("swing door",)},
    ],
)
def test_a_microscope_slide_and_a_bats_swing_are_no_playground_things(attrs):
    assert not PLAY & interpret(spec(**attrs)).shapes


def test_a_slide_under_the_microscope_indoors_draws_the_room_as_before():
    room = {"setting": "the science lab", "indoor_outdoor": "indoor"}
    plain = render(**room, objects=("microscope",))
    slide = render(**room, objects=("microscope", "slide"), prompt="a slide under the microscope")
    assert np.array_equal(plain, slide)


# ---------------------------------------------------------------- what is drawn


def test_a_playground_is_no_empty_meadow():
    assert np.abs(PLAYGROUND - MEADOW).mean() > 15
    # the swing set's posts and the slide's ladder: near-vertical edges above the horizon,
    # where the meadow's sky and hills are smooth across
    assert vertical_edges(PLAYGROUND, 0.3, 0.58) > 0.01 > 3 * vertical_edges(MEADOW, 0.3, 0.58)


def test_the_swing_set_has_a_long_top_bar_on_posts():
    """The top bar: a row of red paint a fifth of the frame wide, above the horizon; its
    legs reach down from both ends (red in the rows below the bar)."""
    red = red_paint(PLAYGROUND)[: int(H * 0.62)]
    rows = red.sum(axis=1)
    bar = int(rows.argmax())
    assert rows[bar] > 0.15 * W and red_paint(MEADOW).sum() == 0
    cols = np.flatnonzero(red[bar])
    below = reddish(PLAYGROUND)[bar + 3 : bar + 25]
    left = below[:, max(0, cols[0] - 12) : cols[0] + 12].any(axis=1).mean()
    right = below[:, cols[-1] - 12 : cols[-1] + 12].any(axis=1).mean()
    assert left > 0.8 and right > 0.8


def test_the_slide_is_a_diagonal_chute():
    yellow = yellow_paint(PLAYGROUND)[: int(H * 0.75)].astype(np.uint8)
    assert not yellow_paint(MEADOW)[: int(H * 0.75)].any()
    _, label, stats, _ = cv2.connectedComponentsWithStats(yellow, connectivity=8)
    chute = 1 + int(stats[1:, cv2.CC_STAT_AREA].argmax())  # (a swing's seat is yellow too)
    ys, xs = np.nonzero(label == chute)
    assert len(xs) > 60
    # the chute: its yellow pixels lie along a slope (the top is higher than the foot)
    assert abs(np.corrcoef(xs, ys)[0, 1]) > 0.7
    assert np.ptp(xs) > 0.08 * W and np.ptp(ys) > 0.08 * H


def test_the_figures_stand_on_sand():
    """The play area's sand where the figures stand (the lower middle of the frame); the
    meadow there is green grass."""
    lower = (slice(int(H * 0.72), int(H * 0.95)), slice(int(W * 0.25), int(W * 0.75)))
    assert sandy(PLAYGROUND[lower]).mean() > 0.9
    assert sandy(MEADOW[lower]).mean() < 0.05


def _apart(kf) -> list[float]:
    """Each figure's share of the backdrop 1-4 px round it whose luma is 40+ from the
    figure's (the keyframe's background plate is the backdrop without the figures)."""
    img, bg = kf.image.astype(np.float64), kf.background.astype(np.float64)
    mask = (np.abs(img - bg).max(axis=2) > 0).astype(np.uint8)
    core = cv2.erode(mask, np.ones((3, 3), np.uint8)).astype(bool)
    grown = cv2.dilate(mask, np.ones((9, 9), np.uint8))
    ring = grown.astype(bool) & ~mask.astype(bool)
    n, label = cv2.connectedComponents(grown)
    out = []
    for k in range(1, n):
        body = (label == k) & core
        if body.sum() < 50:
            continue
        tone = float(np.median(luma(img[body])))
        out.append(float((np.abs(luma(bg[(label == k) & ring]) - tone) >= 40).mean()))
    return out


@pytest.mark.parametrize(
    ("light", "least"),
    [({}, 0.9), ({"time_of_day": "dusk"}, 0.9), ({"weather": "rain"}, 0.9),
     ({"time_of_day": "night"}, 0.9), ({"weather": "snow"}, 0.9), ({"weather": "storm"}, 0.8)],
)  # fmt: skip
def test_figures_stand_apart_from_the_playground(light, least):
    """The backdrop round each figure is 40+ luma from it almost everywhere (the paint, the
    sand and the fence are light by day and dim light, dark at night and in a storm): by
    day, at dusk and in rain far more than on the plain meadow (measured at 640x360, 3
    seeds, 1-3 children: playground 98.6 / 96.6 / 100 % on average, meadow 50 / 37 / 75 %),
    elsewhere as much (a storm's sky round the heads is the same)."""
    play, meadow = [], []
    for seed in range(3):
        for n in (1, 2, 3):
            for setting, objects, out in (
                ("playground", ("swing", "slide"), play),
                ("a meadow", (), meadow),
            ):
                s = spec(setting=setting, objects=objects, characters=KIDS[:n],
                         width=640, height=360, seed=seed, **light)  # fmt: skip
                kf = AnimaticKeyframe().render(s)
                if getattr(kf, "background", None) is None:
                    pytest.skip("contracts without a background plate")
                out += _apart(kf)
    assert min(play) > least and np.mean(play) > least + 0.05
    assert np.mean(play) >= np.mean(meadow) - 0.02


def test_night_rain_and_snow_still_show():
    night = render(setting="playground", time_of_day="night")
    assert luma(night).mean() < 60 < luma(PLAYGROUND).mean()
    assert not red_paint(night).any()  # the paint in the dark
    rain = render(setting="playground", weather="rain")
    assert luma(rain).mean() < luma(PLAYGROUND).mean() - 20
    snow = render(setting="playground", weather="snow")
    ground = snow[int(H * 0.75) :]
    assert luma(ground).mean() > 190 and (ground[..., 0] - ground[..., 2]).mean() < 15
    # the swing set stands in the snow
    assert red_paint(snow).sum() > 0.1 * red_paint(PLAYGROUND).sum()


def test_a_winter_playground_is_white_not_sand():
    summer = render(setting="a cold playground outside the school")
    winter = render(setting="a cold playground outside the school", season="winter")
    ground_s, ground_w = summer[2 * H // 3 :], winter[2 * H // 3 :]
    assert sandy(ground_s).mean() > 0.5 and sandy(ground_w).mean() < 0.05
    assert luma(ground_w).mean() > luma(ground_s).mean() + 15
    assert (
        (ground_w[..., 0] - ground_w[..., 2]).mean()
        < 10
        < (ground_s[..., 0] - ground_s[..., 2]).mean()
    )


@pytest.mark.parametrize(
    "objects", [("seesaw",), ("sandpit",), ("swings",), ("slide",), ("climbing frame",)]
)
def test_each_playground_thing_is_drawn_in_a_meadow(objects):
    img = render(objects=objects)
    diff = np.abs(img - MEADOW).max(axis=2) > 30
    assert diff.mean() > 0.003
    assert diff[: int(H * 0.3)].mean() < 0.01  # on the ground, not in the sky
    assert not sandy(img[int(H * 0.85) :]).mean() > 0.5  # no play area: still the meadow


def test_the_kicked_balls_wall_is_a_low_brick_wall():
    wall = render(setting="playground", objects=("ball", "wall"))
    plain = render(setting="playground", objects=("ball",))
    r, g, b = (wall[..., k] for k in range(3))
    brick = (r - b > 70) & (r > 150) & (g < 130)
    assert brick[int(H * 0.45) : int(H * 0.7)].mean() > 2 * (
        red_paint(plain)[int(H * 0.45) : int(H * 0.7)].mean() + 0.01
    )


# ---------------------------------------------------------------- sizes and determinism


@pytest.mark.parametrize(
    "attrs",
    [
        {"setting": "playground"},
        {"setting": "the school yard", "weather": "snow", "time_of_day": "night"},
        {"setting": "a meadow", "objects": ("seesaw", "sandpit", "slide")},
        {"setting": "playground", "objects": ("wall",), "characters": KIDS},
    ],
)
def test_playgrounds_at_extreme_sizes_and_deterministic(attrs):
    for size in ((16, 16), (4096, 16), (16, 1000), (33, 17)):
        img = render(width=size[0], height=size[1], **attrs)
        assert img.shape == (size[1], size[0], 3)
    assert np.array_equal(img, render(width=size[0], height=size[1], **attrs))
