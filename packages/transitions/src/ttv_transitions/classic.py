"""Classic, timeline-preserving transitions: cut, fade through a colour, dissolve, four wipes.

Scheme (frame counts never change)
----------------------------------
A transition of ``d = spec.duration_frames`` frames is split across the cut: the last
``h_a = ceil(d / 2)`` frames of clip A and the first ``h_b = floor(d / 2)`` frames of clip B
are rewritten in place; every other frame is untouched. Each half is clamped to its clip's
length, so a transition longer than the clips simply covers whole clips.

Every rewritten frame has a *progress* ``p`` in (0, 1):

* A's tail frame ``i`` (``0 <= i < h_a``): ``p = 0.5 * (i + 1) / h_a``, so A's **last frame sits
  exactly at p = 0.5** (the cut);
* B's head frame ``j`` (``0 <= j < h_b``): ``p = 0.5 + 0.5 * (j + 1) / (h_b + 1)``, so B's first
  rewritten frame is just past the cut and frame ``h_b`` (untouched) is where p would reach 1.

While A's tail plays, B has not started: the incoming image is B's **first** frame. While
B's head plays, A has ended: the outgoing image is A's **last** frame. Both clips keep moving
on their own side of the cut, so nothing freezes and narration never drifts.

The eased progress ``e = easing(p)`` then drives the look:

* ``cut``: nothing is rewritten.
* ``dissolve``: ``out = (1 - e) * outgoing + e * incoming``.
* ``fade``: through ``spec.color`` (any RGB colour). For ``p <= 0.5`` the outgoing image fades
  to the colour by ``easing(2p)``; for ``p > 0.5`` the colour fades into the incoming image by
  ``easing(2p - 1)``. A's last frame (p = 0.5) is **exactly** the colour.
* wipes: a moving edge; pixels on the new side show the incoming image. Direction is the
  direction the **new image travels**:

  - ``wipe_left``: the new image enters from the **right edge** moving leftwards; after
    progress ``e`` the columns ``x >= W * (1 - e)`` show B.
  - ``wipe_right``: enters from the **left edge** moving rightwards; columns ``x < W * e``.
  - ``wipe_up``: enters from the **bottom edge** moving upwards; rows ``y >= H * (1 - e)``.
  - ``wipe_down``: enters from the **top edge** moving downwards; rows ``y < H * e``.

  The one column (row) the edge falls inside gets fractional coverage, so the edge moves
  smoothly by sub-pixel amounts instead of stepping.

Regions and tracks (contracts 1.2)
----------------------------------
Frame counts never change, so each clip keeps its ``regions`` and its ``tracks`` exactly as
they came: one entry per frame, untouched. A blended frame therefore carries the boxes of
the clip it belongs to, and that is always the **dominant** side of the blend: A's tail
runs at ``p <= 0.5`` (A's picture weighs at least half; A's last frame is the cut) and B's
head at ``p > 0.5``. The other side's picture shows through too (B's first frame under A's
tail, A's last frame under B's head); its boxes are that clip's ``regions_at(0)`` and
``regions_at(-1)``, for a consumer (say, name tags fading across the cut) that wants both.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, ClassVar

import numpy as np
from pydantic import Field
from ttv_contracts.errors import TTVError
from ttv_contracts.v1 import (
    Clip,
    ImplementationOptions,
    ModuleInfo,
    Needs,
    TransitionBlender,
    TransitionKind,
    TransitionSpec,
)

from . import __version__
from .easing import EASINGS, ease
from .errors import E_OPTION_RANGE

_Channel = Annotated[int, Field(ge=0, le=255)]

PACKAGE = "ttv-transitions"

_WIPES = {
    TransitionKind.WIPE_LEFT,
    TransitionKind.WIPE_RIGHT,
    TransitionKind.WIPE_UP,
    TransitionKind.WIPE_DOWN,
}


def split_span(duration: int, len_a: int, len_b: int) -> tuple[int, int]:
    """Frames rewritten in A's tail and B's head for a ``duration``-frame transition."""
    h_a = min(math.ceil(duration / 2), len_a)
    h_b = min(duration // 2, len_b)
    return h_a, h_b


def progress_a(i: int, h_a: int) -> float:
    """Progress of A's tail frame ``i`` (0-based within the tail); the last one is 0.5."""
    return 0.5 * (i + 1) / h_a


