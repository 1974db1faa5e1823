"""Shared geometry and finishing steps: fit inside, letterbox, unsharp mask."""

from __future__ import annotations

import re
from typing import Annotated

import cv2
import numpy as np
from pydantic import Field
from ttv_contracts.stubs import fit_box

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")

__all__ = ["Canvas", "HexColor", "fit_box", "hex_rgb", "unsharp"]


#: A ``#rrggbb`` colour option (the letterbox background).
HexColor = Annotated[str, Field(pattern=_HEX.pattern)]


def hex_rgb(value: str) -> tuple[int, int, int]:
    """``"#rrggbb"`` (already validated) as an RGB triple."""
    return tuple(int(value[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def unsharp(image: np.ndarray, amount: float, sigma: float) -> np.ndarray:
    """Unsharp mask: ``image + amount * (image - blur(image))``, saturated to uint8."""
    if amount <= 0:
        return image
    blurred = cv2.GaussianBlur(image, (0, 0), sigmaX=sigma, sigmaY=sigma)
    return cv2.addWeighted(image, 1.0 + amount, blurred, -amount, 0)


class Canvas:
    """Places a resized image, aspect kept, centred on a ``width`` x ``height`` background."""

    def __init__(self, src_w: int, src_h: int, width: int, height: int, fill: tuple[int, int, int]):
        self.x, self.y, self.w, self.h = fit_box(src_w, src_h, width, height)
        self.width, self.height = width, height
        self._blank = np.empty((height, width, 3), np.uint8)
        self._blank[:] = np.asarray(fill, np.uint8)
        self.full = (self.w, self.h) == (width, height)

    def place(self, content: np.ndarray) -> np.ndarray:
        if content.shape[:2] != (self.h, self.w):  # pragma: no cover - guarded by callers
            raise ValueError("content does not match the fitted box")
        if self.full:
            return np.ascontiguousarray(content)
        out = self._blank.copy()
        out[self.y : self.y + self.h, self.x : self.x + self.w] = content
        return out
