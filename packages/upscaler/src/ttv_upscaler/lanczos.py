"""``lanczos``: OpenCV Lanczos-4 resampling with a mild unsharp mask, aspect ratio kept."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import cv2
import numpy as np
from ttv_contracts import version_of
from ttv_contracts.v1 import ModuleInfo, Needs, Upscaler

from ._geometry import Canvas, check_options, hex_rgb, number_option, unsharp
from .errors import PACKAGE

__version__ = version_of("ttv-upscaler")  # pyproject.toml is the one source

_OPTIONS = {"sharpen", "sharpen_sigma", "background"}


class LanczosUpscaler(Upscaler):
    """Fit each frame inside the output size (Lanczos-4), sharpen mildly, letterbox the rest.

    Options: ``sharpen`` (unsharp-mask amount, 0 turns it off; default 0.35),
    ``sharpen_sigma`` (blur radius of the mask in output pixels; default 1.0),
    ``background`` (letterbox colour, default ``#000000``). Shrinking uses area averaging,
    which aliases less than Lanczos when going down.
    """

    info = ModuleInfo(
        slot="upscaler",
        name="lanczos",
        version=__version__,
        package=PACKAGE,
        needs=Needs(),
        consumes="frame stream",
        produces="frame stream @ output size (aspect kept, letterboxed)",
        summary="OpenCV Lanczos-4 resize with mild unsharp-mask sharpening; aspect ratio kept.",
    )

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        check_options("lanczos", dict(options), _OPTIONS)
        self.sharpen = number_option(dict(options), "sharpen", 0.35, 0.0, 3.0)
        self.sharpen_sigma = number_option(dict(options), "sharpen_sigma", 1.0, 0.1, 10.0)
        self.background = hex_rgb(dict(options), "background", "#000000")

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
        if w >= sw and h >= sh:
            out = cv2.resize(frame, (w, h), interpolation=cv2.INTER_LANCZOS4)
            return unsharp(out, self.sharpen, self.sharpen_sigma)
        return cv2.resize(frame, (w, h), interpolation=cv2.INTER_AREA)
