"""Animal characters for the animatic: a fable's crow is drawn as a bird, its fox on four legs.

The identity slot describes an animal character by its animal noun ("crow", "hungry fox"),
without a person word, hair or clothes. This module reads that noun from the descriptors
(:func:`animal_of`) and draws one of two body plans in profile, facing the frame's middle:

* ``bird``: an oval body, a round head with a beak, a tail and two thin legs;
* ``beast``: a long body on four legs, a round head with a snout and two ears, a tail.

Two variants of the beast: a tortoise's ``shell`` (a dome on stubby legs, the head low) and
a ``dragon`` (a fairy tale's: bat wings raised over its back, a long tail with a spade tip,
two horns swept back from the head). Features drawn on a body plan (:attr:`Animal.features`):
a unicorn's horn, a cow's horns and patches and heavier build, a sheep's wool, a hen's comb.
Animals that fit neither plan have their own (:data:`_MORE_FORMS`): a ``snake``, a
``butterfly``, a ``wader`` (heron, stork, crane), a ``fish``, a ``whale`` (and dolphin), a
``penguin``, a ``giraffe`` and a ``kangaroo``; a zebra and a panda are beasts with markings.

A word list, not a classifier: an animal it does not know (an octopus, say) is drawn as a
person, and the renderer says so in a note. Geometry is in units of the figure's height
``H`` (feet to the top of the head or ears), from the feet at ``(cx, feet)``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from PIL import ImageDraw


@dataclass(frozen=True)
class Animal:
    name: str
    plan: str  # "bird", "beast", or one of _MORE_FORMS ("snake", "wader"...)
    #: height drawn against an adult person's: storybook proportions (a crow reads at 0.42),
    #: not nature's
    size: float
    #: the animal's usual colour in daylight (its hue and saturation are drawn at the tone the
    #: shot's light calls for, as a person's clothes are), or None: the identity hue
    rgb: tuple[int, int, int] | None
    #: a beast's ears: 1 pointed, up to the figure's height; 0 none (a tortoise, a frog); 1.3
    #: long (a rabbit's reach 1.3 H)
    ears: float = 1.0
    #: a domed shell for a body, on short legs, the head held low (a tortoise, a turtle)
    shell: bool = False
    #: wings, horns and a long tail on a beast's body (a dragon)
    wings: bool = False
    #: what is drawn on the body plan: ``horn`` (one, on the brow: a unicorn), ``horns`` (two
    #: short ones), ``patches`` (a second tone on the body: :func:`draw_patches`), ``heavy``
    #: (a deeper body on thicker legs), ``wool`` (a bumpy fleece), ``comb`` (a hen's),
    #: ``mane`` (a horse's, with a long hanging tail)
    features: frozenset[str] = frozenset()

    @property
    def form(self) -> str:
        """The body plan drawn: ``bird``, ``beast``, ``shell`` (a beast under a shell),
        ``dragon`` (a beast with wings), or one of :data:`_MORE_FORMS` (``snake``...)."""
        return "shell" if self.shell else "dragon" if self.wings else self.plan

    @property
    def top(self) -> float:
        """How high the figure reaches, in units of its height: long ears or a unicorn's
        horn reach above it."""
        return max(1.0, self.ears, HORN_TOP if "horn" in self.features else 1.0)

    @property
    def marked(self) -> bool:
        """Whether a second tone is laid over the body (:func:`draw_patches`): a cow's or a
        giraffe's patches, a zebra's stripes, a panda's or a penguin's markings, an eye."""
        return bool(MARKINGS.intersection(self.features))

    @property
    def flies(self) -> bool:
        """A bird that perches in trees or flies (an owl, a crow), not a farmyard or water
        bird that walks (a hen, a duck): where a flock of it is drawn."""
        return self.plan == "bird" and self.name not in _GROUND_BIRDS


#: Features drawn in a second tone (:func:`draw_patches`).
MARKINGS = frozenset({"patches", "stripes", "panda", "belly", "eye"})
#: How high a unicorn's horn reaches, in units of the figure's height.
HORN_TOP = 1.16
#: Birds that walk the ground or swim: a flock of them stays on the ground.
_GROUND_BIRDS = frozenset(
    {"duck", "duckling", "goose", "swan", "hen", "rooster", "chicken", "peacock"}
)


def _table() -> dict[str, Animal]:
    rows = {
        # birds
        "crow": ("bird", 0.42, (38, 38, 44)),
        "raven": ("bird", 0.45, (30, 30, 40)),
        "owl": ("bird", 0.45, (125, 90, 55)),
        "robin": ("bird", 0.34, (160, 90, 60)),
        "sparrow": ("bird", 0.32, (140, 110, 80)),
        "bird": ("bird", 0.36, None),
        "duck": ("bird", 0.4, (150, 120, 60)),
        "duckling": ("bird", 0.28, (230, 200, 60)),
        "goose": ("bird", 0.5, (200, 200, 190)),
        "swan": ("bird", 0.55, (245, 245, 240)),
        "hen": ("bird", 0.4, (170, 100, 50)),
        "rooster": ("bird", 0.46, (180, 60, 40)),
        "chicken": ("bird", 0.38, (196, 150, 96)),
        "parrot": ("bird", 0.4, (40, 170, 60)),
        "peacock": ("bird", 0.55, (30, 90, 170)),
        "eagle": ("bird", 0.5, (110, 75, 45)),
        "penguin": ("penguin", 0.42, (34, 36, 44)),  # black, a white front
        # long-legged wading birds
        "heron": ("wader", 0.72, (150, 156, 166)),
        "stork": ("wader", 0.74, (240, 240, 236)),
        "crane": ("wader", 0.76, (176, 178, 184)),
        # no legs
        "snake": ("snake", 0.26, (90, 130, 60)),
        "serpent": ("snake", 0.3, (70, 110, 60)),
        "fish": ("fish", 0.3, (230, 140, 40)),
        "goldfish": ("fish", 0.24, (240, 150, 30)),
        "whale": ("whale", 0.9, (70, 90, 120)),
        "dolphin": ("whale", 0.6, (120, 140, 160)),
        "butterfly": ("butterfly", 0.3, None),
        # four-legged (and the small six- or eight-legged, drawn as a small beast)
        "fox": ("beast", 0.5, (200, 95, 35)),
        "wolf": ("beast", 0.62, (120, 120, 128)),
        "dog": ("beast", 0.52, (150, 100, 60)),
        "puppy": ("beast", 0.36, (170, 120, 70)),
        "cat": ("beast", 0.4, None),
        "kitten": ("beast", 0.3, None),
        "mouse": ("beast", 0.24, (130, 120, 110)),
        "rat": ("beast", 0.26, (110, 100, 95)),
        "rabbit": ("beast", 0.34, (150, 115, 80)),
        "hare": ("beast", 0.42, (160, 120, 80)),
        "squirrel": ("beast", 0.3, (160, 90, 40)),
        "lion": ("beast", 0.85, (200, 160, 80)),
        "lioness": ("beast", 0.8, (200, 165, 95)),
        "tiger": ("beast", 0.85, (220, 120, 30)),
        "leopard": ("beast", 0.75, (210, 170, 80)),
        "panther": ("beast", 0.75, (40, 40, 48)),
        "jackal": ("beast", 0.5, (170, 130, 80)),
        "bear": ("beast", 0.9, (100, 65, 40)),
        "horse": ("beast", 0.95, (120, 80, 50)),
        "donkey": ("beast", 0.8, (130, 125, 120)),
        "deer": ("beast", 0.8, (160, 110, 60)),
        "goat": ("beast", 0.6, (190, 180, 160)),
        "cow": ("beast", 0.95, (236, 232, 224)),  # white, black patches
        "calf": ("beast", 0.6, (150, 112, 80)),
        "sheep": ("beast", 0.62, (228, 224, 210)),
        "lamb": ("beast", 0.44, (236, 232, 220)),
        "pig": ("beast", 0.55, (230, 160, 160)),
        "piglet": ("beast", 0.35, (235, 170, 170)),
        "monkey": ("beast", 0.5, (130, 90, 60)),
        "zebra": ("beast", 0.9, (236, 236, 230)),  # black stripes
        "panda": ("beast", 0.8, (236, 236, 230)),  # black legs, shoulders, ears and eyes
        "giraffe": ("giraffe", 1.35, (220, 170, 90)),  # brown patches
        "kangaroo": ("kangaroo", 0.8, (180, 120, 70)),
        "camel": ("beast", 1.05, (200, 160, 100)),
        "elephant": ("beast", 1.15, (130, 130, 138)),
        "crocodile": ("beast", 0.32, (80, 110, 50)),
        "tortoise": ("beast", 0.3, (100, 110, 60)),
        "turtle": ("beast", 0.3, (70, 120, 70)),
        "frog": ("beast", 0.24, (60, 140, 50)),
        "toad": ("beast", 0.24, (110, 110, 60)),
        "ant": ("beast", 0.2, (60, 40, 30)),
        "grasshopper": ("beast", 0.22, (90, 150, 50)),
        "spider": ("beast", 0.22, (50, 45, 45)),
        "bee": ("beast", 0.2, (220, 170, 40)),
        # a fairy tale's
        "dragon": ("beast", 1.1, (60, 140, 60)),
        "unicorn": ("beast", 0.95, (240, 240, 236)),
    }
    ears = {"rabbit": 1.3, "hare": 1.3, "donkey": 1.2}
    ears |= dict.fromkeys(["tortoise", "turtle", "frog", "toad", "crocodile", "ant", "bee"], 0.0)
    ears |= dict.fromkeys(["spider", "grasshopper", "elephant", "monkey", "bear", "pig"], 0.0)
    ears |= dict.fromkeys(["piglet", "sheep", "lamb", "cow", "calf", "panda"], 0.0)
    ears["dragon"] = 0.0  # horns instead
    shelled = {"tortoise", "turtle"}
    features = {
        "unicorn": {"horn", "mane"},
        "horse": {"mane"},
        **{k: {"horns", "patches", "heavy"} for k in ("cow", "calf")},
        "goat": {"horns"},
        **{k: {"wool"} for k in ("sheep", "lamb")},
        **{k: {"comb"} for k in ("hen", "rooster", "chicken")},
        "zebra": {"mane", "stripes"},
        "panda": {"heavy", "panda"},
        "giraffe": {"patches"},
        "penguin": {"belly"},
        **{k: {"eye"} for k in ("fish", "goldfish", "whale")},
        "dolphin": {"fin", "eye"},
    }
    return {
        k: Animal(
            k,
            *v,
            ears=ears.get(k, 1.0),
            shell=k in shelled,
            wings=k == "dragon",
            features=frozenset(features.get(k, ())),
        )
        for k, v in rows.items()
    }


ANIMALS: dict[str, Animal] = _table()
#: Coat words a descriptor may give an animal ("a ginger cat", "a tabby"), as RGB in
#: daylight; plain colour words ("a white rabbit") are the figure's clothing colours.
FUR_COLOURS: dict[str, tuple[int, int, int]] = {
    "ginger": (205, 110, 40),
    "tabby": (140, 110, 80),
    "tawny": (200, 150, 80),
    "chestnut": (150, 75, 40),
    "sandy": (210, 180, 120),
    "spotted": (190, 160, 110),
    "speckled": (160, 140, 110),
}
#: Words that make a character a person whatever animal word is also said ("a fox-hunting
#: man"); the identity slot gives an animal none of them.
_PERSON_WORDS = frozenset(
    {
        *("man", "woman", "boy", "girl", "child", "person", "lady", "gentleman", "elderly"),
        *("mother", "father", "grandfather", "grandmother", "king", "queen", "prince"),
        *("princess", "farmer"),
    }
)
_WORD = re.compile(r"[a-z]+")


def animal_of(descriptors: tuple[str, ...] | list[str]) -> Animal | None:
    """The animal a character's descriptors name ("crow", "hungry fox"), or None for a
    person (no animal word, or a person word beside it)."""
    words = [w for d in descriptors for w in _WORD.findall(d.lower())]
    if _PERSON_WORDS.intersection(words):
        return None
    for w in words:
        if w in ANIMALS:
            return ANIMALS[w]
        if w.endswith("s") and w[:-1] in ANIMALS:
            return ANIMALS[w[:-1]]
    return None


# --------------------------------------------------------------------------- geometry

#: (head centre x from cx, head centre y above the feet, head radius), in units of H
_HEAD = {
    "bird": (0.2, 0.74, 0.17),
    "beast": (0.55, 0.74, 0.2),
    "shell": (0.56, 0.44, 0.15),
    "dragon": (0.64, 0.8, 0.15),
    "snake": (0.86, 0.7, 0.13),
    "butterfly": (0.0, 0.85, 0.06),
    "wader": (0.2, 0.9, 0.07),
    "fish": (0.28, 0.62, 0.2),
    "penguin": (0.06, 0.84, 0.15),
    "whale": (0.52, 0.44, 0.2),
    "giraffe": (0.5, 0.9, 0.08),
    "kangaroo": (0.26, 0.84, 0.1),
}
#: how far the figure reaches either side of cx (beak or snout ahead, tail behind), in H
_REACH = {
    "bird": (0.56, 0.56),
    "beast": (0.96, 0.78),
    "shell": (0.74, 0.8),
    "dragon": (1.02, 1.0),
    "snake": (1.24, 1.5),
    "butterfly": (0.48, 0.48),
    "wader": (0.52, 0.36),
    "fish": (0.52, 0.86),
    "penguin": (0.34, 0.28),
    "whale": (0.92, 1.04),
    "giraffe": (0.72, 0.46),
    "kangaroo": (0.5, 0.78),
}
#: how far a beak or snout reaches past the head, in H
_SNOUT = {
    "bird": 0.17,
    "beast": 0.2,
    "shell": 0.03,
    "dragon": 0.22,
    "snake": 0.06,
    "butterfly": 0.0,
    "wader": 0.24,
    "fish": 0.02,
    "penguin": 0.1,
    "whale": 0.12,
    "giraffe": 0.12,
    "kangaroo": 0.12,
}
#: how far above the feet the lowest part of the figure is, in H (a butterfly flies, a fish
#: swims); the feet are where it would stand
_LIFT = {"butterfly": 0.4, "fish": 0.26}


Box4 = tuple[float, float, float, float]


def head(
    plan: str, facing: int, cx: float, feet: float, height: float
) -> tuple[float, float, float]:
    """(x, y, r) of the head circle."""
    hx, hy, r = _HEAD[plan]
    return cx + facing * hx * height, feet - hy * height, r * height


def face_drop(plan: str) -> float:
    """How far above the feet the bottom of the face is, in units of H."""
    _, hy, r = _HEAD[plan]
    return hy - r


def face_box(plan: str, facing: int, cx: float, feet: float, height: float) -> Box4:
    """The head with its beak or snout: where the lip-sync puts the mouth (the lower middle of
    this box lies under the snout, on the beak)."""
    x, y, r = head(plan, facing, cx, feet, height)
    ahead = r + _SNOUT[plan] * height
    x0, x1 = (x - r, x + ahead) if facing > 0 else (x - ahead, x + r)
    return x0, y - r, x1, y + r


def extent(
    plan: str, facing: int, cx: float, feet: float, height: float, ears: float = 1.0
) -> Box4:
    """The whole figure's box (x0, y0, x1, y1): long ears or a horn (``ears``:
    :attr:`Animal.top`) reach above ``height``."""
    ahead, behind = _REACH[plan]
    top = feet - max(1.0, ears) * height
    bottom = feet - _LIFT.get(plan, 0.0) * height
    if facing > 0:
        return cx - behind * height, top, cx + ahead * height, bottom
    return cx - ahead * height, top, cx + behind * height, bottom


def half_width(plan: str) -> float:
    """The larger reach either side of cx, in H (how wide a lane the figure needs)."""
    return max(_REACH[plan])


# --------------------------------------------------------------------------- drawing


class _Pen:
    """Fills a mask in a figure's units: ``u`` along the facing direction from ``cx``, ``v``
    up from the feet, both times its height (scale ``s``, offset ``dx, dy``)."""

    def __init__(
        self,
        canvas: ImageDraw.ImageDraw,
        facing: int,
        cx: float,
        feet: float,
        height: float,
        s: int,
        dx: float,
        dy: float,
    ) -> None:
        self.canvas, self.facing = canvas, facing
        self.H = height * s
        self.X, self.F = cx * s + dx, feet * s + dy

    def _box(self, u0: float, v0: float, u1: float, v1: float) -> Box4:
        x0, x1 = sorted((self.X + self.facing * u0 * self.H, self.X + self.facing * u1 * self.H))
        return x0, self.F - v1 * self.H, x1, self.F - v0 * self.H

    def poly(self, points: list[tuple[float, float]]) -> None:
        X, F, H, f = self.X, self.F, self.H, self.facing
        self.canvas.polygon([(X + f * u * H, F - v * H) for u, v in points], fill=255)

    def oval(self, u0: float, v0: float, u1: float, v1: float) -> None:
        self.canvas.ellipse(self._box(u0, v0, u1, v1), fill=255)

    def chord(self, u0: float, v0: float, u1: float, v1: float, start: int, end: int) -> None:
        self.canvas.chord(self._box(u0, v0, u1, v1), start, end, fill=255)


def draw(
    canvas: ImageDraw.ImageDraw,
    plan: str,
    facing: int,
    cx: float,
    feet: float,
    height: float,
    s: int,
    dx: float,
    dy: float,
    ears: float = 1.0,
    features: frozenset[str] = frozenset(),
) -> None:
    """The animal's silhouette into a mask (scale ``s``, offset ``dx, dy``); ``plan`` is the
    animal's :attr:`Animal.form`, ``features`` its :attr:`Animal.features`."""
    pen = _Pen(canvas, facing, cx, feet, height, s, dx, dy)
    poly, oval = pen.poly, pen.oval
    hx, hy, r = _HEAD[plan]
    if plan == "bird":
        oval(-0.3, 0.16, 0.3, 0.66)  # body
        oval(hx - r, hy - r, hx + r, hy + r)  # head
        poly([(hx + r * 0.7, hy + 0.05), (hx + r + 0.17, hy - 0.02), (hx + r * 0.7, hy - 0.07)])
        if "comb" in features:  # a hen's comb: three lobes on the crown, a wattle below
            for u, lift in ((-0.06, 0.0), (0.0, 0.025), (0.06, 0.0)):
                oval(hx + u - 0.045, hy + r - 0.04 + lift, hx + u + 0.045, hy + r + 0.05 + lift)
            oval(hx + r * 0.45, hy - r - 0.05, hx + r * 0.45 + 0.06, hy - r + 0.06)
        poly([(-0.2, 0.5), (-0.56, 0.3), (-0.5, 0.22), (-0.16, 0.3)])  # tail
        for u in (-0.06, 0.08):  # legs
            poly([(u - 0.015, 0.2), (u + 0.015, 0.2), (u + 0.015, 0.0), (u - 0.015, 0.0)])
        poly([(0.08, 0.0), (0.18, 0.0), (0.18, 0.02), (0.08, 0.02)])  # a foot ahead
        return
    if plan == "shell":  # a dome on stubby legs, the head low at the front
        pen.chord(-0.62, 0.14, 0.42, 0.98, 180, 360)
        oval(-0.66, 0.14, 0.46, 0.62)  # the shell's rim, down to the legs
        for u in (-0.45, -0.2, 0.12, 0.3):
            poly([(u - 0.05, 0.3), (u + 0.05, 0.3), (u + 0.05, 0.0), (u - 0.05, 0.0)])
        poly([(0.3, 0.3), (hx, hy - 0.08), (hx, hy + 0.08), (0.34, 0.46)])  # neck
        oval(hx - r, hy - r, hx + r, hy + r)  # head
        poly([(-0.6, 0.4), (-0.78, 0.32), (-0.6, 0.3)])  # tail
        return
    if plan == "dragon":
        _dragon(poly, oval, hx, hy, r)
        return
    if plan in _MORE_FORMS:
        _MORE_FORMS[plan](pen, hx, hy, r, features)
        return
    heavy = "heavy" in features
    oval(*((-0.58, 0.26, 0.52, 0.72) if heavy else (-0.55, 0.3, 0.5, 0.68)))  # body
    if "wool" in features:  # a fleece: bumps along the back and the rump
        for k in range(7):
            u = -0.5 + k * 0.15
            oval(u - 0.085, 0.56, u + 0.085, 0.74)
        oval(-0.62, 0.36, -0.44, 0.62)
    leg = 0.06 if heavy else 0.045
    for u in (-0.42, -0.26, 0.24, 0.38):  # legs
        poly([(u - leg, 0.4), (u + leg, 0.4), (u + leg - 0.005, 0.0), (u - leg + 0.005, 0.0)])
    poly([(0.3, 0.6), (hx, hy - 0.1), (hx, hy + 0.12), (0.38, 0.68)])  # neck
    oval(hx - r, hy - r, hx + r, hy + r)  # head
    oval(hx + r * 0.3, hy - 0.11, hx + r + 0.2, hy + 0.03)  # snout
    for u in (-0.09, 0.06) if ears > 0 else ():  # up to the figure's height, or above it
        lean = 0.04 * (ears - 1.0) / 0.3  # long ears lean back
        tip = (hx + u + 0.01 - lean, ears)
        poly([(hx + u - 0.05, hy + r * 0.7), tip, (hx + u + 0.06, hy + r * 0.6)])
    if "horn" in features:  # a unicorn's, long, from the brow forward and up
        poly([(hx + 0.07, hy + 0.17), (hx + 0.3, HORN_TOP), (hx + 0.15, hy + 0.12)])
    if "mane" in features:  # down the back of the neck, and a long tail hanging
        poly([(hx - 0.14, hy + 0.15), (0.2, 0.74), (0.26, 0.62), (hx - 0.06, hy + 0.04)])
        poly([(-0.5, 0.62), (-0.7, 0.5), (-0.72, 0.22), (-0.62, 0.26), (-0.5, 0.48)])
    if "horns" in features:  # two short horns on the crown, curving out
        poly([(hx - 0.1, hy + 0.15), (hx - 0.17, 0.98), (hx - 0.03, hy + 0.18)])
        poly([(hx + 0.02, hy + 0.18), (hx + 0.1, 0.98), (hx + 0.09, hy + 0.15)])
    poly([(-0.5, 0.58), (-0.78, 0.5), (-0.76, 0.42), (-0.5, 0.48)])  # tail


