"""Region tracks (contracts 1.2): pure helpers that move per-frame regions with the frames.

A :class:`~ttv_contracts.v1.models.Clip` may carry ``tracks``: one tuple of regions per
frame (where each face is in that frame). Slots that make or move frames keep them in step
(the base classes check it). The streaming stages after the timeline, the interpolator and
the upscaler, see only numpy frames; the integration maps the timeline's track through them
with the same arithmetic they apply to frames:

- **time** (interpolator, ``fps_in -> fps_out``): :func:`resample_track`. Output frame
  ``k`` sits at source position ``k * fps_in / fps_out`` (the rule of
  :func:`~ttv_contracts.v1.timeline.resample_pairs`), so the track has exactly
  :func:`~ttv_contracts.v1.timeline.output_frame_count` entries, and a box between two
  source frames is interpolated between its two positions (or held, ``interpolate=False``,
  for sample-and-hold converters).
- **size** (upscaler, ``src -> dst``): :func:`fit_regions` for the aspect-kept, centred,
  letterboxed fit every workspace upscaler and the stub use (:func:`fit_box`);
  :func:`scale_regions` for any other affine map (a plain stretch is
  ``sx = dst_w / src_w``, ``sy = dst_h / src_h``).

Boxes are integer pixel rectangles (``x, y, w, h``; the box covers ``[x, x + w)``); every
mapping rounds **outward** (floor the near edge, ceil the far edge), so a face that was
inside its box is still inside after the map, and a box inside another stays inside it.
Boxes are clipped to the frame; one with nothing left inside is dropped for that frame.

Regions are matched across frames by ``(label, kind)`` and, for several unlabelled regions
of one kind, by their order within the frame.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from .models import Region
from .timeline import output_frame_count

Track = Sequence[tuple[Region, ...]]
Key = tuple[str, str, int]


def fit_box(src_w: int, src_h: int, dst_w: int, dst_h: int) -> tuple[int, int, int, int]:
    """Largest box of the source's aspect ratio inside dst: (x, y, w, h), centred."""
    scale = min(dst_w / src_w, dst_h / src_h)
    w = max(1, min(dst_w, round(src_w * scale)))
    h = max(1, min(dst_h, round(src_h * scale)))
    return (dst_w - w) // 2, (dst_h - h) // 2, w, h


def clip_box(
    x0: float, y0: float, x1: float, y1: float, width: int | None, height: int | None
) -> tuple[int, int, int, int] | None:
    """Edges ``[x0, x1) x [y0, y1)`` rounded outward to whole pixels and clipped to the frame
    (``None`` sides are not clipped on the far edge): ``(x, y, w, h)``, or ``None`` when
    nothing of the box is left."""
    xi0, yi0 = max(0, math.floor(x0 + 1e-9)), max(0, math.floor(y0 + 1e-9))
    xi1, yi1 = math.ceil(x1 - 1e-9), math.ceil(y1 - 1e-9)
    if width is not None:
        xi1 = min(width, xi1)
    if height is not None:
        yi1 = min(height, yi1)
    if xi1 - xi0 < 1 or yi1 - yi0 < 1:
        return None
    return xi0, yi0, xi1 - xi0, yi1 - yi0


def moved(
    r: Region,
    x0: float,
    y0: float,
    x1: float,
    y1: float,
    width: int | None = None,
    height: int | None = None,
) -> Region | None:
    """``r`` with new edges (rounded outward, clipped), or ``None`` if it left the frame."""
    box = clip_box(x0, y0, x1, y1, width, height)
    if box is None:
        return None
    return r.model_copy(update=dict(zip("xywh", box, strict=True)))


def keyed(regions: Iterable[Region]) -> dict[Key, Region]:
    """Regions by ``(label, kind, n)``: ``n`` counts earlier regions with the same label and
    kind in the same tuple (always 0 for labelled regions of a valid clip)."""
    out: dict[Key, Region] = {}
    counts: dict[tuple[str, str], int] = {}
    for r in regions:
        k = (r.label, r.kind)
        n = counts.get(k, 0)
        counts[k] = n + 1
        out[(r.label, r.kind, n)] = r
    return out


def scale_regions(
    regions: Iterable[Region],
    sx: float,
    sy: float,
    dx: float = 0.0,
    dy: float = 0.0,
    width: int | None = None,
    height: int | None = None,
) -> tuple[Region, ...]:
    """Map each box by ``x -> x * sx + dx``, ``y -> y * sy + dy`` (pixel edges), round
    outward, clip to ``width`` x ``height`` when given; boxes left with nothing are dropped."""
    if not (sx > 0 and sy > 0):
        raise ValueError(f"scale factors must be > 0, got {sx}, {sy}")
    out = []
    for r in regions:
        m = moved(
            r,
            r.x * sx + dx,
            r.y * sy + dy,
            (r.x + r.w) * sx + dx,
            (r.y + r.h) * sy + dy,
            width,
            height,
        )
        if m is not None:
            out.append(m)
    return tuple(out)


