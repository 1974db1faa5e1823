"""The perceptual mark (``pss``): informed spread spectrum on smooth, grid-free luma cells.

Why not the block-DCT QIM of :mod:`.dctqim` (measured in ``bench/``): its 8x8 DCT basis
changes sign at every block border, so on flat sky and on the caption band the mark shows as
a checker of ~24 px blocks; and QIM has a cliff (a fixed lattice step), so it read nothing at
0.77 Mb/s and it breaks under a brightness gain (the lattice scales with the picture).

Layout (at the *work resolution*, the frame's luma resized to ``WORK_HEIGHT`` lines with the
frame's exact aspect, so every geometric quantity is relative to the frame size):

* the work image is cut into ``CELL`` x ``CELL`` cells; each cell carries one code bit as the
  sign of its projection on ``PATTERN``: ``f(x) f(y)`` with ``f(t) = sin(2 pi t) sin(pi t)``
  over the cell. ``f`` and its slope are zero at the cell border, so cells join smoothly
  (no edge), and the pattern has zero mean and zero first moments, so flat areas and linear
  gradients (sky) do not interfere with it at all. The default layout has ``WORK_HEIGHT`` =
  212 lines, so a cell (27.2 px at 720p, 13.6 px at 360p) never lines up with the codecs'
  8-px block grid; the 0.2 layout (240 lines) put every cell border of a 720p frame on it;
* 128 code bits (RS(16, 8) over the 8-byte payload, whitened: the same code as ``dct-qim``)
  fill a tile of ``TILE_W`` x ``TILE_H`` cells by a fixed permutation; the tile repeats over
  the frame (about 9 copies of every bit in a 16:9 frame);
* **informed embedding**: the cell's projection is brought to the target ``TARGET * mask`` on
  the bit's side (no change where the picture already carries the bit), capped at ``CAP *
  mask``; ``mask`` is the local perceptual budget.
  Shape ``jnd`` (default, issue 13): the cell's pattern is multiplied *per pixel* by SSIM's
  masking factor ``sqrt((2 var + C2) / C2)`` (flat pixels 1, texture and edge pixels more),
  shrunk near black (SSIM's luminance term), so the change goes where SSIM and the eye
  tolerate it; the cell's budget grows with texture only where the cell has no flat pixel
  (caption text on a flat box does not get more); every amount scales with ``sqrt(height /
  360)`` (SSIM's window is 1.5 output pixels while the cell grows with the frame); no pixel
  moves by more than ``JND_DMAX * r`` levels. Meets the :mod:`.quality` thresholds on 720p
  animatic frames and on the quality session's composited 640x360 lesson frames.
  Shape ``robust`` (the 0.2 default, 240-line layout): ``FLAT_FLOOR + TEXTURE_GAIN * texture
  + DARK_GAIN * max(0, 80 - luma)``, at most ``MASK_MAX``. Shape ``ssim`` (the 0.2 opt-in,
  240-line layout): ``min(FLAT_FLOOR + TEXTURE_GAIN * texture, MASK_MAX)``, at most
  ``EDGE_MAX * sqrt(1 + 2 var / C2)`` where ``var`` is the local variance of the cell's
  flattest pixel, shrunk near black by ``sqrt(min(1, (2 mu^2 + C1) / DARK_REF))``, cap
  ``CAP_SSIM``;
* the work-scale change is upsampled (bicubic, smooth) and added equally to R, G and B.

Detection reads only signs, so it needs no strength value and ignores a brightness gain or
offset. It resizes the frame to work scale for each candidate crop (0-12 %), finds the cell
alignment and the crop by *tile coherence* (copies of the same bit agree only on the right
grid) for both layouts (212 and 240 lines) and keeps the more coherent one, accumulates soft
votes over frames, and finds the tile phase inside the Reed-Solomon decoder.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from . import dctqim
from .dctqim import CODE_BITS, decode_bits, encode_bits, hard_bits

__all__ = [
    "CAP",
    "CELL",
    "PATTERN",
    "TARGET",
    "WORK_HEIGHT",
    "Embedder",
    "Sync",
    "decode_bits",
    "decode_slots",
    "encode_bits",
    "find_sync",
    "hard_bits",
    "slot_votes",
]

#: Work height of the ``jnd`` mark (default): a cell is 8 * 720 / 212 = 27.2 px at 720p and 13.6 px
#: at 360p, so cell borders drift across the codecs' 8-px block grid instead of sitting on it
#: (the 0.2 layout, 240 lines, put every cell border of a 720p frame on that grid: -80 % on
#: :func:`.quality.blockiness_change`). Of 208-236 lines, 212 gave the smallest
#: block-measure swing when the picture moves under the mark (212/360 and 212/720 are far from
#: fractions with small denominators, so the cell rhythm does not beat with the 8-px grid).
WORK_HEIGHT = 212
#: Work height of the 0.2 marks (``robust``, ``ssim`` shapes); detection tries it second.
LEGACY_WORK_HEIGHT = 240
WORKS = (WORK_HEIGHT, LEGACY_WORK_HEIGHT)
CELL = 8
TILE_W, TILE_H = 16, 8
assert TILE_W * TILE_H == CODE_BITS
#: Projection the embedder aims for (in work-scale luma units, pattern of unit norm).
TARGET = 3.0
#: Largest projection change per cell, as a multiple of the perceptual mask (``robust``
#: shape; ``ssim`` shape: ``CAP_SSIM``).
CAP = 5.0
CAP_SSIM = 6.5
#: Perceptual budget of a flat, mid/bright cell (the minimum of the mask).
FLAT_FLOOR = 1.4
TEXTURE_GAIN = 1.2
#: ``robust`` shape only: dark areas tolerate larger code-value steps (but SSIM does not).
DARK_GAIN = 0.03
DARK_BELOW = 80.0
#: Mask shapes: ``robust`` (0.2: dark boost, whole edge cells at ``MASK_MAX``) and ``ssim``
#: (meets the :mod:`.quality` thresholds on composited 640x360 lesson frames, weaker mark).
SHAPES = ("jnd", "robust", "ssim")
#: ``jnd`` shape (default). Per pixel, the cell's pattern is multiplied by
#: ``sqrt((2 var + C2) / C2)`` (SSIM's contrast term: a change costs ``~ v / (2 var + C2)``
#: where the picture's local variance is ``var``; flat pixels get 1, texture and edge pixels
#: more, at most ``JND_MMAX * r``), shrunk near black (``sqrt((2 mu^2 + C1) / JND_DARK_REF)``,
#: SSIM's luminance term). The cell's budget is ``JND_FLOOR * r * min(1 + JND_TEXTURE * texture,
#: JND_BMAX, sqrt(1 + 2 vmin / C2))`` (more only where the cell has no flat pixel). ``r =
#: sqrt(height / 360)``: SSIM's window is a fixed 1.5 px while the mark scales with the frame,
#: so a 720p frame carries sqrt(2) more for the same SSIM. Measured on the quality session's
#: 640x360 lesson frames and the bench's 720p frames (issue 13).
JND_FLOOR = 2.0
JND_TEXTURE = 1.0
JND_BMAX = 2.5
JND_MMAX = 2.5
JND_DARK_REF = 600.0
JND_REF_HEIGHT = 360.0
#: Largest change of one work-scale pixel, times ``r`` (code values).
JND_DMAX = 8.0
#: ``ssim`` shape. SSIM's luminance term: a mean shift ``d`` costs about
#: ``d^2 / (2 mu^2 + C1)``, so near black (night scenes) the mask shrinks by
#: ``sqrt((2 mu^2 + C1) / DARK_REF)`` (1 above mu ~30).
SSIM_C1 = (0.01 * 255) ** 2
SSIM_C2 = (0.03 * 255) ** 2
DARK_REF = 1800.0
#: Ceiling of the mask: near hard edges (caption text) more would show as ringing.
MASK_MAX = 6.0
#: ``ssim`` shape: ceiling of the mask of a cell whose flattest pixel is flat, times
#: ``sqrt(1 + 2 var / C2)`` (the cell's pattern spans the flat pixels beside a lone edge).
EDGE_MAX = 3.0
#: Gaussian sigma (work pixels) of the local variance: SSIM's window (sigma 1.5) at 360 lines.
VAR_SIGMA = 1.0
#: Detection divides a cell's projection by its mask and by ``1 + RX_TEXTURE * texture``.
RX_NORMALISE = True
RX_TEXTURE = 0.5
#: Crop fractions tried by detection (fraction of the original height cut away).
CROP_COARSE: tuple[float, ...] = tuple(round(0.01 * i, 3) for i in range(0, 13))
CROP_FINE_STEP = 0.005
#: Fixed layout key (changing it breaks detection of existing videos).
_LAYOUT_SEED = 0x5A55E7

_t = (np.arange(CELL) + 0.5) / CELL
_f = np.sin(2 * np.pi * _t) * np.sin(np.pi * _t)
PATTERN = np.outer(_f, _f).astype(np.float32)
PATTERN /= np.linalg.norm(PATTERN)
_PAT_FLAT = np.ascontiguousarray(PATTERN.ravel())
_PAT_SQ = np.ascontiguousarray(_PAT_FLAT * _PAT_FLAT)

_rng = np.random.default_rng(_LAYOUT_SEED)
#: Tile slot (ty, tx) -> codeword bit index.
_PERM = _rng.permutation(CODE_BITS).reshape(TILE_H, TILE_W)


def luma(frame: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY).astype(np.float32)


def work_height(shape: str) -> int:
    """Work height of a mask shape's layout (``jnd``: 212 lines; ``robust``/``ssim``, the 0.2 marks: 240)."""
    return WORK_HEIGHT if shape == "jnd" else LEGACY_WORK_HEIGHT