def _dragon(poly, oval, hx: float, hy: float, r: float) -> None:
    """A dragon on four short legs: a bat wing raised over its back (scalloped between the
    finger tips), a tail that sweeps down and back to a spade tip, a long neck, a long
    snout and two horns swept back."""
    # the tail: tapering, down and back, then up to a spade
    line = [(-0.42, 0.5, 0.08), (-0.62, 0.36, 0.055), (-0.8, 0.28, 0.035), (-0.9, 0.34, 0.02)]
    poly([(u, v + w) for u, v, w in line] + [(u, v - w) for u, v, w in reversed(line)])
    poly([(-0.86, 0.34), (-1.0, 0.46), (-0.99, 0.3), (-0.92, 0.28)])  # the spade
    oval(-0.5, 0.26, 0.42, 0.64)  # body
    for u in (-0.36, -0.2, 0.14, 0.28):  # legs, with a claw ahead
        poly([(u - 0.055, 0.4), (u + 0.055, 0.4), (u + 0.05, 0.0), (u - 0.05, 0.0)])
        poly([(u - 0.05, 0.05), (u + 0.1, 0.0), (u - 0.05, 0.0)])
    poly([(0.2, 0.46), (hx - 0.06, hy - 0.12), (hx + 0.02, hy + 0.06), (0.34, 0.64)])  # neck
    oval(hx - r, hy - r, hx + r, hy + r)  # head
    oval(hx + r * 0.2, hy - 0.1, hx + r + 0.22, hy + 0.02)  # snout
    poly([(hx - 0.1, hy + 0.1), (hx - 0.26, 0.98), (hx - 0.03, hy + 0.14)])  # horns
    poly([(hx - 0.02, hy + 0.14), (hx - 0.1, 1.0), (hx + 0.05, hy + 0.13)])
    # the wing: from the shoulder up to the wrist, out to the finger tips, scalloped back
    poly(
        [
            (0.12, 0.58), (0.0, 0.86), (-0.06, 1.0), (-0.34, 0.98), (-0.64, 0.92), (-0.44, 0.82),
            (-0.56, 0.66), (-0.34, 0.68), (-0.3, 0.56), (-0.1, 0.5),
        ]
    )  # fmt: skip


