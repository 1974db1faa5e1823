"""Exact-length clips without looping: optical-flow slow motion, then a held frame with a slow
camera move; shortening trims.

For a clip of ``n`` frames and a target of ``N`` frames:

* ``N <= n``: the first ``N`` frames (a clean trim; the start is never dropped).
* ``N > n``, ``n >= 2``: **slow motion**. The slow-down factor is
  ``s = min(max_slowdown, (N - 1) / (n - 1))`` (applied once, never squared) and the slow
  part has ``M = 1 + round((n - 1) * s)`` frames. Output frame ``k < M`` shows source time
  ``k * (n - 1) / (M - 1)``: frame 0 is the first input, frame ``M - 1`` is **exactly** the last
  input, and positions only ever move forward, so footage is never repeated or looped. Frames
  between two inputs are synthesised by motion-compensated interpolation (bidirectional DIS
  optical flow, occlusion-aware; see :mod:`ttv_flow`, shared with ttv-interpolator), not
  duplicated; each input pair's flow is computed once. Pairs with no measurable motion are cross-faded (identical
  result, no flow cost).
* the remaining ``N - M`` frames (when the slow-down limit is reached, or ``n == 1``) **hold
  the last frame with a slow zoom in** (``cv2.warpAffine``), so the picture keeps breathing
  instead of freezing. The zoom starts at ``hold_zoom_per_s`` (relative scale per second) and
  eases out toward ``1 + max_hold_zoom``; it is centred on the regions of the clip's last
  frame (e.g. a face) when there are any, else on the frame centre.

Region tracks (contracts 1.2) go with the frames: a trim keeps the first ``N`` entries; a
slow-motion frame at source time ``p`` between inputs ``i`` and ``i + 1`` gets each box
interpolated the same fraction between its boxes in those two frames (a box missing from
frame ``i + 1`` is held); hold frames get the last frame's boxes with the same zoom as the
picture, rounded outward and clipped to the frame (dropped if the zoom pushes one out).
A clip without tracks keeps none unless a hold moves its regions, which then become a track.
``Clip.regions`` becomes the union of the track (and of the input's regions).
"""

from __future__ import annotations

import math
from typing import Any, ClassVar, Literal

import cv2
import numpy as np
from pydantic import Field, StrictFloat
from ttv_contracts.v1 import Clip, ClipExtender, ImplementationOptions, ModuleInfo, Needs, Region
from ttv_contracts.v1.tracks import moved, sample_track, scale_regions, union_regions
from ttv_flow import BidirectionalFlow, PairFlow, cross_fade

from . import __version__
from .errors import E_OPTION_RANGE

PACKAGE = "ttv-extender"

#: Mean flow below this many pixels per input frame counts as "no motion" (cross-fade).
STILL_PX = 0.05


def slow_motion_length(n_in: int, n_out: int, max_slowdown: float) -> int:
    """Frames of slow motion ``M`` (the rest is a hold). ``n_in <= M <= n_out``."""
    if n_in < 2 or n_out <= n_in:
        return min(n_in, n_out)
    s = min(max_slowdown, (n_out - 1) / (n_in - 1))
    return max(n_in, min(n_out, 1 + round((n_in - 1) * s)))


def source_positions(n_in: int, m: int) -> list[float]:
    """Source time of each of ``m`` slow-motion frames: evenly spaced, first to last input."""
    if m == 1:
        return [0.0]
    return [k * (n_in - 1) / (m - 1) for k in range(m)]


def hold_zoom(j: int, fps: int, rate_per_s: float, max_zoom: float) -> float:
    """Scale of hold frame ``j`` (1-based): starts at slope ``rate_per_s``, eases to
    ``1 + max_zoom`` and never stops growing (so no two hold frames are identical)."""
    if rate_per_s <= 0 or max_zoom <= 0:
        return 1.0
    t = j / fps
    return 1.0 + max_zoom * (1.0 - math.exp(-rate_per_s * t / max_zoom))


def zoom_regions(
    regions: tuple[Region, ...], s: float, cx: float, cy: float, width: int, height: int
) -> tuple[Region, ...]:
    """``regions`` under the hold's zoom by ``s`` about pixel centre ``(cx, cy)`` (the map
    ``p -> c + s (p - c)`` on pixel centres), rounded outward and clipped to the frame; a box
    pushed wholly out is dropped."""
    out = []
    for r in regions:

        def edge(e: float, c: float) -> float:
            return c + s * (e - 0.5 - c) + 0.5

        z = moved(
            r,
            edge(r.x, cx),
            edge(r.y, cy),
            edge(r.x + r.w, cx),
            edge(r.y + r.h, cy),
            width,
            height,
        )
        if z is not None:
            out.append(z)
    return tuple(out)