def work_width(width: int, height: int, work: int = WORK_HEIGHT) -> int:
    return max(CELL, round(width * work / height))


def _cells(img: np.ndarray) -> np.ndarray:
    """(H, W) -> (by, bx, CELL*CELL) of the whole cells from the top-left corner."""
    h, w = img.shape
    by, bx = h // CELL, w // CELL
    c = img[: by * CELL, : bx * CELL].reshape(by, CELL, bx, CELL).swapaxes(1, 2)
    return np.ascontiguousarray(c).reshape(by, bx, CELL * CELL)


def _mask(tex: np.ndarray, vmin: np.ndarray, lum: np.ndarray) -> np.ndarray:
    """``ssim`` shape: budget from the cell's texture, the local variance of its flattest pixel
    and its mean luma."""
    mask = np.minimum(FLAT_FLOOR + TEXTURE_GAIN * tex, MASK_MAX)
    # SSIM's contrast term: a change of variance v where the picture's local variance is
    # var costs ~ v / (2 var + C2); a cell astride a lone edge has flat pixels beside it
    mask = np.minimum(mask, EDGE_MAX * np.sqrt(1.0 + vmin * (2.0 / SSIM_C2)))
    shrink = (2.0 * lum * lum + SSIM_C1) * (1.0 / DARK_REF)
    return mask * np.sqrt(np.minimum(shrink, 1.0))