def draw_patches(
    canvas: ImageDraw.ImageDraw,
    plan: str,
    facing: int,
    cx: float,
    feet: float,
    height: float,
    s: int,
    dx: float,
    dy: float,
    features: frozenset[str] = frozenset(),
) -> None:
    """A patched coat's patches (a cow's), into a mask: ovals inside the beast's body, to be
    laid over the silhouette in a second tone. Nothing for an animal without patches."""
    pen = _Pen(canvas, facing, cx, feet, height, s, dx, dy)
    if plan == "beast" and "patches" in features:
        pen.oval(-0.42, 0.4, -0.16, 0.62)
        pen.oval(0.02, 0.34, 0.26, 0.54)
    elif plan == "beast" and "stripes" in features:  # a zebra's: bars across body and legs
        for k in range(8):
            u = -0.44 + k * 0.115
            half = 0.19 * max(0.0, 1 - ((u + 0.025) / 0.525) ** 2) ** 0.5
            pen.poly([(u - 0.03, 0.49 - half), (u + 0.01, 0.49 - half), (u + 0.04, 0.49 + half),
                      (u, 0.49 + half)])  # fmt: skip
        for u in (-0.42, -0.26, 0.24, 0.38):
            for v in (0.08, 0.2):
                pen.poly(
                    [(u - 0.045, v), (u + 0.045, v), (u + 0.045, v + 0.05), (u - 0.045, v + 0.05)]
                )
        hx, hy, _ = _HEAD["beast"]
        pen.poly([(hx - 0.14, hy + 0.15), (0.2, 0.74), (0.26, 0.62), (hx - 0.06, hy + 0.04)])
    elif plan == "beast" and "panda" in features:  # black legs, shoulders, ears, eye patch
        for u in (-0.42, -0.26, 0.24, 0.38):
            pen.poly([(u - 0.06, 0.34), (u + 0.06, 0.34), (u + 0.055, 0.0), (u - 0.055, 0.0)])
        pen.poly([(0.12, 0.72), (0.3, 0.72), (0.34, 0.3), (0.16, 0.3)])
        hx, hy, r = _HEAD["beast"]
        for u in (-0.1, 0.06):
            pen.oval(hx + u - 0.06, hy + r * 0.6, hx + u + 0.06, hy + r * 0.6 + 0.12)
        pen.oval(hx + 0.02, hy - 0.02, hx + 0.13, hy + 0.08)
    elif plan == "giraffe" and "patches" in features:  # brown patches, body and neck
        for u0, v0, u1, v1 in (
            (-0.28, 0.5, -0.16, 0.6), (-0.12, 0.52, 0.0, 0.6), (0.04, 0.5, 0.16, 0.59),
            (-0.22, 0.44, -0.1, 0.5), (-0.04, 0.44, 0.08, 0.5), (0.22, 0.6, 0.28, 0.66),
            (0.29, 0.7, 0.35, 0.75), (0.36, 0.78, 0.41, 0.82),
        ):  # fmt: skip
            pen.oval(u0, v0, u1, v1)
    elif plan == "penguin" and "belly" in features:  # a white front and face
        pen.oval(0.0, 0.1, 0.22, 0.7)
        pen.oval(0.04, 0.74, 0.18, 0.88)
    elif "eye" in features and plan in ("fish", "whale"):
        hx, hy, r = _HEAD[plan]
        e = 0.035 if plan == "fish" else 0.025
        pen.oval(hx + r * 0.2 - e, hy + 0.04 - e, hx + r * 0.2 + e, hy + 0.04 + e)


