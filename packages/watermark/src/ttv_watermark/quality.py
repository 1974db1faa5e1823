"""Picture-quality measures and the invisibility thresholds the bench and the tests share.

Reuse them (``from ttv_watermark.quality import PSNR_MIN_DB, SSIM_MIN, ...``) rather than
copying numbers: the bench (``bench/bench_watermark.py``), the package tests and any
picture-quality check then judge the mark by the same rule. numpy and OpenCV only.
"""

from __future__ import annotations

import cv2
import numpy as np

__all__ = [
    "BLOCKINESS_MAX_CHANGE",
    "PSNR_MIN_DB",
    "SSIM_MIN",
    "animatic_frame",
    "blockiness",
    "blockiness_change",
    "flat_boundaries",
    "psnr",
    "ssim",
]

#: Marked vs unmarked, on flat animatic frames (sky gradient, flat shapes, caption band).
PSNR_MIN_DB = 42.0
SSIM_MIN = 0.99
#: Largest allowed relative change of :func:`blockiness` (marked vs unmarked frame).
BLOCKINESS_MAX_CHANGE = 0.05


def _luma(frame: np.ndarray) -> np.ndarray:
    if frame.ndim == 2:
        return frame.astype(np.float64)
    return cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY).astype(np.float64)


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """PSNR in dB over all channels (8-bit peak)."""
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 10.0 * float(np.log10(255.0**2 / max(mse, 1e-12)))


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    """Mean SSIM (Wang et al. 2004: Gaussian window sigma 1.5, K1 0.01, K2 0.03), averaged over
    the RGB channels; agrees with ``skimage.metrics.structural_similarity(...,
    gaussian_weights=True, channel_axis=2)`` to ~1e-4."""
    a = a.astype(np.float64)
    b = b.astype(np.float64)
    if a.ndim == 2:
        a, b = a[..., None], b[..., None]
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2

    def blur(x: np.ndarray) -> np.ndarray:
        return cv2.GaussianBlur(x, (11, 11), 1.5, borderType=cv2.BORDER_REFLECT)

    out = []
    for ch in range(a.shape[2]):
        x, y = a[..., ch], b[..., ch]
        mx, my = blur(x), blur(y)
        vx = blur(x * x) - mx * mx
        vy = blur(y * y) - my * my
        cxy = blur(x * y) - mx * my
        s = ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
        out.append(float(s[5:-5, 5:-5].mean()))
    return float(np.mean(out))


def blockiness(frame: np.ndarray, block: int = 8, flat: np.ndarray | None = None) -> float:
    """Block-artefact measure: mean luma gradient energy (squared difference of neighbours)
    across the ``block``-px grid lines divided by the mean across all other pixel boundaries
    (both directions). ~1 for natural content; a block-DCT mark or codec blocking raises it."""
    y = _luma(frame)
    gx = np.diff(y, axis=1) ** 2  # boundary between column j and j+1 at index j
    gy = np.diff(y, axis=0) ** 2
    if flat is not None:  # only the boundaries that are flat in the reference frame
        gx = np.where(flat[0], gx, np.nan)
        gy = np.where(flat[1], gy, np.nan)
    on_x = (np.arange(gx.shape[1]) % block) == block - 1
    on_y = (np.arange(gy.shape[0]) % block) == block - 1
    on = float(np.nansum(gx[:, on_x]) + np.nansum(gy[on_y, :]))
    n_on = int(np.sum(~np.isnan(gx[:, on_x])) + np.sum(~np.isnan(gy[on_y, :])))
    off = float(np.nansum(gx[:, ~on_x]) + np.nansum(gy[~on_y, :]))
    n_off = int(np.sum(~np.isnan(gx[:, ~on_x])) + np.sum(~np.isnan(gy[~on_y, :])))
    return (on / max(n_on, 1) + 1e-3) / (off / max(n_off, 1) + 1e-3)


def flat_boundaries(original: np.ndarray, max_step: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
    """Pixel boundaries where the original changes by at most ``max_step`` luma levels (flat
    areas and smooth gradients: where a block grid would show)."""
    y = _luma(original)
    return np.abs(np.diff(y, axis=1)) <= max_step, np.abs(np.diff(y, axis=0)) <= max_step


def blockiness_change(marked: np.ndarray, original: np.ndarray, block: int = 8) -> float:
    """Relative change of :func:`blockiness` on the original's flat areas, marked vs original
    (0.05 = 5 % more gradient energy on the grid, relative to off the grid)."""
    flat = flat_boundaries(original)
    return blockiness(marked, block, flat) / blockiness(original, block, flat) - 1.0


def animatic_frame(width: int = 1280, height: int = 720, seed: int = 0) -> np.ndarray:
    """A frame like the animatic keyframe: smooth sky gradient, flat shapes (hills, houses, a
    sun) and a darkened caption band with text. Deterministic for a seed."""
    rng = np.random.default_rng(seed)
    top = np.array([60, 110, 200], np.float64) + rng.integers(-20, 20, 3)
    bottom = np.array([200, 220, 245], np.float64) + rng.integers(-10, 10, 3)
    t = np.linspace(0.0, 1.0, height)[:, None, None]
    img = ((1 - t) * top + t * bottom) * np.ones((1, width, 1))
    img = np.clip(img, 0, 255).astype(np.uint8)
    horizon = int(height * rng.uniform(0.55, 0.7))
    for i in range(3):
        color = tuple(int(v) for v in rng.integers(40, 200, 3))
        cx = int(rng.integers(0, width))
        axes = (
            int(rng.integers(width // 5, width // 2)),
            int(rng.integers(height // 10, height // 4)),
        )
        cv2.ellipse(
            img, (cx, horizon + i * height // 12), axes, 0, 180, 360, color, -1, cv2.LINE_AA
        )
    cv2.rectangle(img, (0, horizon + height // 8), (width, height), (70, 140, 60), -1)
    for _ in range(3):
        x0 = int(rng.integers(0, width - width // 8))
        w, h = width // 12, height // 8
        y0 = horizon + height // 8 - h
        color = tuple(int(v) for v in rng.integers(120, 240, 3))
        cv2.rectangle(img, (x0, y0), (x0 + w, y0 + h), color, -1)
        pts = np.array([[x0 - w // 8, y0], [x0 + w + w // 8, y0], [x0 + w // 2, y0 - h // 2]])
        cv2.fillPoly(img, [pts.astype(np.int32)], (150, 60, 50), cv2.LINE_AA)
    cv2.circle(
        img, (int(width * 0.82), int(height * 0.18)), height // 12, (250, 225, 120), -1, cv2.LINE_AA
    )
    band = int(height * 0.84)
    img[band:] = (img[band:].astype(np.float64) * 0.3).astype(np.uint8)
    cv2.putText(
        img,
        "Water evaporates, rises and cools into clouds.",
        (int(width * 0.06), int(height * 0.93)),
        cv2.FONT_HERSHEY_SIMPLEX,
        height / 560,
        (255, 255, 255),
        max(1, height // 360),
        cv2.LINE_AA,
    )
    return img