def _robust_mask(tex: np.ndarray, lum: np.ndarray) -> np.ndarray:
    mask = FLAT_FLOOR + TEXTURE_GAIN * tex + DARK_GAIN * np.maximum(0.0, DARK_BELOW - lum)
    return np.minimum(mask, MASK_MAX)


def local_variance(yw: np.ndarray) -> np.ndarray:
    """Variance in a Gaussian window (``VAR_SIGMA``, work pixels) around every pixel."""
    mu = cv2.GaussianBlur(yw, (0, 0), VAR_SIGMA)
    return np.maximum(cv2.GaussianBlur(yw * yw, (0, 0), VAR_SIGMA) - mu * mu, 0.0)


def _cell_texture(yw: np.ndarray) -> np.ndarray:
    texture = np.abs(yw - cv2.GaussianBlur(yw, (0, 0), 1.5))
    by, bx = yw.shape[0] // CELL, yw.shape[1] // CELL
    return cv2.resize(texture[: by * CELL, : bx * CELL], (bx, by), interpolation=cv2.INTER_AREA)


def jnd_maps(yw: np.ndarray, r: float) -> tuple[np.ndarray, np.ndarray]:
    """``jnd`` shape: the per-pixel multiplier of the pattern (work scale, HxW) and the per-cell
    budget (by, bx, before ``JND_FLOOR * r``) of a work-scale luma image."""
    mu = cv2.GaussianBlur(yw, (0, 0), VAR_SIGMA)
    var = np.maximum(cv2.GaussianBlur(yw * yw, (0, 0), VAR_SIGMA) - mu * mu, 0.0)
    m = np.sqrt(var * (2.0 / SSIM_C2) + 1.0)
    m *= np.sqrt(np.minimum((2.0 * mu * mu + SSIM_C1) * (1.0 / JND_DARK_REF), 1.0))
    m = np.minimum(m, JND_MMAX * r).astype(np.float32)
    vmin = _cells(var).min(axis=2)
    budget = np.minimum(
        np.minimum(1.0 + JND_TEXTURE * _cell_texture(yw), JND_BMAX),
        np.sqrt(1.0 + vmin * (2.0 / SSIM_C2)),
    )
    return m, budget


def perceptual_mask(yw: np.ndarray, shape: str = "robust") -> np.ndarray:
    """Per-cell perceptual budget of a work-scale luma image (0.2 shapes): (by, bx)."""
    h, w = yw.shape
    by, bx = h // CELL, w // CELL
    tex = _cell_texture(yw)
    lum = cv2.resize(yw[: by * CELL, : bx * CELL], (bx, by), interpolation=cv2.INTER_AREA)
    if shape == "robust":
        return _robust_mask(tex, lum)
    vmin = _cells(local_variance(yw)).min(axis=2) if by and bx else np.zeros((by, bx))
    return _mask(tex, vmin, lum)