# --------------------------------------------------------------------------- more forms


def _ellipse(cu: float, cv: float, a: float, b: float, deg: float) -> list[tuple[float, float]]:
    """A tilted ellipse as a polygon (semi-axes ``a`` along ``deg`` degrees up from the
    facing direction, ``b`` across)."""
    t = math.radians(deg)
    ct, st = math.cos(t), math.sin(t)
    pts = []
    for k in range(32):
        p = 2 * math.pi * k / 32
        x, y = a * math.cos(p), b * math.sin(p)
        pts.append((cu + x * ct - y * st, cv + x * st + y * ct))
    return pts


def _tube(pen: _Pen, line: list[tuple[float, float, float]]) -> None:
    """A band along a line of (u, v, half width) points: a snake's body, a neck."""
    left, right = [], []
    for k, (u, v, w) in enumerate(line):
        u0, v0, _ = line[max(0, k - 1)]
        u1, v1, _ = line[min(len(line) - 1, k + 1)]
        du, dv = u1 - u0, v1 - v0
        n = math.hypot(du, dv) or 1.0
        left.append((u - dv / n * w, v + du / n * w))
        right.append((u + dv / n * w, v - du / n * w))
    pen.poly(left + right[::-1])
    for u, v, w in (line[0], line[-1]):  # round ends
        pen.oval(u - w, v - w, u + w, v + w)


