"""Fonts for burned-in text: a chain of maintained font packages with per-character fallback.

The fonts come from PyPI font packages (``fontpkg-noto-sans``: Latin, Greek, Cyrillic,
Vietnamese; ``fontpkg-fira-sans``: the same scripts plus arrows and maths signs such as "→"
and "≈" that Noto Sans lacks), found through ``fontpkg``'s registry, so a plain
``pip install ttv-integration`` draws every caption. Any further ``fontpkg-noto-*`` family
installed (Arabic, Devanagari, Thai...) joins the chain automatically.

Each character is drawn with the first font whose character map (read with fontTools) holds
it, so a caption never shows a "tofu" box while some installed font covers the character;
:meth:`FontChain.missing` names the characters no installed font covers (the compositor
notes them in the run report instead of guessing).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

#: Preferred families, in order; other installed ``noto-*`` families follow.
PREFERRED = ("noto-sans", "fira-sans")
WEIGHT = 600  # semi-bold: legible over moving pictures and for OCR
WORD_SPACE = 0.15  # extra space between words, in font sizes


@dataclass(frozen=True)
class FontFace:
    slug: str
    path: Path
    variable: bool


def installed_faces() -> tuple[FontFace, ...]:
    """The fallback chain: preferred families first, then other installed Noto families."""
    import fontpkg

    fams = fontpkg.families()
    order = [s for s in PREFERRED if s in fams]
    order += sorted(s for s in fams if s.startswith("noto-") and s not in order)
    faces = []
    for slug in order:
        fam = fams[slug]
        try:
            chosen = fontpkg.select_file(fam, WEIGHT, "normal", True)
        except Exception:  # a family without an upright face: skip it
            continue
        faces.append(FontFace(slug, Path(chosen.path), bool(chosen.variable)))
    return tuple(faces)


@lru_cache(maxsize=32)
def _cmap(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(str(path), lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


@lru_cache(maxsize=128)
def _truetype(path: Path, size: int, variable: bool) -> ImageFont.FreeTypeFont:
    font = ImageFont.truetype(str(path), size)
    if variable:
        values = []
        for axis in font.get_variation_axes():
            name = axis["name"]
            name = name.decode("ascii", "replace") if isinstance(name, bytes) else str(name)
            wght = name.strip().lower() in ("weight", "wght")
            values.append(float(WEIGHT) if wght else float(axis["default"]))
        font.set_variation_by_axes(values)
    return font


def _invisible(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) in ("Cf", "Cc")


class FontChain:
    """Measure and split text over an ordered list of font files."""

    def __init__(self, faces: tuple[FontFace, ...] | None = None) -> None:
        self.faces = installed_faces() if faces is None else faces
        if not self.faces:
            raise RuntimeError(
                "no font package installed: install fontpkg-noto-sans (a dependency of "
                "ttv-integration)"
            )
        self.maps = [_cmap(f.path) for f in self.faces]
        self._lengths: dict[tuple[int, int, str], float] = {}

    def face_for(self, ch: str) -> int | None:
        if _invisible(ch):
            return 0
        cp = ord(ch)
        for i, cmap in enumerate(self.maps):
            if cp in cmap:
                return i
        return None

    def missing(self, text: str) -> set[str]:
        """Characters of ``text`` that no installed font covers."""
        return {ch for ch in text if self.face_for(ch) is None}

    def runs(self, text: str) -> list[tuple[int, str]]:
        """``text`` cut into (face index, substring) runs; combining marks stay with their
        base character; uncovered characters go to the first face (they are reported by
        :meth:`missing`)."""
        out: list[tuple[int, str]] = []
        for ch in text:
            if out and (unicodedata.combining(ch) or _invisible(ch)):
                out[-1] = (out[-1][0], out[-1][1] + ch)
                continue
            i = self.face_for(ch)
            i = 0 if i is None else i
            if out and out[-1][0] == i:
                out[-1] = (i, out[-1][1] + ch)
            else:
                out.append((i, ch))
        return out

    def font(self, face: int, size: int) -> ImageFont.FreeTypeFont:
        f = self.faces[face]
        return _truetype(f.path, max(6, int(size)), f.variable)

    def _pieces(self, text: str, size: int):
        """(x offset, face, piece) for each run piece; spaces get ``WORD_SPACE`` of the size
        on top of the font's own (clear word gaps read better, for people and for OCR)."""
        x = 0.0
        extra = size * WORD_SPACE
        for i, part in self.runs(text):
            for n, piece in enumerate(part.split(" ")):
                if n:
                    x += self._length(i, size, " ") + extra
                if piece:
                    yield x, i, piece
                    x += self._length(i, size, piece)
        yield x, -1, ""

    def _length(self, face: int, size: int, piece: str) -> float:
        """Advance width of one piece, measured once (wrapping a caption measures each trial
        line, and the lines share their words)."""
        key = (face, size, piece)
        length = self._lengths.get(key)
        if length is None:
            length = self._lengths[key] = self.font(face, size).getlength(piece)
        return length

    def width(self, text: str, size: int) -> float:
        return list(self._pieces(text, size))[-1][0]

    def metrics(self, size: int) -> tuple[int, int]:
        """(ascent, descent) of the primary face at ``size``."""
        return self.font(0, size).getmetrics()

    def draw(self, draw, xy: tuple[float, float], text: str, size: int, **kwargs) -> None:
        """Draw ``text`` with its baseline-aligned runs starting at ``xy`` (top-left)."""
        x, y = xy
        baseline = y + self.metrics(size)[0]
        for dx, i, piece in self._pieces(text, size):
            if piece:
                draw.text((x + dx, baseline), piece, font=self.font(i, size), anchor="ls", **kwargs)