@dataclass(frozen=True)
class Embedder:
    """Embeds one codeword; ``gain`` scales target and cap together (1.0 = measured default)."""

    bits: np.ndarray
    gain: float = 1.0
    shape: str = "jnd"

    @property
    def work(self) -> int:
        return work_height(self.shape)

    def signs(self, by: int, bx: int) -> np.ndarray:
        ys = np.arange(by) % TILE_H
        xs = np.arange(bx) % TILE_W
        return 1.0 - 2.0 * self.bits[_PERM[ys[:, None], xs[None, :]]].astype(np.float32)

    def delta(self, frame: np.ndarray) -> np.ndarray:
        """The luma change for ``frame`` at full size (float32, HxW)."""
        h, w = frame.shape[:2]
        work = self.work
        ww = work_width(w, h, work)
        yw = cv2.resize(luma(frame), (ww, work), interpolation=cv2.INTER_AREA)
        cells = _cells(yw)
        by, bx = cells.shape[:2]
        host = cells @ _PAT_FLAT
        s = self.signs(by, bx)
        g = np.float32(self.gain)
        if self.shape == "jnd":
            r = float(np.sqrt(h / JND_REF_HEIGHT))
            m, budget = jnd_maps(yw, r)
            # projection of (pattern x m) on the pattern: the amplitude that reaches the target
            kappa = np.maximum(_cells(m) @ _PAT_SQ, 1e-3)
            mask = (g * JND_FLOOR * r) * budget
            amp = np.clip((TARGET * mask - s * host) / kappa, 0.0, CAP * r * mask) * s
        else:
            m = None
            mask = perceptual_mask(yw, self.shape)
            cap = CAP if self.shape == "robust" else CAP_SSIM
            amp = np.clip(g * TARGET * mask - s * host, 0.0, g * cap * mask) * s
        d = np.zeros((work, ww), np.float32)
        blocks = amp[:, :, None, None].astype(np.float32) * PATTERN
        d[: by * CELL, : bx * CELL] = blocks.swapaxes(1, 2).reshape(by * CELL, bx * CELL)
        if m is not None:
            # no pixel moves by more than JND_DMAX * r levels: caption glyph edges are where
            # the pattern is multiplied most and where the cell's host fights the bit hardest
            d = np.clip(d * m, -JND_DMAX * r, JND_DMAX * r)
        return cv2.resize(d, (w, h), interpolation=cv2.INTER_CUBIC)

    def embed(self, frame: np.ndarray) -> np.ndarray:
        dfull = self.delta(frame)
        # The same change on R, G and B is a luma-only change; apply it as two saturating
        # uint8 operations (positive and negative parts), rounding to nearest.
        pos = cv2.cvtColor(cv2.convertScaleAbs(np.maximum(dfull, 0)), cv2.COLOR_GRAY2RGB)
        neg = cv2.cvtColor(cv2.convertScaleAbs(np.minimum(dfull, 0)), cv2.COLOR_GRAY2RGB)
        return cv2.subtract(cv2.add(frame, pos), neg)


# --------------------------------------------------------------------------- detection


@dataclass
class Sync:
    """Where the cell grid sits in an attacked frame: crop fraction and pixel offset."""

    crop: float
    dy: int
    dx: int
    coherence: float = 0.0
    work: int = WORK_HEIGHT


def rescale(y: np.ndarray, crop: float, work: int = WORK_HEIGHT) -> np.ndarray:
    """Resize a luma image to work scale (``work`` lines for the uncropped original), assuming
    ``crop`` of the original height was cut away (a centred or uncentred crop that kept the
    aspect)."""
    h, w = y.shape
    s = work * (1.0 - crop) / h
    nh, nw = max(CELL, round(h * s)), max(CELL, round(w * s))
    interp = cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR
    return cv2.resize(y, (nw, nh), interpolation=interp)