def _snake(pen: _Pen, hx: float, hy: float, r: float, features: frozenset[str]) -> None:
    """A snake: a long body lying in low humps along the ground, thickening from the tail
    to the neck, the front raised in an S to the head, a forked tongue out."""
    line = []
    for k in range(41):
        u = -1.46 + k * 2.08 / 40
        t = k / 40
        w = 0.012 + 0.068 * t**0.7
        hump = 0.09 * (0.5 - 0.5 * math.cos(2 * math.pi * (u + 1.46) / 0.7))
        line.append((u, w + hump, w))
    neck = [(0.68, 0.1, 0.08), (0.8, 0.2, 0.078), (0.84, 0.34, 0.074), (0.78, 0.48, 0.07),
            (0.8, 0.6, 0.068), (hx, hy - 0.02, 0.066)]  # fmt: skip
    _tube(pen, line + neck)
    pen.oval(hx - r, hy - r * 0.8, hx + r + 0.06, hy + r * 0.75)  # head
    tip = hx + r + 0.06
    pen.poly([(tip - 0.02, hy - 0.05), (tip + 0.12, hy - 0.055), (tip + 0.12, hy - 0.03),
              (tip - 0.02, hy - 0.025)])  # fmt: skip
    pen.poly([(tip + 0.1, hy - 0.055), (tip + 0.18, hy - 0.1), (tip + 0.18, hy - 0.08),
              (tip + 0.12, hy - 0.03)])  # fmt: skip
    pen.poly([(tip + 0.1, hy - 0.03), (tip + 0.18, hy + 0.0), (tip + 0.18, hy - 0.02),
              (tip + 0.12, hy - 0.055)])  # fmt: skip


