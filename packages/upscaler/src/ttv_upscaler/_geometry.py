"""Shared geometry and finishing steps: fit inside, letterbox, unsharp mask."""

from __future__ import annotations

import re
from typing import Any

import cv2
import numpy as np
from ttv_contracts.errors import E_CONFIG_INVALID, TTVError
from ttv_contracts.stubs import fit_box

from .errors import PACKAGE

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")

__all__ = ["Canvas", "check_options", "fit_box", "hex_rgb", "number_option", "unsharp"]


def check_options(impl: str, options: dict[str, Any], known: set[str]) -> None:
    unknown = sorted(set(options) - known)
    if unknown:
        raise TTVError(
            E_CONFIG_INVALID,
            f"upscaler '{impl}' does not take option(s) {', '.join(unknown)}; "
            f"known: {', '.join(sorted(known))}",
            module=PACKAGE,
        )


def number_option(
    options: dict[str, Any],
    key: str,
    default: float,
    lo: float,
    hi: float,
    *,
    integer: bool = False,
) -> float:
    value = options.get(key, default)
    ok = isinstance(value, int | float) and not isinstance(value, bool) and lo <= value <= hi
    if ok and integer and value != int(value):
        ok = False
    if not ok:
        kind = "an integer" if integer else "a number"
        raise TTVError(
            E_CONFIG_INVALID,
            f"upscaler option {key}={value!r} must be {kind} in {lo}..{hi}",
            module=PACKAGE,
        )
    return float(value)


def hex_rgb(options: dict[str, Any], key: str, default: str) -> tuple[int, int, int]:
    value = options.get(key, default)
    if not isinstance(value, str) or not _HEX.match(value):
        raise TTVError(
            E_CONFIG_INVALID,
            f"upscaler option {key}={value!r} must be a #rrggbb colour",
            module=PACKAGE,
        )
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
