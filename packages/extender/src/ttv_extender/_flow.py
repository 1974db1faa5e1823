"""Bidirectional DIS optical flow and occlusion-aware warping (a copy of ttv_interpolator.flow).

Module packages may not import each other, so the extender carries its own copy of the
interpolator's flow code; keep the two in step (see OWNER.md). Original docstring follows.

For a pair of frames ``a`` (time 0) and ``b`` (time 1):

1. Dense flow both ways with OpenCV's DIS (``F01``: a -> b, ``F10``: b -> a), computed on the
   grey image scaled by ``flow_scale`` (by default so the long side is at most 640 px; tiny
   frames are padded up to ``MIN_FLOW_SIDE``) and resized back to full resolution.
2. A forward-backward consistency mask per frame: a pixel of ``a`` whose forward flow is not
   undone by the backward flow at its destination (``|F01(x) + F10(x + F01(x))|`` large
   relative to the motion) is probably occluded in ``b``; likewise for ``b``. The test is the
   soft form of Sundaram, Brox and Keutzer (ECCV 2010): ``alpha * (|F01|^2 + |F10'|^2) + beta``.
3. For time ``t``, the flows from the intermediate frame back to each end are approximated
   from the two pair flows assuming locally linear motion (Jiang et al., Super SloMo, CVPR 2018):
   ``F_t0 = -(1-t) t F01 + t^2 F10`` and ``F_t1 = (1-t)^2 F01 - t (1-t) F10``.
   Both frames, and their consistency masks, are backward-warped to ``t`` with ``cv2.remap``.
4. The result blends the two warped frames with weights ``(1-t) V0`` and ``t V1``, where
   ``V`` is the warped consistency: where one side is occluded the other side wins; where both
   are unreliable the weights fall back to the plain ``(1-t, t)`` cross-fade.
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

#: DIS refuses images smaller than its patch pyramid; smaller frames are edge-padded to this.
MIN_FLOW_SIDE = 32
#: With ``flow_scale=None`` flow is estimated with the long side scaled down to this.
AUTO_FLOW_SIDE = 640

_ALPHA = 0.01
_BETA = 0.5
_EPS = 1e-3


@dataclass(frozen=True)
class PairFlow:
    """Everything computed once per (a, b) pair and reused for every t between them.

    Arrays are at the estimation size (``f01.shape[:2]``, which equals the frame size when
    ``flow_scale`` is 1); flows are in pixels of that size. Synthesis composes the flows to
    time ``t`` at this size and resizes only the two resulting maps and one weight map.
    """

    f01: np.ndarray  # (h, w, 2) float32
    f10: np.ndarray
    vis0: np.ndarray  # (h, w) float32 in (0, 1]: pixel of a also visible in b
    vis1: np.ndarray


class BidirectionalFlow:
    """DIS flow both ways plus consistency masks, and warping to an intermediate time."""

    def __init__(
        self, preset: str = "fast", flow_scale: float | None = None, occlusion: bool = True
    ):
        self.preset = preset
        self.flow_scale = None if flow_scale is None else float(flow_scale)
        self.occlusion = bool(occlusion)
        self._dis: cv2.DISOpticalFlow | None = None
        self._grids: dict[tuple[int, int], np.ndarray] = {}

    # ------------------------------------------------------------------ flow

    def _engine(self) -> cv2.DISOpticalFlow:
        if self._dis is None:
            self._dis = cv2.DISOpticalFlow_create(PRESETS[self.preset])
        return self._dis

    def _flow_size(self, w: int, h: int) -> tuple[int, int]:
        s = self.flow_scale
        if s is None:  # auto: estimate on at most AUTO_FLOW_SIDE pixels along the long side
            s = min(1.0, AUTO_FLOW_SIDE / max(w, h))
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
        """Flows both ways and consistency masks for a pair, at the estimation size."""
        ga = cv2.cvtColor(a, cv2.COLOR_RGB2GRAY)
        gb = cv2.cvtColor(b, cv2.COLOR_RGB2GRAY)
        f01, f10 = self.flow_small(ga, gb)
        if self.occlusion:
            vis0 = self._consistency(f01, f10)
            vis1 = self._consistency(f10, f01)
        else:
            vis0 = vis1 = np.ones(f01.shape[:2], np.float32)
        return PairFlow(f01, f10, vis0, vis1)

    @staticmethod
    def _upsample_flow(f: np.ndarray, w: int, h: int) -> np.ndarray:
        fh, fw = f.shape[:2]
        up = cv2.resize(f, (w, h), interpolation=cv2.INTER_LINEAR)
        return cv2.multiply(up, (w / fw, h / fh, 0.0, 0.0))

    def flow(self, a_grey: np.ndarray, b_grey: np.ndarray) -> np.ndarray:
        """Dense flow a -> b at full resolution, (H, W, 2) float32 in pixels."""
        h, w = a_grey.shape
        f01, _ = self.flow_small(a_grey, b_grey)
        if f01.shape[:2] == (h, w):
            return f01
        return self._upsample_flow(f01, w, h)

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

    def synthesize(self, a: np.ndarray, b: np.ndarray, t: float, pf: PairFlow) -> np.ndarray:
        """The frame at time ``t`` in (0, 1) between ``a`` and ``b``; uint8 RGB."""
        h, w = a.shape[:2]
        fh, fw = pf.f01.shape[:2]
        ft0 = cv2.addWeighted(pf.f01, -(1.0 - t) * t, pf.f10, t * t, 0.0)
        ft1 = cv2.addWeighted(pf.f01, (1.0 - t) ** 2, pf.f10, -t * (1.0 - t), 0.0)
        k = None
        if self.occlusion:
            small = self._mesh(fw, fh)
            v0 = cv2.remap(
                pf.vis0,
                cv2.add(small, ft0),
                None,
                cv2.INTER_LINEAR,
                borderMode=cv2.BORDER_REPLICATE,
            )
            v1 = cv2.remap(
                pf.vis1,
                cv2.add(small, ft1),
                None,
                cv2.INTER_LINEAR,
                borderMode=cv2.BORDER_REPLICATE,
            )
            w0 = cv2.multiply(cv2.add(v0, _EPS), 1.0 - t)
            w1 = cv2.multiply(cv2.add(v1, _EPS), t)
            k = cv2.divide(w1, cv2.add(w0, w1))  # weight of b
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


def cross_fade(a: np.ndarray, b: np.ndarray, t: float) -> np.ndarray:
    """Plain linear cross-fade ``(1 - t) a + t b``, rounded; uint8 RGB."""
    return cv2.addWeighted(a, 1.0 - t, b, t, 0.0)