def _butterfly(pen: _Pen, hx: float, hy: float, r: float, features: frozenset[str]) -> None:
    """A butterfly in the air, seen from the front: two pairs of wings spread either side of
    a thin body (the upper pair larger), a small head with two antennae."""
    for side in (-1, 1):
        pen.poly(_ellipse(side * 0.22, 0.82, 0.25, 0.14, side * 35))  # upper wings
        pen.poly(_ellipse(side * 0.15, 0.56, 0.17, 0.1, -side * 40))  # lower wings
        tip = (hx + side * 0.12, 1.0)
        pen.poly([(hx + side * 0.01, hy + r * 0.6), tip, (hx + side * 0.03, hy + r * 0.5)])
        pen.oval(tip[0] - 0.022, 0.96, tip[0] + 0.022, 1.0)
    pen.oval(-0.035, 0.44, 0.035, 0.82)  # body
    pen.oval(hx - r, hy - r, hx + r, hy + r)  # head


def _wader(pen: _Pen, hx: float, hy: float, r: float, features: frozenset[str]) -> None:
    """A heron, stork or crane: two long thin legs, a body held level, a long neck in an S
    up to a small head, a long pointed beak."""
    for u in (-0.06, 0.05):  # legs, a foot ahead
        pen.poly([(u - 0.014, 0.5), (u + 0.014, 0.5), (u + 0.012, 0.0), (u - 0.012, 0.0)])
        pen.poly([(u - 0.03, 0.0), (u + 0.09, 0.0), (u + 0.09, 0.018), (u - 0.03, 0.018)])
    pen.poly(_ellipse(-0.06, 0.58, 0.24, 0.1, 12))  # body
    pen.poly([(-0.18, 0.6), (-0.36, 0.48), (-0.26, 0.46), (-0.12, 0.52)])  # tail
    _tube(
        pen,
        [(0.1, 0.62, 0.04), (0.17, 0.7, 0.03), (0.12, 0.78, 0.028), (hx - 0.01, hy - 0.03, 0.028)],
    )
    pen.oval(hx - r, hy - r * 0.85, hx + r, hy + r * 0.85)  # head
    pen.poly([(hx + r * 0.6, hy + 0.025), (hx + r + 0.24, hy - 0.03), (hx + r * 0.6, hy - 0.03)])
    pen.poly([(hx - r * 0.5, hy + 0.03), (hx - r - 0.13, hy - 0.01), (hx - r * 0.5, hy)])  # crest