def fit_regions(
    regions: Iterable[Region], src: tuple[int, int], dst: tuple[int, int]
) -> tuple[Region, ...]:
    """Regions of a ``src`` (width, height) frame in the ``dst`` frame an aspect-kept,
    centred, letterboxed upscaler makes of it (:func:`fit_box`, the upscalers' geometry)."""
    (sw, sh), (dw, dh) = src, dst
    x, y, w, h = fit_box(sw, sh, dw, dh)
    return scale_regions(regions, w / sw, h / sh, x, y, dw, dh)


def scale_track(
    track: Track, sx: float, sy: float, dx: float = 0.0, dy: float = 0.0, width=None, height=None
) -> list[tuple[Region, ...]]:
    """:func:`scale_regions` for every frame of a track."""
    return [scale_regions(f, sx, sy, dx, dy, width, height) for f in track]


def fit_track(track: Track, src: tuple[int, int], dst: tuple[int, int]) -> list[tuple[Region, ...]]:
    """:func:`fit_regions` for every frame of a track."""
    return [fit_regions(f, src, dst) for f in track]


def lerp_regions(a: Iterable[Region], b: Iterable[Region], t: float) -> tuple[Region, ...]:
    """The boxes of ``a`` moved a fraction ``t`` toward the same regions in ``b`` (matched by
    label, kind and order); a region missing from ``b`` is held where it is in ``a``. Boxes
    inside the frame stay inside it."""
    kb = keyed(b)
    out = []
    for key, ra in keyed(a).items():
        rb = kb.get(key)
        if rb is None or t <= 0:
            out.append(ra)
            continue

        def mix(p: float, q: float) -> float:
            return p + (q - p) * t

        m = moved(
            ra,
            mix(ra.x, rb.x),
            mix(ra.y, rb.y),
            mix(ra.x + ra.w, rb.x + rb.w),
            mix(ra.y + ra.h, rb.y + rb.h),
        )
        out.append(m if m is not None else ra)
    return tuple(out)


def sample_track(
    track: Track, positions: Iterable[float], *, interpolate: bool = True
) -> list[tuple[Region, ...]]:
    """The track at fractional source ``positions`` (in frames, clamped to the track)."""
    n = len(track)
    if n == 0:
        return []
    out = []
    for pos in positions:
        pos = min(max(float(pos), 0.0), n - 1.0)
        i = min(math.floor(pos + 1e-9), n - 1)
        t = pos - i
        if not interpolate or t < 1e-9 or i == n - 1:
            out.append(tuple(track[i]))
        else:
            out.append(lerp_regions(track[i], track[i + 1], t))
    return out


def resample_track(
    track: Track, fps_in: int, fps_out: int, *, interpolate: bool = True
) -> list[tuple[Region, ...]]:
    """The track of a frame stream converted from ``fps_in`` to ``fps_out``: exactly
    ``output_frame_count(len(track), fps_in, fps_out)`` entries, entry ``k`` taken at source
    position ``k * fps_in / fps_out`` (between two source frames, interpolated; past the last
    one, held), the same rule every frame-rate converter follows."""
    n = len(track)
    count = output_frame_count(n, fps_in, fps_out)
    out = []
    for k in range(count):
        base, rem = divmod(k * fps_in, fps_out)
        if rem and interpolate and base + 1 < n:
            out.append(lerp_regions(track[base], track[base + 1], rem / fps_out))
        else:
            out.append(tuple(track[base]))
    return out


def union_regions(
    track: Track,
    regions: Iterable[Region] = (),
    width: int | None = None,
    height: int | None = None,
) -> tuple[Region, ...]:
    """One region per tracked region: the union of its boxes over the whole track (and of
    ``regions`` with the same key, e.g. the input's regions), clipped to ``width`` x
    ``height`` when given. This is what ``Clip.regions`` holds next to a track; order
    follows first appearance."""
    boxes: dict[Key, list[float]] = {}
    first: dict[Key, Region] = {}
    for frame in (tuple(regions), *track):
        for key, r in keyed(frame).items():
            if key not in boxes:
                boxes[key] = [r.x, r.y, r.x + r.w, r.y + r.h]
                first[key] = r
            else:
                b = boxes[key]
                b[0], b[1] = min(b[0], r.x), min(b[1], r.y)
                b[2], b[3] = max(b[2], r.x + r.w), max(b[3], r.y + r.h)
    out = []
    for key, (x0, y0, x1, y1) in boxes.items():
        m = moved(first[key], x0, y0, x1, y1, width, height)
        if m is not None:
            out.append(m)
    return tuple(out)


def timeline_track(clips: Iterable[object]) -> list[tuple[Region, ...]]:
    """The per-frame regions of clips played one after another (a shot's static regions
    repeated for each of its frames): the track of the assembled timeline."""
    out: list[tuple[Region, ...]] = []
    for clip in clips:
        out.extend(clip.frame_regions())  # type: ignore[attr-defined]
    return out


__all__ = [
    "clip_box",
    "fit_box",
    "fit_regions",
    "fit_track",
    "keyed",
    "lerp_regions",
    "moved",
    "resample_track",
    "sample_track",
    "scale_regions",
    "scale_track",
    "timeline_track",
    "union_regions",
]