def _dense(yw: np.ndarray) -> np.ndarray:
    """Projection on the pattern of the cell starting at every pixel, divided by the cell's
    perceptual mask as the detector sees it (a textured cell's projection is mostly picture,
    so it gets proportionally less say): (H-CELL+1, W-CELL+1)."""
    full = cv2.filter2D(yw, cv2.CV_32F, PATTERN, anchor=(0, 0), borderType=cv2.BORDER_CONSTANT)
    h, w = yw.shape[0] - CELL + 1, yw.shape[1] - CELL + 1
    if not RX_NORMALISE:
        return full[:h, :w]
    texture = np.abs(yw - cv2.GaussianBlur(yw, (0, 0), 1.5))
    tex = cv2.boxFilter(texture, -1, (CELL, CELL), anchor=(0, 0), borderType=cv2.BORDER_CONSTANT)
    lum = cv2.boxFilter(yw, -1, (CELL, CELL), anchor=(0, 0), borderType=cv2.BORDER_CONSTANT)
    mask = _robust_mask(tex, lum) * (1.0 + RX_TEXTURE * tex)
    return full[:h, :w] / mask[:h, :w]


def _grid(dense: np.ndarray, dy: int, dx: int) -> np.ndarray:
    return dense[dy::CELL, dx::CELL]


def _soft(g: np.ndarray) -> np.ndarray:
    """Soft decisions in [-1, 1]: the projection over the frame's 90th percentile magnitude,
    clipped. Linear near 0, so cells whose mark a codec wiped out (flat areas at low bit
    rates) add little, instead of voting at full weight as a sign would."""
    if g.size == 0:
        return g
    scale = float(np.percentile(np.abs(g), 90)) + 1e-3
    return np.clip(g / scale, -1.0, 1.0)


def _fold(soft: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sum the cells of each tile slot: (sum, sum of |.|), each (TILE_H, TILE_W)."""
    by, bx = soft.shape
    slot = ((np.arange(by) % TILE_H)[:, None] * TILE_W + (np.arange(bx) % TILE_W)[None, :]).ravel()
    n = TILE_H * TILE_W
    acc = np.bincount(slot, weights=soft.ravel(), minlength=n).reshape(TILE_H, TILE_W)
    mag = np.bincount(slot, weights=np.abs(soft).ravel(), minlength=n).reshape(TILE_H, TILE_W)
    return acc, mag


def coherence(soft: np.ndarray) -> float:
    """~sqrt(copies per bit) on the right grid, ~0.8 on a wrong grid or an unmarked picture."""
    if soft.size == 0:
        return 0.0
    acc, _ = _fold(soft)
    return float(np.sum(np.abs(acc)) / np.sqrt(CODE_BITS * float(np.sum(soft**2)) + 1e-9))


def _best_alignment(denses: list[np.ndarray]) -> tuple[int, int, float]:
    best = (0, 0, -1.0)
    for dy in range(CELL):
        for dx in range(CELL):
            c = float(np.mean([coherence(_soft(_grid(d, dy, dx))) for d in denses]))
            if c > best[2]:
                best = (dy, dx, c)
    return best


def find_sync(lumas: list[np.ndarray], work: int = WORK_HEIGHT) -> Sync:
    """Crop scale (coarse-to-fine, first frame) and cell alignment (all given frames) that
    maximise tile coherence, for the layout of ``work`` lines."""
    first = lumas[0]
    scores: dict[float, float] = {}

    def score(crop: float) -> float:
        if crop not in scores:
            scores[crop] = _best_alignment([_dense(rescale(first, crop, work))])[2]
        return scores[crop]

    best = max(CROP_COARSE, key=score)
    for crop in (best - CROP_FINE_STEP, best + CROP_FINE_STEP):
        if 0.0 <= crop < 0.5:
            score(round(crop, 4))
    crop = max(scores, key=lambda c: scores[c])
    dy, dx, coh = _best_alignment([_dense(rescale(y, crop, work)) for y in lumas])
    return Sync(crop, dy, dx, coh, work)


def slot_votes(y: np.ndarray, sync: Sync) -> tuple[np.ndarray, float]:
    """Soft votes per tile slot of one frame, (2, TILE_H, TILE_W) = (sum, sum |.|), and the
    frame's tile coherence (how much of the mark survived in it)."""
    g = _grid(_dense(rescale(y, sync.crop, sync.work)), sync.dy, sync.dx)
    if g.size == 0:
        return np.zeros((2, TILE_H, TILE_W)), 0.0
    soft = _soft(g)
    acc, mag = _fold(soft)
    return np.stack([acc, mag]), coherence(soft)


def bit_votes(slots: np.ndarray, phase: tuple[int, int]) -> np.ndarray:
    """Slot votes -> codeword-bit votes for a tile phase: shape (2, CODE_BITS)."""
    return dctqim.bit_votes(slots, phase, _PERM)


def decode_slots(slots: np.ndarray) -> tuple[bytes, tuple[int, int], np.ndarray] | None:
    """Try every tile phase; (payload, phase, bit votes) of the best Reed-Solomon decode."""
    return dctqim.decode_slots(slots, _PERM)
