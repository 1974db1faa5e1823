"""Bidirectional DIS optical flow and occlusion-aware warping toward an intermediate time.

For a pair of frames ``a`` (time 0) and ``b`` (time 1):

1. Dense flow both ways with OpenCV's DIS (``F01``: a -> b, ``F10``: b -> a), computed on the
   grey image scaled by ``flow_scale`` (by default to half the long side, within 320..640 px;
   tiny frames are padded up to ``MIN_FLOW_SIDE``). The ``fast`` preset runs DIS's patch search
   down to half that size (finest scale 1) with 12 descent iterations and no variational
   refinement (the step below does better at motion boundaries, for less time).
   The flows are then kept at half the estimation size (the *work size*): DIS's output is no
   finer than its finest scale, and everything per output frame runs on a quarter of the
   pixels.
2. Photometric refinement at the work size (``_refine``): DIS gives a moving object's motion
   to a patch-wide band of the background around it (and the other way round), which warps
   background texture with the object and shows as a halo at every moving edge. Each pixel
   tries its neighbours' flows 4, 2 and 1 work pixels away along both axes and keeps the one
   under which ``a`` and ``b`` match best over a 5x5 window; a 5x5 median drops isolated
   picks. On the bench's moving-objects clip this is worth about +1 dB.
3. A forward-backward consistency mask per frame: a pixel of ``a`` whose forward flow is not
   undone by the backward flow at its destination (``|F01(x) + F10(x + F01(x))|`` large
   relative to the motion) is probably occluded in ``b``; likewise for ``b``. The test is the
   soft form of Sundaram, Brox and Keutzer (ECCV 2010): ``alpha * (|F01|^2 + |F10'|^2) + beta``.
   When less than ``MIN_CONSISTENT`` of the pixels pass (a cut between shots, a flash), the
   flow explains nothing: that pair's outputs repeat the nearer frame, so a hard cut stays a
   cut (a blend would show both shots' figures as ghosts in one frame).
4. For time ``t``, the flow from the intermediate frame back to each end is the *inverse* of
   the pair flow taken a fraction of the way: the source ``p`` of output pixel ``x`` solves
   ``p + t F01(p) = x``, the fixed point of ``d = -t F01(x + d)`` with ``d = p - x``. A few
   ``cv2.remap`` iterations find it, started from the linear-motion estimate of Jiang et al.
   (Super SloMo, CVPR 2018) ``F_t0 = -(1-t) t F01 + t^2 F10`` (and likewise for ``b``). Unlike
   that estimate alone, the inverse keeps motion boundaries where they are at time ``t``
   (the estimate smears a band of ``t |F|`` at each edge of a moving object).
5. Where the iteration does not settle, no pixel of that frame moves to ``x``: the content
   is hidden in that frame (uncovered later, or outside it). Where it settles on a pixel the
   consistency mask marks occluded (background about to be covered), that frame shows
   something else than time ``t`` does. The two warped frames are blended with weights
   ``(1-t) V0`` and ``t V1``, ``V`` being "settled" times the consistency of the pixel
   landed on (0 outside the frame): uncovered background comes from the frame that shows
   it, a moving object's leading edge from the frame it has reached; where both sides are
   sure the weights are the plain ``(1-t, t)``, where neither is they fall back to it.
6. Fallback blend (``fallback``, ``_fall_back``): both grey frames are also warped to ``t`` at
   the work size; where the two warps disagree by more than the two frames themselves do,
   the flow there is noise (a dissolve, flat wall beside a moving head) and both flows
   shrink toward zero and the weights toward ``(1-t, t)``: the plain cross-fade at that
   pixel, instead of still edges dragged into ghosts. Before that, the same happens where
   neither frame is sure of its flow and the two frames already agree there
   (``_still_where_unsure``): flat wall in a dissolve, where a ghost too thin for the work
   size's warps to disagree on would still be dragged in.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

PRESETS: dict[str, int] = {
    "ultrafast": cv2.DISOPTICAL_FLOW_PRESET_ULTRAFAST,
    "fast": cv2.DISOPTICAL_FLOW_PRESET_FAST,
    "medium": cv2.DISOPTICAL_FLOW_PRESET_MEDIUM,
}
#: DIS settings on top of the OpenCV preset: (finest scale, descent iterations,
#: variational refinement iterations, patch size, patch stride). ``fast`` searches one scale
#: finer than OpenCV's FAST with fewer descent iterations and no variational refinement: the
#: photometric refinement in ``pair`` places motion boundaries better, and the two together
#: cost about what the old variational pass did (bench/interpolation.py).
TUNING: dict[str, tuple[int, int, int, int, int]] = {"fast": (1, 12, 0, 8, 4)}

#: DIS refuses images smaller than its patch pyramid; smaller frames are edge-padded to this.
MIN_FLOW_SIDE = 32
#: With ``flow_scale=None`` flow is estimated at half the frame's long side, but never above
#: AUTO_FLOW_SIDE nor below AUTO_MIN_FLOW_SIDE (smaller frames at full size): the same
#: relative flow resolution for the 640x360 timeline as for 1280x720 video.
AUTO_FLOW_SIDE = 640
AUTO_MIN_FLOW_SIDE = 320

#: A pair whose flows agree both ways on less than this share of pixels is not warped.
MIN_CONSISTENT = 0.3

_ALPHA = 0.01
_BETA = 0.5
_EPS = 1e-3
_BORDER = cv2.BORDER_REPLICATE
#: Fixed-point iterations inverting the flow to an intermediate time (``_flow_to_t``).
_FIXED_POINT_ITERATIONS = 3
#: Squared residual (work pixels) at which a fixed point counts as half settled.
_SETTLED_PX2 = 1.0
#: Consistency below ``1 / _OCCLUDED_GAIN`` lowers visibility; above it counts fully (DIS is
#: noisy on fine texture, and a soft weight there costs more than it saves).
_OCCLUDED_GAIN = 5.0
#: Flows are kept at this fraction of the estimation size (never below MIN_FLOW_SIDE / 2).
WORK_SCALE = 0.5
#: Photometric refinement at the work size (``_refine``): each pixel tries its neighbours'
#: flows at these distances (work pixels, coarse to fine) and keeps the one under which the
#: grey levels of the two frames match best over a ``_REFINE_WINDOW`` square.
_REFINE_RADII = (4, 2, 1)
_REFINE_WINDOW = 5


@dataclass(frozen=True)
class PairFlow:
    """Everything computed once per (a, b) pair and reused for every t between them.

    Arrays are at the work size (``f01.shape[:2]``: half the estimation size, see the module
    doc); flows are in pixels of that size. Synthesis composes the flows to time ``t`` at
    this size and resizes only the two resulting maps and one weight map.
    """

    f01: np.ndarray  # (h, w, 2) float32
    f10: np.ndarray
    vis0: np.ndarray  # (h, w) float32 in (0, 1]: pixel of a also visible in b
    vis1: np.ndarray
    #: False when the flow explains too little of the pair (a cut between shots, a flash):
    #: synthesis then repeats the nearer frame instead of warping.
    reliable: bool = True
    #: The pair's grey frames at the work size (uint8), for the photometric check in
    #: ``synthesize``; None leaves it out.
    grey_a: np.ndarray | None = None
    grey_b: np.ndarray | None = None


class BidirectionalFlow:
    """DIS flow both ways plus consistency masks, and warping to an intermediate time."""

    def __init__(
        self,
        preset: str = "fast",
        flow_scale: float | None = None,
        occlusion: bool = True,
        fallback: bool = True,
    ):
        self.preset = preset
        self.fallback = bool(fallback)
        self.flow_scale = None if flow_scale is None else float(flow_scale)
        self.occlusion = bool(occlusion)
        self.work_scale = WORK_SCALE
        self._dis: cv2.DISOpticalFlow | None = None
        self.last_consistent = 1.0  # share of consistent pixels in the last pair (diagnostic)
        self._grids: dict[tuple[int, int], np.ndarray] = {}

    # ------------------------------------------------------------------ flow

    def _engine(self) -> cv2.DISOpticalFlow:
        if self._dis is None:
            dis = cv2.DISOpticalFlow_create(PRESETS[self.preset])
            if self.preset in TUNING:
                finest, descent, refine, patch, stride = TUNING[self.preset]
                dis.setFinestScale(finest)
                dis.setGradientDescentIterations(descent)
                dis.setVariationalRefinementIterations(refine)
                dis.setPatchSize(patch)
                dis.setPatchStride(stride)
            self._dis = dis
        return self._dis

    def _flow_size(self, w: int, h: int) -> tuple[int, int]:
        s = self.flow_scale
        if s is None:  # auto: half the long side, within AUTO_MIN_FLOW_SIDE..AUTO_FLOW_SIDE
            long = max(w, h)
            s = min(1.0, min(AUTO_FLOW_SIDE, max(AUTO_MIN_FLOW_SIDE, long / 2)) / long)
        if min(w, h) * s < MIN_FLOW_SIDE:
            s = min(1.0, MIN_FLOW_SIDE / min(w, h))
        return max(1, round(w * s)), max(1, round(h * s))

    def flow_small(self, a_grey: np.ndarray, b_grey: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Dense flow both ways at the estimation size, (h, w, 2) float32 in *small* pixels."""
        h, w = a_grey.shape
        fw, fh = self._flow_size(w, h)
        if (fw, fh) != (w, h):
            a_s = cv2.resize(a_grey, (fw, fh), interpolation=cv2.INTER_AREA)
            b_s = cv2.resize(b_grey, (fw, fh), interpolation=cv2.INTER_AREA)
        else:
            a_s, b_s = a_grey, b_grey
        pad_y, pad_x = max(0, MIN_FLOW_SIDE - fh), max(0, MIN_FLOW_SIDE - fw)
        if pad_x or pad_y:
            a_s = cv2.copyMakeBorder(a_s, 0, pad_y, 0, pad_x, cv2.BORDER_REPLICATE)
            b_s = cv2.copyMakeBorder(b_s, 0, pad_y, 0, pad_x, cv2.BORDER_REPLICATE)
        dis = self._engine()
        f01 = np.ascontiguousarray(dis.calc(a_s, b_s, None)[:fh, :fw])
        f10 = np.ascontiguousarray(dis.calc(b_s, a_s, None)[:fh, :fw])
        return f01, f10

    def pair(self, a: np.ndarray, b: np.ndarray) -> PairFlow:
        """Flows both ways and consistency masks for a pair, at the work size (half the
        estimation size with automatic ``flow_scale``, the estimation size otherwise)."""
        ga = cv2.cvtColor(a, cv2.COLOR_RGB2GRAY)
        gb = cv2.cvtColor(b, cv2.COLOR_RGB2GRAY)
        f01, f10 = self.flow_small(ga, gb)
        h, w = f01.shape[:2]
        ws = self.work_scale if self.flow_scale is None else 1.0  # explicit scale: kept as is
        if ws < 1.0 and min(w, h) * ws >= MIN_FLOW_SIDE // 2:
            # DIS's output is no finer than its finest scale: keep it at the work size
            sw, sh = round(w * ws), round(h * ws)
            f01 = cv2.multiply(
                cv2.resize(f01, (sw, sh), interpolation=cv2.INTER_AREA), (sw / w, sh / h, 0, 0)
            )
            f10 = cv2.multiply(
                cv2.resize(f10, (sw, sh), interpolation=cv2.INTER_AREA), (sw / w, sh / h, 0, 0)
            )
            h, w = sh, sw
        # DIS smears each moving object's motion over a patch-wide band of the background
        # around it; picking, per pixel, the neighbouring flow that matches best moves the
        # motion boundary back onto the object's edge. A 5x5 median then drops the isolated
        # picks that matched by chance.
        ga_w = cv2.resize(ga, (w, h), interpolation=cv2.INTER_AREA)
        gb_w = cv2.resize(gb, (w, h), interpolation=cv2.INTER_AREA)
        f01 = _median(self._refine(f01, ga_w, gb_w))
        f10 = _median(self._refine(f10, gb_w, ga_w))
        vis0 = self._consistency(f01, f10)
        vis1 = self._consistency(f10, f01)
        consistent = 0.5 * (float(np.mean(vis0 > 0.5)) + float(np.mean(vis1 > 0.5)))
        self.last_consistent = consistent
        reliable = consistent >= MIN_CONSISTENT
        if not self.occlusion:
            vis0 = vis1 = np.ones(f01.shape[:2], np.float32)
        return PairFlow(f01, f10, vis0, vis1, reliable, ga_w, gb_w)

    @staticmethod
    def _upsample_flow(f: np.ndarray, w: int, h: int) -> np.ndarray:
        fh, fw = f.shape[:2]
        small = cv2.multiply(f, (w / fw, h / fh, 0.0, 0.0))  # scale the few pixels first
        return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)

    def flow(self, a_grey: np.ndarray, b_grey: np.ndarray) -> np.ndarray:
        """Dense flow a -> b at full resolution, (H, W, 2) float32 in pixels."""
        h, w = a_grey.shape
        f01, _ = self.flow_small(a_grey, b_grey)
        if f01.shape[:2] == (h, w):
            return f01
        return self._upsample_flow(f01, w, h)

    def _refine(self, f: np.ndarray, ga: np.ndarray, gb: np.ndarray) -> np.ndarray:
        """``f`` (a -> b, at the size of the grey uint8 frames ``ga``, ``gb``), with each
        pixel's flow replaced by a neighbour's where that one matches better.

        For each distance in ``_REFINE_RADII`` (coarse to fine) and each of the four axis
        directions, every pixel tries the flow of the pixel that far away; the cost of a flow
        is the sum of absolute grey-level differences between ``a`` and ``b`` warped by it
        over a ``_REFINE_WINDOW`` square. A pixel keeps the cheapest flow seen so far (updated
        in place, so a better flow can travel several steps within one pass). Where the flow
        is right already nothing changes; at a motion boundary the background band that DIS
        gave the object's motion takes the background's motion back from its neighbours.
        """
        h, w = f.shape[:2]
        grid = self._mesh(w, h)
        win = (_REFINE_WINDOW, _REFINE_WINDOW)

        def cost(fc: np.ndarray) -> np.ndarray:
            warped = cv2.remap(gb, cv2.add(grid, fc), None, cv2.INTER_LINEAR, borderMode=_BORDER)
            return cv2.boxFilter(cv2.absdiff(ga, warped), cv2.CV_16U, win, normalize=False)

        best = f.copy()
        best_cost = cost(best)
        cand = np.empty_like(best)
        for r in _REFINE_RADII:
            for dx, dy in ((r, 0), (-r, 0), (0, r), (0, -r)):
                _neighbour(best, dx, dy, cand)
                c = cost(cand)
                better = cv2.compare(c, best_cost, cv2.CMP_LT)
                cv2.copyTo(cand, better, best)
                cv2.copyTo(c, better, best_cost)
        return best

    def _consistency(self, fwd: np.ndarray, bwd: np.ndarray) -> np.ndarray:
        grid = self._mesh(fwd.shape[1], fwd.shape[0])
        back = cv2.remap(
            bwd, cv2.add(grid, fwd), None, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
        )
        err2 = cv2.magnitude(*cv2.split(cv2.add(fwd, back))) ** 2
        mag2 = cv2.magnitude(*cv2.split(fwd)) ** 2 + cv2.magnitude(*cv2.split(back)) ** 2
        return 1.0 / (1.0 + err2 / (_ALPHA * mag2 + _BETA))

    def _mesh(self, w: int, h: int) -> np.ndarray:
        """Pixel coordinates as a (h, w, 2) float32 map (x, y)."""
        grid = self._grids.get((w, h))
        if grid is None:
            gx, gy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
            grid = self._grids[(w, h)] = np.dstack([gx, gy])
        return grid

    # ------------------------------------------------------------------ synthesis

    def _flow_to_t(
        self, f: np.ndarray, vis: np.ndarray, s: float, approx: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Flow from time ``s`` back to the source frame, and whether the source shows it.

        The source pixel ``p`` of an output pixel ``x`` solves ``p + s f(p) = x``; the
        displacement ``d = p - x`` is the fixed point of ``d = -s f(x + d)``, found by a few
        iterations (each one ``cv2.remap`` of the flow at the work size) started from
        ``approx``, the linear-motion estimate. Where motion is smooth this converges at once;
        at a moving edge it lands on one side's own motion instead of a mix of both. Where it
        does not settle (no source pixel moves to ``x``: the content is uncovered later) or
        lands outside the frame, the source frame does not show ``x``: visibility ~0. Where
        it lands on a pixel the consistency mask ``vis`` marks as occluded in the other frame
        (background about to be covered by a moving object: a valid fixed point, but not
        what time ``s`` shows), visibility drops with that mask and the other frame decides.
        """
        h, w = f.shape[:2]
        grid = self._mesh(w, h)
        d = approx
        for _ in range(_FIXED_POINT_ITERATIONS):
            d = cv2.multiply(
                cv2.remap(f, cv2.add(grid, d), None, cv2.INTER_LINEAR, borderMode=_BORDER), -s
            )
        pos = cv2.add(grid, d)
        nxt = cv2.multiply(cv2.remap(f, pos, None, cv2.INTER_LINEAR, borderMode=_BORDER), -s)
        r2 = cv2.magnitude(*cv2.split(cv2.subtract(nxt, d))) ** 2
        settled = cv2.divide(1.0, cv2.add(cv2.multiply(r2, 1.0 / _SETTLED_PX2), 1.0))
        # consistency of the pixel landed on; 0 outside the frame (BORDER_CONSTANT)
        seen = cv2.remap(vis, pos, None, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
        seen = cv2.min(cv2.multiply(seen, _OCCLUDED_GAIN), 1.0)
        return nxt, cv2.multiply(settled, seen)

    def _still_where_unsure(
        self,
        ft0: np.ndarray,
        ft1: np.ndarray,
        k: np.ndarray,
        v0: np.ndarray,
        v1: np.ndarray,
        t: float,
        pf: PairFlow,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Where neither frame is sure of its flow and the two frames already agree, the
        plain blend of the two frames.

        Neither side sure (both visibilities low: the flows disagree both ways) happens at
        a moving object's occlusion edge, where ``a`` and ``b`` differ there, and on flat
        wall in a dissolve, where DIS's flow is noise and ``a`` and ``b`` differ by a few
        grey levels only. There a flow still pulls whatever it points at onto the wall: in
        the kettle race's dissolve to the classroom a 12-28 px flow dragged the window
        frame and the sky a few pixels onto the wall as a pale outline, too thin at the
        work size for :meth:`_fall_back` to see. Where both visibilities are under
        ``_UNSURE_HI`` (fully under ``_UNSURE_LO``) and the frames' 5x5 mean grey
        difference is under ``_AGREE_HI`` (fully under ``_AGREE_LO``), both flows shrink
        toward zero and the weights toward ``(1 - t, t)``; a moving object keeps its warp."""
        unsure = _ramp_down(cv2.max(v0, v1), _UNSURE_LO, _UNSURE_HI)
        if not cv2.countNonZero(cv2.compare(unsure, 0.0, cv2.CMP_GT)):
            return ft0, ft1, k
        diff = cv2.blur(cv2.absdiff(pf.grey_a, pf.grey_b).astype(np.float32), (5, 5))
        agree = _ramp_down(diff, _AGREE_LO, _AGREE_HI)
        return _toward_blend(ft0, ft1, k, cv2.multiply(unsure, agree), t)

    def _fall_back(
        self,
        ft0: np.ndarray,
        ft1: np.ndarray,
        k: np.ndarray,
        t: float,
        ga: np.ndarray,
        gb: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Where the flow is unreliable, a plain blend of the two frames.

        At the work size, both grey frames are warped to time ``t`` as the output will be;
        where the two warped frames disagree by more than the two frames themselves do
        (``|wa - wb| - |a - b|``, from ``_FALLBACK_LO`` grey levels, fully at
        ``_FALLBACK_HI``), the flow put different things on that spot from either side: in
        a dissolve, or on flat wall beside a moving head, DIS's flow there is noise, and
        following it drags the still edges next to it into ghosts. There both flows shrink
        toward zero and the weights toward the plain ``(1 - t, t)``, i.e. toward the
        cross-fade of ``a`` and ``b`` at that pixel. A moving object keeps its warp: where
        it passes both warps show it, and where it is in one frame only ``|a - b|`` is large
        too."""
        grid = self._mesh(ga.shape[1], ga.shape[0])
        wa = cv2.remap(ga, cv2.add(grid, ft0), None, cv2.INTER_LINEAR, borderMode=_BORDER)
        wb = cv2.remap(gb, cv2.add(grid, ft1), None, cv2.INTER_LINEAR, borderMode=_BORDER)
        excess = cv2.subtract(cv2.subtract(cv2.absdiff(wa, wb), cv2.absdiff(ga, gb)), _FALLBACK_LO)
        if not cv2.countNonZero(excess):
            return ft0, ft1, k
        unsure = cv2.min(
            cv2.multiply(excess, 1.0 / (_FALLBACK_HI - _FALLBACK_LO), dtype=cv2.CV_32F), 1.0
        )
        return _toward_blend(ft0, ft1, k, unsure, t)

    def synthesize(self, a: np.ndarray, b: np.ndarray, t: float, pf: PairFlow) -> np.ndarray:
        """The frame at time ``t`` in (0, 1) between ``a`` and ``b``; uint8 RGB."""
        if not pf.reliable:  # a cut: keep it a cut, never a double exposure
            return (a if t < 0.5 else b).copy()
        h, w = a.shape[:2]
        fh, fw = pf.f01.shape[:2]
        ft0 = cv2.addWeighted(pf.f01, -(1.0 - t) * t, pf.f10, t * t, 0.0)
        ft1 = cv2.addWeighted(pf.f01, (1.0 - t) ** 2, pf.f10, -t * (1.0 - t), 0.0)
        k = None
        if self.occlusion:
            ft0, v0 = self._flow_to_t(pf.f01, pf.vis0, t, ft0)
            ft1, v1 = self._flow_to_t(pf.f10, pf.vis1, 1.0 - t, ft1)
            w0 = cv2.multiply(cv2.add(v0, _EPS), 1.0 - t)
            w1 = cv2.multiply(cv2.add(v1, _EPS), t)
            k = cv2.divide(w1, cv2.add(w0, w1))  # weight of b
            if self.fallback and pf.grey_a is not None and pf.grey_b is not None:
                ft0, ft1, k = self._still_where_unsure(ft0, ft1, k, v0, v1, t, pf)
                ft0, ft1, k = self._fall_back(ft0, ft1, k, t, pf.grey_a, pf.grey_b)
        if (fw, fh) != (w, h):
            ft0 = self._upsample_flow(ft0, w, h)
            ft1 = self._upsample_flow(ft1, w, h)
            if k is not None:
                k = cv2.resize(k, (w, h), interpolation=cv2.INTER_LINEAR)
        grid = self._mesh(w, h)
        wa = cv2.remap(
            a, cv2.add(grid, ft0), None, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
        )
        wb = cv2.remap(
            b, cv2.add(grid, ft1), None, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
        )
        if k is None:
            return cv2.addWeighted(wa, 1.0 - t, wb, t, 0.0)
        # blendLinear computes (w0 * wa + w1 * wb) / (w0 + w1) per pixel.
        return cv2.blendLinear(wa, wb, cv2.subtract(1.0, k), k)


#: Fallback blend (``BidirectionalFlow._fall_back``): grey levels (work size) by which the two
#: frames warped to time t may disagree beyond what the two frames do before the plain blend
#: starts to take over, and where it has taken over. Picked on the interpolation bench set
#: (bench/interpolation.py, 1280x720) among 16/32, 24/48, 32/64, 48/96: 32/64 costs at most
#: 0.13 dB there (natural clip; +0.09 dB on moving objects) and still removes the kettle
#: race's smudge; 48/96 no longer does.
_FALLBACK_LO = 32
_FALLBACK_HI = 64
#: Still where unsure (``BidirectionalFlow._still_where_unsure``): the larger of the two
#: visibilities under which the flow is doubted (fully under LO), and the 5x5 mean grey
#: difference of the two frames (work size) under which they count as agreeing (fully under
#: LO). Picked on the kettle race's dissolve (its ghost is gone from 0.2/0.6 and 6/16) and
#: the interpolation bench set, where the five clips' PSNR moved by at most 0.01 dB; doubting
#: the flow on visibility alone (0.2/0.6, any difference) cost 1.2 dB on moving objects.
_UNSURE_LO = 0.2
_UNSURE_HI = 0.6
_AGREE_LO = 6.0
_AGREE_HI = 16.0


def _ramp_down(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """1 where ``x`` is at most ``lo``, 0 from ``hi`` on, linear between (float32)."""
    return cv2.min(cv2.max(cv2.multiply(cv2.subtract(hi, x), 1.0 / (hi - lo)), 0.0), 1.0)


def _toward_blend(
    ft0: np.ndarray, ft1: np.ndarray, k: np.ndarray, drop: np.ndarray, t: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Both flows shrunk by ``1 - drop`` per pixel and the weight of ``b`` moved ``drop`` of
    the way to ``t``: at ``drop`` 1 the plain cross-fade of the two frames at that pixel."""
    keep = cv2.subtract(1.0, drop)
    keep2 = cv2.merge([keep, keep])
    ft0 = cv2.multiply(ft0, keep2)
    ft1 = cv2.multiply(ft1, keep2)
    k = cv2.add(cv2.multiply(k, keep), cv2.multiply(drop, t))
    return ft0, ft1, k


def _median(f: np.ndarray) -> np.ndarray:
    """5x5 median of each flow component (an edge-keeping clean-up of the refined flow)."""
    return cv2.merge([cv2.medianBlur(c, 5) for c in cv2.split(f)])


def _neighbour(f: np.ndarray, dx: int, dy: int, out: np.ndarray) -> None:
    """``out[y, x] = f[y + dy, x + dx]`` for one of ``dx``, ``dy`` zero, the border repeated."""
    if dx > 0:
        out[:, :-dx] = f[:, dx:]
        out[:, -dx:] = f[:, -1:]
    elif dx < 0:
        out[:, -dx:] = f[:, :dx]
        out[:, :-dx] = f[:, :1]
    elif dy > 0:
        out[:-dy] = f[dy:]
        out[-dy:] = f[-1:]
    elif dy < 0:
        out[-dy:] = f[:dy]
        out[:-dy] = f[:1]
    else:
        out[:] = f


def cross_fade(a: np.ndarray, b: np.ndarray, t: float) -> np.ndarray:
    """Plain linear cross-fade ``(1 - t) a + t b``, rounded; uint8 RGB."""
    return cv2.addWeighted(a, 1.0 - t, b, t, 0.0)