class SlowMotionExtender(ClipExtender):
    """Clip + target frame count -> exactly that many frames, never looping.

    Options (all optional):

    * ``max_slowdown`` (1..8, default 2.0): the most a clip is slowed; 1 disables slow motion.
    * ``hold_zoom_per_s`` (0..0.5, default 0.03): initial zoom speed of the hold, relative
      scale per second (0 gives a plain freeze).
    * ``max_hold_zoom`` (0..0.5, default 0.12): the zoom eases toward ``1 + max_hold_zoom``.
    * ``preset`` (``"ultrafast" | "fast" | "medium"``, default ``"medium"``): DIS preset.
    """

    info: ClassVar[ModuleInfo] = ModuleInfo(
        slot="extender",
        name="slowmo",
        version=__version__,
        package=PACKAGE,
        needs=Needs(),
        consumes="Clip + target frame count",
        produces="Clip of exactly that many frames",
        summary="Optical-flow slow motion up to a limit, then a slow zoom on the last frame; "
        "trims when shorter; never loops.",
    )

    class Options(ImplementationOptions):
        max_slowdown: StrictFloat = Field(
            2.0, ge=1.0, le=8.0, description="The most a clip is slowed; 1 disables slow motion."
        )
        hold_zoom_per_s: StrictFloat = Field(
            0.03,
            ge=0.0,
            le=0.5,
            description="Initial zoom speed of the hold, relative scale per second (0 gives a "
            "plain freeze).",
        )
        max_hold_zoom: StrictFloat = Field(
            0.12, ge=0.0, le=0.5, description="The hold's zoom eases toward 1 + max_hold_zoom."
        )
        preset: Literal["ultrafast", "fast", "medium"] = Field(
            "medium", description="DIS optical-flow preset of the slow motion."
        )

    option_error = E_OPTION_RANGE.code

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        opts = self.opts
        self.max_slowdown: float = opts.max_slowdown
        self.hold_zoom_per_s: float = opts.hold_zoom_per_s
        self.max_hold_zoom: float = opts.max_hold_zoom
        self._flow = BidirectionalFlow(preset=opts.preset)

    # ------------------------------------------------------------------ extend

    def _extend(self, clip: Clip, num_frames: int) -> Clip:
        n = clip.num_frames
        if num_frames <= n:
            if num_frames < n:
                self.note(f"trimmed {n - num_frames} frame(s) from the end")
            return Clip(
                frames=clip.frames[:num_frames].copy(),
                fps=clip.fps,
                regions=clip.regions,
                tracks=clip.tracks[:num_frames],
            )
        m = slow_motion_length(n, num_frames, self.max_slowdown)
        out = np.empty((num_frames, *clip.frames.shape[1:]), np.uint8)
        out[:m] = self._slow_motion(clip.frames, m)
        track = sample_track(clip.frame_regions(), source_positions(n, m))
        if m < num_frames:
            track += self._hold(clip, out[m - 1], out[m:])
        if m > n:
            self.note(f"slowed {n} -> {m} frames (x{(m - 1) / max(1, n - 1):.2f})")
        if m < num_frames:
            self.note(f"held the last frame for {num_frames - m} frame(s) with a slow zoom")
        if not clip.tracks and all(boxes == clip.regions for boxes in track):
            return Clip(frames=out, fps=clip.fps, regions=clip.regions)  # still static
        w, h = clip.size
        if not clip.tracks:  # static regions may run past the frame; a track's may not
            track = [scale_regions(boxes, 1.0, 1.0, width=w, height=h) for boxes in track]
        regions = union_regions(track, clip.regions, w, h)
        return Clip(frames=out, fps=clip.fps, regions=regions, tracks=tuple(track))

    def _slow_motion(self, frames: np.ndarray, m: int) -> np.ndarray:
        n = frames.shape[0]
        if m == n:
            return frames.copy()
        out = np.empty((m, *frames.shape[1:]), np.uint8)
        cached: tuple[int, PairFlow | None] | None = None
        for k, pos in enumerate(source_positions(n, m)):
            i = min(math.floor(pos + 1e-9), n - 1)
            t = pos - i
            if t < 1e-6 or i == n - 1:
                out[k] = frames[i]
                continue
            if cached is None or cached[0] != i:
                cached = (i, self._pair(frames[i], frames[i + 1]))
            pf = cached[1]
            if pf is None:
                out[k] = cross_fade(frames[i], frames[i + 1], t)
            else:
                out[k] = self._flow.synthesize(frames[i], frames[i + 1], t, pf)
        return out

    def _pair(self, a: np.ndarray, b: np.ndarray) -> PairFlow | None:
        """Flow for a pair, or ``None`` when nothing moves (a cross-fade is then exact)."""
        if np.array_equal(a, b):
            return None
        pf = self._flow.pair(a, b)
        motion = float(np.abs(pf.f01).mean())
        return None if motion < STILL_PX else pf

    def _hold(self, clip: Clip, last: np.ndarray, dest: np.ndarray) -> list[tuple[Region, ...]]:
        """Fill ``dest`` with the zoomed hold of ``last``; return each hold frame's regions
        (the last frame's boxes under the same zoom)."""
        h, w = last.shape[:2]
        boxes = clip.regions_at(-1)
        cx, cy = self._zoom_centre(boxes, w, h)
        track = []
        for j in range(dest.shape[0]):
            s = hold_zoom(j + 1, clip.fps, self.hold_zoom_per_s, self.max_hold_zoom)
            m = np.float32([[s, 0.0, (1.0 - s) * cx], [0.0, s, (1.0 - s) * cy]])
            dest[j] = cv2.warpAffine(
                last, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT101
            )
            track.append(zoom_regions(boxes, s, cx, cy, w, h))
        return track

    @staticmethod
    def _zoom_centre(regions: tuple[Region, ...], w: int, h: int) -> tuple[float, float]:
        """Centre of the regions (faces first), else the frame centre, in pixel
        coordinates (pixel centres at integer positions)."""
        regions = [r for r in regions if r.kind == "face"] or list(regions)
        if not regions:
            return (w - 1) / 2.0, (h - 1) / 2.0
        x0 = min(r.x for r in regions)
        y0 = min(r.y for r in regions)
        x1 = max(r.x + r.w for r in regions)
        y1 = max(r.y + r.h for r in regions)
        cx = min(max((x0 + x1 - 1) / 2.0, 0.0), w - 1.0)
        cy = min(max((y0 + y1 - 1) / 2.0, 0.0), h - 1.0)
        return cx, cy
