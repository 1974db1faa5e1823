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
    "blockiness_noise",
    "flat_area",
    "flat_boundaries",
    "psnr",
    "ssim",
]

#: Marked vs unmarked, on flat animatic frames (sky gradient, flat shapes, caption band).
PSNR_MIN_DB = 42.0
SSIM_MIN = 0.99
#: Largest allowed :func:`blockiness_change`, either way (the mark's gradient energy across
#: the 8-px grid vs off it, on flat areas).
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


def _grid_energy(
    y: np.ndarray, block: int, keep: np.ndarray | None, phase: int = 0
) -> tuple[float, int, float, int]:
    """Sum and count of squared neighbour differences across the ``block``-px grid lines
    (shifted by ``phase`` px) and across every other pixel boundary (both directions), on
    the pixels ``keep`` marks."""
    on = off = 0.0
    n_on = n_off = 0
    for axis in (0, 1):
        g = np.diff(y, axis=axis) ** 2  # boundary between index j and j+1 sits at index j
        line = (np.arange(g.shape[axis]) % block) == (block - 1 + phase) % block
        grid = np.zeros(g.shape, bool)
        if axis == 0:
            grid[line, :] = True
        else:
            grid[:, line] = True
        if keep is None:
            k = np.ones(g.shape, bool)
        else:
            k = keep[:-1] & keep[1:] if axis == 0 else keep[:, :-1] & keep[:, 1:]
        on += float(g[k & grid].sum())
        n_on += int((k & grid).sum())
        off += float(g[k & ~grid].sum())
        n_off += int((k & ~grid).sum())
    return on, n_on, off, n_off


def blockiness(frame: np.ndarray, block: int = 8, keep: np.ndarray | None = None) -> float:
    """Block-grid ratio (GBIM-like, Wu & Yuen 1997): mean squared luma difference across the
    ``block``-px grid lines over the mean across all other pixel boundaries (both
    directions), optionally only on the pixels ``keep`` marks. ~1 without a grid; codec
    blocking or a block-DCT mark raise it. Undefined (nan) where there is no gradient at all."""
    on, n_on, off, n_off = _grid_energy(_luma(frame), block, keep)
    if n_on == 0 or n_off == 0 or off <= 0.0:
        return float("nan")
    return (on / n_on) / (off / n_off)


def flat_boundaries(original: np.ndarray, max_step: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
    """Pixel boundaries where the original changes by at most ``max_step`` luma levels (kept
    for callers of 0.2; the block measure now uses :func:`flat_area`)."""
    y = _luma(original)
    return np.abs(np.diff(y, axis=1)) <= max_step, np.abs(np.diff(y, axis=0)) <= max_step


def flat_area(original: np.ndarray, max_step: float = 2.0, margin: int = 4) -> np.ndarray:
    """Pixels at least ``margin`` px from any luma step larger than ``max_step`` levels in the
    original (flat areas and smooth gradients: where a block grid would show, away from the
    picture's own edges, near which a perceptual mark is rightly stronger)."""
    y = _luma(original)
    step = np.maximum(
        np.abs(np.diff(y, axis=1, append=y[:, -1:])), np.abs(np.diff(y, axis=0, append=y[-1:]))
    )
    busy = (step > max_step).astype(np.uint8)
    if margin > 0:
        busy = cv2.dilate(busy, np.ones((2 * margin + 1, 2 * margin + 1), np.uint8))
    return busy == 0


def blockiness_change(
    marked: np.ndarray | list[np.ndarray],
    original: np.ndarray | list[np.ndarray],
    block: int = 8,
) -> float:
    """Block grid added by a mark: :func:`blockiness` of the luma *change* (marked minus
    original) on the original's flat areas (:func:`flat_area`), minus 1; frames given as
    lists are pooled (energies summed before the ratio).

    0: the change has as much gradient energy across the 8-px grid as off it (no grid);
    > 0: a block grid (the 0.1 block-DCT mark: about +70 % to +130 %); < 0: structure that
    avoids the grid lines (the 0.2 pss mark, whose smooth cell borders all sat on them at
    720p: about -80 %). Judged both ways: ``abs(change) <= BLOCKINESS_MAX_CHANGE``.

    Why not the ratio of the marked frame's blockiness to the original's: on flat areas the
    original has almost no gradient energy on or off the grid (sky quantisation steps), so
    that ratio is ~0/0 and moves with the picture, not with the mark."""
    return _pooled_change(marked, original, block, 0)


def _pooled_change(marked, original, block: int, phase: int) -> float:
    ms = marked if isinstance(marked, list) else [marked]
    os_ = original if isinstance(original, list) else [original]
    tot = np.zeros(4)
    for m, o in zip(ms, os_, strict=True):
        change = _luma(m) - _luma(o)
        tot += np.array(_grid_energy(change, block, flat_area(o), phase))
    on, n_on, off, n_off = tot
    if n_on == 0 or n_off == 0 or off <= 0.0:
        return 0.0  # no change on flat areas: nothing to see
    return float((on / n_on) / (off / n_off) - 1.0)


def blockiness_noise(
    marked: np.ndarray | list[np.ndarray],
    original: np.ndarray | list[np.ndarray],
    block: int = 8,
) -> float:
    """The same statistic as :func:`blockiness_change` with the grid shifted by 1..7 px
    (lines where no codec or mark grid sits): the largest magnitude it takes there. This is
    what the measure reads by chance on this change and picture; a grid shows as a
    :func:`blockiness_change` well above it (the 0.1 block-DCT mark reads +70 % to +130 %
    against a few %)."""
    return max(abs(_pooled_change(marked, original, block, p)) for p in range(1, block))


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