def progress_b(j: int, h_b: int) -> float:
    """Progress of B's head frame ``j`` (0-based); strictly between 0.5 and 1."""
    return 0.5 + 0.5 * (j + 1) / (h_b + 1)


def wipe_coverage(
    kind: TransitionKind, e: float, width: int, height: int
) -> tuple[int, np.ndarray]:
    """``(axis, coverage)``: the fraction (0..1) of each column (axis 1) or row (axis 0)
    showing the incoming image after eased progress ``e``.

    See the module docstring for the direction convention.
    """
    horizontal = kind in (TransitionKind.WIPE_LEFT, TransitionKind.WIPE_RIGHT)
    n = width if horizontal else height
    edge = n * e
    pos = np.arange(n, dtype=np.float64)
    if kind in (TransitionKind.WIPE_RIGHT, TransitionKind.WIPE_DOWN):
        # covered from the start (left/top) up to the edge: pixel [x, x+1) covered by edge - x
        cov = np.clip(edge - pos, 0.0, 1.0)
    else:
        # covered from the far end (right/bottom) back to n - edge
        cov = np.clip(pos + 1.0 - (n - edge), 0.0, 1.0)
    return (1 if horizontal else 0), cov


class ClassicTransitions(TransitionBlender):
    """Cut, fade through any colour, dissolve and four wipes, with easing; counts unchanged.

    Options (all optional):

    * ``duration_s`` (float, default 0.5): length :meth:`pick` gives a dissolve or wipe
      between scenes; fades get twice this, and soft cuts within a scene half of it.
    * ``fade_color`` (``[r, g, b]``, default black): colour :meth:`pick` fades through.
    """

    info: ClassVar[ModuleInfo] = ModuleInfo(
        slot="transitions",
        name="classic",
        version=__version__,
        package=PACKAGE,
        needs=Needs(),
        consumes="Clip A + Clip B + TransitionSpec",
        produces="Clip A + Clip B, tail of A and head of B blended in place",
        summary="Cut, fade through a colour, dissolve and four wipes with easing; "
        "frame counts unchanged.",
    )

    class Options(ImplementationOptions):
        duration_s: float = Field(
            0.5,
            ge=0.0,
            le=10.0,
            allow_inf_nan=False,
            description="Length pick() gives a dissolve or wipe between scenes; fades get "
            "twice this, soft cuts within a scene half of it.",
        )
        fade_color: tuple[_Channel, _Channel, _Channel] = Field(
            (0, 0, 0), description="Colour [r, g, b] (0..255) that pick() fades through."
        )

    option_error = E_OPTION_RANGE.code

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.duration_s: float = self.opts.duration_s
        self.fade_color: tuple[int, int, int] = self.opts.fade_color

    # ------------------------------------------------------------------ choosing

    def pick(self, hint: TransitionKind | None, scene_changed: bool, fps: int) -> TransitionSpec:
        """Choose a transition from the emotion track's hint and whether the scene changes.

        * Same scene: a hard cut, unless the hint asks for something soft, which becomes a
          short linear dissolve (a fade or wipe inside one place reads as a scene change).
        * New scene: the hint's kind (dissolve when there is none). Fades last twice as long
          and go through ``fade_color``; wipes and dissolves last ``duration_s``. A ``cut``
          hint is honoured.
        """
        fps = max(1, int(fps))
        base = max(1, round(self.duration_s * fps))
        if not scene_changed:
            if hint is None or hint == TransitionKind.CUT or self.duration_s == 0:
                return TransitionSpec(kind=TransitionKind.CUT, duration_frames=0)
            return TransitionSpec(
                kind=TransitionKind.DISSOLVE,
                duration_frames=max(1, base // 2),
                easing="linear",
            )
        kind = hint or TransitionKind.DISSOLVE
        if kind == TransitionKind.CUT or self.duration_s == 0:
            return TransitionSpec(kind=TransitionKind.CUT, duration_frames=0)
        if kind == TransitionKind.FADE:
            return TransitionSpec(
                kind=kind, duration_frames=2 * base, color=self.fade_color, easing="ease_in_out"
            )
        easing = "linear" if kind == TransitionKind.DISSOLVE else "ease_in_out"
        return TransitionSpec(kind=kind, duration_frames=base, easing=easing)

    # ------------------------------------------------------------------ blending

    def _blend(self, a: Clip, b: Clip, spec: TransitionSpec) -> tuple[Clip, Clip]:
        if spec.kind == TransitionKind.CUT or spec.duration_frames == 0:
            return a, b
        if a.num_frames == 0 or b.num_frames == 0:
            self.note("transition skipped: one clip has no frames")
            return a, b
        h_a, h_b = split_span(spec.duration_frames, a.num_frames, b.num_frames)
        if h_a + h_b < spec.duration_frames:
            self.note(
                f"{spec.kind.value} clamped from {spec.duration_frames} to {h_a + h_b} frames "
                "(clips too short)"
            )
        outgoing = a.frames[-1]
        incoming = b.frames[0]
        fa = a.frames.copy()
        fb = b.frames.copy()
        n_a = a.num_frames
        for i in range(h_a):
            idx = n_a - h_a + i
            fa[idx] = self._frame(a.frames[idx], incoming, progress_a(i, h_a), spec)
        for j in range(h_b):
            fb[j] = self._frame(outgoing, b.frames[j], progress_b(j, h_b), spec)
        return (
            Clip(frames=fa, fps=a.fps, regions=a.regions, tracks=a.tracks),
            Clip(frames=fb, fps=b.fps, regions=b.regions, tracks=b.tracks),
        )

    def _frame(
        self, old: np.ndarray, new: np.ndarray, p: float, spec: TransitionSpec
    ) -> np.ndarray:
        """One rewritten frame. Weights are fixed-point (0..256) so blending stays in uint16:
        ``(x * (256 - w) + y * w + 128) >> 8`` is exact to within one grey level."""
        kind = spec.kind
        if kind == TransitionKind.DISSOLVE:
            return _mix(old, new, _weight(ease(spec.easing, p)))
        if kind == TransitionKind.FADE:
            color = np.asarray(spec.color, np.uint8)  # broadcast by _mix
            if p <= 0.5:
                return _mix(old, color, _weight(ease(spec.easing, 2.0 * p)))
            return _mix(color, new, _weight(ease(spec.easing, 2.0 * p - 1.0)))
        if kind in _WIPES:
            h, w = old.shape[:2]
            axis, cov = wipe_coverage(kind, ease(spec.easing, p), w, h)
            return _wipe(old, new, axis, np.rint(cov * 256.0).astype(np.uint16))
        raise TTVError(  # pragma: no cover - TransitionKind is closed; CUT handled earlier
            E_OPTION_RANGE, f"unsupported transition kind {kind!r}", module=PACKAGE
        )


def _wipe(old: np.ndarray, new: np.ndarray, axis: int, w16: np.ndarray) -> np.ndarray:
    """Copy ``old``, paste ``new`` where a column/row is fully covered, mix the edge line.

    The covered lines are one contiguous band, so plain slices do the copying."""
    out = old.copy()
    full = np.flatnonzero(w16 >= 256)
    edge = np.flatnonzero((w16 > 0) & (w16 < 256))
    if axis == 1:
        out, old, new = out.swapaxes(0, 1), old.swapaxes(0, 1), new.swapaxes(0, 1)
    if full.size:
        band = slice(int(full[0]), int(full[-1]) + 1)
        out[band] = new[band]
    for i in edge:
        out[i] = _mix(old[i], new[i], int(w16[i]))
    return out.swapaxes(0, 1) if axis == 1 else out


def _weight(e: float) -> int:
    return round(e * 256.0)


def _mix(x: np.ndarray, y: np.ndarray, w: int | np.ndarray) -> np.ndarray:
    """``x * (1 - w/256) + y * w/256`` rounded, for uint8/uint16 images and weights 0..256."""
    shape = np.broadcast_shapes(np.shape(x), np.shape(y), np.shape(w))
    x = np.broadcast_to(x, shape)
    if isinstance(w, int):
        if w <= 0:
            return x.astype(np.uint8)
        if w >= 256:
            return np.broadcast_to(y, shape).astype(np.uint8)
    acc = np.multiply(x, 256 - w, dtype=np.uint16)
    acc += np.multiply(y, w, dtype=np.uint16)
    acc += 128
    acc >>= 8
    return acc.astype(np.uint8)


__all__ = ["EASINGS", "ClassicTransitions", "progress_a", "progress_b", "split_span"]
