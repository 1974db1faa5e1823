"""The ``animatic`` keyframe renderer: a storyboard frame drawn from the ShotSpec.

What is drawn, back to front:

1. the backdrop (``scenery.py``): the place at its time of day, in its weather, inside or
   out, with the objects the scene names drawn as simple shapes; layout from the setting
   and palette, details from ``spec.seed``; then the extras: a crowd word the scene slot
   puts into ``spec.objects`` ("children", "villagers": ``scenery.CROWDS``) adds three
   or four unnamed people, drawn as the characters are but about 0.7 of their size and
   further back, clear of them (:meth:`AnimaticKeyframe._extras`): part of the backdrop
   (``Keyframe.background``), with no regions;
2. one silhouette per character (head + body, anti-aliased by supersampling; no rim: its
   edge only blends figure and backdrop), its clothes in one flat colour that depends only
   on the character (the hue of the clothing its descriptors name, "wearing a teal jacket",
   else its identity hue) and the shot's lighting (:func:`figure_color`), never on
   where it stands, so a character looks the same in every shot under the same light; its
   face, neck and hands in its skin tone (``"dark brown skin"``, else one picked by its id:
   :func:`skin_color`) under the same light, with two eye dots above the mouth's third; in
   full daylight a light colour the words say ("a white horse", "wearing a cream shawl") is
   drawn light, with a dark outline (:func:`figure_outline`);
   placement and size come from the seed, the character's seed and id (a child, by its
   descriptors, is drawn smaller: :func:`figure_scale`; hair a descriptor names is drawn
   on the top of the head in that colour: :func:`hair_color`); each head is
   returned as a ``face`` region and each whole figure as a ``body`` region (label =
   character id); an animal character (descriptors naming one, ``animals.py``) is drawn as
   a bird or a four-legged beast in profile instead, up-stage of the caption band (a dragon
   alone in a room is framed to fit the middle of the frame: :func:`_frame_dragon`).

No text by default: captions, the setting and names are the compositor's (drawn at output
resolution after camera moves and transitions). Storyboard mode (``labels=True``,
``caption=True``) adds, as before, a name tag per figure, the setting label (top left) and
the caption in a bottom band, inside a title-safe inset (``safe_margin`` m): text stays whole
under a camera zoom of up to ``2m / (1 - 2m)`` travel and a pan of up to ``m / (1 - m)``.

Everything is deterministic per seed (no global RNG, no wall clock). Storyboard text needs
room: below 48 pixels of height it is left out (a note says so). Pillow's bundled default
font covers Latin text; give ``font_path`` (a local TrueType/OpenType file) for other scripts.
"""

from __future__ import annotations

import colorsys
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFont
from pydantic import Field, StrictBool, StrictFloat, StrictInt
from ttv_contracts.errors import TTVError
from ttv_contracts.v1 import (
    CharacterRef,
    ImplementationOptions,
    Keyframe,
    KeyframeRenderer,
    ModuleInfo,
    Region,
    ShotSpec,
)

from . import __version__, animals
from .animals import Animal, animal_of
from .errors import E_FONT_UNREADABLE, E_OPTION_INVALID, PACKAGE
from .scenery import CHILD_CROWDS, FLOOR, View, ambient, interpret, paint

MIN_TEXT_HEIGHT = 48  # below this frame height, labels and caption are dropped
FontT = ImageFont.FreeTypeFont | ImageFont.ImageFont


def hex_rgb(color: str) -> np.ndarray:
    return np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.float32)