def _fish(pen: _Pen, hx: float, hy: float, r: float, features: frozenset[str]) -> None:
    """A fish swimming: a deep oval body, a forked tail fin behind, a fin on its back and
    one below."""
    pen.poly([(-0.4, 0.62), (-0.86, 0.96), (-0.74, 0.62), (-0.86, 0.28)])  # tail fin
    pen.poly([(-0.3, 0.86), (-0.1, 1.0), (0.12, 0.9)])  # on its back
    pen.poly([(-0.2, 0.4), (-0.3, 0.28), (0.0, 0.36)])  # below
    pen.oval(-0.52, 0.34, 0.52, 0.92)  # body


def _penguin(pen: _Pen, hx: float, hy: float, r: float, features: frozenset[str]) -> None:
    """A penguin standing upright: a tall body, a round head with a short beak, a flipper
    hanging at its side, two flat feet."""
    pen.oval(-0.26, 0.04, 0.24, 0.8)  # body
    pen.oval(hx - r, hy - r, hx + r, hy + r)  # head
    pen.poly([(hx + r * 0.7, hy + 0.02), (hx + r + 0.1, hy - 0.03), (hx + r * 0.7, hy - 0.06)])
    pen.poly(_ellipse(-0.1, 0.46, 0.22, 0.05, 70))  # flipper
    pen.poly([(-0.12, 0.0), (0.2, 0.0), (0.16, 0.05), (-0.1, 0.06)])  # feet
    pen.poly([(-0.2, 0.16), (-0.3, 0.04), (-0.14, 0.08)])  # tail


