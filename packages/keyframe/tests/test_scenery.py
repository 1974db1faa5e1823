"""Backdrops follow the scene; text never lives in the keyframe (issue 12).

Measures, not looks: mean luminance and a colour-histogram distance (total variation over a
6x6x6 RGB histogram: 0 = same colours, 1 = no colour in common) between renders of the same
place under different attributes.
"""

from __future__ import annotations

import numpy as np
import pytest
from kf_helpers import meadow_spec
from ttv_contracts.v1 import CharacterRef
from ttv_keyframe import AnimaticKeyframe
from ttv_keyframe.scenery import SHAPES, interpret
from ttv_keyframe.sd import build_prompt

W, H = 160, 90


def spec(**kw):
    return meadow_spec(kw.pop("width", W), kw.pop("height", H), **kw)


def render(**kw) -> np.ndarray:
    return AnimaticKeyframe().render(spec(**kw)).image


def luma(img: np.ndarray) -> float:
    return float((img.astype(np.float64) @ [0.299, 0.587, 0.114]).mean())


def hist_distance(a: np.ndarray, b: np.ndarray, bins: int = 6) -> float:
    def hist(img):
        q = (img.astype(np.int64) * bins // 256).reshape(-1, 3)
        h = np.bincount(q[:, 0] * bins * bins + q[:, 1] * bins + q[:, 2], minlength=bins**3)
        return h / h.sum()

    return float(0.5 * np.abs(hist(a) - hist(b)).sum())


# ---------------------------------------------------------------- no text in the keyframe


def test_caption_is_not_drawn_by_default():
    cast = (CharacterRef(id="ravi", name="Ravi", descriptors=("old potter",), seed=1),)
    plain = render(characters=cast, caption="")
    captioned = render(characters=cast, caption="Ravi shaped the clay while the river ran by.")
    assert np.array_equal(plain, captioned)


def test_names_and_descriptors_are_not_drawn_by_default():
    """Same character id and seed, different name and look: identical pixels (no tags)."""
    a = render(characters=(CharacterRef(id="c", name="Ravi", descriptors=("old",), seed=1),))
    b = render(characters=(CharacterRef(id="c", name="Mira Longname", descriptors=(), seed=1),))
    assert np.array_equal(a, b)


def test_setting_label_is_not_drawn_by_default():
    """Two settings that name the same scene draw the same shapes and no label; the
    storyboard mode (labels=True) prints the setting and so differs."""
    a = spec(setting="the meadow")
    b = spec(setting="The meadow")  # same words, same layout seed
    assert np.array_equal(AnimaticKeyframe().render(a).image, AnimaticKeyframe().render(b).image)
    story = AnimaticKeyframe(labels=True)
    assert not np.array_equal(story.render(a).image, story.render(b).image)


# ---------------------------------------------------------------- scenes look different


def test_storm_night_and_indoors_differ_measurably_from_a_sunny_day():
    sunny = render()
    storm = render(weather="storm")
    night = render(time_of_day="night")
    indoor = render(indoor_outdoor="indoor")
    # Measured at 160x90: sunny 141, storm 76, night 39, indoor 141 mean luma; histogram
    # distances between any two of the four 0.88..0.98.
    assert luma(storm) < luma(sunny) - 40
    assert luma(night) < luma(sunny) - 70
    renders = {"sunny": sunny, "storm": storm, "night": night, "indoor": indoor}
    names = list(renders)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert hist_distance(renders[a], renders[b]) > 0.6, (a, b)


@pytest.mark.parametrize("weather", ["cloudy", "rain", "storm", "snow", "fog", "wind"])
def test_every_weather_changes_a_clear_day(weather):
    clear = render()
    other = render(weather=weather)
    assert hist_distance(clear, other) > 0.15 or abs(luma(clear) - luma(other)) > 15


@pytest.mark.parametrize("time", ["dawn", "dusk", "night"])
def test_every_time_of_day_changes_the_day(time):
    assert hist_distance(render(), render(time_of_day=time)) > 0.3


@pytest.mark.parametrize(
    ("setting", "prompt", "other"),
    [
        # (a summer playground's sand is light already: winter is measured against grass)
        (
            "a cold playground outside the school",
            "they ran across the icy playground",
            "a field outside the school",
        ),
        ("a meadow on a winter morning", "they walked to school", "a meadow on a spring morning"),
    ],
)
def test_winter_lays_snow_on_the_ground_under_a_clear_sky(setting, prompt, other):
    """A season, not a weather (kettle_race drew "the icy playground" and "a winter
    morning" on green summer grass): the ground turns white, the sky stays clear."""
    summer = render(setting=other or setting, prompt="they ran across it")
    winter = render(setting=setting, prompt=prompt)
    view = interpret(spec(setting=setting, prompt=prompt, weather="unknown"))
    assert view.winter and view.weather == "clear" and view.snow_cover
    ground_summer, ground_winter = summer[2 * H // 3 :], winter[2 * H // 3 :]
    assert luma(ground_winter) > luma(ground_summer) + 60
    assert ground_winter[..., 1].mean() - ground_winter[..., 2].mean() < 10  # not green
    assert luma(winter[: H // 4]) == pytest.approx(luma(summer[: H // 4]), abs=25)  # same sky


def test_winter_shows_through_a_window():
    room = dict(setting="a school kitchen", indoor_outdoor="indoor")
    assert hist_distance(render(**room), render(**room, prompt="on a winter morning")) > 0.01


def test_the_scenes_season_brings_winter_to_a_shot_that_does_not_say_it():
    """kettle_race's last shot, "a quiet classroom after the bell", is the same winter day:
    the scene carries the season (contracts 1.3 ``season``) and the window shows snow."""
    room = dict(setting="a quiet classroom after the bell", indoor_outdoor="indoor")
    assert not interpret(spec(**room)).winter
    assert interpret(spec(**room, season="winter")).winter
    assert hist_distance(render(**room), render(**room, season="winter")) > 0.01
    field = dict(setting="a field behind the school", prompt="they ran across it")
    ground = render(**field, season="winter")[2 * H // 3 :]
    assert luma(ground) > luma(render(**field)[2 * H // 3 :]) + 60
    assert np.array_equal(render(**field, season="summer"), render(**field))


@pytest.mark.parametrize(
    ("season", "setting", "prompt", "expected"),
    [
        ("autumn", "a park", "they walked", "autumn"),
        ("fall", "a park", "they walked", "autumn"),  # not a contracts value; taken as autumn
        ("spring", "a park", "they walked", "spring"),
        ("summer", "a park", "it was autumn", "summer"),  # the spec's season wins
        ("unknown", "an autumn park", "they walked", "autumn"),
        ("unknown", "a park", "they kicked the fallen leaves", "autumn"),
        ("unknown", "a meadow on a spring morning", "they walked", "spring"),
        ("unknown", "a meadow", "in spring the lambs were born", "spring"),
        ("unknown", "the orchard in springtime", "they walked", "spring"),
        ("unknown", "a park", "on a summer afternoon", "summer"),
        ("unknown", "a park", "the leaves fall from the trees", ""),  # "fall" is a verb here
        ("unknown", "a well in the hills", "they drank from a spring of clear water", ""),
        ("unknown", "a park", "the cat made a spring for the ball", ""),
        ("winter", "a park", "in spring", ""),  # winter is View.winter: snow, no season colour
        ("autumn", "the surface of the Moon", "they walked", ""),  # no trees on the Moon
    ],
)
def test_the_season_comes_from_the_spec_then_the_words(season, setting, prompt, expected):
    assert interpret(spec(season=season, setting=setting, prompt=prompt)).season == expected


TREES = dict(setting="a meadow", objects=("tree",), prompt="they walked")


def _orange(img: np.ndarray) -> int:
    """Pixels that are orange, red or yellow (autumn leaves): red well above blue, not below
    green, and bright enough to be no shadow."""
    r, g, b = (img[..., k].astype(int) for k in range(3))
    return int(((r >= g) & (r > b + 60) & (r > 120)).sum())


def _blossom(img: np.ndarray) -> int:
    """Pale pink and white dots: bright, red at least blue (the sky's whites are bluish)."""
    r, g, b = (img[..., k].astype(int) for k in range(3))
    return int(((r > 225) & (g > 190) & (r >= b) & (r - b < 40)).sum())


@pytest.mark.parametrize("time", ["day", "dusk"])
def test_autumn_turns_the_crowns_orange_and_the_grass_browner(time):
    """The same trees, summer and autumn: autumn's crowns are orange, red and yellow where
    summer's are green, and its grass is browner (redder against its green)."""
    summer = render(**TREES, season="summer", time_of_day=time)
    autumn = render(**TREES, season="autumn", time_of_day=time)
    assert np.array_equal(summer, render(**TREES, time_of_day=time))  # summer: the default
    assert _orange(autumn) > _orange(summer) + 0.01 * H * W
    if time != "day":  # (at dusk the sky's orange light leaves summer's crowns no green)
        return
    # the crowns: above the horizon, green in summer and changed well beyond the hills' tint
    top_s, top_a = summer[: H // 2].astype(int), autumn[: H // 2].astype(int)
    green = (top_s[..., 1] > top_s[..., 0] + 20) & (top_s[..., 1] > top_s[..., 2] + 20)
    crowns = green & (np.abs(top_a - top_s).max(axis=-1) > 40)
    assert crowns.sum() > 0.01 * H * W
    assert np.mean(top_a[crowns][:, 0] > top_a[crowns][:, 1]) > 0.7  # orange-dominant
    grass_s, grass_a = summer[4 * H // 5 :].astype(float), autumn[4 * H // 5 :].astype(float)
    ratio = lambda g: g[..., 0].mean() / g[..., 1].mean()  # noqa: E731
    assert ratio(grass_a) > ratio(grass_s) + 0.08


def test_spring_puts_blossom_on_the_crowns_and_fresher_grass():
    summer = render(**TREES, season="summer")
    spring = render(**TREES, season="spring")
    assert _blossom(spring) > _blossom(summer) + 0.002 * H * W
    grass_s, grass_p = summer[4 * H // 5 :].astype(float), spring[4 * H // 5 :].astype(float)
    assert grass_p[..., 1].mean() > grass_s[..., 1].mean() + 15  # lighter, greener
    assert luma(grass_p) > luma(grass_s) + 10


@pytest.mark.parametrize("season", ["spring", "autumn"])
def test_seasons_are_deterministic_and_show_through_a_window(season):
    assert np.array_equal(render(**TREES, season=season), render(**TREES, season=season))
    room = dict(setting="a school kitchen", indoor_outdoor="indoor", objects=("tree",))
    assert not np.array_equal(render(**room), render(**room, season=season))


def test_night_sky_is_dark_and_day_sky_is_blue():
    day, night = render(), render(time_of_day="night")
    sky_day, sky_night = day[: H // 3].astype(float), night[: H // 3].astype(float)
    assert sky_day[..., 2].mean() > sky_day[..., 0].mean() + 40  # blue
    assert luma(sky_night) < 60 and luma(sky_night) < luma(sky_day) / 2


INSIDE_ONLY = {"bench", "tool", "pot", "wheel", "table", "book", "workshop", "kitchen", "board",
               "hearth"}  # fmt: skip
OUTDOOR = sorted(set(SHAPES) - INSIDE_ONLY)
INDOOR = sorted(INSIDE_ONLY | {"lamp", "kettle"})


@pytest.mark.parametrize("shape", OUTDOOR)
def test_each_outdoor_object_changes_the_picture(shape):
    # Sun and stars show where they would otherwise be hidden: sun in rain, stars in fog; a
    # bare wall is a long wall only out in the hills.
    extra = {
        "sun": {"weather": "rain"},
        "star": {"time_of_day": "night", "weather": "fog"},
        "wall": {"setting": "the hills"},
    }
    base = extra.get(shape, {})
    assert not np.array_equal(render(**base), render(objects=(shape,), **base)), shape


@pytest.mark.parametrize("shape", INDOOR)
def test_each_indoor_object_changes_the_picture(shape):
    base = render(indoor_outdoor="indoor", setting="a room")
    assert not np.array_equal(
        base, render(indoor_outdoor="indoor", setting="a room", objects=(shape,))
    )


@pytest.mark.parametrize(
    "shape", ["table", "bench", "pot", "book", "lamp", "tool", "wheel", "kettle"]
)
def test_indoor_things_are_drawn_outside_too(shape):
    assert not np.array_equal(render(), render(objects=(shape,)))


def test_object_words_are_found_in_the_objects_and_the_setting():
    v = interpret(spec(setting="a lighthouse on a rocky island", objects=("fishing boats", "cup")))
    assert {"lighthouse", "rock", "island", "boat"} <= v.shapes
    assert v.sea


def test_same_place_keeps_its_layout_across_shots():
    """Layout comes from the setting and palette: two shots of one place differ only in
    details (rain, horizon jitter), far less than two different places."""
    a = render(setting="a lighthouse on a rocky island", time_of_day="dusk")
    b = (
        AnimaticKeyframe()
        .render(
            spec(setting="a lighthouse on a rocky island", time_of_day="dusk").model_copy(
                update={"seed": 99}
            )
        )
        .image
    )
    other = render(setting="a boat by a lighthouse near a house", time_of_day="dusk")
    assert np.abs(a.astype(int) - b).mean() < np.abs(a.astype(int) - other).mean()


# ---------------------------------------------------------------- attributes and fallbacks


def test_spec_attributes_win_over_words():
    v = interpret(
        spec(
            setting="a stormy night on the sea",
            time_of_day="day",
            weather="snow",
            indoor_outdoor="indoor",
        )
    )
    assert (v.time, v.weather, v.indoor) == ("day", "snow", True)
    assert v.inferred == ()


def test_unknown_attributes_are_inferred_from_the_setting_then_the_prompt():
    s = spec(
        setting="a small fishing boat in a storm at night",
        prompt="a small fishing boat in a storm at night",
        time_of_day="unknown",
        weather="unknown",
        indoor_outdoor="unknown",
    )
    v = interpret(s)
    assert (v.time, v.weather, v.indoor) == ("night", "storm", False)
    assert "boat" in v.shapes and v.sea
    assert set(v.inferred) == {"time_of_day", "weather", "indoor_outdoor"}
    room = interpret(
        spec(
            setting="the lamp room at the top of the lighthouse",
            prompt="the lamp room, Tomas turned the lamp at dusk",
            time_of_day="unknown",
            indoor_outdoor="unknown",
        )
    )
    assert room.indoor and room.lamp_room and room.time == "dusk"
    bare = interpret(spec(setting="", prompt="somewhere", time_of_day="unknown", weather="unknown",
                          indoor_outdoor="unknown"))  # fmt: skip
    assert (bare.time, bare.weather, bare.indoor) == ("day", "clear", False)


def test_what_the_prompt_says_of_the_characters_is_not_the_scene():
    """A character's look is in the prompt ("dark brown hair", "a grey coat"): it made a
    fable's forest night and cloudy wherever the crow stood (seen in a rendered fable)."""
    crow = CharacterRef(
        id="crow",
        name="the crow",
        descriptors=("crow", "woman", "dark brown hair", "wearing a grey coat"),
        seed=1,
    )
    unknown = {"time_of_day": "unknown", "weather": "unknown", "indoor_outdoor": "unknown"}
    prompt = (
        "forest, the crow: crow, woman, dark brown hair, wearing a grey coat, calm mood, "
        "A crow sat on a high branch with a piece of cheese in her beak."
    )
    v = interpret(spec(setting="forest", prompt=prompt, characters=(crow,), **unknown))
    assert (v.time, v.weather) == ("day", "clear")
    # the narration itself still speaks: of the hour, and of the sky
    said = interpret(
        spec(
            setting="forest",
            prompt=prompt + " It was dark and grey.",
            characters=(crow,),
            **unknown,
        )
    )
    assert (said.time, said.weather) == ("night", "cloudy")
    # a colour or a thing after "dark" / "grey" describes that thing
    things = interpret(
        spec(
            setting="a yard",
            prompt="a dark green door, dark clouds and a grey stone wall",
            **unknown,
        )
    )
    assert things.time == "day" and things.weather == "cloudy"  # the clouds, not the stone


@pytest.mark.parametrize("time", ["day", "dawn", "night"])
def test_a_desert_has_sand_underfoot_not_grass(time):
    """ "The desert at sunrise" was drawn as green hills."""

    def ground(setting):
        img = render(setting=setting, time_of_day=time, width=320, height=180)
        return img[150:175].reshape(-1, 3).astype(float).mean(axis=0)

    r, g, b = ground("the desert")
    mr, mg, _ = ground("a meadow")
    assert r - g > mr - mg + 10  # warmer than the grass under the same light
    if time != "night":  # by moonlight every ground is dark and blue
        assert r > g > b and r - b > 25  # sandy: red over green over blue
        assert mg > mr  # the meadow stays green


def test_a_leaf_or_a_plant_is_drawn_as_vegetation():
    """A lesson on how leaves make food showed an empty meadow: "leaf" is a tree's, "plant"
    a small plant, drawn with the flowers."""
    assert "tree" in interpret(spec(objects=("leaf",))).shapes
    assert "flower" in interpret(spec(objects=("plant", "water"))).shapes
    bare, leafy = render(objects=("water",)), render(objects=("leaf", "plant"))
    assert hist_distance(bare, leafy) > 0.02


def test_a_volcano_is_a_cone_and_erupts_when_lava_or_magma_is_named():
    """A lesson on volcanoes showed snowy alps: a volcano is one cut-off cone, and with lava
    or magma named it glows and pours lava (red-orange), with an ash plume."""

    def lava_pixels(img):
        r, g, b = (img[..., k].astype(int) for k in range(3))
        return int(((r > 200) & (g < 140) & (b < 80)).sum())

    dormant = interpret(spec(setting="a volcano", objects=("rock",)))
    assert "volcano" in dormant.shapes and "mountain" not in dormant.shapes
    assert "lava" in interpret(spec(setting="a volcano", objects=("magma",))).shapes
    assert "lava" not in interpret(spec(objects=("ash", "fire"))).shapes  # a fire's ash
    quiet = render(setting="a volcano", objects=("rock",), width=320, height=180)
    erupting = render(setting="a volcano", objects=("magma",), width=320, height=180)
    assert lava_pixels(quiet) == 0 and lava_pixels(erupting) > 150


def test_inferred_words_render_like_explicit_attributes():
    words = render(
        setting="a small fishing boat in a storm at night",
        prompt="a small fishing boat in a storm at night, Lina",
        time_of_day="unknown",
        weather="unknown",
        indoor_outdoor="unknown",
    )
    explicit = render(
        setting="a small fishing boat in a storm at night",
        prompt="a small fishing boat in a storm at night, Lina",
        time_of_day="night",
        weather="storm",
        indoor_outdoor="outdoor",
    )
    assert np.array_equal(words, explicit)


@pytest.mark.parametrize("size", [(16, 16), (17, 41), (4096, 16), (16, 1000), (33, 17)])
@pytest.mark.parametrize(
    "attrs",
    [
        {"weather": "storm", "time_of_day": "night", "objects": ("boat", "lighthouse")},
        {"indoor_outdoor": "indoor", "objects": ("workshop", "book", "table", "lamp")},
        {"indoor_outdoor": "indoor", "objects": ("lighthouse",), "weather": "fog"},
        {"weather": "snow", "objects": ("mountain", "tree", "house", "river")},
    ],
)
def test_busy_scenes_at_extreme_sizes(size, attrs):
    img = render(width=size[0], height=size[1], **attrs)
    assert img.shape == (size[1], size[0], 3)


def test_deterministic_per_seed_for_a_busy_scene():
    kw = {"weather": "storm", "time_of_day": "night", "objects": ("boat", "lighthouse", "tree")}
    assert np.array_equal(render(**kw), render(**kw))


# ---------------------------------------------------------------- the diffusers prompt


def test_diffusers_prompt_carries_the_scene_attributes_early():
    s = spec(
        prompt="a small fishing boat, Lina: young captain, fear mood, Lina lost her way",
        time_of_day="night",
        weather="storm",
        indoor_outdoor="outdoor",
        objects=("boat", "rock"),
    )
    p = build_prompt(s, "storybook style")
    assert p.startswith("a small fishing boat, at night")
    assert "heavy rain, lightning" in p and "outdoors" in p and "rock" in p
    assert p.endswith("storybook style")
    assert p.count("boat") == s.prompt.count("boat")  # named already: not repeated
    unknown = spec(
        prompt="a room", time_of_day="unknown", weather="unknown", indoor_outdoor="unknown"
    )
    assert build_prompt(unknown) == "a room"


def test_characters_at_sea_with_a_boat_stand_in_it():
    """The hull is drawn over the figures: their legs are hidden, their faces are not."""
    kw = {"setting": "a fishing boat in a storm", "weather": "storm", "objects": ("boat",)}
    a = AnimaticKeyframe().render(
        spec(characters=(CharacterRef(id="lina", name="L", seed=1),), **kw)
    )
    b = AnimaticKeyframe().render(
        spec(characters=(CharacterRef(id="zed", name="Z", seed=1),), **kw)
    )
    assert np.array_equal(a.image[int(H * 0.9) :], b.image[int(H * 0.9) :])  # hull only
    seen = {"setting": "the lamp room", "weather": "storm", "objects": ("boat", "sea")}
    c = AnimaticKeyframe().render(
        spec(characters=(CharacterRef(id="lina", name="L", seed=1),), **seen)
    )
    d = AnimaticKeyframe().render(
        spec(characters=(CharacterRef(id="zed", name="Z", seed=1),), **seen)
    )
    legs = slice(int(H * 0.7), int(H * 0.85))
    assert not np.array_equal(c.image[legs], d.image[legs])  # no hull: legs show
    face = next(r for r in a.regions if r.kind == "face")
    assert not np.array_equal(
        a.image[face.y : face.y + face.h, face.x : face.x + face.w],
        b.image[face.y : face.y + face.h, face.x : face.x + face.w],
    )


# ---------------------------------------------------------------- objects and figures


def _roof_columns(img: np.ndarray) -> np.ndarray:
    """Columns holding the house's red roof (day light): red well above green and blue."""
    rgb = img.astype(np.int16)
    red = (rgb[..., 0] - rgb[..., 1] > 50) & (rgb[..., 0] - rgb[..., 2] > 60)
    return np.flatnonzero(red.any(axis=0))


def test_a_house_stands_clear_of_the_figures_where_there_is_room():
    from ttv_keyframe.scenery import paint

    view = interpret(spec(setting="the house"))
    assert "house" in view.shapes
    palette = [np.array([128, 128, 128])]
    free, *_ = paint(view, W, H, 1, palette, 7, 3)
    cols = _roof_columns(free) / W
    assert cols.size and 0.5 < cols.min() < cols.max() < 0.95  # drawn at 0.62..0.8
    kept, *_ = paint(view, W, H, 1, palette, 7, 3, keep_clear=((0.45, 0.95),))
    cols = _roof_columns(kept) / W
    assert cols.size and cols.max() < 0.45  # moved beside the figure, not behind it


def test_no_roof_grows_out_of_a_head_in_a_two_character_shot():
    people = (
        CharacterRef(id="ravi", name="Ravi", seed=1),
        CharacterRef(id="mira", name="Mira", seed=2),
    )
    for seed in range(6):
        s = spec(setting="the house", characters=people, seed=seed, width=320, height=180)
        kf = AnimaticKeyframe().render(s)
        cols = _roof_columns(kf.background)  # the backdrop alone: no figure reads as a roof
        bodies = [r for r in kf.regions if r.kind == "body"]
        assert cols.size and len(bodies) == 2
        for r in bodies:
            assert not ((cols >= r.x) & (cols < r.x + r.w)).any(), (seed, r)


def test_the_ground_plane_starts_below_a_house_that_stands_below_the_horizon():
    from ttv_keyframe.scenery import paint

    palette = [np.array([128, 128, 128])]
    _, bare, _ = paint(interpret(spec(setting="a meadow")), W, H, 1, palette, 7, 3)
    _, house, _ = paint(interpret(spec(setting="the house")), W, H, 1, palette, 7, 3)
    assert house == pytest.approx(bare + 0.06 * H)  # the house's base, not the horizon
    kf = AnimaticKeyframe().render(spec(setting="the house"))
    cols = _roof_columns(kf.image)
    door = kf.image[:, cols.min() : cols.max() + 1].astype(int)
    brown = np.flatnonzero(((door[..., 0] - door[..., 2] > 30) & (door[..., 1] < 90)).any(axis=1))
    assert brown.size and brown.max() <= kf.ground * H + 1  # the door stands above the plane


# ---------------------------------------------------------------- the Moon, space, caves, vehicles

UNKNOWN = {"time_of_day": "unknown", "weather": "unknown", "indoor_outdoor": "unknown"}


def rgb_mean(img: np.ndarray) -> np.ndarray:
    return img.reshape(-1, 3).astype(float).mean(axis=0)


@pytest.mark.parametrize(
    ("setting", "prompt", "world"),
    [
        ("moon", "Armstrong stepped onto the grey dust.", "moon"),
        ("The First Steps on the Moon", "They landed on the Moon.", "moon"),
        ("a field", "Astronauts walked on the lunar surface.", "moon"),
        ("a meadow", "The moon rose over the hills.", "earth"),  # the moon in an Earth sky
        ("a meadow", "The cow jumped over the moon.", "earth"),
        ("the moon over the bay", "Tomas rowed home.", "earth"),  # a setting under the moon
        ("the far side of the Moon", "It is never seen from Earth.", "moon"),
        ("moon", "Michael Collins stayed in orbit in the command module.", "space"),
        ("moon", "Back on Earth, millions of people watched on television.", "earth"),
        ("space", "Astronauts float because they fall around the Earth.", "space"),
        ("a station", "Yuki looks out of the window at the blue planet below.", "space"),
        ("a parking space", "They left the car.", "earth"),
        ("a garden", "There was no space between the trees.", "earth"),
    ],
)
def test_the_world_comes_from_the_shots_words_then_its_setting(setting, prompt, world):
    """The shot's own sentence first (a shot in orbit or back on Earth under a setting on the
    Moon), then the setting; a bare "moon" or "space" in a sentence is the Earth's sky or a
    gap, not another world."""
    v = interpret(spec(setting=setting, prompt=f"{setting}, {prompt}", **UNKNOWN))
    assert v.world == world


def test_landed_on_the_moon_is_grey_dust_under_a_black_sky():
    """Seen on a rendered lesson: "landed on the Moon" was green grass at night under a
    crescent moon. The lunar surface is grey dust with craters under a black sky, whatever
    the hour or the weather the scene says (no air: "grey dust" is no cloudy sky)."""
    moon = dict(
        setting="moon", prompt="moon, They landed on the Moon and stepped onto the grey dust."
    )
    v = interpret(spec(**moon, **UNKNOWN))
    assert (v.world, v.weather, v.indoor) == ("moon", "clear", False)
    img = render(**moon, time_of_day="night", weather="cloudy", width=320, height=180)
    assert np.array_equal(img, render(**moon, width=320, height=180))  # not night, no clouds
    ground, sky = img[150:175], img[:30]
    r, g, b = rgb_mean(ground)
    assert luma(ground) > 90 and max(abs(r - g), abs(g - b)) < 12  # light grey, not green
    assert luma(sky) < 30  # black, not a night-blue gradient
    grass = rgb_mean(render(setting="a meadow", width=320, height=180)[150:175])
    assert grass[1] > grass[2] + 20  # (the meadow under the same light is green)


def test_space_is_black_and_starry_with_the_earth_below():
    space = dict(
        setting="space", prompt="space, Astronauts float because they fall around the Earth."
    )
    img = render(**space, weather="rain", width=320, height=180)
    assert np.array_equal(img, render(**space, width=320, height=180))  # no weather in space
    top = img[:40]
    assert luma(top) < 30
    assert (top.max(axis=2) > 150).mean() > 0.002  # stars
    r, g, b = rgb_mean(img[165:])
    assert b > r + 40 and b > g  # the blue planet below


def test_a_spacecraft_inside_is_a_metal_module_with_a_window_onto_space():
    station = dict(
        setting="international space station",
        prompt="international space station, Yuki looks out of the window at the blue planet below.",
        indoor_outdoor="indoor",
    )
    v = interpret(spec(**station))
    assert v.indoor and v.kind == "spacecraft" and v.world == "space"
    module = render(**station, width=320, height=180)
    assert np.array_equal(module, render(**station, time_of_day="night", width=320, height=180))
    room = render(setting="a room", indoor_outdoor="indoor", width=320, height=180)
    fr, _, fb = rgb_mean(module[140:])
    rr, _, rb = rgb_mean(room[140:])
    assert abs(fr - fb) < 15 and rr - rb > 40  # a grey panel floor, not wooden boards
    assert (luma_px(module[:90]) < 30).mean() > 0.02  # black space through the window
    assert (luma_px(room[:90]) < 30).mean() < 0.005


def luma_px(img: np.ndarray) -> np.ndarray:
    return img.astype(np.float64) @ [0.299, 0.587, 0.114]


def sky_blue(img: np.ndarray) -> float:
    """The share of light-blue (sky) pixels."""
    px = img.reshape(-1, 3).astype(int)
    return float(((px[:, 2] > px[:, 0] + 30) & (luma_px(px) > 120)).mean())


def test_a_cave_is_dim_rock_without_a_window_and_its_dark_is_not_night():
    """ "Kai followed the turtle to a sandy cave" was a pink room with a plank floor and a
    window onto a sunny field; "Inside, tiny silver fish darted in the dark" made it night
    with a lamp. A cave is rock under an arch, always dim, with no window and no lamp."""
    cave = dict(
        setting="sandy cave", prompt="sandy cave, Inside, tiny silver fish darted in the dark."
    )
    v = interpret(spec(**cave, **UNKNOWN))
    assert v.indoor and v.kind == "cave"
    img = render(**cave, indoor_outdoor="indoor", width=320, height=180)
    assert np.array_equal(img, render(**cave, indoor_outdoor="indoor", time_of_day="night",
                                      width=320, height=180))  # fmt: skip
    assert sky_blue(img) == 0.0  # no window
    assert sky_blue(render(setting="a room", indoor_outdoor="indoor", width=320, height=180)) > 0.01
    assert luma(img) < 70
    from ttv_keyframe.animatic import DARK
    from ttv_keyframe.scenery import ambient

    assert ambient(v) < DARK  # figures take their lifted tone off the dark rock


@pytest.mark.parametrize(
    ("setting", "kind"),
    [
        ("a school bus", "bus"),
        ("the train to the city", "train"),
        ("the back seat of the car", "car"),
        ("a plane over the sea", "plane"),
    ],
)
def test_a_vehicle_is_drawn_from_inside_with_seats_and_windows(setting, kind):
    """ "Lena felt sick on the school bus" was an open field. Inside a vehicle: seats in a
    row under windows that show the outside (sky, for a plane among clouds)."""
    v = interpret(spec(setting=setting, prompt=f"{setting}, Lena felt sick.", **UNKNOWN))
    assert v.indoor and v.kind == kind
    img = render(setting=setting, indoor_outdoor="indoor", width=320, height=180)
    room = render(setting="a room", indoor_outdoor="indoor", width=320, height=180)
    assert hist_distance(img, room) > 0.3
    assert sky_blue(img[20:85]) > 0.05  # the windows show the outside
    fr, _, fb = rgb_mean(img[155:])
    assert abs(fr - fb) < 15  # no wooden floor under the seats


@pytest.mark.parametrize(
    "setting", ["the bus stop on the corner", "the train station square", "a car park"]
)
def test_a_place_beside_a_vehicle_is_not_inside_it(setting):
    v = interpret(spec(setting=setting, prompt=setting, **UNKNOWN))
    assert not v.indoor and v.kind == ""


@pytest.mark.parametrize(
    ("prompt", "indoor"),
    [
        ('"Apples have air inside them," she said.', False),
        ("The seeds inside the apple are small.", False),
        ("Water moves within it.", False),
        ("Inside, tiny silver fish darted.", True),
        ("They went inside the old cottage.", True),
        ("She ran inside.", True),
    ],
)
def test_inside_a_thing_is_not_indoors(prompt, indoor):
    """ "Apples have air inside them" made one shot of a lesson indoor between outdoor ones:
    "inside" before a pronoun, or a thing that is no place, says nothing of walls."""
    v = interpret(spec(setting="Floating and Sinking", prompt=prompt, **UNKNOWN))
    assert v.indoor is indoor


@pytest.mark.parametrize(
    "attrs",
    [
        {"setting": "moon", "objects": ("lander", "flag")},
        {"setting": "space", "objects": ("moon", "sun", "spacecraft")},
        {"setting": "international space station", "indoor_outdoor": "outdoor"},
        {"setting": "international space station", "indoor_outdoor": "indoor"},
        {"setting": "a sandy cave", "indoor_outdoor": "indoor", "objects": ("lamp",)},
        {"setting": "a school bus", "indoor_outdoor": "indoor", "time_of_day": "night"},
        {"setting": "a plane", "indoor_outdoor": "indoor", "weather": "fog"},
    ],
)
@pytest.mark.parametrize("size", [(16, 16), (4096, 16), (16, 1000), (33, 17)])
def test_new_places_at_extreme_sizes_and_deterministic(size, attrs):
    img = render(width=size[0], height=size[1], **attrs)
    assert img.shape == (size[1], size[0], 3)
    if size == (33, 17):
        assert np.array_equal(img, render(width=size[0], height=size[1], **attrs))


# ---------------------------------------------------------------- deserts, camps, the sea bed


def warm_bright(img: np.ndarray) -> np.ndarray:
    """Firelight: bright orange-yellow pixels."""
    px = img.astype(int)
    return (
        (px[..., 0] > 200) & (px[..., 1] > 90) & (px[..., 2] < 140) & (px[..., 0] > px[..., 2] + 90)
    )


def test_desert_sand_is_no_beach_and_the_pyramid_stands_in_it():
    """ "They dragged the blocks across the desert sand" (objects: sand) was a beach by the
    sea; "the pyramid" was not drawn at all. Sand is a desert's when the shot says desert;
    a pyramid is sunlit sand-coloured stone above the horizon, on sand."""
    egypt = dict(
        setting="Building the Great Pyramid",
        prompt="Building the Great Pyramid, They dragged the blocks across the desert sand.",
        objects=("sand", "sledge"),
    )
    v = interpret(spec(**egypt, **UNKNOWN))
    assert not v.sea and "beach" not in v.shapes and {"desert", "pyramid"} <= v.shapes
    assert interpret(spec(objects=("sand",))).sea  # sand alone is still a beach's
    img = render(**egypt, width=320, height=180)
    px = img.astype(int)
    sea = (px[..., 2] > px[..., 0] + 60) & (luma_px(px) < 120)  # deep blue water
    assert sea[100:].mean() < 0.01
    stone = (px[..., 0] > px[..., 2] + 50) & (luma_px(px) > 110)  # sand-coloured
    assert stone[:90].mean() > 0.08  # the pyramid, above the horizon
    desert = render(setting="the desert", width=320, height=180).astype(int)
    assert ((desert[..., 0] > desert[..., 2] + 50) & (luma_px(desert) > 110))[:90].mean() < 0.02


def test_the_nile_is_a_river_and_a_quarry_is_rock():
    assert "river" in interpret(spec(objects=("the Nile",))).shapes
    assert "rock" in interpret(spec(objects=("quarry",))).shapes


def test_a_campfire_burns_by_the_figures_feet_and_lights_the_ground_at_night():
    """ "Their uncle built a small campfire" and "the campfire at night" drew no fire."""
    camp = dict(setting="the campfire at night", prompt="They toasted marshmallows.")
    v = interpret(spec(**camp, **UNKNOWN))
    assert "campfire" in v.shapes and not v.indoor and v.time == "night"
    img = render(**camp, time_of_day="night", width=320, height=180)
    plain = render(setting="a clearing", time_of_day="night", width=320, height=180)
    assert warm_bright(img)[110:].sum() > 40 and warm_bright(plain).sum() == 0
    # the ground around it is lit: warmer than the same ground without the fire
    assert img[130:175, 100:220, 0].mean() > plain[130:175, 100:220, 0].mean() + 8


@pytest.mark.parametrize(
    ("attrs", "fire"),
    [
        ({"objects": ("fire engine",)}, False),
        ({"objects": ("fire",)}, True),
        ({"objects": ("bonfire",)}, True),
        ({"setting": "a kitchen", "indoor_outdoor": "indoor", "objects": ("fire",)}, False),
        ({"setting": "the fire station"}, False),
    ],
)
def test_fire_words_in_other_senses_draw_no_campfire(attrs, fire):
    assert ("campfire" in interpret(spec(**attrs)).shapes) is fire


def test_inside_the_tent_is_sloping_canvas_without_a_window_or_ceiling_lamp():
    """ "inside the tent" was a house room with a wooden floor, a window and a ceiling lamp."""
    tent = dict(setting="inside the tent", prompt="inside the tent, Tom could not sleep.")
    v = interpret(spec(**tent, **UNKNOWN))
    assert v.indoor and v.kind == "tent"
    assert interpret(spec(setting="the tent", indoor_outdoor="indoor")).kind == "tent"
    pitched = interpret(spec(setting="a clearing", prompt="They pitched their tent.", **UNKNOWN))
    assert not pitched.indoor and pitched.kind == ""  # a tent seen from outside
    night = dict(indoor_outdoor="indoor", time_of_day="night", width=320, height=180)
    img, room = render(**tent, **night), render(setting="a room", **night)
    lamp = (luma_px(room[:60]) > 150).mean()
    assert lamp > 0.02 and (luma_px(img[:60]) > 150).mean() < lamp / 20  # no ceiling lamp
    day = dict(indoor_outdoor="indoor", time_of_day="day", width=320, height=180)
    img, room = render(**tent, **day), render(setting="a room", **day)
    assert sky_blue(room[:, 200:]) > 0.02  # the room's window
    assert sky_blue(img[:, 200:]) == 0 and sky_blue(img[:, :120]) == 0  # only the flap, mid
    r, g, _ = rgb_mean(img[150:])
    assert g > r  # a groundsheet, not wooden boards


@pytest.mark.parametrize(
    ("setting", "prompt", "world"),
    [
        ("warm blue sea", "Kai put on her mask and dived into the warm blue sea.", "underwater"),
        ("coral reef", "A green turtle swam slowly past.", "underwater"),
        ("the bay", "They swam under the water to the rocks.", "underwater"),
        ("the bay", "A crab walked along the seabed.", "underwater"),
        ("the beach", "They swam in the sea.", "earth"),
        ("the harbour", "They sailed on the sea.", "earth"),
        ("the pool", "She dived into the pile of leaves.", "earth"),
        # a bare "coral" is a colour or a necklace's, unless the sea is said too
        ("the party", "She wore a coral necklace.", "earth"),
        ("the ballroom", "Her coral-coloured dress swirled.", "earth"),
        ("the lagoon", "Coral and bright fish were everywhere.", "underwater"),
        ("the bay", "Fish hid among the corals.", "underwater"),
    ],
)
def test_under_the_water_is_its_own_world(setting, prompt, world):
    assert interpret(spec(setting=setting, prompt=f"{setting}, {prompt}", **UNKNOWN)).world == world


def test_under_the_sea_is_blue_water_over_sand_with_coral_not_a_sky():
    """ "Kai dived into the warm blue sea. Below her, the coral reef glowed with orange and
    purple colours" stood her on the sea's surface under a sunny sky."""
    reef = dict(
        setting="coral reef",
        prompt="coral reef, Below her, the coral reef glowed with orange and purple colours.",
        indoor_outdoor="outdoor",
    )
    v = interpret(spec(**reef))
    assert v.world == "underwater" and not v.indoor and v.weather == "clear"
    img = render(**reef, weather="rain", width=320, height=180)
    assert np.array_equal(img, render(**reef, width=320, height=180))  # no weather down there
    r, g, b = rgb_mean(img[10:90])
    assert b > r + 60 and g > r + 40  # blue-green water, no sky or sun
    surface = render(setting="the sea", width=320, height=180)
    assert hist_distance(img, surface) > 0.3
    px = img[100:].reshape(-1, 3).astype(int)
    orange = (px[:, 0] > 180) & (px[:, 1] > 90) & (px[:, 1] < 170) & (px[:, 2] < 90)
    purple = (px[:, 2] > px[:, 1] + 50) & (px[:, 0] > px[:, 1] + 30)
    assert orange.sum() > 10 and purple.sum() > 10  # the coral in the colours said


@pytest.mark.parametrize(
    ("prompt", "flower"),
    [
        ("The moon rose over the hills.", False),
        ("The sun rose and the mist rose from the lake.", False),
        ("She rose from her chair.", False),
        ("Mia picked a rose.", True),
        ("There were red roses everywhere.", True),
    ],
)
def test_rose_the_verb_is_no_flower(prompt, flower):
    """ "The moon rose over the hills" drew a bed of flowers."""
    v = interpret(spec(setting="a meadow at night", prompt=prompt, **UNKNOWN))
    assert ("flower" in v.shapes) is flower


def test_the_moon_rose_draws_the_same_picture_as_the_moon_shone():
    a = render(setting="a meadow", prompt="The moon rose over the hills.", **UNKNOWN)
    b = render(setting="a meadow", prompt="The moon shone over the hills.", **UNKNOWN)
    assert np.array_equal(a, b)


@pytest.mark.parametrize(
    ("prompt", "herd"),
    [
        ("The cows were waiting to be milked.", ("cow",)),
        ("His daughter fed the chickens in the yard.", ("chicken",)),
        ("The sheep grazed while ducks swam by.", ("sheep", "duck")),
        ("Three foxes and some puppies played.", ("fox", "puppy")),
        ("At dawn the rooster crows.", ()),
        ("A sheep stood alone.", ()),
        ("The cow jumped over the moon.", ()),  # one animal: not a herd
        # a plural animal word as a verb after a noun phrase: no herd
        ("The tree bears fruit.", ()),
        ("The old apple tree bears sweet fruit every year.", ()),
        ("The brown bears caught fish.", ("bear", "fish")),
        ("The polar bears swam.", ("bear",)),
        ("Bears and wolves lived in the woods.", ("bear", "wolf")),
    ],
)
def test_plural_animals_are_a_herd(prompt, herd):
    assert interpret(spec(setting="a farm", prompt=prompt, **UNKNOWN)).herd == herd


def test_the_cows_are_drawn_small_behind_and_beside_the_characters():
    """ "The cows were waiting to be milked" drew an empty field: the cows are drawn, two
    to four, between the horizon and the characters' feet and clear of them."""
    cast = (CharacterRef(id="jack", name="Jack", descriptors=("man",), seed=1),)
    farm = dict(setting="barn", time_of_day="night", width=320, height=180)
    kf = AnimaticKeyframe().render(
        spec(**farm, prompt="barn, The cows were waiting to be milked.", characters=cast)
    )
    plain = AnimaticKeyframe().render(spec(**farm, prompt="barn, It was late.", characters=cast))
    diff = np.abs(kf.background.astype(int) - plain.background.astype(int)).sum(axis=2) > 30
    assert diff.sum() > 300  # the cows
    ys, _ = np.nonzero(diff)
    assert ys.max() < max(r.y + r.h for r in kf.regions if r.kind == "body")
    body = next(r for r in kf.regions if r.kind == "body")
    assert not diff[:, body.x : body.x + body.w].any()  # not behind the character
    assert np.array_equal(  # deterministic
        kf.image,
        AnimaticKeyframe()
        .render(spec(**farm, prompt="barn, The cows were waiting to be milked.", characters=cast))
        .image,
    )


def test_a_railway_station_has_a_platform_and_a_train_and_a_fire_station_none():
    assert "railway" in interpret(spec(setting="busy station, night")).shapes
    assert "railway" not in interpret(spec(setting="the fire station")).shapes
    img = render(setting="busy station, night", time_of_day="night", width=320, height=180)
    plain = render(setting="a field", time_of_day="night", width=320, height=180)
    assert hist_distance(img, plain) > 0.2
    lit = (img[..., 0] > 220) & (img[..., 1] > 190) & (img[..., 2] > 110)
    assert lit[60:130].mean() > 0.03  # the train's lit windows


@pytest.mark.parametrize(
    "attrs",
    [
        {"setting": "the great pyramid", "objects": ("campfire", "tent", "railway")},
        {"setting": "inside the tent", "indoor_outdoor": "indoor", "time_of_day": "night"},
        {"setting": "under the sea", "prompt": "under the sea, fish and turtles swam"},
        {"setting": "a farm", "prompt": "a farm, the cows and the birds"},
    ],
)
@pytest.mark.parametrize("size", [(16, 16), (4096, 16), (16, 1000), (33, 17)])
def test_newer_places_at_extreme_sizes_and_deterministic(size, attrs):
    img = render(width=size[0], height=size[1], **attrs)
    assert img.shape == (size[1], size[0], 3)
    if size == (33, 17):
        assert np.array_equal(img, render(width=size[0], height=size[1], **attrs))


@pytest.mark.parametrize(
    ("setting", "prompt", "objects", "kind"),
    [
        # the night train's cabin: a train inside, not a house room
        ("cabin, night", "As the train crossed the mountains, Marco watched.", ("train",), "train"),
        ("cabin, night", "Marco watched the peaks.", ("train",), "train"),
        ("the sleeper cabin", "They boarded the night train.", (), "train"),
        ("cabin", "The ship rolled on the waves.", (), "ship"),  # a room with a porthole
        ("a log cabin in the woods", "They lit the stove.", (), ""),
        ("cabin, night", "Their cabin had two narrow beds and a tiny window.", ("bed",), ""),
    ],
)
def test_a_cabin_on_a_train_or_a_ship_is_its_inside(setting, prompt, objects, kind):
    v = interpret(
        spec(
            setting=setting, prompt=f"{setting}, {prompt}", objects=objects, indoor_outdoor="indoor"
        )
    )
    assert v.indoor and v.kind == kind


def test_a_ships_cabin_has_a_round_window_onto_the_sea():
    cabin = dict(setting="cabin", indoor_outdoor="indoor", width=320, height=180)
    ship = render(prompt="cabin, the ship rolled.", **cabin)
    room = render(prompt="cabin, the stove was warm.", **cabin)
    assert not np.array_equal(ship, room)
    # the porthole: sea blue in a round window, where the room has a square one
    px, py, r = int(320 * 0.74), int(180 * 0.3), int(180 * 0.13)
    disc = ship[py - r // 2 : py + r // 2, px - r // 2 : px + r // 2].astype(int)
    assert (disc[..., 2] > disc[..., 0] + 20).mean() > 0.5
    corner = ship[py - r + 2, px - r + 2].astype(int)  # outside the circle: the wall
    assert not corner[2] > corner[0] + 20


def _owls(prompt: str, objects=()) -> tuple[np.ndarray, np.ndarray]:
    """The backdrop with the owls and without, at night, and where they differ."""
    night = dict(setting="a meadow", time_of_day="night", width=320, height=180)
    owls = render(prompt=f"a meadow, {prompt}", objects=objects, **night)
    plain = render(prompt="a meadow, They listened.", objects=objects, **night)
    return np.abs(owls.astype(int) - plain.astype(int)).sum(axis=2) > 30, owls


def test_birds_fly_in_the_sky_when_no_tree_is_drawn():
    """ "They listened to the owls" drew owls standing on the ground by the campfire."""
    assert interpret(spec(prompt="They listened to the owls.", **UNKNOWN)).herd == ("owl",)
    diff, _ = _owls("They listened to the owls.")
    ys, _ = np.nonzero(diff)
    assert diff.sum() > 20
    assert ys.max() < 180 * 0.45  # in the sky, none on the ground


def test_birds_sit_in_the_trees_when_trees_are_drawn():
    diff, _ = _owls("They listened to the owls.", objects=("trees",))
    ys, _ = np.nonzero(diff)
    assert diff.sum() > 20
    assert ys.max() < 180 * 0.62  # up in the trees, none on the ground
    # on the tree crowns (the trees stand at the sides and a third of the way across), not
    # in the open sky in the middle
    assert not diff[:, 150:250].any()


def test_a_hen_herd_stays_on_the_ground():
    v = interpret(spec(prompt="She fed the hens.", **UNKNOWN))
    assert v.herd == ("hen",)
    from ttv_keyframe.animals import ANIMALS

    assert not ANIMALS["hen"].flies and ANIMALS["owl"].flies and ANIMALS["crow"].flies


def test_a_green_field_stays_green_whatever_colour_the_place_draws():
    """ "On sports day, the whole school gathered on the green field": the place's last
    palette colour (a hashed magenta) tinted the grass at 30 % and drew a mauve-grey field
    under the label "Green field". Colours outside grass's hues now tint it lightly; a green
    or yellow one still tints it as before."""
    import colorsys

    def ground(palette: tuple[str, ...]) -> tuple[float, float]:
        spec = meadow_spec(320, 180, setting="the green field", characters=(), palette=palette)
        kf = AnimaticKeyframe().render(spec)
        patch = kf.image[int(0.93 * 180) :, :].reshape(-1, 3).mean(axis=0) / 255.0
        h, s, _ = colorsys.rgb_to_hsv(*patch)
        return h * 360.0, s

    hue, sat = ground(("#4f8a3b", "#a3b755", "#824351", "#c628c7"))
    assert 70 <= hue <= 150 and sat >= 0.3, (hue, sat)  # grass, not mauve-grey
    yellow_hue, _ = ground(("#4f8a3b", "#a3b755", "#824351", "#d8c040"))
    plain_hue, _ = ground(("#4f8a3b",))
    assert yellow_hue < plain_hue - 3  # a grassy colour still tints the grass


def test_the_lamp_room_lamp_stands_clear_of_a_lone_figure():
    """The lighthouse's lamp room: Tomas stood in front of the great lamp (its middle), and
    "Tomas saw the boat" showed his head on the lens. The lamp moves to the nearest place
    clear of the figures: its bright lens shows as whole as in the empty room, every seed."""
    from ttv_contracts.testing import sample_spec

    tomas = CharacterRef(
        id="tomas", name="Tomas", descriptors=("elderly man", "wearing a cream coat"), seed=38
    )
    luma = np.array([0.299, 0.587, 0.114])
    shown = []
    for seed in range(20):
        spec = sample_spec(width=320, height=180, seed=seed).model_copy(
            update={
                "setting": "the lamp room at the top of the lighthouse",
                "prompt": "the lamp room at the top of the lighthouse.",
                "caption": "",
                "characters": (tomas,),
                "time_of_day": "night",
                "objects": (),
            }
        )
        room = AnimaticKeyframe().render(spec.model_copy(update={"characters": ()})).image
        kf = AnimaticKeyframe().render(spec).image
        lens = float(((room.astype(float) @ luma) > 235).sum())
        assert lens > 300  # the lamp's light is there to see
        shown.append(float(((kf.astype(float) @ luma) > 235).sum()) / lens)
    assert min(shown) >= 0.95, shown


@pytest.mark.parametrize("objects", [("pot",), ("kettle", "book", "pot"), ("table", "cake")])
def test_outdoor_props_stand_up_stage_above_the_caption_band_clear_of_the_figures(objects):
    """The potter's pot stood at the frame's bottom edge, by the figures' feet: under the
    burned-in caption in most of his shots and behind his legs. Outdoors (not at sea) a prop
    stands up-stage, above the caption band (the bottom quarter), in the free width."""
    luma = np.array([0.299, 0.587, 0.114])
    ravi = CharacterRef(id="ravi", name="Ravi", descriptors=("man", "tan skin"), seed=1)
    mira = CharacterRef(id="mira", name="Mira", descriptors=("girl", "fair skin"), seed=2)
    for seed in range(6):
        base = meadow_spec(320, 180, seed=seed, characters=(ravi, mira))
        with_props = AnimaticKeyframe().render(base.model_copy(update={"objects": objects}))
        without = AnimaticKeyframe().render(base)
        changed = np.abs(with_props.image.astype(float) @ luma - without.image @ luma) > 12
        ys, _xs = np.nonzero(changed)
        assert len(ys) >= 12, (objects, seed)  # the props are drawn
        assert ys.max() < 0.75 * 180, (objects, seed)  # above the caption band
        for r in (r for r in with_props.regions if r.kind == "body"):
            inside = changed[r.y : r.y + r.h, r.x : r.x + r.w]
            assert inside.sum() <= 0.02 * changed.sum(), (objects, seed, r.label)


def test_a_river_runs_into_the_sea_the_setting_names():
    """ "Rivers carry the water back to the sea" (the sea, with a river among the objects)
    drew a snowy field with a river and no sea: a river turned the sea off. The sea now
    lies along the horizon, the river runs into it across the land, and no hills stand
    behind the sea; the river runs to a bottom corner, clear of where a caption goes."""
    sea = dict(setting="sea, day", characters=(), width=320, height=180)
    v = interpret(spec(objects=("river", "water"), **sea))
    assert v.estuary and not v.sea
    assert not interpret(spec(objects=("water",), **sea)).estuary  # the open sea as before
    assert not interpret(spec(objects=("river",), setting="a meadow")).estuary
    img = render(objects=("river", "water"), **sea).astype(int)
    blue = (img[..., 2] > img[..., 0] + 40) & (img[..., 2] > img[..., 1])
    green = (img[..., 1] > img[..., 2]) & (img[..., 1] > img[..., 0])
    light = img @ np.array([0.299, 0.587, 0.114])
    shore = int(np.argmax(green[:, :40].mean(axis=1) > 0.9))  # where the land begins
    assert 90 < shore < 150
    band = slice(shore - 8, shore - 1)
    assert blue[band].mean() > 0.8  # the sea (and its white crests), the whole width ...
    assert light[band].mean() < light[20].mean() - 30  # ... darker than the sky
    assert green[: shore - 1].mean() < 0.01  # no hills behind the sea
    # the river comes in from a bottom corner (a caption over the bottom middle hid it) ...
    bottom = img.shape[0] - 5
    left, right = blue[bottom, :64].mean(), blue[bottom, -64:].mean()
    assert max(left, right) > 0.5
    assert green[bottom, :64].mean() > 0.9 or green[bottom, -64:].mean() > 0.9  # ... land
    assert blue[shore + 4, 100:220].any()  # ... from its mouth, in the middle


def _under_feet(kf, rows: int = 4) -> list[np.ndarray]:
    """The pixels just below each character's feet, across the middle of its body."""
    out = []
    for r in kf.regions:
        if r.kind != "body":
            continue
        feet = r.y + r.h
        out.append(kf.image[feet + 1 : feet + 1 + rows, r.x + r.w // 4 : r.x + 3 * r.w // 4])
    return out


def _watery(px: np.ndarray) -> bool:
    """Mostly water: blue over red (the sea at any hour; rock, sand and stone are not)."""
    px = px.reshape(-1, 3).astype(int)
    return bool((px[:, 2] > px[:, 0] + 8).mean() > 0.5)


@pytest.mark.parametrize("time_of_day", ["dusk", "day", "night"])
def test_at_sea_a_figure_stands_on_rock_not_on_the_water(time_of_day):
    """ "Old Tomas had kept the lighthouse" on "a lighthouse on a rocky island at dusk"
    stood in the open sea: a rocky ledge now lies under the figures where there is no quay,
    sand or deck."""
    kw = dict(setting="a lighthouse on a rocky island", time_of_day=time_of_day, width=320,
              height=180, characters=(CharacterRef(id="t", name="Tomas", seed=4),))  # fmt: skip
    kf = AnimaticKeyframe().render(spec(**kw))
    assert interpret(spec(**kw)).sea
    (px,) = _under_feet(kf)
    assert not _watery(px)
    assert _watery(kf.image[-8:, :20]) or _watery(kf.image[-8:, -20:])  # the sea beside it


def test_the_quay_reaches_past_every_figure_in_the_harbour():
    """Lina stood in the water beyond the quay's end ("the island harbour at sunrise")."""
    two = (CharacterRef(id="t", name="Tomas", seed=4), CharacterRef(id="l", name="Lina", seed=5))
    kf = AnimaticKeyframe().render(
        spec(setting="the island harbour at sunrise", characters=two, width=320, height=180)
    )
    feet = _under_feet(kf)
    assert len(feet) == 2
    assert not any(_watery(px) for px in feet)


def test_a_lighthouse_lamp_is_no_street_lamp_in_the_sea():
    """ "Each evening he climbed the hundred steps and lit the great lamp": a lamp post stood
    in the water beside the lighthouse. Outdoors a lighthouse's lamp is the one at its top."""
    kw = dict(setting="a lighthouse on a rocky island", time_of_day="dusk", width=320, height=180)
    assert np.array_equal(render(objects=("lamp",), **kw), render(**kw))


@pytest.mark.parametrize(("setting", "tall"), [("a tall stone tower", True), ("the castle", False),
                                               ("the king's palace", False)])  # fmt: skip
def test_a_tower_or_a_castle_outside_is_drawn(setting, tall, monkeypatch):
    """ "The knight stayed for tea" at "tall stone tower, day", outdoors, drew an empty
    meadow: no building of a fairy tale had a shape. A tower is one tall round tower, a
    castle or palace a keep with a gate between two towers, up-stage and clear of the
    figures."""
    from ttv_contracts.v1 import CharacterRef

    elena = (CharacterRef(id="e", name="Elena", descriptors=("girl",), seed=3),)
    kw = dict(indoor_outdoor="outdoor", characters=elena, width=320, height=180)
    assert {"castle", "tower"} & interpret(spec(setting=setting, **kw)).shapes
    kf = AnimaticKeyframe().render(spec(setting=setting, **kw))
    from ttv_keyframe import scenery

    monkeypatch.setattr(scenery.Painter, "castle", lambda *a, **k: None)
    plain = AnimaticKeyframe().render(spec(setting=setting, **kw))
    # the building: the pixels it adds to the same shot
    new = np.abs(kf.image.astype(int) - plain.image.astype(int)).sum(axis=2) > 0
    for r in kf.regions:  # (the figure is drawn over whatever stands behind it)
        new[r.y : r.y + r.h, r.x : r.x + r.w] = False
    ys, xs = np.nonzero(new)
    assert len(xs) > 150
    width, height = xs.max() - xs.min(), ys.max() - ys.min()
    assert (height > 2 * width) if tall else (width > height), (width, height)
    assert ys.max() < kf.ground * 180 + 20  # it stands on the far ground, up-stage
    body = next(r for r in kf.regions if r.kind == "body")
    assert xs.max() < body.x or xs.min() > body.x + body.w  # beside the figure, not behind


def test_a_rooms_table_stands_where_no_figure_hides_it():
    """ "Soon the pancakes were golden, and everyone sat down at the table": the kitchen's
    table stood at a fixed place, behind two of the four figures (it still does where four
    leave no gap as wide as a table). It stands where no figure is in front of it now, and
    what is on it goes with it."""
    from ttv_contracts.v1 import CharacterRef

    family = tuple(
        CharacterRef(id=f"c{i}", name=n, descriptors=(d,), seed=i)
        for i, (n, d) in enumerate(
            [("Dad", "man"), ("Mia", "girl"), ("Leo", "boy"), ("Mum", "woman")]
        )
    )
    kw = dict(setting="the kitchen", indoor_outdoor="indoor", width=480, height=270)

    def table_pixels(characters) -> int:
        with_table = render(objects=("table",), characters=characters, **kw).astype(int)
        without = render(objects=(), characters=characters, **kw).astype(int)
        return int((np.abs(with_table - without).sum(axis=2) > 0).sum())

    alone = table_pixels(())
    assert alone > 500
    for cast in (family[:1], family[:2], family[1:3]):  # where the room has space for it
        assert table_pixels(cast) > 0.9 * alone, [c.name for c in cast]


def test_a_clearing_is_in_a_forest():
    """ "The clearing at dawn" drew open grass: a clearing or a glade is in a forest."""
    for setting in ("the clearing at dawn", "a quiet glade"):
        assert "forest" in interpret(spec(setting=setting)).shapes


def _added(monkeypatch, method: str, **kw) -> np.ndarray:
    """Where the painter's ``method`` draws in the shot ``kw`` (the pixels it changes)."""
    from ttv_keyframe import scenery

    with_it = render(**kw).astype(int)
    monkeypatch.setattr(scenery.Painter, method, lambda *a, **k: None)
    without = render(**kw).astype(int)
    monkeypatch.undo()
    return np.abs(with_it - without).sum(axis=2) > 0


@pytest.mark.parametrize(("prompt", "rgb"), [("Kofi's kite flew over the garden.", (214, 64, 60)),
                                             ("He flew his blue kite.", (70, 120, 220))])  # fmt: skip
def test_a_kite_flies_in_the_sky_in_the_colour_said(prompt, rgb, monkeypatch):
    """ "The Lost Kite" drew no kite in any shot: a kite flies high in the sky, red unless
    the words give it a colour."""
    kw = dict(setting="the garden", prompt=prompt, objects=("kite",), width=320, height=180)
    assert "kite" in interpret(spec(**kw)).shapes
    kf = AnimaticKeyframe().render(spec(**kw))
    mask = _added(monkeypatch, "kite", **kw)
    ys, _xs = np.nonzero(mask)
    assert mask.sum() > 100
    assert ys.max() < kf.ground * 180  # all of it above the horizon
    px = kf.image[mask].astype(int)
    near = np.abs(px - np.array(rgb)).max(axis=1) < 40
    assert near.mean() > 0.4  # most of it is the kite's colour (the rest spars, tail, string)


def test_a_fence_runs_across_the_ground_behind_the_figures(monkeypatch):
    """ "Kofi's kite flew over the fence": no fence was drawn."""
    kw = dict(setting="the garden", objects=("fence",), width=320, height=180)
    kf = AnimaticKeyframe().render(spec(**kw))
    mask = _added(monkeypatch, "fence", **kw)
    ys, xs = np.nonzero(mask)
    assert xs.min() < 10 and xs.max() > 310  # across the whole width
    assert kf.ground * 180 < ys.min() and ys.max() < 180 * 0.8  # low, on the far ground
    playground = dict(kw, setting="the playground")
    assert "fence" in interpret(spec(**playground)).shapes
    assert not _added(monkeypatch, "fence", **playground).any()  # it has its own fence


def test_a_door_outdoors_is_a_houses():
    """ "He knocked on her door" in her garden drew no house: a door outdoors is a house's;
    a door in a room draws none."""
    assert "house" in interpret(spec(setting="the garden", objects=("door",))).shapes
    room = spec(setting="the kitchen", indoor_outdoor="indoor", objects=("door",))
    assert "house" not in interpret(room).shapes


def test_a_fire_in_a_room_burns_in_its_hearth(monkeypatch):
    """ "Inside the wooden hut, Erik lit a small fire" drew a bare room: a room's fire is not
    a campfire, and nothing else drew it. It burns in a stone fireplace on the back wall now
    (a "fireplace" or "hearth" too), clear of the figures; a kitchen's fire is its stove."""
    from ttv_contracts.v1 import CharacterRef

    erik = (CharacterRef(id="e", name="Erik", descriptors=("man",), seed=3),)
    hut = dict(setting="a mountain hut", indoor_outdoor="indoor", objects=("fire",),
               characters=erik, time_of_day="dusk", width=320, height=180)  # fmt: skip
    v = interpret(spec(**hut))
    assert "hearth" in v.shapes and "campfire" not in v.shapes
    assert "hearth" in interpret(spec(**dict(hut, objects=("fireplace",)))).shapes
    kf = AnimaticKeyframe().render(spec(**hut))
    mask = _added(monkeypatch, "hearth", **hut)
    assert mask.sum() > 500
    px = kf.image.astype(int)
    flame = mask & (px[..., 0] > 200) & (px[..., 1] > 120) & (px[..., 2] < 120)
    assert flame.sum() > 60
    ys, xs = np.nonzero(flame)
    assert ys.max() < kf.ground * 180 + 12  # on the back wall, at the floor's edge
    body = next(r for r in kf.regions if r.kind == "body")
    assert xs.max() < body.x or xs.min() > body.x + body.w  # beside the figure
    kitchen = dict(hut, setting="the kitchen")
    assert not _added(monkeypatch, "hearth", **kitchen).any()


def test_people_on_the_moon_wear_spacesuits():
    """ "Neil Armstrong and Buzz Aldrin landed on the Moon" drew them on the dust in their
    coats. Outside on the Moon or in space a person wears a white spacesuit, gloved, with a
    round glass helmet whose rim rings the head; inside a spacecraft, and an animal
    anywhere, as before."""
    from ttv_contracts.v1 import CharacterRef
    from ttv_keyframe.animatic import SUIT_WHITE

    neil = CharacterRef(id="n", name="Neil", descriptors=("man", "wearing a teal coat"), seed=2)
    dog = CharacterRef(id="d", name="Laika", descriptors=("dog",), seed=4)
    moon = dict(setting="the Moon", characters=(neil, dog), width=320, height=180)
    kf = AnimaticKeyframe().render(spec(**moon))
    assert interpret(spec(**moon)).world == "moon"
    body = next(r for r in kf.regions if r.kind == "body" and r.label == "n")
    face = next(r for r in kf.regions if r.kind == "face" and r.label == "n")
    suit = kf.image[body.y + body.h // 2, body.x + body.w // 2].astype(int)
    assert np.abs(suit - np.array(SUIT_WHITE)).max() < 50  # white, not the teal coat
    cy, r = face.y + face.h // 2, face.w / 2
    for side in (-1, 1):  # the helmet's rim beside the face, light against the black sky
        x = int(face.x + face.w / 2 + side * 1.4 * r)
        assert kf.image[cy, x].astype(int).mean() > 150, (side, kf.image[cy, x])
    figures = {
        f.ref.id: f for f in AnimaticKeyframe()._layout(spec(**moon), interpret(spec(**moon)))
    }
    assert figures["n"].hat == "spacesuit" and figures["d"].hat == ""
    cabin = dict(moon, setting="inside the lunar module", indoor_outdoor="indoor")
    inside = AnimaticKeyframe()._layout(spec(**cabin), interpret(spec(**cabin)))
    assert all(f.hat == "" for f in inside)
    meadow = AnimaticKeyframe()._layout(spec(characters=(neil,)), interpret(spec()))
    assert meadow[0].hat == ""


def test_a_helmet_is_inside_its_wearers_body_region():
    """Name tags stand above the body region: it reaches the helmet's dome as a crown's
    points, so that no tag covers it."""
    from ttv_contracts.v1 import CharacterRef

    neil = CharacterRef(id="n", name="Neil", descriptors=("man",), seed=2)
    moon = dict(setting="the Moon", characters=(neil,), width=320, height=180)
    (fig,) = AnimaticKeyframe()._layout(spec(**moon), interpret(spec(**moon)))
    kf = AnimaticKeyframe().render(spec(**moon))
    body = next(r for r in kf.regions if r.kind == "body")
    rim = kf.image[: body.y, body.x : body.x + body.w].astype(int)
    sky = kf.image[: body.y, :20].astype(int)
    assert rim.mean() < sky.mean() + 12  # nothing of the helmet above the region's top
    assert fig.box()[1] < fig.head_cy - 1.5 * fig.head_r