def _stable_int(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


@dataclass(frozen=True)
class Figure:
    """A silhouette's geometry in output pixels (floats; rounded when drawn)."""

    ref: CharacterRef
    cx: float
    feet: float
    height: float
    color: tuple[int, int, int]
    #: the hair's colour under the shot's light (:func:`hair_color`), or None: no hair drawn
    hair: tuple[int, int, int] | None = None
    #: an animal character (:func:`ttv_keyframe.animals.animal_of`), drawn in profile
    animal: Animal | None = None
    #: which way an animal faces: 1 right, -1 left (towards the frame's middle)
    facing: int = 1
    #: a dark outline round a light figure in daylight (:func:`figure_outline`), or None
    outline: tuple[int, int, int] | None = None
    #: the beard's colour under the shot's light (:func:`beard_color`), or None: no beard
    beard: tuple[int, int, int] | None = None
    #: headgear and its colour under the shot's light: an extra's (:data:`CROWD_HATS`:
    #: "helmet", "cap"), a royal character's "crown" (:func:`crowned`); "" none
    hat: str = ""
    hat_color: tuple[int, int, int] | None = None
    #: the face's, neck's and hands' colour under the shot's light (:func:`skin_color`), or
    #: None (an animal): the whole figure in its one colour
    skin: tuple[int, int, int] | None = None
    #: the whites of the eyes under the shot's light (:data:`EYE_WHITE`)
    eye_white: tuple[int, int, int] | None = None

    @property
    def eye_whites(self) -> bool:
        """Whether the eyes are drawn with whites round their pupils: an eye of at least
        :data:`EYE_WHITES_FROM` output pixels (radius)."""
        return self.head_r * EYE_SIZE >= EYE_WHITES_FROM

    def _head(self) -> tuple[float, float, float]:
        assert self.animal is not None
        return animals.head(self.animal.form, self.facing, self.cx, self.feet, self.height)

    @property
    def head_r(self) -> float:
        return self._head()[2] if self.animal else self.height * 0.13

    @property
    def head_cy(self) -> float:
        return self._head()[1] if self.animal else self.feet - self.height + self.head_r

    @property
    def head_cx(self) -> float:
        return self._head()[0] if self.animal else self.cx

    def face_box(self) -> tuple[float, float, float, float]:
        if self.animal:
            a = self.animal
            return animals.face_box(a.form, self.facing, self.cx, self.feet, self.height)
        r = self.head_r
        return self.cx - r, self.head_cy - r, self.cx + r, self.head_cy + r

    def box(self) -> tuple[float, float, float, float]:
        """The whole figure (arms out, or beak or snout to tail): its body region."""
        if self.animal:
            a = self.animal
            return animals.extent(a.form, self.facing, self.cx, self.feet, self.height, a.top)
        half = self.height * BODY_HALF_WIDTH
        reach = {"crown": CROWN_TOP, "spacesuit": HELMET_TOP}.get(self.hat, 1.0)
        top = self.head_cy - self.head_r * reach  # the crown's points, the helmet's dome
        return self.cx - half, top, self.cx + half, self.feet


#: the lowest an animal's face may come down, as a fraction of the frame's height: above
#: the bottom band where captions are burned in (a person's face is far higher)
ANIMAL_FACE_LINE = 0.58
#: half a figure's body width, as a fraction of its height (the lane fit in ``_layout``)
FIGURE_HALF_WIDTH = 0.18
#: half the width of a figure's body region (arms out), as a fraction of its height
BODY_HALF_WIDTH = 0.2
#: Where a dragon alone in a room is kept whole: the middle of the frame's width that a
#: camera pan of up to 0.25 travel (ttv-motion's ``max_travel``) shows in every frame,
#: ``t / (1 + t)`` = 0.2 of the width in from either side. Drawn like any beast, a lone
#: dragon was up to 0.62 of the height tall and 0.69 of the width long (640x360, 40 seeds:
#: from x = 13 to 631), and a camera move at that travel cut off its wing or tail at the
#: side in 5-11 of 12 clips per move (pans 11, zooms and tilts 6); framed so, in none.
DRAGON_SAFE_X = 0.2


def _frame_dragon(cx: float, height: float, w: int) -> tuple[float, float]:
    """(cx, height) of a dragon standing alone in a room: made smaller where needed and
    moved in, so that the whole of it (snout, wing, tail) lies within :data:`DRAGON_SAFE_X`
    of the middle and its wing and tail stay in frame while the camera moves (the wing's
    top stays 0.31 of the height or more below the frame's top, clear of the rows a zoom
    cuts). Nothing else is framed this way: a dragon outdoors or with company as before."""
    reach = animals.half_width("dragon")
    height = min(height, (1 - 2 * DRAGON_SAFE_X) * w / (2 * reach))
    lo, hi = DRAGON_SAFE_X * w + reach * height, (1 - DRAGON_SAFE_X) * w - reach * height
    return float(np.clip(cx, lo, max(lo, hi))), height


class AnimaticKeyframe(KeyframeRenderer):
    """Storyboard frame drawn with Pillow and numpy: the honest CPU default (no model)."""

    info = ModuleInfo(
        slot="keyframe",
        name="animatic",
        version=__version__,
        package=PACKAGE,
        consumes=(
            "ShotSpec (time of day, weather, indoor/outdoor, objects, setting, palette, "
            "characters, seed, size)"
        ),
        produces="Keyframe: text-free storyboard frame + face and body region per character",
        summary=(
            "Animatic frame: a backdrop that follows time of day, weather, inside/outside and "
            "named objects, with character silhouettes; no text (Pillow, numpy)."
        ),
    )

    class Options(ImplementationOptions):
        font_path: str | Path | None = Field(
            None,
            description="A local .ttf/.otf for the storyboard text; null: the bundled font "
            "(Latin text only).",
        )
        labels: StrictBool = Field(
            False,
            description="Storyboard mode: print the setting (top left) and a name tag per "
            "character into the image.",
        )
        caption: StrictBool = Field(
            False, description="Storyboard mode: print the caption in a band at the bottom."
        )
        supersample: StrictInt = Field(
            2, ge=1, le=4, description="Anti-aliasing factor for backdrop and silhouettes."
        )
        max_characters: StrictInt = Field(
            6,
            ge=0,
            le=32,
            description="Silhouettes drawn at most (a note says when some are left out).",
        )
        safe_margin: StrictFloat = Field(
            0.1,
            ge=0.0,
            le=0.3,
            description="Title-safe inset for storyboard text (fraction of each side).",
        )

    option_error = E_OPTION_INVALID.code

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        opts = self.opts
        font_path = opts.font_path
        self.font_path = Path(font_path).expanduser() if font_path is not None else None
        if self.font_path is not None and not self.font_path.is_file():
            raise TTVError(
                E_FONT_UNREADABLE,
                f"animatic font_path {str(self.font_path)!r} is not a file",
                module=PACKAGE,
            )
        # Text is the compositor's job (drawn at output resolution after camera moves and
        # transitions); these two draw it into the keyframe only for a storyboard print.
        self.labels: bool = opts.labels
        self.caption: bool = opts.caption
        self.supersample: int = opts.supersample
        # Text stays inside a "title-safe" inset so camera moves do not cut it (module doc).
        self.safe_margin: float = opts.safe_margin
        self.max_characters: int = opts.max_characters

    # ------------------------------------------------------------------ fonts

    def _font(self, size: int) -> FontT:
        return _load_font(str(self.font_path) if self.font_path else None, max(6, int(size)))

    # ------------------------------------------------------------------ render

    def _render(self, spec: ShotSpec) -> Keyframe:
        w, h = spec.width, spec.height
        palette = [hex_rgb(c) for c in spec.palette] or [hex_rgb("#808080")]
        view = interpret(spec)
        layout_seed = _stable_int(spec.setting.strip().lower() + "|" + ",".join(spec.palette))
        # Characters stand in the boat when the setting is a boat at sea ("a fishing boat in a
        # storm"), not when a boat is merely seen ("Tomas saw the boat").
        aboard = bool(spec.characters[: self.max_characters]) and view.sea and "boat" in view.place
        figures = self._layout(spec, view)
        gap = 0.01 * w  # a little air between a figure and what stands behind it
        spans = tuple(
            ((x0 - gap) / w, (x1 + gap) / w) for x0, _, x1, _ in (f.box() for f in figures)
        )
        img, ground_row, front = paint(
            view,
            w,
            h,
            self.supersample,
            palette,
            layout_seed,
            spec.seed,
            aboard=aboard,
            keep_clear=spans,
        )
        image = Image.fromarray(img)
        extras = self._extras(spec, view, figures, FLOOR * h if view.indoor else ground_row, aboard)
        if extras:  # the unnamed crowd is scenery: in the backdrop, behind the characters
            image = self._draw_figures(image, extras)
        plate = image.copy()  # the backdrop alone: what a camera move reveals behind figures
        if figures:
            image = self._draw_figures(image, figures)
        if front is not None:  # what stands in front of the figures (their boat's hull)
            layer = Image.fromarray(front, "RGBA")
            base = image.convert("RGBA")
            base.alpha_composite(layer)
            image = base.convert("RGB")
            base = plate.convert("RGBA")
            base.alpha_composite(layer)
            plate = base.convert("RGB")
        draw = ImageDraw.Draw(image)
        text_ok = h >= MIN_TEXT_HEIGHT and w >= MIN_TEXT_HEIGHT
        if self.labels and text_ok:
            top = 1.0
            if spec.setting.strip():
                top = self._draw_setting(draw, spec.setting.strip(), w, h) + 2
            for fig in figures:
                self._draw_tag(draw, fig, w, h, top)
        caption = spec.caption.strip()
        if self.caption and caption and not (text_ok and self._draw_caption(image, caption, w, h)):
            self.note(f"caption left out: {w}x{h} frame is too small for readable text")
        faces = [r for r in (_region(fig, "face", w, h) for fig in figures) if r is not None]
        bodies = [r for r in (_region(fig, "body", w, h) for fig in figures) if r is not None]
        extra = {}
        if figures and "background" in Keyframe.model_fields:  # contracts 1.3
            extra["background"] = np.asarray(plate, dtype=np.uint8).copy()
        if "ground" in Keyframe.model_fields:  # contracts 1.3: the floor line, or outdoors the
            # horizon (lower where a house or tree stands below it)
            extra["ground"] = round(FLOOR if view.indoor else min(0.95, ground_row / h), 4)
        return Keyframe(
            image=np.asarray(image, dtype=np.uint8).copy(), regions=tuple(faces + bodies), **extra
        )

    # ------------------------------------------------------------------ layout

    def _layout(self, spec: ShotSpec, view: View) -> list[Figure]:
        chars = spec.characters[: self.max_characters]
        if len(spec.characters) > len(chars):
            self.note(
                f"drew {len(chars)} of {len(spec.characters)} characters "
                f"(max_characters={self.max_characters})"
            )
        n = len(chars)
        if n == 0:
            return []
        w, h = spec.width, spec.height
        lane = w * 0.84 / n
        feet_base = h * 0.9
        figures = []
        for i, ref in enumerate(chars):
            crng = np.random.default_rng([spec.seed, ref.seed, _stable_int(ref.id), i])
            cx = w * 0.08 + lane * (i + 0.5) + float(crng.uniform(-0.18, 0.18)) * lane
            animal = animal_of(ref.descriptors)
            scale = animal.size if animal else figure_scale(ref)
            crown = animal is None and crowned(ref)
            # on the Moon or out in space a person wears a spacesuit and a bubble helmet (the
            # astronauts of "landed on the Moon" stood on the dust in their coats)
            suited = animal is None and spacesuited(view)
            hat = "crown" if crown else "spacesuit" if suited else ""
            half = animals.half_width(animal.form) if animal else FIGURE_HALF_WIDTH
            height = h * float(crng.uniform(0.48, 0.56)) * scale
            height = min(height, lane * 0.85 / (2 * half))  # the body fits its lane
            feet = feet_base - float(crng.uniform(0.0, 0.05)) * h
            if animal is not None:
                if animal.form == "dragon" and view.indoor and n == 1:
                    cx, height = _frame_dragon(cx, height, w)
                # up-stage, so that its face is above the caption band, as a person's is
                # (a fable's crow stood where the caption covered it whole)
                feet = min(feet, h * ANIMAL_FACE_LINE + animals.face_drop(animal.form) * height)
            figures.append(
                Figure(
                    ref=ref,
                    cx=cx,
                    feet=feet,
                    height=max(height, 4.0),
                    color=lit_skin(SUIT_WHITE, view) if suited else figure_color(ref, view),
                    hair=None if animal else hair_color(ref, view),
                    beard=None if animal else beard_color(ref, view),
                    skin=None if animal else skin_color(ref, view),
                    eye_white=lit_skin(EYE_WHITE, view),
                    hat=hat,
                    hat_color=_headgear_color(hat, view),
                    animal=animal,
                    facing=1 if cx <= w / 2 else -1,
                    outline=SUIT_OUTLINE if suited else figure_outline(ref, view),
                )
            )
        return figures

    def _extras(
        self, spec: ShotSpec, view: View, figures: list[Figure], ground: float, aboard: bool
    ) -> list[Figure]:
        """The unnamed people a crowd word in the spec's objects stands for (``view.crowds``:
        "children", "villagers"): :data:`CROWD_COUNT` figures drawn like characters (body,
        head, hair, clothes, the same tone per lighting) but smaller and further back, in
        the backdrop, with no regions (no name tag, no lip sync). Each is about
        :data:`EXTRA_SCALE` of a character of its age tall, its feet as far from the ground
        line (``ground``: the horizon or the lowest house's base, the floor line indoors)
        towards the characters' feet, as perspective puts a person further back; spread
        across the free width, clear of the characters (:func:`_extra_spots`). Clothes,
        hair and places come from ``spec.seed``. None where nothing is there to stand on
        behind the characters (the open sea, space), and no more than the free width holds
        (a note says so)."""
        crowds = view.crowds
        if not crowds:
            return []
        crowd = " and ".join(crowds)
        feet_line = _crowd_ground(view, aboard, ground, spec.height)
        if feet_line is None:
            self.note(f"{crowd} left out: no ground to stand on behind the characters")
            return []
        w, h = spec.width, spec.height
        rng = np.random.default_rng([spec.seed, _stable_int("extras|" + "|".join(crowds))])
        # one group: CROWD_COUNT of it; two: one fewer of each, side by side in turn
        counts = [CROWD_COUNT.get(c, 3) - (len(crowds) > 1) for c in crowds]
        members = [
            c for k in range(max(counts)) for c, m in zip(crowds, counts, strict=True) if k < m
        ]
        n = len(members)
        ages = [CHILD_SCALE if c in CHILD_CROWDS else 1.0 for c in members]
        depth = [EXTRA_SCALE * float(rng.uniform(0.94, 1.04)) for _ in range(n)]
        tall = [h * MEAN_HEIGHT * d * a for d, a in zip(depth, ages, strict=True)]
        quay = view.sea and not view.indoor and not aboard and "harbour" in view.shapes
        end = QUAY_END if quay else 1.0  # on a quay's stone, not on the water beside it
        spots = _extra_spots(w, BODY_HALF_WIDTH * max(tall), figures, n, rng, end)
        if len(spots) < n:
            self.note(f"drew {len(spots)} of {n} {crowd}: no more room clear of the characters")
        clothes = rng.permutation(len(EXTRA_CLOTHES))
        extras = []
        for k, cx in enumerate(spots):
            who = members[k]
            hairs = EXTRA_HAIR if ages[k] < 1.0 else EXTRA_HAIR + GREY_HAIR
            hat = CROWD_HATS.get(who)
            hair = hairs[int(rng.integers(len(hairs)))]
            ref = CharacterRef(
                id=f"extra-{who}-{k}-{int(rng.integers(1 << 30))}",
                name=who,
                descriptors=(f"{hair} hair", f"wearing a {EXTRA_CLOTHES[int(clothes[k])]} coat"),
            )
            extras.append(
                Figure(
                    ref=ref,
                    cx=cx,
                    feet=feet_line(depth[k]),
                    height=max(tall[k], 4.0),
                    color=figure_color(ref, view),
                    hair=hair_color(ref, view),
                    skin=skin_color(ref, view),
                    eye_white=lit_skin(EYE_WHITE, view),
                    outline=figure_outline(ref, view),
                    hat=hat[0] if hat else "",
                    hat_color=_lit_rgb(hat[1], view) if hat else None,
                )
            )
        return sorted(extras, key=lambda f: f.feet)  # the furthest back first

    def _draw_figures(self, image: Image.Image, figures: list[Figure]) -> Image.Image:
        """Each silhouette is drawn as a mask at ``supersample`` x resolution and box-filtered
        down onto the frame grid (anti-aliased edges without a font or vector library), then
        laid over the frame as one flat colour with that coverage as its alpha: an edge pixel
        is a blend of the figure and the backdrop behind it, never lighter or darker than
        both (no rim, halo or fringe). The figure stays readable by its tone instead, chosen
        per lighting (:func:`figure_color`), never from the pixels around it. A light figure
        in daylight (a white horse, a cream coat) is the one exception: a dark outline
        (:func:`figure_outline`, never a light rim) is laid under its body and its hair, so
        that white on snow or a bright sky stays apart."""
        s = self.supersample
        base = image.convert("RGBA")
        for fig in figures:
            pad = 2 * s
            if fig.outline is not None:  # room for the outline round the silhouette
                pad += int(np.ceil(outline_width(fig) * s))
            bx0, by0, bx1, _ = fig.box()
            x0 = int(bx0 * s - fig.height * s * 0.1) - pad
            y0 = int(by0 * s) - pad
            x1 = int(np.ceil(bx1 * s + fig.height * s * 0.1)) + pad
            y1 = int(np.ceil(fig.feet * s)) + pad
            # Draw on the frame grid (origin snapped to a multiple of s), then area-average.
            ox, oy = x0 - x0 % s, y0 - y0 % s
            pw, ph = (x1 - ox) // s + 1, (y1 - oy) // s + 1
            shapes = [(_silhouette, fig.color)]
            if fig.skin:  # face, neck and hands over the body; then the eyes
                shapes.append((_skin, fig.skin))
                if fig.eye_whites:
                    shapes.append((_eye_whites, fig.eye_white or EYE_WHITE))
                shapes.append((_eyes, eye_color(fig.skin)))
            if fig.hair:
                shapes.append((_hair, fig.hair))
            if fig.beard:
                shapes.append((_beard, fig.beard))
            if fig.hat and fig.hat_color:  # an extra's helmet or cap, over its hair
                shapes.append((_hat, fig.hat_color))
            if fig.animal is not None and fig.animal.marked:
                shapes.append((_patches, patch_color(fig.color)))
            for shape, color in shapes:  # the body, then the hair (and a beard) on its head
                mask = Image.new("L", (pw * s, ph * s), 0)
                shape(ImageDraw.Draw(mask), fig, s, -ox, -oy)
                if fig.outline is not None and shape in (_silhouette, _hair, _beard, _hat):
                    # the outline under the body, and a hairline under the hair (white hair
                    # on a cream figure: luma 235 on 247, else all but unseen)
                    ring = _dilate(mask, outline_width(fig) * s)
                    cover = ring.resize((pw, ph), Image.Resampling.BOX)
                    layer = Image.new("RGBA", cover.size, (*fig.outline, 255))
                    layer.putalpha(cover)
                    _composite_at(base, layer, ox // s, oy // s)
                cover = mask.resize((pw, ph), Image.Resampling.BOX)
                layer = Image.new("RGBA", cover.size, (*color, 255))
                layer.putalpha(cover)
                _composite_at(base, layer, ox // s, oy // s)
        return base.convert("RGB")

    # ------------------------------------------------------------------ text

    def _draw_tag(self, draw: ImageDraw.ImageDraw, fig: Figure, w: int, h: int, top: float) -> None:
        size = int(np.clip(h / 24, 8, 28))
        font = self._font(size)
        small = self._font(max(6, int(size * 0.8)))
        max_w = max(20.0, fig.height * 0.9)
        name = _fit(fig.ref.name, font, max_w)
        desc = _fit(", ".join(fig.ref.descriptors[:2]), small, max_w) if fig.ref.descriptors else ""
        lines = [(name, font)] + ([(desc, small)] if desc else [])
        widths = [f.getlength(t) for t, f in lines]
        pad = max(2, size // 4)
        box_w = max(widths) + 2 * pad
        box_h = sum(_line_height(f) for _, f in lines) + 2 * pad
        x0 = float(np.clip(fig.head_cx - box_w / 2, 1, max(1, w - box_w - 1)))
        y0 = float(np.clip(fig.head_cy - fig.head_r * 1.3 - box_h, top, max(top, h - box_h - 1)))
        draw.rounded_rectangle(
            (x0, y0, x0 + box_w, y0 + box_h), radius=pad, fill=(250, 248, 240), outline=(40, 40, 40)
        )
        y = y0 + pad
        for (text, f), tw in zip(lines, widths, strict=True):
            draw.text((x0 + (box_w - tw) / 2, y), text, font=f, fill=(20, 20, 20))
            y += _line_height(f)

    def _draw_setting(self, draw: ImageDraw.ImageDraw, setting: str, w: int, h: int) -> float:
        """The setting label, top left; returns the label's bottom edge."""
        size = int(np.clip(h / 20, 8, 32))
        font = self._font(size)
        pad = max(2, size // 3)
        mx, my = max(pad, w * self.safe_margin), max(pad, h * self.safe_margin)
        text = _fit(setting, font, w - 2 * mx - 2 * pad)
        tw = font.getlength(text)
        box = (mx, my, mx + tw + 2 * pad, my + _line_height(font) + 2 * pad)
        draw.rounded_rectangle(box, radius=pad, fill=(20, 20, 24), outline=(230, 230, 220))
        draw.text((mx + pad, my + pad), text, font=font, fill=(245, 245, 235))
        return float(box[3])

    def _draw_caption(self, image: Image.Image, caption: str, w: int, h: int) -> bool:
        size = int(np.clip(h / 15, 8, 48))
        font = self._font(size)
        pad = max(2, size // 2)
        mx, my = w * self.safe_margin, h * self.safe_margin
        lines = _wrap(caption, font, w - 2 * max(pad, mx), max_lines=3)
        line_h = _line_height(font)
        band_h = len(lines) * line_h + 2 * pad + my  # the band reaches the bottom edge
        if not lines or band_h > h * 0.5:
            return False
        overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
        od = ImageDraw.Draw(overlay)
        od.rectangle((0, h - band_h, w, h), fill=(10, 10, 14, 170))
        y = h - band_h + pad
        for line in lines:
            tw = font.getlength(line)
            od.text(((w - tw) / 2, y), line, font=font, fill=(255, 255, 250, 255))
            y += line_h
        base = image.convert("RGBA")
        base.alpha_composite(overlay)
        image.paste(base.convert("RGB"))
        return True


# ---------------------------------------------------------------------- helpers


@lru_cache(maxsize=64)
def _load_font(path: str | None, size: int) -> FontT:
    if path is not None:
        try:
            return ImageFont.truetype(path, size)
        except OSError as exc:
            raise TTVError(
                E_FONT_UNREADABLE, f"cannot read font {path!r}: {exc}", module=PACKAGE
            ) from exc
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow without FreeType: fixed-size bitmap font
        return ImageFont.load_default()


def _line_height(font: FontT) -> int:
    box = font.getbbox("Ag")
    return int(box[3] - min(0, box[1])) + 2


def _fit(text: str, font: FontT, max_w: float) -> str:
    """Text truncated with an ellipsis so that it is at most ``max_w`` pixels wide."""
    if font.getlength(text) <= max_w:
        return text
    while text and font.getlength(text + "…") > max_w:
        text = text[:-1]
    return (text.rstrip() + "…") if text else ""


def _wrap(text: str, font: FontT, max_w: float, max_lines: int) -> list[str]:
    """Greedy word wrap; over-long words are broken; overflow ends in an ellipsis."""
    lines: list[str] = []
    current = ""
    words = text.split()
    for word in words:
        candidate = f"{current} {word}".strip()
        if font.getlength(candidate) <= max_w:
            current = candidate
            continue
        if current:
            lines.append(current)
        while font.getlength(word) > max_w and len(word) > 1:  # break a long word
            cut = len(word)
            while cut > 1 and font.getlength(word[:cut]) > max_w:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _fit(lines[-1] + " …", font, max_w)
    return [ln for ln in lines if ln]


def _region(fig: Figure, kind: str, w: int, h: int) -> Region | None:
    """The figure's face (``fig.face_box()``: lip-sync and motion) or its whole body (head
    to feet, ``fig.box()``: where a name tag may go) as a Region in the frame, or None when
    it lies outside it."""
    x0, y0, x1, y1 = fig.face_box() if kind == "face" else fig.box()
    xi0, yi0 = max(0, int(np.floor(x0))), max(0, int(np.floor(y0)))
    xi1, yi1 = min(w, int(np.ceil(x1))), min(h, int(np.ceil(y1)))
    if xi1 - xi0 < 1 or yi1 - yi0 < 1:
        return None
    return Region(x=xi0, y=yi0, w=xi1 - xi0, h=yi1 - yi0, label=fig.ref.id, kind=kind)


def _body_lines(
    fig: Figure, s: int, dx: float, dy: float
) -> tuple[float, float, float, float, float, float, float]:
    """A person's lines at scale ``s`` and offset (``dx``, ``dy``): (height, head radius,
    head centre x and y, shoulder row, hip row, torso half width), shared by the silhouette
    and the skin drawn on it."""
    hh, r = fig.height * s, fig.head_r * s
    cx, cy = fig.cx * s + dx, fig.head_cy * s + dy
    shoulder = cy + r * 1.3
    return hh, r, cx, cy, shoulder, shoulder + hh * 0.36, hh * 0.15


def _silhouette(draw: ImageDraw.ImageDraw, fig: Figure, s: int, dx: float, dy: float) -> None:
    """Head, neck, torso, arms and legs of one figure, into a mask (scale ``s``, offset); an
    animal's body plan instead (:func:`ttv_keyframe.animals.draw`)."""
    if fig.animal is not None:
        a = fig.animal
        animals.draw(
            draw, a.form, fig.facing, fig.cx, fig.feet, fig.height, s, dx, dy, a.ears, a.features
        )
        return
    hh, r, cx, cy, shoulder, hip, sw = _body_lines(fig, s, dx, dy)
    feet, hw = fig.feet * s + dy, hh * 0.11
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=255)
    draw.rectangle((cx - r * 0.35, cy + r * 0.6, cx + r * 0.35, shoulder + r * 0.2), fill=255)
    draw.rounded_rectangle((cx - sw, shoulder, cx + sw, hip), radius=sw * 0.45, fill=255)
    draw.polygon(
        [
            (cx - sw, hip - 1),
            (cx + sw, hip - 1),
            (cx + hw, hip + hh * 0.08),
            (cx - hw, hip + hh * 0.08),
        ],
        fill=255,
    )
    for side in (-1, 1):  # arms hang beside the torso, legs from the hips to the feet
        ax = cx + side * sw
        draw.polygon(
            [
                (ax, shoulder + sw * 0.15),
                (ax + side * hh * 0.05, shoulder + sw * 0.35),
                (ax + side * hh * 0.045, hip + hh * 0.05),
                (ax + side * hh * 0.005, hip + hh * 0.05),
            ],
            fill=255,
        )
        lx = cx + side * hw * 0.5
        draw.polygon(
            [
                (cx + side * 2, hip),
                (cx + side * hw, hip),
                (lx + side * hh * 0.04, feet),
                (lx - side * hh * 0.01, feet),
            ],
            fill=255,
        )


def _skin(draw: ImageDraw.ImageDraw, fig: Figure, s: int, dx: float, dy: float) -> None:
    """What of a person shows skin: the head (the hair and a beard are drawn over it), the
    neck down to the shoulders, and a hand at the end of each arm (:func:`_silhouette`'s
    geometry)."""
    hh, r, cx, cy, shoulder, hip, sw = _body_lines(fig, s, dx, dy)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=255)
    draw.rectangle((cx - r * 0.35, cy + r * 0.6, cx + r * 0.35, shoulder), fill=255)
    if fig.hat == "spacesuit":
        return  # gloved: the hands are the suit's
    hand = hh * 0.022
    for side in (-1, 1):  # at the arm's end, a little wider than its tip: inside the body box
        hx, hy = cx + side * (sw + hh * 0.025), hip + hh * 0.055
        draw.ellipse((hx - hand, hy - hand, hx + hand, hy + hand * 1.3), fill=255)


def _eyes(draw: ImageDraw.ImageDraw, fig: Figure, s: int, dx: float, dy: float) -> None:
    """Two dots across the face's middle, above the mouth (the lipsync draws it in the lower
    third of the face box: from 0.28 of the radius below the head's centre): the pupils,
    :data:`PUPIL` of the eye where its white is drawn (a head big enough), else the eye."""
    r = fig.head_r * s
    size = EYE_SIZE * (PUPIL if fig.eye_whites else 1.0)
    _eye_dots(draw, fig, s, dx, dy, max(0.6 * s, size * r))


def _eye_whites(draw: ImageDraw.ImageDraw, fig: Figure, s: int, dx: float, dy: float) -> None:
    """The whites of the eyes, under the pupils: a dark pupil alone vanished on dark skin."""
    _eye_dots(draw, fig, s, dx, dy, EYE_SIZE * fig.head_r * s)


def _eye_dots(
    draw: ImageDraw.ImageDraw, fig: Figure, s: int, dx: float, dy: float, er: float
) -> None:
    r = fig.head_r * s
    cx, cy = fig.cx * s + dx, fig.head_cy * s + dy
    for side in (-1, 1):
        ex = cx + side * EYE_APART * r
        draw.ellipse((ex - er, cy - er * 1.2, ex + er, cy + er * 1.2), fill=255)


def _patches(draw: ImageDraw.ImageDraw, fig: Figure, s: int, dx: float, dy: float) -> None:
    """A patched animal's patches (a cow's), inside its body."""
    a = fig.animal
    assert a is not None
    animals.draw_patches(
        draw, a.form, fig.facing, fig.cx, fig.feet, fig.height, s, dx, dy, a.features
    )


def patch_color(color: tuple[int, int, int]) -> tuple[int, int, int]:
    """The second tone of a patched coat: lighter patches on a dark figure (the daylight and
    dim tones), dark patches on a light one (the lifted tone at night)."""
    c = np.asarray(color, np.float32)
    out = c + (255.0 - c) * 0.55 if float(c @ _LUMA) < 100 else c * 0.35
    return tuple(int(v) for v in np.clip(np.rint(out), 0, 255))  # type: ignore[return-value]


def _hair(draw: ImageDraw.ImageDraw, fig: Figure, s: int, dx: float, dy: float) -> None:
    """The hair: the head less a face oval set low in it, so the hair covers the crown
    (:data:`HAIR_DEPTH` of the radius deep) and thins down the sides to about the middle;
    the lower half of the head, where the mouth goes, stays face."""
    r = fig.head_r * s
    cx, cy = fig.cx * s + dx, fig.head_cy * s + dy
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=255)
    fy, fry, frx = cy + 0.3 * r, (1.3 - HAIR_DEPTH) * r, 0.82 * r
    draw.ellipse((cx - frx, fy - fry, cx + frx, fy + fry), fill=0)


def _beard(draw: ImageDraw.ImageDraw, fig: Figure, s: int, dx: float, dy: float) -> None:
    """A beard: round the lower half of the face and a little below the chin, open round the
    mouth (the lipsync draws the mouth there, in the lower third of the face)."""
    r = fig.head_r * s
    cx, cy = fig.cx * s + dx, fig.head_cy * s + dy
    draw.ellipse((cx - 0.92 * r, cy - 0.35 * r, cx + 0.92 * r, cy + 1.45 * r), fill=255)
    draw.rectangle((cx - r, cy - r, cx + r, cy + 0.12 * r), fill=0)  # the cheeks up: face
    draw.ellipse((cx - 0.38 * r, cy + 0.36 * r, cx + 0.38 * r, cy + 0.66 * r), fill=0)


def _hat(draw: ImageDraw.ImageDraw, fig: Figure, s: int, dx: float, dy: float) -> None:
    """An extra's headgear on the crown, above the face's middle (the face stays clear): a
    round helmet a little wider than the head with a rim, or a flat cap with a band."""
    r = fig.head_r * s
    cx, cy = fig.cx * s + dx, fig.head_cy * s + dy
    if fig.hat == "crown":  # a gold band on the crown with three points
        draw.rectangle((cx - 0.62 * r, cy - 1.02 * r, cx + 0.62 * r, cy - 0.72 * r), fill=255)
        for px in (-0.5, 0.0, 0.5):
            x = cx + px * r
            draw.polygon(
                [(x - 0.2 * r, cy - 1.0 * r), (x, cy - CROWN_TOP * r), (x + 0.2 * r, cy - 1.0 * r)],
                fill=255,
            )
        return
    if fig.hat == "spacesuit":  # a round glass helmet: its rim round the whole head
        draw.ellipse((cx - 1.5 * r, cy - HELMET_TOP * r, cx + 1.5 * r, cy + 1.3 * r), fill=255)
        draw.ellipse((cx - 1.3 * r, cy - 1.35 * r, cx + 1.3 * r, cy + 1.1 * r), fill=0)
        return
    if fig.hat == "helmet":
        draw.ellipse((cx - 1.15 * r, cy - 1.2 * r, cx + 1.15 * r, cy + 0.9 * r), fill=255)
        draw.rectangle((cx - 1.3 * r, cy - 0.1 * r, cx + 1.3 * r, cy + 1.0 * r), fill=0)
        draw.rectangle((cx - 1.3 * r, cy - 0.25 * r, cx + 1.3 * r, cy - 0.1 * r), fill=255)
    else:  # a sailor's cap: a flat top over a band
        draw.ellipse((cx - 1.05 * r, cy - 1.35 * r, cx + 1.05 * r, cy - 0.75 * r), fill=255)
        draw.rectangle((cx - 0.85 * r, cy - 1.05 * r, cx + 0.85 * r, cy - 0.55 * r), fill=255)


def _dilate(mask: Image.Image, radius: float) -> Image.Image:
    """``mask`` grown by ``radius`` pixels all round (a round pen): the outline's shape."""
    import cv2

    k = 2 * max(1, round(radius)) + 1
    pen = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    return Image.fromarray(cv2.dilate(np.asarray(mask), pen))


def _composite_at(base: Image.Image, layer: Image.Image, x: int, y: int) -> None:
    """alpha_composite ``layer`` onto ``base`` at (x, y), clipping at the frame edges."""
    bw, bh = base.size
    lx0, ly0 = max(0, -x), max(0, -y)
    lx1, ly1 = min(layer.size[0], bw - x), min(layer.size[1], bh - y)
    if lx1 <= lx0 or ly1 <= ly0:
        return
    base.alpha_composite(layer.crop((lx0, ly0, lx1, ly1)), dest=(x + lx0, y + ly0))


#: Lighting levels (:func:`ttv_keyframe.scenery.ambient`, 0..1) that split the three figure
#: tones. Measured on backdrops of every time x weather x inside/outside (160x90, 13
#: settings, 2 seeds): in full daylight (>= DAYLIGHT: a clear or windy day, day snow or fog,
#: a room by day) the identity colour (luma ~45-70) differs from ~75-100 % of the backdrop
#: where figures stand by 40 luma; in dim light (dawn, dusk, an overcast or rainy day, a room
#: at dawn or dusk) only a deep tone (luma ~24) does (~60-100 %); in dark light (< DARK:
#: night, storms, rain at dawn or dusk, a room at night) only a lifted one (luma ~130,
#: ~70-100 %).
DAYLIGHT = 0.9
DARK = 0.55
#: (saturation of the hue, target luma) of the dim and dark tones.
_DEEP = (0.85, 24.0)
_LIFTED = (0.35, 130.0)
#: Colour casts of the lifted tone: moonlight outside, lamplight in a room at night.
_MOONLIGHT = np.array([0.92, 0.97, 1.1], np.float32)
_LAMPLIGHT = np.array([1.08, 1.0, 0.85], np.float32)
_LUMA = np.array([0.299, 0.587, 0.114], np.float32)


#: Words in a character's descriptors that make it a child (drawn smaller) and words that
#: make it an adult whatever else is said ("a young woman"). A word list, not a classifier:
#: a descriptor it does not know leaves the figure at adult size.
_CHILD_WORDS = frozenset(
    [
        "child",
        "kid",
        "girl",
        "boy",
        "baby",
        "toddler",
        "granddaughter",
        "grandson",
        "schoolgirl",
        "schoolboy",
    ]
)
_ADULT_WORDS = frozenset(
    ["man", "woman", "adult", "elderly", "grandfather", "grandmother", "mother", "father"]
)
#: A child's height against an adult's drawn in the same place.
CHILD_SCALE = 0.72


def _night_cast(view: View) -> np.ndarray:
    """The colour cast of dark light on a figure and its hair: lamplight in a room,
    moonlight outside."""
    return _LAMPLIGHT if view.indoor else _MOONLIGHT


def figure_scale(ref: CharacterRef) -> float:
    """How tall the character is drawn against an adult: :data:`CHILD_SCALE` when its
    descriptors (from the identity slot: "girl", "granddaughter", ...) say it is a child and
    none says it is an adult, else 1. From the descriptors alone, so the same in every shot."""
    words = {w for d in ref.descriptors for w in re.findall(r"[a-z]+", d.lower())}
    return CHILD_SCALE if words & _CHILD_WORDS and not words & _ADULT_WORDS else 1.0


#: Extras (:meth:`AnimaticKeyframe._extras`): the unnamed people of a crowd word in the
#: spec's objects. An extra is this much of a character of its age tall (a character is
#: MEAN_HEIGHT of the frame on average, its feet at FEET_LINE), so that it reads as
#: standing further back; its feet are that fraction of the way from the ground line to
#: the characters' feet (perspective: a person's height in the frame grows with the
#: distance of their feet below the horizon).
EXTRA_SCALE = 0.7
MEAN_HEIGHT = 0.52
FEET_LINE = 0.875
#: How many extras a crowd word draws: 3, or these.
CROWD_COUNT = {"crowd": 4, "people": 4}
#: The hair extras have (grey and white only on grown-ups), picked from the shot's seed;
#: their clothes are :data:`EXTRA_CLOTHES`.
EXTRA_HAIR = ("black", "dark", "brown", "blond", "auburn", "ginger")
GREY_HAIR = ("grey", "white")
#: Words that put a crown on a character's head, in its descriptors or its name ("the
#: king", "Princess Ada"), and the crown's daylight gold.
ROYAL_WORDS = frozenset(
    ["king", "queen", "prince", "princess", "emperor", "empress", "pharaoh", "sultan", "tsar"]
)
CROWN_GOLD = (232, 184, 48)
#: The crown's points above the head's centre, in head radii (the body region reaches them,
#: so that name tags stand clear of the crown).
CROWN_TOP = 1.42


#: A spacesuit's white, a helmet's rim and the dark outline round both (:func:`spacesuited`)
SUIT_WHITE = (232, 232, 226)
HELMET_RIM = (196, 202, 210)
SUIT_OUTLINE = (52, 52, 58)
#: how far above the head's centre the helmet's dome reaches (head radii)
HELMET_TOP = 1.55


def _headgear_color(hat: str, view: View) -> tuple[int, int, int] | None:
    """A character's headgear colour under the shot's light: a crown's gold (lit as hair
    is), a spacesuit helmet's rim (lit as the suit is); None for no headgear."""
    if hat == "crown":
        return _lit_rgb(CROWN_GOLD, view)
    if hat == "spacesuit":
        return lit_skin(HELMET_RIM, view)
    return None


def spacesuited(view: View) -> bool:
    """Whether people in the shot wear spacesuits: outside on the Moon or out in space (not
    in a spacecraft's cabin, where they are in their clothes)."""
    return view.world in ("moon", "space") and not view.indoor


def crowned(ref: CharacterRef) -> bool:
    """Whether the character wears a crown: a :data:`ROYAL_WORDS` word in its descriptors or
    its name (a word list, not a reading of the story: "the king's daughter" is crowned
    only when she is called a princess)."""
    words = {w for d in (*ref.descriptors, ref.name) for w in re.findall(r"[a-z]+", d.lower())}
    return bool(words & ROYAL_WORDS)


#: Headgear that tells a crowd apart: (shape, daylight colour), drawn on the crown and lit
#: as hair is.
CROWD_HATS: dict[str, tuple[str, tuple[int, int, int]]] = {
    "soldiers": ("helmet", (86, 94, 62)),
    "guards": ("helmet", (118, 122, 130)),
    "sailors": ("cap", (236, 236, 230)),
}
#: Extras on a beach or a quay stand on its near strip (the sand's top is 0.83-0.86 of the
#: height, the quay's 0.84; ``scenery.Painter.shore``), those aboard on the deck behind the
#: hull's top edge (0.8): feet at these fractions of the height.
SHORE_FEET = 0.885
DECK_FEET = 0.84
#: where a quay's stone ends, as a fraction of the width (``scenery.Painter.shore``)
QUAY_END = 0.45


def _crowd_ground(
    view: View, aboard: bool, ground: float, h: int
) -> Callable[[float], float] | None:
    """Where an extra drawn at ``depth`` (its height against a character's) has its feet,
    in output pixels: from the ground line ``ground`` that far towards the characters'
    feet (:data:`FEET_LINE`), never below them; at sea on the deck of the characters' boat
    or on a beach's sand or a quay (:data:`SHORE_FEET`, :data:`DECK_FEET`); None where
    there is nothing to stand on (the open sea, space outside a spacecraft)."""
    near = h * FEET_LINE
    if view.world == "space" and not view.indoor:
        return None
    if view.sea and not view.indoor:
        if aboard:
            return lambda depth: h * DECK_FEET
        if view.shapes & {"beach", "harbour"}:
            return lambda depth: h * SHORE_FEET
        return None
    return lambda depth: min(near, ground + depth * max(0.0, near - ground))


def _extra_spots(
    w: int, half: float, figures: list[Figure], n: int, rng: np.random.Generator, end: float = 1.0
) -> list[float]:
    """Up to ``n`` centres (output pixels) for extras ``2 * half`` wide: in the frame (up to
    ``end`` of its width), apart from each other and clear of every character's body (else,
    where that leaves too little room, of every face: the character is drawn over the
    extra), spread evenly over the free slots (the sides and the gaps between the
    characters) from a random start, each moved a little within its slot."""
    gap = 0.01 * w  # as between a figure and what the backdrop stands behind it
    step = 2 * half + gap
    lo, hi = half + gap, end * w - half - gap
    slots: list[tuple[float, float]] = []  # the range of centres each slot allows
    for boxes in ([f.box() for f in figures], [f.face_box() for f in figures]):
        blocked = sorted((x0 - half - gap, x1 + half + gap) for x0, _, x1, _ in boxes)
        slots = []
        for a, b in _free(lo, hi, blocked):
            k = int((b - a) // step) + 1
            if k == 1:
                slots.append((a, b))
                continue
            pitch = (b - a) / (k - 1)  # >= step: neighbours moved by up to ``slack`` stay apart
            slack = (pitch - step) / 2
            centres = (a + pitch * j for j in range(k))
            slots += [(max(a, c - slack), min(b, c + slack)) for c in centres]
        if len(slots) >= n:
            break
    start = float(rng.uniform(0.0, 1.0))
    picks = (
        slots if len(slots) <= n else [slots[int((i + start) * len(slots) / n)] for i in range(n)]
    )
    return [float(rng.uniform(a, b)) for a, b in picks]


def _free(lo: float, hi: float, blocked: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The parts of [lo, hi] outside the ``blocked`` intervals (sorted by their start)."""
    out = []
    for a, b in blocked:
        if a > lo:
            out.append((lo, min(a, hi)))
        lo = max(lo, b)
    out.append((lo, hi))
    return [(a, b) for a, b in out if b >= a]


#: Hair colours a descriptor may name ("white hair", "auburn-haired"), as drawn in full
#: daylight. A word list, not a classifier: a colour it does not know draws no hair.
HAIR_COLOURS: dict[str, tuple[int, int, int]] = {
    "white": (236, 236, 230),
    "silver": (200, 202, 206),
    "grey": (160, 160, 160),
    "gray": (160, 160, 160),
    "salt-and-pepper": (128, 126, 122),  # one of the identity slot's older-hair colours
    "blond": (222, 190, 110),
    "blonde": (222, 190, 110),
    "golden": (214, 170, 70),
    "fair": (220, 196, 140),
    "ginger": (196, 96, 40),
    "red": (170, 60, 30),
    "auburn": (145, 60, 35),
    "brown": (100, 64, 36),
    "dark": (40, 30, 26),
    "black": (24, 22, 22),
}
#: How deep the hair is on the crown, as a fraction of the head's radius.
HAIR_DEPTH = 0.35
#: The hair's brightness under each lighting level (as the figure's tone, :func:`figure_color`):
#: full in daylight, dimmed in dim light, lifted toward the figure's pale tone in the dark.
_HAIR_DIM = 0.5
_HAIR_DARK = 0.6


def hair_color(ref: CharacterRef, view: View) -> tuple[int, int, int] | None:
    """The colour of the character's hair under the shot's light, from the first descriptor
    that names one (``"white hair"``, ``"auburn-haired"``), or None ("bald", or nothing
    said): from the descriptors and the lighting alone, so the same in every shot under the
    same light."""
    for descriptor in ref.descriptors:
        text = descriptor.lower()
        if "bald" in text:
            return None
        match = re.search(r"((?:[a-z]+-and-)?[a-z]+)[- ]hair", text)
        if match and match.group(1) in HAIR_COLOURS:
            return _lit_hair(match.group(1), view)
    return None


def _lit_hair(colour: str, view: View) -> tuple[int, int, int]:
    """A :data:`HAIR_COLOURS` colour (hair or beard) under the shot's light: full in
    daylight, dimmed in dim light, dimmed and cast in the dark."""
    return _lit_rgb(HAIR_COLOURS[colour], view)


def _lit_rgb(
    color: tuple[int, int, int], view: View, dim: float = _HAIR_DIM, dark: float = _HAIR_DARK
) -> tuple[int, int, int]:
    """A daylight colour under the shot's light: itself by day, times ``dim`` in dim light,
    times ``dark`` and the night's cast in the dark. By default as :func:`_lit_hair` says:
    what is worn on the head (hair, a beard, a crown, an extra's helmet or cap)."""
    rgb = np.array(color, np.float32)
    level = ambient(view)
    if level < DAYLIGHT:
        rgb = rgb * (dim if level >= DARK else dark)
        if level < DARK:
            rgb = rgb * _night_cast(view)
    return tuple(int(v) for v in np.clip(np.rint(rgb), 0, 255))  # type: ignore[return-value]


#: Daylight colours of the skin tone words (``ttv_contracts.v1.SKIN_TONES``, contracts 1.3;
#: the identity slot says one as ``"<tone> skin"``), lightest to deepest: flat storyboard
#: tones, a little warmer and more saturated than measured skin, as illustration draws it.
SKIN_RGB: dict[str, tuple[int, int, int]] = {
    "fair": (243, 214, 190),
    "light": (232, 190, 156),
    "light brown": (208, 156, 114),
    "tan": (186, 132, 90),
    "brown": (150, 99, 64),
    "dark brown": (112, 72, 46),
    "deep brown": (80, 52, 36),
}
#: The skin's brightness under dim light (its daylight colour times this) and in the dark
#: (times this and the night's cast): a face stays a face on the deep silhouette of dusk
#: and under the lifted tone of night, dimmer than by day.
_SKIN_DIM = 0.55
_SKIN_DARK = 0.7
#: Eye dots: their radius and their distance from the face's middle, in head radii.
EYE_SIZE = 0.1
EYE_APART = 0.38
#: The pupil's size against the eye's, where the eye's white is drawn: from an eye this
#: many output pixels wide (radius) up; smaller eyes are a dark dot alone.
PUPIL = 0.6
EYE_WHITES_FROM = 1.5
#: The whites' daylight colour (dimmed with the light as the skin is).
EYE_WHITE = (238, 234, 226)
_SKIN_WORD = re.compile(r"^([a-z ]+) skin$")


def skin_color(ref: CharacterRef, view: View) -> tuple[int, int, int]:
    """The colour of the character's face, neck and hands under the shot's light: the tone
    its descriptors say (``"dark brown skin"``), else one picked by its id from
    :data:`SKIN_RGB` (an extra, a stub identity, an identity stored before contracts 1.3):
    from the descriptors and id alone, so the same in every shot under the same light."""
    tones = list(SKIN_RGB)
    said = (_SKIN_WORD.match(d.lower().strip()) for d in ref.descriptors)
    tone = next((m.group(1) for m in said if m and m.group(1) in SKIN_RGB), None)
    return lit_skin(SKIN_RGB[tone or tones[_stable_int("skin|" + ref.id) % len(tones)]], view)


def lit_skin(color: tuple[int, int, int], view: View) -> tuple[int, int, int]:
    """A daylight skin colour (or the eyes' white) under the shot's light: itself by day,
    dimmed (:data:`_SKIN_DIM`) in dim light, dimmed and cast (:data:`_SKIN_DARK`) in the dark."""
    return _lit_rgb(color, view, _SKIN_DIM, _SKIN_DARK)


def eye_color(skin: tuple[int, int, int]) -> tuple[int, int, int]:
    """The eyes' colour: the skin darkened (a dark dot on every tone)."""
    return tuple(int(v * 0.22) for v in skin)  # type: ignore[return-value]


def beard_color(ref: CharacterRef, view: View) -> tuple[int, int, int] | None:
    """The colour of the character's beard under the shot's light, or None (no descriptor
    says "beard" or "bearded"): the colour named right before "beard" ("a long white beard"),
    else the hair's (:func:`hair_color`), else dark."""
    text = " ".join(d.lower() for d in ref.descriptors)
    if not re.search(r"\bbeard(?:ed)?\b", text):
        return None
    match = re.search(r"([a-z]+)[- ]beard\b", text)
    colour = match.group(1) if match and match.group(1) in HAIR_COLOURS else None
    if colour is None:
        return hair_color(ref, view) or _lit_hair("dark", view)
    return _lit_hair(colour, view)


#: Clothing colours a descriptor may name ("wearing a rust-red coat"): the identity slot's
#: palette and plain colour words, as RGB. A word list, not a classifier: a colour it does
#: not know leaves the figure in its identity hue.
#: The identity slot's palette (ttv-identity: CLOTH_COLOURS); extras wear it too, each
#: extra of a shot a different colour (:data:`EXTRA_CLOTHES`)
IDENTITY_CLOTHES: dict[str, tuple[int, int, int]] = {
    "indigo": (75, 0, 130),
    "rust-red": (183, 65, 14),
    "mustard-yellow": (225, 173, 1),
    "olive-green": (110, 130, 40),
    "sky-blue": (135, 206, 235),
    "plum": (142, 69, 133),
    "charcoal": (54, 69, 79),
    "cream": (255, 253, 208),
    "teal": (0, 128, 128),
    "terracotta": (226, 114, 91),
}
EXTRA_CLOTHES = tuple(IDENTITY_CLOTHES)
CLOTHING_COLOURS: dict[str, tuple[int, int, int]] = {
    **IDENTITY_CLOTHES,
    # plain colour words
    "red": (200, 30, 30),
    "scarlet": (255, 36, 0),
    "crimson": (220, 20, 60),
    "maroon": (128, 0, 0),
    "orange": (240, 130, 20),
    "yellow": (230, 200, 30),
    "gold": (212, 175, 55),
    "golden": (212, 175, 55),
    "green": (30, 140, 50),
    "blue": (30, 60, 200),
    "navy": (20, 30, 100),
    "purple": (120, 40, 160),
    "violet": (140, 70, 200),
    "pink": (240, 120, 170),
    "brown": (120, 70, 30),
    "white": (240, 240, 240),
    "black": (25, 25, 25),
    "grey": (128, 128, 128),
    "gray": (128, 128, 128),
}
_WEARING = re.compile(
    r"\bwearing\s+(?:an?\s+|the\s+|his\s+|her\s+|their\s+)?([a-z]+(?:-[a-z]+)*)\s"
)
#: A clothing colour's saturation that draws the figure at the usual saturation of its tone.
_CLOTHING_SAT = 0.6
#: Below this saturation a clothing colour (cream, charcoal, white, grey, black) has no hue
#: to draw, and the figure keeps its identity hue: drawn nearly grey, a cream coat all but
#: vanished into the lamp-lit room of the lighthouse lesson, as the tone (not the hue) is
#: what the lighting levels were measured for.
_CLOTHING_MIN_SAT = 0.35


def clothing_color(ref: CharacterRef) -> tuple[int, int, int] | None:
    """The colour of what the character wears, from the first descriptor that names a known
    one ("wearing a rust-red coat", from the identity slot), else None."""
    for d in ref.descriptors:
        match = _WEARING.search(d.lower() + " ")
        if match and match.group(1) in CLOTHING_COLOURS:
            return CLOTHING_COLOURS[match.group(1)]
    return None


def identity_hue(ref: CharacterRef) -> float:
    """The character's hue (0..1), from its id alone: the same in every shot."""
    return (_stable_int(ref.id) % 360) / 360.0


def figure_hue(ref: CharacterRef) -> tuple[float, float]:
    """(hue 0..1, saturation factor) of the figure: its clothing's when a descriptor names a
    known clothing colour with a hue (saturation >= ``_CLOTHING_MIN_SAT``; the factor
    follows the colour's saturation, up to 4/3), else the identity hue at factor 1 (also
    for cream, charcoal, white, grey or black clothes). From the descriptors and id alone:
    the same in every shot."""
    animal = animal_of(ref.descriptors)
    if animal is not None:
        return _animal_hue(ref, animal)
    rgb = clothing_color(ref)
    if rgb is not None:
        hue, sat, _value = colorsys.rgb_to_hsv(*(v / 255.0 for v in rgb))
        if sat >= _CLOTHING_MIN_SAT:
            return hue, min(4.0 / 3.0, sat / _CLOTHING_SAT)
    return identity_hue(ref), 1.0


#: The colour and coat words an animal's descriptors may say ("a white rabbit", "a ginger cat").
_ANIMAL_COLOURS = {**CLOTHING_COLOURS, **animals.FUR_COLOURS}
#: The least saturation factor of an animal's colour: a crow or a grey wolf keeps a trace
#: of hue, so that its tone still parts it from the backdrop (as measured for figures).
_ANIMAL_MIN_FACTOR = 0.3


def _animal_hue(ref: CharacterRef, animal: Animal) -> tuple[float, float]:
    """An animal's (hue, saturation factor): a colour or coat word its descriptors say ("a
    white rabbit", "a ginger cat"), else its usual colour
    (:data:`ttv_keyframe.animals.ANIMALS`), else the identity hue. Grey and black animals
    are drawn in a muted tone, not in a vivid identity hue."""
    words = [w for d in ref.descriptors for w in re.findall(r"[a-z]+(?:-[a-z]+)*", d.lower())]
    rgb = next((_ANIMAL_COLOURS[w] for w in words if w in _ANIMAL_COLOURS), animal.rgb)
    if rgb is None:
        return identity_hue(ref), 1.0
    hue, sat, _value = colorsys.rgb_to_hsv(*(v / 255.0 for v in rgb))
    if sat < 0.05:  # black, white or grey: no hue of its own
        hue = identity_hue(ref)
    return hue, min(4.0 / 3.0, max(_ANIMAL_MIN_FACTOR, sat / _CLOTHING_SAT))


#: Light colours a descriptor may say besides the clothing colours ("an ivory gown", "a
#: snowy owl"), as RGB: looked up only to find a light figure (:func:`light_colour`), so a
#: figure that says them keeps its hue under dim and dark light as before.
LIGHT_WORDS: dict[str, tuple[int, int, int]] = {
    "ivory": (255, 255, 240),
    "silver": (200, 202, 206),
    "snowy": (248, 248, 250),
    "snow-white": (248, 248, 250),
    "pearl": (236, 234, 228),
    "off-white": (242, 240, 232),
    "beige": (236, 226, 204),
}
#: "pale" or "light" before a colour ("a pale blue dress", "a light-green coat"): the colour
#: mixed this far towards white.
_PALE_MIX = 0.6
_PALE = ("pale", "light")
#: A colour at least this light (luma) and at most this saturated (HSV) is a light colour:
#: white, cream, ivory, silver, pale blue, a unicorn's or a sheep's white. Saturated light
#: colours (yellow, sky-blue, pink: saturation 0.43 and over) keep the daylight tone.
LIGHT_LUMA = 170.0
LIGHT_MAX_SAT = 0.3
_COLOUR_WORDS = {**_ANIMAL_COLOURS, **LIGHT_WORDS}
_WEARING_WORDS = re.compile(r"\bwearing\s+(?:an?\s+|the\s+|his\s+|her\s+|their\s+)?([a-z -]+)")


def is_light(rgb: tuple[int, int, int]) -> bool:
    """Whether ``rgb`` is a light colour (:data:`LIGHT_LUMA`, :data:`LIGHT_MAX_SAT`)."""
    _hue, sat, _value = colorsys.rgb_to_hsv(*(v / 255.0 for v in rgb))
    return float(np.asarray(rgb, np.float32) @ _LUMA) >= LIGHT_LUMA and sat <= LIGHT_MAX_SAT


def _said_colour(words: list[str], first: bool = False) -> tuple[int, int, int] | None:
    """The first colour ``words`` say (``first``: only as the first word), "pale" or "light"
    before a colour mixing it towards white ("pale blue", "light-green"); not a hair colour
    (an older identity store gave a fox "white hair": not a white fox)."""
    for i, word in enumerate(words[:1] if first else words):
        pale, _, name = word.partition("-")
        said = 1
        if word in _PALE and i + 1 < len(words):
            pale, name, said = word, words[i + 1], 2
        if pale not in _PALE or name not in _COLOUR_WORDS:
            pale, name, said = "", word, 1
        if name not in _COLOUR_WORDS or words[i + said : i + said + 1] in (["hair"], ["haired"]):
            continue
        rgb = np.asarray(_COLOUR_WORDS[name], np.float32)
        if pale:
            rgb = rgb + (255.0 - rgb) * _PALE_MIX
        return tuple(int(v) for v in np.rint(rgb))  # type: ignore[return-value]
    return None


def light_colour(ref: CharacterRef) -> tuple[int, int, int] | None:
    """The character's colour when it is light (:func:`is_light`), else None: for a person,
    what it wears (the first descriptor naming a colour: "wearing a cream shawl", "wearing a
    pale blue dress"); for an animal, the first colour or coat word said ("a white horse",
    "a snowy owl"), else its usual colour (a unicorn's, a sheep's, a cow's white). From the
    descriptors alone, so the same in every shot."""
    rgb = None
    animal = animal_of(ref.descriptors)
    if animal is not None:
        words = [w for d in ref.descriptors for w in re.findall(r"[a-z]+(?:-[a-z]+)*", d.lower())]
        rgb = _said_colour(words) or animal.rgb
    else:
        for d in ref.descriptors:
            match = _WEARING_WORDS.search(d.lower())
            rgb = _said_colour(match.group(1).split(), first=True) if match else None
            if rgb is not None:
                break
    return rgb if rgb is not None and is_light(rgb) else None


#: A light figure's outline in daylight: the figure's colour darkened to this luma (about
#: the old daylight tone's) and this wide, as a fraction of the figure's height (at least
#: one pixel). Measured at 640x360 (3 seeds; a white horse, a white unicorn, a sheep, a
#: cream shawl, a white dress) on 13 day backdrops (meadow, beach, snow field, snowing
#: village, snowy mountain, desert, fog, the Moon, kitchen, classroom, hospital ward,
#: bakery, space station), over the backdrop 1-4 px round the figure (luma 87 on a dark
#: classroom floor to 214 on snow): drawn at value 0.3 (luma 61-75) only 19-58 % of it
#: stood 40 luma apart on a day meadow (grass ~104) and 57-76 % on a beach; drawn light
#: (luma 224-248) the fill alone is 0-47 % apart on snow (luma ~200-214: a white horse
#: vanishes), the outline alone 100 % there (median 153-174 luma apart) and 62-100 %
#: elsewhere; the fill or the outline is 40 luma apart from 100 % of it in every case.
OUTLINE_LUMA = 40.0
OUTLINE_WIDTH = 0.012


def figure_outline(ref: CharacterRef, view: View) -> tuple[int, int, int] | None:
    """The dark outline drawn round a light figure (:func:`light_colour`) in full daylight,
    where it is drawn light: its own colour at :data:`OUTLINE_LUMA`, so that it does not
    vanish into a bright sky, snow, sand or a white wall. None for every other figure and
    under every other light."""
    rgb = light_colour(ref) if ambient(view) >= DAYLIGHT else None
    if rgb is None:
        return None
    c = np.asarray(rgb, np.float32)
    out = c * (OUTLINE_LUMA / max(float(c @ _LUMA), 1.0))
    return tuple(int(v) for v in np.clip(np.rint(out), 0, 255))  # type: ignore[return-value]


def outline_width(fig: Figure) -> float:
    """The width of a figure's outline, in output pixels (:data:`OUTLINE_WIDTH`)."""
    return max(1.0, OUTLINE_WIDTH * fig.height)


def figure_color(ref: CharacterRef, view: View) -> tuple[int, int, int]:
    """A figure's flat colour: the character's hue (its clothing's, else its identity hue:
    :func:`figure_hue`) at the tone its lighting calls for, and nothing else (not the
    palette, not the backdrop behind it, not where the figure stands), so the same character
    under the same lighting has the same colour in every shot. The tone is picked per
    lighting level (:func:`ttv_keyframe.scenery.ambient`) so that the figure stands apart
    from that lighting's backdrops in general:

    - daylight: the hue itself (saturation 0.45 times the clothing's factor, value 0.3);
      but a light colour the words say (:func:`light_colour`: "a white horse", "wearing a
      cream shawl", a unicorn's white) is drawn as itself, light, and ringed by a dark
      outline (:func:`figure_outline`): at value 0.3 the white horse was a dark grey one;
    - dim (dawn, dusk, overcast): a deep tone of the same hue, a silhouette against the sky;
    - dark (night, storm, a room at night): lifted to a pale tone of the same hue under a
      moonlit (outside) or lamplit (inside) cast, off the dark backdrop.

    Dim and dark light treat light figures as every other (measured at 640x360: a white
    horse, unicorn, sheep, cream shawl or white dress at dusk or on a rainy day, deep tone,
    stood 40 luma apart from 38-100 % of the backdrop round it, a rust-red coat 59-100 %; at
    night, lifted tone, 67-100 %, the rust-red coat 77-100 %). Different characters keep
    different hues at every tone."""
    hue, factor = figure_hue(ref)
    level = ambient(view)
    light = light_colour(ref) if level >= DAYLIGHT else None
    if light is not None:  # a light colour the words say: drawn light, outlined dark
        return light
    if level >= DAYLIGHT:
        rgb = np.array(colorsys.hsv_to_rgb(hue, 0.45 * factor, 0.3), np.float32) * 255
    else:
        sat, luma = _DEEP if level >= DARK else _LIFTED
        rgb = np.array(colorsys.hsv_to_rgb(hue, min(1.0, sat * factor), 1.0), np.float32)
        if level < DARK:
            rgb = rgb * _night_cast(view)
        rgb = rgb * (luma / float(rgb @ _LUMA))
    return tuple(int(v) for v in np.clip(np.rint(rgb), 0, 255))  # type: ignore[return-value]