def _whale(pen: _Pen, hx: float, hy: float, r: float, features: frozenset[str]) -> None:
    """A whale (or with ``fin``, a dolphin): a long rounded body, the tail narrowing behind to
    flukes raised up, a flipper below; a dolphin's slimmer, with a fin on its back and a
    beak."""
    dolphin = "fin" in features
    if dolphin:
        pen.poly(_ellipse(0.0, 0.42, 0.6, 0.2, 0))  # body
        pen.poly([(-0.2, 0.6), (-0.32, 0.84), (0.04, 0.6)])  # the fin on its back
        pen.poly([(0.5, 0.44), (0.82, 0.4), (0.82, 0.36), (0.5, 0.32)])  # beak
    else:
        pen.poly(_ellipse(0.0, 0.4, 0.78, 0.34, 0))  # body
    tail = [(-0.45, 0.46, 0.14), (-0.68, 0.5, 0.08), (-0.86, 0.6, 0.04)]
    _tube(pen, tail)
    pen.poly([(-0.86, 0.56), (-1.04, 0.92), (-0.9, 0.72), (-0.7, 0.94), (-0.84, 0.62)])  # flukes
    pen.poly(_ellipse(0.2, 0.18, 0.16, 0.05, -30))  # flipper


def _giraffe(pen: _Pen, hx: float, hy: float, r: float, features: frozenset[str]) -> None:
    """A giraffe: four long legs, a short body sloping down to the tail, a long neck up and
    forward to a small head with two short horns."""
    for u in (-0.26, -0.16, 0.12, 0.22):
        pen.poly([(u - 0.026, 0.5), (u + 0.026, 0.5), (u + 0.02, 0.0), (u - 0.02, 0.0)])
    pen.poly(_ellipse(-0.04, 0.55, 0.3, 0.11, 10))  # body
    pen.poly([(0.12, 0.56), (0.26, 0.64), (hx + 0.02, hy - 0.03), (hx - 0.05, hy + 0.04)])
    pen.oval(hx - r, hy - r, hx + r, hy + r)  # head
    pen.oval(hx + r * 0.2, hy - r * 0.9, hx + r + 0.12, hy + r * 0.2)  # muzzle
    for u in (-0.04, 0.01):  # ossicones
        pen.poly([(hx + u - 0.012, hy + r * 0.6), (hx + u - 0.012, 1.0), (hx + u + 0.012, 1.0),
                  (hx + u + 0.012, hy + r * 0.6)])  # fmt: skip
    pen.poly([(hx - 0.05, hy + 0.02), (hx - 0.14, hy + 0.06), (hx - 0.04, hy + 0.05)])  # ear
    pen.poly([(-0.32, 0.56), (-0.42, 0.36), (-0.4, 0.35), (-0.32, 0.52)])  # tail
    pen.oval(-0.45, 0.3, -0.39, 0.38)


def _kangaroo(pen: _Pen, hx: float, hy: float, r: float, features: frozenset[str]) -> None:
    """A kangaroo sitting up: a body leaning forward over a big haunch, long hind feet flat
    on the ground, a thick tail behind, short arms, long ears."""
    pen.poly([(-0.16, 0.34), (-0.78, 0.0), (-0.6, 0.0), (-0.06, 0.22)])  # tail
    pen.poly(_ellipse(-0.02, 0.48, 0.26, 0.13, 65))  # body
    pen.poly(_ellipse(-0.08, 0.22, 0.2, 0.13, 30))  # haunch
    pen.poly([(-0.2, 0.0), (0.28, 0.0), (0.28, 0.04), (-0.16, 0.12)])  # foot
    pen.poly([(0.04, 0.66), (hx - 0.04, hy - 0.08), (hx + 0.02, hy - 0.02), (0.12, 0.7)])
    pen.oval(hx - r, hy - r, hx + r, hy + r)  # head
    pen.oval(hx + r * 0.3, hy - 0.08, hx + r + 0.12, hy + 0.02)  # snout
    for u in (-0.07, 0.0):  # ears
        pen.poly(
            [(hx + u - 0.03, hy + r * 0.6), (hx + u - 0.02, 1.0), (hx + u + 0.04, hy + r * 0.6)]
        )
    pen.poly([(0.14, 0.56), (0.26, 0.42), (0.24, 0.38), (0.1, 0.5)])  # arm


_MORE_FORMS = {
    "snake": _snake,
    "butterfly": _butterfly,
    "wader": _wader,
    "fish": _fish,
    "penguin": _penguin,
    "whale": _whale,
    "giraffe": _giraffe,
    "kangaroo": _kangaroo,
}
