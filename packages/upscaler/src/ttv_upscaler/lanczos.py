"""``lanczos``: OpenCV resampling with a mild unsharp mask, aspect ratio kept.

Two modes (option ``mode``):

* ``fast`` (default): the unsharp mask runs on the *source* frame (its blur radius divided
  by the scale factor), then one bicubic resize to the fitted box. Both steps are linear
  filters, so sharpening before or after the enlargement gives nearly the same picture, but
  before it touches a quarter of the pixels for a 2x enlargement; OpenCV's bicubic is
  vectorised where its Lanczos-4 is not. Measured against ``exact`` on natural 640x360 ->
  1280x720 frames: PSNR about 47 dB, SSIM 0.995, about 7x faster (``bench/run.py``).
* ``exact``: Lanczos-4 (``cv2.INTER_LANCZOS4``) to the fitted box, then the unsharp mask at
  the output size: the reference ``fast`` is measured against.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

import cv2
import numpy as np
from pydantic import Field, StrictFloat
from ttv_contracts import version_of
from ttv_contracts.v1 import ImplementationOptions, ModuleInfo, Needs, Upscaler

from ._geometry import Canvas, HexColor, hex_rgb, unsharp
from .errors import PACKAGE

__version__ = version_of("ttv-upscaler")  # pyproject.toml is the one source

#: Above this enlargement the source-side blur would be narrower than a pixel and stop
#: sharpening; ``fast`` then sharpens after the resize, like ``exact``.
_PRESHARPEN_MAX_SCALE = 4.0


class LanczosUpscaler(Upscaler):
    """Fit each frame inside the output size, sharpen mildly, letterbox the rest.

    Options: ``mode`` (``"fast"``, the default: unsharp mask at the source size then bicubic;
    ``"exact"``: Lanczos-4 then the unsharp mask at the output size), ``sharpen``
    (unsharp-mask amount, 0 turns it off; default 0.35), ``sharpen_sigma`` (blur radius of
    the mask in output pixels; default 1.0), ``background`` (letterbox colour, default
    ``#000000``). Shrinking uses area averaging, which aliases less than Lanczos when going
    down.
    """

    info = ModuleInfo(
        slot="upscaler",
        name="lanczos",
        version=__version__,
        package=PACKAGE,
        needs=Needs(),
        consumes="frame stream",
        produces="frame stream @ output size (aspect kept, letterboxed)",
        summary="OpenCV resize (pre-sharpened bicubic, or exact Lanczos-4) with mild unsharp "
        "mask; aspect ratio kept.",
    )

    class Options(ImplementationOptions):
        mode: Literal["fast", "exact"] = Field(
            "fast",
            description="fast: unsharp mask at the source size, then bicubic; exact: "
            "Lanczos-4, then the unsharp mask at the output size.",
        )
        sharpen: StrictFloat = Field(
            0.35, ge=0.0, le=3.0, description="Unsharp-mask amount; 0 turns it off."
        )
        sharpen_sigma: StrictFloat = Field(
            1.0, ge=0.1, le=10.0, description="Blur radius of the mask, in output pixels."
        )
        background: HexColor = Field("#000000", description="Letterbox colour, #rrggbb.")

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        opts = self.opts
        self.sharpen: float = opts.sharpen
        self.sharpen_sigma: float = opts.sharpen_sigma
        self.background = hex_rgb(opts.background)
        self.mode: str = opts.mode

    def _upscale(
        self, frames: Iterator[np.ndarray], width: int, height: int
    ) -> Iterator[np.ndarray]:
        canvas: Canvas | None = None
        for frame in frames:
            if canvas is None:
                canvas = Canvas(frame.shape[1], frame.shape[0], width, height, self.background)
            yield canvas.place(self.resize(frame, canvas.w, canvas.h))

    def resize(self, frame: np.ndarray, w: int, h: int) -> np.ndarray:
        """``frame`` resized to exactly ``w`` x ``h`` (callers keep the aspect ratio)."""
        sh, sw = frame.shape[:2]
        if (sw, sh) == (w, h):
            return frame
        if not (w >= sw and h >= sh):
            return cv2.resize(frame, (w, h), interpolation=cv2.INTER_AREA)
        if self.mode == "exact":
            out = cv2.resize(frame, (w, h), interpolation=cv2.INTER_LANCZOS4)
            return unsharp(out, self.sharpen, self.sharpen_sigma)
        scale = float(np.sqrt((w / sw) * (h / sh)))
        if scale > _PRESHARPEN_MAX_SCALE or min(sw, sh) < 2:
            out = cv2.resize(frame, (w, h), interpolation=cv2.INTER_CUBIC)
            return unsharp(out, self.sharpen, self.sharpen_sigma)
        pre = unsharp(frame, self.sharpen, self.sharpen_sigma / scale)
        return cv2.resize(pre, (w, h), interpolation=cv2.INTER_CUBIC)
