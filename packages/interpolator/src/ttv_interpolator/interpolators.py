"""Frame-rate converters: ``flow`` (DIS optical flow, occlusion-aware) and ``blend``.

Both stream through :func:`ttv_contracts.v1.resample_pairs`, which yields ``(a, b, t)`` per
output frame with exactly the contract's count and holds only the frames between the current
output position and the newest input. Outputs at ``t == 0`` are the input frame itself.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, ClassVar, Literal

import numpy as np
from pydantic import Field, StrictBool
from ttv_contracts.v1 import (
    FrameInterpolator,
    ImplementationOptions,
    ModuleInfo,
    Needs,
    NoOptions,
    resample_pairs,
)
from ttv_flow import BidirectionalFlow, PairFlow, cross_fade

from . import __version__
from .errors import E_OPTION_RANGE

PACKAGE = "ttv-interpolator"


class PairwiseInterpolator(FrameInterpolator):
    """Base for converters that make each output from the two input frames around it.

    Subclasses write :meth:`_synthesize` (``t`` strictly between 0 and 1) and may override
    :meth:`_reset` to drop per-stream state. This is the extension point for model-backed
    interpolators (e.g. a RIFE-style torch network, see MIGRATION.md).
    """

    def _interpolate(
        self, frames: Iterator[np.ndarray], fps_in: int, fps_out: int
    ) -> Iterator[np.ndarray]:
        try:
            for a, b, t in resample_pairs(frames, fps_in, fps_out):
                if t == 0.0 or b is a:
                    yield a
                else:
                    yield self._synthesize(a, b, t)
        finally:
            self._reset()

    @abstractmethod
    def _synthesize(self, a: np.ndarray, b: np.ndarray, t: float) -> np.ndarray: ...

    def _reset(self) -> None:
        """Forget per-stream state (called when a stream ends or is abandoned)."""


class BlendInterpolator(PairwiseInterpolator):
    """Linear cross-fade between the two nearest input frames (no motion estimation).

    Moving edges ghost (both positions show at half strength); use ``flow`` for motion.
    Takes no options.
    """

    info: ClassVar[ModuleInfo] = ModuleInfo(
        slot="interpolator",
        name="blend",
        version=__version__,
        package=PACKAGE,
        needs=Needs(),
        consumes="frame stream @ fps_in",
        produces="frame stream @ fps_out",
        summary="Linear cross-fade between neighbouring frames; exact rational ratios.",
    )

    Options = NoOptions

    def _synthesize(self, a: np.ndarray, b: np.ndarray, t: float) -> np.ndarray:
        return cross_fade(a, b, t)


class FlowInterpolator(PairwiseInterpolator):
    """Motion-compensated frame-rate conversion with OpenCV DIS optical flow.

    Forward and backward flow per input pair (computed once and reused by every output
    between the same pair), both frames warped toward ``t``, blended by ``t`` and a
    forward-backward consistency (occlusion) mask. See :mod:`ttv_flow`.

    Options:

    * ``preset`` (``"ultrafast" | "fast" | "medium"``, default ``"fast"``): DIS preset;
      ``medium`` follows small moving objects more closely at about twice the cost.
    * ``flow_scale`` (0.05..1, default automatic): flow is estimated on the frame scaled by
      this factor and resized back. Automatic scales to half the long side, within
      320..640 px (320 px for the 640x360 timeline, 640 px for 1280x720, full size below
      320 px). Small frames are never estimated below 32 px.
    * ``occlusion`` (bool, default true): invert the flow to each output time and weight
      the two warped frames by visibility; false uses the linear-motion flow estimates and
      blends the two warped frames by ``t`` alone.
    * ``fallback`` (bool, default true; acts with ``occlusion`` on): where the two frames
      warped to the output time disagree by more than the two frames themselves do (the
      flow is noise there: a dissolve, flat wall beside a moving head), shrink the flow
      toward a plain blend of the two frames at that pixel instead of dragging still edges
      into ghosts.
    * ``pipelined`` (bool, default true): when raising the frame rate (every input pair is
      then used), the flow of the next pair is computed on a worker thread while this pair's
      outputs are synthesised and go downstream (OpenCV releases the GIL, so the stages
      share both cores). It reads one input frame ahead; the output is identical.
    """

    info: ClassVar[ModuleInfo] = ModuleInfo(
        slot="interpolator",
        name="flow",
        version=__version__,
        package=PACKAGE,
        needs=Needs(),
        consumes="frame stream @ fps_in",
        produces="frame stream @ fps_out",
        summary="DIS optical flow both ways, occlusion-aware warping to each output time.",
    )

    class Options(ImplementationOptions):
        preset: Literal["ultrafast", "fast", "medium"] = Field(
            "fast",
            description="DIS optical-flow preset; medium follows small moving objects more "
            "closely at about twice the cost.",
        )
        flow_scale: float | None = Field(
            None,
            ge=0.05,
            le=1.0,
            description="Scale at which flow is estimated (then resized back); null: "
            "automatic, half the long side within 320..640 px.",
        )
        occlusion: StrictBool = Field(
            True,
            description="Weight the two warped frames by visibility (forward-backward "
            "consistency); false blends them by t alone.",
        )
        fallback: StrictBool = Field(
            True,
            description="Blend the two frames plainly where the two warps disagree more than "
            "the frames do (unreliable flow; with occlusion on); false always follows the flow.",
        )
        pipelined: StrictBool = Field(
            True,
            description="When raising the frame rate, compute the next pair's flow on a "
            "worker thread; the output is identical.",
        )

    option_error = E_OPTION_RANGE.code

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        opts = self.opts
        self.pipelined = opts.pipelined
        self._flow = BidirectionalFlow(
            preset=opts.preset,
            flow_scale=opts.flow_scale,
            occlusion=opts.occlusion,
            fallback=opts.fallback,
        )
        self._cache: tuple[np.ndarray, np.ndarray, PairFlow] | None = None
        self._pool: ThreadPoolExecutor | None = None
        # flows submitted ahead, oldest first: (a, b, future)
        self._ahead: list[tuple[np.ndarray, np.ndarray, Future]] = []
        self.flow_pairs_computed = 0  # how many (a, b) pairs needed a fresh flow

    def _interpolate(
        self, frames: Iterator[np.ndarray], fps_in: int, fps_out: int
    ) -> Iterator[np.ndarray]:
        if not self.pipelined or fps_out <= fps_in:
            yield from super()._interpolate(frames, fps_in, fps_out)
            return
        pool = self._pool = ThreadPoolExecutor(1, thread_name_prefix="ttv-flow")

        def read_ahead() -> Iterator[np.ndarray]:
            # frame i goes on only once frame i + 1 is in and the flow between them started
            prev = None
            for frame in frames:
                if prev is not None:
                    del self._ahead[:-1]  # at most two pairs in flight (memory stays bounded)
                    self._ahead.append((prev, frame, pool.submit(self._flow.pair, prev, frame)))
                    self.flow_pairs_computed += 1
                    yield prev
                prev = frame
            if prev is not None:
                yield prev

        try:
            yield from super()._interpolate(read_ahead(), fps_in, fps_out)
        finally:
            self._pool = None
            self._ahead = []
            pool.shutdown(wait=False, cancel_futures=True)

    def _pair_flow(self, a: np.ndarray, b: np.ndarray) -> PairFlow:
        cache = self._cache
        if cache is not None and cache[0] is a and cache[1] is b:
            return cache[2]
        self._cache = None  # drop the old pair before computing the new one
        for i, (fa, fb, future) in enumerate(self._ahead):
            if fa is a and fb is b:
                pf = future.result()
                del self._ahead[: i + 1]
                break
        else:
            if self._pool is not None:  # the flow engine is used on its thread only
                pf = self._pool.submit(self._flow.pair, a, b).result()
            else:
                pf = self._flow.pair(a, b)
            self.flow_pairs_computed += 1
        self._cache = (a, b, pf)
        return pf

    def _synthesize(self, a: np.ndarray, b: np.ndarray, t: float) -> np.ndarray:
        return self._flow.synthesize(a, b, t, self._pair_flow(a, b))

    def _reset(self) -> None:
        self._cache = None
        self._ahead = []
